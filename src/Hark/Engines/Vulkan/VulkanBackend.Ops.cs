using Hark.Engines.Backends;

namespace Hark.Engines.Vulkan;

/// <summary>The compute ops: each validates shapes on the host, then records one dispatch.</summary>
public sealed unsafe partial class VulkanBackend
{
    private const uint MaxGroups = 65535;
    private const int MaxHeadDim = 128;
    private const int BlockMaxHeadDim = 64;
    private const int BlockMinQueries = 8;
    private const uint GemvMaxRows = 8;

    /// <inheritdoc />
    public void Linear(TensorView x, IDeviceTensor weight, IDeviceTensor? bias, TensorView y, Activation activation = Activation.None, bool accumulate = false)
    {
        var w = Weight(weight);
        var xt = Dense(x.Tensor);
        var yt = AnyActivation(y.Tensor);
        if (xt.Columns != w.Columns || yt.Columns != w.Rows || x.Rows != y.Rows)
            throw new ArgumentException($"linear shapes disagree: x [{x.Rows}, {xt.Columns}], W [{w.Rows}, {w.Columns}], y [{y.Rows}, {yt.Columns}]");
        if (yt.DType == TensorDType.Float16 && accumulate) throw new ArgumentException("a float16 output cannot accumulate", nameof(accumulate));
        var b = bias is null ? null : Vector(bias, w.Rows);
        lock (_gate)
        {
            // A float16 output (keys/values) is written element by element where the device has 16-bit storage;
            // elsewhere it is computed in float32 scratch, then packed word by word.
            var direct = yt.DType == TensorDType.Float16 && Float16Writes;
            var target = yt.DType == TensorDType.Float16 && !direct ? HalfScratch(x.Rows, w.Rows) : yt;
            var targetRow = ReferenceEquals(target, yt) ? y.RowOffset : 0;
            var p = new LinearParameters
            {
                X = xt.RowAddress(x.RowOffset), W = w.Buffer.Address, Bias = b?.Buffer.Address ?? 0, Y = target.RowAddress(targetRow), Scales = w.ScalesAddress,
                M = (uint)x.Rows, N = (uint)w.Rows, K = (uint)w.Columns, Ldx = (uint)xt.Columns, Ldy = (uint)(direct ? yt.RowWords * 2 : target.Columns),
                WStride = (uint)w.RowWords, Act = (uint)activation, Accumulate = accumulate ? 1u : 0u, HasBias = b is null ? 0u : 1u,
            };
            RecordLinear(w, p, [xt.Buffer, w.Buffer, b?.Buffer ?? w.Buffer], target.Buffer, direct);
            if (!ReferenceEquals(target, yt))
            {
                var h = new ToHalfParameters { X = target.Buffer.Address, Y = yt.RowAddress(y.RowOffset), Rows = (uint)y.Rows, Columns = (uint)yt.Columns, RowWords = (uint)yt.RowWords };
                var words = (long)y.Rows * yt.RowWords;
                _recorder.Dispatch("tohalf", h, (uint)Math.Min((words + 255) / 256, MaxGroups), 1, [target.Buffer], [yt.Buffer]);
            }
        }
    }

    private VulkanTensor HalfScratch(int rows, int columns)
    {
        if (_halfScratch is null || (long)_halfScratch.Rows * _halfScratch.Columns < (long)rows * columns)
        {
            _halfScratch?.Dispose();
            var buffer = _context.CreateBuffer((long)rows * columns * 4, hostVisible: false);
            _halfScratch = new VulkanTensor(_recorder, buffer, TensorDType.Float32, rows, columns, columns, isWeight: false);
        }
        // Viewed with the requested width: only the first rows · columns floats are used.
        return new VulkanTensor(_recorder, _halfScratch.Buffer, TensorDType.Float32, rows, columns, columns, isWeight: false);
    }

