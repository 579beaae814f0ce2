using System.Runtime.CompilerServices;
using Hark.Audio;

namespace Hark.Transcription;

/// <summary>
/// Independent windows decoded N at a time: N windows go through the encoder as one batch and through the decoder as
/// one session (beams or samples of every window side by side); temperature fallback re-decodes only the windows that
/// failed, together again. No window is conditioned on another's text and none is re-decoded from its last timestamp,
/// so a window's text after its last complete timestamp pair becomes a segment ending with the window. Word timestamps
/// align each window on its own encoding while the batch is alive (as faster-whisper's batched pipeline, with no
/// previous speech to clip against and no re-seeking after the last word).
/// </summary>
/// <remarks>
/// The windows come from <see cref="Windows"/> (each clip cut into consecutive 30-second windows) or from the caller
/// through <see cref="RunWindowsAsync"/>: voice-activity chunks or a server's queue of requests.
/// </remarks>
internal sealed class BatchedStrategy(TranscriptionPipeline pipeline, int batchSize) : IWindowStrategy
{
    /// <summary>Each clip cut into consecutive windows of at most 30 seconds.</summary>
    public static IReadOnlyList<AudioWindow> Windows(TranscriptionPlan plan, MelFeatures mel)
    {
        var windows = new List<AudioWindow>();
        foreach (var (start, end) in plan.Clips)
        {
            for (var seek = start; seek < end; seek += AudioConstants.FramesPerChunk)
                windows.Add(new AudioWindow(seek, Math.Min(AudioConstants.FramesPerChunk, Math.Min(end, mel.ContentFrames) - seek)));
        }
        return windows;
    }

    /// <inheritdoc />
    public IReadOnlyList<AudioWindow> FirstBatch(TranscriptionPlan plan, MelFeatures mel) => [.. Windows(plan, mel).Take(batchSize)];

    /// <inheritdoc />
    public IAsyncEnumerable<Segment> RunAsync(PreparedTranscription run, IProgress<TranscriptionProgress>? progress, CancellationToken cancellationToken)
        => RunWindowsAsync(run, Windows(run.Plan, run.Mel), progress, cancellationToken);

    /// <summary>Decodes <paramref name="windows"/> in order, <c>batchSize</c> at a time, yielding numbered segments per batch.</summary>
    public async IAsyncEnumerable<Segment> RunWindowsAsync(PreparedTranscription run, IReadOnlyList<AudioWindow> windows,
        IProgress<TranscriptionProgress>? progress, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var plan = run.Plan;
        var prompt = plan.InitialPrompt;
        var segmentCount = 0;
        var words = pipeline.WordTimer(plan); // null unless word timestamps are asked for
        for (var first = 0; first < windows.Count; first += batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            AudioWindow[] chunk = [.. windows.Skip(first).Take(batchSize)];
            var perWindow = await Task.Run(() =>
            {
                using var batch = run.Encode(pipeline, chunk, cancellationToken);
                var results = pipeline.DecodeWithFallback(plan, batch, [.. Enumerable.Range(0, chunk.Length)],
                    o => o with { Prompt = prompt, Prefix = plan.Prefix }, cancellationToken);
                var segments = new List<Segment>[chunk.Length];
                for (var i = 0; i < chunk.Length; i++)
                {
                    segments[i] = plan.IsSilence(results[i]) ? [] : pipeline.Splitter.Split(results[i], chunk[i], keepUnfinished: true).Segments;
                    if (words is not null) segments[i] = words.Add(segments[i], batch.Decoder, i, chunk[i], 0.0, cancellationToken);
                }
                return segments;
            }, cancellationToken).ConfigureAwait(false);

            foreach (var s in perWindow.SelectMany(w => w)) yield return s.Numbered(segmentCount++);
            progress?.Report(new TranscriptionProgress(Math.Min(run.Mel.ContentFrames, chunk[^1].End) / 100.0, run.Mel.Duration));
        }
    }
}
