using System.Numerics;
using System.Runtime.CompilerServices;

namespace Hark.Transcription.Timing;

/// <summary>
/// openai-whisper's <c>timing.median_filter</c>: a running median of odd width along each row, the row reflected at
/// both ends (<c>F.pad(mode="reflect")</c>: the edge value is not repeated). Rows no longer than half the width are
/// left as they are, as openai does.
/// </summary>
/// <remarks>
/// Word timestamps filter every alignment head's row of every token (tiny, 224 tokens: four million medians per
/// window), so openai's width 7 runs as a sorting network over <see cref="Vector{T}"/> lanes (one column per lane);
/// the median of seven values is the same value however it is found. Other widths, and rows holding NaN (where
/// min/max and sorting disagree), sort each window.
/// </remarks>
internal static class MedianFilter
{
    /// <summary>openai's width, the vectorised one.</summary>
    private const int NetworkWidth = 7;

    /// <summary>Filters every row of <paramref name="values"/> (<c>[rows, columns]</c> row-major) in place.</summary>
    public static void Apply(Span<float> values, int columns, int width)
    {
        if (width <= 0 || width % 2 == 0) throw new ArgumentOutOfRangeException(nameof(width), width, "the filter width must be a positive odd number");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        if (values.Length % columns != 0) throw new ArgumentException($"{values.Length} values are not whole rows of {columns}", nameof(values));
        var pad = width / 2;
        if (columns <= pad) return;
        var padded = new float[columns + 2 * pad];
        var window = new float[width];
        for (var start = 0; start < values.Length; start += columns)
        {
            var row = values.Slice(start, columns);
            for (var k = 0; k < padded.Length; k++) padded[k] = row[Reflect(k - pad, columns)];
            var c = 0;
            if (width == NetworkWidth && !row.ContainsAnyExceptInRange(float.NegativeInfinity, float.PositiveInfinity))
                c = Median7(padded, row);
            for (; c < columns; c++)
            {
                padded.AsSpan(c, width).CopyTo(window);
                Array.Sort(window);
                row[c] = window[pad];
            }
        }
    }

    /// <summary>Medians of seven for the whole vectors of <paramref name="row"/>; returns the first column not done.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // called a few thousand times per window: no tier-0 start
    private static int Median7(float[] padded, Span<float> row)
    {
        var lanes = Vector<float>.Count;
        var c = 0;
        for (; c + lanes <= row.Length; c += lanes)
        {
            var p = padded.AsSpan(c);
            var v0 = new Vector<float>(p);
            var v1 = new Vector<float>(p[1..]);
            var v2 = new Vector<float>(p[2..]);
            var v3 = new Vector<float>(p[3..]);
            var v4 = new Vector<float>(p[4..]);
            var v5 = new Vector<float>(p[5..]);
            var v6 = new Vector<float>(p[6..]);
            // Knuth's 16-comparator sorting network for seven inputs; v3 ends up the median.
            Sort(ref v0, ref v6); Sort(ref v2, ref v3); Sort(ref v4, ref v5);
            Sort(ref v0, ref v2); Sort(ref v1, ref v4); Sort(ref v3, ref v6);
            Sort(ref v0, ref v1); Sort(ref v2, ref v5); Sort(ref v3, ref v4);
            Sort(ref v1, ref v2); Sort(ref v4, ref v6);
            Sort(ref v2, ref v3); Sort(ref v4, ref v5);
            Sort(ref v1, ref v2); Sort(ref v3, ref v4); Sort(ref v5, ref v6);
            v3.CopyTo(row[c..]);
        }
        return c;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Sort(ref Vector<float> a, ref Vector<float> b)
    {
        var low = Vector.Min(a, b);
        b = Vector.Max(a, b);
        a = low;
    }

    // Index into a row of n values mirrored about its first and last elements.
    private static int Reflect(int i, int n) => i < 0 ? -i : i >= n ? 2 * (n - 1) - i : i;
}
