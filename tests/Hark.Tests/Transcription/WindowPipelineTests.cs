using Hark.Checkpoints;
using Hark.Engines;
using Hark.Engines.Cpu;
using Hark.Engines.Instrumentation;
using Hark.Tests.Decoding;
using Hark.Tests.Engines;
using Hark.Tokenization;
using Hark.Transcription;
using static Hark.Tests.Decoding.Scripts;

namespace Hark.Tests.Transcription;

/// <summary>
/// The window pipeline's promises: each window encoded once and its cross-attention K/V computed once, whatever
/// language detection and temperature fallback ask for; batched windows decode as they would alone.
/// </summary>
public class WindowPipelineTests
{
    private static readonly Lazy<WhisperTokenizer> Tokenizer = new(() => WhisperTokenizer.FromFolder(Fixtures.Path("hf/whisper-base")));

    private static readonly TranscriptionOptions Greedy = new()
    {
        Language = "en", BeamSize = null, Temperatures = [0f], MaxNewTokens = 12,
    };

    [Fact]
    public async Task Detection_and_fallback_encode_each_window_once_and_compute_its_cross_attention_once()
    {
        var config = WhisperPresets.Get("test");
        var backend = new CountingBackend(new CpuBackend(1));
        using var managed = ManagedEngine.Load(config, new RandomWhisperWeights(config, 7), new ManagedEngineOptions(), backend);
        using var engine = new TimedEngine(managed);
        using var model = new WhisperModel(engine, new TokenizerAdapter(Tokenizer.Value));
        // Detection, then the whole schedule: the random model's repetitive text fails every temperature.
        var options = Greedy with { Language = null, Temperatures = TranscriptionOptions.DefaultTemperatures, BestOf = 2 };
        var (info, segments) = await RandomModelTranscriptionTests.Run(model, RandomModel.LongformMel(), options);

        Assert.NotNull(info.AllLanguageProbs);
        Assert.All(segments, s => Assert.Equal(1.0f, s.Temperature)); // every window fell back to the last temperature
        var windows = segments.Select(s => s.Seek).Distinct().Count();
        Assert.Equal(4, windows);
        Assert.Equal(windows, engine.Timings.Windows);
        for (var l = 0; l < config.DecoderLayers; l++)
        {
            Assert.Equal(windows, backend.LinearCalls(managed.Weights.DecoderLayers[l].Cross.K));
            Assert.Equal(windows, backend.LinearCalls(managed.Weights.DecoderLayers[l].Cross.V));
        }
    }

    [Fact]
    public async Task Batched_windows_decode_exactly_as_each_window_alone()
    {
        using var model = RandomModel.Create();
        var mel = RandomModel.LongformMel();
        var pipeline = new TranscriptionPipeline(model.Engine, model.Tokenizer);
        AudioWindow[] windows = [new(0, 3000), new(3000, 3000), new(500, 1200), new(9000, 1685)];
        var alone = await Decode(pipeline, mel, windows, batchSize: 1);
        var together = await Decode(pipeline, mel, windows, batchSize: 3);
        Assert.Equal(windows.Select(w => w.Start), alone.Select(s => s.Seek).Distinct());
        Assert.Equal(alone.Select(s => (s.Seek, s.Start, s.End, s.Text)), together.Select(s => (s.Seek, s.Start, s.End, s.Text)));
        Assert.Equal(alone.Select(s => s.Tokens), together.Select(s => s.Tokens));
        Assert.Equal(alone.Select(s => s.AvgLogprob), together.Select(s => s.AvgLogprob));
    }

    [Fact]
    public async Task Batch_size_option_cuts_clips_into_thirty_second_windows_decoded_together()
    {
        using var model = RandomModel.Create();
        var mel = RandomModel.LongformMel();
        var (_, batched) = await RandomModelTranscriptionTests.Run(model, mel, Greedy with { BatchSize = 4 });
        var pipeline = new TranscriptionPipeline(model.Engine, model.Tokenizer);
        var alone = await Decode(pipeline, mel, [new(0, 3000), new(3000, 3000), new(6000, 3000), new(9000, 1685)], batchSize: 1);
        Assert.Equal(alone.Select(s => (s.Seek, s.Text)), batched.Select(s => (s.Seek, s.Text)));
        Assert.Equal(Enumerable.Range(0, batched.Count), batched.Select(s => s.Id));
        RandomModelTranscriptionTests.AssertLongFormInvariants(batched, mel.Duration);
    }

