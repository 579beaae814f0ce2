using System.Runtime.CompilerServices;
using Hark.Engines.Backends;

namespace Hark.Engines.Cpu;

/// <summary>Packs row-major weights into <see cref="PackedWeight"/> panels, converting or quantising on the way.</summary>
internal static unsafe class WeightPacking
{
    private const int NR = PackedWeight.PanelWidth;

    /// <summary>Elements below which a weight is packed on the calling thread (scheduling would cost more).</summary>
    private const long ParallelThreshold = 1 << 16;

    /// <summary>
    /// Packs <c>W [n, k]</c> (row-major float32) as <paramref name="dtype"/>. The finiteness check, the conversion or
    /// quantisation and the panel layout are one pass over each row, and panels are packed in parallel: at load this is
    /// the step that touches every weight.
    /// </summary>
    /// <exception cref="HarkInputException">A value is NaN or infinite.</exception>
    public static PackedWeight Pack(ReadOnlySpan<float> w, int n, int k, TensorDType dtype, string what)
    {
        if (w.Length != (long)n * k) throw new ArgumentException($"{what}: {w.Length} values do not fill [{n}, {k}]", nameof(w));
        if (dtype is not (TensorDType.Float32 or TensorDType.Float16 or TensorDType.BFloat16 or TensorDType.Int8))
            throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown weight dtype");
        var packed = new PackedWeight(n, k, dtype);
        try
        {
            var finite = true;
            fixed (float* source = w)
            {
                var address = (nint)source;
                if ((long)n * k < ParallelThreshold || packed.Panels == 1)
                {
                    for (var p = 0; p < packed.Panels; p++) finite &= PackPanel((float*)address, n, k, packed, p);
                }
                else
                {
                    Parallel.For(0, packed.Panels, p =>
                    {
                        if (!PackPanel((float*)address, n, k, packed, p)) Volatile.Write(ref finite, false);
                    });
                }
            }
            if (!finite) throw new HarkInputException("weight holds NaN or infinity; expected finite values", field: what);
            return packed;
        }
        catch
        {
            packed.Dispose();
            throw;
        }
    }

    /// <summary>Packs the rows of panel <paramref name="panel"/>; false when a row holds NaN or infinity.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool PackPanel(float* w, int n, int k, PackedWeight packed, int panel)
    {
        const int Chunk = 256;
        var narrow = stackalloc ushort[Chunk];
        var last = Math.Min(n, (panel + 1) * NR);
        for (var row = panel * NR; row < last; row++)
        {
            var src = w + (long)row * k;
            var values = new ReadOnlySpan<float>(src, k);
            // NaN propagates through the max and infinity is its own maximum, so one vectorised pass checks the row.
            var magnitude = Math.Abs(System.Numerics.Tensors.TensorPrimitives.MaxMagnitude(values));
            if (!float.IsFinite(magnitude)) return false;
            var offset = packed.Offset(row, 0);
            switch (packed.DType)
            {
                case TensorDType.Float32:
                    {
                        var dst = (float*)packed.Data + offset;
                        for (var i = 0; i < k; i++) dst[(long)i * NR] = src[i];
                        break;
                    }
                case TensorDType.Float16:
                case TensorDType.BFloat16:
                    {
                        var dst = (ushort*)packed.Data + offset;
                        for (var start = 0; start < k; start += Chunk)
                        {
                            var count = Math.Min(Chunk, k - start);
                            var part = values.Slice(start, count);
                            if (packed.DType == TensorDType.Float16)
                                System.Numerics.Tensors.TensorPrimitives.ConvertToHalf(part, new Span<Half>(narrow, count));
                            else
                                Checkpoints.DTypeConversion.Float32ToBFloat16(part, new Span<ushort>(narrow, count));
                            for (var i = 0; i < count; i++) dst[(long)(start + i) * NR] = narrow[i];
                        }
                        break;
                    }
                default:
                    {
                        var dst = (sbyte*)packed.Data + offset;
                        var scale = magnitude / 127f;
                        packed.Scales[row] = scale;
                        var inverse = scale > 0 ? 1f / scale : 0f;
                        for (var i = 0; i < k; i++) dst[(long)i * NR] = (sbyte)Math.Clamp(MathF.Round(src[i] * inverse), -127f, 127f);
                        break;
                    }
            }
        }
        return true;
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
                for (var i = 0; i < k; i++) destination[i] = ((sbyte*)w.Data)[offset + (long)i * NR] * scale;
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
