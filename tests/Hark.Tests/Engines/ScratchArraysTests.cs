using Hark.Engines;

namespace Hark.Tests.Engines;

/// <summary>The pool that keeps per-window scratch (word alignment's tens of MB) committed from one window to the next,
/// whichever thread-pool thread runs the next window.</summary>
public sealed class ScratchArraysTests
{
    // Element types of their own: the pool is per type, so other tests' word alignments cannot take these arrays.
    private readonly record struct Probe(int Value);

    private readonly record struct Oversized(int Value);

    [Fact]
    public async Task An_array_given_back_on_one_thread_is_handed_out_on_another()
    {
        var first = await Task.Run(() => ScratchArrays<Probe>.Rent(1_000_000));
        await Task.Run(() => ScratchArrays<Probe>.Return(first));
        var second = await Task.Run(() => ScratchArrays<Probe>.Rent(900_000));
        Assert.Same(first, second);
        ScratchArrays<Probe>.Return(second);
    }

    [Fact]
    public void An_array_more_than_twice_too_large_stays_for_the_work_it_was_made_for()
    {
        var large = ScratchArrays<Oversized>.Rent(4_000_000);
        ScratchArrays<Oversized>.Return(large);
        var small = ScratchArrays<Oversized>.Rent(10_000);
        Assert.NotSame(large, small);
        Assert.True(small.Length >= 10_000);
        Assert.Same(large, ScratchArrays<Oversized>.Rent(3_000_000));
    }
}
