using System.Diagnostics;
using System.Text.Json;
using Hark.Checkpoints;
using Hark.Engines;
using Hark.Engines.Cpu;

namespace Hark.Bench;

/// <summary>
/// <c>engine</c>: the managed engine on random weights. Encoder ms per 30 s window, decoder ms per step at batch 1
/// and 5 (one step = one token for every sequence; cache 8 + tokens), achieved GFLOP/s against the counted FLOPs, load time and peak RSS.
/// <code>dotnet run -c Release --project bench/Hark.Bench -- engine --presets tiny,base,small --threads 1,2 --precisions fp32,fp16,int8 --json out.json</code>
/// Options: <c>--windows N</c> (timed encoder windows, default 2), <c>--tokens N</c> (timed decoder steps, default 32),
/// <c>--convert-at-load</c> (fp16/bf16 rounded then stored as fp32), <c>--devices cpu,vulkan:0</c> (default cpu; a Vulkan
/// row ignores <c>--threads</c>, reports 0 threads and names the device in the kernel column).
/// </summary>
internal static class EngineBench
{
    /// <summary>One configuration. Times are medians over the timed windows/steps; <c>Best</c> is the fastest one,
    /// the steadier figure on a shared machine.</summary>
    private sealed record Row(string Preset, string Device, string Precision, int Threads, string Kernel, double LoadMs,
        double EncoderMs, double EncoderBestMs, double EncoderGflops, double EncoderBestGflops,
        double DecoderMsBatch1, double DecoderBestMsBatch1, double DecoderGflopsBatch1, double DecoderMsBatch5, double DecoderBestMsBatch5,
        long WeightBytes, long PeakRssBytes);

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    public static void Register() =>
        BenchMain.Register("engine", "managed engine: encoder ms/window, decoder ms/token, GFLOP/s, peak RSS", RunAsync);

    public static async Task<int> RunAsync(string[] args)
    {
        var presets = Option(args, "--presets", "tiny").Split(',');
        var threads = Option(args, "--threads", "1").Split(',').Select(int.Parse).ToArray();
        var precisions = Option(args, "--precisions", "fp32").Split(',').Select(ParsePrecision).ToArray();
        var windows = int.Parse(Option(args, "--windows", "2"));
        var tokens = int.Parse(Option(args, "--tokens", "32"));
        var convert = args.Contains("--convert-at-load");
        var json = Option(args, "--json", "");
        var devices = Option(args, "--devices", "cpu").Split(',').Select(EngineDevice.Parse).ToArray();
        var rows = new List<Row>();
        Console.WriteLine($"{"preset",-7} {"device",-8} {"prec",-5} {"thr",3} {"load ms",8} {"enc ms",9} {"best",8} {"GF/s",6} {"best",6} {"dec1 ms",8} {"best",7} {"dec5 ms",8} {"best",7} {"weights MB",10} {"peak RSS MB",11}");
        foreach (var preset in presets)
        {
            var config = WhisperPresets.Get(preset);
            foreach (var precision in precisions)
            {
                foreach (var (device, t) in devices.SelectMany(d => (d.Kind == DeviceKind.Cpu ? threads : threads.Take(1)).Select(t => (d, t))))
                {
                    var row = Measure(preset, config, precision, device, t, windows, tokens, convert);
                    rows.Add(row);
                    Console.WriteLine($"{row.Preset,-7} {row.Device,-8} {row.Precision,-5} {row.Threads,3} {row.LoadMs,8:F0} {row.EncoderMs,9:F1} {row.EncoderBestMs,8:F1} " +
                        $"{row.EncoderGflops,6:F1} {row.EncoderBestGflops,6:F1} {row.DecoderMsBatch1,8:F2} {row.DecoderBestMsBatch1,7:F2} " +
                        $"{row.DecoderMsBatch5,8:F2} {row.DecoderBestMsBatch5,7:F2} {row.WeightBytes / 1e6,10:F1} {row.PeakRssBytes / 1e6,11:F0}");
                }
            }
        }
        Console.WriteLine($"kernel: {CpuBackend.KernelName}; convert-at-load: {convert}; windows: {windows}; decoder steps: {tokens}");
        if (json.Length > 0)
        {
            await using var stream = File.Create(json);
            await JsonSerializer.SerializeAsync(stream, new { suite = "engine", machine = Environment.MachineName, cores = Environment.ProcessorCount, convertAtLoad = convert, rows },
                JsonOptions).ConfigureAwait(false);
        }
        return 0;
    }

