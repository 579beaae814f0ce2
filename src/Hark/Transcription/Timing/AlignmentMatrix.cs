using System.Numerics.Tensors;
using Hark.Engines;

namespace Hark.Transcription.Timing;

/// <summary>
/// The text-to-time cost matrix of openai-whisper's <c>find_alignment</c>, from the alignment heads' cross-attention:
/// each head's attention over the window's first <c>frames</c> positions (a softmax over those positions only, here
/// the recorded probabilities renormalised over them, which is the same), standardised over the tokens at every
/// position, median-filtered along time, averaged over heads, and cut to the rows of the text.
/// </summary>
internal static unsafe class AlignmentMatrix
{
    /// <summary>openai's median filter width.</summary>
    public const int MedianFilterWidth = 7;

    /// <summary>Builds the matrix <c>[rowCount, frames]</c> row-major.</summary>
    /// <param name="weights">Recorded attention probabilities <c>[heads, length, positions]</c>.</param>
    /// <param name="heads">Alignment heads.</param>
    /// <param name="length">Tokens fed.</param>
    /// <param name="positions">Encoder positions recorded per token (1500).</param>
    /// <param name="frames">Positions that hold audio (<c>num_frames // 2</c>).</param>
    /// <param name="firstRow">First token row kept (the length of the SOT sequence).</param>
    /// <param name="rowCount">Rows kept.</param>
    /// <param name="medianWidth">Width of the median filter.</param>
    public static float[] Build(ReadOnlySpan<float> weights, int heads, int length, int positions, int frames, int firstRow, int rowCount,
        int medianWidth = MedianFilterWidth)
    {
        var matrix = new float[rowCount * frames];
        Build(weights, heads, length, positions, frames, firstRow, rowCount, matrix, medianWidth);
        return matrix;
    }

    /// <summary>Builds the matrix into <paramref name="matrix"/> (<c>[rowCount, frames]</c> row-major, every value written),
    /// on up to <paramref name="threads"/> threads (the result does not depend on them).</summary>
    public static void Build(ReadOnlySpan<float> weights, int heads, int length, int positions, int frames, int firstRow, int rowCount,
        Span<float> matrix, int medianWidth = MedianFilterWidth, int threads = 1)
    {
        if (weights.Length != (long)heads * length * positions)
            throw new ArgumentException($"{weights.Length} weights for {heads} heads × {length} tokens × {positions} positions", nameof(weights));
        if (frames < 1 || frames > positions) throw new ArgumentOutOfRangeException(nameof(frames), frames, $"expected 1..{positions}");
        if (firstRow < 0 || rowCount < 0 || firstRow + rowCount > length) throw new ArgumentOutOfRangeException(nameof(rowCount));
        if (matrix.Length != (long)rowCount * frames) throw new ArgumentException($"{matrix.Length} values for {rowCount} rows × {frames} frames", nameof(matrix));
        // Single precision, vectorised, row-major: torch does these steps in float32 too (openai's weights are float32),
        // and a window of tiny's fallback heads is 12 × 228 × 1500 values per pass.
        var w = ScratchArrays<float>.Rent(checked((int)((long)heads * length * frames))); // every row written below
        // Heads are independent until the average: one task per head (base's fallback heads: 24 × 228 × 1500 values).
        fixed (float* source = weights)
        {
            var from = source;
            Parallel.For(0, heads, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) }, h =>
            {
                var head = w.AsSpan(h * length * frames, length * frames);
                Standardise(new ReadOnlySpan<float>(from + (long)h * length * positions, length * positions), positions, frames, head);
                MedianFilter.Apply(head, frames, medianWidth);
            });
        }
        for (var r = 0; r < rowCount; r++)
        {
            var sum = matrix.Slice(r * frames, frames);
            sum.Clear();
            for (var h = 0; h < heads; h++) TensorPrimitives.Add(sum, w.AsSpan((int)(((long)h * length + firstRow + r) * frames), frames), sum);
            TensorPrimitives.Divide(sum, heads, sum);
        }
        ScratchArrays<float>.Return(w);
    }

    /// <summary>One head: each token's attention renormalised over the audio positions, then standardised over the tokens
    /// at every position (<c>torch.std_mean(unbiased=False)</c>), into <paramref name="head"/> (<c>[length, frames]</c>).</summary>
    private static void Standardise(ReadOnlySpan<float> weights, int positions, int frames, Span<float> head)
    {
        var length = head.Length / frames;
        for (var t = 0; t < length; t++)
        {
            var source = weights.Slice(t * positions, frames);
            var sum = TensorPrimitives.Sum(source);
            var target = head.Slice(t * frames, frames);
            // Renormalised over the audio positions = softmax of the logits over those positions (qk_scale = 1).
            if (sum > 0) TensorPrimitives.Divide(source, sum, target);
            else target.Fill(1f / frames);
        }
        var mean = new float[frames];
        var deviation = new float[frames];
        var spread = new float[frames];
        for (var t = 0; t < length; t++) TensorPrimitives.Add(mean, head.Slice(t * frames, frames), mean);
        TensorPrimitives.Divide(mean, length, mean);
        for (var t = 0; t < length; t++)
        {
            TensorPrimitives.Subtract(head.Slice(t * frames, frames), mean, deviation);
            TensorPrimitives.MultiplyAdd(deviation, deviation, spread, spread);
        }
        TensorPrimitives.Divide(spread, length, spread);
        TensorPrimitives.Sqrt(spread, spread);
        for (var t = 0; t < length; t++)
        {
            var row = head.Slice(t * frames, frames);
            TensorPrimitives.Subtract(row, mean, row);
            TensorPrimitives.Divide(row, spread, row);
        }
    }
}
