using Hark.Decoding;
using Hark.Engines;

namespace Hark.Transcription;

/// <summary>
/// openai-whisper's <c>decode_with_fallback</c> over a set of encoded windows: every window is decoded at the first
/// temperature together; those that are too repetitive (compression ratio) or too improbable (average log-probability),
/// unless they look like silence, are decoded again together at the next temperature, and so on. One window at a time
/// is exactly openai's algorithm. All decodings use the batch's decoder factory, so cross-attention K/V are not recomputed.
/// Each window samples from its own generator, seeded by the run's seed and the window's first frame, so a window decodes
/// the same tokens alone or batched with any others.
/// </summary>
internal static class TemperatureFallback
{
    /// <summary>Decodes windows <paramref name="windows"/> of <paramref name="batch"/>, one result per window.</summary>
    /// <param name="engine">The engine.</param>
    /// <param name="tokenizer">The tokenizer.</param>
    /// <param name="plan">The attempts and thresholds.</param>
    /// <param name="batch">The encoded windows.</param>
    /// <param name="windows">Which windows of the batch to decode.</param>
    /// <param name="perWindow">Sets what differs per run of windows (prompt, prefix) on each attempt.</param>
    /// <param name="cancellationToken">Checked every token.</param>
    public static DecodingResult[] Decode(IWhisperEngine engine, IDecodingTokenizer tokenizer, TranscriptionPlan plan, EncodedBatch batch,
        IReadOnlyList<int> windows, Func<DecodingOptions, DecodingOptions> perWindow, CancellationToken cancellationToken)
    {
        var results = new DecodingResult[windows.Count];
        var pending = Enumerable.Range(0, windows.Count).ToList();
        foreach (var attempt in plan.Attempts)
        {
            var task = new DecodingTask(engine, tokenizer, perWindow(attempt));
            var decoded = task.Run(batch.Decoder, [.. pending.Select(i => windows[i])],
                [.. pending.Select(i => WindowSeed(plan.Options.Seed, batch.Windows[windows[i]]))], cancellationToken);
            var failed = new List<int>();
            for (var j = 0; j < pending.Count; j++)
            {
                results[pending[j]] = decoded[j];
                if (plan.NeedsFallback(decoded[j])) failed.Add(pending[j]);
            }
            pending = failed;
            if (pending.Count == 0) break;
        }
        return results;
    }

    /// <summary>A fresh but reproducible sampler seed per window.</summary>
    public static int WindowSeed(int seed, AudioWindow window) => unchecked(seed * 1_000_003 + window.Start);
}
