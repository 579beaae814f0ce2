using System.Text.Json;
using Hark.Serialization;
using Hark.Engines;

namespace Hark.Benchmarking;

/// <summary>
/// Writes a <see cref="BenchReport"/> as JSON (snake_case keys, bytes as integers, statistics as
/// <c>{count, min, q1, median, q3, max}</c>, unknown values as null) for scripts and for comparing machines.
/// </summary>
public static class BenchJson
{
    /// <summary>Version of the JSON shape; bumped on incompatible changes.</summary>
    public const int SchemaVersion = 1;

    /// <summary>The report as indented JSON.</summary>
    public static string Serialize(BenchReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return JsonReport.Serialize(w => Write(w, report));
    }

    private static void Write(Utf8JsonWriter w, BenchReport r)
    {
        w.WriteStartObject();
        w.WriteNumber("schema_version", SchemaVersion);
        w.WriteString("model", r.Model);
        w.WriteString("synthetic_preset", r.SyntheticPreset);
        w.WriteNumber("audio_seconds", r.AudioSeconds);
        w.WriteStartArray("inputs");
        foreach (var input in r.Inputs)
        {
            w.WriteStartObject();
            w.WriteString("path", input.Path);
            w.WriteString("language", input.Language ?? r.Options.Language);
            w.WriteBoolean("has_reference", input.Reference is not null);
            w.WriteEndObject();
        }
        w.WriteEndArray();

        w.WriteStartObject("options");
        w.Strings("engines", r.Options.Engines.Select(BenchConfiguration.EngineName));
        w.Strings("precisions", r.Options.Precisions.Select(BenchPrecisions.ToName));
        w.WriteStartArray("batch_sizes");
        foreach (var b in r.Options.BatchSizes) w.WriteNumberValue(b);
        w.WriteEndArray();
        w.WriteBoolean("vad_filter", r.Options.VadFilter);
        w.WriteNumber("beam_size", r.Options.BeamSize);
        w.WriteNumber("runs", r.Options.Runs);
        w.WriteNumber("warmup", r.Options.Warmup);
        w.WriteNumber("threads", r.Options.Threads);
        w.WriteEndObject();

        w.WriteStartObject("machine");
        w.WriteNumber("logical_cores", r.LogicalCores);
        if (r.LoadAverage is { } load) w.WriteNumber("load_average_1m", load);
        else w.WriteNull("load_average_1m");
        w.WriteNumber("baseline_rss_bytes", r.BaselineRssBytes);
        w.WriteEndObject();

        w.WriteString("batch_meaning", r.BatchMeaning);
        w.WriteString("memory_method", r.MemoryMethod);
        w.WriteNumber("wall_seconds", r.WallSeconds);

        w.WriteStartArray("results");
        foreach (var x in r.Results) WriteResult(w, x);
        w.WriteEndArray();

        w.WriteStartArray("skipped");
        foreach (var s in r.Skipped)
        {
            w.WriteStartObject();
            Configuration(w, s.Configuration);
            w.WriteString("reason", s.Reason);
            w.WriteEndObject();
        }
        w.WriteEndArray();

        w.WriteStartArray("recommendations");
        foreach (var x in r.Recommendations)
        {
            w.WriteStartObject();
            w.WriteString("goal", x.Goal);
            w.WriteString("configuration", x.Configuration);
            w.WriteString("why", x.Why);
            w.WriteString("command", x.Command);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteResult(Utf8JsonWriter w, BenchResult x)
    {
        w.WriteStartObject();
        Configuration(w, x.Configuration);
        w.WriteString("engine_device", x.Engine.Device.ToString());
        w.WriteString("engine_precision", ComputeName(x.Engine.Precision));
        w.WriteNumber("engine_threads", x.Engine.Threads);
        w.WriteNumber("weight_bytes", x.Engine.WeightBytes);
        w.WriteString("model_path", x.ModelPath);
        Stats(w, "latency_seconds", x.LatencySeconds);
        Stats(w, "real_time_factor", x.RealTimeFactor);
        Stats(w, "audio_seconds_per_second", x.AudioSecondsPerSecond);
        Stats(w, "encoder_ms_per_window", x.EncoderMsPerWindow);
        Stats(w, "decoder_ms_per_token", x.DecoderMsPerToken);
        w.WriteNumber("peak_rss_bytes", x.PeakRssBytes);
        w.WriteNumber("load_rss_bytes", x.LoadRssBytes);
        w.WriteNumber("tokens_per_run", x.TokensPerRun);
        w.Number("wer", x.WordErrorRate);
        w.Number("cer", x.CharacterErrorRate);
        w.Number("token_agreement_fp32", x.TokenAgreement);
        w.Strings("texts", x.Texts);
        w.WriteString("command", x.Command);
        w.WriteEndObject();
    }

    private static void Configuration(Utf8JsonWriter w, BenchConfiguration c)
    {
        w.WriteString("name", c.Name);
        w.WriteString("engine", BenchConfiguration.EngineName(c.Engine));
        w.WriteString("device", c.Device.ToString());
        w.WriteString("precision", BenchPrecisions.ToName(c.Precision));
        w.WriteNumber("batch_size", c.BatchSize);
    }

    private static string ComputeName(ComputePrecision p) => p == ComputePrecision.Default ? "default" : BenchPrecisions.ToName(p);

    private static void Stats(Utf8JsonWriter w, string name, SampleStatistics s)
    {
        w.WriteStartObject(name);
        w.WriteNumber("count", s.Count);
        w.WriteNumber("min", s.Min);
        w.WriteNumber("q1", s.Q1);
        w.WriteNumber("median", s.Median);
        w.WriteNumber("q3", s.Q3);
        w.WriteNumber("max", s.Max);
        w.WriteEndObject();
    }
}
