namespace Hark.Transcription;

/// <summary>
/// How a run walks the recording: which windows it encodes and decodes, in which order, and how each window's result
/// becomes segments. <see cref="SequentialStrategy"/> is openai's long-form algorithm; <see cref="BatchedStrategy"/>
/// decodes independent windows N at a time.
/// </summary>
internal interface IWindowStrategy
{
    /// <summary>The windows the run encodes first (language detection encodes them with its own window when equal).</summary>
    IReadOnlyList<AudioWindow> FirstBatch(TranscriptionPlan plan, MelFeatures mel);

    /// <summary>Decodes the run, yielding numbered segments as soon as each window is done.</summary>
    IAsyncEnumerable<Segment> RunAsync(PreparedTranscription run, IProgress<TranscriptionProgress>? progress, CancellationToken cancellationToken);
}
