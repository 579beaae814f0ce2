namespace Hark.Tokenization;

/// <summary>
/// Ids of Whisper's special tokens. They follow the BPE ranks in a fixed order
/// (<c>endoftext, startoftranscript, languages…, translate, transcribe, startoflm, startofprev, nospeech,
/// notimestamps, 0.00 … 30.00</c>), so the whole table derives from the rank count and the language count.
/// </summary>
public sealed record SpecialTokens
{
    /// <summary>Number of timestamp tokens (<c>&lt;|0.00|&gt;</c> … <c>&lt;|30.00|&gt;</c>).</summary>
    public const int TimestampCount = 1501;

    /// <summary><c>&lt;|endoftext|&gt;</c>.</summary>
    public required int EndOfText { get; init; }
    /// <summary><c>&lt;|startoftranscript|&gt;</c> (SOT).</summary>
    public required int StartOfTranscript { get; init; }
    /// <summary>Number of language tokens (99, or 100 for large-v3).</summary>
    public required int LanguageCount { get; init; }
    /// <summary>Whether the model is multilingual (English-only models still define the tokens but never use them).</summary>
    public required bool IsMultilingual { get; init; }

    /// <summary>First language token (<c>&lt;|en|&gt;</c>).</summary>
    public int FirstLanguage => StartOfTranscript + 1;
    /// <summary><c>&lt;|translate|&gt;</c>.</summary>
    public int Translate => FirstLanguage + LanguageCount;
    /// <summary><c>&lt;|transcribe|&gt;</c>.</summary>
    public int Transcribe => Translate + 1;
    /// <summary><c>&lt;|startoflm|&gt;</c>.</summary>
    public int StartOfLm => Translate + 2;
    /// <summary><c>&lt;|startofprev|&gt;</c>.</summary>
    public int StartOfPrev => Translate + 3;
    /// <summary><c>&lt;|nospeech|&gt;</c> (called <c>&lt;|nocaptions|&gt;</c> in older files).</summary>
    public int NoSpeech => Translate + 4;
    /// <summary><c>&lt;|notimestamps|&gt;</c>.</summary>
    public int NoTimestamps => Translate + 5;
    /// <summary><c>&lt;|0.00|&gt;</c>; every id at or above it is a timestamp.</summary>
    public int TimestampBegin => Translate + 6;
    /// <summary>Total vocabulary (ranks + specials + timestamps).</summary>
    public int VocabSize => TimestampBegin + TimestampCount;

    /// <summary>Token of a language by index in <see cref="WhisperLanguages"/>.</summary>
    public int LanguageToken(int languageIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(languageIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(languageIndex, LanguageCount);
        return FirstLanguage + languageIndex;
    }

    /// <summary>True for a language token.</summary>
    public bool IsLanguage(int token) => token >= FirstLanguage && token < Translate;

    /// <summary>True for a timestamp token.</summary>
    public bool IsTimestamp(int token) => token >= TimestampBegin;

    /// <summary>
    /// Derives the table from the vocabulary size of <c>config.json</c>: 51864 English-only (gpt2 ranks),
    /// 51865 multilingual, 51866 large-v3 (100 languages).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The size is none of Whisper's.</exception>
    public static SpecialTokens ForVocabSize(int vocabSize) => vocabSize switch
    {
        51864 => new() { EndOfText = 50256, StartOfTranscript = 50257, LanguageCount = 99, IsMultilingual = false },
        51865 => new() { EndOfText = 50257, StartOfTranscript = 50258, LanguageCount = 99, IsMultilingual = true },
        51866 => new() { EndOfText = 50257, StartOfTranscript = 50258, LanguageCount = 100, IsMultilingual = true },
        _ => throw new ArgumentOutOfRangeException(nameof(vocabSize), vocabSize,
            "Whisper vocabularies have 51864 (English-only), 51865 (multilingual) or 51866 (large-v3) tokens"),
    };
}
