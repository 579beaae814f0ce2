using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Hark.Engines.Cpu;

/// <summary>
/// The encoder's attention (one sequence, not causal, float32 Q/K/V) on VPDPBUSD: both products in int8 with int32
/// sums. Per head, keys are quantised per key (symmetric, <c>s_k = max|k|/127</c>) and values per channel
/// (<c>s_v = max_j |v_j|/127</c>), once per call; each query row per head. Scores
/// <c>(Σ (q+128)·k − 128·Σk)·s_q·s_k</c> are exact up to the quantisation of q and k. The softmax numerators
/// <c>e_j = exp(scale·(s_j − max))</c> ∈ (0, 1] are rounded to unsigned bytes <c>round(255·e_j)</c> (the largest is
/// exactly 255, so no zero point is needed) and normalised by their own integer sum, so the weights sum to exactly 1:
/// <c>o = s_v · Σ_j ê_j·v̂_j / Σ_j ê_j</c>.
/// </summary>
/// <remarks>
/// Error per output (stated and tested in <c>Int8AttentionTests</c>): with <c>Ê = Σ ê_j / 255 ≥ 1</c>,
/// <c>|Δo_d| ≤ max_j|v_jd| · T / (255·Ê) + s_v,d / 2</c> from the probabilities (each off by at most 1/510 before
/// normalisation, plus the exponential's 2.5e-6 relative error) and the values, plus the score error carried through the softmax. The bound is loose when the
/// attention is peaked over a long tail (Ê near 1); on spread-out attention (Ê large) it shrinks like 1/Ê.
/// </remarks>
internal sealed unsafe class Int8AttentionJob : ITeamJob, IDisposable
{
    private const int NR = PackedWeight.PanelWidth;
    private const int Quad = PackedWeight.Int8Group;

    /// <summary>
    /// Queries per task, a multiple of the 4-row tile: 48 keeps a task's scores (48 × T int32) and bytes well inside L2
    /// (24, 48 and 96 measured alike on tiny here).
    /// </summary>
    private const int QueryBlock = 48;

    private NativeBuffer? _keys;
    private NativeBuffer? _values;
    private NativeBuffer? _keyFactors;
    private NativeBuffer? _valueScales;
    private NativeBuffer? _zeros;
    private NativeBuffer?[] _workerBytes = [];
    private float* _q;
    private float* _k;
    private float* _v;
    private float* _o;
    private int _d;
    private int _headDim;
    private int _heads;
    private int _t;
    private int _queries;
    private float _scale;
    private bool _packing;
    private int _kvPanels;
    private int _dhPanels;
    private int _dhPad;
    private int _kvPad;
    private int _qBlocks;
    private WorkerScratch _scratch = null!;

    /// <summary>Whether whole 6-row tiles go to the native 512-bit VPDPBUSD kernel (same exact sums).</summary>
    public bool Wide { get; set; }

    /// <summary>Whether this path handles a head width (whole 8-lane chunks, so values pack without tails).</summary>
    public static bool Supports(int headDim) => headDim % 8 == 0;

    /// <summary>
    /// Attention of <paramref name="queries"/> rows over <paramref name="t"/> keys and values, rows <paramref name="d"/>
    /// floats apart (heads side by side), into <paramref name="o"/>.
    /// </summary>
    public void Run(ThreadTeam team, WorkerScratch scratch, float* q, float* k, float* v, float* o, int d, int heads, int queries, int t, float scale)
    {
        _scratch = scratch;
        _q = q;
        _k = k;
        _v = v;
        _o = o;
        _d = d;
        _heads = heads;
        _headDim = d / heads;
        _t = t;
        _queries = queries;
        _scale = scale;
        _kvPanels = (t + NR - 1) / NR;
        _dhPanels = (_headDim + NR - 1) / NR;
        _dhPad = (_headDim + Quad - 1) / Quad * Quad;
        _kvPad = (t + Quad - 1) / Quad * Quad;
        Ensure(ref _keys, (long)heads * _kvPanels * NR * _dhPad);
        Ensure(ref _values, (long)heads * _dhPanels * NR * _kvPad);
        Ensure(ref _keyFactors, (long)heads * _kvPanels * NR * 2 * sizeof(float));
        Ensure(ref _valueScales, (long)heads * _dhPanels * NR * sizeof(float));
        Ensure(ref _zeros, (long)_dhPanels * NR * sizeof(int));
        scratch.EnsureAttention((long)QueryBlock * (_kvPanels + _dhPanels) * NR);
        if (_workerBytes.Length < team.Size) Array.Resize(ref _workerBytes, team.Size);
        for (var w = 0; w < team.Size; w++) Ensure(ref _workerBytes[w], WorkerBytes());
        _qBlocks = (queries + QueryBlock - 1) / QueryBlock;
        _packing = true;
        team.Run(this, 2 * heads);
        _packing = false;
        team.Run(this, heads * _qBlocks);
        _q = _k = _v = _o = null;
    }

