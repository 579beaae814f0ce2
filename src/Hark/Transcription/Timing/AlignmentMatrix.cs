using System.Numerics.Tensors;

namespace Hark.Transcription.Timing;

/// <summary>
/// The text-to-time cost matrix of openai-whisper's <c>find_alignment</c>, from the alignment heads' cross-attention:
/// each head's attention over the window's first <c>frames</c> positions (a softmax over those positions only, here
/// the recorded probabilities renormalised over them, which is the same), standardised over the tokens at every
/// position, median-filtered along time, averaged over heads, and cut to the rows of the text.
/// </summary>
internal static class AlignmentMatrix
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
        if (weights.Length != (long)heads * length * positions)
            throw new ArgumentException($"{weights.Length} weights for {heads} heads × {length} tokens × {positions} positions", nameof(weights));
        if (frames < 1 || frames > positions) throw new ArgumentOutOfRangeException(nameof(frames), frames, $"expected 1..{positions}");
        if (firstRow < 0 || rowCount < 0 || firstRow + rowCount > length) throw new ArgumentOutOfRangeException(nameof(rowCount));
        // Single precision, vectorised, row-major: torch does these steps in float32 too (openai's weights are float32),
        // and a window of tiny's fallback heads is 12 × 228 × 1500 values per pass.
        var w = GC.AllocateUninitializedArray<float>(checked((int)((long)heads * length * frames))); // every row written below
        for (var row = 0; row < heads * length; row++)
        {
            var source = weights.Slice(row * positions, frames);
            var sum = TensorPrimitives.Sum(source);
            var target = w.AsSpan(row * frames, frames);
            // Renormalised over the audio positions = softmax of the logits over those positions (qk_scale = 1).
            if (sum > 0) TensorPrimitives.Divide(source, sum, target);
            else target.Fill(1f / frames);
        }
        var mean = new float[frames];
        var deviation = new float[frames];
        var spread = new float[frames];
        for (var h = 0; h < heads; h++)
        {
            var head = w.AsSpan(h * length * frames, length * frames);
            Array.Clear(mean);
            Array.Clear(spread);
            for (var t = 0; t < length; t++) TensorPrimitives.Add(mean, head.Slice(t * frames, frames), mean);
            TensorPrimitives.Divide(mean, length, mean);
            for (var t = 0; t < length; t++)
            {
                TensorPrimitives.Subtract(head.Slice(t * frames, frames), mean, deviation);
                TensorPrimitives.MultiplyAdd(deviation, deviation, spread, spread);
            }
            TensorPrimitives.Divide(spread, length, spread);
            TensorPrimitives.Sqrt(spread, spread); // torch.std_mean(unbiased=False)
            for (var t = 0; t < length; t++)
            {
                var row = head.Slice(t * frames, frames);
                TensorPrimitives.Subtract(row, mean, row);
                TensorPrimitives.Divide(row, spread, row);
            }
        }
        MedianFilter.Apply(w, frames, medianWidth);
        var matrix = new float[rowCount * frames];
        for (var r = 0; r < rowCount; r++)
        {
            var sum = matrix.AsSpan(r * frames, frames);
            for (var h = 0; h < heads; h++) TensorPrimitives.Add(sum, w.AsSpan((int)(((long)h * length + firstRow + r) * frames), frames), sum);
            TensorPrimitives.Divide(sum, heads, sum);
        }
        return matrix;
    }
}
