using Hark.Audio.Vad;
using Hark.Decoding;

namespace Hark.Transcription;

/// <summary>
/// How to transcribe a recording. Names and defaults follow openai-whisper's <c>transcribe()</c> and
/// faster-whisper's <c>WhisperModel.transcribe</c> (beam size and best-of take the CLI defaults of both: 5).
/// </summary>
public sealed record TranscriptionOptions
{
    /// <summary>Default temperature schedule: 0.0, 0.2, … 1.0.</summary>
    public static IReadOnlyList<float> DefaultTemperatures { get; } = [0.0f, 0.2f, 0.4f, 0.6f, 0.8f, 1.0f];

    /// <summary>Spoken language code (<c>en</c>, <c>no</c>, …); null detects it from the first 30 seconds.</summary>
    public string? Language { get; init; }

    /// <summary>Transcribe, or translate to English.</summary>
    public WhisperTask Task { get; init; } = WhisperTask.Transcribe;

    /// <summary>Beams at temperature 0; null or 1 decodes greedily (<c>beam_size</c>).</summary>
    public int? BeamSize { get; init; } = 5;

    /// <summary>Samples per window at temperature &gt; 0 (<c>best_of</c>).</summary>
    public int? BestOf { get; init; } = 5;

    /// <summary>Beam-search patience (<c>patience</c>); null = 1.</summary>
    public double? Patience { get; init; }

    /// <summary>Google-NMT alpha in [0, 1] for ranking candidates; null divides by length (<c>length_penalty</c>).</summary>
    public double? LengthPenalty { get; init; }

    /// <summary>Penalty on tokens already sampled in a window; 1 = off (<c>repetition_penalty</c>).</summary>
    public float RepetitionPenalty { get; init; } = 1f;

    /// <summary>Forbid repeating n-grams of this size in a window; 0 = off (<c>no_repeat_ngram_size</c>).</summary>
    public int NoRepeatNgramSize { get; init; }

    /// <summary>Temperatures tried in turn when a window fails the thresholds (<c>temperature</c>).</summary>
    public IReadOnlyList<float> Temperatures { get; init; } = DefaultTemperatures;

    /// <summary>A window whose text's zlib compression ratio is above this is retried hotter; null = never
    /// (<c>compression_ratio_threshold</c>).</summary>
    public double? CompressionRatioThreshold { get; init; } = 2.4;

    /// <summary>A window whose average log-probability is below this is retried hotter; null = never
    /// (<c>log_prob_threshold</c> / <c>logprob_threshold</c>).</summary>
    public double? LogProbThreshold { get; init; } = -1.0;

    /// <summary>A window whose no-speech probability is above this and whose average log-probability is below
    /// <see cref="LogProbThreshold"/> is treated as silence and skipped (<c>no_speech_threshold</c>).</summary>
    public double? NoSpeechThreshold { get; init; } = 0.6;

    /// <summary>Feed the previous windows' text as the prompt of the next (<c>condition_on_previous_text</c>).</summary>
    public bool ConditionOnPreviousText { get; init; } = true;

    /// <summary>The previous text is dropped after a window decoded hotter than this
    /// (<c>prompt_reset_on_temperature</c>).</summary>
    public float PromptResetOnTemperature { get; init; } = 0.5f;

    /// <summary>Text given as the prompt of the first window (<c>initial_prompt</c>).</summary>
    public string? InitialPrompt { get; init; }

    /// <summary>Keep <see cref="InitialPrompt"/> in front of every window's prompt (<c>carry_initial_prompt</c>).</summary>
    public bool CarryInitialPrompt { get; init; }

    /// <summary>Text forced at the start of the first window's output (faster-whisper <c>prefix</c>).</summary>
    public string? Prefix { get; init; }

    /// <summary>Hint phrases placed in the prompt of every window; ignored with <see cref="Prefix"/> (<c>hotwords</c>).</summary>
    public string? Hotwords { get; init; }

    /// <summary>Tokens never sampled; <c>-1</c> means the non-speech symbols (<c>suppress_tokens</c>).</summary>
    public IReadOnlyList<int> SuppressTokens { get; init; } = [-1];

