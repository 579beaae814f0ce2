using CsCheck;
using Hark.Audio.Vad;

namespace Hark.Tests.Audio.Vad;

/// <summary>
/// The probability → speech-chunk rules (faster-whisper's <c>get_speech_timestamps</c>) on hand-built sequences.
/// One frame is 512 samples (32 ms); <c>S</c> = speech (0.9), <c>m</c> = in between the thresholds (0.4),
/// <c>.</c> = silence (0.1).
/// </summary>
public class SpeechTimestampsTests
{
    private const int F = SpeechTimestamps.FrameSamples;

    /// <summary>No padding, no minimum silence beyond one frame: the raw rules are visible.</summary>
    private static readonly VadOptions Raw = new() { MinSilenceDurationMs = 0, SpeechPadMs = 0 };

    private static float[] Probs(string pattern) =>
        [.. pattern.Select(c => c switch { 'S' => 0.9f, 'm' => 0.4f, '.' => 0.1f, _ => throw new ArgumentException(c.ToString()) })];

    private static (long, long)[] Find(string pattern, VadOptions options, long? samples = null) =>
        [.. SpeechTimestamps.Find(Probs(pattern), samples ?? (long)pattern.Length * F, options).Select(c => (c.Start, c.End))];

    [Fact]
    public void Speech_starts_at_the_first_frame_at_or_above_the_threshold_and_ends_where_silence_begins()
    {
        Assert.Equal([(2L * F, 5L * F)], Find("..SSS....", Raw));
        var exactly = SpeechTimestamps.Find([0.1f, 0.5f, 0.5f, 0.1f, 0.1f], 5 * F, Raw);
        Assert.Equal([new SpeechChunk(F, 3 * F)], exactly);
    }

    [Fact]
    public void A_probability_equal_to_the_threshold_in_float32_is_speech()
    {
        // 0.7f is 0.69999998…, below the double 0.7: faster-whisper compares in float32 (numpy), so it is speech.
        var chunks = SpeechTimestamps.Find([0.1f, 0.7f, 0.1f], 3 * F, Raw with { Threshold = 0.7 });
        Assert.Equal([new SpeechChunk(F, 2 * F)], chunks);
    }

    [Fact]
    public void Nothing_above_the_threshold_is_no_speech()
    {
        Assert.Empty(Find("....mmmm....", Raw));
        Assert.Empty(SpeechTimestamps.Find([], 0, Raw));
    }

    [Fact]
    public void Probabilities_between_the_thresholds_continue_speech_but_never_start_it()
    {
        // 'm' (0.4) is above the default negative threshold 0.35: speech goes on through it.
        Assert.Equal([(F, 6L * F)], Find(".SmmmS..", Raw));
        // With neg_threshold 0.45 the same frames are silence.
        Assert.Equal([(F, 2L * F), (5L * F, 6L * F)], Find(".SmmmS..", Raw with { NegThreshold = 0.45 }));
    }

    [Theory]
    [InlineData(0.5, 0.35)]
    [InlineData(0.9, 0.75)]
    [InlineData(0.1, 0.01)]
    [InlineData(0.15, 0.01)]
    public void The_negative_threshold_defaults_to_threshold_minus_0_15_and_at_least_0_01(double threshold, double expected) =>
        Assert.Equal(expected, new VadOptions { Threshold = threshold }.EffectiveNegThreshold, 12);

    [Fact]
    public void Silence_shorter_than_min_silence_does_not_end_speech()
    {
        // 100 ms = 1600 samples: a gap is measured from its first frame, so 4 silent frames (4·512 − 512 = 1536 < 1600)
        // are tolerated and the 5th (2048 ≥ 1600) ends the chunk where the silence began.
        var options = Raw with { MinSilenceDurationMs = 100 };
        Assert.Equal([(0L, 9L * F)], Find("SS....SSS", options));
        Assert.Equal([(0L, 2L * F), (7L * F, 10L * F)], Find("SS.....SSS", options));
    }

