using Hark.Formats.Onnx;
using CsCheck;
using Hark.Conversion.Onnx;

namespace Hark.Tests.Onnx;

public sealed class MatMulNBitsPackingTests
{
    [Fact]
    public void Eight_bit_blocks_round_trip_within_half_a_step() =>
        Gen.Float[-4f, 4f].Array[40, 40].Sample(w =>
        {
            var q = MatMulNBitsPacking.Quantize(w, 1, w.Length, 8, 32);
            for (var k = 0; k < w.Length; k++)
            {
                var scale = q.Scales[k / 32];
                Assert.InRange(Math.Abs(MatMulNBitsPacking.Dequantize(q, 0, k, 8, 32) - w[k]), 0, scale * 0.5001f + 1e-6f);
            }
        });

    [Fact]
    public void Four_bit_blocks_have_no_more_squared_error_than_absmax_scaling_and_pad_with_zero() =>
        Gen.Float[-4f, 4f].Array[33, 63].Sample(w =>
        {
            var q = MatMulNBitsPacking.Quantize(w, 1, w.Length, 4, 32);
            Assert.Equal((w.Length + 31) / 32, q.Blocks);
            Assert.Equal(16, q.BlobSize);
            for (var b = 0; b < q.Blocks; b++)
            {
                var start = b * 32;
                var len = Math.Min(32, w.Length - start);
                var absMax = 0f;
                for (var i = 0; i < len; i++) absMax = Math.Max(absMax, Math.Abs(w[start + i]));
                var plain = absMax > 0 ? absMax / 7 : 1f; // an all-zero block must come back exactly zero
                double ours = 0, naive = 0;
                for (var i = 0; i < len; i++)
                {
                    ours += Math.Pow(MatMulNBitsPacking.Dequantize(q, 0, start + i, 4, 32) - w[start + i], 2);
                    naive += Math.Pow(Math.Clamp(MathF.Round(w[start + i] / plain), -7, 7) * plain - w[start + i], 2);
                }
                Assert.True(ours <= naive * 1.0001 + 1e-9, $"block {b}: {ours} > {naive}");
                for (var i = len; i < 32; i++) Assert.Equal(0f, MatMulNBitsPacking.Dequantize(q, 0, start + i, 4, 32));
            }
        });
}
