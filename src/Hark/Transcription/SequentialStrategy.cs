using System.Runtime.CompilerServices;
using Hark.Audio;
using Hark.Transcription.Timing;

namespace Hark.Transcription;

/// <summary>
/// openai-whisper's <c>transcribe()</c>: one 30-second window at a time, each decoded with temperature fallback and
/// conditioned on the previous text, cut into segments at consecutive timestamps; the next window starts at the last
/// complete timestamp. Each window is encoded once and its decoder factory serves every temperature.
/// </summary>
internal sealed class SequentialStrategy(TranscriptionPipeline pipeline) : IWindowStrategy
{
    /// <inheritdoc />
    public IReadOnlyList<AudioWindow> FirstBatch(TranscriptionPlan plan, MelFeatures mel)
    {
        foreach (var (start, end) in plan.Clips)
        {
            if (start < end) return [Window(start, end, mel.ContentFrames)];
        }
        return [];
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<Segment> RunAsync(PreparedTranscription run, IProgress<TranscriptionProgress>? progress,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var (mel, plan) = (run.Mel, run.Plan);
        var options = plan.Options;
        var contentFrames = mel.ContentFrames;
        var clips = plan.Clips;
        var allTokens = new List<int>(plan.InitialPrompt);
        var promptResetSince = 0;
        var segmentCount = 0;

        var clipIndex = 0;
        var seek = clips[0].Start;
        var firstWindow = true;
        var words = pipeline.WordTimer(plan); // null unless word timestamps are asked for
        var lastSpeechTimestamp = 0.0;
        while (clipIndex < clips.Count)
        {
            var (clipStart, clipEnd) = clips[clipIndex];
            if (seek < clipStart) seek = clipStart;
            if (seek >= clipEnd)
            {
                clipIndex++;
                if (clipIndex < clips.Count) seek = clips[clipIndex].Start;
                continue;
            }
            cancellationToken.ThrowIfCancellationRequested();
            var window = Window(seek, clipEnd, contentFrames);

            IReadOnlyList<int> prompt;
            if (options.CarryInitialPrompt)
            {
                var ignored = Math.Max(plan.InitialPrompt.Length, promptResetSince);
                var rest = allTokens.Skip(ignored).ToList();
                prompt = [.. plan.InitialPrompt, .. rest.Skip(Math.Max(0, rest.Count - plan.PromptBudget))];
            }
            else
            {
                prompt = allTokens.Skip(promptResetSince).ToList();
            }
            var prefix = firstWindow ? plan.Prefix : null;
            firstWindow = false;

            var speechBefore = lastSpeechTimestamp;
            var (result, current, nextSeek) = words is null
                ? await DecodeAsync(run, window, prompt, prefix, cancellationToken).ConfigureAwait(false)
                : await Task.Run(() =>
                {
                    // Words need the window's encoding, so this window is encoded, decoded and aligned here (not
                    // through a scheduler that may share its encoder batch) and aligned before the batch is released.
                    using var batch = run.Encode(pipeline, [window], cancellationToken);
                    var decoded = pipeline.DecodeWithFallback(plan, batch, [0], o => o with { Prompt = prompt, Prefix = prefix }, cancellationToken)[0];
                    if (plan.IsSilence(decoded)) return (decoded, new List<Segment>(), 0);
                    var (segments, next) = pipeline.Splitter.Split(decoded, window);
                    segments = words.Add(segments, batch.Decoder, 0, window, speechBefore, cancellationToken);
                    return (decoded, segments, next);
                }, cancellationToken).ConfigureAwait(false);

            if (plan.IsSilence(result))
            {
                seek += window.Frames;
                progress?.Report(new TranscriptionProgress(Math.Min(contentFrames, seek) / 100.0, mel.Duration));
                continue;
            }
            seek = nextSeek;
            if (words is not null)
            {
                var outcome = WordSeeking.Apply(current, window, seek, pipeline.Splitter.EndsOnSingleTimestamp(result.Tokens),
                    options.HallucinationSilenceThreshold, lastSpeechTimestamp, contentFrames);
                seek = outcome.Seek;
                if (outcome.Retry) continue; // a possible hallucination after a long silence: decode again from it
                current = outcome.Segments;
                if (WordSeeking.End(current) is { } lastWordEnd) lastSpeechTimestamp = lastWordEnd;
            }

            var emitted = new List<Segment>(current.Count);
            foreach (var s in current) emitted.Add(s.Numbered(segmentCount++));
            foreach (var s in emitted) allTokens.AddRange(s.Tokens);
            if (!options.ConditionOnPreviousText || result.Temperature > options.PromptResetOnTemperature)
                promptResetSince = allTokens.Count; // do not feed the prompt tokens if a high temperature was used

            foreach (var s in emitted) yield return s;
            progress?.Report(new TranscriptionProgress(Math.Min(contentFrames, seek) / 100.0, mel.Duration));
        }
    }

    /// <summary>
    /// Decodes one window through the pipeline, which may decode it beside other runs' windows (a server's scheduler)
    /// with the same result, and cuts it into segments.
    /// </summary>
    private async Task<(Decoding.DecodingResult Result, List<Segment> Segments, int NextSeek)> DecodeAsync(PreparedTranscription run,
        AudioWindow window, IReadOnlyList<int> prompt, IReadOnlyList<int>? prefix, CancellationToken cancellationToken)
    {
        var result = await pipeline.DecodeWindowAsync(new WindowWork(run, window, o => o with { Prompt = prompt, Prefix = prefix }),
            cancellationToken).ConfigureAwait(false);
        if (run.Plan.IsSilence(result)) return (result, [], 0);
        var (segments, next) = pipeline.Splitter.Split(result, window);
        return (result, segments, next);
    }

    /// <summary>The window at <paramref name="seek"/>: 30 s, or less at the end of the content or of the clip.</summary>
    private static AudioWindow Window(int seek, int clipEnd, int contentFrames) =>
        new(seek, Math.Min(AudioConstants.FramesPerChunk, Math.Min(contentFrames - seek, clipEnd - seek)));
}
