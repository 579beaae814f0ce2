namespace Hark.Transcription;

/// <summary>One transcribed segment (openai-whisper's segment dictionary).</summary>
/// <param name="Id">0-based index in the transcript.</param>
/// <param name="Seek">Mel frame (10 ms) where the window that produced it started.</param>
/// <param name="Start">Start in seconds.</param>
/// <param name="End">End in seconds.</param>
/// <param name="Text">Text (with its leading space, as decoded).</param>
/// <param name="Tokens">Tokens including timestamp tokens.</param>
/// <param name="Temperature">Temperature of the accepted decoding.</param>
/// <param name="AvgLogprob">Average log-probability of the window's tokens.</param>
/// <param name="CompressionRatio">zlib compression ratio of the window's text.</param>
/// <param name="NoSpeechProb">Probability of <c>&lt;|nospeech|&gt;</c> for the window.</param>
public sealed record Segment(
    int Id, int Seek, double Start, double End, string Text, IReadOnlyList<int> Tokens,
    float Temperature, double AvgLogprob, double CompressionRatio, double NoSpeechProb)
{
    /// <summary>The words with their times when <see cref="TranscriptionOptions.WordTimestamps"/> is on (empty for a
    /// segment without text); null otherwise.</summary>
    public IReadOnlyList<WordTiming>? Words { get; init; }

    /// <summary>This segment as number <paramref name="id"/> of the transcript; instantaneous or textless segments are
    /// kept but emptied (no text, tokens or words), as openai does.</summary>
    internal Segment Numbered(int id) =>
        Start == End || string.IsNullOrWhiteSpace(Text)
            ? this with { Id = id, Text = "", Tokens = [], Words = Words is null ? null : [] }
            : this with { Id = id };
}
