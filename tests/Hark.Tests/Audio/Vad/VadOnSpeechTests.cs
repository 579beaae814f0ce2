using Hark.Audio;
using Hark.Audio.Vad;
using Xunit.Abstractions;

namespace Hark.Tests.Audio.Vad;

/// <summary>Silero VAD with faster-whisper's rules on the fixtures' real speech, on silence and on noise.</summary>
public class VadOnSpeechTests(ITestOutputHelper output)
{
    private const int Sr = AudioConstants.SampleRate;

    /// <summary>The paragraphs of longform.wav and the silences after them, found from the signal itself: a gap is a
    /// run of at least 2.5 s whose 10 ms blocks all stay below −50 dBFS.</summary>
    internal static (List<(long Start, long End)> Paragraphs, List<(long Start, long End)> Gaps) LongformLayout(float[] audio)
    {
        const int block = Sr / 100;
        var quiet = new bool[audio.Length / block];
        for (var b = 0; b < quiet.Length; b++)
        {
            var peak = 0f;
            for (var i = b * block; i < (b + 1) * block; i++) peak = Math.Max(peak, Math.Abs(audio[i]));
            quiet[b] = peak < 0.00316f; // −50 dBFS
        }
        var gaps = new List<(long, long)>();
        for (var b = 0; b < quiet.Length;)
        {
            if (!quiet[b]) { b++; continue; }
            var e = b;
            while (e < quiet.Length && quiet[e]) e++;
            if (e - b >= 250) gaps.Add(((long)b * block, e == quiet.Length ? audio.Length : (long)e * block));
            b = e;
        }
        var paragraphs = new List<(long, long)>();
        long from = 0;
        foreach (var (s, e) in gaps)
        {
            // The first voiced block after the previous gap starts the paragraph.
            var start = from;
            while (start < s && quiet[start / block]) start += block;
            paragraphs.Add((start, s));
            from = e;
        }
        return (paragraphs, gaps);
    }

    private static double Kept(IReadOnlyList<SpeechChunk> chunks, long start, long end) =>
        chunks.Sum(c => Math.Max(0, Math.Min(c.End, end) - Math.Max(c.Start, start))) / (double)(end - start);

    /// <summary>
    /// What padding allows, by construction: each chunk is widened by <c>speech_pad_ms</c> on both sides, so of a gap of
    /// G seconds at most G − 2·pad can go (G − pad for the gap that ends the file, where the pad is clipped). A bare 3 s
    /// gap with the default 400 ms pad could lose at most 2.2 s (73 %); longform's gaps are longer than the 3 s inserted
    /// because espeak ends each paragraph with its own ~0.35 s of silence (measured here: 3.34–3.40 s), so at most
    /// 2.54–2.60 s can go. Every row is held to within 0.15 s of that ceiling (Silero's 32 ms frames and its onset and
    /// offset lag; measured slack 0.04–0.07 s). The rows with the 400 ms pad, faster-whisper's defaults for the sequential
    /// path and for the batched path (<c>min_silence_duration_ms=160,max_speech_duration_s=30</c>, which split paragraphs
    /// at their pauses but leave the gaps as they are), must also remove 2.4 s per gap: 80 % of the inserted 3 s, not
    /// of the measured gap (74–86 % of it). With <c>min_silence_duration_ms=500,speech_pad_ms=200</c> 80 % of the whole
    /// measured gap goes (86–92 %).
    /// </summary>
    [Theory]
    [InlineData("", 2.4, 0.0)]
    [InlineData("max_speech_duration_s=30,min_silence_duration_ms=160", 2.4, 0.0)]
    [InlineData("min_silence_duration_ms=500,speech_pad_ms=200", 0.0, 0.80)]
    public void Longform_keeps_every_paragraph_whole_and_removes_most_of_each_gap(string parameters, double removedSeconds, double removedFraction)
    {
        var audio = SileroVadModelTests.Longform.Value;
        var (paragraphs, gaps) = LongformLayout(audio);
        Assert.Equal(File.ReadAllLines(Fixtures.Path("audio/espeak/longform.txt")).Count(l => l.Trim().Length > 0), paragraphs.Count);
        Assert.Equal(paragraphs.Count, gaps.Count); // the file ends with a gap too
        var options = VadOptions.Parse(parameters);
        var chunks = SileroVadModel.Shared.GetSpeechTimestamps(audio, options);
        output.WriteLine(string.Join(" ", chunks.Select(c => $"[{c.StartSeconds:F2}-{c.EndSeconds:F2}]")));
        for (var i = 0; i < paragraphs.Count; i++)
        {
            var (ps, pe) = paragraphs[i];
            var (gs, ge) = gaps[i];
            var gap = (ge - gs) / (double)Sr;
            var removed = (1 - Kept(chunks, gs, ge)) * gap;
            var ceiling = gap - (ge == audio.Length ? 1 : 2) * options.SpeechPadMs / 1000.0;
            output.WriteLine($"paragraph {i}: {ps / (double)Sr:F2}-{pe / (double)Sr:F2} kept {Kept(chunks, ps, pe):P1}; " +
                $"gap {gs / (double)Sr:F2}-{ge / (double)Sr:F2} ({gap:F2} s) removed {removed:F2} s = {1 - Kept(chunks, gs, ge):P1} " +
                $"of it, {removed / 3:P1} of the inserted 3 s; padding allows {ceiling:F2} s");
            Assert.Equal(1.0, Kept(chunks, ps, pe));
            Assert.True(removed >= ceiling - 0.15, $"gap {i}: removed {removed:F2} s, padding allows {ceiling:F2} s");
            Assert.True(removed >= removedSeconds, $"gap {i}: removed {removed:F2} s < {removedSeconds} s");
            Assert.True(1 - Kept(chunks, gs, ge) >= removedFraction, $"gap {i}: removed {1 - Kept(chunks, gs, ge):P1}");
        }
    }

