using CsCheck;
using Hark.Decoding;
using Hark.Tests.Decoding;
using Hark.Transcription;
using static Hark.Tests.Decoding.Scripts;

namespace Hark.Tests.Transcription;

public class TranscriberTests
{
    private static readonly int Tb = S.TimestampBegin;

    private static readonly TranscriptionOptions Greedy = new() { Language = "en", BeamSize = null, BestOf = null };

    /// <summary>Features whose frame <c>f</c> of bin 0 holds <c>f + 1</c>, so a window knows where it starts.</summary>
    internal static MelFeatures MarkedMel(double seconds)
    {
        var content = (int)Math.Round(seconds * 100);
        var frames = content + 3000;
        var data = new float[80 * frames];
        for (var f = 0; f < frames; f++) data[f] = f + 1;
        return new MelFeatures(data, 80, frames);
    }

    private static int SeekOf(ScriptContext ctx) => (int)ctx.Window[0] - 1;

    /// <summary>A script that follows <paramref name="plan"/>(seek) in every window.</summary>
    private static Func<ScriptContext, float[]> Plan(Func<int, int[]> plan) => ctx =>
    {
        var tokens = plan(SeekOf(ctx));
        var sampled = Sampled(ctx.Tokens);
        return Certain(sampled.Length < tokens.Length ? tokens[sampled.Length] : S.EndOfText);
    };

    private static async Task<List<Segment>> Run(ScriptedEngine engine, MelFeatures mel, TranscriptionOptions options, FakeTokenizer? tokenizer = null)
    {
        var pipeline = new TranscriptionPipeline(engine, tokenizer ?? new FakeTokenizer());
        var prepared = pipeline.Prepare(mel, options);
        var segments = new List<Segment>();
        await foreach (var s in pipeline.RunAsync(prepared)) segments.Add(s);
        return segments;
    }

    private static DecodingResult Result(params int[] tokens) => new()
    {
        Language = "en", Tokens = tokens, Text = "", AvgLogprob = -0.1, NoSpeechProb = 0.01, Temperature = 0, CompressionRatio = 1,
    };

    private static (List<Segment> Segments, int NextSeek) Split(int[] tokens, int seek = 1000, int segmentSize = 3000) =>
        new SegmentSplitter(new FakeTokenizer()).Split(Result(tokens), new AudioWindow(seek, segmentSize));

    [Fact]
    public void Unfinished_last_segment_is_dropped_and_the_next_window_starts_at_the_last_pair()
    {
        var (segments, next) = Split([Tb, 10, Tb + 100, Tb + 100, 11]);
        var s = Assert.Single(segments);
        Assert.Equal((10.0, 12.0), (s.Start, s.End));
        Assert.Equal(1000 + 200, next);
    }

    [Fact]
    public void Single_timestamp_ending_closes_the_last_segment_and_consumes_the_window()
    {
        var (segments, next) = Split([Tb, 10, Tb + 100, Tb + 100, 11, Tb + 250]);
        Assert.Equal([(10.0, 12.0), (12.0, 15.0)], segments.Select(s => (s.Start, s.End)));
        Assert.Equal(" w11", segments[1].Text);
        Assert.Equal(4000, next);
    }

    [Fact]
    public void Timestamp_at_the_very_end_of_a_full_window_ends_the_segment_at_thirty_seconds()
    {
        var (segments, next) = Split([Tb, 10, Tb + 1500]);
        var s = Assert.Single(segments);
        Assert.Equal((10.0, 40.0), (s.Start, s.End));
        Assert.Equal(4000, next);
    }

    [Fact]
    public void Window_without_any_timestamp_is_one_segment_spanning_the_window()
    {
        var (segments, next) = Split([10, 11, 12]);
        var s = Assert.Single(segments);
        Assert.Equal((10.0, 40.0), (s.Start, s.End));
        Assert.Equal(4000, next);
    }

    [Fact]
    public void Single_non_zero_timestamp_without_pairs_marks_the_end_of_speech()
    {
        var (segments, _) = Split([Tb, 10, 11, Tb + 250]);
        Assert.Equal((10.0, 15.0), (segments[0].Start, segments[0].End));
    }

