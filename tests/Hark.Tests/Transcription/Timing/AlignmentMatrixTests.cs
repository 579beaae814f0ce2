using Hark.Transcription.Timing;

namespace Hark.Tests.Transcription.Timing;

/// <summary>The cost matrix of openai's <c>find_alignment</c>, built head by head on several threads.</summary>
public sealed class AlignmentMatrixTests
{
    [Theory]
    [InlineData(12, 30, 1500, 847)]
    [InlineData(3, 7, 20, 20)]
    [InlineData(5, 9, 40, 1)]
    public void The_matrix_is_the_same_on_any_number_of_threads(int heads, int length, int positions, int frames)
    {
        var random = new Random(heads * 1000 + length);
        var weights = new float[heads * length * positions];
        for (var i = 0; i < weights.Length; i++) weights[i] = (float)random.NextDouble();
        var rows = length - 3;
        var one = new float[rows * frames];
        var three = new float[rows * frames];
        AlignmentMatrix.Build(weights, heads, length, positions, frames, 3, rows, one, threads: 1);
        AlignmentMatrix.Build(weights, heads, length, positions, frames, 3, rows, three, threads: 3);
        Assert.Equal(one, three);
        Assert.Equal(one, AlignmentMatrix.Build(weights, heads, length, positions, frames, 3, rows));
    }

    [Fact]
    public void Each_row_is_the_mean_over_heads_of_the_standardised_attention()
    {
        // Two tokens, two frames, one head: each frame's two values lie one deviation either side of their mean.
        float[] weights = [0.2f, 0.8f, 0.6f, 0.4f];
        var matrix = AlignmentMatrix.Build(weights, heads: 1, length: 2, positions: 2, frames: 2, firstRow: 0, rowCount: 2, medianWidth: 1);
        float[] expected = [-1f, 1f, 1f, -1f];
        for (var i = 0; i < expected.Length; i++) Assert.Equal(expected[i], matrix[i], 1e-6f);
    }
}
