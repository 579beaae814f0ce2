namespace Hark.Decoding;

/// <summary>
/// How to decode one 30-second window (openai-whisper <c>DecodingOptions</c>, plus faster-whisper's
/// repetition controls and hotwords). Text options are already tokenized; <see cref="Transcription.TranscriptionOptions"/>
/// is the user-facing record.
/// </summary>
public sealed record DecodingOptions
{
    /// <summary>Transcribe or translate.</summary>
    public WhisperTask Task { get; init; } = WhisperTask.Transcribe;

    /// <summary>Language code (<c>en</c>, <c>no</c>, …); required for multilingual models (detect it first with
    /// <see cref="LanguageDetector"/>).</summary>
    public string? Language { get; init; }

    /// <summary>0 for greedy or beam search, &gt; 0 to sample.</summary>
    public float Temperature { get; init; }

    /// <summary>Most tokens sampled per window (openai <c>sample_len</c>, faster-whisper <c>max_new_tokens</c>);
    /// null = half the decoder context (224).</summary>
    public int? SampleLen { get; init; }

    /// <summary>Independent samples per window when <see cref="Temperature"/> &gt; 0.</summary>
    public int? BestOf { get; init; }

    /// <summary>Beams per window when <see cref="Temperature"/> is 0; null for greedy.</summary>
    public int? BeamSize { get; init; }

    /// <summary>Beam-search patience (needs <see cref="BeamSize"/>).</summary>
    public double? Patience { get; init; }

    /// <summary>Google-NMT alpha in [0, 1] for ranking candidates; null ranks by log-probability / length.</summary>
    public double? LengthPenalty { get; init; }

    /// <summary>Previous-context tokens fed after <c>&lt;|startofprev|&gt;</c> (the last 223 are kept).</summary>
    public IReadOnlyList<int>? Prompt { get; init; }

    /// <summary>Tokens forced right after the SOT sequence.</summary>
    public IReadOnlyList<int>? Prefix { get; init; }

    /// <summary>faster-whisper hotwords: tokens placed after <c>&lt;|startofprev|&gt;</c> before the previous text;
    /// ignored when <see cref="Prefix"/> is set.</summary>
    public IReadOnlyList<int>? Hotwords { get; init; }

    /// <summary>Tokens to suppress; <c>-1</c> stands for the non-speech symbol set. Default <c>[-1]</c>.</summary>
    public IReadOnlyList<int> SuppressTokens { get; init; } = [-1];

    /// <summary>Tokens forbidden as the first sampled token whatever <see cref="SuppressBlank"/> says (the model folder's
    /// <c>begin_suppress_tokens</c>).</summary>
    public IReadOnlyList<int> BeginSuppressTokens { get; init; } = [];

    /// <summary>Forbid a blank or end-of-text as the first sampled token.</summary>
    public bool SuppressBlank { get; init; } = true;

    /// <summary>Sample text only (<c>&lt;|notimestamps|&gt;</c>).</summary>
    public bool WithoutTimestamps { get; init; }

    /// <summary>Latest first timestamp in seconds; null for no limit.</summary>
    public double? MaxInitialTimestamp { get; init; } = 1.0;

    /// <summary>CTRL repetition penalty on tokens already sampled in the window (1 = off).</summary>
    public float RepetitionPenalty { get; init; } = 1f;

    /// <summary>Forbid repeating n-grams of this size within the window (0 = off).</summary>
    public int NoRepeatNgramSize { get; init; }

    /// <summary>Seed of the sampler, so sampled runs are reproducible.</summary>
    public int Seed { get; init; }
}
