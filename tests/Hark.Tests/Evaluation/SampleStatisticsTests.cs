using Hark.Benchmarking;

namespace Hark.Tests.Evaluation;

public class SampleStatisticsTests
{
    [Fact]
    public void Quartiles_interpolate_between_order_statistics_like_numpy()
    {
        var s = SampleStatistics.Of([4, 1, 3, 2]);
        Assert.Equal(1, s.Min);
        Assert.Equal(1.75, s.Q1, 12);
        Assert.Equal(2.5, s.Median, 12);
        Assert.Equal(3.25, s.Q3, 12);
        Assert.Equal(4, s.Max);
    }

    [Fact]
    public void Single_sample_has_no_spread() => Assert.Equal(0, SampleStatistics.Of([7]).RelativeSpread);

    [Fact]
    public void No_samples_is_an_argument_error() => Assert.Throws<ArgumentException>(() => SampleStatistics.Of([]));

    [Fact]
    public void Peak_memory_is_at_least_current_memory() => Assert.True(ProcessMemory.PeakBytes >= ProcessMemory.CurrentBytes / 2);
}
