using System.Text.Json;
using Hark.Benchmarking;
using Hark.Engines;
using Hark.Transcription;

namespace Hark.Tests.Benchmarking;

public sealed class BenchJsonTests
{
    internal static BenchReport Report(IReadOnlyList<BenchResult> results) => new()
    {
        Model = "models/m",
        SyntheticPreset = "test",
        Inputs = [new BenchInput("a.wav", "hello", null)],
        AudioSeconds = 4.2,
        Options = new BenchOptions { CacheDirectory = "c" },
        BatchMeaning = BenchRunner.BatchMeaning,
        MemoryMethod = BenchRunner.MemoryMethod,
        LogicalCores = 2,
        LoadAverage = null,
        BaselineRssBytes = 100 << 20,
        Results = results,
        Skipped = [new SkippedConfiguration(new BenchConfiguration(EngineKind.Managed, ComputePrecision.Int4, 1), "no int4")],
        Recommendations = BenchRecommender.Recommend(results),
        WallSeconds = 12,
    };

    [Fact]
    public void The_report_has_snake_case_sections_statistics_and_nulls_for_unknowns()
    {
        var results = new[]
        {
            BenchRecommenderTests.Result("managed", "fp32", 1, 2.0, 5, 300) with { WordErrorRate = 0.25, TokenAgreement = 1 },
            BenchRecommenderTests.Result("onnx", "int8", 4, 1.0, 9, 250),
        };

        using var doc = JsonDocument.Parse(BenchJson.Serialize(Report(results)));
        var root = doc.RootElement;

        Assert.Equal(BenchJson.SchemaVersion, root.GetProperty("schema_version").GetInt32());
        Assert.Equal("test", root.GetProperty("synthetic_preset").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("machine").GetProperty("load_average_1m").ValueKind);
        Assert.Equal([1], root.GetProperty("options").GetProperty("batch_sizes").EnumerateArray().Select(e => e.GetInt32()));
        Assert.True(root.GetProperty("inputs")[0].GetProperty("has_reference").GetBoolean());

        var first = root.GetProperty("results")[0];
        Assert.Equal("managed fp32 b1", first.GetProperty("name").GetString());
        Assert.Equal(1, first.GetProperty("batch_size").GetInt32());
        var stats = first.GetProperty("audio_seconds_per_second");
        Assert.Equal(["count", "min", "q1", "median", "q3", "max"], stats.EnumerateObject().Select(p => p.Name));
        Assert.Equal(5, stats.GetProperty("median").GetDouble(), 9);
        foreach (var key in new[] { "latency_seconds", "real_time_factor", "encoder_ms_per_window", "decoder_ms_per_token" })
            Assert.Equal(3, first.GetProperty(key).GetProperty("count").GetInt32());
        Assert.Equal(300L << 20, first.GetProperty("peak_rss_bytes").GetInt64());
        Assert.Equal(0.25, first.GetProperty("wer").GetDouble());
        Assert.Equal(JsonValueKind.Null, first.GetProperty("cer").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("results")[1].GetProperty("token_agreement_fp32").ValueKind);

        var skipped = Assert.Single(root.GetProperty("skipped").EnumerateArray());
        Assert.Equal("managed int4 b1", skipped.GetProperty("name").GetString());
        Assert.Equal("no int4", skipped.GetProperty("reason").GetString());

        var goals = root.GetProperty("recommendations").EnumerateArray().ToList();
        Assert.Equal(3, goals.Count);
        Assert.All(goals, g => Assert.StartsWith("hark transcribe AUDIO --model", g.GetProperty("command").GetString(), StringComparison.Ordinal));
    }
}
