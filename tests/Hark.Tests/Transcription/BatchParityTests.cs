using Hark.Checkpoints;
using Hark.Engines;
using Hark.Engines.Onnx;
using Hark.Formats.Onnx;
using Hark.Tests.Onnx;
using Hark.Tokenization;
using Hark.Transcription;

namespace Hark.Tests.Transcription;

/// <summary>
/// Batching does not change results: for the same windows, each window's tokens at fp32 with batch size 8 equal those
/// of batch size 1, greedily and with every window forced through the whole fallback schedule (sampled, best-of 2),
/// on the managed engine and on ONNX Runtime.
/// </summary>
public class BatchParityTests
{
    private static readonly Lazy<WhisperTokenizer> Tokenizer = new(() => WhisperTokenizer.FromFolder(Fixtures.Path("hf/whisper-base")));

    /// <summary>Nine windows of longform's features (10685 frames): whole, short, overlapping, the tail. Batch 8 leaves
    /// the ninth for a second batch.</summary>
    private static readonly AudioWindow[] Windows =
        [new(0, 3000), new(3000, 3000), new(6000, 3000), new(9000, 1685), new(500, 1200), new(2000, 2500), new(7000, 400), new(10000, 685), new(1500, 3000)];

    /// <summary>No window is skipped as silence, so every window yields segments to compare.</summary>
    private static readonly TranscriptionOptions Greedy = new()
    {
        Language = "en", BeamSize = null, Temperatures = [0f], MaxNewTokens = 12, NoSpeechThreshold = null,
    };

    /// <summary>Every average log-probability is below 0, so every window fails every temperature and ends sampled at the
    /// last one. That one is hot (4) so the draws matter: the test preset's logits are so peaked that at 1.0 sampling
    /// nearly always picks the argmax, and windows sharing one generator would go unnoticed.</summary>
    private static readonly TranscriptionOptions ForcedFallback = Greedy with
    {
        Temperatures = [0f, 0.5f, 4f], BestOf = 2, LogProbThreshold = 0.0, CompressionRatioThreshold = null, Seed = 11,
    };

    public static TheoryData<string, bool> Cases() => new()
    {
        { "managed", false }, { "managed", true }, { "onnx", false }, { "onnx", true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Each_window_decodes_the_same_tokens_at_batch_size_8_as_alone(string engineName, bool fallback)
    {
        using var engine = Load(engineName);
        var pipeline = new TranscriptionPipeline(engine, new TokenizerAdapter(Tokenizer.Value));
        var mel = RandomModel.LongformMel();
        var options = fallback ? ForcedFallback : Greedy;
        var alone = await Decode(pipeline, mel, options, batchSize: 1);
        var together = await Decode(pipeline, mel, options, batchSize: 8);

        Assert.Equal(Windows.Select(w => w.Start), alone.Select(s => s.Seek).Distinct());
        Assert.All(alone, s => Assert.Equal(fallback ? 4f : 0f, s.Temperature));
        Assert.Equal(PerWindow(alone), PerWindow(together));
    }

    [Fact]
    public async Task Each_window_gets_the_same_words_and_times_at_batch_size_8_as_alone()
    {
        using var engine = Load("managed");
        var pipeline = new TranscriptionPipeline(engine, new TokenizerAdapter(Tokenizer.Value));
        var mel = RandomModel.LongformMel();
        var options = Greedy with { WordTimestamps = true };
        var alone = await Decode(pipeline, mel, options, batchSize: 1);
        var together = await Decode(pipeline, mel, options, batchSize: 8);

        Assert.Equal(PerWindow(alone), PerWindow(together));
        var words = alone.SelectMany(s => s.Words ?? []).ToList();
        Assert.NotEmpty(words);
        Assert.Equal(words, together.SelectMany(s => s.Words ?? []));
        foreach (var s in together.Where(s => s.Text.Length > 0))
        {
            Assert.NotNull(s.Words);
            Assert.Equal(s.Text.Trim(), string.Concat(s.Words.Select(w => w.Word)).Trim());
            Assert.All(s.Words, w => Assert.InRange(w.Start, s.Start, w.End));
        }
    }

    /// <summary>Each window's tokens (its segments' tokens joined) and the temperature it ended at, in window order.</summary>
    private static List<(int Seek, float Temperature, string Tokens)> PerWindow(IEnumerable<Segment> segments) =>
        [.. segments.GroupBy(s => s.Seek).Select(g => (g.Key, g.First().Temperature, string.Join(' ', g.SelectMany(s => s.Tokens))))];

    private static IWhisperEngine Load(string engine)
    {
        if (engine == "onnx")
            return OnnxEngine.Load(OnnxTestModels.Folder(OnnxPrecision.Float32), new OnnxEngineOptions { IntraOpThreads = 1 });
        var config = WhisperPresets.Get("test");
        return ManagedEngine.Load(config, new RandomWhisperWeights(config, OnnxTestModels.Seed),
            new ManagedEngineOptions { Threads = 1, Precision = ComputePrecision.Float32 });
    }

    private static async Task<List<Segment>> Decode(TranscriptionPipeline pipeline, MelFeatures mel, TranscriptionOptions options, int batchSize)
    {
        using var run = pipeline.Prepare(mel, options with { BatchSize = batchSize });
        var segments = new List<Segment>();
        await foreach (var s in pipeline.Batched(batchSize).RunWindowsAsync(run, Windows, null, default)) segments.Add(s);
        return segments;
    }
}
