using System.Numerics;

namespace Hark.Audio;

/// <summary>
/// Forward complex FFT of one size (factors 2, 3, 4, 5 only; Whisper's 400 = 4·4·5·5) on
/// <see cref="Vector{T}"/> lanes: every lane is an independent transform, so <c>Vector&lt;double&gt;.Count</c>
/// transforms run at the price of one. Mixed-radix Stockham autosort (no bit reversal), float64 throughout.
/// One instance per thread: it owns its scratch.
/// </summary>
internal sealed class LaneFft
{
    private readonly int _n;
    private readonly (int Radix, int Length, int Stride, double[] Cos, double[] Sin)[] _stages;
    private readonly Vector<double>[] _scratchRe, _scratchIm;

    public LaneFft(int n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        _n = n;
        var stages = new List<(int, int, int, double[], double[])>();
        int length = n, stride = 1;
        while (length > 1)
        {
            var radix = length % 4 == 0 ? 4 : length % 2 == 0 ? 2 : length % 3 == 0 ? 3 : length % 5 == 0 ? 5
                : throw new ArgumentException($"FFT size {n} has a prime factor other than 2, 3, 5", nameof(n));
            var m = length / radix;
            var cos = new double[m * radix];
            var sin = new double[m * radix];
            for (var p = 0; p < m; p++)
            {
                for (var k = 0; k < radix; k++)
                {
                    var angle = -2 * Math.PI * ((long)p * k % length) / length;
                    cos[p * radix + k] = Math.Cos(angle);
                    sin[p * radix + k] = Math.Sin(angle);
                }
            }
            stages.Add((radix, length, stride, cos, sin));
            length = m;
            stride *= radix;
        }
        _stages = [.. stages];
        _scratchRe = new Vector<double>[n];
        _scratchIm = new Vector<double>[n];
    }

    /// <summary>Transforms <paramref name="re"/>/<paramref name="im"/> (length n) in place.</summary>
    public void Forward(Span<Vector<double>> re, Span<Vector<double>> im)
    {
        Span<Vector<double>> xr = re, xi = im, yr = _scratchRe, yi = _scratchIm;
        foreach (var (radix, length, stride, cos, sin) in _stages)
        {
            var m = length / radix;
            switch (radix)
            {
                case 4: Radix4(m, stride, cos, sin, xr, xi, yr, yi); break;
                case 2: Radix2(m, stride, cos, sin, xr, xi, yr, yi); break;
                case 3: Radix3(m, stride, cos, sin, xr, xi, yr, yi); break;
                default: Radix5(m, stride, cos, sin, xr, xi, yr, yi); break;
            }
            var tr = xr;
            var ti = xi;
            xr = yr;
            xi = yi;
            yr = tr;
            yi = ti;
        }
        if (_stages.Length % 2 == 1)
        {
            xr[.._n].CopyTo(re);
            xi[.._n].CopyTo(im);
        }
    }

    // Stage of a Stockham DIF step: inputs x[q + s(p + j m)], outputs y[q + s(r p + k)] = w^(k p) · DFT_r(a)[k].
    private static void Store(Span<Vector<double>> yr, Span<Vector<double>> yi, int index, Vector<double> br, Vector<double> bi, double c, double s)
    {
        yr[index] = br * c - bi * s;
        yi[index] = br * s + bi * c;
    }

    private static void Radix2(int m, int s, double[] cos, double[] sin, Span<Vector<double>> xr, Span<Vector<double>> xi, Span<Vector<double>> yr, Span<Vector<double>> yi)
    {
        for (var p = 0; p < m; p++)
        {
            double c1 = cos[p * 2 + 1], s1 = sin[p * 2 + 1];
            for (var q = 0; q < s; q++)
            {
                int i0 = q + s * p, i1 = i0 + s * m, o = q + s * 2 * p;
                var (ar, ai, br, bi) = (xr[i0], xi[i0], xr[i1], xi[i1]);
                yr[o] = ar + br;
                yi[o] = ai + bi;
                Store(yr, yi, o + s, ar - br, ai - bi, c1, s1);
            }
        }
    }

