using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Hark.Audio.Vad;

/// <summary>
/// Silero's STFT magnitude by FFT. Its basis (<c>[258, 1, 256]</c> in the model) is a windowed DFT, real part
/// <c>w[n]·cos(2πkn/256)</c> and imaginary part <c>−w[n]·sin(2πkn/256)</c> (checked at load by
/// <see cref="WindowOf"/>), so the 4 × 258 × 256 product per frame becomes FFTs of windowed samples: two real windows
/// per complex transform, <see cref="Vector{T}"/> lanes of transforms at once, in float64. Owns its scratch: one per
/// thread.
/// </summary>
internal sealed unsafe class SileroVadStft(double[] window)
{
    private const int N = SileroVadWeights.Window;
    private const int Bins = SileroVadWeights.Bins;
    private static readonly int Lanes = Vector<double>.Count;
    private readonly LaneFft _fft = new(N);
    private readonly double[] _re = new double[N * Vector<double>.Count]; // [n, lane]
    private readonly double[] _im = new double[N * Vector<double>.Count];

    /// <summary>
    /// The window of <paramref name="basis"/> (<c>[258, 256]</c>: its DC row), after checking that every row is that
    /// window times the DFT's cosine or minus its sine.
    /// </summary>
    /// <exception cref="HarkException">The basis is not a windowed DFT.</exception>
    public static double[] WindowOf(float[] basis, string file)
    {
        var window = new double[N];
        for (var n = 0; n < N; n++) window[n] = basis[n];
        var worst = 0.0;
        for (var k = 0; k < Bins; k++)
        {
            for (var n = 0; n < N; n++)
            {
                var angle = 2 * Math.PI * (k * n % N) / N;
                worst = Math.Max(worst, Math.Abs(basis[k * N + n] - window[n] * Math.Cos(angle)));
                worst = Math.Max(worst, Math.Abs(basis[(Bins + k) * N + n] + window[n] * Math.Sin(angle)));
            }
        }
        // The model's basis is float32 products: 6e-8 off the exact one. Anything else is another transform.
        if (worst > 1e-6)
            throw new HarkException($"{file}: stft.forward_basis_buffer is not a windowed DFT (off by {worst:E2}), expected Silero VAD v6's");
        return window;
    }

    /// <summary>
    /// Magnitudes (<c>[rows, 129]</c>) of <paramref name="rows"/> windows: window r is 256 samples of frame
    /// <c>r / 4</c>'s input starting at <c>128·(r % 4)</c>, reflect-padded past its <see cref="SileroVadNetwork.Input"/>
    /// samples.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Magnitudes(float* input, int rows, float* magnitude)
    {
        var perCall = 2 * Lanes; // two real windows per complex lane
        for (var r0 = 0; r0 < rows; r0 += perCall)
        {
            for (var lane = 0; lane < Lanes; lane++)
            {
                var a = r0 + 2 * lane;
                Load(input, a < rows ? a : -1, _re, lane);
                Load(input, a + 1 < rows ? a + 1 : -1, _im, lane);
            }
            var re = MemoryMarshal.Cast<double, Vector<double>>(_re.AsSpan());
            var im = MemoryMarshal.Cast<double, Vector<double>>(_im.AsSpan());
            _fft.Forward(re, im);
            // Z = FFT(a + i·b): A[k] = (Z[k] + conj Z[N−k]) / 2, B[k] = (Z[k] − conj Z[N−k]) / 2i.
            for (var k = 0; k < Bins; k++)
            {
                var nk = (N - k) % N;
                var (zr, zi, yr, yi) = (re[k], im[k], re[nk], im[nk]);
                var sr = zr + yr;
                var di = zi - yi;
                var si = zi + yi;
                var dr = zr - yr;
                var ma = Vector.SquareRoot(sr * sr + di * di) * 0.5;
                var mb = Vector.SquareRoot(si * si + dr * dr) * 0.5;
                for (var lane = 0; lane < Lanes; lane++)
                {
                    var a = r0 + 2 * lane;
                    if (a < rows) magnitude[(long)a * Bins + k] = (float)ma[lane];
                    if (a + 1 < rows) magnitude[(long)(a + 1) * Bins + k] = (float)mb[lane];
                }
            }
        }
    }

    /// <summary>Window <paramref name="row"/> (−1: none, zeros) times the window into lane <paramref name="lane"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Load(float* input, int row, double[] target, int lane)
    {
        const int steps = SileroVadNetwork.Steps, length = SileroVadNetwork.Input;
        if (row < 0)
        {
            for (var n = 0; n < N; n++) target[n * Lanes + lane] = 0;
            return;
        }
        var x = input + (long)(row / steps) * length;
        var start = row % steps * SileroVadWeights.Hop;
        for (var n = 0; n < N; n++)
        {
            var at = start + n;
            target[n * Lanes + lane] = (at < length ? x[at] : x[2 * (length - 1) - at]) * window[n];
        }
    }
}
