using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Hark.Audio;
using Hark.Benchmarking;
using Hark.Checkpoints;
using Hark.Engines;
using Hark.Engines.Instrumentation;
using Hark.Tokenization;
using Hark.Transcription;

namespace Hark.Bench;

/// <summary>
/// <c>batched</c>: long-form throughput of the window strategies on a recording of real speech with its silences —
/// openai's sequential algorithm (no VAD), VAD only, and VAD + batch N (faster-whisper's batched pipeline) — with
/// random weights, each configuration in its own child process so its peak RSS (VmHWM) is its own.
/// <code>dotnet run -c Release --project bench/Hark.Bench -- batched --presets tiny,base --threads 2 --batches 4,8,16 --out /tmp/batched.json</code>
/// Options: <c>--seconds N</c> (length of the recording, default 600), <c>--max-new-tokens N</c> (default: the
/// transcription default, 224; random weights rarely stop early), <c>--precision fp32|int8|…</c> (default fp32).
/// </summary>
internal static class BatchedBench
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>One configuration's figures, as the child prints them. CPU seconds are the process's over the timed
    /// transcription: on a shared machine audio seconds per CPU second is the steadier figure (spinning workers count).</summary>
    public sealed record Row(string Preset, string Configuration, bool Vad, int BatchSize, int Threads, double AudioSeconds,
        double SpeechSeconds, double LoadSeconds, double WallSeconds, double AudioPerSecond, double CpuSeconds, double AudioPerCpuSecond,
        long Windows, long Tokens, double EncoderSeconds, double DecoderSeconds, long DecoderSteps, int Segments, long PeakRssBytes,
        string LoadAverage);

    public static void Register() => BenchMain.Register("batched",
        "long-form audio s/s and peak RSS: sequential, VAD, VAD + batch N on a 10-minute fixture recording [--presets --threads --batches --seconds --out]",
        RunAsync);

    public static async Task<int> RunAsync(string[] args)
    {
        var o = Options.Parse(args);
        if (o.Child) return await ChildAsync(o).ConfigureAwait(false);

        List<(string Name, bool Vad, int Batch)> configurations = [("sequential", false, 1), ("vad", true, 1), .. o.Batches.Select(b => ($"vad+b{b}", true, b))];
        var rows = new List<Row>();
        Console.WriteLine($"{"preset",-6} {"configuration",-12} {"audio s/s",9} {"× seq",6} {"s/CPU s",7} {"× seq",6} {"wall s",7} {"speech s",8} {"windows",7} {"tokens",7} {"enc s",6} {"dec s",6} {"steps",6} {"peak RSS",9} {"load",5}");
        foreach (var preset in o.Presets)
        {
            Row? sequential = null;
            foreach (var (name, vad, batch) in configurations)
            {
                var row = await RunChildAsync(preset, name, vad, batch, o).ConfigureAwait(false);
                sequential ??= row;
                rows.Add(row);
                Console.WriteLine($"{row.Preset,-6} {row.Configuration,-12} {row.AudioPerSecond,9:F2} {row.AudioPerSecond / sequential.AudioPerSecond,6:F2} " +
                    $"{row.AudioPerCpuSecond,7:F2} {row.AudioPerCpuSecond / sequential.AudioPerCpuSecond,6:F2} {row.WallSeconds,7:F1} {row.SpeechSeconds,8:F1} {row.Windows,7} " +
                    $"{row.Tokens,7} {row.EncoderSeconds,6:F1} {row.DecoderSeconds,6:F1} {row.DecoderSteps,6} {row.PeakRssBytes / 1048576.0,5:F0} MiB {row.LoadAverage,5}");
            }
        }
        Console.WriteLine($"{o.Seconds} s of fixture speech; {o.Precision} weights; {o.Threads} threads; greedy, temperature 0 only, language en; " +
            $"max new tokens {o.MaxNewTokens?.ToString(CultureInfo.InvariantCulture) ?? "default"}; machine: {Environment.ProcessorCount} logical CPUs, load average {LoadAverage()}");
        var dir = Path.GetDirectoryName(Path.GetFullPath(o.Out));
        if (dir is not null) Directory.CreateDirectory(dir);
        await File.WriteAllTextAsync(o.Out, JsonSerializer.Serialize(new
        {
            suite = "batched",
            seconds = o.Seconds,
            precision = o.Precision,
            threads = o.Threads,
            maxNewTokens = o.MaxNewTokens,
            processors = Environment.ProcessorCount,
            rows,
        }, Indented)).ConfigureAwait(false);
        Console.WriteLine($"wrote {o.Out}");
        return 0;
    }

    /// <summary>jfk.wav, then every espeak recording (longform's 3 s pauses included), over and over up to
    /// <paramref name="seconds"/>: real speech with the silences the files have.</summary>
    internal static float[] Recording(int seconds)
    {
        var fixtures = JobsBench.FixturesFolder();
        var files = new[] { Path.Combine(fixtures, "audio", "jfk.wav") }
            .Concat(Directory.GetFiles(Path.Combine(fixtures, "audio", "espeak"), "*.wav").Order(StringComparer.Ordinal))
            .Select(f => AudioLoader.Load(f)).ToList();
        var audio = new float[seconds * AudioConstants.SampleRate];
        for (int at = 0, i = 0; at < audio.Length; i++)
        {
            var file = files[i % files.Count];
            var n = Math.Min(file.Length, audio.Length - at);
            file.AsSpan(0, n).CopyTo(audio.AsSpan(at));
            at += n;
        }
        return audio;
    }

    private static async Task<Row> RunChildAsync(string preset, string name, bool vad, int batch, Options o)
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("no process path");
        var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") start.ArgumentList.Add(typeof(BatchedBench).Assembly.Location);
        string[] childArgs = ["batched", "--child", "--presets", preset, "--name", name, "--vad", vad ? "true" : "false", "--batches", batch.ToString(CultureInfo.InvariantCulture),
            "--threads", o.Threads.ToString(CultureInfo.InvariantCulture), "--seconds", o.Seconds.ToString(CultureInfo.InvariantCulture), "--precision", o.Precision];
        foreach (var a in childArgs) start.ArgumentList.Add(a);
        if (o.MaxNewTokens is { } max) { start.ArgumentList.Add("--max-new-tokens"); start.ArgumentList.Add(max.ToString(CultureInfo.InvariantCulture)); }
        using var p = Process.Start(start) ?? throw new InvalidOperationException("could not start child");
        var output = await p.StandardOutput.ReadToEndAsync().ConfigureAwait(false);
        await p.WaitForExitAsync().ConfigureAwait(false);
        if (p.ExitCode != 0) throw new InvalidOperationException($"child for {preset}/{name} exited {p.ExitCode}: {output}");
        return JsonSerializer.Deserialize<Row>(output.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1])
            ?? throw new InvalidOperationException("child printed no row");
    }

    /// <summary>In the child: build the recording, load the model, warm up on 30 s, transcribe the whole recording timed.</summary>
    private static async Task<int> ChildAsync(Options o)
    {
        var preset = o.Presets[0];
        var (vad, batch) = (o.Vad, o.Batches[0]);
        var audio = Recording(o.Seconds);
        var config = WhisperPresets.Get(preset);
        var clock = Stopwatch.StartNew();
        using var engine = new TimedEngine(ManagedEngine.Load(config, new RandomWhisperWeights(config, seed: 1),
            new ManagedEngineOptions { Threads = o.Threads, Precision = BenchPrecisions.Parse(o.Precision) }));
        using var model = new WhisperModel(engine, WhisperTokenizer.FromFolder(Path.Combine(JobsBench.FixturesFolder(), "hf", "whisper-base")));
        var load = clock.Elapsed.TotalSeconds;
        var options = new TranscriptionOptions
        {
            Language = "en", BeamSize = null, Temperatures = [0f], MaxNewTokens = o.MaxNewTokens, VadFilter = vad, BatchSize = batch,
        };
        // Warm-up (JIT, scratch buffers) on the first 30 s, with the same options.
        await model.TranscribeAsync(audio.AsMemory(0, Math.Min(audio.Length, AudioConstants.SamplesPerChunk)), options).ToResultAsync().ConfigureAwait(false);
        engine.Reset();

        using var self = Process.GetCurrentProcess();
        var cpu0 = self.TotalProcessorTime;
        clock.Restart();
        var transcription = model.TranscribeAsync(audio, options);
        var result = await transcription.ToResultAsync().ConfigureAwait(false);
        var wall = clock.Elapsed.TotalSeconds;
        self.Refresh();
        var cpu = (self.TotalProcessorTime - cpu0).TotalSeconds;
        var info = await transcription.Info.ConfigureAwait(false);
        var t = engine.Timings;
        var seconds = (double)audio.Length / AudioConstants.SampleRate;
        Console.WriteLine(JsonSerializer.Serialize(new Row(preset, o.Name, vad, batch, o.Threads, seconds, info.DurationAfterVad, load, wall, seconds / wall,
            cpu, seconds / cpu, t.Windows, result.Segments.Sum(s => (long)s.Tokens.Count), t.Encoder.TotalSeconds, t.Decoder.TotalSeconds, t.Steps,
            result.Segments.Count, ProcessMemory.PeakBytes, LoadAverage())));
        return 0;
    }

    private static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "n/a";
        }
    }

    private sealed record Options(bool Child, string[] Presets, int[] Batches, int Threads, int Seconds, int? MaxNewTokens, string Precision,
        bool Vad, string Name, string Out)
    {
        public static Options Parse(string[] args)
        {
            string? Get(string name)
            {
                var i = Array.IndexOf(args, name);
                return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
            }
            string[] List(string name, string fallback) => (Get(name) ?? fallback).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            int Int(string name, string fallback) => int.Parse(Get(name) ?? fallback, CultureInfo.InvariantCulture);
            return new Options(
                args.Contains("--child"),
                List("--presets", "tiny,base"),
                [.. List("--batches", "4,8,16").Select(b => int.Parse(b, CultureInfo.InvariantCulture))],
                Int("--threads", "2"),
                Int("--seconds", "600"),
                Get("--max-new-tokens") is { } max ? int.Parse(max, CultureInfo.InvariantCulture) : null,
                Get("--precision") ?? "fp32",
                Get("--vad") == "true",
                Get("--name") ?? "",
                Get("--out") ?? Path.Combine(Path.GetTempPath(), "hark-bench", "batched.json"));
        }
    }
}
