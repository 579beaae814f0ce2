using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Hark.Engines.Cpu;

/// <summary>
/// One decoder query attending to a window, for a group of up to four adjacent 64-wide heads at once. Batched steps
/// (several windows per step) are bound by reading each window's cross-attention K/V; one head at a time reads 256 of
/// every row's bytes and comes back for the rest later, a group reads them as one contiguous run, which the hardware
/// prefetcher streams. Each head's scores, softmax and weighted sum are the same FMAs in the same order as
/// <see cref="AttentionJob"/>'s one-head kernel, so results do not change with the grouping.
/// </summary>
internal static unsafe class HeadGroupAttention
{
    /// <summary>Widest group: four heads keep 16 query and 16 output vectors in registers.</summary>
    public const int MaxGroup = 4;

    /// <summary>
    /// Heads per task for <paramref name="sequences"/> queries of <paramref name="heads"/> heads on
    /// <paramref name="threads"/> threads: the widest group that divides the heads and still shares the tasks evenly
    /// (or gives every thread at least four), so a single-window step keeps both cores busy.
    /// </summary>
    public static int GroupSize(int heads, int sequences, int threads)
    {
        for (var g = Math.Min(MaxGroup, heads); g > 1; g--)
        {
            if (heads % g != 0) continue;
            var tasks = sequences * (heads / g);
            if (tasks % threads == 0 || tasks >= 4 * threads) return g;
        }
        return 1;
    }

    /// <summary>
    /// Heads <c>[0, group)</c> starting at <paramref name="q"/>, <paramref name="k"/>, <paramref name="v"/> (rows
    /// <paramref name="stride"/> bytes apart): scores into <paramref name="scores"/> (<c>group × visible</c>), softmax
    /// scaled by <paramref name="scale"/>, weighted sum of V into <paramref name="o"/>.
    /// </summary>
    public static void Run<TL>(float* q, byte* k, byte* v, long stride, int visible, int group, float scale, float* scores, float* o)
        where TL : struct, IWeightLoader
    {
        switch (group)
        {
            case 1: Run<TL, Width1>(q, k, v, stride, visible, scale, scores, o); break;
            case 2: Run<TL, Width2>(q, k, v, stride, visible, scale, scores, o); break;
            case 3: Run<TL, Width3>(q, k, v, stride, visible, scale, scores, o); break;
            case 4: Run<TL, Width4>(q, k, v, stride, visible, scale, scores, o); break;
            default: throw new ArgumentOutOfRangeException(nameof(group), group, $"a head group holds 1..{MaxGroup} heads");
        }
    }