    [Fact]
    public void Last_window_shorter_than_thirty_seconds_advances_by_its_length_and_clamps_times()
    {
        var (segments, next) = Split([Tb, 10, Tb + 900], seek: 3000, segmentSize: 700);
        var s = Assert.Single(segments);
        Assert.Equal((30.0, 37.0), (s.Start, s.End)); // 18 s predicted, but only 7 s of audio remain
        Assert.Equal(3700, next);
    }

    [Fact]
    public void Seek_clips_pair_up_and_an_odd_list_ends_at_the_content()
    {
        Assert.Equal([(0, 500)], TranscriptionPlan.SeekClips([], 500));
        Assert.Equal([(150, 500)], TranscriptionPlan.SeekClips([1.5], 500));
        Assert.Equal([(100, 200), (300, 500)], TranscriptionPlan.SeekClips([1, 2, 3], 500));
        Assert.Equal([(500, 500)], TranscriptionPlan.SeekClips([200, 300], 500)); // past the end: nothing to do
    }

    [Fact]
    public async Task Clip_past_the_end_of_the_audio_yields_nothing_and_terminates()
    {
        var engine = new ScriptedEngine(Plan(_ => [Tb, 10, Tb + 100]));
        var segments = await Run(engine, MarkedMel(10), Greedy with { ClipTimestamps = [0, 2, 200, 300] });
        Assert.All(segments, s => Assert.InRange(s.End, 0, 2.0));
        Assert.NotEmpty(segments);
    }

    [Fact]
    public async Task Long_form_seeks_by_the_last_timestamp_and_emits_ordered_segments()
    {
        // Every window: "<|0.00|> a <|2.00|><|2.00|> b" — the open second segment is re-decoded by the next window.
        var engine = new ScriptedEngine(Plan(_ => [Tb, 10, Tb + 100, Tb + 100, 11]));
        var segments = await Run(engine, MarkedMel(7.0), Greedy);
        Assert.Equal([0.0, 2.0, 4.0, 6.0], segments.Select(s => s.Start));
        Assert.Equal([0, 200, 400, 600], segments.Select(s => s.Seek));
        Assert.Equal(Enumerable.Range(0, 4), segments.Select(s => s.Id));
        Assert.Equal(7.0, segments[^1].End); // the last window is 1 s long
    }

    [Fact]
    public async Task Previous_text_is_fed_after_startofprev_and_reset_after_a_hot_window()
    {
        var plan = Plan(seek => seek == 0 ? [Tb, 10, Tb + 100] : [Tb, 20, Tb + 100]);
        var warm = new ScriptedEngine(plan);
        await Run(warm, MarkedMel(40), Greedy with { Temperatures = [0.4f] });
        Assert.Equal([S.StartOfPrev, Tb, 10, Tb + 100, S.StartOfTranscript], warm.Prompts[1][..5]);

        var hot = new ScriptedEngine(plan);
        await Run(hot, MarkedMel(40), Greedy with { Temperatures = [0.6f] });
        Assert.Equal(S.StartOfTranscript, hot.Prompts[1][0]);

        var off = new ScriptedEngine(plan);
        await Run(off, MarkedMel(40), Greedy with { ConditionOnPreviousText = false, InitialPrompt = "w77" });
        Assert.Equal([S.StartOfPrev, 77, S.StartOfTranscript], off.Prompts[0][..3]);
        Assert.Equal(S.StartOfTranscript, off.Prompts[1][0]);
    }

    [Fact]
    public async Task Temperature_fallback_retries_a_repetitive_window_hotter()
    {
        // Greedy repeats one token until the sample limit (compression ratio ≫ 2.4); sampling spreads over
        // a thousand distinct words and ends.
        var engine = new ScriptedEngine(_ =>
        {
            var row = Logits.Flat(51865, -30f);
            for (var t = 1000; t < 2000; t++) row[t] = 0f;
            row[1500] = 1f;
            row[S.EndOfText] = 0.5f;
            return row;
        });
        var options = Greedy with { LogProbThreshold = null, WithoutTimestamps = true, BestOf = 2 };
        var segments = await Run(engine, MarkedMel(5), options, new FakeTokenizer(hashedWords: true));
        var s = Assert.Single(segments);
        Assert.Equal(0.2f, s.Temperature);
        Assert.True(s.CompressionRatio <= 2.4, $"compression ratio {s.CompressionRatio}");
        Assert.True(s.Tokens.Distinct().Count() > 1);
    }

