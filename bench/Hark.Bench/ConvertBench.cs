using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Text.Json;
using Hark.Benchmarking;
using Hark.Checkpoints;
using Hark.Conversion;

namespace Hark.Bench;

/// <summary>
/// <c>convert</c>: wall time and peak RSS to convert random-weight presets (generated on the fly, no disk input) to
/// each target and precision. Usage: <c>convert [--presets small,large-v3] [--targets ct2:int8_float16,ggml:q5_1,…|all]
/// [--dtype f32|f16] [--threads N] [--tokenizers DIR] [--out FILE]</c>.
/// </summary>
internal static class ConvertBench
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
    private static readonly string[] DefaultTargets = ["ct2:float16", "ct2:int8_float16", "ct2:int8", "ggml:f16", "ggml:q8_0", "ggml:q5_1"];

    public static async Task<int> RunAsync(string[] args)
    {
        var presets = Arg(args, "--presets")?.Split(',') ?? ["small", "large-v3"];
        var targetsArg = Arg(args, "--targets");
        var targets = targetsArg == "all"
            ? [.. ConverterCatalog.All.Where(c => c.Target is "ct2" or "ggml").SelectMany(c => c.Quantizations.Select(q => $"{c.Target}:{q}"))]
            : targetsArg?.Split(',') ?? DefaultTargets;
        var dtype = Arg(args, "--dtype") == "f16" ? DType.F16 : DType.F32;
        var threads = int.Parse(Arg(args, "--threads") ?? "0", CultureInfo.InvariantCulture);
        var tokenizers = Arg(args, "--tokenizers") ?? FindFixtures();
        var outFile = Arg(args, "--out") ?? "convert-bench.json";
        var scratch = Path.Combine(Path.GetTempPath(), "hark-convert-bench-" + Environment.ProcessId);
        Directory.CreateDirectory(scratch);

        Console.WriteLine($"convert bench: {Environment.ProcessorCount} cores, source dtype {dtype}, threads {(threads == 0 ? "all" : threads)}; random weights generated on the fly");
        Console.WriteLine($"{"preset",-10} {"target",-20} {"wall s",8} {"cpu s",8} {"peak RSS MB",12} {"largest MB",11} {"output MB",10}");
        var rows = new List<Dictionary<string, object>>();
        try
        {
            foreach (var preset in presets)
            {
                var config = WhisperPresets.Get(preset);
                var folder = Path.Combine(tokenizers, config.VocabSize == 51866 ? "ivrit-whisper-large-v3-turbo" : "whisper-base");
                var largest = WhisperTensorLayout.Enumerate(config).Max(t => t.Shape.Aggregate(1L, (a, b) => a * b)) * 4;
                foreach (var target in targets)
                {
                    var (name, q) = (target.Split(':')[0], target.Split(':').ElementAtOrDefault(1));
                    var converter = ConverterCatalog.Get(name);
                    var output = Path.Combine(scratch, $"{preset}-{name}-{q}");
                    using var model = new WhisperCheckpoint(folder, config, new RandomWhisperWeights(config, 1, dtype));
                    GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
                    GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
                    ProcessMemory.ResetPeak();
                    var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
                    var sw = Stopwatch.StartNew();
                    await converter.ConvertAsync(model, output, new ConversionOptions { Quantization = q, Threads = threads, Force = true });
                    sw.Stop();
                    var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
                    var peak = ProcessMemory.PeakBytes;
                    var size = Directory.Exists(output)
                        ? Directory.EnumerateFiles(output).Sum(f => new FileInfo(f).Length)
                        : new FileInfo(output).Length;
                    Console.WriteLine($"{preset,-10} {target,-20} {sw.Elapsed.TotalSeconds,8:F1} {cpu,8:F1} {peak / 1e6,12:F0} {largest / 1e6,11:F0} {size / 1e6,10:F1}");
                    rows.Add(new()
                    {
                        ["preset"] = preset, ["target"] = target, ["wall_s"] = Math.Round(sw.Elapsed.TotalSeconds, 2), ["cpu_s"] = Math.Round(cpu, 2),
                        ["peak_rss_bytes"] = peak, ["largest_tensor_f32_bytes"] = largest, ["output_bytes"] = size,
                    });
                    if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
                    else File.Delete(output);
                }
            }
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
        await File.WriteAllTextAsync(outFile, JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["suite"] = "convert", ["cores"] = Environment.ProcessorCount, ["source_dtype"] = dtype.ToString(), ["runs"] = rows,
        }, Indented));
        Console.WriteLine($"wrote {outFile}");
        return 0;
    }

    private static string? Arg(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static string FindFixtures()
    {
        if (Environment.GetEnvironmentVariable("HARK_FIXTURES") is { Length: > 0 } env) return Path.Combine(env, "hf");
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Hark.slnx"))) dir = dir.Parent;
        return dir is null
            ? throw new InvalidOperationException("pass --tokenizers DIR (a folder holding whisper-base/ and ivrit-whisper-large-v3-turbo/)")
            : Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "fixtures", "hf"));
    }
}