    public static TheoryData<string> Utterances() =>
        [.. Directory.GetFiles(Fixtures.Path("audio/espeak"), "*.wav").Select(f => Path.GetFileName(f)).Where(f => f != "longform.wav").Order(), "../jfk.wav"];

    [Theory]
    [MemberData(nameof(Utterances))]
    public void Speech_is_found_in_every_utterance(string file)
    {
        var audio = AudioLoader.Load(Fixtures.Path("audio/espeak/" + file));
        var (paragraphs, _) = LongformLayout([.. audio, .. new float[3 * Sr]]); // the voiced span, found as for longform
        var chunks = SileroVadModel.Shared.GetSpeechTimestamps(audio);
        Assert.NotEmpty(chunks);
        var (start, end) = (paragraphs[0].Start, Math.Min(audio.Length, paragraphs[^1].End));
        output.WriteLine($"{file}: voiced {start / (double)Sr:F2}-{end / (double)Sr:F2}, chunks {string.Join(" ", chunks.Select(c => $"[{c.StartSeconds:F2}-{c.EndSeconds:F2}]"))}");
        Assert.True(Kept(chunks, start, end) >= 0.9, $"{file}: only {Kept(chunks, start, end):P0} of the voiced span kept");
    }

    [Fact]
    public void Thirty_seconds_of_digital_silence_keep_nothing()
    {
        Assert.Empty(SileroVadModel.Shared.GetSpeechTimestamps(new float[30 * Sr]));
    }

    /// <summary>Gaussian white noise, σ = 0.1 (−20 dBFS), fixed seed.</summary>
    internal static float[] WhiteNoise(int seconds, int seed = 1)
    {
        var random = new Random(seed);
        var noise = new float[seconds * Sr];
        for (var i = 0; i < noise.Length; i++)
            noise[i] = (float)(0.1 * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        return noise;
    }

    [Fact]
    public void Thirty_seconds_of_white_noise_keep_almost_nothing()
    {
        var chunks = SileroVadModel.Shared.GetSpeechTimestamps(WhiteNoise(30));
        var kept = chunks.Sum(c => c.Length) / (double)Sr;
        output.WriteLine($"kept {kept:F2} s of 30 s");
        Assert.True(kept <= 1.0, $"kept {kept:F2} s of white noise");
    }
}
