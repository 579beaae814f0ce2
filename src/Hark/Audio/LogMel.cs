using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace Hark.Audio;

/// <summary>
/// openai-whisper's <c>log_mel_spectrogram</c>, reproduced exactly: centred STFT (n_fft 400, hop 160, periodic Hann,
/// reflect padding), power spectrum, Slaney mel filters, log10 with a 1e-10 floor, clamp to (global max − 8),
/// (x + 4) / 4, last frame dropped. Spectra and filter sums are float64 (cheap here), then rounded once.
/// </summary>
public static class LogMel
{
    private const int NFft = AudioConstants.NFft, Hop = AudioConstants.HopLength, Bins = NFft / 2 + 1;

    /// <summary>
    /// Features of a whole signal: <c>(samples.Length + paddingSamples) / 160</c> frames. openai's transcribe uses
    /// <paramref name="paddingSamples"/> = 480 000 (30 s of zeros appended before the STFT).
    /// </summary>
    /// <param name="samples">16 kHz mono audio.</param>
    /// <param name="nMels">80, or 128 for the large-v3 family (any positive count works).</param>
    /// <param name="paddingSamples">Zeros appended to the signal before the STFT.</param>
    /// <param name="threads">Worker threads; 0 = all processors.</param>
    public static unsafe MelSpectrogram Compute(ReadOnlySpan<float> samples, int nMels = 80, int paddingSamples = 0, int threads = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nMels, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(paddingSamples);
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        var total = (long)samples.Length + paddingSamples;
        var frames = checked((int)(total / Hop));
        var data = new float[checked(nMels * frames)];
        if (frames == 0) return new MelSpectrogram(nMels, 0, data);

        var filters = FilterRows.For(nMels);
        var batch = 2 * Vector<double>.Count; // two real frames per complex lane
        var batches = (frames + batch - 1) / batch;
        var workers = Math.Clamp(threads == 0 ? Environment.ProcessorCount : threads, 1, batches);
        var blocks = Math.Min(batches, workers * 4);
        var maxima = new float[blocks];
        var length = samples.Length;
        fixed (float* p = samples)
        {
            var address = (nint)p;
            Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = workers }, () => new Worker(filters),
                (block, _, worker) =>
                {
                    var signal = new ReadOnlySpan<float>((void*)address, length);
                    var first = (int)((long)batches * block / blocks) * batch;
                    var last = (int)Math.Min(frames, (long)batches * (block + 1) / blocks * batch);
                    var max = float.NegativeInfinity;
                    for (var f = first; f < last; f += batch)
                        max = Math.Max(max, worker.Run(signal, total, f, Math.Min(batch, last - f), data, frames));
                    maxima[block] = max;
                    return worker;
                },
                _ => { });
        }

        // Whisper clamps against the maximum of the whole spectrogram, so this pass waits for every frame.
        var floor = maxima.Max() - 8f;
        TensorPrimitives.Max(data, floor, data);
        TensorPrimitives.Add(data, 4f, data);
        TensorPrimitives.Multiply(data, 0.25f, data);
        return new MelSpectrogram(nMels, frames, data);
    }

    /// <summary>
    /// Features of one 30 s model window: the audio padded with zeros or trimmed to 480 000 samples
    /// (openai's <c>pad_or_trim</c>), giving exactly 3000 frames.
    /// </summary>
    public static MelSpectrogram ComputeWindow(ReadOnlySpan<float> samples, int nMels = 80)
    {
        var take = Math.Min(samples.Length, AudioConstants.SamplesPerChunk);
        return Compute(samples[..take], nMels, AudioConstants.SamplesPerChunk - take);
    }

    /// <summary>Per-thread state: FFT plan, lane buffers.</summary>
    private sealed class Worker(FilterRows filters)
    {
        private static readonly double[] Window = HannPeriodic();
        private readonly LaneFft _fft = new(NFft);
        private readonly double[] _re = new double[NFft * Vector<double>.Count];
        private readonly double[] _im = new double[NFft * Vector<double>.Count];
        private readonly float[] _frame = new float[NFft];
        private readonly Vector<double>[] _powerA = new Vector<double>[Bins], _powerB = new Vector<double>[Bins];
        private readonly double[] _mel = new double[filters.Count * 2 * Vector<double>.Count];

        // Computes `count` (≤ one batch) frames from `first`, writes log10 mel values into data; returns their maximum.
        public float Run(ReadOnlySpan<float> signal, long total, int first, int count, float[] data, int frames)
        {
            var lanes = Vector<double>.Count;
            for (var j = 0; j < 2 * lanes; j++)
            {
                var target = j < lanes ? _re : _im;
                var lane = j % lanes;
                if (j < count) FillFrame(signal, total, first + j);
                else Array.Clear(_frame);
                for (var t = 0; t < NFft; t++) target[t * lanes + lane] = _frame[t] * Window[t];
            }
            var re = MemoryMarshal.Cast<double, Vector<double>>(_re.AsSpan());
            var im = MemoryMarshal.Cast<double, Vector<double>>(_im.AsSpan());
            _fft.Forward(re, im);

            // Z = FFT(a + i·b) ⇒ A[k] = (Z[k] + conj Z[N-k]) / 2, B[k] = (Z[k] − conj Z[N-k]) / 2i.
            for (var k = 0; k < Bins; k++)
            {
                var r = (NFft - k) % NFft;
                Vector<double> sr = re[k] + re[r], di = im[k] - im[r], dr = re[k] - re[r], si = im[k] + im[r];
                _powerA[k] = 0.25 * (sr * sr + di * di);
                _powerB[k] = 0.25 * (dr * dr + si * si);
            }

            var mel = MemoryMarshal.Cast<double, Vector<double>>(_mel.AsSpan());
            for (var m = 0; m < filters.Count; m++)
            {
                var (start, weights) = filters.Rows[m];
                Vector<double> a = Vector<double>.Zero, b = Vector<double>.Zero;
                for (var k = 0; k < weights.Length; k++)
                {
                    a += weights[k] * _powerA[start + k];
                    b += weights[k] * _powerB[start + k];
                }
                mel[2 * m] = a;
                mel[2 * m + 1] = b;
            }
            TensorPrimitives.Max(_mel, 1e-10, _mel);
            TensorPrimitives.Log10(_mel, _mel);

            var max = float.NegativeInfinity;
            for (var m = 0; m < filters.Count; m++)
            {
                var row = data.AsSpan(m * frames);
                for (var j = 0; j < count; j++)
                {
                    var v = (float)_mel[2 * m * lanes + j]; // lanes of a then lanes of b: frame order
                    row[first + j] = v;
                    max = Math.Max(max, v);
                }
            }
            return max;
        }

        // Frame f covers samples [f·hop − 200, f·hop + 200) of the signal extended by zeros to `total`, reflected at both ends.
        private void FillFrame(ReadOnlySpan<float> signal, long total, int f)
        {
            var start = (long)f * Hop - NFft / 2;
            if (start >= 0 && start + NFft <= signal.Length)
            {
                signal.Slice((int)start, NFft).CopyTo(_frame);
                return;
            }
            for (var t = 0; t < NFft; t++)
            {
                var i = Reflect(start + t, total);
                _frame[t] = i < signal.Length ? signal[(int)i] : 0f;
            }
        }

        private static long Reflect(long i, long n)
        {
            if (n == 1) return 0;
            var period = 2 * (n - 1); // numpy/torch "reflect": edge sample not repeated
            i %= period;
            if (i < 0) i += period;
            return i < n ? i : period - i;
        }

        private static double[] HannPeriodic()
        {
            var w = new double[NFft];
            for (var t = 0; t < NFft; t++) w[t] = (float)(0.5 - 0.5 * Math.Cos(2 * Math.PI * t / NFft)); // torch.hann_window is float32
            return w;
        }
    }

    /// <summary>Nonzero span of each filter row as float64 (the filters are narrow triangles: ~2 bins per mel).</summary>
    private sealed class FilterRows
    {
        private static readonly Dictionary<int, FilterRows> Cache = [];

        private FilterRows((int Start, double[] Weights)[] rows) => Rows = rows;

        public (int Start, double[] Weights)[] Rows { get; }

        public int Count => Rows.Length;

        public static FilterRows For(int nMels)
        {
            lock (Cache)
            {
                if (Cache.TryGetValue(nMels, out var cached)) return cached;
                var bank = MelFilterBank.Create(nMels);
                var rows = new (int, double[])[nMels];
                for (var m = 0; m < nMels; m++)
                {
                    var row = bank.AsSpan(m * Bins, Bins);
                    var lo = row.IndexOfAnyExcept(0f);
                    if (lo < 0) { rows[m] = (0, []); continue; }
                    var hi = row.LastIndexOfAnyExcept(0f);
                    rows[m] = (lo, row[lo..(hi + 1)].ToArray().Select(x => (double)x).ToArray());
                }
                return Cache[nMels] = new FilterRows(rows);
            }
        }
    }
}
