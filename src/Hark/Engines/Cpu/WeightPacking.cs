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
        var packed = new PackedWeight(n, k, dtype);
        try
        {
            PackInto(w, n, k, dtype, packed.Data, packed.Scales, what);
            return packed;
        }
        catch
        {
            packed.Dispose();
            throw;
        }
    }

    /// <summary>
    /// <see cref="Pack"/> into memory the caller provides (a mapped cache file): <paramref name="data"/> holds
    /// <see cref="PackedWeight.DataBytes"/> bytes (zero where rows pad the last panel), <paramref name="scales"/>
    /// <see cref="PackedWeight.ScaleBytes"/> (int8 only, else null).
    /// </summary>
    /// <exception cref="HarkInputException">A value is NaN or infinite.</exception>
    public static void PackInto(ReadOnlySpan<float> w, int n, int k, TensorDType dtype, byte* data, float* scales, string what)
    {
        if (w.Length != (long)n * k) throw new ArgumentException($"{what}: {w.Length} values do not fill [{n}, {k}]", nameof(w));
        if (dtype is not (TensorDType.Float32 or TensorDType.Float16 or TensorDType.BFloat16 or TensorDType.Int8))
            throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown weight dtype");
        if (data == null || (dtype == TensorDType.Int8) != (scales != null)) throw new ArgumentException("packing needs its data, and scales exactly when int8");
        var panels = (n + NR - 1) / NR;
        var finite = true;
        fixed (float* source = w)
        {
            var target = new PanelTarget((nint)source, n, k, dtype, (nint)data, (nint)scales);
            if ((long)n * k < ParallelThreshold || panels == 1)
            {
                for (var p = 0; p < panels; p++) finite &= PackPanel(target, p);
            }
            else
            {
                Parallel.For(0, panels, p =>
                {
                    if (!PackPanel(target, p)) Volatile.Write(ref finite, false);
                });
            }
        }
        if (!finite) throw new HarkInputException("weight holds NaN or infinity; expected finite values", field: what);
    }

    /// <summary>What one packing writes: source rows, shape, storage, destination panels and scales (addresses, so lambdas can carry them).</summary>
    private readonly record struct PanelTarget(nint Source, int N, int K, TensorDType DType, nint Data, nint Scales);

    /// <summary>
    /// Packs the rows of panel <paramref name="panel"/>; false when a row holds NaN or infinity. Rows are first checked and
    /// converted (or quantised) row-major into a staging buffer, then transposed into the panel in tiles of
    /// <see cref="TileK"/> columns, so each tile's destination (<see cref="TileK"/> × 32 elements) stays in L1 and every
    /// cache line is written whole, instead of one element per line per row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool PackPanel(in PanelTarget target, int panel)
    {
        var w = (float*)target.Source;
        var k = target.K;
        var dtype = target.DType;
        var first = panel * NR;
        var rows = Math.Min(target.N, first + NR) - first;
        var size = dtype.SizeInBytes();
        var destination = (byte*)target.Data + (long)first * PackedWeight.PadColumns(k, dtype) * size;
        var scales = (float*)target.Scales;
        // float32 rows are transposed straight from the source; narrower types are staged once per panel.
        var converted = dtype == TensorDType.Float32 ? null : (byte*)System.Runtime.InteropServices.NativeMemory.Alloc((nuint)((long)rows * k * size));
        try
        {
            var staging = converted is null ? (byte*)(w + (long)first * k) : converted;
            for (var r = 0; r < rows; r++)
            {
                var values = new ReadOnlySpan<float>(w + (long)(first + r) * k, k);
                // NaN propagates through the max and infinity is its own maximum, so one vectorised pass checks the row.
                var magnitude = Math.Abs(System.Numerics.Tensors.TensorPrimitives.MaxMagnitude(values));
                if (!float.IsFinite(magnitude)) return false;
                switch (dtype)
                {
                    case TensorDType.Float16:
                        System.Numerics.Tensors.TensorPrimitives.ConvertToHalf(values, new Span<Half>(staging + (long)r * k * 2, k));
                        break;
                    case TensorDType.BFloat16:
                        Checkpoints.DTypeConversion.Float32ToBFloat16(values, new Span<ushort>(staging + (long)r * k * 2, k));
                        break;
                    case TensorDType.Int8:
                        {
                            var scale = magnitude / 127f;
                            scales[first + r] = scale;
                            var inverse = scale > 0 ? 1f / scale : 0f;
                            var q = (sbyte*)staging + (long)r * k;
                            var sum = 0;
                            for (var i = 0; i < k; i++)
                            {
                                q[i] = (sbyte)Math.Clamp(MathF.Round(values[i] * inverse), -127f, 127f);
                                sum += q[i];
                            }
                            // The sums follow the scales (PackedWeight.ScaleBytes): the zero-point correction of VPDPBUSD.
                            ((int*)(scales + PackedWeight.PadRows(target.N)))[first + r] = sum;
                            break;
                        }
                }
            }
            switch (size)
            {
                case 4: Transpose((uint*)staging, rows, k, (uint*)destination); break;
                case 2: Transpose((ushort*)staging, rows, k, (ushort*)destination); break;
                default: TransposeQuads((sbyte*)staging, rows, k, (sbyte*)destination); break;
            }
            return true;
        }
        finally
        {
            if (converted is not null) System.Runtime.InteropServices.NativeMemory.Free(converted);
        }
    }

    /// <summary>Columns per transposition tile.</summary>
    private const int TileK = 16;

    /// <summary><c>panel[i][j] = rows[j][i]</c> for <paramref name="rows"/> ≤ 32 row-major rows of <paramref name="k"/> elements.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Transpose<T>(T* source, int rows, int k, T* panel) where T : unmanaged
    {
        for (var k0 = 0; k0 < k; k0 += TileK)
        {
            var count = Math.Min(TileK, k - k0);
            for (var j = 0; j < rows; j++)
            {
                var s = source + (long)j * k + k0;
                var d = panel + (long)k0 * NR + j;
                for (var i = 0; i < count; i++) d[(long)i * NR] = s[i];
            }
        }
    }

    /// <summary>
    /// int8 panels are k-quad-major: <c>panel[i/4][j][i%4] = rows[j][i]</c>, the k padding to a whole quad written as
    /// zeros (the kernels read whole quads).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TransposeQuads(sbyte* source, int rows, int k, sbyte* panel)
    {
        const int G = PackedWeight.Int8Group;
        var padded = PackedWeight.PadColumns(k, TensorDType.Int8);
        for (var j = 0; j < rows; j++)
        {
            var s = source + (long)j * k;
            for (var i = 0; i < padded; i++) panel[(long)(i / G) * NR * G + j * G + i % G] = i < k ? s[i] : (sbyte)0;
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
