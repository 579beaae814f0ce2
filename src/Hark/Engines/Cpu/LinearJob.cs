using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Numerics.Tensors;
using Hark.Engines.Backends;

namespace Hark.Engines.Cpu;

/// <summary>
/// <c>y (+)= act(x · Wᵀ · scale + bias)</c> split into tasks of <see cref="GemmKernels.MC"/> rows × <see cref="PanelsPerTask"/>
/// panels. Each task accumulates into its worker's scratch tile, then runs the epilogue while the tile is hot.
/// </summary>
/// <remarks>
/// int8 weights go through <paramref name="int8"/>: the integer kernels quantise the activation rows once per op
/// (<see cref="QuantizedActivations"/>), then every task multiplies bytes; the float32 reference widens the weights.
/// </remarks>
internal sealed unsafe class LinearJob(WorkerScratch scratch, Int8Kernel int8, BFloat16Kernel bf16) : ITeamJob, IDisposable
{
    /// <summary>Panels (of 32 outputs) per task: 128 columns.</summary>
    public const int PanelsPerTask = 4;

    private float* _x;
    private int _ldx;
    private int _m;
    private PackedWeight _w = null!;
    private float* _bias;
    private byte* _y;
    private TensorDType _yType;
    private int _ldy;
    private Activation _activation;
    private bool _accumulate;
    private int _nChunks;
    private int _panelsPerTask;
    private readonly QuantizedActivations _quantized = new();
    private readonly BFloat16Activations _rounded = new();
    private bool _bf16Native;

    /// <summary>The int8 kernel in use (resolved, never <see cref="Int8Kernel.Auto"/>).</summary>
    public Int8Kernel Int8 => int8;

