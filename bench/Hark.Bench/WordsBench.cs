using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text.Json;
using Hark.Checkpoints;
using Hark.Conversion;
using Hark.Engines;
using Hark.Tokenization;
using Hark.Transcription;

namespace Hark.Bench;

/// <summary>
/// What <c>--word-timestamps</c> costs: the same transcription (greedy, temperature 0, English, managed CPU engine, random
/// weights of each preset, openai's fallback alignment heads: the most heads a model can have) with and without words,
/// wall time and process CPU time, median of the runs after one warm-up of each. Word timestamps change where windows start
/// (after the last word, as in openai), so the same audio may take a different number of windows: the cost is reported per
/// window decoded (each window: encode, decode, and with words the alignment pass). With conditioning on the previous
/// text (openai's default) the extra windows of the word run carry a prompt that the plain run's first window does not;
/// <c>--condition-on-previous-text false</c> makes every window of both runs the same work but for the words.
/// The last columns need no second transcription: the word timing's own time (the library's
/// <see cref="TranscriptionMetrics.WordAlignmentName"/> histogram) and its share of the rest of the same run.
/// </summary>
internal static class WordsBench
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    public static void Register() => BenchMain.Register("words",
        "word timestamps' cost: transcription with and without --word-timestamps [--models tiny,base] [--audio WAV] [--runs 3] [--threads 2] [--condition-on-previous-text true|false] [--json FILE]",
        RunAsync);

    private static async Task<int> RunAsync(string[] args)
    {
        string[] models = ["tiny", "base"];
        string? audio = null;
        int runs = 3, threads = 2;
        var condition = true;
        var json = Path.Combine("artifacts", "bench", "words.json");
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--models": models = args[++i].Split(','); break;
                case "--audio": audio = args[++i]; break;
                case "--runs": runs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--threads": threads = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--json": json = args[++i]; break;
                case "--condition-on-previous-text": condition = bool.Parse(args[++i]); break;
                default: Console.Error.WriteLine($"words: unknown option {args[i]}"); return 2;
            }
        }
        var fixtures = Fixtures();
        audio ??= Path.Combine(fixtures, "audio", "jfk.wav");
        var tokenizer = WhisperTokenizer.FromFolder(Path.Combine(fixtures, "hf", "whisper-base"));
        var rows = new List<object>();
        Console.WriteLine($"{"model",-6} {"plain s",8} {"words s",8} {"windows",8} {"plain cpu",9} {"words cpu",9}  {"wall/window +%",14} {"cpu/window +%",13} {"align s",8} {"added %",8}");
        foreach (var preset in models)
        {
            var config = WhisperPresets.Get(preset);
            using var weights = new RandomWhisperWeights(config, 7);
            using var engine = ManagedEngine.Load(config, weights, new ManagedEngineOptions { Threads = threads });
            await using var model = new WhisperModel(engine, tokenizer, GenerationConfigDefaults.ForModel(config));
            var (plain, timed) = await Measure(model, audio, runs, condition);
            var wallCost = 100 * (timed.Wall / timed.Windows / (plain.Wall / plain.Windows) - 1);
            var cpuCost = 100 * (timed.Cpu / timed.Windows / (plain.Cpu / plain.Windows) - 1);
            // The same transcription's own split: the word timing's time over the rest of the words run (median of runs).
            var added = timed.Added;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{preset,-6} {plain.Wall,8:F2} {timed.Wall,8:F2} {plain.Windows + "/" + timed.Windows,8} {plain.Cpu,9:F2} {timed.Cpu,9:F2}  {wallCost,14:F1} {cpuCost,13:F1} {timed.Align,8:F2} {added,8:F1}"));
            rows.Add(new { model = preset, plain_seconds = plain.Wall, words_seconds = timed.Wall, plain_windows = plain.Windows, words_windows = timed.Windows,
                plain_cpu_seconds = plain.Cpu, words_cpu_seconds = timed.Cpu, wall_cost_per_window_percent = wallCost, cpu_cost_per_window_percent = cpuCost,
                word_alignment_seconds = timed.Align, added_percent_of_same_run = added, threads, runs, condition_on_previous_text = condition });
        }
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(json))!);
        await File.WriteAllTextAsync(json, JsonSerializer.Serialize(new { audio = Path.GetFileName(audio), rows }, JsonOptions));
        return 0;
    }

    /// <summary>Plain and word-timestamp runs alternate (after one warm-up of each), so both see the same machine:
    /// on a shared VM, two blocks of runs one after the other measure the neighbours as much as the feature.</summary>
    private static async Task<((double Wall, double Cpu, int Windows) Plain, (double Wall, double Cpu, int Windows, double Align, double Added) Words)> Measure(
        WhisperModel model, string audio, int runs, bool condition)
    {
        // The library's own measure of word timing (TranscriptionMetrics), summed per run.
        var align = 0.0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == TranscriptionMetrics.MeterName && instrument.Name == TranscriptionMetrics.WordAlignmentName) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<double>((_, seconds, _, _) => align += seconds);
        listener.Start();
        var options = new TranscriptionOptions { Language = "en", BeamSize = null, Temperatures = [0f], ConditionOnPreviousText = condition };
        var withWords = options with { WordTimestamps = true };
        using var self = Process.GetCurrentProcess();
        var plainWindows = (await model.TranscribeAsync(audio, options).ToResultAsync()).Segments.Select(s => s.Seek).Distinct().Count(); // warm-up
        var wordWindows = (await model.TranscribeAsync(audio, withWords).ToResultAsync()).Segments.Select(s => s.Seek).Distinct().Count();
        List<double> plainWalls = [], plainCpus = [], wordWalls = [], wordCpus = [], aligns = [], added = [];
        async Task Once(TranscriptionOptions o, List<double> walls, List<double> cpus)
        {
            align = 0;
            self.Refresh();
            var cpu0 = self.TotalProcessorTime.TotalSeconds;
            var sw = Stopwatch.StartNew();
            await model.TranscribeAsync(audio, o).ToResultAsync();
            walls.Add(sw.Elapsed.TotalSeconds);
            self.Refresh();
            cpus.Add(self.TotalProcessorTime.TotalSeconds - cpu0);
        }
        for (var r = 0; r < runs; r++)
        {
            await Once(options, plainWalls, plainCpus);
            await Once(withWords, wordWalls, wordCpus);
            aligns.Add(align);
            added.Add(100 * align / (wordWalls[^1] - align));
        }
        return ((Median(plainWalls), Median(plainCpus), Math.Max(1, plainWindows)), (Median(wordWalls), Median(wordCpus), Math.Max(1, wordWindows), Median(aligns), Median(added)));
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values.Count % 2 == 1 ? values[values.Count / 2] : (values[values.Count / 2 - 1] + values[values.Count / 2]) / 2;
    }

    private static string Fixtures()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Hark.slnx"))) dir = dir.Parent;
        return dir is null
            ? throw new HarkInputException("Hark.slnx not found above the benchmark; pass --audio", field: "--audio")
            : Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "fixtures"));
    }
}