    /// <inheritdoc />
    public void Conv1d(TensorView x, IDeviceTensor weight, IDeviceTensor bias, TensorView y, int stride, Activation activation)
    {
        var w = Weight(weight);
        var xt = Dense(x.Tensor);
        var yt = Dense(y.Tensor);
        var channels = xt.Columns;
        var outLength = (x.Rows + stride - 1) / stride;
        if (stride < 1 || w.Columns != 3 * channels || y.Rows != outLength || yt.Columns != w.Rows)
            throw new ArgumentException($"conv1d shapes disagree: x [{x.Rows}, {channels}], W [{w.Rows}, {w.Columns}], y rows {y.Rows} (expected {outLength})");
        var b = Vector(bias, w.Rows);
        var p = new LinearParameters
        {
            X = xt.RowAddress(x.RowOffset), W = w.Buffer.Address, Bias = b.Buffer.Address, Y = yt.RowAddress(y.RowOffset), Scales = w.ScalesAddress,
            M = (uint)outLength, N = (uint)w.Rows, K = (uint)w.Columns, Ldx = (uint)channels, Ldy = (uint)yt.Columns, WStride = (uint)w.RowWords,
            Act = (uint)activation, HasBias = 1, ConvIn = (uint)channels, ConvStride = (uint)stride, XRows = (uint)x.Rows,
        };
        lock (_gate) RecordLinear(w, p, [xt.Buffer, w.Buffer, b.Buffer], yt.Buffer);
    }

    private void RecordLinear(VulkanTensor w, LinearParameters p, ReadOnlySpan<VulkanBuffer> reads, VulkanBuffer write, bool float16Output = false)
    {
        if (p.M <= GemvMaxRows && p.ConvIn == 0 && _context.Info.SubgroupArithmetic)
        {
            // Few rows (decoder steps): the GEMM is a weight stream; a subgroup per output reads each weight once.
            var perGroup = (uint)Math.Max(1, 64 / Math.Max(1, _context.Info.SubgroupSize));
            _recorder.Dispatch(ShaderName(GemvKernel, w.DType, half: false, float16Output), p, Math.Min((p.N + perGroup - 1) / perGroup, MaxGroups), 1, reads, [write]);
            return;
        }
        var groupsY = (p.M + 63) / 64;
        if (groupsY > MaxGroups) throw new ArgumentException($"linear over {p.M} rows exceeds one dispatch ({MaxGroups * 64})");
        var half = HalfArithmetic && w.DType == TensorDType.Float16;
        _recorder.Dispatch(ShaderName(LinearKernel, w.DType, half, float16Output), p, (p.N + 63) / 64, groupsY, reads, [write]);
    }

    /// <inheritdoc />
    public void Transpose(TensorView x, TensorView y)
    {
        var xt = Dense(x.Tensor);
        var yt = Dense(y.Tensor);
        if (y.Rows != xt.Columns || yt.Columns != x.Rows) throw new ArgumentException("transpose shapes disagree");
        var p = new TransposeParameters { X = xt.RowAddress(x.RowOffset), Y = yt.RowAddress(y.RowOffset), Rows = (uint)x.Rows, Columns = (uint)xt.Columns };
        lock (_gate) _recorder.Dispatch("transpose", p, (p.Columns + 15) / 16, (p.Rows + 15) / 16, [xt.Buffer], [yt.Buffer]);
    }

    /// <inheritdoc />
    public void LayerNorm(TensorView x, IDeviceTensor gamma, IDeviceTensor beta, TensorView y, float epsilon)
    {
        var xt = Dense(x.Tensor);
        var yt = Dense(y.Tensor);
        if (yt.Columns != xt.Columns || y.Rows != x.Rows) throw new ArgumentException("layernorm shapes disagree");
        var g = Vector(gamma, xt.Columns);
        var b = Vector(beta, xt.Columns);
        lock (_gate) RowOp(xt, x.RowOffset, yt, y.RowOffset, x.Rows, 0, g.Buffer.Address, b.Buffer.Address, epsilon, [xt.Buffer, g.Buffer, b.Buffer]);
    }

    /// <inheritdoc />
    public void Softmax(TensorView x)
    {
        var xt = Dense(x.Tensor);
        lock (_gate) RowOp(xt, x.RowOffset, xt, x.RowOffset, x.Rows, 1, 0, 0, 0, [xt.Buffer]);
    }

    private void RowOp(VulkanTensor x, int xRow, VulkanTensor y, int yRow, int rows, uint op, ulong gamma, ulong beta, float epsilon, ReadOnlySpan<VulkanBuffer> reads)
    {
        for (var done = 0; done < rows; done += (int)MaxGroups)
        {
            var count = (uint)Math.Min(rows - done, MaxGroups);
            var p = new RowNormParameters
            {
                X = x.RowAddress(xRow + done), Y = y.RowAddress(yRow + done), Gamma = gamma, Beta = beta, Columns = (uint)x.Columns, Op = op, Epsilon = epsilon,
            };
            _recorder.Dispatch("rownorm", p, count, 1, reads, [y.Buffer]);
        }
    }

