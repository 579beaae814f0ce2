using System.Numerics;
using CsCheck;
using Hark.Audio;

namespace Hark.Tests.Audio;

public class LogMelTests
{
    [Theory]
    [InlineData(80)]
    [InlineData(128)]
    public void Filter_bank_equals_openai_mel_filters_npz(int nMels)
    {
        var ours = MelFilterBank.Create(nMels);
        var theirs = AudioFixtures.ReadNpz("whisper-assets/mel_filters.npz", $"mel_{nMels}");
        Assert.Equal(nMels * 201, ours.Length);
        Assert.True(AudioFixtures.MaxAbsDiff(ours, theirs) <= 1e-7f, $"max diff {AudioFixtures.MaxAbsDiff(ours, theirs)}");
    }

    [Theory]
    [InlineData("audio/jfk.wav", 80, "reference/jfk.mel80.f32")]
    [InlineData("audio/jfk.wav", 128, "reference/jfk.mel128.f32")]
    [InlineData("audio/jfk.flac", 80, "reference/jfk.mel80.f32")]
    public void Thirty_second_window_matches_openai_within_1e_4(string audio, int nMels, string reference)
    {
        var samples = AudioLoader.Load(Fixtures.Path(audio));
        var mel = LogMel.ComputeWindow(samples, nMels);
        Assert.Equal((nMels, 3000), (mel.NMels, mel.Frames));
        var diff = AudioFixtures.MaxAbsDiff(mel.Data, AudioFixtures.ReadF32(reference));
        Assert.True(diff <= 1e-4f, $"max abs diff {diff}");
    }

    [Fact]
    public void Whole_file_with_30_s_padding_matches_openai_transcribe_features()
    {
        var samples = AudioLoader.Load(Fixtures.Path("audio/espeak/longform.wav"));
        var mel = LogMel.Compute(samples, 80, AudioConstants.SamplesPerChunk, threads: 2);
        Assert.Equal(13685, mel.Frames);
        var diff = AudioFixtures.MaxAbsDiff(mel.Data, AudioFixtures.ReadF32("reference/longform.mel80.f32"));
        Assert.True(diff <= 1e-4f, $"max abs diff {diff}");
    }

    [Fact]
    public void Reference_pcm_equals_our_decode_of_jfk_wav()
    {
        var ours = AudioLoader.Load(Fixtures.Path("audio/jfk.wav"));
        Assert.Equal(AudioFixtures.ReadF32("reference/jfk.pcm.f32"), ours);
    }

    [Fact]
    public void Lane_fft_equals_a_naive_dft_for_every_supported_size()
    {
        int[] sizes = [1, 2, 3, 4, 5, 6, 8, 12, 15, 20, 25, 60, 100, 200, 400, 480];
        Gen.Select(Gen.Int[0, sizes.Length - 1].Select(i => sizes[i]), Gen.Int[0, 1000])
            .Sample((n, seed) =>
            {
                var lanes = Vector<double>.Count;
                var rng = new Random(seed);
                var re = new double[n * lanes];
                var im = new double[n * lanes];
                for (var i = 0; i < re.Length; i++) (re[i], im[i]) = (rng.NextDouble() - 0.5, rng.NextDouble() - 0.5);
                var (inRe, inIm) = ((double[])re.Clone(), (double[])im.Clone());
                new LaneFft(n).Forward(System.Runtime.InteropServices.MemoryMarshal.Cast<double, Vector<double>>(re.AsSpan()),
                    System.Runtime.InteropServices.MemoryMarshal.Cast<double, Vector<double>>(im.AsSpan()));
                for (var lane = 0; lane < lanes; lane++)
                {
                    for (var k = 0; k < n; k++)
                    {
                        double sr = 0, si = 0;
                        for (var t = 0; t < n; t++)
                        {
                            var a = -2 * Math.PI * ((long)k * t % n) / n;
                            double xr = inRe[t * lanes + lane], xi = inIm[t * lanes + lane];
                            sr += xr * Math.Cos(a) - xi * Math.Sin(a);
                            si += xr * Math.Sin(a) + xi * Math.Cos(a);
                        }
                        Assert.True(Math.Abs(sr - re[k * lanes + lane]) < 1e-9 && Math.Abs(si - im[k * lanes + lane]) < 1e-9, $"n={n} k={k}");
                    }
                }
            }, iter: 40);
    }

    [Fact]
    public void Fast_path_equals_a_naive_dft_oracle_on_random_audio_of_any_length()
    {
        Gen.Select(Gen.Int[0, 5000], Gen.Int[0, 2000], Gen.Int[0, 1000]).Sample((length, padding, seed) =>
        {
            var rng = new Random(seed);
            var samples = new float[length];
            for (var i = 0; i < length; i++) samples[i] = (float)(rng.NextDouble() * 2 - 1) * (i % 700 < 350 ? 1f : 1e-4f);
            var fast = LogMel.Compute(samples, 80, padding, threads: 1 + seed % 3);
            var oracle = NaiveLogMel.Compute(samples, 80, padding);
            Assert.Equal((samples.Length + padding) / 160, fast.Frames);
            Assert.True(AudioFixtures.MaxAbsDiff(fast.Data, oracle) <= 2e-6f);
        }, iter: 25);
    }

    [Fact]
    public void Empty_audio_gives_zero_frames_and_a_window_of_3000()
    {
        Assert.Equal(0, LogMel.Compute([], 80).Frames);
        var window = LogMel.ComputeWindow([], 80);
        Assert.Equal(3000, window.Frames);
        Assert.All(window.Data, v => Assert.Equal(-1.5f, v)); // log10(1e-10) = -10, clamp at max-8, (x+4)/4
    }

    [Fact]
    public void Window_is_trimmed_to_the_first_30_seconds()
    {
        var rng = new Random(3);
        var samples = new float[AudioConstants.SamplesPerChunk + 50_000];
        for (var i = 0; i < samples.Length; i++) samples[i] = (float)(rng.NextDouble() - 0.5);
        var window = LogMel.ComputeWindow(samples, 80);
        var trimmed = LogMel.Compute(samples.AsSpan(0, AudioConstants.SamplesPerChunk), 80);
        Assert.Equal(trimmed.Data, window.Data);
    }

    [Fact]
    public void Copy_window_pads_past_the_end_with_zeros()
    {
        var data = Enumerable.Range(0, 2 * 10).Select(i => (float)i + 1).ToArray();
        var mel = new MelSpectrogram(2, 10, data);
        var dest = new float[2 * 3000];
        Array.Fill(dest, 99f);
        mel.CopyWindow(4, dest);
        Assert.Equal([5f, 6f, 7f, 8f, 9f, 10f, 0f], dest[..7]);
        Assert.Equal([15f, 16f, 17f, 18f, 19f, 20f, 0f], dest[3000..3007]);
        Assert.Equal(0f, dest[2999]);
        mel.CopyWindow(50, dest);
        Assert.All(dest, v => Assert.Equal(0f, v));
    }
}
