namespace Hark.Benchmarking;

/// <summary>One run of one configuration in the interleaved schedule.</summary>
/// <param name="Round">0-based round (warm-up rounds first).</param>
/// <param name="Warmup">Whether the run is a warm-up (not measured).</param>
/// <param name="Configuration">Index into the plan's runnable configurations.</param>
public readonly record struct BenchSlot(int Round, bool Warmup, int Configuration);

/// <summary>
/// Interleaves configurations: every round runs each configuration once, so slow drifts of a shared machine (other
/// load, thermal state) hit all configurations alike and their ratios hold. Each round starts one configuration later
/// than the previous one, so no configuration always runs right after the same neighbour.
/// </summary>
public static class BenchSchedule
{
    /// <summary>The order of runs: <paramref name="warmup"/> warm-up rounds, then <paramref name="runs"/> measured rounds.</summary>
    public static IReadOnlyList<BenchSlot> Interleave(int configurations, int warmup, int runs)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(configurations);
        ArgumentOutOfRangeException.ThrowIfNegative(warmup);
        ArgumentOutOfRangeException.ThrowIfNegative(runs);
        var slots = new List<BenchSlot>(configurations * (warmup + runs));
        for (var round = 0; round < warmup + runs; round++)
        {
            for (var k = 0; k < configurations; k++)
                slots.Add(new BenchSlot(round, round < warmup, (round + k) % configurations));
        }
        return slots;
    }
}