    [Fact]
    public void Fallback_decision_follows_openai_thresholds()
    {
        var o = TranscriptionPlan.Create(new TranscriptionOptions(), new FakeTokenizer(), new ScriptedEngine(Follow()).Config, null, 3000);
        DecodingResult R(double cr, double lp, double ns) => Result() with { CompressionRatio = cr, AvgLogprob = lp, NoSpeechProb = ns };
        Assert.False(o.NeedsFallback(R(2.0, -0.5, 0.1)));
        Assert.True(o.NeedsFallback(R(2.5, -0.5, 0.1))); // repetitive
        Assert.True(o.NeedsFallback(R(2.0, -1.5, 0.1))); // improbable
        Assert.False(o.NeedsFallback(R(2.0, -1.5, 0.7))); // silence
        Assert.True(o.NeedsFallback(R(2.5, -0.5, 0.7))); // confident but repetitive
    }

    [Fact]
    public async Task Silent_window_is_skipped_when_no_speech_is_likely_and_the_text_improbable()
    {
        var engine = new ScriptedEngine(ctx =>
        {
            var silent = SeekOf(ctx) == 0;
            if (ctx.Tokens[^1] == S.StartOfTranscript)
            {
                var row = Logits.Flat(51865, 0f);
                row[S.NoSpeech] = silent ? 20f : -20f;
                row[Tb] = 5f;
                return row;
            }
            var sampled = Sampled(ctx.Tokens);
            if (silent) return sampled.Length < 3 ? Logits.Flat(51865, 0f) : Certain(S.EndOfText); // improbable text
            int[] plan = [Tb, 10, Tb + 100];
            return Certain(sampled.Length < plan.Length ? plan[sampled.Length] : S.EndOfText);
        });
        var segments = await Run(engine, MarkedMel(40), Greedy with { Temperatures = [0f] });
        var s = Assert.Single(segments);
        Assert.Equal(3000, s.Seek);
        Assert.Equal(30.0, s.Start);
    }

    [Fact]
    public async Task Clip_timestamps_restrict_the_windows()
    {
        var engine = new ScriptedEngine(Plan(_ => [Tb, 10, Tb + 100, Tb + 100]));
        var segments = await Run(engine, MarkedMel(60), Greedy with { ClipTimestamps = [5, 8] });
        Assert.All(segments, s => Assert.InRange(s.Start, 5.0, 8.0));
        Assert.All(segments, s => Assert.InRange(s.End, 5.0, 8.0));
        Assert.Equal(500, segments[0].Seek);
    }

    [Fact]
    public async Task Seeks_never_go_backwards_and_segments_stay_ordered_inside_the_audio()
    {
        await Gen.Select(Gen.Int[50, 9000], Gen.Int[0, 1000]).SampleAsync(async t =>
        {
            var (contentFrames, seed) = t;
            var engine = new ScriptedEngine(Plan(seek => RandomPlan(seed + seek)));
            var duration = contentFrames / 100.0;
            var segments = await Run(engine, MarkedMel(duration), Greedy with { Temperatures = [0f] });
            for (var i = 0; i < segments.Count; i++)
            {
                var s = segments[i];
                Assert.InRange(s.Start, 0, duration);
                Assert.InRange(s.End, s.Start, duration);
                if (i == 0) continue;
                Assert.True(s.Seek >= segments[i - 1].Seek, "seek went backwards");
                Assert.True(s.Start >= segments[i - 1].Start - 1e-9, "segments out of order");
            }
        }, iter: 40);
    }

    /// <summary>A random but grammatical window: pairs of rising timestamps, then one of openai's three endings.</summary>
    private static int[] RandomPlan(int seed)
    {
        var random = new Random(seed);
        var tokens = new List<int>();
        var t = random.Next(0, 51);
        tokens.Add(Tb + t);
        var pairs = random.Next(1, 4);
        for (var p = 0; p < pairs; p++)
        {
            tokens.Add(10 + random.Next(100));
            t = Math.Min(1500, t + random.Next(1, 600));
            tokens.Add(Tb + t);
            if (p < pairs - 1 || random.Next(3) == 0) tokens.Add(Tb + t);
        }
        if (tokens[^1] == tokens[^2] && random.Next(2) == 0) tokens.Add(10); // unfinished text at the end
        return [.. tokens];
    }
}
