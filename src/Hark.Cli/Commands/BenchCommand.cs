using System.CommandLine;
using System.Globalization;
using Hark.Benchmarking;
using Hark.Engines;
using Hark.Hardware;
using Hark.Transcription;
using Spectre.Console;

namespace Hark.Cli.Commands;

/// <summary>
/// <c>hark bench</c>: measures engines × precisions × batch sizes on this machine and this audio (speed, memory,
/// accuracy) and recommends a configuration per goal.
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var model = new Option<string?>("--model") { Description = "Model folder (Hugging Face layout)." };
        var synthetic = new Option<string?>("--synthetic") { Description = "Bench a seeded random model of this preset (speed and memory only)." };
        var tokenizer = new Option<string?>("--tokenizer") { Description = "With --synthetic: folder whose tokenizer files the random model gets." };
        var audio = new Option<string[]>("--audio") { Description = "Audio file(s); a sibling FILE.txt is the reference transcript.", AllowMultipleArgumentsPerToken = true };
        var manifest = new Option<string?>("--manifest") { Description = "TSV with a header row: file, and optional text and language columns." };
        var engines = new Option<string>("--engines") { Description = "Engines: managed, onnx, vulkan[:N] (the managed engine on a Vulkan device).", DefaultValueFactory = _ => "managed,onnx" };
        var precisions = new Option<string>("--precisions") { Description = "Precisions: fp32, fp16, bf16, int8, int4.", DefaultValueFactory = _ => "fp32,int8" };
        var batches = new Option<string>("--batch-sizes")
        {
            Description = "Batch sizes: transcribe's --batch-size, windows decoded together (1 = openai's sequential algorithm).",
            DefaultValueFactory = _ => "1",
        };
        var vad = new Option<bool>("--vad-filter") { Description = "Transcribe only the speech Silero VAD finds (VAD time counted)." };
        var beam = new Option<int>("--beam-size") { Description = "Beam size (1 = greedy).", DefaultValueFactory = _ => 1 };
        var runs = new Option<int>("--runs") { Description = "Measured runs per configuration.", DefaultValueFactory = _ => 3 };
        var maxNewTokens = new Option<int?>("--max-new-tokens") { Description = "Most tokens decoded per window (default: transcribe's)." };
        var warmup = new Option<int>("--warmup") { Description = "Warm-up runs per configuration.", DefaultValueFactory = _ => 1 };
        var json = new Option<string?>("--json") { Description = "Write the report as JSON to this file." };
        var plot = new Option<string?>("--plot") { Description = "Write throughput vs memory to FILE.png, .svg or .html." };
        var threads = new Option<int>("--threads") { Description = "CPU threads per engine (0 = engine default).", DefaultValueFactory = _ => 0 };
        var cache = new Option<string?>("--cache") { Description = "Cache for conversions and synthetic models (default ~/.cache/hark/bench)." };
        var spelling = new Option<string?>("--spelling-map") { Description = "Whisper's English spelling map (english.json) for WER/CER normalisation." };

        var command = new Command("bench", "Measure engines x precisions x batch sizes on this machine: speed, memory, accuracy; recommend one per goal.")
        {
            model, synthetic, tokenizer, audio, manifest, engines, precisions, batches, vad, beam, runs, warmup, maxNewTokens, json, plot, threads, cache, spelling,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = new BenchOptions
            {
                Engines = List(parse.GetValue(engines)!, BenchConfiguration.ParseEngine).Distinct().ToList(),
                ManagedDevices = ManagedDevices(List(parse.GetValue(engines)!, BenchConfiguration.ParseTarget)),
                Precisions = List(parse.GetValue(precisions)!, BenchPrecisions.Parse),
                BatchSizes = List(parse.GetValue(batches)!, ParseBatch),
                VadFilter = parse.GetValue(vad),
                BeamSize = parse.GetValue(beam),
                Runs = parse.GetValue(runs),
                MaxNewTokens = parse.GetValue(maxNewTokens),
                Warmup = parse.GetValue(warmup),
                Threads = ArgumentRanges.Threads(parse.GetValue(threads)),
                CacheDirectory = parse.GetValue(cache) ?? DefaultCache(),
                SpellingMapPath = parse.GetValue(spelling),
            };
            options.Validate();
            if (parse.GetValue(plot) is { } plotFile) BenchPlot.CheckPath(plotFile);
            var inputs = Inputs(parse.GetValue(audio), parse.GetValue(manifest));
            var preset = parse.GetValue(synthetic);
            var folder = (parse.GetValue(model), preset) switch
            {
                ({ } m, null) => Directory.Exists(m) ? m : throw new HarkInputException("model folder not found", m, "--model"),
                (null, { } p) => BenchModels.Synthetic(p, parse.GetValue(tokenizer), options.CacheDirectory, 0, cancellationToken),
                (null, null) => throw new HarkInputException("give --model DIR or --synthetic PRESET", field: "--model"),
                _ => throw new HarkInputException("give either --model or --synthetic, not both", field: "--synthetic"),
            };

            var interactive = !Console.IsOutputRedirected && !Console.IsErrorRedirected;
            var progress = new Progress<string>(line =>
            {
                if (interactive) AnsiConsole.MarkupLine($"[grey]{Markup.Escape(line)}[/]");
            });
            var report = await BenchRunner.RunAsync(folder, inputs, options, progress, cancellationToken);
            report = report with { SyntheticPreset = preset };

            if (parse.GetValue(json) is { } jsonPath) WriteAtomically(jsonPath, BenchJson.Serialize(report));
            if (parse.GetValue(plot) is { } plotPath) BenchPlot.Write(report, plotPath);
            // Piped output gets the whole table on one line per configuration rather than wrapped at 80 columns.
            if (Console.IsOutputRedirected) AnsiConsole.Console.Profile.Width = Math.Max(AnsiConsole.Console.Profile.Width, 160);
            Print(report, AnsiConsole.Console);
            return ExitCodes.Success;
        });
        return command;
    }

    internal static void Print(BenchReport report, IAnsiConsole console)
    {
        var load = report.LoadAverage is { } l ? string.Create(CultureInfo.InvariantCulture, $", load avg {l:F1}") : "";
        var table = new Table
        {
            Title = new TableTitle(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                $"{(report.SyntheticPreset is { } p ? $"synthetic {p}" : report.Model)} - {report.AudioSeconds:F1} s audio, {report.Options.Runs} runs after {report.Options.Warmup} warm-up, beam {report.Options.BeamSize}, {report.LogicalCores} cores{load}\n{report.BatchMeaning}"))),
        };
        table.AddColumns("configuration", "RTF (IQR)", "audio s/s", "latency s", "enc ms/win", "dec ms/tok", "peak RSS", "WER", "CER", "agree fp32");
        foreach (var r in report.Results)
        {
            table.AddRow(
                Markup.Escape(r.Configuration.Name),
                string.Create(CultureInfo.InvariantCulture, $"{r.RealTimeFactor.Median:F3} ({r.RealTimeFactor.Q3 - r.RealTimeFactor.Q1:F3})"),
                F(r.AudioSecondsPerSecond.Median, "F2"), F(r.LatencySeconds.Median, "F2"),
                F(r.EncoderMsPerWindow.Median, "F0"), F(r.DecoderMsPerToken.Median, "F2"),
                MemoryModel.FormatBytes(r.PeakRssBytes),
                Percent(r.WordErrorRate), Percent(r.CharacterErrorRate), Percent(r.TokenAgreement));
        }
        console.Write(table);
        foreach (var s in report.Skipped)
            console.MarkupLine($"[yellow]skipped[/] {Markup.Escape(s.Configuration.Name)}: {Markup.Escape(s.Reason)}");
        foreach (var r in report.Recommendations)
        {
            console.MarkupLine($"[green]{Markup.Escape(r.Goal)}[/]: {Markup.Escape(r.Configuration)} ({Markup.Escape(r.Why)})");
            console.MarkupLine($"  {Markup.Escape(r.Command)}");
        }
        console.MarkupLine($"[grey]peak RSS = {Markup.Escape(report.MemoryMethod)}; bench took {report.WallSeconds:F0} s[/]");
    }

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    private static string Percent(double? value) => value is { } v ? (100 * v).ToString("F1", CultureInfo.InvariantCulture) + "%" : "-";

    private static List<T> List<T>(string text, Func<string, T> parse) =>
        [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(parse).Distinct()];

    /// <summary>Devices for the managed engine: the CPU when <c>managed</c> is named, plus every <c>vulkan[:N]</c>.</summary>
    private static List<EngineDevice> ManagedDevices(List<(EngineKind Engine, EngineDevice Device)> targets) =>
        targets.Where(t => t.Engine == EngineKind.Managed).Select(t => t.Device).Distinct().ToList();

    private static int ParseBatch(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var b) && b >= 1
            ? ArgumentRanges.BatchSize(b, "--batch-sizes")
            : throw new HarkInputException($"batch size '{text}' is not a whole number of 1 or more", field: "--batch-sizes");

    private static IReadOnlyList<BenchInput> Inputs(string[]? audio, string? manifest)
    {
        if (manifest is not null && audio is { Length: > 0 }) throw new HarkInputException("give either --audio or --manifest, not both", field: "--manifest");
        if (manifest is not null) return BenchInput.FromManifest(manifest);
        if (audio is { Length: > 0 }) return BenchInput.FromAudio(audio);
        throw new HarkInputException("give audio to transcribe with --audio FILE or --manifest TSV", field: "--audio");
    }

    private static string DefaultCache()
    {
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var root = string.IsNullOrEmpty(xdg) ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache") : xdg;
        return Path.Combine(root, "hark", "bench");
    }

    private static void WriteAtomically(string path, string text)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = full + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        File.WriteAllText(temp, text);
        File.Move(temp, full, overwrite: true);
    }
}