    /// <summary>Per worker: quantised queries, query scales, probability bytes, probability row scales.</summary>
    private long WorkerBytes() => (long)QueryBlock * (_dhPad + 2 * sizeof(float) + _kvPad);

    private static void Ensure(ref NativeBuffer? buffer, long bytes)
    {
        if (buffer is not null && buffer.ByteSize >= bytes) return;
        buffer?.Dispose();
        buffer = new NativeBuffer(bytes);
    }

    public void Execute(int task, int worker)
    {
        if (!_packing) Block(task / _qBlocks, task % _qBlocks, worker);
        else if ((task & 1) == 0) PackKeys(task >> 1);
        else PackValues(task >> 1);
    }

    private byte* KeyPanels(int head) => _keys!.Pointer + (long)head * _kvPanels * NR * _dhPad;

    /// <summary>Per key: <c>s_k·scale</c> (float), then per key <c>128·Σq_k</c> (int).</summary>
    private float* KeyFactors(int head) => (float*)_keyFactors!.Pointer + (long)head * _kvPanels * NR * 2;

    private byte* ValuePanels(int head) => _values!.Pointer + (long)head * _dhPanels * NR * _kvPad;

    private float* ValueScales(int head) => (float*)_valueScales!.Pointer + (long)head * _dhPanels * NR;

    /// <summary>Keys of one head into k-quad-major panels of 32 keys, one scale and one sum per key.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void PackKeys(int head)
    {
        var panels = KeyPanels(head);
        var factors = KeyFactors(head);
        var biases = (int*)(factors + _kvPanels * NR);
        var panelBytes = (long)NR * _dhPad;
        var row = stackalloc sbyte[_dhPad + 64];
        for (var j = 0; j < _t; j++)
        {
            var scale = ActivationQuantizer.ToSignedBytes(_k + (long)j * _d + head * _headDim, _headDim, _dhPad, row);
            var sum = 0;
            for (var i = 0; i < _dhPad; i++) sum += row[i];
            var dst = panels + j / NR * panelBytes + j % NR * Quad;
            for (var g = 0; g < _dhPad / Quad; g++) *(int*)(dst + g * Quad * NR) = ((int*)row)[g];
            factors[j] = scale * _scale;
            biases[j] = 128 * sum;
        }
    }

    /// <summary>
    /// Values of one head, transposed into k-quad-major panels of 32 channels over the keys, one scale per channel:
    /// four keys' bytes of a channel share one 32-bit lane, built with shifts from four rows of 8 channels.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void PackValues(int head)
    {
        var panels = ValuePanels(head);
        var scales = ValueScales(head);
        var v = _v + head * _headDim;
        var chunks = _headDim / 8;
        var inverse = stackalloc float[_headDim];
        for (var c = 0; c < chunks; c++)
        {
            var max = Vector256<float>.Zero;
            for (var j = 0; j < _t; j++) max = Vector256.MaxNative(max, Vector256.Abs(Vector256.Load(v + (long)j * _d + c * 8)));
            (max / 127f).Store(scales + c * 8);
            Vector256.ConditionalSelect(Vector256.Equals(max, Vector256<float>.Zero), Vector256<float>.Zero, Vector256.Create(127f) / max).Store(inverse + c * 8);
        }
        var panelBytes = (long)NR * _kvPad;
        var lo = Vector256.Create(-127);
        var hi = Vector256.Create(127);
        var mask = Vector256.Create(0xFF);
        for (var g = 0; g < _kvPad / Quad; g++)
        {
            for (var c = 0; c < chunks; c++)
            {
                var inv = Vector256.Load(inverse + c * 8);
                var packed = Vector256<int>.Zero;
                for (var r = 0; r < Quad; r++)
                {
                    var j = g * Quad + r;
                    if (j >= _t) break;
                    var q = Vector256.ClampNative(Vector256.ConvertToInt32Native(Vector256.Round(Vector256.Load(v + (long)j * _d + c * 8) * inv)), lo, hi);
                    packed |= (q & mask) << (8 * r);
                }
                packed.Store((int*)(panels + c * 8 / NR * panelBytes + (long)g * Quad * NR + c * 8 % NR * Quad));
            }
        }
    }