    private static void Radix3(int m, int s, double[] cos, double[] sin, Span<Vector<double>> xr, Span<Vector<double>> xi, Span<Vector<double>> yr, Span<Vector<double>> yi)
    {
        var sn = Math.Sin(2 * Math.PI / 3);
        for (var p = 0; p < m; p++)
        {
            for (var q = 0; q < s; q++)
            {
                int i0 = q + s * p, i1 = i0 + s * m, i2 = i1 + s * m, o = q + s * 3 * p;
                Vector<double> t1r = xr[i1] + xr[i2], t1i = xi[i1] + xi[i2], t2r = xr[i1] - xr[i2], t2i = xi[i1] - xi[i2];
                yr[o] = xr[i0] + t1r;
                yi[o] = xi[i0] + t1i;
                Vector<double> mr = xr[i0] - 0.5 * t1r, mi = xi[i0] - 0.5 * t1i, vr = sn * t2r, vi = sn * t2i;
                Store(yr, yi, o + s, mr + vi, mi - vr, cos[p * 3 + 1], sin[p * 3 + 1]);
                Store(yr, yi, o + 2 * s, mr - vi, mi + vr, cos[p * 3 + 2], sin[p * 3 + 2]);
            }
        }
    }

    private static void Radix4(int m, int s, double[] cos, double[] sin, Span<Vector<double>> xr, Span<Vector<double>> xi, Span<Vector<double>> yr, Span<Vector<double>> yi)
    {
        for (var p = 0; p < m; p++)
        {
            double c1 = cos[p * 4 + 1], s1 = sin[p * 4 + 1], c2 = cos[p * 4 + 2], s2 = sin[p * 4 + 2], c3 = cos[p * 4 + 3], s3 = sin[p * 4 + 3];
            for (var q = 0; q < s; q++)
            {
                int i0 = q + s * p, i1 = i0 + s * m, i2 = i1 + s * m, i3 = i2 + s * m, o = q + s * 4 * p;
                Vector<double> t0r = xr[i0] + xr[i2], t0i = xi[i0] + xi[i2], t1r = xr[i0] - xr[i2], t1i = xi[i0] - xi[i2];
                Vector<double> t2r = xr[i1] + xr[i3], t2i = xi[i1] + xi[i3];
                // (a1 - a3)·(-i)
                Vector<double> t3r = xi[i1] - xi[i3], t3i = xr[i3] - xr[i1];
                yr[o] = t0r + t2r;
                yi[o] = t0i + t2i;
                Store(yr, yi, o + s, t1r + t3r, t1i + t3i, c1, s1);
                Store(yr, yi, o + 2 * s, t0r - t2r, t0i - t2i, c2, s2);
                Store(yr, yi, o + 3 * s, t1r - t3r, t1i - t3i, c3, s3);
            }
        }
    }

    private static void Radix5(int m, int s, double[] cos, double[] sin, Span<Vector<double>> xr, Span<Vector<double>> xi, Span<Vector<double>> yr, Span<Vector<double>> yi)
    {
        double c1 = Math.Cos(2 * Math.PI / 5), c2 = Math.Cos(4 * Math.PI / 5), s1 = Math.Sin(2 * Math.PI / 5), s2 = Math.Sin(4 * Math.PI / 5);
        for (var p = 0; p < m; p++)
        {
            for (var q = 0; q < s; q++)
            {
                int i0 = q + s * p, i1 = i0 + s * m, i2 = i1 + s * m, i3 = i2 + s * m, i4 = i3 + s * m, o = q + s * 5 * p;
                Vector<double> a0r = xr[i0], a0i = xi[i0];
                Vector<double> t1r = xr[i1] + xr[i4], t1i = xi[i1] + xi[i4], t3r = xr[i1] - xr[i4], t3i = xi[i1] - xi[i4];
                Vector<double> t2r = xr[i2] + xr[i3], t2i = xi[i2] + xi[i3], t4r = xr[i2] - xr[i3], t4i = xi[i2] - xi[i3];
                yr[o] = a0r + t1r + t2r;
                yi[o] = a0i + t1i + t2i;
                Vector<double> m1r = a0r + c1 * t1r + c2 * t2r, m1i = a0i + c1 * t1i + c2 * t2i;
                Vector<double> m2r = a0r + c2 * t1r + c1 * t2r, m2i = a0i + c2 * t1i + c1 * t2i;
                Vector<double> v1r = s1 * t3r + s2 * t4r, v1i = s1 * t3i + s2 * t4i; // b1,b4 = m1 ∓ i·v1
                Vector<double> v2r = s2 * t3r - s1 * t4r, v2i = s2 * t3i - s1 * t4i; // b2,b3 = m2 ∓ i·v2
                Store(yr, yi, o + s, m1r + v1i, m1i - v1r, cos[p * 5 + 1], sin[p * 5 + 1]);
                Store(yr, yi, o + 2 * s, m2r + v2i, m2i - v2r, cos[p * 5 + 2], sin[p * 5 + 2]);
                Store(yr, yi, o + 3 * s, m2r - v2i, m2i + v2r, cos[p * 5 + 3], sin[p * 5 + 3]);
                Store(yr, yi, o + 4 * s, m1r - v1i, m1i + v1r, cos[p * 5 + 4], sin[p * 5 + 4]);
            }
        }
    }
}
