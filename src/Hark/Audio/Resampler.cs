using System.Numerics;

namespace Hark.Audio;

/// <summary>
/// Streaming band-limited sample-rate converter: exact rational polyphase filter bank of Kaiser-windowed sincs.
/// Design follows the defaults of ffmpeg's swresample (cutoff 0.97 of the lower Nyquist, 16 zero crossings each side,
/// Kaiser beta 9, each phase normalised to unit DC gain) so that its output agrees with <c>ffmpeg -ar 16000</c>.
/// Output sample n sits exactly at input time n·in/out (no delay).
/// </summary>
internal sealed class Resampler
{
    private const double Cutoff = 0.97;
    private const double ZeroCrossings = 16;
    private const double KaiserBeta = 9;

    private readonly int _up;     // L: output phases per input sample period
    private readonly int _down;   // M: input step per output sample, in 1/L units
    private readonly int _center; // taps before the output position
    private readonly int _taps;   // padded to a whole number of vectors (extra coefficients are zero)
    private readonly float[] _bank; // [L, _taps]

    private float[] _buffer;
    private int _bufferCount;
    private long _bufferStart;      // absolute input index of _buffer[0] (negative at first: leading zeros)
    private long _inputCount;       // real input samples written so far
    private long _nextOutput;       // absolute index of the next output sample
    private bool _completed;

    /// <summary>Creates a converter from <paramref name="inputRate"/> to <paramref name="outputRate"/> Hz.</summary>
    public Resampler(int inputRate, int outputRate)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputRate, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputRate, 1);
        var g = Gcd(inputRate, outputRate);
        _up = outputRate / g;
        _down = inputRate / g;
        var factor = Math.Min(1.0, (double)outputRate / inputRate) * Cutoff;
        var halfWidth = ZeroCrossings / factor;
        _center = (int)Math.Ceiling(halfWidth) + 1;
        var realTaps = 2 * _center + 1;
        var lanes = Vector<float>.Count;
        _taps = (realTaps + lanes - 1) / lanes * lanes;
        _bank = BuildBank(_up, _taps, realTaps, _center, factor, halfWidth);
        _buffer = new float[Math.Max(4096, 4 * _taps)];
        _bufferStart = -_center; // the signal is zero before its first sample
        _bufferCount = _center;
    }

    /// <summary>Output samples that <paramref name="inputSamples"/> input samples turn into.</summary>
    public long OutputLength(long inputSamples) => (inputSamples * _up + _down - 1) / _down;

    /// <summary>Appends input samples.</summary>
    public void Write(ReadOnlySpan<float> input)
    {
        if (_completed) throw new InvalidOperationException("Write after Complete");
        Append(input);
        _inputCount += input.Length;
    }

    /// <summary>Marks the end of the input: the remaining outputs are computed against trailing zeros.</summary>
    public void Complete()
    {
        if (_completed) return;
        _completed = true;
        Span<float> zeros = stackalloc float[256];
        zeros.Clear();
        for (var left = _taps + 1; left > 0; left -= zeros.Length) Append(zeros[..Math.Min(left, zeros.Length)]);
    }

    /// <summary>Computes as many output samples as the buffered input allows; returns how many were written.</summary>
    public int Read(Span<float> output)
    {
        var limit = _completed ? OutputLength(_inputCount) : long.MaxValue;
        var written = 0;
        var bufferEnd = _bufferStart + _bufferCount;
        while (written < output.Length && _nextOutput < limit)
        {
            var pos = _nextOutput * _down;
            var index = pos / _up;
            var phase = (int)(pos - index * _up);
            var first = index - _center;
            if (first + _taps > bufferEnd) break;
            var window = new ReadOnlySpan<float>(_buffer, (int)(first - _bufferStart), _taps);
            output[written++] = Dot(window, new ReadOnlySpan<float>(_bank, phase * _taps, _taps));
            _nextOutput++;
        }
        Discard(force: false);
        return written;
    }

    private static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> h)
    {
        var acc = Vector<float>.Zero;
        var lanes = Vector<float>.Count;
        for (var i = 0; i < x.Length; i += lanes)
            acc = Vector.FusedMultiplyAdd(new Vector<float>(x[i..]), new Vector<float>(h[i..]), acc);
        return Vector.Sum(acc);
    }

    private void Append(ReadOnlySpan<float> input)
    {
        if (_bufferCount + input.Length > _buffer.Length)
        {
            Discard(force: true);
            if (_bufferCount + input.Length > _buffer.Length)
                Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _bufferCount + input.Length));
        }
        input.CopyTo(_buffer.AsSpan(_bufferCount));
        _bufferCount += input.Length;
    }

    // Drops input no future output can reach.
    private void Discard(bool force)
    {
        var needed = _nextOutput * _down / _up - _center;
        var drop = (int)Math.Clamp(needed - _bufferStart, 0, _bufferCount);
        if (drop == 0 || (!force && drop < _buffer.Length / 2)) return; // compact only when it pays
        _buffer.AsSpan(drop, _bufferCount - drop).CopyTo(_buffer);
        _bufferCount -= drop;
        _bufferStart += drop;
    }

    private static float[] BuildBank(int phases, int stride, int taps, int center, double factor, double halfWidth)
    {
        var bank = new float[phases * stride];
        var row = new double[taps];
        var i0Beta = BesselI0(KaiserBeta);
        for (var p = 0; p < phases; p++)
        {
            double sum = 0;
            for (var k = 0; k < taps; k++)
            {
                var x = k - center - (double)p / phases; // input offset from the output position, in input samples
                var u = x / halfWidth;
                var w = Math.Abs(u) >= 1 ? 0 : BesselI0(KaiserBeta * Math.Sqrt(1 - u * u)) / i0Beta;
                var arg = Math.PI * factor * x;
                var sinc = arg == 0 ? 1 : Math.Sin(arg) / arg;
                row[k] = sinc * w;
                sum += row[k];
            }
            for (var k = 0; k < taps; k++) bank[p * stride + k] = (float)(row[k] / sum);
        }
        return bank;
    }

    private static double BesselI0(double x)
    {
        // Power series; converges fast for the arguments a Kaiser window uses (|x| ≤ ~20).
        double sum = 1, term = 1, q = x * x / 4;
        for (var k = 1; k < 200 && term > sum * 1e-17; k++)
        {
            term *= q / ((double)k * k);
            sum += term;
        }
        return sum;
    }

    private static int Gcd(int a, int b)
    {
        while (b != 0) (a, b) = (b, a % b);
        return a;
    }
}