    /// <summary>One head × up to <see cref="QueryBlock"/> queries: scores, byte probabilities, weighted values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Block(int head, int block, int worker)
    {
        var m0 = block * QueryBlock;
        var rows = Math.Min(QueryBlock, _queries - m0);
        var ldScores = _kvPanels * NR;
        var ldOut = _dhPanels * NR;
        var scores = _scratch.Attention(worker, 0);
        var output = scores + (long)QueryBlock * ldScores;
        var bytes = _workerBytes[worker]!.Pointer;
        var qScales = (float*)bytes;
        var pScales = qScales + QueryBlock;
        var qBytes = (byte*)(pScales + QueryBlock);
        var pBytes = qBytes + (long)QueryBlock * _dhPad;
        for (var r = 0; r < rows; r++)
            qScales[r] = ActivationQuantizer.ToUnsignedBytes(_q + (long)(m0 + r) * _d + head * _headDim, _headDim, _dhPad, qBytes + (long)r * _dhPad);
        var factors = KeyFactors(head);
        VnniGemm.PanelBlock(qBytes, _dhPad, qScales, rows, KeyPanels(head), (long)NR * _dhPad, _dhPad, (int*)(factors + ldScores), _kvPanels, scores, ldScores, Wide, raw: true);
        for (var r = 0; r < rows; r++)
            pScales[r] = 1f / SoftmaxToBytes((int*)scores + (long)r * ldScores, factors, (int*)(factors + ldScores), qScales[r], _t, _kvPad, pBytes + (long)r * _kvPad);
        VnniGemm.PanelBlock(pBytes, _kvPad, pScales, rows, ValuePanels(head), (long)NR * _kvPad, _kvPad, (int*)_zeros!.Pointer, _dhPanels, output, ldOut, Wide);
        var vScales = ValueScales(head);
        for (var r = 0; r < rows; r++)
        {
            var src = output + (long)r * ldOut;
            var dst = _o + (long)(m0 + r) * _d + head * _headDim;
            for (var c = 0; c < _headDim; c += 8) (Vector256.Load(src + c) * Vector256.Load(vScales + c)).Store(dst + c);
        }
    }