    // The group width is a type so the JIT compiles one loop per width without the unused heads' work.
    private interface IWidth { static abstract int Heads { get; } }
    private struct Width1 : IWidth { public static int Heads => 1; }
    private struct Width2 : IWidth { public static int Heads => 2; }
    private struct Width3 : IWidth { public static int Heads => 3; }
    private struct Width4 : IWidth { public static int Heads => 4; }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run<TL, TW>(float* q, byte* k, byte* v, long stride, int visible, float scale, float* scores, float* o)
        where TL : struct, IWeightLoader
        where TW : struct, IWidth
    {
        var group = TW.Heads;
        var h = 16 * TL.ElementSize;
        var head = 64 * TL.ElementSize;
        // Unused heads of a narrower group point at head 0; their loops are compiled out.
        var q1 = group > 1 ? q + 64 : q;
        var q2 = group > 2 ? q + 128 : q;
        var q3 = group > 3 ? q + 192 : q;
        var k1 = group > 1 ? head : 0;
        var k2 = group > 2 ? 2 * head : 0;
        var k3 = group > 3 ? 3 * head : 0;
        var s0 = scores;
        var s1 = group > 1 ? scores + visible : scores;
        var s2 = group > 2 ? scores + 2 * visible : scores;
        var s3 = group > 3 ? scores + 3 * visible : scores;
        var a00 = Vector512.Load(q); var a01 = Vector512.Load(q + 16); var a02 = Vector512.Load(q + 32); var a03 = Vector512.Load(q + 48);
        var a10 = Vector512.Load(q1); var a11 = Vector512.Load(q1 + 16); var a12 = Vector512.Load(q1 + 32); var a13 = Vector512.Load(q1 + 48);
        var a20 = Vector512.Load(q2); var a21 = Vector512.Load(q2 + 16); var a22 = Vector512.Load(q2 + 32); var a23 = Vector512.Load(q2 + 48);
        var a30 = Vector512.Load(q3); var a31 = Vector512.Load(q3 + 16); var a32 = Vector512.Load(q3 + 32); var a33 = Vector512.Load(q3 + 48);
        var row = k;
        for (var j = 0; j < visible; j++, row += stride)
        {
            s0[j] = Dot<TL>(a00, a01, a02, a03, row, h);
            if (TW.Heads > 1) s1[j] = Dot<TL>(a10, a11, a12, a13, row + k1, h);
            if (TW.Heads > 2) s2[j] = Dot<TL>(a20, a21, a22, a23, row + k2, h);
            if (TW.Heads > 3) s3[j] = Dot<TL>(a30, a31, a32, a33, row + k3, h);
        }
        for (var g = 0; g < group; g++) CpuMath.ScaledSoftmax(new Span<float>(scores + (long)g * visible, visible), scale);

        Vector512<float> o00 = default, o01 = default, o02 = default, o03 = default, o10 = default, o11 = default, o12 = default, o13 = default;
        Vector512<float> o20 = default, o21 = default, o22 = default, o23 = default, o30 = default, o31 = default, o32 = default, o33 = default;
        row = v;
        for (var j = 0; j < visible; j++, row += stride)
        {
            var p = Vector512.Create(s0[j]);
            o00 = Vector512.FusedMultiplyAdd(p, TL.Load512(row), o00);
            o01 = Vector512.FusedMultiplyAdd(p, TL.Load512(row + h), o01);
            o02 = Vector512.FusedMultiplyAdd(p, TL.Load512(row + 2 * h), o02);
            o03 = Vector512.FusedMultiplyAdd(p, TL.Load512(row + 3 * h), o03);
            if (TW.Heads == 1) continue;
            p = Vector512.Create(s1[j]);
            var r = row + k1;
            o10 = Vector512.FusedMultiplyAdd(p, TL.Load512(r), o10);
            o11 = Vector512.FusedMultiplyAdd(p, TL.Load512(r + h), o11);
            o12 = Vector512.FusedMultiplyAdd(p, TL.Load512(r + 2 * h), o12);
            o13 = Vector512.FusedMultiplyAdd(p, TL.Load512(r + 3 * h), o13);
            if (TW.Heads == 2) continue;
            p = Vector512.Create(s2[j]);
            r = row + k2;
            o20 = Vector512.FusedMultiplyAdd(p, TL.Load512(r), o20);
            o21 = Vector512.FusedMultiplyAdd(p, TL.Load512(r + h), o21);
            o22 = Vector512.FusedMultiplyAdd(p, TL.Load512(r + 2 * h), o22);
            o23 = Vector512.FusedMultiplyAdd(p, TL.Load512(r + 3 * h), o23);
            if (TW.Heads == 3) continue;
            p = Vector512.Create(s3[j]);
            r = row + k3;
            o30 = Vector512.FusedMultiplyAdd(p, TL.Load512(r), o30);
            o31 = Vector512.FusedMultiplyAdd(p, TL.Load512(r + h), o31);
            o32 = Vector512.FusedMultiplyAdd(p, TL.Load512(r + 2 * h), o32);
            o33 = Vector512.FusedMultiplyAdd(p, TL.Load512(r + 3 * h), o33);
        }
        Store(o, o00, o01, o02, o03);
        if (TW.Heads > 1) Store(o + 64, o10, o11, o12, o13);
        if (TW.Heads > 2) Store(o + 128, o20, o21, o22, o23);
        if (TW.Heads > 3) Store(o + 192, o30, o31, o32, o33);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Dot<TL>(Vector512<float> q0, Vector512<float> q1, Vector512<float> q2, Vector512<float> q3, byte* k, int h)
        where TL : struct, IWeightLoader
    {
        var acc = Vector512.FusedMultiplyAdd(q0, TL.Load512(k), Vector512<float>.Zero);
        acc = Vector512.FusedMultiplyAdd(q1, TL.Load512(k + h), acc);
        acc = Vector512.FusedMultiplyAdd(q2, TL.Load512(k + 2 * h), acc);
        acc = Vector512.FusedMultiplyAdd(q3, TL.Load512(k + 3 * h), acc);
        return Vector512.Sum(acc);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* o, Vector512<float> a, Vector512<float> b, Vector512<float> c, Vector512<float> d)
    {
        a.Store(o);
        b.Store(o + 16);
        c.Store(o + 32);
        d.Store(o + 48);
    }
}
