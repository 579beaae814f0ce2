using Hark.Conversion;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Hark.Audio;
using Hark.Benchmarking;
using Hark.Checkpoints;
using Hark.Engines;
using Hark.Engines.Cache;
using Hark.Transcription;

namespace Hark.Bench;

/// <summary>
/// <c>load</c>: cold start. Per model (fp32 safetensors folders of random weights) and compute type: the time from
/// <see cref="WhisperModel.LoadAsync"/> to ready and its peak RSS, on an empty packed-weight cache (first) and again
/// (cached), each in a fresh child process; then whole-process <c>hark transcribe</c> of a 1 s clip with
/// <c>--max-new-tokens 1</c>, first and cached, with its peak RSS (<c>VmHWM</c> polled every 5 ms); and, given a
/// whisper.cpp <c>whisper-cli</c>, its load time and whole process on the same clip from the model's GGML f16 file.
/// Options: <c>--models tiny,base,small --precisions float32,float16,int8 --threads 2 --work DIR --hark PATH
/// --whispercpp PATH --out FILE</c>.
/// </summary>
internal static class LoadBench
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static void Register() => BenchMain.Register("load",
        "cold start: LoadAsync→ready and whole-process transcribe of 1 s, first and cached, peak RSS (--models --precisions --threads --whispercpp)", RunAsync);

    /// <summary>One child's load.</summary>
    public sealed record LoadRun(double Seconds, double CpuSeconds, double SinceProcessStart, long PeakBytes, long WeightBytes, long RssAnonBytes = 0, long RssFileBytes = 0);

    /// <summary>One process run: wall time and peak RSS.</summary>
    public sealed record ProcessRun(double Seconds, long PeakBytes);

    /// <summary>A table row.</summary>
    public sealed record Row(string Model, string Precision, int Threads, LoadRun First, LoadRun Cached, ProcessRun TranscribeFirst, ProcessRun TranscribeCached,
        double? WhisperCppLoadSeconds, ProcessRun? WhisperCppProcess);

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Contains("--child")) return await ChildAsync(args).ConfigureAwait(false);
        var root = RepositoryRoot();
        var models = (Arg(args, "--models") ?? "tiny,base,small").Split(',', StringSplitOptions.RemoveEmptyEntries);
        var precisions = (Arg(args, "--precisions") ?? "float32,float16,int8").Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => Enum.Parse<ComputePrecision>(p, ignoreCase: true)).ToArray();
        var threads = int.Parse(Arg(args, "--threads") ?? "2", CultureInfo.InvariantCulture);
        var work = Path.GetFullPath(Arg(args, "--work") ?? Path.Combine(Path.GetTempPath(), "hark-load-bench"));
        var hark = Arg(args, "--hark") ?? Path.Combine(root, "src", "Hark.Cli", "bin", "Release", "net10.0", OperatingSystem.IsWindows() ? "Hark.Cli.exe" : "Hark.Cli");
        var whisperCpp = Arg(args, "--whispercpp");
        var outFile = Arg(args, "--out") ?? "load-bench.json";
        if (!File.Exists(hark)) throw new HarkInputException("hark is not built; run 'dotnet build src/Hark.Cli -c Release' or pass --hark PATH", hark, "--hark");
        var fixtures = Path.GetFullPath(Path.Combine(root, "..", "shared", "fixtures"));
        Directory.CreateDirectory(work);
        var audio = OneSecondClip(Path.Combine(fixtures, "audio", "jfk.wav"), Path.Combine(work, "jfk-1s.wav"));
        var cache = new WeightCache(Path.Combine(work, "cache"));

        Console.WriteLine($"load bench: {Environment.ProcessorCount} cores, {threads} threads, load average {LoadAverage()}; fp32 safetensors of random weights; times in s, RSS in MiB");
        Console.WriteLine($"{"model",-6} {"compute",-8} {"load 1st",8} {"cached",7} {"RSS 1st",8} {"cached",7} {"weights",8} {"hark 1st",8} {"cached",7} {"RSS",6} {"RSS/w",6} {"wcpp load",9} {"wcpp proc",9}");
        var rows = new List<Row>();
        foreach (var model in models)
        {
            var folder = EnsureModel(Path.Combine(work, model), model, Path.Combine(fixtures, "hf", "whisper-base"));
            var (wcppLoad, wcppProcess) = whisperCpp is null ? (null, null) : await WhisperCppAsync(whisperCpp, hark, folder, audio, threads).ConfigureAwait(false);
            foreach (var precision in precisions)
            {
                cache.Clear();
                var first = await LoadChildAsync(folder, precision, threads, cache.Directory).ConfigureAwait(false);
                var cached = await LoadChildAsync(folder, precision, threads, cache.Directory).ConfigureAwait(false);
                cache.Clear();
                string[] transcribe = ["transcribe", audio, "--model", folder, "--max-new-tokens", "1", "--threads", threads.ToString(CultureInfo.InvariantCulture),
                    "--compute-type", precision.ToString().ToLowerInvariant(), "--output-dir", Path.Combine(work, "out"), "--output-format", "txt"];
                var environment = new Dictionary<string, string> { [WeightCache.EnvironmentVariable] = cache.Directory };
                var hark1 = await RunAsync(hark, transcribe, environment).ConfigureAwait(false);
                var hark2 = await RunAsync(hark, transcribe, environment).ConfigureAwait(false);
                var row = new Row(model, precision.ToString(), threads, first, cached, hark1.Run, hark2.Run, wcppLoad, wcppProcess);
                rows.Add(row);
                Console.WriteLine($"{model,-6} {precision.ToString().ToLowerInvariant(),-8} {first.Seconds,8:F2} {cached.Seconds,7:F2} {Mib(first.PeakBytes),8} {Mib(cached.PeakBytes),7} {Mib(first.WeightBytes),8} " +
                                  $"{hark1.Run.Seconds,8:F2} {hark2.Run.Seconds,7:F2} {Mib(hark2.Run.PeakBytes),6} {hark2.Run.PeakBytes / (double)cached.WeightBytes,6:F2} " +
                                  $"{(wcppLoad is { } l ? l.ToString("F2", CultureInfo.InvariantCulture) : "-"),9} {(wcppProcess is { } w ? w.Seconds.ToString("F2", CultureInfo.InvariantCulture) : "-"),9}");
            }
        }
        cache.Clear();
        await File.WriteAllTextAsync(outFile, JsonSerializer.Serialize(rows, Indented)).ConfigureAwait(false);
        Console.WriteLine($"wrote {outFile} (load average now {LoadAverage()})");
        return 0;
    }

    /// <summary>In the child: load, report how long LoadAsync took and the peak RSS.</summary>
    private static async Task<int> ChildAsync(string[] args)
    {
        var options = new ModelOptions
        {
            Precision = Enum.Parse<ComputePrecision>(Arg(args, "--precision")!, ignoreCase: true),
            Threads = int.Parse(Arg(args, "--threads")!, CultureInfo.InvariantCulture),
            WeightCache = new WeightCache(Arg(args, "--cache")!),
        };
        var clock = Stopwatch.StartNew();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        await using var model = await WhisperModel.LoadAsync(Arg(args, "--model")!, options).ConfigureAwait(false);
        var seconds = clock.Elapsed.TotalSeconds;
        using var self = Process.GetCurrentProcess();
        var cpuSeconds = (self.TotalProcessorTime - cpu).TotalSeconds;
        var sinceStart = (DateTime.Now - self.StartTime).TotalSeconds;
        Console.WriteLine(JsonSerializer.Serialize(new LoadRun(seconds, cpuSeconds, sinceStart, ProcessMemory.PeakBytes, model.Engine.Description.WeightBytes,
            Status(Environment.ProcessId, "RssAnon:"), Status(Environment.ProcessId, "RssFile:"))));
        return 0;
    }

    private static async Task<LoadRun> LoadChildAsync(string folder, ComputePrecision precision, int threads, string cache)
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("no process path");
        var prefix = Path.GetFileNameWithoutExtension(self) == "dotnet" ? new[] { typeof(LoadBench).Assembly.Location } : [];
        string[] args = [.. prefix, "load", "--child", "--model", folder, "--precision", precision.ToString(), "--threads", threads.ToString(CultureInfo.InvariantCulture), "--cache", cache];
        var (_, output) = await RunAsync(self, args, null).ConfigureAwait(false);
        var last = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1];
        return JsonSerializer.Deserialize<LoadRun>(last) ?? throw new InvalidOperationException("child printed no result");
    }

    /// <summary>Runs a process to completion: wall time, peak RSS (last <c>VmHWM</c> seen), stdout.</summary>
    private static async Task<(ProcessRun Run, string Output)> RunAsync(string file, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) start.Environment[k] = v;
        var clock = Stopwatch.StartNew();
        using var p = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        long peak = 0;
        while (!p.HasExited)
        {
            peak = Math.Max(peak, PeakOf(p.Id));
            await Task.Delay(5).ConfigureAwait(false);
        }
        await p.WaitForExitAsync().ConfigureAwait(false);
        var seconds = clock.Elapsed.TotalSeconds;
        var output = await stdout.ConfigureAwait(false);
        var errors = await stderr.ConfigureAwait(false);
        if (p.ExitCode != 0) throw new InvalidOperationException($"{Path.GetFileName(file)} {string.Join(' ', args)} exited {p.ExitCode}: {errors.Trim()}");
        return (new ProcessRun(seconds, peak), output + errors);
    }

    private static long PeakOf(int pid) => Status(pid, "VmHWM:");

    /// <summary>A size from <c>/proc/PID/status</c> in bytes (0 where there is none).</summary>
    private static long Status(int pid, string key)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
                if (line.StartsWith(key, StringComparison.Ordinal))
                    return long.Parse(line[key.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException) { }
        return 0;
    }

    /// <summary>whisper.cpp on the model's GGML f16 conversion: its own "load time" line, and the whole process.</summary>
    private static async Task<(double? Load, ProcessRun? Process)> WhisperCppAsync(string whisperCli, string hark, string folder, string audio, int threads)
    {
        var ggml = folder + "-ggml-f16.bin";
        if (!File.Exists(ggml)) await RunAsync(hark, ["convert", folder, "--to", "ggml", "--type", "f16", "--output", ggml], null).ConfigureAwait(false);
        string[] args = ["-m", ggml, "-f", audio, "-t", threads.ToString(CultureInfo.InvariantCulture), "-nt", "-ml", "1"];
        await RunAsync(whisperCli, args, null).ConfigureAwait(false);   // warm the page cache, as Hark's first run finds it
        var (run, output) = await RunAsync(whisperCli, args, null).ConfigureAwait(false);
        var line = output.Split('\n').FirstOrDefault(l => l.Contains("load time", StringComparison.Ordinal));
        double? load = null;
        if (line is not null && double.TryParse(line.Split('=')[1].Replace("ms", "", StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture, out var ms)) load = ms / 1000;
        return (load, run);
    }

    private static string EnsureModel(string folder, string preset, string tokenizer)
    {
        if (!File.Exists(Path.Combine(folder, WhisperCheckpoint.SafetensorsFileName)))
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
            RandomModelWriter.Write(folder, new RandomModelOptions { Preset = preset, Seed = 1, DType = DType.F32, TokenizerSource = tokenizer });
        }
        return folder;
    }

    /// <summary>The first second of <paramref name="source"/> as 16 kHz mono 16-bit WAV.</summary>
    private static string OneSecondClip(string source, string path)
    {
        if (File.Exists(path)) return path;
        var samples = AudioLoader.Load(source).AsSpan(0, AudioConstants.SampleRate);
        using var stream = File.Create(path);
        using var writer = new BinaryWriter(stream);
        writer.Write("RIFF"u8);
        writer.Write(36 + samples.Length * 2);
        writer.Write("WAVEfmt "u8);
        writer.Write(16);
        writer.Write((short)1);
        writer.Write((short)1);
        writer.Write(AudioConstants.SampleRate);
        writer.Write(AudioConstants.SampleRate * 2);
        writer.Write((short)2);
        writer.Write((short)16);
        writer.Write("data"u8);
        writer.Write(samples.Length * 2);
        foreach (var s in samples) writer.Write((short)Math.Clamp(MathF.Round(s * 32767f), -32768f, 32767f));
        return path;
    }

    private static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "?";
        }
    }

    private static string Mib(long bytes) => (bytes / (1024.0 * 1024)).ToString("0", CultureInfo.InvariantCulture);

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Hark.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("run from the repository (Hark.slnx not found above the bench)");
    }

    private static string? Arg(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
