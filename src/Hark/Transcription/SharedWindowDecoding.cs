using Hark.Decoding;
using Hark.Engines;

namespace Hark.Transcription;

/// <summary>
/// Windows of different runs decoded together: they go through the encoder as one batch; at each fallback attempt the
/// windows whose decoding options are equal (prompt, prefix, language, thresholds) share one decoder session when the
/// attempt is deterministic (temperature 0: greedy or beam search), while sampled attempts decode alone so that each
/// draws from its own seed. Each window follows its own plan's fallback rules, so every result is the one that window
/// gets decoded alone (<see cref="TemperatureFallback"/>).
/// </summary>
internal static class SharedWindowDecoding
{
    /// <summary>Decodes every item of <paramref name="work"/>, one result per item.</summary>
    public static DecodingResult[] Decode(IWhisperEngine engine, IDecodingTokenizer tokenizer, IReadOnlyList<WindowWork> work,
        CancellationToken cancellationToken)
    {
        var results = new DecodingResult[work.Count];
        if (work.Count == 0) return results;
        using var batch = EncodedBatch.Encode(engine, [.. work.Select(w => (w.Run.Mel, w.Window))], cancellationToken);
        var pending = Enumerable.Range(0, work.Count).ToList();
        for (var attempt = 0; pending.Count > 0; attempt++)
        {
            var failed = new List<int>();
            foreach (var (options, members) in Groups(work, pending, attempt))
            {
                // Each window samples from its own seed, as it does decoded alone (TemperatureFallback.WindowSeed).
                var seeds = members.Select(i => TemperatureFallback.WindowSeed(work[i].Run.Plan.Options.Seed, work[i].Window)).ToList();
                var decoded = new DecodingTask(engine, tokenizer, options).Run(batch.Decoder, members.ToArray(), seeds, cancellationToken);
                for (var j = 0; j < members.Count; j++)
                {
                    var plan = work[members[j]].Run.Plan;
                    results[members[j]] = decoded[j];
                    if (plan.NeedsFallback(decoded[j]) && attempt + 1 < plan.Attempts.Count) failed.Add(members[j]);
                }
            }
            failed.Sort();
            pending = failed;
        }
        return results;
    }

    /// <summary>The pending items at <paramref name="attempt"/>, grouped by equal options; sampled attempts alone.</summary>
    private static List<(DecodingOptions Options, List<int> Members)> Groups(IReadOnlyList<WindowWork> work, List<int> pending, int attempt)
    {
        var groups = new List<(DecodingOptions Options, List<int> Members)>();
        var shared = new Dictionary<DecodingOptions, List<int>>(DecodingOptionsComparer.Instance);
        foreach (var i in pending)
        {
            var options = work[i].PerWindow(work[i].Run.Plan.Attempts[attempt]);
            if (options.Temperature > 0)
            {
                groups.Add((options, [i]));
            }
            else if (shared.TryGetValue(options, out var members))
            {
                members.Add(i);
            }
            else
            {
                members = [i];
                shared.Add(options, members);
                groups.Add((options, members));
            }
        }
        return groups;
    }
}
