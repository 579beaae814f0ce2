using CsCheck;
using Hark.Audio;

namespace Hark.Tests.Audio;

public class ResamplerTests
{
    private static float[] Run(Resampler r, float[] input, int chunk)
    {
        var output = new List<float>();
        var buffer = new float[Math.Max(1, chunk)];
        for (var i = 0; i < input.Length; i += chunk)
        {
            r.Write(input.AsSpan(i, Math.Min(chunk, input.Length - i)));
            int n;
            while ((n = r.Read(buffer)) > 0) output.AddRange(buffer.AsSpan(0, n));
        }
        r.Complete();
        int m;
        while ((m = r.Read(buffer)) > 0) output.AddRange(buffer.AsSpan(0, m));
        return [.. output];
    }

    [Fact]
    public void Output_does_not_depend_on_how_the_input_is_chunked()
    {
        int[] rates = [8000, 11025, 22050, 44100, 48000, 96000];
        Gen.Select(Gen.Int[0, rates.Length - 1].Select(i => rates[i]), Gen.Int[1, 5000], Gen.Int[0, 3000]).Sample((rate, chunk, length) =>
        {
            var rng = new Random(length);
            var input = Enumerable.Range(0, length).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
            var whole = Run(new Resampler(rate, 16000), input, Math.Max(1, length));
            var pieces = Run(new Resampler(rate, 16000), input, chunk);
            Assert.Equal(new Resampler(rate, 16000).OutputLength(length), whole.Length);
            Assert.Equal(whole, pieces);
        }, iter: 30);
    }

    [Theory]
    [InlineData(44100)]
    [InlineData(48000)]
    [InlineData(8000)]
    [InlineData(22050)]
    [InlineData(44101)] // coprime with 16000: 16000 phases
    public void Passband_tone_keeps_its_amplitude_and_phase(int rate)
    {
        const double hz = 1234.5;
        var input = Enumerable.Range(0, rate).Select(i => (float)(0.5 * Math.Sin(2 * Math.PI * hz * i / rate))).ToArray();
        var output = Run(new Resampler(rate, 16000), input, 4096);
        for (var n = 1000; n < 15000; n++)
            Assert.True(Math.Abs(output[n] - 0.5 * Math.Sin(2 * Math.PI * hz * n / 16000)) < 2e-3, $"sample {n}: {output[n]}");
    }

    [Theory]
    [InlineData(44100, 12000)]
    [InlineData(48000, 9000)]
    public void Tone_above_the_new_nyquist_is_removed_not_aliased(int rate, double hz)
    {
        var input = Enumerable.Range(0, rate).Select(i => (float)Math.Sin(2 * Math.PI * hz * i / rate)).ToArray();
        var output = Run(new Resampler(rate, 16000), input, 4096);
        var rms = Math.Sqrt(output.Skip(1000).Take(14000).Average(v => (double)v * v));
        Assert.True(rms < 1e-3, $"rms {rms}"); // < -57 dB relative to the input's 0.707
    }
}