    [Fact]
    public void Speech_running_to_the_end_of_the_audio_ends_at_the_last_sample()
    {
        Assert.Equal([(2L * F, 1500L)], Find("..S", Raw, samples: 1500));
        Assert.Equal([(F, 4L * F)], Find(".SS.", Raw with { MinSilenceDurationMs = 1000 })); // silence too short to close
    }

    [Fact]
    public void Chunks_not_longer_than_min_speech_are_dropped_including_the_last_one()
    {
        // 64 ms = 1024 samples = two frames: a two-frame chunk is not longer, so it goes; three frames stay.
        var options = Raw with { MinSpeechDurationMs = 64 };
        Assert.Equal([(5L * F, 8L * F)], Find(".SS..SSS..", options));
        Assert.Empty(Find("...SS", options));
        Assert.Equal([(2L * F, 5L * F)], Find("..SSS", options));
    }

    [Fact]
    public void Overlong_speech_is_split_at_its_last_silence_longer_than_98_ms()
    {
        // max 1 s without padding = 16000 − 512 = 15488 samples: the split comes at frame 31 (31·512 > 15488).
        // Frames 10–14 are silence (5 frames: 4·512 = 2048 > 1568 marks it) but min silence 2 s keeps speech going.
        var options = Raw with { MinSilenceDurationMs = 2000, MaxSpeechDurationS = 1 };
        var pattern = new string('S', 10) + "....." + new string('S', 26);
        Assert.Equal([(0L, 10L * F), (15L * F, 41L * F)], Find(pattern, options));
    }

    [Fact]
    public void Overlong_speech_uses_the_latest_long_silence_not_the_first()
    {
        var options = Raw with { MinSilenceDurationMs = 2000, MaxSpeechDurationS = 1 };
        var pattern = "SSSS" + "....." + "SSSSSSSS" + "....." + new string('S', 20);
        Assert.Equal([(0L, 17L * F), (22L * F, 42L * F)], Find(pattern, options));
    }

    [Fact]
    public void Overlong_speech_with_no_silence_over_98_ms_is_cut_hard_and_the_cut_frame_is_lost()
    {
        // Four silent frames (1536 samples ≤ 1568) are not a split point: cut at frame 31, speech resumes at frame 32.
        var options = Raw with { MinSilenceDurationMs = 2000, MaxSpeechDurationS = 1 };
        var pattern = new string('S', 10) + "...." + new string('S', 26);
        Assert.Equal([(0L, 31L * F), (32L * F, 40L * F)], Find(pattern, options));
    }

    [Fact]
    public void Overlong_speech_split_inside_a_silence_closes_and_waits_for_speech_to_return()
    {
        // At frame 31 the silence that began at frame 26 is still going: the chunk ends there and the next one
        // starts only when speech returns at frame 36.
        var options = Raw with { MinSilenceDurationMs = 2000, MaxSpeechDurationS = 1 };
        var pattern = new string('S', 26) + ".........." + "SSSS";
        Assert.Equal([(0L, 26L * F), (36L * F, 40L * F)], Find(pattern, options));
    }

    [Fact]
    public void The_split_length_allows_for_one_frame_and_both_paddings()
    {
        // max 1 s with 100 ms padding: 16000 − 512 − 3200 = 12288 samples, so frame 25 (12800) splits, not 31.
        var options = new VadOptions { MinSilenceDurationMs = 2000, MaxSpeechDurationS = 1, SpeechPadMs = 100 };
        // Hard cut at frame 25, speech again from 26; the 512-sample gap is shared (256 each side).
        Assert.Equal([(0L, 25L * F + 256), (26L * F - 256, 40L * F)], Find(new string('S', 40), options));
    }

    [Fact]
    public void Padding_widens_every_chunk_and_is_clipped_at_both_ends_of_the_audio()
    {
        // 400 ms = 6400 samples; speech from frame 2 (1024) to the end: start clipped to 0, end to the audio length.
        var options = new VadOptions { MinSilenceDurationMs = 0 };
        Assert.Equal([(0L, 6L * F)], Find("..SSSS", options));
        var far = new string('.', 50) + "SS" + new string('.', 50);
        Assert.Equal([(50L * F - 6400, 52L * F + 6400)], Find(far, options));
        // Short audio: the end pad stops at the last sample.
        Assert.Equal([(0L, 3L * F)], Find(".S.", options));
    }

