using System.Runtime.CompilerServices;
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

    public void Run(ThreadTeam team, in AttentionArgs args, CpuTensor q, CpuTensor k, CpuTensor v, CpuTensor o)
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
        _gemmMode = _sequences == 1 && !_causal && _recordCount == 0 && _tq >= 32 && !_halfKv;
        fixed (float* recorded = args.Recorded)
        {
            _recorded = recorded;
            if (_gemmMode) RunGemm(team);
            else
            {
                scratch.EnsureAttention(_kvLength);
                team.Run(this, _sequences * _heads);
            }
            _recorded = null;
        }
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
        if (!_gemmMode) ExecuteDot(task % _sequences, task / _sequences, worker); // head-major: beams of a window share K/V in cache
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
        for (var r = 0; r < rows; r++) CpuMath.ScaledSoftmax(new Span<float>(scores + (long)r * ldScores, _kvLength), _scale);
        GemmKernels.Block<Float32Loader>(scores, ldScores, rows, (byte*)PackedV(head),
            (long)NR * _kvLength * sizeof(float), _dhPanels, _kvLength, output, ldOut);
        for (var r = 0; r < rows; r++)
            new ReadOnlySpan<float>(output + (long)r * ldOut, _headDim).CopyTo(new Span<float>(_o + (long)(m0 + r) * _d + head * _headDim, _headDim));
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
            if (recordSlot >= 0)
            {
                var dst = new Span<float>(_recorded + (((long)recordSlot * _sequences + sequence) * _tq + t) * _kvLength, _kvLength);
                probabilities.CopyTo(dst);
                dst[visible..].Clear();
            }
        }
    }

    public void Dispose() => _packed?.Dispose();
}