    /// <summary>
    /// One row of raw int32 scores to softmax numerators as bytes: <c>s_j = (acc_j − bias_j)·factor_j·rowScale</c>,
    /// <c>ê_j = round(255·exp(s_j − max))</c>, zero past <paramref name="t"/> up to <paramref name="padded"/>.
    /// Returns <c>Σ ê_j</c> (≥ 255: the largest score gives exactly 255).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static float SoftmaxToBytes(int* acc, float* factors, int* biases, float rowScale, int t, int padded, byte* destination)
    {
        var s = (float*)acc;
        var j = 0;
        var max = float.NegativeInfinity;
        if (Vector512.IsHardwareAccelerated)
        {
            var rs = Vector512.Create(rowScale);
            var m = Vector512.Create(float.NegativeInfinity);
            for (; j + 16 <= t; j += 16)
            {
                var x = Vector512.ConvertToSingle(Vector512.Load(acc + j) - Vector512.Load(biases + j)) * Vector512.Load(factors + j) * rs;
                x.Store(s + j);
                m = Vector512.MaxNative(m, x);
            }
            max = Vector512.Max(m, Vector512.Create(max)).ToScalar();
            for (var i = 1; i < 16; i++) max = MathF.Max(max, m.GetElement(i));
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var rs = Vector256.Create(rowScale);
            var m = Vector256.Create(float.NegativeInfinity);
            for (; j + 8 <= t; j += 8)
            {
                var x = Vector256.ConvertToSingle(Vector256.Load(acc + j) - Vector256.Load(biases + j)) * Vector256.Load(factors + j) * rs;
                x.Store(s + j);
                m = Vector256.MaxNative(m, x);
            }
            for (var i = 0; i < 8; i++) max = MathF.Max(max, m.GetElement(i));
        }
        for (; j < t; j++)
        {
            s[j] = (acc[j] - biases[j]) * factors[j] * rowScale;
            max = MathF.Max(max, s[j]);
        }
        j = 0;
        var total = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var offset = Vector512.Create(-max);
            var sum = Vector512<int>.Zero;
            for (; j + 64 <= t; j += 64)
            {
                var e0 = Quantize(s + j, offset);
                var e1 = Quantize(s + j + 16, offset);
                var e2 = Quantize(s + j + 32, offset);
                var e3 = Quantize(s + j + 48, offset);
                sum += (e0 + e1) + (e2 + e3);
                Vector512.Narrow(Vector512.Narrow(e0, e1), Vector512.Narrow(e2, e3)).AsByte().Store(destination + j);
            }
            total = Vector512.Sum(sum);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var offset = Vector256.Create(-max);
            var sum = Vector256<int>.Zero;
            for (; j + 32 <= t; j += 32)
            {
                var e0 = Quantize(s + j, offset);
                var e1 = Quantize(s + j + 8, offset);
                var e2 = Quantize(s + j + 16, offset);
                var e3 = Quantize(s + j + 24, offset);
                sum += (e0 + e1) + (e2 + e3);
                Vector256.Narrow(Vector256.Narrow(e0, e1), Vector256.Narrow(e2, e3)).AsByte().Store(destination + j);
            }
            total = Vector256.Sum(sum);
        }
        for (; j < t; j++)
        {
            var e = ScalarByte(s[j] - max);
            destination[j] = (byte)e;
            total += e;
        }
        for (; j < padded; j++) destination[j] = 0;
        return total;
    }

    // 255·e^x = 2^(x·log2 e + log2 255) = 2^n · 2^f, n = round, |f| ≤ ½: 2^f = e^r, r = f·ln 2, |r| ≤ 0.347, by its
    // degree-5 Taylor polynomial (relative error ≤ r⁶/720 < 2.5e-6, far below the byte's ½ step). x is clamped at
    // −20 (255·e^−20 ≈ 5e-7 rounds to 0), so 2ⁿ stays a normal float; no NaN or −0 care is needed (MaxNative).
    private const float Log2E = 1.44269504088896341f, Log2Of255 = 7.99435343685885793f, Ln2 = 0.693147180559945309f;

    /// <summary>The vector formula for one value (tails), so a value's byte does not depend on its position.</summary>
    private static int ScalarByte(float x)
    {
        var t = MathF.FusedMultiplyAdd(MathF.Max(x, -20f), Log2E, Log2Of255);
        var n = MathF.Round(t);
        var r = (t - n) * Ln2;
        var p = MathF.FusedMultiplyAdd(r, 1f / 120, 1f / 24);
        p = MathF.FusedMultiplyAdd(p, r, 1f / 6);
        p = MathF.FusedMultiplyAdd(p, r, 0.5f);
        p = MathF.FusedMultiplyAdd(p, r, 1f);
        p = MathF.FusedMultiplyAdd(p, r, 1f);
        return (int)MathF.Round(p * BitConverter.Int32BitsToSingle(((int)n + 127) << 23));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> Quantize(float* s, Vector512<float> offset)
    {
        var x = Vector512.MaxNative(Vector512.Load(s) + offset, Vector512.Create(-20f));
        var t = Vector512.FusedMultiplyAdd(x, Vector512.Create(Log2E), Vector512.Create(Log2Of255));
        var n = Vector512.Round(t);
        var r = (t - n) * Ln2;
        var p = Vector512.FusedMultiplyAdd(r, Vector512.Create(1f / 120), Vector512.Create(1f / 24));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1f / 6));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(0.5f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512<float>.One);
        p = Vector512.FusedMultiplyAdd(p, r, Vector512<float>.One);
        var scale = ((Vector512.ConvertToInt32Native(n) + Vector512.Create(127)) << 23).AsSingle();
        return Vector512.ConvertToInt32Native(Vector512.Round(p * scale)); // the conversion truncates
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Quantize(float* s, Vector256<float> offset)
    {
        var x = Vector256.MaxNative(Vector256.Load(s) + offset, Vector256.Create(-20f));
        var t = Vector256.FusedMultiplyAdd(x, Vector256.Create(Log2E), Vector256.Create(Log2Of255));
        var n = Vector256.Round(t);
        var r = (t - n) * Ln2;
        var p = Vector256.FusedMultiplyAdd(r, Vector256.Create(1f / 120), Vector256.Create(1f / 24));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1f / 6));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(0.5f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256<float>.One);
        p = Vector256.FusedMultiplyAdd(p, r, Vector256<float>.One);
        var scale = ((Vector256.ConvertToInt32Native(n) + Vector256.Create(127)) << 23).AsSingle();
        return Vector256.ConvertToInt32Native(Vector256.Round(p * scale));
    }

    public void Dispose()
    {
        _keys?.Dispose();
        _values?.Dispose();
        _keyFactors?.Dispose();
        _valueScales?.Dispose();
        _zeros?.Dispose();
        foreach (var b in _workerBytes) b?.Dispose();
    }
}
