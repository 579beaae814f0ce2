using System.Text.Json;
using Hark.Checkpoints;
using Hark.Engines;
using Hark.Tokenization;
using Hark.Transcription;

namespace Hark.Tests.Transcription;

/// <summary>
/// The golden cases of the window pipeline: random-weight <c>test</c> and <c>tiny</c> models with whisper-base's real
/// tokenizer on two real recordings, greedy and beam 5, with language detection. The tokens of every segment were
/// recorded before the pipeline refactor (<c>Data/pipeline-goldens.json</c>); the refactor must reproduce them exactly.
/// </summary>
internal static class PipelineGoldens
{
    private static readonly Lazy<WhisperTokenizer> Tokenizer = new(() => WhisperTokenizer.FromFolder(Fixtures.Path("hf/whisper-base")));

    /// <summary>One golden case: a model, a recording and the decoding.</summary>
    public sealed record Case(string Name, string Preset, string Audio, int? BeamSize, IReadOnlyList<float> Temperatures);

    /// <summary>What one segment must hold.</summary>
    public sealed record GoldenSegment(int Seek, float Temperature, int[] Tokens);

    /// <summary>What one case must produce.</summary>
    public sealed record GoldenRun(string Language, GoldenSegment[] Segments);

    // Greedy on the test preset also falls back (its random output is repetitive, so every temperature is tried),
    // which pins the sampler's per-window seeds; the other cases decode at temperature 0 only, so beam search is what
    // they pin, and the suite stays fast.
    public static IReadOnlyList<Case> Cases { get; } =
    [
        new("test-jfk-greedy", "test", "audio/jfk.wav", null, [0f, 0.5f, 1f]),
        new("test-jfk-beam5", "test", "audio/jfk.wav", 5, [0f]),
        new("test-longform-greedy", "test", "audio/espeak/longform.wav", null, [0f, 0.5f, 1f]),
        new("test-longform-beam5", "test", "audio/espeak/longform.wav", 5, [0f]),
        new("tiny-jfk-greedy", "tiny", "audio/jfk.wav", null, [0f]),
        new("tiny-jfk-beam5", "tiny", "audio/jfk.wav", 5, [0f]),
        new("tiny-longform-greedy", "tiny", "audio/espeak/longform.wav", null, [0f]),
        new("tiny-longform-beam5", "tiny", "audio/espeak/longform.wav", 5, [0f]),
    ];

    public static string DataPath => Path.Combine(Fixtures.RepoRoot, "tests", "Hark.Tests", "Transcription", "Data", "pipeline-goldens.json");

    public static WhisperModel Model(string preset, ulong seed = 7)
    {
        var config = WhisperPresets.Get(preset);
        var engine = ManagedEngine.Load(config, new RandomWhisperWeights(config, seed), new ManagedEngineOptions { Threads = 2 });
        return new WhisperModel(engine, new TokenizerAdapter(Tokenizer.Value));
    }

    public static TranscriptionOptions Options(Case c) => new()
    {
        Language = null, BeamSize = c.BeamSize, BestOf = 2, Temperatures = c.Temperatures, MaxNewTokens = 20, Seed = 3,
    };

    public static async Task<GoldenRun> Run(WhisperModel model, Case c)
    {
        var transcription = model.TranscribeAsync(Fixtures.Path(c.Audio), Options(c));
        var result = await transcription.ToResultAsync();
        return new GoldenRun(result.Language, [.. result.Segments.Select(s => new GoldenSegment(s.Seek, s.Temperature, [.. s.Tokens]))]);
    }

    public static Dictionary<string, GoldenRun> Load() =>
        JsonSerializer.Deserialize<Dictionary<string, GoldenRun>>(File.ReadAllText(DataPath))
        ?? throw new InvalidOperationException("empty golden file");

    public static string Serialize(Dictionary<string, GoldenRun> runs) =>
        JsonSerializer.Serialize(runs).Replace("},\"", "},\n\"");
}