    [Fact]
    public async Task Batched_fallback_re_decodes_only_the_failed_windows_together()
    {
        // The window at 30 s repeats one token at every temperature (compression ratio ≫ 2.4); the others end at once.
        var engine = new ScriptedEngine(ctx =>
        {
            var seek = (int)ctx.Window[0] - 1;
            var sampled = Sampled(ctx.Tokens);
            var stuck = seek == 3000 && sampled.Length < 40;
            return Certain(sampled.Length == 0 || stuck ? 100 : S.EndOfText);
        });
        var pipeline = new TranscriptionPipeline(engine, new FakeTokenizer());
        var options = new TranscriptionOptions
        {
            Language = "en", BeamSize = null, BestOf = 2, WithoutTimestamps = true, LogProbThreshold = null,
            Temperatures = [0f, 0.5f], MaxNewTokens = 40, BatchSize = 3,
        };
        var segments = await Collect(pipeline, TranscriberTests.MarkedMel(85), options);
        Assert.Equal(1, engine.Encodes); // three windows, one encoder batch
        Assert.Equal(1, engine.Factories); // one decoder factory for both temperatures
        Assert.Equal(3, engine.StepRows[0]); // temperature 0: the three windows side by side
        Assert.Equal(2, engine.StepRows[^1]); // temperature 0.5: best-of 2 of the failed window only
        Assert.Equal(3 + 2, engine.Prompts.Count);
        Assert.Equal([0f, 0.5f, 0f], segments.Select(s => s.Temperature));
    }

    private static async Task<List<Segment>> Collect(TranscriptionPipeline pipeline, MelFeatures mel, TranscriptionOptions options)
    {
        var segments = new List<Segment>();
        await foreach (var s in pipeline.RunAsync(pipeline.Prepare(mel, options))) segments.Add(s);
        return segments;
    }

    [Fact]
    public void Windows_of_different_recordings_with_prompts_of_one_length_share_decoder_steps_and_decode_as_alone()
    {
        // A server's concurrent recordings: each later window carries its own previous text (here four tokens each).
        var config = WhisperPresets.Get("test");
        using var managed = ManagedEngine.Load(config, new RandomWhisperWeights(config, 7), new ManagedEngineOptions());
        using var engine = new TimedEngine(managed);
        var pipeline = new TranscriptionPipeline(engine, new TokenizerAdapter(Tokenizer.Value));
        var mel = RandomModel.LongformMel();
        using var run = pipeline.Prepare(mel, Greedy);
        int[][] prompts = [[220, 1002, 3003, 4004], [1500, 2500, 3500, 4500], [7, 8, 9, 10]];
        AudioWindow[] windows = [new(0, 3000), new(3000, 3000), new(6000, 3000)];
        WindowWork Work(int i) => new(run, windows[i], o => o with { Prompt = prompts[i] });

        engine.Reset();
        var together = pipeline.DecodeTogether([.. Enumerable.Range(0, 3).Select(Work)], default);
        var sharedSteps = engine.Timings.Steps;
        var steps = new List<long>();
        var alone = Enumerable.Range(0, 3).Select(i =>
        {
            engine.Reset();
            var result = pipeline.DecodeTogether([Work(i)], default)[0];
            steps.Add(engine.Timings.Steps);
            return result;
        }).ToList();

        Assert.Equal(alone.Select(r => r.Tokens), together.Select(r => r.Tokens));
        Assert.Equal(alone.Select(r => r.AvgLogprob), together.Select(r => r.AvgLogprob));
        Assert.Equal(alone.Select(r => r.NoSpeechProb), together.Select(r => r.NoSpeechProb));
        Assert.Equal(steps.Max(), sharedSteps); // one session: its steps are the longest window's, not the sum
    }

    private static async Task<List<Segment>> Decode(TranscriptionPipeline pipeline, MelFeatures mel, IReadOnlyList<AudioWindow> windows, int batchSize)
    {
        using var run = pipeline.Prepare(mel, Greedy with { BatchSize = batchSize });
        var segments = new List<Segment>();
        await foreach (var s in pipeline.Batched(batchSize).RunWindowsAsync(run, windows, null, default)) segments.Add(s);
        return segments;
    }
}
