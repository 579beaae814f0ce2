using System.Runtime.CompilerServices;
using Hark.Engines.Backends;

namespace Hark.Engines.Cpu;

/// <summary>Packs row-major weights into <see cref="PackedWeight"/> panels, converting or quantising on the way.</summary>
internal static unsafe class WeightPacking
{
    private const int NR = PackedWeight.PanelWidth;

    /// <summary>Packs <c>W [n, k]</c> (row-major float32) as <paramref name="dtype"/>.</summary>
    /// <exception cref="HarkInputException">A value is NaN or infinite.</exception>
    public static PackedWeight Pack(ReadOnlySpan<float> w, int n, int k, TensorDType dtype, string what)
    {
        if (w.Length != (long)n * k) throw new ArgumentException($"{what}: {w.Length} values do not fill [{n}, {k}]", nameof(w));
        foreach (var v in w)
        {
            if (!float.IsFinite(v)) throw new HarkInputException("weight holds NaN or infinity; expected finite values", field: what);
        }
        var packed = new PackedWeight(n, k, dtype);
        try
        {
            var scales = packed.Scales;
            var halves = dtype == TensorDType.Float16 ? new Half[k] : [];
            var brains = dtype == TensorDType.BFloat16 ? new ushort[k] : [];
            for (var row = 0; row < n; row++)
            {
                var src = w.Slice(row * k, k);
                var baseOffset = packed.Offset(row, 0);
                switch (dtype)
                {
                    case TensorDType.Float32:
                        {
                            var dst = (float*)packed.Data + baseOffset;
                            for (var i = 0; i < k; i++) dst[(long)i * NR] = src[i];
                            break;
                        }
                    case TensorDType.Float16:
                        {
                            var dst = (Half*)packed.Data + baseOffset;
                            var row16 = halves.AsSpan(0, k);
                            System.Numerics.Tensors.TensorPrimitives.ConvertToHalf(src, row16);
                            for (var i = 0; i < k; i++) dst[(long)i * NR] = row16[i];
                            break;
                        }
                    case TensorDType.BFloat16:
                        {
                            var dst = (ushort*)packed.Data + baseOffset;
                            var bits = brains.AsSpan(0, k);
                            Checkpoints.DTypeConversion.Float32ToBFloat16(src, bits);
                            for (var i = 0; i < k; i++) dst[(long)i * NR] = bits[i];
                            break;
                        }
                    case TensorDType.Int8:
                        {
                            var dst = (sbyte*)packed.Data;
                            var max = 0f;
                            foreach (var v in src) max = Math.Max(max, Math.Abs(v));
                            var scale = max / 127f;
                            scales[row] = scale;
                            var inverse = scale > 0 ? 1f / scale : 0f;
                            var sum = 0;
                            for (var i = 0; i < k; i++)
                            {
                                var q = (sbyte)Math.Clamp(MathF.Round(src[i] * inverse), -127f, 127f);
                                dst[packed.Offset(row, i)] = q;
                                sum += q;
                            }
                            packed.Sums[row] = sum;
                            break;
                        }
                    default:
                        throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown weight dtype");
                }
            }
            return packed;
        }
        catch
        {
            packed.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Packs float32 panels from a strided matrix: element <c>(n, k)</c> is <c>src[n·strideN + k·strideK]</c>.
    /// Used per attention head (Kₕ with k = head channel, Vₕ with k = key position). Columns past n stay as they
    /// were, so <paramref name="dst"/> must be zeroed once where <paramref name="n"/> is not a multiple of 32.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackStrided(float* src, nint strideN, nint strideK, int n, int k, float* dst)
    {
        for (var row = 0; row < n; row++)
        {
            var d = dst + (long)(row / NR) * NR * k + row % NR;
            var s = src + row * strideN;
            for (var i = 0; i < k; i++) d[(long)i * NR] = s[i * strideK];
        }
    }

    /// <summary>Reads <c>W[row, 0..k)</c> back as float32 (scale applied), for embedding lookups.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ReadRow(PackedWeight w, int row, Span<float> destination)
    {
        var offset = w.Offset(row, 0);
        var k = w.Columns;
        switch (w.DType)
        {
            case TensorDType.Float32:
                for (var i = 0; i < k; i++) destination[i] = ((float*)w.Data)[offset + (long)i * NR];
                break;
            case TensorDType.Float16:
                for (var i = 0; i < k; i++) destination[i] = (float)((Half*)w.Data)[offset + (long)i * NR];
                break;
            case TensorDType.BFloat16:
                for (var i = 0; i < k; i++) destination[i] = BitConverter.Int32BitsToSingle(((ushort*)w.Data)[offset + (long)i * NR] << 16);
                break;
            case TensorDType.Int8:
                var scale = w.Scales[row];
                for (var i = 0; i < k; i++) destination[i] = ((sbyte*)w.Data)[w.Offset(row, i)] * scale;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(w), w.DType, "unknown weight dtype");
        }
    }

    /// <summary>Conv1d weight <c>[out, in, kernel]</c> → linear <c>[out, kernel·in]</c> matching the im2col row layout.</summary>
    public static float[] Conv1dAsLinear(ReadOnlySpan<float> w, int outChannels, int inChannels, int kernel)
    {
        var linear = GC.AllocateUninitializedArray<float>(outChannels * inChannels * kernel);
        for (var o = 0; o < outChannels; o++)
            for (var c = 0; c < inChannels; c++)
                for (var t = 0; t < kernel; t++)
                    linear[(o * kernel + t) * inChannels + c] = w[(o * inChannels + c) * kernel + t];
        return linear;
    }
}
