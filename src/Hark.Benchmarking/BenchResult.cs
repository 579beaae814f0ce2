using Hark.Engines;

namespace Hark.Benchmarking;

/// <summary>Everything measured for one configuration (statistics over the measured runs).</summary>
public sealed record BenchResult
{
    /// <summary>The configuration.</summary>
    public required BenchConfiguration Configuration { get; init; }

    /// <summary>What the engine reported about itself.</summary>
    public required EngineDescription Engine { get; init; }

    /// <summary>Folder the engine loaded (the model, or the cached ONNX export).</summary>
    public required string ModelPath { get; init; }

    /// <summary>Seconds from start to end of one file's transcription, averaged over the files of a run.</summary>
    public required SampleStatistics LatencySeconds { get; init; }

    /// <summary>Real-time factor per stream: transcription seconds per audio second (lower is faster).</summary>
    public required SampleStatistics RealTimeFactor { get; init; }

    /// <summary>Audio seconds transcribed per wall-clock second over all streams of the batch.</summary>
    public required SampleStatistics AudioSecondsPerSecond { get; init; }

    /// <summary>Encoder milliseconds per 30 s window.</summary>
    public required SampleStatistics EncoderMsPerWindow { get; init; }

    /// <summary>Decoder milliseconds per step (one token for every sequence of the session).</summary>
    public required SampleStatistics DecoderMsPerToken { get; init; }

    /// <summary>
    /// Peak resident memory a process running only this configuration would need: the process baseline before any
    /// engine was loaded, plus the resident growth when this engine loaded, plus the largest growth above the resident
    /// size during one of its runs (the kernel's peak is reset before each run).
    /// </summary>
    public required long PeakRssBytes { get; init; }

    /// <summary>Resident growth when the engine loaded.</summary>
    public required long LoadRssBytes { get; init; }

    /// <summary>Tokens generated per run (all files, all streams), median over runs.</summary>
    public required double TokensPerRun { get; init; }

    /// <summary>Corpus word error rate against the references (English normaliser for English inputs); null without references.</summary>
    public double? WordErrorRate { get; init; }

    /// <summary>Corpus character error rate; null without references.</summary>
    public double? CharacterErrorRate { get; init; }

    /// <summary>1 − token edit distance / length against the fp32 tokens of the same engine; null without an fp32 run.</summary>
    public double? TokenAgreement { get; init; }

    /// <summary>Transcript of each input (last measured run, first stream).</summary>
    public required IReadOnlyList<string> Texts { get; init; }

    /// <summary>The <c>hark transcribe</c> command line that runs this configuration.</summary>
    public required string Command { get; init; }
}

/// <summary>Which configuration to use for one goal.</summary>
/// <param name="Goal">The goal (<c>lowest latency</c>, <c>highest throughput</c>, <c>least memory</c>).</param>
/// <param name="Configuration">The configuration's label.</param>
/// <param name="Why">The figure that decided it.</param>
/// <param name="Command">The command line to use.</param>
public sealed record BenchRecommendation(string Goal, string Configuration, string Why, string Command);

/// <summary>A whole bench: what was run, on what, and the results.</summary>
public sealed record BenchReport
{
    /// <summary>Model folder (or synthetic preset) measured.</summary>
    public required string Model { get; init; }

    /// <summary>Synthetic preset name, or null for a real model.</summary>
    public string? SyntheticPreset { get; init; }

    /// <summary>Audio files transcribed per stream and run.</summary>
    public required IReadOnlyList<BenchInput> Inputs { get; init; }

    /// <summary>Audio seconds of the inputs (one stream).</summary>
    public required double AudioSeconds { get; init; }

    /// <summary>The options.</summary>
    public required BenchOptions Options { get; init; }

    /// <summary>What the batch size means here.</summary>
    public required string BatchMeaning { get; init; }

    /// <summary>How peak memory is attributed to a configuration.</summary>
    public required string MemoryMethod { get; init; }

    /// <summary>Logical CPU cores of the machine.</summary>
    public required int LogicalCores { get; init; }

    /// <summary>1-minute load average at the start (Linux), null elsewhere: how busy the machine was.</summary>
    public double? LoadAverage { get; init; }

    /// <summary>Process resident memory before any engine was loaded.</summary>
    public required long BaselineRssBytes { get; init; }

    /// <summary>Measured configurations, in matrix order.</summary>
    public required IReadOnlyList<BenchResult> Results { get; init; }

    /// <summary>Configurations not run, with reasons.</summary>
    public required IReadOnlyList<SkippedConfiguration> Skipped { get; init; }

    /// <summary>Picks for the three goals (empty when nothing ran).</summary>
    public required IReadOnlyList<BenchRecommendation> Recommendations { get; init; }

    /// <summary>Wall-clock seconds of the whole bench (conversions included).</summary>
    public required double WallSeconds { get; init; }
}
