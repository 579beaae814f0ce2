using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Hark.Engines.Cpu;

namespace Hark.Tests.Engines;

/// <summary>
/// Decoder-step attention over groups of heads gives, bit for bit, what one head at a time gives: the grouping (which
/// depends on how many sequences share a step and on the thread count) must never change a token.
/// </summary>
public sealed unsafe class HeadGroupAttentionTests
{
    /// <summary>Runs where the 64-wide kernels exist (AVX-512) and says why it is skipped elsewhere.</summary>
    public sealed class Avx512FactAttribute : FactAttribute
    {
        /// <summary>Skips without AVX-512.</summary>
        public Avx512FactAttribute()
        {
            if (!Avx512F.IsSupported || !Vector512.IsHardwareAccelerated) Skip = "this CPU has no AVX-512: the grouped kernel is not used here";
        }
    }

    [Avx512Fact]
    public void Every_group_width_equals_one_head_at_a_time_bit_for_bit()
    {
        const int heads = 12, d = heads * 64, keys = 1499;
        var random = new Random(5);
        var q = Enumerable.Range(0, d).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var k = Enumerable.Range(0, keys * d).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var v = Enumerable.Range(0, keys * d).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var expected = new float[d];
        var expectedScores = new float[heads * keys];
        fixed (float* pq = q, pk = k, pv = v, po = expected, ps = expectedScores)
        {
            for (var h = 0; h < heads; h++)
                HeadGroupAttention.Run<Float32Loader>(pq + h * 64, (byte*)(pk + h * 64), (byte*)(pv + h * 64), d * 4, keys, 1, 0.125f, ps + h * keys, po + h * 64);
        }
        for (var group = 2; group <= HeadGroupAttention.MaxGroup; group++)
        {
            if (heads % group != 0) continue;
            var actual = new float[d];
            var scores = new float[heads * keys];
            fixed (float* pq = q, pk = k, pv = v, po = actual, ps = scores)
            {
                for (var h = 0; h < heads; h += group)
                    HeadGroupAttention.Run<Float32Loader>(pq + h * 64, (byte*)(pk + h * 64), (byte*)(pv + h * 64), d * 4, keys, group, 0.125f, ps + h * keys, po + h * 64);
            }
            Assert.Equal(expected, actual);
            Assert.Equal(expectedScores, scores);
        }
    }

    [Theory]
    [InlineData(6, 1, 2, 3)]  // tiny, one window, two threads: two tasks of three heads
    [InlineData(8, 1, 2, 4)]  // base
    [InlineData(12, 1, 2, 3)] // small: four groups of three, as three groups of four would leave a thread idle
    [InlineData(12, 8, 2, 4)] // eight windows: 24 tasks
    [InlineData(7, 3, 2, 1)]  // no divisor but one
    public void The_group_is_the_widest_that_still_shares_the_tasks_evenly(int heads, int sequences, int threads, int expected) =>
        Assert.Equal(expected, HeadGroupAttention.GroupSize(heads, sequences, threads));
}
