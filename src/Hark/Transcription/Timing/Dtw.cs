using System.Numerics;
using Hark.Engines;

namespace Hark.Transcription.Timing;

/// <summary>
/// openai-whisper's dynamic time warping (<c>timing.dtw_cpu</c> and <c>backtrace</c>): the cheapest monotonic path from
/// the first to the last cell of a cost matrix, moving diagonally, down (next token) or right (next frame).
/// </summary>
internal static class Dtw
{
    /// <summary>The path through <paramref name="cost"/> (<c>[rows, columns]</c> row-major) as parallel index arrays.</summary>
    /// <remarks>Accumulated costs are kept in single precision and ties resolved as openai does (diagonal only when strictly
    /// cheapest, then down, else right), so paths are the same even where costs tie.</remarks>
    public static (int[] Rows, int[] Columns) Path(ReadOnlySpan<double> cost, int rows, int columns) => Path<double>(cost, rows, columns);

    /// <summary>The path through <paramref name="cost"/> given in single precision (each cost widened exactly to double).</summary>
    public static (int[] Rows, int[] Columns) Path(ReadOnlySpan<float> cost, int rows, int columns) => Path<float>(cost, rows, columns);

    private static (int[] Rows, int[] Columns) Path<T>(ReadOnlySpan<T> cost, int rows, int columns) where T : unmanaged, INumberBase<T>
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        if (cost.Length != (long)rows * columns) throw new ArgumentException($"{cost.Length} costs for {rows}×{columns}", nameof(cost));
        int n = rows, m = columns, stride = m + 1;
        var cells = (n + 1) * stride;
        var total = ScratchArrays<float>.Rent(cells);
        var trace = ScratchArrays<sbyte>.Rent(cells);
        total.AsSpan(0, cells).Fill(float.PositiveInfinity);
        trace.AsSpan(0, cells).Fill(-1);
        total[0] = 0;
        for (var j = 1; j <= m; j++)
        {
            for (var i = 1; i <= n; i++)
            {
                float c0 = total[(i - 1) * stride + j - 1], c1 = total[(i - 1) * stride + j], c2 = total[i * stride + j - 1];
                float c;
                sbyte t;
                if (c0 < c1 && c0 < c2) (c, t) = (c0, 0);
                else if (c1 < c0 && c1 < c2) (c, t) = (c1, 1);
                else (c, t) = (c2, 2);
                total[i * stride + j] = (float)(double.CreateTruncating(cost[(i - 1) * m + j - 1]) + c);
                trace[i * stride + j] = t;
            }
        }
        ScratchArrays<float>.Return(total);
        try
        {
            return Backtrace(trace, n, m);
        }
        finally
        {
            ScratchArrays<sbyte>.Return(trace);
        }
    }

    private static (int[] Rows, int[] Columns) Backtrace(sbyte[] trace, int n, int m)
    {
        var stride = m + 1;
        for (var j = 0; j <= m; j++) trace[j] = 2;
        for (var i = 0; i <= n; i++) trace[i * stride] = 1;
        var rows = new List<int>(n + m);
        var columns = new List<int>(n + m);
        int r = n, c = m;
        while (r > 0 || c > 0)
        {
            rows.Add(r - 1);
            columns.Add(c - 1);
            switch (trace[r * stride + c])
            {
                case 0: r--; c--; break;
                case 1: r--; break;
                case 2: c--; break;
                default: throw new InvalidOperationException($"unexpected DTW trace at ({r}, {c})");
            }
        }
        rows.Reverse();
        columns.Reverse();
        return ([.. rows], [.. columns]);
    }
}
