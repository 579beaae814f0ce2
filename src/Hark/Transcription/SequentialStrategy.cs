using System.Runtime.CompilerServices;
using Hark.Audio;

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
            var windowSeed = unchecked(options.Seed * 1_000_003 + seek); // fresh but reproducible draws per window
            firstWindow = false;

            var result = await pipeline.DecodeWindowAsync(
                new WindowWork(run, window, o => o with { Prompt = prompt, Prefix = prefix, Seed = windowSeed }), cancellationToken).ConfigureAwait(false);

            if (plan.IsSilence(result))
            {
                seek += window.Frames;
                progress?.Report(new TranscriptionProgress(Math.Min(contentFrames, seek) / 100.0, mel.Duration));
                continue;
            }

            var (current, nextSeek) = pipeline.Splitter.Split(result, window);
            seek = nextSeek;

            var emitted = new List<Segment>(current.Count);
            foreach (var s in current)
            {
                // Instantaneous or textless segments are kept but emptied, as openai does.
                var empty = s.Start == s.End || string.IsNullOrWhiteSpace(s.Text);
                emitted.Add(empty ? s with { Id = segmentCount++, Text = "", Tokens = [] } : s with { Id = segmentCount++ });
            }
            foreach (var s in emitted) allTokens.AddRange(s.Tokens);
            if (!options.ConditionOnPreviousText || result.Temperature > options.PromptResetOnTemperature)
                promptResetSince = allTokens.Count; // do not feed the prompt tokens if a high temperature was used

            foreach (var s in emitted) yield return s;
            progress?.Report(new TranscriptionProgress(Math.Min(contentFrames, seek) / 100.0, mel.Duration));
        }
    }

    /// <summary>The window at <paramref name="seek"/>: 30 s, or less at the end of the content or of the clip.</summary>
    private static AudioWindow Window(int seek, int clipEnd, int contentFrames) =>
        new(seek, Math.Min(AudioConstants.FramesPerChunk, Math.Min(contentFrames - seek, clipEnd - seek)));
}
