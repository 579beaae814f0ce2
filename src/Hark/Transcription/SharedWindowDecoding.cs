using Hark.Decoding;
using Hark.Engines;

namespace Hark.Transcription;

/// <summary>
/// Windows of different runs decoded together: they go through the encoder as one batch; at each fallback attempt the
/// windows whose decoding options are equal but for the previous text (prefix, language, thresholds), with prompts of one
/// length, share one decoder session, each row starting from its own prompt, when the attempt is deterministic
/// (temperature 0: greedy or beam search), while sampled attempts decode alone so that each draws from its own seed.
/// Each window follows its own plan's fallback rules, so every result is the one that window gets decoded alone
/// (<see cref="TemperatureFallback"/>).
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
            foreach (var (task, members, prompts) in Groups(engine, tokenizer, work, pending, attempt))
            {
                // Each window samples from its own seed, as it does decoded alone (TemperatureFallback.WindowSeed).
                var seeds = members.Select(i => TemperatureFallback.WindowSeed(work[i].Run.Plan.Options.Seed, work[i].Window)).ToList();
                var decoded = task.Run(batch.Decoder, members.ToArray(), seeds, prompts, cancellationToken);
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

    /// <summary>
    /// The pending items at <paramref name="attempt"/>, grouped by <see cref="WindowShareKey"/>: options equal but for the
    /// previous text, prompts of one length (a recording's later windows carry its last 223 tokens: the same length for
    /// every recording once it has that much text); sampled attempts alone.
    /// </summary>
    private static List<(DecodingTask Task, List<int> Members, List<int[]> Prompts)> Groups(IWhisperEngine engine, IDecodingTokenizer tokenizer,
        IReadOnlyList<WindowWork> work, List<int> pending, int attempt)
    {
        var groups = new List<(DecodingTask Task, List<int> Members, List<int[]> Prompts)>();
        var shared = new Dictionary<WindowShareKey, int>();
        foreach (var i in pending)
        {
            var options = work[i].PerWindow(work[i].Run.Plan.Attempts[attempt]);
            var key = WindowShareKey.Of(options, tokenizer.Special, engine.Config.MaxTargetPositions);
            if (key.IsShared && shared.TryGetValue(key, out var index))
            {
                groups[index].Members.Add(i);
                groups[index].Prompts.Add(key.InitialTokens);
                continue;
            }
            var task = new DecodingTask(engine, tokenizer, options);
            if (key.IsShared) shared.Add(key, groups.Count);
            groups.Add((task, [i], [key.IsShared ? key.InitialTokens : [.. task.InitialTokens]]));
        }
        return groups;
    }
}
