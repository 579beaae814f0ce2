using Hark.Transcription;

namespace Hark.Tests.Transcription;

/// <summary>
/// End to end on a <c>test</c>-preset model with random weights: determinism across runs and thread counts, and
/// the long-form invariants. Token budgets are small because the random model never stops on its own.
/// </summary>
public class RandomModelTranscriptionTests
{
    private static readonly TranscriptionOptions Fast = new()
    {
        Language = "en", BeamSize = null, Temperatures = [0f], MaxNewTokens = 12,
    };

    internal static async Task<(TranscriptionInfo Info, List<Segment> Segments)> Run(WhisperModel model, MelFeatures mel, TranscriptionOptions options)
    {
        var transcription = model.TranscribeAsync(mel, options);
        var segments = new List<Segment>();
        await foreach (var s in transcription) segments.Add(s);
        return (await transcription.Info, segments);
    }

    internal static void AssertLongFormInvariants(IReadOnlyList<Segment> segments, double duration)
    {
        Assert.NotEmpty(segments);
        for (var i = 0; i < segments.Count; i++)
        {
            var s = segments[i];
            Assert.Equal(i, s.Id);
            Assert.InRange(s.Start, 0, duration);
            Assert.InRange(s.End, s.Start, duration);
            if (i == 0) continue;
            Assert.True(s.Seek >= segments[i - 1].Seek, "seek went backwards");
            Assert.True(s.Start >= segments[i - 1].Start, "segments out of order");
        }
    }

    private static IEnumerable<int> Tokens(IEnumerable<Segment> segments) => segments.SelectMany(s => s.Tokens);

    [Theory]
    [InlineData(null)]
    [InlineData(5)]
    public async Task Longform_tokens_are_identical_with_one_and_two_threads(int? beam)
    {
        var mel = RandomModel.LongformMel();
        var options = Fast with { BeamSize = beam };
        using var one = RandomModel.Create(threads: 1);
        using var two = RandomModel.Create(threads: 2);
        var (info, a) = await Run(one, mel, options);
        var (_, b) = await Run(two, mel, options);
        Assert.Equal(106.85, info.Duration, 2);
        Assert.Equal(Tokens(a), Tokens(b));
        Assert.Equal(a.Select(s => (s.Start, s.End, s.Text)), b.Select(s => (s.Start, s.End, s.Text)));
        AssertLongFormInvariants(a, info.Duration);
        Assert.Equal(4, a.Select(s => s.Seek).Distinct().Count()); // 107 s in four windows
    }

    [Theory]
    [InlineData(null)]
    [InlineData(5)]
    public async Task Jfk_file_tokens_are_identical_run_to_run_and_with_two_threads(int? beam)
    {
        var options = Fast with { BeamSize = beam, MaxNewTokens = 16 };
        using var one = RandomModel.Create(threads: 1);
        using var two = RandomModel.Create(threads: 2);
        var path = Fixtures.Path("audio/jfk.wav");
        var first = one.TranscribeAsync(path, options);
        var a = await first.ToResultAsync();
        var b = await one.TranscribeAsync(path, options).ToResultAsync();
        var c = await two.TranscribeAsync(path, options).ToResultAsync();
        Assert.Equal(Tokens(a.Segments), Tokens(b.Segments));
        Assert.Equal(Tokens(a.Segments), Tokens(c.Segments));
        var info = await first.Info;
        Assert.Equal(11.0, info.Duration, 2);
        AssertLongFormInvariants(a.Segments, info.Duration);
    }

    [Fact]
    public async Task Language_is_detected_on_the_first_window_and_reported_with_its_probability()
    {
        using var model = RandomModel.Create();
        var mel = RandomModel.LongformMel();
        var (info, segments) = await Run(model, mel, Fast with { Language = null, ClipTimestamps = [0, 5] });
        Assert.NotNull(info.AllLanguageProbs);
        Assert.Equal(info.AllLanguageProbs!.Values.Max(), info.LanguageProbability, 12);
        Assert.Equal(1.0, info.AllLanguageProbs.Values.Sum(), 6);
        Assert.Equal(info.AllLanguageProbs.MaxBy(kv => kv.Value).Key, info.Language);
        Assert.All(segments, s => Assert.InRange(s.End, 0, 5.0));
    }

    [Fact]
    public async Task Repetitive_random_output_falls_back_through_the_temperature_schedule()
    {
        using var model = RandomModel.Create();
        var options = Fast with { Temperatures = TranscriptionOptions.DefaultTemperatures, MaxNewTokens = 24, BestOf = 2, ClipTimestamps = [0, 10] };
        var (_, segments) = await Run(model, RandomModel.LongformMel(), options);
        // The random model repeats one word: every temperature fails the compression-ratio check and the last is kept.
        Assert.All(segments, s => Assert.Equal(1.0f, s.Temperature));
        Assert.All(segments.Where(s => s.Tokens.Count > 0), s => Assert.True(s.CompressionRatio > 2.4));
    }
}
