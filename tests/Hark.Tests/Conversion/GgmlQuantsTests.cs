using Hark.Conversion.Ggml;

namespace Hark.Tests.Conversion;

/// <summary>
/// Block formats against ggml's reference formulas, written out here from the spec (ggml-quants.c, ggml-common.h):
/// q8_0 d=amax/127, q=round(x/d); q4_0 d=max/-8, q=min(15,trunc(x/d+8.5)); q5_0 d=max/-16, q=min(31,trunc(x/d+16.5));
/// q5_1 d=(max-min)/31, m=min, q=trunc((x-min)/d+0.5); element j in the low nibble and j+16 in the high nibble of byte j,
/// 5th bits in a little-endian uint32 (bit j for element j).
/// </summary>
public sealed class GgmlQuantsTests
{
    private static float[] Ramp(Func<int, float> f) => [.. Enumerable.Range(0, 32).Select(f)];

    [Fact]
    public void Q8_0_block_is_a_float16_scale_then_32_rounded_int8_values()
    {
        var x = Ramp(j => (j - 16) * 0.25f); // -4 .. 3.75, amax 4
        var y = new byte[34];
        GgmlQuants.Quantize(GgmlType.Q8_0, x, y);
        var d = 4f / 127f;
        Assert.Equal((Half)d, BitConverter.ToHalf(y, 0));
        for (var j = 0; j < 32; j++)
            Assert.Equal((sbyte)MathF.Round(x[j] * (1f / d), MidpointRounding.AwayFromZero), (sbyte)y[2 + j]);
        Assert.Equal(-127, (sbyte)y[2]);
        var back = new float[32];
        GgmlQuants.Dequantize(GgmlType.Q8_0, y, back);
        for (var j = 0; j < 32; j++) Assert.Equal((sbyte)y[2 + j] * (float)BitConverter.ToHalf(y, 0), back[j]);
    }

    [Fact]
    public void Q4_0_takes_its_scale_sign_from_the_largest_magnitude_and_packs_nibbles_j_and_j_plus_16()
    {
        var x = Ramp(j => j == 5 ? -8f : (j % 7) - 3f); // max magnitude -8 => d = 1
        var y = new byte[18];
        GgmlQuants.Quantize(GgmlType.Q4_0, x, y);
        Assert.Equal((Half)1f, BitConverter.ToHalf(y, 0));
        for (var j = 0; j < 16; j++)
        {
            // id = 1/d = 1, q = min(15, trunc(x + 8.5)).
            var q0 = Math.Min(15, (int)(x[j] + 8.5f));
            var q1 = Math.Min(15, (int)(x[j + 16] + 8.5f));
            Assert.Equal(q0, y[2 + j] & 0x0F);
            Assert.Equal(q1, y[2 + j] >> 4);
        }
        var back = new float[32];
        GgmlQuants.Dequantize(GgmlType.Q4_0, y, back);
        for (var j = 0; j < 16; j++)
        {
            Assert.Equal(((y[2 + j] & 0x0F) - 8) * 1f, back[j]);
            Assert.Equal(((y[2 + j] >> 4) - 8) * 1f, back[j + 16]);
        }
        Assert.Equal(x, back); // integers in [-8, 7] are exact with d = 1
    }

    [Fact]
    public void Q5_0_stores_the_fifth_bits_in_a_little_endian_word()
    {
        var x = Ramp(j => j - 16f); // -16 .. 15: max magnitude -16 => d = 1, q = x + 16 = j
        var y = new byte[22];
        GgmlQuants.Quantize(GgmlType.Q5_0, x, y);
        Assert.Equal((Half)1f, BitConverter.ToHalf(y, 0));
        var qh = BitConverter.ToUInt32(y, 2);
        for (var j = 0; j < 16; j++)
        {
            int q0 = j, q1 = j + 16;
            Assert.Equal(q0 & 0x0F, y[6 + j] & 0x0F);
            Assert.Equal(q1 & 0x0F, y[6 + j] >> 4);
            Assert.Equal((uint)(q0 >> 4), (qh >> j) & 1);
            Assert.Equal((uint)(q1 >> 4), (qh >> (j + 16)) & 1);
        }
        Assert.Equal(0xFFFF0000u, qh);
        var back = new float[32];
        GgmlQuants.Dequantize(GgmlType.Q5_0, y, back);
        Assert.Equal(x, back);
    }

    [Fact]
    public void Q5_1_stores_scale_and_minimum_and_reconstructs_q_times_d_plus_m()
    {
        var x = Ramp(j => 2f + 0.5f * j); // min 2, max 17.5 => d = 0.5, q = j
        var y = new byte[24];
        GgmlQuants.Quantize(GgmlType.Q5_1, x, y);
        Assert.Equal((Half)0.5f, BitConverter.ToHalf(y, 0));
        Assert.Equal((Half)2f, BitConverter.ToHalf(y, 2));
        var qh = BitConverter.ToUInt32(y, 4);
        for (var j = 0; j < 16; j++)
        {
            Assert.Equal(j & 0x0F, y[8 + j] & 0x0F);
            Assert.Equal((j + 16) & 0x0F, y[8 + j] >> 4);
        }
        Assert.Equal(0xFFFF0000u, qh);
        var back = new float[32];
        GgmlQuants.Dequantize(GgmlType.Q5_1, y, back);
        for (var j = 0; j < 32; j++) Assert.Equal(j * 0.5f + 2f, back[j]);
    }

    [Theory]
    [InlineData(GgmlType.Q8_0)]
    [InlineData(GgmlType.Q5_0)]
    [InlineData(GgmlType.Q5_1)]
    [InlineData(GgmlType.Q4_0)]
    public void Zero_blocks_quantize_to_zero_scale_and_dequantize_to_zero(GgmlType type)
    {
        var y = new byte[type.BlockBytes()];
        GgmlQuants.Quantize(type, new float[32], y);
        var back = new float[32];
        GgmlQuants.Dequantize(type, y, back);
        Assert.All(back, v => Assert.Equal(0f, v));
    }

    [Theory]
    [InlineData(GgmlType.Q8_0, 1f / 127)]
    [InlineData(GgmlType.Q5_1, 1f / 31)]
    [InlineData(GgmlType.Q5_0, 1f / 16)]
    [InlineData(GgmlType.Q4_0, 1f / 8)]
    public void Random_blocks_reconstruct_within_one_quantization_step(GgmlType type, float step)
    {
        var rng = new Random(3);
        var x = new float[32 * 64];
        for (var i = 0; i < x.Length; i++) x[i] = (float)(rng.NextDouble() * 2 - 1) * (1 + i / 32);
        var y = new byte[type.ByteCount(x.Length)];
        GgmlQuants.Quantize(type, x, y);
        var back = new float[x.Length];
        GgmlQuants.Dequantize(type, y, back);
        for (var b = 0; b < 64; b++)
        {
            var block = x.AsSpan(b * 32, 32);
            var amax = 0f;
            foreach (var v in block) amax = Math.Max(amax, Math.Abs(v));
            var range = type == GgmlType.Q5_1 ? 2 * amax : amax;
            // Rounding costs half a step; q4_0/q5_0 clamp the top level on the side opposite the scale's sign (a full step).
            var steps = type is GgmlType.Q4_0 or GgmlType.Q5_0 ? 1.01f : 0.51f;
            for (var j = 0; j < 32; j++)
                Assert.True(Math.Abs(back[b * 32 + j] - block[j]) <= range * step * steps + 1e-3f * amax,
                    $"{type} block {b} element {j}: {block[j]} -> {back[b * 32 + j]}");
        }
    }
}