    [Fact]
    public void Neighbours_closer_than_two_paddings_share_the_gap_between_them()
    {
        // pad 64 ms = 1024 samples; gap frames 3–4 = 1024 samples < 2048: each side takes half (512).
        var options = new VadOptions { MinSilenceDurationMs = 0, SpeechPadMs = 64 };
        var pattern = new string('.', 10) + "SSS.." + "SSS" + new string('.', 10);
        // chunk 1: 10..13 frames, chunk 2: 15..18 frames
        Assert.Equal([(10L * F - 1024, 13L * F + 512), (15L * F - 512, 18L * F + 1024)], Find(pattern, options));
        // A gap of exactly two paddings is padded normally, leaving no gap.
        var wide = new string('.', 10) + "SSS...." + "SSS" + new string('.', 10);
        Assert.Equal([(10L * F - 1024, 13L * F + 1024), (17L * F - 1024, 20L * F + 1024)], Find(wide, options));
    }

    [Fact]
    public void Out_of_range_options_are_rejected_with_their_faster_whisper_names()
    {
        var e = Assert.Throws<HarkInputException>(() => SpeechTimestamps.Find([], 0, new VadOptions { Threshold = 1.5 }));
        Assert.Equal("threshold", e.Field);
        Assert.Equal("speech_pad_ms", Assert.Throws<HarkInputException>(() => new VadOptions { SpeechPadMs = -1 }.Validate()).Field);
        Assert.Equal("max_speech_duration_s", Assert.Throws<HarkInputException>(() => new VadOptions { MaxSpeechDurationS = 0 }.Validate()).Field);
    }

    [Fact]
    public void Without_padding_or_minimum_every_speech_frame_lies_in_an_ordered_disjoint_chunk_inside_the_audio()
    {
        var gen = Gen.Float[0f, 1f].Array[0, 300].Select(Gen.Int[0, 511], Gen.Double[0.05, 0.95], (p, tail, t) => (p, tail, t));
        gen.Sample(x =>
        {
            var (probs, tail, threshold) = x;
            long samples = probs.Length == 0 ? 0 : (long)(probs.Length - 1) * F + tail + 1;
            var options = new VadOptions { Threshold = threshold, MinSilenceDurationMs = 0, SpeechPadMs = 0 };
            var chunks = SpeechTimestamps.Find(probs, samples, options);
            for (var i = 0; i < chunks.Count; i++)
            {
                Assert.InRange(chunks[i].Start, 0, chunks[i].End - 1);
                Assert.True(chunks[i].End <= samples);
                if (i > 0) Assert.True(chunks[i].Start >= chunks[i - 1].End);
            }
            for (var f = 0; f < probs.Length; f++)
                if (probs[f] >= threshold)
                    Assert.Contains(chunks, c => c.Start <= (long)f * F && (long)f * F < c.End);
        });
    }

    [Fact]
    public void With_any_options_chunks_are_ordered_disjoint_and_inside_the_audio()
    {
        var options = Gen.Select(Gen.Int[0, 300], Gen.Int[0, 500], Gen.Int[0, 500], Gen.Double[0.5, 20],
            (minSpeech, minSilence, pad, max) => new VadOptions
            {
                MinSpeechDurationMs = minSpeech, MinSilenceDurationMs = minSilence, SpeechPadMs = pad, MaxSpeechDurationS = max,
            });
        Gen.Select(Gen.Float[0f, 1f].Array[0, 400], options).Sample((probs, o) =>
        {
            var samples = (long)probs.Length * F;
            var chunks = SpeechTimestamps.Find(probs, samples, o);
            for (var i = 0; i < chunks.Count; i++)
            {
                Assert.InRange(chunks[i].Start, 0, chunks[i].End);
                Assert.True(chunks[i].End <= samples);
                if (i > 0) Assert.True(chunks[i].Start >= chunks[i - 1].End);
            }
        });
    }
}
