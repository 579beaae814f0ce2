using Hark.Benchmarking;
using Hark.Engines;
using Hark.Transcription;

namespace Hark.Tests.Benchmarking;

public sealed class BenchRecommenderTests
{
    internal static BenchResult Result(string engine, string precision, int batch, double latency, double throughput, long peakMiB)
    {
        var configuration = new BenchConfiguration(BenchConfiguration.ParseEngine(engine), BenchPrecisions.Parse(precision), batch);
        var s = (double v) => SampleStatistics.Of([v * 0.9, v, v * 1.1]);
        return new BenchResult
        {
            Configuration = configuration,
            Engine = new EngineDescription(engine, EngineDevice.Cpu, configuration.Precision, 2, 1000),
            ModelPath = "models/m",
            LatencySeconds = s(latency),
            RealTimeFactor = s(latency / 10),
            AudioSecondsPerSecond = s(throughput),
            EncoderMsPerWindow = s(100),
            DecoderMsPerToken = s(5),
            PeakRssBytes = peakMiB << 20,
            LoadRssBytes = 1 << 20,
            TokensPerRun = 100,
            Texts = ["hello"],
            Command = BenchRecommender.CommandLine(configuration, "models/m", 1, 0),
        };
    }

    public static TheoryData<string, string, string, string> Cases => new()
    {
        // rows: engine precision batch latency throughput peakMiB; expected latency / throughput / memory picks
        { "managed fp32 1 2.0 5 300; onnx int8 1 1.0 9 250; onnx int8 4 3.0 20 400", "onnx int8 b1", "onnx int8 b4", "onnx int8 b1" },
        { "managed int8 1 1.5 6 150; onnx fp32 1 1.2 8 350", "onnx fp32 b1", "onnx fp32 b1", "managed int8 b1" },
        // Equal memory (within 1 MiB): the faster of the two.
        { "managed int8 1 3.0 4 200; onnx int4 1 2.0 7 200", "onnx int4 b1", "onnx int4 b1", "onnx int4 b1" },
        // Ties on latency go to the first listed.
        { "managed fp32 1 1.0 5 300; onnx fp32 1 1.0 5 300", "managed fp32 b1", "managed fp32 b1", "managed fp32 b1" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_goal_picks_the_configuration_with_the_best_median(string rows, string latency, string throughput, string memory)
    {
        var results = rows.Split(';').Select(r => r.Trim().Split(' ')).Select(f => Result(f[0], f[1], int.Parse(f[2]),
            double.Parse(f[3], System.Globalization.CultureInfo.InvariantCulture), double.Parse(f[4], System.Globalization.CultureInfo.InvariantCulture),
            long.Parse(f[5]))).ToList();

        var picks = BenchRecommender.Recommend(results);

        Assert.Equal([BenchRecommender.LowestLatency, BenchRecommender.HighestThroughput, BenchRecommender.LeastMemory], picks.Select(p => p.Goal));
        Assert.Equal([latency, throughput, memory], picks.Select(p => p.Configuration));
    }

    [Fact]
    public void Nothing_measured_gives_no_recommendation() => Assert.Empty(BenchRecommender.Recommend([]));

    [Fact]
    public void The_command_line_names_model_engine_precision_beam_batch_size_and_vad()
    {
        var single = BenchRecommender.CommandLine(new BenchConfiguration(EngineKind.Onnx, ComputePrecision.Int8, 1), "cache/onnx/abc-int8", 5, 2);
        Assert.Equal("hark transcribe AUDIO --model cache/onnx/abc-int8 --engine onnx --beam-size 5 --temperature-increment-on-fallback 0 --threads 2", single);

        var batched = BenchRecommender.CommandLine(new BenchConfiguration(EngineKind.Managed, ComputePrecision.Float32, 4), "my models/x", 1, 0);
        Assert.StartsWith("hark transcribe AUDIO --model 'my models/x' --engine managed --compute-type fp32 --beam-size 1 --temperature-increment-on-fallback 0", batched, StringComparison.Ordinal);
        Assert.EndsWith("--temperature-increment-on-fallback 0 --batch-size 4", batched, StringComparison.Ordinal);

        var vad = BenchRecommender.CommandLine(new BenchConfiguration(EngineKind.Managed, ComputePrecision.Int8, 8), "m", 1, 2, vadFilter: true);
        Assert.EndsWith("--threads 2 --vad-filter --batch-size 8", vad, StringComparison.Ordinal);
    }
}