    /// <inheritdoc />
    public void Gelu(TensorView x, TensorView y)
    {
        var xt = Dense(x.Tensor);
        var yt = Dense(y.Tensor);
        if ((long)x.Rows * xt.Columns != (long)y.Rows * yt.Columns) throw new ArgumentException("gelu shapes disagree");
        lock (_gate) Elementwise(1, xt.RowAddress(x.RowOffset), 0, yt.RowAddress(y.RowOffset), (long)x.Rows * xt.Columns, [xt.Buffer], yt.Buffer);
    }

    /// <inheritdoc />
    public void Add(TensorView a, TensorView b, TensorView y)
    {
        var at = Dense(a.Tensor);
        var bt = Dense(b.Tensor);
        var yt = Dense(y.Tensor);
        var n = (long)y.Rows * yt.Columns;
        if ((long)a.Rows * at.Columns != n || (long)b.Rows * bt.Columns != n) throw new ArgumentException("add shapes disagree");
        lock (_gate) Elementwise(0, at.RowAddress(a.RowOffset), bt.RowAddress(b.RowOffset), yt.RowAddress(y.RowOffset), n, [at.Buffer, bt.Buffer], yt.Buffer);
    }

    private void Elementwise(uint op, ulong a, ulong b, ulong y, long n, ReadOnlySpan<VulkanBuffer> reads, VulkanBuffer write)
    {
        if (n > uint.MaxValue) throw new ArgumentException($"{n} elements exceed one dispatch");
        var p = new ElementwiseParameters { A = a, B = b, Y = y, N = (uint)n, Op = op };
        _recorder.Dispatch("elementwise", p, (uint)Math.Min((n + 255) / 256, MaxGroups), 1, reads, [write]);
    }

    /// <inheritdoc />
    public void Gather(IDeviceTensor table, ReadOnlySpan<int> rows, TensorView y, bool accumulate)
    {
        var t = table as VulkanTensor ?? throw new ArgumentException($"expected a tensor of the Vulkan backend, got {table?.GetType().Name ?? "null"}");
        var yt = Dense(y.Tensor);
        if (rows.Length != y.Rows || t.Columns != yt.Columns) throw new ArgumentException("gather shapes disagree");
        if (rows.Length > MaxGroups) throw new ArgumentException($"gather of {rows.Length} rows exceeds one dispatch");
        foreach (var index in rows)
        {
            if ((uint)index >= (uint)t.Rows) throw new ArgumentOutOfRangeException(nameof(rows), index, $"row outside a table of {t.Rows}");
        }
        if (rows.IsEmpty) return;
        lock (_gate)
        {
            var (arena, offset, host) = _recorder.Reserve(rows.Length * 4L);
            rows.CopyTo(new Span<int>((void*)host, rows.Length));
            var p = new GatherParameters
            {
                Table = t.Buffer.Address, Rows = arena.Address + (ulong)offset, Y = yt.RowAddress(y.RowOffset), Scales = t.ScalesAddress,
                Columns = (uint)t.Columns, WStride = (uint)t.RowWords, Count = (uint)rows.Length, Accumulate = accumulate ? 1u : 0u,
            };
            _recorder.Dispatch(ShaderName(GatherKernel, t.DType, half: false, float16Output: false), p, (uint)Math.Min((t.Columns + 255) / 256, 64), (uint)rows.Length, [t.Buffer, arena], [yt.Buffer]);
        }
    }

