using System.Globalization;

namespace Hark.Tokenization;

/// <summary>Text form of Whisper's special tokens (<c>&lt;|en|&gt;</c>, <c>&lt;|0.02|&gt;</c>) as openai names them.</summary>
internal static class SpecialTokenNames
{
    /// <summary>Older Hugging Face files call <c>&lt;|nospeech|&gt;</c> this.</summary>
    public const string NoCaptions = "<|nocaptions|>";

    /// <summary>openai's name of a special id (at or above <see cref="SpecialTokens.EndOfText"/>).</summary>
    public static string Name(SpecialTokens s, int id)
    {
        if (id == s.EndOfText) return "<|endoftext|>";
        if (id == s.StartOfTranscript) return "<|startoftranscript|>";
        if (s.IsLanguage(id)) return "<|" + WhisperLanguages.Codes[id - s.FirstLanguage] + "|>";
        if (id == s.Translate) return "<|translate|>";
        if (id == s.Transcribe) return "<|transcribe|>";
        if (id == s.StartOfLm) return "<|startoflm|>";
        if (id == s.StartOfPrev) return "<|startofprev|>";
        if (id == s.NoSpeech) return "<|nospeech|>";
        if (id == s.NoTimestamps) return "<|notimestamps|>";
        if (s.IsTimestamp(id) && id < s.VocabSize) return Timestamp(id - s.TimestampBegin);
        throw new ArgumentOutOfRangeException(nameof(id), id, $"not a special token of a {s.VocabSize}-token vocabulary");
    }

    /// <summary><c>&lt;|1.08|&gt;</c> for timestamp index 54 (0.02 s steps).</summary>
    public static string Timestamp(int index) =>
        "<|" + (index * 0.02).ToString("0.00", CultureInfo.InvariantCulture) + "|>";

    /// <summary>True when <paramref name="name"/> is an accepted spelling of special <paramref name="id"/>.</summary>
    public static bool Matches(SpecialTokens s, int id, string name) =>
        name == Name(s, id) || (id == s.NoSpeech && name == NoCaptions);
}
