namespace Hark.Benchmarking;

/// <summary>Median and spread of repeated measurements: what a bench table reports instead of single runs.</summary>
/// <param name="Count">Samples.</param>
/// <param name="Min">Smallest sample.</param>
/// <param name="Q1">25th percentile.</param>
/// <param name="Median">50th percentile.</param>
/// <param name="Q3">75th percentile.</param>
/// <param name="Max">Largest sample.</param>
public readonly record struct SampleStatistics(int Count, double Min, double Q1, double Median, double Q3, double Max)
{
    /// <summary>Relative spread: (Q3 − Q1) / median, 0 when the median is 0.</summary>
    public double RelativeSpread => Median == 0 ? 0 : (Q3 - Q1) / Median;

    /// <summary>Summarises <paramref name="samples"/> (linear interpolation between order statistics, as numpy does).</summary>
    /// <exception cref="ArgumentException">No samples.</exception>
    public static SampleStatistics Of(IEnumerable<double> samples)
    {
        var sorted = samples.Order().ToArray();
        if (sorted.Length == 0) throw new ArgumentException("no samples", nameof(samples));
        return new SampleStatistics(sorted.Length, sorted[0], Percentile(sorted, 0.25), Percentile(sorted, 0.5),
            Percentile(sorted, 0.75), sorted[^1]);
    }

    private static double Percentile(double[] sorted, double q)
    {
        var pos = q * (sorted.Length - 1);
        var lo = (int)Math.Floor(pos);
        var hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
    }
}
