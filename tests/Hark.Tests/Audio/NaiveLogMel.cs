using Hark.Audio;

namespace Hark.Tests.Audio;

/// <summary>
/// Test oracle: openai's log-mel written the obvious way (explicit reflect padding, O(N²) DFT per frame, dense filter
/// product, all in float64). Slow; independent of the production FFT, lane packing and sparse filters.
/// </summary>
internal static class NaiveLogMel
{
    public static float[] Compute(float[] samples, int nMels, int padding)
    {
        const int n = 400, hop = 160, bins = 201;
        var x = samples.Concat(new float[padding]).Select(v => (double)v).ToArray();
        var frames = x.Length / hop;
        if (frames == 0) return [];
        var padded = new double[x.Length + n];
        for (var i = 0; i < padded.Length; i++)
        {
            var j = i - n / 2;
            // reflect (numpy mode 'reflect'); folding repeatedly covers signals shorter than the pad
            while (j < 0 || j >= x.Length) j = j < 0 ? -j : 2 * (x.Length - 1) - j;
            padded[i] = x.Length == 1 ? x[0] : x[j];
        }
        var window = Enumerable.Range(0, n).Select(t => (double)(float)(0.5 - 0.5 * Math.Cos(2 * Math.PI * t / n))).ToArray();
        var filters = MelFilterBank.Create(nMels);
        var logs = new double[nMels * frames];
        for (var f = 0; f < frames; f++)
        {
            var power = new double[bins];
            for (var k = 0; k < bins; k++)
            {
                double re = 0, im = 0;
                for (var t = 0; t < n; t++)
                {
                    var a = -2 * Math.PI * (k * t % n) / n;
                    var v = padded[f * hop + t] * window[t];
                    re += v * Math.Cos(a);
                    im += v * Math.Sin(a);
                }
                power[k] = re * re + im * im;
            }
            for (var m = 0; m < nMels; m++)
            {
                double sum = 0;
                for (var k = 0; k < bins; k++) sum += filters[m * bins + k] * power[k];
                logs[m * frames + f] = Math.Log10(Math.Max(sum, 1e-10));
            }
        }
        var max = logs.Max();
        return logs.Select(v => (float)((Math.Max(v, max - 8) + 4) / 4)).ToArray();
    }
}