    /// <summary>Forbid a blank first token (<c>suppress_blank</c>).</summary>
    public bool SuppressBlank { get; init; } = true;

    /// <summary>Sample text only, one segment per window (<c>without_timestamps</c>).</summary>
    public bool WithoutTimestamps { get; init; }

    /// <summary>Latest first timestamp of a window in seconds (<c>max_initial_timestamp</c>).</summary>
    public double? MaxInitialTimestamp { get; init; } = 1.0;

    /// <summary>Most tokens sampled per window; null = 224 (<c>max_new_tokens</c> / <c>sample_len</c>).</summary>
    public int? MaxNewTokens { get; init; }

    /// <summary>Start,end,start,end,… seconds of the clips to transcribe; a missing last end means the end of the
    /// audio; empty = everything (<c>clip_timestamps</c>).</summary>
    public IReadOnlyList<double> ClipTimestamps { get; init; } = [];

    /// <summary>Transcribe only the speech Silero VAD finds (<c>vad_filter</c>): the speech chunks are joined, transcribed
    /// as one recording (with <see cref="BatchSize"/> above 1: in windows of consecutive chunks holding at most 30 s of
    /// speech) and the segment times mapped back to the original timeline. Ignored with <see cref="ClipTimestamps"/>, as
    /// in faster-whisper.</summary>
    public bool VadFilter { get; init; }

    /// <summary>How <see cref="VadFilter"/> tells speech from silence (<c>vad_parameters</c>); null takes faster-whisper's
    /// defaults of the path: <see cref="VadOptions"/>'s when <see cref="BatchSize"/> is 1, else speech chunks of at most
    /// 30 s ended by 160 ms of silence. With <see cref="BatchSize"/> above 1, <c>max_speech_duration_s</c> is capped at 30 s.
    /// <see cref="TranscriptionInfo.Options"/> reports the parameters in effect.</summary>
    public VadOptions? VadParameters { get; init; }

    /// <summary>Seed of the sampler used at temperature &gt; 0 (runs are reproducible).</summary>
    public int Seed { get; init; }

    /// <summary>Time every word from the alignment heads' cross-attention (<c>word_timestamps</c>): <see cref="Segment.Words"/>,
    /// segment boundaries moved to the words, and the next window starting after the last word.</summary>
    public bool WordTimestamps { get; init; }

    /// <summary>With <see cref="WordTimestamps"/>, marks merged with the next word (<c>prepend_punctuations</c>).</summary>
    public string PrependPunctuations { get; init; } = "\"'“¿([{-";

    /// <summary>With <see cref="WordTimestamps"/>, marks merged with the previous word (<c>append_punctuations</c>).</summary>
    public string AppendPunctuations { get; init; } = "\"'.。,，!！?？:：”)]}、";

    /// <summary>With <see cref="WordTimestamps"/>, skip silences longer than this many seconds around a likely
    /// hallucination (<c>hallucination_silence_threshold</c>); null = off.</summary>
    public double? HallucinationSilenceThreshold { get; init; }

    /// <summary>
    /// Windows decoded together (<c>batch_size</c>). 1 (the default) is openai's sequential long-form algorithm: each
    /// window starts where the previous one's last complete segment ended and is conditioned on the previous text.
    /// Above 1, windows are independent and go through the encoder and decoder N at a time (faster-whisper's
    /// <c>BatchedInferencePipeline</c>): with <see cref="VadFilter"/>, consecutive speech chunks joined into windows of
    /// at most 30 s of speech; otherwise each clip cut into consecutive 30-second windows. Lost to batching: conditioning
    /// on the previous window's text (<see cref="ConditionOnPreviousText"/>) and seeking from a window's last timestamp
    /// (text after it ends a segment at the window's end). Kept per window: temperature fallback (only the windows that
    /// failed are re-decoded, together), the thresholds, no-speech skipping, timestamps or not, and sampling (a window
    /// decodes the same tokens in any batch).
    /// </summary>
    public int BatchSize { get; init; } = 1;
}
