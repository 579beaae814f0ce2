using CsCheck;
using Hark.Benchmarking;

namespace Hark.Tests.Benchmarking;

public sealed class BenchScheduleTests
{
    [Fact]
    public void Rounds_interleave_all_configurations_and_rotate_the_starting_one()
    {
        var slots = BenchSchedule.Interleave(3, warmup: 1, runs: 2);

        Assert.Equal([0, 1, 2, 1, 2, 0, 2, 0, 1], slots.Select(s => s.Configuration));
        Assert.Equal([0, 0, 0, 1, 1, 1, 2, 2, 2], slots.Select(s => s.Round));
        Assert.Equal([true, true, true, false, false, false, false, false, false], slots.Select(s => s.Warmup));
    }

    [Fact]
    public void Every_round_runs_each_configuration_exactly_once_before_the_next_round()
    {
        Gen.Select(Gen.Int[0, 12], Gen.Int[0, 3], Gen.Int[0, 6]).Sample((n, warmup, runs) =>
        {
            var slots = BenchSchedule.Interleave(n, warmup, runs);
            if (slots.Count != n * (warmup + runs)) return false;
            for (var r = 0; r < warmup + runs; r++)
            {
                var round = slots.Skip(r * n).Take(n).ToList();
                if (round.Any(s => s.Round != r || s.Warmup != r < warmup)) return false;
                if (!round.Select(s => s.Configuration).Order().SequenceEqual(Enumerable.Range(0, n))) return false;
            }
            return true;
        });
    }
}
