using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Hark.Engines.Backends;

namespace Hark.Engines.Cpu;

/// <summary>
/// Multi-head attention on the CPU, two ways. Long non-causal query blocks (the encoder) run as two GEMMs per
/// (head, block of 96 queries) with the scores kept in the worker's scratch: Kₕ and Vₕ are packed once per call,
/// scores never reach main memory. Short queries (decoder steps, causal, recorded heads) run as dot products
/// per (sequence, head). Every output element is computed by one task in a fixed order.
/// </summary>
internal sealed unsafe class AttentionJob(WorkerScratch scratch) : ITeamJob, IDisposable
{
    private const int NR = PackedWeight.PanelWidth;

    private NativeBuffer? _packed;
    private readonly Int8AttentionJob _int8 = new();
    private int[] _kvIndex = new int[8];
    private int[] _recordHeads = new int[8];
    private bool _packing;
    private bool _gemmMode;
    private float* _q;
    private byte* _k;
    private byte* _v;
    private bool _halfKv;
    private float* _o;
    private float* _recorded;
    private int _recordStride;
    private int _d;
    private int _headDim;
    private int _heads;
    private int _kvStride;
    private int _kvLength;
    private int _tq;
    private int _sequences;
    private int _recordCount;
    private float _scale;
    private bool _causal;
    private int _kvPanels;
    private int _dhPanels;
    private int _qBlocks;
    private int _group;

    /// <summary>
    /// Whether the encoder's long query blocks run in int8 (<see cref="Int8AttentionJob"/>); decoder steps stay float32.
    /// </summary>
    public bool Int8 { get; set; }

    /// <summary>Whether the int8 path uses the native 512-bit VPDPBUSD kernel for whole tiles.</summary>
    public bool WideInt8
    {
        get => _int8.Wide;
        init => _int8.Wide = value;
    }

    public void Run(ThreadTeam team, in AttentionArgs args, CpuTensor q, CpuTensor k, CpuTensor v, CpuTensor o, CpuTensor? recorded)
    {
        _d = q.Columns;
        _heads = args.Heads;
        _headDim = _d / _heads;
        _q = q.Row(args.Query.RowOffset);
        _o = o.Row(args.Output.RowOffset);
        _k = k.Bytes;
        _v = v.Bytes;
        _halfKv = k.DType == TensorDType.Float16;
        _kvStride = args.KvStride;
        _kvLength = args.KvLength;
        _tq = args.QueriesPerSequence;
        _sequences = args.KvIndex.Length;
        _scale = args.Scale;
        _causal = args.Causal;
        _recordCount = args.RecordHeads.Length;
        if (_kvIndex.Length < _sequences) _kvIndex = new int[Math.Max(_sequences, 2 * _kvIndex.Length)];
        args.KvIndex.CopyTo(_kvIndex);
        if (_recordHeads.Length < _recordCount) _recordHeads = new int[_recordCount];
        args.RecordHeads.CopyTo(_recordHeads);
        _gemmMode = _sequences == 1 && !_causal && _tq >= 32 && !_halfKv;
        _recorded = recorded is null ? null : recorded.Row(args.Recorded.RowOffset);
        _recordStride = recorded?.Columns ?? 0;
        if (_gemmMode && Int8 && Int8AttentionJob.Supports(_headDim))
            _int8.Run(team, scratch, _q, (float*)_k + _kvIndex[0] * (long)_kvStride * _d, (float*)_v + _kvIndex[0] * (long)_kvStride * _d, _o, _d, _heads, _tq, _kvLength, _scale);
        else if (_gemmMode) RunGemm(team);
        else if (_tq == 1 && _headDim == 64 && Avx512F.IsSupported && Vector512.IsHardwareAccelerated)
        {
            // Decoder steps: heads in groups (HeadGroupAttention), K/V rows read as contiguous runs.
            _group = HeadGroupAttention.GroupSize(_heads, _sequences, team.Size);
            scratch.EnsureAttention((long)_group * _kvLength);
            team.Run(this, _sequences * (_heads / _group));
            _group = 0;
        }
        else
        {
            scratch.EnsureAttention(_kvLength);
            team.Run(this, _sequences * _heads);
        }
        _recorded = null;
    }

