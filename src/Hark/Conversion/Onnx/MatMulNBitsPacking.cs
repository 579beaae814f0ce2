using Hark.Formats.Onnx;
namespace Hark.Conversion.Onnx;

/// <summary>
/// Block-wise symmetric quantization in the layout of ONNX Runtime's <c>com.microsoft</c> MatMulNBits:
/// B is <c>[N, blocks, blob]</c> bytes (row n = output n, along K), 4-bit values two per byte (even index in the low
/// nibble), stored with the default zero point 2^(bits-1) so no zero-point tensor is needed; one float scale per
/// block, <c>[N × blocks]</c>.
/// </summary>
internal static class MatMulNBitsPacking
{
    /// <summary>Quantized weight and its scales.</summary>
    internal readonly record struct Result(byte[] Packed, float[] Scales, int Blocks, int BlobSize);

    /// <summary>Quantizes <paramref name="w"/> (<c>[n, k]</c> row-major) to <paramref name="bits"/> bits.</summary>
    public static Result Quantize(ReadOnlySpan<float> w, int n, int k, int bits, int blockSize)
    {
        if (bits is not (4 or 8)) throw new ArgumentOutOfRangeException(nameof(bits), bits, "MatMulNBits packs 4 or 8 bits");
        var blocks = (k + blockSize - 1) / blockSize;
        var blob = blockSize * bits / 8;
        var zero = 1 << (bits - 1);
        var packed = new byte[(long)n * blocks * blob];
        var scales = new float[n * blocks];
        for (var row = 0; row < n; row++)
        {
            var r = w.Slice(row * k, k);
            for (var b = 0; b < blocks; b++)
            {
                var start = b * blockSize;
                var len = Math.Min(blockSize, k - start);
                var absMax = 0f;
                for (var i = 0; i < len; i++) absMax = Math.Max(absMax, Math.Abs(r[start + i]));
                var scale = absMax > 0 ? BestScale(r.Slice(start, len), absMax, zero) : 1f;
                scales[row * blocks + b] = scale;
                var dst = packed.AsSpan((row * blocks + b) * blob, blob);
                for (var i = 0; i < blockSize; i++)
                {
                    // Padding past K holds the zero point: it dequantizes to exactly 0.
                    var q = i < len ? Level(r[start + i], scale, zero) + zero : zero;
                    if (bits == 8) dst[i] = (byte)q;
                    else if ((i & 1) == 0) dst[i >> 1] = (byte)q;
                    else dst[i >> 1] |= (byte)(q << 4);
                }
            }
        }
        return new Result(packed, scales, blocks, blob);
    }

    /// <summary>Signed level of <paramref name="v"/>, within [−zero, zero − 1].</summary>
    private static int Level(float v, float scale, int zero) => (int)Math.Clamp(MathF.Round(v / scale), -zero, zero - 1);

    /// <summary>
    /// The block scale with the least squared error among a few clipping ratios: with only 16 levels, clipping the
    /// largest values slightly buys finer steps for the rest (about a fifth less error on Gaussian weights).
    /// Eight bits keep plain absmax scaling.
    /// </summary>
    private static float BestScale(ReadOnlySpan<float> block, float absMax, int zero)
    {
        if (zero > 8) return absMax / (zero - 1);
        var best = absMax / (zero - 1);
        var bestError = double.MaxValue;
        for (var ratio = 1.0f; ratio >= 0.7f; ratio -= 0.05f)
        {
            var scale = absMax * ratio / (zero - 1);
            double error = 0;
            foreach (var v in block)
            {
                var d = v - Level(v, scale, zero) * scale;
                error += d * d;
            }
            if (error < bestError) (best, bestError) = (scale, error);
        }
        return best;
    }

    /// <summary>The float value a packed element stands for (tests and error estimates).</summary>
    public static float Dequantize(Result q, int row, int col, int bits, int blockSize)
    {
        var b = col / blockSize;
        var i = col % blockSize;
        var blobStart = (row * q.Blocks + b) * q.BlobSize;
        int stored = bits == 8 ? q.Packed[blobStart + i] : (q.Packed[blobStart + (i >> 1)] >> ((i & 1) * 4)) & 0xF;
        return (stored - (1 << (bits - 1))) * q.Scales[row * q.Blocks + b];
    }
}
