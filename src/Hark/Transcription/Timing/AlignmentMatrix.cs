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
        var w = new float[(long)heads * length * frames];
        for (var row = 0; row < heads * length; row++)
        {
            var source = weights.Slice(row * positions, frames);
            double sum = 0;
            foreach (var p in source) sum += p;
            var target = w.AsSpan(row * frames, frames);
            // Renormalised over the audio positions = softmax of the logits over those positions (qk_scale = 1).
            if (sum > 0) for (var f = 0; f < frames; f++) target[f] = (float)(source[f] / sum);
            else target.Fill(1f / frames);
        }
        for (var h = 0; h < heads; h++)
        {
            var head = w.AsSpan(h * length * frames, length * frames);
            for (var f = 0; f < frames; f++)
            {
                double mean = 0, variance = 0;
                for (var t = 0; t < length; t++) mean += head[t * frames + f];
                mean /= length;
                for (var t = 0; t < length; t++) variance += (head[t * frames + f] - mean) * (head[t * frames + f] - mean);
                var std = Math.Sqrt(variance / length); // torch.std_mean(unbiased=False)
                for (var t = 0; t < length; t++) head[t * frames + f] = (float)((head[t * frames + f] - mean) / std);
            }
        }
        MedianFilter.Apply(w, frames, medianWidth);
        var matrix = new float[rowCount * frames];
        for (var r = 0; r < rowCount; r++)
        {
            for (var f = 0; f < frames; f++)
            {
                float sum = 0;
                for (var h = 0; h < heads; h++) sum += w[((long)h * length + firstRow + r) * frames + f];
                matrix[r * frames + f] = sum / heads;
            }
        }
        return matrix;
    }
}
