namespace Hark.Transcription.Timing;

/// <summary>
/// openai-whisper's <c>timing.median_filter</c>: a running median of odd width along each row, the row reflected at
/// both ends (<c>F.pad(mode="reflect")</c>: the edge value is not repeated). Rows no longer than half the width are
/// left as they are, as openai does.
/// </summary>
internal static class MedianFilter
{
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
            for (var c = 0; c < columns; c++)
            {
                padded.AsSpan(c, width).CopyTo(window);
                Array.Sort(window);
                row[c] = window[pad];
            }
        }
    }

    // Index into a row of n values mirrored about its first and last elements.
    private static int Reflect(int i, int n) => i < 0 ? -i : i >= n ? 2 * (n - 1) - i : i;
}