    /// <inheritdoc />
    public void Attention(in AttentionArgs args)
    {
        var q = Dense(args.Query.Tensor);
        var k = AnyActivation(args.Keys);
        var v = AnyActivation(args.Values);
        var o = Dense(args.Output.Tensor);
        if (k.DType != v.DType) throw new ArgumentException("keys and values have different types");
        var kv = k.DType == TensorDType.Float16 ? "_kv16" : "";
        args.Validate(q.Columns, (k.Columns, k.Rows), (v.Columns, v.Rows), o.Columns);
        var recordCount = args.RecordHeads.Length;
        VulkanTensor? recorded = null;
        if (recordCount > 0)
        {
            recorded = Dense(args.Recorded.Tensor);
            if (args.Recorded.Rows < (long)recordCount * args.Query.Rows || recorded.Columns < args.KvLength)
                throw new ArgumentException("recorded-weights tensor too small", nameof(args));
        }
        var headDim = q.Columns / args.Heads;
        if (headDim > MaxHeadDim) throw new HarkException($"vulkan attention supports head dimensions up to {MaxHeadDim}, got {headDim}");
        if (args.Query.Rows == 0 || args.KvLength == 0) return;
        if (args.Query.Rows > MaxGroups) throw new ArgumentException($"attention over {args.Query.Rows} query rows exceeds one dispatch");
        var sequences = args.KvIndex.Length;
        lock (_gate)
        {
            var (arena, offset, host) = _recorder.Reserve((sequences + args.Heads) * 4L);
            var ints = new Span<int>((void*)host, sequences + args.Heads);
            args.KvIndex.CopyTo(ints);
            var slots = ints[sequences..];
            slots.Fill(-1);
            for (var i = 0; i < recordCount; i++) slots[args.RecordHeads[i]] = i;
            var address = arena.Address + (ulong)offset;
            var p = new AttentionParameters
            {
                Q = q.RowAddress(args.Query.RowOffset), K = k.Buffer.Address, V = v.Buffer.Address, O = o.RowAddress(args.Output.RowOffset),
                KvIndex = address, RecordSlot = address + (ulong)sequences * 4, Recorded = recorded?.RowAddress(args.Recorded.RowOffset) ?? 0,
                RecordStride = (uint)(recorded?.Columns ?? 0),
                D = (uint)q.Columns, HeadDim = (uint)headDim, KvStride = (uint)args.KvStride, KvLength = (uint)args.KvLength,
                Tq = (uint)args.QueriesPerSequence, Sequences = (uint)sequences, Scale = args.Scale, Causal = args.Causal ? 1u : 0u,
                Record = recordCount > 0 ? 1u : 0u,
            };
            if (recordCount == 0 && headDim <= BlockMaxHeadDim && args.QueriesPerSequence >= BlockMinQueries)
            {
                // Many queries (encoder, long prompts): 64 queries per workgroup share each key/value tile.
                var blocks = (uint)((args.QueriesPerSequence + 63) / 64 * sequences);
                var width = headDim <= 16 ? 16 : headDim <= 32 ? 32 : 64;
                _recorder.Dispatch($"attention_block_hd{width}{kv}", p, blocks, (uint)args.Heads, [q.Buffer, k.Buffer, v.Buffer, arena], [o.Buffer]);
            }
            else if (recorded is null) _recorder.Dispatch("attention" + kv, p, (uint)args.Query.Rows, (uint)args.Heads, [q.Buffer, k.Buffer, v.Buffer, arena], [o.Buffer]);
            else _recorder.Dispatch("attention" + kv, p, (uint)args.Query.Rows, (uint)args.Heads, [q.Buffer, k.Buffer, v.Buffer, arena], [o.Buffer, recorded.Buffer]);
        }
    }

    private const int GemvKernel = 0;
    private const int LinearKernel = 1;
    private const int GatherKernel = 2;
    private static readonly string[] Kernels = ["gemv", "linear", "gather"];
    private static readonly TensorDType[] WeightTypes = [TensorDType.Float32, TensorDType.Float16, TensorDType.BFloat16, TensorDType.Int8];
    private static readonly string[] WeightSuffixes = ["f32", "f16", "bf16", "i8"];

    // Every (kernel, weight type, half arithmetic, float16 output) name, built once: recording an op (hundreds per
    // decoder step) allocates no strings. Names without a SPIR-V build are never dispatched.
    private static readonly string[] ShaderNames =
        [.. from kernel in Kernels from suffix in WeightSuffixes from half in new[] { "", "_half" } from output in new[] { "", "_o16" }
            select $"{kernel}_{suffix}{half}{output}"];

    private static string ShaderName(int kernel, TensorDType dtype, bool half, bool float16Output)
    {
        var type = Array.IndexOf(WeightTypes, dtype);
        if (type < 0) throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown dtype");
        return ShaderNames[((kernel * WeightTypes.Length + type) * 2 + (half ? 1 : 0)) * 2 + (float16Output ? 1 : 0)];
    }
}