    public void Run(ThreadTeam team, float* x, int ldx, int m, PackedWeight w, float* bias, byte* y, TensorDType yType, int ldy, Activation activation, bool accumulate)
    {
        _x = x;
        _ldx = ldx;
        _m = m;
        _w = w;
        _bias = bias;
        _y = y;
        _yType = yType;
        _ldy = ldy;
        _activation = activation;
        _accumulate = accumulate;
        // Few rows (decoder steps): one panel per task so both threads get work on narrow layers. The split never
        // changes results: every output element is reduced over K in the same order whatever the chunking.
        // One row: four panels per task feed the four-panel GEMV kernel, unless that leaves too few tasks to share.
        _panelsPerTask = m == 1 ? (w.Panels >= 8 * team.Size ? PanelsPerTask : 1) : m <= 16 ? 1 : PanelsPerTask;
        _bf16Native = w.DType == TensorDType.BFloat16 && bf16 == BFloat16Kernel.Avx512Bf16 && BFloat16Gemm.Supports(m, w.Columns);
        // The bf16 kernel multiplies panel pairs: a lone panel per task would be computed twice.
        if (_bf16Native) _panelsPerTask = Math.Max(2, _panelsPerTask);
        _nChunks = (w.Panels + _panelsPerTask - 1) / _panelsPerTask;
        var mChunks = (m + GemmKernels.MC - 1) / GemmKernels.MC;
        if (w.DType == TensorDType.Int8 && int8 != Int8Kernel.Float32Reference)
            _quantized.Quantize(team, x, ldx, m, w.Columns, w.PaddedColumns, int16: int8 == Int8Kernel.Avx2);
        if (_bf16Native) _rounded.Convert(team, x, ldx, m, w.Columns);
        team.Run(this, mChunks * _nChunks);
        _w = null!;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Execute(int task, int worker)
    {
        var mChunk = task / _nChunks;
        var nChunk = task % _nChunks;
        var m0 = mChunk * GemmKernels.MC;
        var mCount = Math.Min(GemmKernels.MC, _m - m0);
        var p0 = nChunk * _panelsPerTask;
        var pCount = Math.Min(_panelsPerTask, _w.Panels - p0);
        const int ldc = PanelsPerTask * PackedWeight.PanelWidth;
        var c = scratch.Tile(worker);
        var a = _x + (long)m0 * _ldx;
        var panels = _w.Data + p0 * _w.PanelBytes;
        switch (_w.DType)
        {
            case TensorDType.Float32:
                GemmKernels.Block<Float32Loader>(a, _ldx, mCount, panels, _w.PanelBytes, pCount, _w.Columns, c, ldc);
                break;
            case TensorDType.Float16:
                GemmKernels.Block<Float16Loader>(a, _ldx, mCount, panels, _w.PanelBytes, pCount, _w.Columns, c, ldc, scratch.Slab(worker));
                break;
            case TensorDType.BFloat16 when _bf16Native:
                BFloat16Gemm.Block(_rounded.Values + (long)m0 * _rounded.Stride, _rounded.Stride, mCount, panels, _w.PanelBytes, pCount, _w.Columns, c, ldc);
                break;
            case TensorDType.BFloat16:
                GemmKernels.Block<BFloat16Loader>(a, _ldx, mCount, panels, _w.PanelBytes, pCount, _w.Columns, c, ldc, scratch.Slab(worker));
                break;
            case TensorDType.Int8 when int8 is Int8Kernel.AvxVnni or Int8Kernel.Avx512Vnni:
                VnniGemm.Block(_quantized.Values + (long)m0 * _quantized.Stride, _quantized.Stride, _quantized.Scales + m0, mCount, _w, p0, pCount, c, ldc, wide: int8 == Int8Kernel.Avx512Vnni);
                break;
            case TensorDType.Int8 when int8 == Int8Kernel.Avx2:
                Avx2Int8Gemm.Block((short*)_quantized.Values + (long)m0 * _quantized.Stride, _quantized.Stride, _quantized.Scales + m0, mCount, _w, p0, pCount, c, ldc);
                break;
            case TensorDType.Int8:
                GemmKernels.BlockInt8Widened(a, _ldx, mCount, panels, _w.PanelBytes, pCount, _w.Columns, c, ldc, scratch.Slab(worker));
                break;
            default:
                throw new InvalidOperationException($"unsupported weight dtype {_w.DType}");
        }
        var n0 = p0 * PackedWeight.PanelWidth;
        var width = Math.Min(pCount * PackedWeight.PanelWidth, _w.Rows - n0);
        var scales = _w.Scales == null ? null : _w.Scales + n0;
        var bias = _bias == null ? null : _bias + n0;
        var gelu = _activation == Activation.Gelu;
        for (var r = 0; r < mCount; r++)
        {
            var row = c + r * ldc;
            if (_yType == TensorDType.Float16)
            {
                Epilogue(row, scales, bias, gelu, row, false, width);
                TensorPrimitives.ConvertToHalf(new ReadOnlySpan<float>(row, width), new Span<Half>((Half*)_y + (long)(m0 + r) * _ldy + n0, width));
                continue;
            }
            Epilogue(row, scales, bias, gelu, (float*)_y + (long)(m0 + r) * _ldy + n0, _accumulate, width);
        }
    }

    /// <summary>
    /// <c>y (+)= gelu?(row·scales + bias)</c> in one pass while the tile row is in L1: the same operations in the same
    /// order, element by element, as separate multiply, add, GELU and add passes, so the same bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Epilogue(float* row, float* scales, float* bias, bool gelu, float* y, bool accumulate, int width)
    {
        var i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + 16 <= width; i += 16)
            {
                var v = Vector512.Load(row + i);
                if (scales != null) v *= Vector512.Load(scales + i);
                if (bias != null) v += Vector512.Load(bias + i);
                if (gelu) v = CpuMath.Gelu512(v);
                if (accumulate) v = Vector512.Load(y + i) + v;
                v.Store(y + i);
            }
        }
        if (i == width) return;
        // Tail (and CPUs without 512-bit vectors): the span helpers, as before.
        var rest = new Span<float>(row + i, width - i);
        if (scales != null) TensorPrimitives.Multiply(rest, new ReadOnlySpan<float>(scales + i, width - i), rest);
        if (bias != null) TensorPrimitives.Add(rest, new ReadOnlySpan<float>(bias + i, width - i), rest);
        if (gelu) CpuMath.Gelu(rest);
        var target = new Span<float>(y + i, width - i);
        if (accumulate) TensorPrimitives.Add(target, rest, target);
        else rest.CopyTo(target);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _quantized.Dispose();
        _rounded.Dispose();
    }
}
