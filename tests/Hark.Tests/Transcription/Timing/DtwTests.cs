using CsCheck;
using Hark.Transcription.Timing;

namespace Hark.Tests.Transcription.Timing;

/// <summary>openai-whisper's DTW: the same paths as <c>timing.dtw_cpu</c> (expected values printed by openai's own code),
/// and the cheapest monotonic path on any matrix.</summary>
public sealed class DtwTests
{
    [Fact]
    public void The_path_follows_the_cheap_cells_as_openai_finds_it()
    {
        double[] cost =
        [
            0.1, 0.9, 0.8, 0.7, 0.9, 0.9,
            0.9, 0.2, 0.3, 0.9, 0.8, 0.9,
            0.9, 0.9, 0.9, 0.1, 0.2, 0.9,
            0.9, 0.9, 0.9, 0.9, 0.9, 0.05,
        ];
        var (rows, columns) = Dtw.Path(cost, 4, 6);
        Assert.Equal([0, 1, 1, 2, 2, 3], rows);
        Assert.Equal([0, 1, 2, 3, 4, 5], columns);
    }

    [Fact]
    public void Ties_go_down_before_right_as_in_openai()
    {
        var (rows, columns) = Dtw.Path(new double[15], 3, 5);
        Assert.Equal([0, 1, 2, 2, 2, 2, 2], rows);
        Assert.Equal([0, 0, 0, 1, 2, 3, 4], columns);
    }

    [Fact]
    public void A_tie_between_diagonal_and_down_moves_right_even_when_right_costs_more_as_in_openai()
    {
        // openai's `else` branch takes the step to the right whenever the other two tie, so its path here costs 22, not 19.
        var (rows, columns) = Dtw.Path([6, 1, 2, 1, 0, 6, 4, 3, 4, 9], 2, 5);
        Assert.Equal([0, 0, 0, 1, 1], rows);
        Assert.Equal([0, 1, 2, 3, 4], columns);
    }

    [Fact]
    public void A_single_cell_is_its_own_path()
    {
        var (rows, columns) = Dtw.Path([3.0], 1, 1);
        Assert.Equal([0], rows);
        Assert.Equal([0], columns);
    }

    [Fact]
    public void The_path_is_monotonic_covers_both_ends_and_costs_the_minimum()
    {
        // Without exact ties (where openai's tie-breaking departs from the minimum) the path is the cheapest.
        Gen.Int[1, 6].SelectMany(n => Gen.Int[1, 8].SelectMany(m => Gen.Double[0.0, 1.0].Array[n * m].Select(c => (n, m, c))))
            .Sample(t =>
            {
                var (n, m, cells) = t;
                // Irrational-looking offsets per cell keep sums of different paths apart even when cells repeat.
                var cost = cells.Select((c, k) => c + 1e-3 * ((k + 1) * 0.6180339887498949 % 1)).ToArray();
                var (rows, columns) = Dtw.Path(cost, n, m);
                Assert.Equal((0, 0), (rows[0], columns[0]));
                Assert.Equal((n - 1, m - 1), (rows[^1], columns[^1]));
                for (var k = 1; k < rows.Length; k++)
                {
                    var step = (rows[k] - rows[k - 1], columns[k] - columns[k - 1]);
                    Assert.Contains(step, new[] { (1, 1), (1, 0), (0, 1) });
                }
                var pathCost = rows.Select((r, k) => cost[r * m + columns[k]]).Sum();
                Assert.Equal(MinimumCost(cost, n, m), pathCost, 1e-5); // accumulated in single precision, as openai does
            });
    }

    // Independent dynamic programme over the same moves.
    private static double MinimumCost(double[] cost, int n, int m)
    {
        var best = new double[n, m];
        for (var i = 0; i < n; i++)
            for (var j = 0; j < m; j++)
            {
                var before = i == 0 && j == 0 ? 0
                    : Math.Min(i > 0 && j > 0 ? best[i - 1, j - 1] : double.MaxValue,
                        Math.Min(i > 0 ? best[i - 1, j] : double.MaxValue, j > 0 ? best[i, j - 1] : double.MaxValue));
                best[i, j] = before + cost[i * m + j];
            }
        return best[n - 1, m - 1];
    }

    [Fact]
    public void Single_precision_costs_give_the_path_of_the_same_costs_in_double()
    {
        // The aligner hands over its float32 matrix (negated in place); openai's cost is that matrix widened to double.
        Gen.Int[1, 12].SelectMany(n => Gen.Int[1, 40].SelectMany(m => Gen.Float[-3f, 3f].Array[n * m].Select(c => (n, m, c))))
            .Sample(t =>
            {
                var (n, m, cells) = t;
                var (floatRows, floatColumns) = Dtw.Path((ReadOnlySpan<float>)cells, n, m);
                var (doubleRows, doubleColumns) = Dtw.Path([.. cells.Select(c => (double)c)], n, m);
                Assert.Equal(doubleRows, floatRows);
                Assert.Equal(doubleColumns, floatColumns);
            });
    }
}
