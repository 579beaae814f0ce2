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
}