    private static Row Measure(string preset, WhisperConfig config, ComputePrecision precision, EngineDevice device, int threads, int windows, int tokens, bool convert)
    {
        ResetPeakRss();
        var clock = Stopwatch.StartNew();
        using var engine = ManagedEngine.Load(config, new RandomWhisperWeights(config, seed: 1),
            new ManagedEngineOptions { Precision = precision, Threads = threads, ConvertWeightsAtLoad = convert, Device = device });
        var loadMs = clock.Elapsed.TotalMilliseconds;
        var mel = new float[config.NumMelBins * config.MelFrames];
        var random = new Random(3);
        for (var i = 0; i < mel.Length; i++) mel[i] = (float)(random.NextDouble() * 2 - 1);

        engine.Encode(mel, 1).Dispose(); // warm-up: JIT, scratch growth
        var encoderTimes = new double[windows];
        IEncodedAudio? audio = null;
        for (var w = 0; w < windows; w++)
        {
            audio?.Dispose();
            clock.Restart();
            audio = engine.Encode(mel, 1);
            encoderTimes[w] = clock.Elapsed.TotalMilliseconds;
        }
        using var encoded = audio!;

        var (decoder1, best1) = DecodeMs(engine, encoded, 1, tokens);
        var (decoder5, best5) = DecodeMs(engine, encoded, 5, tokens);
        var decoderFlops = ManagedEngine.DecoderFlopsPerToken(config, 8 + tokens / 2);
        var encoderFlops = ManagedEngine.EncoderFlopsPerWindow(config);
        var encoderMs = Median(encoderTimes);
        var kernel = device.Kind == DeviceKind.Vulkan ? Hark.Engines.Vulkan.VulkanDevices.List()[device.Index].Name : CpuBackend.KernelName;
        return new Row(preset, device.ToString(), Name(precision), device.Kind == DeviceKind.Cpu ? threads : 0, kernel, loadMs,
            encoderMs, encoderTimes.Min(), encoderFlops / encoderMs / 1e6, encoderFlops / encoderTimes.Min() / 1e6,
            decoder1, best1, decoderFlops / decoder1 / 1e6, decoder5, best5,
            engine.Description.WeightBytes, PeakRss());
    }

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static (double Median, double Best) DecodeMs(IWhisperEngine engine, IEncodedAudio audio, int batch, int tokens)
    {
        var vocab = engine.Config.VocabSize;
        using var session = engine.StartDecoder(audio, new int[batch]);
        var logits = new float[batch * vocab];
        var prompt = Enumerable.Repeat(new[] { 50258, 50259, 50359, 50363 }, batch).SelectMany(p => p).ToArray();
        session.Step(prompt, 4, logits);
        var next = new int[batch];
        for (var i = 0; i < 4; i++) session.Step(next, 1, logits); // warm-up of the one-token path
        var times = new double[tokens];
        var clock = new Stopwatch();
        for (var i = 0; i < tokens; i++)
        {
            for (var b = 0; b < batch; b++) next[b] = ArgMax(logits.AsSpan(b * vocab, vocab));
            clock.Restart();
            session.Step(next, 1, logits);
            times[i] = clock.Elapsed.TotalMilliseconds;
        }
        return (Median(times), times.Min());
    }

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best]) best = i;
        }
        return best;
    }

    /// <summary>Linux: writing 5 to clear_refs resets VmHWM, so each row reports its own peak.</summary>
    private static void ResetPeakRss()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static long PeakRss()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0]) * 1024;
            }
        }
        catch (IOException)
        {
        }
        return Process.GetCurrentProcess().PeakWorkingSet64;
    }

    internal static ComputePrecision ParsePrecision(string s) => EngineVocabulary.ParsePrecision(s, "--precisions");

    private static string Name(ComputePrecision p) => EngineVocabulary.ShortName(p);

    private static string Option(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }
}
