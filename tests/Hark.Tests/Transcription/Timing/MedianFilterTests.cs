using CsCheck;
using Hark.Transcription.Timing;

namespace Hark.Tests.Transcription.Timing;

/// <summary>openai-whisper's median filter along time (expected values printed by <c>timing.median_filter</c>).</summary>
public sealed class MedianFilterTests
{
    [Fact]
    public void Width_seven_reflects_the_row_at_both_ends()
    {
        float[] row = [1, 5, 2, 8, 3, 9, 4, 7, 0, 6];
        MedianFilter.Apply(row, row.Length, 7);
        Assert.Equal([5f, 3, 5, 4, 5, 4, 6, 4, 6, 4], row);
    }

    [Fact]
    public void Width_three_takes_the_middle_of_each_triple()
    {
        float[] row = [1, 5, 2, 8, 3, 9, 4, 7, 0, 6];
        MedianFilter.Apply(row, row.Length, 3);
        Assert.Equal([5f, 2, 5, 3, 8, 4, 7, 4, 6, 0], row);
    }

    [Fact]
    public void Rows_no_longer_than_half_the_width_are_left_alone_and_longer_ones_filtered()
    {
        float[] shortRow = [3, 1, 2];
        MedianFilter.Apply(shortRow, 3, 7);
        Assert.Equal([3f, 1, 2], shortRow);
        float[] four = [3, 1, 2, 0];
        MedianFilter.Apply(four, 4, 7);
        Assert.Equal([1f, 2, 1, 2], four);
    }

    [Fact]
    public void Every_row_is_filtered_on_its_own()
    {
        float[] rows = [1, 5, 2, 8, 3, 9, 4, 7, 0, 6, 3, 1, 2, 0, 9, 9, 9, 9, 9, 9];
        MedianFilter.Apply(rows, 10, 7);
        Assert.Equal([5f, 3, 5, 4, 5, 4, 6, 4, 6, 4], rows[..10]);
        Assert.Equal([1f, 2, 2, 3, 9, 9, 9, 9, 9, 9], rows[10..]);
    }

    [Fact]
    public void An_even_width_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => MedianFilter.Apply(new float[10], 10, 4));
    }

    [Fact]
    public void Width_seven_equals_the_sorted_middle_on_any_row_including_ties_and_infinities()
    {
        // The vectorised width-7 path (a sorting network) against sorting each window, on rows long and short enough
        // to cover whole vectors and the scalar tail.
        var value = Gen.OneOf(Gen.Float[-4f, 4f], Gen.Int[-2, 2].Select(i => (float)i), Gen.Const(float.PositiveInfinity), Gen.Const(-0f));
        Gen.Int[4, 40].SelectMany(columns => Gen.Int[1, 3].SelectMany(rows => value.Array[columns * rows].Select(v => (columns, v))))
            .Sample(t =>
            {
                var (columns, values) = t;
                var actual = (float[])values.Clone();
                MedianFilter.Apply(actual, columns, 7);
                var expected = SortedMedians(values, columns, 7);
                for (var i = 0; i < actual.Length; i++) Assert.True(actual[i].Equals(expected[i]) || actual[i] == expected[i], $"column {i % columns}: {actual[i]} vs {expected[i]}");
            }, iter: 300);
    }

    [Fact]
    public void A_row_holding_NaN_is_filtered_as_sorting_does()
    {
        var row = Enumerable.Range(0, 20).Select(i => (float)((i * 7) % 11)).ToArray();
        row[9] = float.NaN;
        var expected = SortedMedians(row, 20, 7);
        MedianFilter.Apply(row, 20, 7);
        Assert.Equal(expected, row);
    }

    private static float[] SortedMedians(float[] values, int columns, int width)
    {
        var pad = width / 2;
        var result = (float[])values.Clone();
        for (var start = 0; start < values.Length; start += columns)
        {
            for (var c = 0; c < columns; c++)
            {
                var window = Enumerable.Range(c - pad, width).Select(i => values[start + (i < 0 ? -i : i >= columns ? 2 * (columns - 1) - i : i)]).ToArray();
                Array.Sort(window);
                result[start + c] = window[pad];
            }
        }
        return result;
    }
}