    private void RunGemm(ThreadTeam team)
    {
        _kvPanels = (_kvLength + NR - 1) / NR;
        _dhPanels = (_headDim + NR - 1) / NR;
        long perHead = (long)_kvPanels * NR * _headDim + (long)_dhPanels * NR * _kvLength;
        if (_packed is null || _packed.ByteSize < perHead * _heads * sizeof(float))
        {
            _packed?.Dispose();
            _packed = new NativeBuffer(perHead * _heads * sizeof(float));
        }
        scratch.EnsureAttention((long)GemmKernels.MC * (_kvPanels + _dhPanels) * NR);
        _qBlocks = (_tq + GemmKernels.MC - 1) / GemmKernels.MC;
        _packing = true;
        team.Run(this, 2 * _heads);
        _packing = false;
        team.Run(this, _heads * _qBlocks);
    }

    private float* PackedK(int head) => (float*)_packed!.Pointer + head * ((long)_kvPanels * NR * _headDim + (long)_dhPanels * NR * _kvLength);

    private float* PackedV(int head) => PackedK(head) + (long)_kvPanels * NR * _headDim;

    public void Execute(int task, int worker)
    {
        if (_group > 0) ExecuteGroup(task % _sequences, task / _sequences, worker); // group-major, as below
        else if (!_gemmMode) ExecuteDot(task % _sequences, task / _sequences, worker); // head-major: beams of a window share K/V in cache
        else if (_packing) ExecutePack(task);
        else ExecuteBlock(task / _qBlocks, task % _qBlocks, worker);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ExecutePack(int task)
    {
        var head = task >> 1;
        var entry = _kvIndex[0] * (long)_kvStride * _d;
        if ((task & 1) == 0) WeightPacking.PackStrided((float*)_k + entry + head * _headDim, _d, 1, _kvLength, _headDim, PackedK(head));
        else WeightPacking.PackStrided((float*)_v + entry + head * _headDim, 1, _d, _headDim, _kvLength, PackedV(head));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ExecuteBlock(int head, int block, int worker)
    {
        var m0 = block * GemmKernels.MC;
        var rows = Math.Min(GemmKernels.MC, _tq - m0);
        var ldScores = _kvPanels * NR;
        var ldOut = _dhPanels * NR;
        var scores = scratch.Attention(worker, 0);
        var output = scores + (long)GemmKernels.MC * ldScores;
        GemmKernels.Block<Float32Loader>(_q + (long)m0 * _d + head * _headDim, _d, rows, (byte*)PackedK(head),
            (long)NR * _headDim * sizeof(float), _kvPanels, _headDim, scores, ldScores);
        var recordSlot = Array.IndexOf(_recordHeads, head, 0, _recordCount);
        for (var r = 0; r < rows; r++)
        {
            var probabilities = new Span<float>(scores + (long)r * ldScores, _kvLength);
            CpuMath.ScaledSoftmax(probabilities, _scale);
            Record(recordSlot, 0, m0 + r, probabilities); // word timestamps' alignment pass: many queries at once
        }
        GemmKernels.Block<Float32Loader>(scores, ldScores, rows, (byte*)PackedV(head),
            (long)NR * _kvLength * sizeof(float), _dhPanels, _kvLength, output, ldOut);
        for (var r = 0; r < rows; r++)
            new ReadOnlySpan<float>(output + (long)r * ldOut, _headDim).CopyTo(new Span<float>(_o + (long)(m0 + r) * _d + head * _headDim, _headDim));
    }

    private void ExecuteGroup(int sequence, int groupIndex, int worker)
    {
        var head = groupIndex * _group;
        var scores = scratch.Attention(worker, 0);
        var first = (long)_kvIndex[sequence] * _kvStride * _d + head * _headDim;
        var q = _q + (long)sequence * _d + head * _headDim;
        var o = _o + (long)sequence * _d + head * _headDim;
        if (_halfKv) HeadGroupAttention.Run<Float16Loader>(q, _k + first * 2, _v + first * 2, (long)_d * 2, _kvLength, _group, _scale, scores, o);
        else HeadGroupAttention.Run<Float32Loader>(q, _k + first * 4, _v + first * 4, (long)_d * 4, _kvLength, _group, _scale, scores, o);
        for (var g = 0; g < _group; g++)
            Record(Array.IndexOf(_recordHeads, head + g, 0, _recordCount), sequence, 0, new ReadOnlySpan<float>(scores + (long)g * _kvLength, _kvLength));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ExecuteDot(int sequence, int head, int worker)
    {
        var p = new Span<float>(scratch.Attention(worker, 0), _kvLength);
        var entryRow = (long)_kvIndex[sequence] * _kvStride;
        var recordSlot = Array.IndexOf(_recordHeads, head, 0, _recordCount);
        for (var t = 0; t < _tq; t++)
        {
            var row = (long)sequence * _tq + t;
            var q = _q + row * _d + head * _headDim;
            var visible = _causal ? _kvLength - _tq + t + 1 : _kvLength;
            var first = entryRow * _d + head * _headDim;
            if (_headDim == 64 && Avx512F.IsSupported && Vector512.IsHardwareAccelerated)
            {
                // Whisper's head width: q and the output stay in registers across all keys (same FMAs, same order as
                // the general path below, so the same bits).
                var probabilities64 = p[..visible];
                var o64 = _o + row * _d + head * _headDim;
                if (_halfKv) Head64<Float16Loader>(q, _k + first * 2, _v + first * 2, (long)_d * 2, visible, probabilities64, o64);
                else Head64<Float32Loader>(q, _k + first * 4, _v + first * 4, (long)_d * 4, visible, probabilities64, o64);
                Record(recordSlot, sequence, t, probabilities64);
                continue;
            }
            if (_halfKv)
            {
                for (var j = 0; j < visible; j++) p[j] = CpuMath.Dot(q, (Half*)_k + first + (long)j * _d, _headDim);
            }
            else
            {
                for (var j = 0; j < visible; j++) p[j] = CpuMath.Dot(q, (float*)_k + first + (long)j * _d, _headDim);
            }
            var probabilities = p[..visible];
            CpuMath.ScaledSoftmax(probabilities, _scale);
            var o = _o + row * _d + head * _headDim;
            new Span<float>(o, _headDim).Clear();
            if (_halfKv)
            {
                for (var j = 0; j < visible; j++) CpuMath.Axpy(p[j], (Half*)_v + first + (long)j * _d, o, _headDim);
            }
            else
            {
                for (var j = 0; j < visible; j++) CpuMath.Axpy(p[j], (float*)_v + first + (long)j * _d, o, _headDim);
            }
            Record(recordSlot, sequence, t, probabilities);
        }
    }

    private void Record(int recordSlot, int sequence, int t, ReadOnlySpan<float> probabilities)
    {
        if (recordSlot < 0) return;
        var dst = new Span<float>(_recorded + (((long)recordSlot * _sequences + sequence) * _tq + t) * _recordStride, _kvLength);
        probabilities.CopyTo(dst);
        dst[probabilities.Length..].Clear();
    }

    /// <summary>Scores, softmax and weighted sum of V for one 64-wide head; <paramref name="stride"/> in bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Head64<TL>(float* q, byte* k, byte* v, long stride, int visible, Span<float> p, float* o)
        where TL : struct, IWeightLoader
    {
        var q0 = Vector512.Load(q);
        var q1 = Vector512.Load(q + 16);
        var q2 = Vector512.Load(q + 32);
        var q3 = Vector512.Load(q + 48);
        var h = 16 * TL.ElementSize;
        fixed (float* scores = p)
        {
            for (var j = 0; j < visible; j++, k += stride)
            {
                var acc = Vector512.FusedMultiplyAdd(q0, TL.Load512(k), Vector512<float>.Zero);
                acc = Vector512.FusedMultiplyAdd(q1, TL.Load512(k + h), acc);
                acc = Vector512.FusedMultiplyAdd(q2, TL.Load512(k + 2 * h), acc);
                acc = Vector512.FusedMultiplyAdd(q3, TL.Load512(k + 3 * h), acc);
                scores[j] = Vector512.Sum(acc);
            }
            CpuMath.ScaledSoftmax(p, _scale);
            Vector512<float> o0 = default, o1 = default, o2 = default, o3 = default;
            for (var j = 0; j < visible; j++, v += stride)
            {
                var a = Vector512.Create(scores[j]);
                o0 = Vector512.FusedMultiplyAdd(a, TL.Load512(v), o0);
                o1 = Vector512.FusedMultiplyAdd(a, TL.Load512(v + h), o1);
                o2 = Vector512.FusedMultiplyAdd(a, TL.Load512(v + 2 * h), o2);
                o3 = Vector512.FusedMultiplyAdd(a, TL.Load512(v + 3 * h), o3);
            }
            o0.Store(o);
            o1.Store(o + 16);
            o2.Store(o + 32);
            o3.Store(o + 48);
        }
    }

    public void Dispose()
    {
        _packed?.Dispose();
        _int8.Dispose();
    }
}
