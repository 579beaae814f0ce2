using System.Runtime.CompilerServices;
using System.Numerics.Tensors;
using Hark.Engines.Backends;

namespace Hark.Engines.Cpu;

/// <summary>
/// The host CPU as an <see cref="IOpBackend"/>: packed-panel GEMM with AVX-512 (AVX2 and scalar fallbacks),
/// fused attention, a private thread team. Ops are serialised by a lock, so one backend may serve several
/// decoder sessions on different threads; preallocated jobs keep the decode loop allocation-free.
/// </summary>
public sealed unsafe class CpuBackend : IOpBackend
{
    private readonly Lock _gate = new();
    private readonly ThreadTeam _team;
    private readonly WorkerScratch _scratch;
    private readonly LinearJob _linear;
    private readonly AttentionJob _attention;
    private float[] _row = new float[64];

    /// <summary>Creates the backend.</summary>
    /// <param name="threads">Compute threads; 0 uses every core.</param>
    /// <param name="int8">How int8 weights are multiplied; <see cref="Int8Kernel.Auto"/> picks from the CPU's features.</param>
    /// <param name="bf16">How bfloat16 weights are multiplied; <see cref="BFloat16Kernel.Auto"/> picks from the CPU's features.</param>
    /// <exception cref="HarkInputException"><paramref name="int8"/> or <paramref name="bf16"/> names a kernel this CPU cannot run.</exception>
    public CpuBackend(int threads = 0, Int8Kernel int8 = Int8Kernel.Auto, BFloat16Kernel bf16 = BFloat16Kernel.Auto)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        Int8 = Int8KernelSelection.Resolve(int8);
        BFloat16 = BFloat16KernelSelection.Resolve(bf16);
        Threads = threads == 0 ? Environment.ProcessorCount : threads;
        _team = new ThreadTeam(Threads);
        _scratch = new WorkerScratch(Threads);
        _linear = new LinearJob(_scratch, Int8, BFloat16);
        _attention = new AttentionJob(_scratch) { WideInt8 = Int8 == Int8Kernel.Avx512Vnni };
    }

    /// <inheritdoc />
    public EngineDevice Device => EngineDevice.Cpu;

    /// <inheritdoc />
    public int Threads { get; }

    /// <summary>The int8 kernel in use (resolved from the option: never <see cref="Int8Kernel.Auto"/>).</summary>
    public Int8Kernel Int8 { get; }

    /// <summary>The bfloat16 kernel in use (resolved from the option: never <see cref="BFloat16Kernel.Auto"/>).</summary>
    public BFloat16Kernel BFloat16 { get; }

    /// <summary>
    /// Whether the encoder's attention multiplies in int8 too (<see cref="Int8AttentionJob"/>): set by the engine for
    /// int8 compute on the VNNI kernel; otherwise (and for decoder steps) attention is float32.
    /// </summary>
    internal bool Int8Attention
    {
        get => _attention.Int8;
        set => _attention.Int8 = value && Int8 is Int8Kernel.AvxVnni or Int8Kernel.Avx512Vnni;
    }

    /// <summary>The micro-kernel family in use (<c>avx512</c>, <c>avx2</c> or <c>scalar</c>).</summary>
    public static string KernelName => GemmKernels.Path.ToString().ToLowerInvariant();

    /// <inheritdoc />
    public IDeviceTensor Allocate(int rows, int columns, TensorDType dtype = TensorDType.Float32) => new CpuTensor(rows, columns, dtype);

    /// <inheritdoc />
    public void Upload(ReadOnlySpan<float> source, TensorView destination)
    {
        var t = Dense(destination.Tensor);
        if (source.Length != (long)destination.Rows * t.Columns)
            throw new ArgumentException($"{source.Length} values do not fill {destination.Rows}×{t.Columns}", nameof(source));
        source.CopyTo(t.Span(destination.RowOffset, destination.Rows));
    }

    /// <inheritdoc />
    /// <remarks>Every op has finished when it returns, so there is nothing to wait for.</remarks>
    public void Synchronize()
    {
    }

    /// <inheritdoc />
    public void Download(TensorView source, Span<float> destination)
    {
        var t = Dense(source.Tensor);
        if (destination.Length != (long)source.Rows * t.Columns)
            throw new ArgumentException($"{destination.Length} values do not hold {source.Rows}×{t.Columns}", nameof(destination));
        t.Span(source.RowOffset, source.Rows).CopyTo(destination);
    }

    /// <inheritdoc />
    public IDeviceTensor CreateLinearWeight(ReadOnlySpan<float> weight, int outFeatures, int inFeatures, TensorDType storage) =>
        WeightPacking.Pack(weight, outFeatures, inFeatures, storage, $"linear [{outFeatures}, {inFeatures}]");

    /// <inheritdoc />
    public IDeviceTensor CreateConv1dWeight(ReadOnlySpan<float> weight, int outChannels, int inChannels, int kernel, TensorDType storage) =>
        WeightPacking.Pack(WeightPacking.Conv1dAsLinear(weight, outChannels, inChannels, kernel), outChannels, kernel * inChannels, storage,
            $"conv1d [{outChannels}, {inChannels}, {kernel}]");

    /// <inheritdoc />
    public void Linear(TensorView x, IDeviceTensor weight, IDeviceTensor? bias, TensorView y, Activation activation = Activation.None, bool accumulate = false)
    {
        var w = Packed(weight);
        var xt = Dense(x.Tensor);
        var yt = AnyDense(y.Tensor);
        if (yt.DType != TensorDType.Float32 && accumulate) throw new ArgumentException("accumulate needs a float32 output", nameof(accumulate));
        if (xt.Columns != w.Columns || yt.Columns != w.Rows || x.Rows != y.Rows)
            throw new ArgumentException($"linear shapes disagree: x [{x.Rows}, {xt.Columns}], W [{w.Rows}, {w.Columns}], y [{y.Rows}, {yt.Columns}]");
        var b = bias is null ? null : Vector(bias, w.Rows);
        lock (_gate)
            _linear.Run(_team, xt.Row(x.RowOffset), xt.Columns, x.Rows, w, b, yt.Bytes + y.RowOffset * yt.RowBytes, yt.DType, yt.Columns, activation, accumulate);
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Conv1d(TensorView x, IDeviceTensor weight, IDeviceTensor bias, TensorView y, int stride, Activation activation)
    {
        var w = Packed(weight);
        var xt = Dense(x.Tensor);
        var channels = xt.Columns;
        const int kernel = 3;
        var outLength = (x.Rows + stride - 1) / stride;
        if (w.Columns != kernel * channels || y.Rows != outLength)
            throw new ArgumentException($"conv1d shapes disagree: x [{x.Rows}, {channels}], W [{w.Rows}, {w.Columns}], y rows {y.Rows} (expected {outLength})");
        // The im2col matrix lives only for this call: the stem runs once per window, and keeping it would add
        // 14 MB (small) to the decoder's resident memory.
        using var im2col = new CpuTensor(outLength, w.Columns);
        lock (_gate)
        {
            // im2col: row t holds x[t·stride − 1 + j] for j = 0..2 (zeros outside), matching the linearised kernel.
            for (var t = 0; t < outLength; t++)
            {
                for (var j = 0; j < kernel; j++)
                {
                    var source = t * stride - 1 + j;
                    var dst = new Span<float>(im2col.Row(t) + j * channels, channels);
                    if (source < 0 || source >= x.Rows) dst.Clear();
                    else new ReadOnlySpan<float>(xt.Row(x.RowOffset + source), channels).CopyTo(dst);
                }
            }
            var yt = Dense(y.Tensor);
            _linear.Run(_team, im2col.Data, im2col.Columns, outLength, w, Vector(bias, w.Rows), (byte*)yt.Row(y.RowOffset), TensorDType.Float32, yt.Columns, activation, false);
        }
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Transpose(TensorView x, TensorView y)
    {
        var xt = Dense(x.Tensor);
        var yt = Dense(y.Tensor);
        if (y.Rows != xt.Columns || yt.Columns != x.Rows) throw new ArgumentException("transpose shapes disagree");
        const int block = 32;
        for (var r0 = 0; r0 < x.Rows; r0 += block)
            for (var c0 = 0; c0 < xt.Columns; c0 += block)
                for (var r = r0; r < Math.Min(r0 + block, x.Rows); r++)
                {
                    var src = xt.Row(x.RowOffset + r);
                    for (var c = c0; c < Math.Min(c0 + block, xt.Columns); c++) yt.Row(y.RowOffset + c)[r] = src[c];
                }
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void LayerNorm(TensorView x, IDeviceTensor gamma, IDeviceTensor beta, TensorView y, float epsilon)
    {
        var xt = Dense(x.Tensor);
        var yt = Dense(y.Tensor);
        var n = xt.Columns;
        var g = new ReadOnlySpan<float>(Vector(gamma, n), n);
        var b = new ReadOnlySpan<float>(Vector(beta, n), n);
        for (var r = 0; r < x.Rows; r++)
            CpuMath.LayerNorm(new ReadOnlySpan<float>(xt.Row(x.RowOffset + r), n), g, b, new Span<float>(yt.Row(y.RowOffset + r), n), epsilon);
    }

    /// <inheritdoc />
    public void Gelu(TensorView x, TensorView y)
    {
        var source = Dense(x.Tensor).Span(x.RowOffset, x.Rows);
        var destination = Dense(y.Tensor).Span(y.RowOffset, y.Rows);
        source.CopyTo(destination);
        CpuMath.Gelu(destination);
    }

    /// <inheritdoc />
    public void Softmax(TensorView x)
    {
        var t = Dense(x.Tensor);
        for (var r = 0; r < x.Rows; r++) CpuMath.ScaledSoftmax(new Span<float>(t.Row(x.RowOffset + r), t.Columns), 1f);
    }

    /// <inheritdoc />
    public void Add(TensorView a, TensorView b, TensorView y) =>
        TensorPrimitives.Add(Dense(a.Tensor).Span(a.RowOffset, a.Rows), Dense(b.Tensor).Span(b.RowOffset, b.Rows), Dense(y.Tensor).Span(y.RowOffset, y.Rows));

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Gather(IDeviceTensor table, ReadOnlySpan<int> rows, TensorView y, bool accumulate)
    {
        var yt = Dense(y.Tensor);
        if (rows.Length != y.Rows || table.Columns != yt.Columns) throw new ArgumentException("gather shapes disagree");
        var n = yt.Columns;
        lock (_gate)
        {
            if (_row.Length < n) _row = new float[n];
            var row = _row.AsSpan(0, n);
            for (var i = 0; i < rows.Length; i++)
            {
                var index = rows[i];
                if ((uint)index >= (uint)table.Rows) throw new ArgumentOutOfRangeException(nameof(rows), index, $"row outside a table of {table.Rows}");
                if (table is PackedWeight packed) WeightPacking.ReadRow(packed, index, row);
                else new ReadOnlySpan<float>(Dense(table).Row(index), n).CopyTo(row);
                var dst = new Span<float>(yt.Row(y.RowOffset + i), n);
                if (accumulate) TensorPrimitives.Add(dst, row, dst);
                else row.CopyTo(dst);
            }
        }
    }

    /// <inheritdoc />
    public void CopyRows(IDeviceTensor source, ReadOnlySpan<int> sourceStarts, IDeviceTensor destination, ReadOnlySpan<int> destinationStarts, int rowsPerBlock)
    {
        var s = AnyDense(source);
        var d = AnyDense(destination);
        if (s.Columns != d.Columns || s.DType != d.DType || sourceStarts.Length != destinationStarts.Length) throw new ArgumentException("copy shapes disagree");
        for (var i = 0; i < sourceStarts.Length; i++)
        {
            if (sourceStarts[i] < 0 || sourceStarts[i] + rowsPerBlock > s.Rows || destinationStarts[i] < 0 || destinationStarts[i] + rowsPerBlock > d.Rows)
                throw new ArgumentOutOfRangeException(nameof(sourceStarts), "row block outside the tensor");
            Buffer.MemoryCopy(s.Bytes + sourceStarts[i] * s.RowBytes, d.Bytes + destinationStarts[i] * d.RowBytes, rowsPerBlock * d.RowBytes, rowsPerBlock * s.RowBytes);
        }
    }

    /// <inheritdoc />
    public void Attention(in AttentionArgs args)
    {
        var q = Dense(args.Query.Tensor);
        var k = AnyDense(args.Keys);
        var v = AnyDense(args.Values);
        if (k.DType != v.DType) throw new ArgumentException("keys and values must share a dtype", nameof(args));
        var o = Dense(args.Output.Tensor);
        args.Validate(q.Columns, (k.Columns, k.Rows), (v.Columns, v.Rows), o.Columns);
        CpuTensor? recorded = null;
        if (!args.RecordHeads.IsEmpty)
        {
            recorded = Dense(args.Recorded.Tensor);
            if (args.Recorded.Rows < (long)args.RecordHeads.Length * args.Query.Rows || recorded.Columns < args.KvLength)
                throw new ArgumentException("recorded-weights tensor too small", nameof(args));
        }
        lock (_gate) _attention.Run(_team, args, q, k, v, o, recorded);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _team.Dispose();
        _scratch.Dispose();
        _attention.Dispose();
        _linear.Dispose();
    }

    private static CpuTensor Dense(IDeviceTensor t) =>
        t is CpuTensor { DType: TensorDType.Float32 } c
            ? c
            : throw new ArgumentException($"expected a float32 tensor of the CPU backend, got {t?.GetType().Name ?? "null"} {t?.DType}");

    private static CpuTensor AnyDense(IDeviceTensor t) =>
        t as CpuTensor ?? throw new ArgumentException($"expected a dense tensor of the CPU backend, got {t?.GetType().Name ?? "null"}");

    private static PackedWeight Packed(IDeviceTensor t) =>
        t as PackedWeight ?? throw new ArgumentException($"expected a weight created by the CPU backend, got {t?.GetType().Name ?? "null"}");

    private static float* Vector(IDeviceTensor t, int length)
    {
        var d = Dense(t);
        if ((long)d.Rows * d.Columns != length) throw new ArgumentException($"expected a vector of {length} values, got [{d.Rows}, {d.Columns}]");
        return d.Data;
    }
}
