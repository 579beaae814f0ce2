using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Hark.Benchmarking;
using Hark.Checkpoints;
using Hark.Engines;
using Hark.Hardware;

namespace Hark.Bench;

/// <summary>
/// <c>memory</c>: peak RSS of transcribing one batch (encode + prompt + decode steps) against
/// <see cref="MemoryModel.Estimate"/>. Each (model, precision, batch) runs in a child process so its peak is its own.
/// With <c>--device vulkan[:N]</c> the measure is the peak of device-local memory Hark's buffers held, against the
/// estimate less the driver's runtime overhead (on lavapipe "device" memory is host memory, so RSS would mix the two).
/// Options: <c>--models tiny,base --precisions float32,float16,int8 --batches 1,4 --prompt 224 --steps 223 --threads 0 --device cpu --out FILE</c>.
/// </summary>
internal static class MemoryBench
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Builds the engine under test; the default is the managed CPU engine.</summary>
    public static Func<WhisperConfig, ITensorSource, ComputePrecision, int, IWhisperEngine> EngineFactory { get; set; } =
        (config, tensors, precision, threads) => ManagedEngine.Load(config, tensors, new ManagedEngineOptions { Precision = precision, Threads = threads });

    public static async Task<int> RunAsync(string[] args)
    {
        var o = Options.Parse(args);
        if (o.Child) return Child(o);

        var rows = new List<Row>();
        var measure = o.Device.Kind == DeviceKind.Cpu ? "peak RSS" : "peak VRAM";
        Console.WriteLine($"{"model",-15} {"precision",-9} {"batch",5} {"estimate",10} {measure,10} {"error",7} {"load peak",10}");
        foreach (var model in o.Models)
            foreach (var precision in o.Precisions)
                foreach (var batch in o.Batches)
                {
                    var row = await RunChildAsync(model, precision, batch, o).ConfigureAwait(false);
                    rows.Add(row);
                    Console.WriteLine($"{model,-15} {precision,-9} {batch,5} {Mib(row.EstimateBytes),10} {Mib(row.PeakBytes),10} {row.RelativeError,7:P1} {Mib(row.LoadPeakBytes),10}");
                }
        var json = JsonSerializer.Serialize(rows, Indented);
        await File.WriteAllTextAsync(o.Out, json).ConfigureAwait(false);
        Console.WriteLine($"wrote {o.Out}");
        return rows.All(r => Math.Abs(r.RelativeError) <= 0.10) ? 0 : 1;
    }

    private static string Mib(long bytes) => (bytes / (1024.0 * 1024)).ToString("0", CultureInfo.InvariantCulture) + " MiB";

    /// <summary>One measurement, as the child prints it.</summary>
    public sealed record Row(string Model, string Precision, int Batch, int Steps, long EstimateBytes, long PeakBytes, double Seconds, long LoadPeakBytes = 0)
    {
        public double RelativeError => PeakBytes == 0 ? double.NaN : (EstimateBytes - PeakBytes) / (double)PeakBytes;
    }

    private static async Task<Row> RunChildAsync(string model, ComputePrecision precision, int batch, Options o)
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("no process path");
        var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, UseShellExecute = false };
        // Under 'dotnet Hark.Bench.dll' the process is the host; pass the assembly first.
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") start.ArgumentList.Add(typeof(MemoryBench).Assembly.Location);
        foreach (var a in new[] { "memory", "--child", "--models", model, "--precisions", precision.ToString(), "--batches", batch.ToString(CultureInfo.InvariantCulture),
                                  "--steps", o.Steps.ToString(CultureInfo.InvariantCulture), "--prompt", o.Prompt.ToString(CultureInfo.InvariantCulture), "--threads", o.Threads.ToString(CultureInfo.InvariantCulture), "--device", o.Device.ToString() })
            start.ArgumentList.Add(a);
        using var p = Process.Start(start) ?? throw new InvalidOperationException("could not start child");
        var output = await p.StandardOutput.ReadToEndAsync().ConfigureAwait(false);
        await p.WaitForExitAsync().ConfigureAwait(false);
        if (p.ExitCode != 0) throw new InvalidOperationException($"child for {model}/{precision}/{batch} exited {p.ExitCode}: {output}");
        var last = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1];
        return JsonSerializer.Deserialize<Row>(last) ?? throw new InvalidOperationException("child printed no row");
    }

    /// <summary>In the child: load, encode a batch, prompt, decode <c>steps</c> tokens, report peak RSS.</summary>
    private static int Child(Options o)
    {
        var model = o.Models[0];
        var precision = o.Precisions[0];
        var batch = o.Batches[0];
        var config = WhisperPresets.Get(model);
        var clock = Stopwatch.StartNew();
        long loadPeak, peak;
        var dtype = precision is ComputePrecision.Float16 ? DType.F16 : precision is ComputePrecision.BFloat16 ? DType.BF16 : DType.F32;
        // The engine owns the backend once loaded; the counters are read before it is disposed.
        var gpu = o.Device.Kind == DeviceKind.Vulkan ? Hark.Engines.Vulkan.VulkanBackend.Create(o.Device.Index) : null;
        long Peak() => gpu?.PeakDeviceBytes ?? ProcessMemory.PeakBytes;
        using (var tensors = new RandomWhisperWeights(config, 1, dtype))
        using (var engine = gpu is null
                   ? EngineFactory(config, tensors, precision, o.Threads)
                   : ManagedEngine.Load(config, tensors, new ManagedEngineOptions { Precision = precision, Device = o.Device }, gpu))
        {
            loadPeak = Peak();
            var mel = new float[batch * config.NumMelBins * config.MelFrames];
            using var audio = engine.Encode(mel, batch);
            var rows = Enumerable.Range(0, batch).ToArray();
            using var session = engine.StartDecoder(audio, rows);
            var special = Tokenization.SpecialTokens.ForVocabSize(config.VocabSize);
            // A realistic long-form window: previous text after <|startofprev|> fills the prompt budget the memory
            // model assumes (half the context), then decoding runs to the end of the context.
            var promptLength = Math.Min(o.Prompt, config.MaxTargetPositions - o.Steps - 1);
            var prompt = new int[Math.Max(4, promptLength)];
            prompt[0] = special.StartOfPrev;
            for (var i = 1; i < prompt.Length - 3; i++) prompt[i] = 100 + i;
            prompt[^3] = special.StartOfTranscript;
            prompt[^2] = special.Transcribe;
            prompt[^1] = special.NoTimestamps;
            var tokens = new int[batch * prompt.Length];
            for (var b = 0; b < batch; b++) prompt.CopyTo(tokens, b * prompt.Length);
            var logits = new float[batch * config.VocabSize];
            session.Step(tokens, prompt.Length, logits);
            var next = new int[batch];
            for (var step = 0; step < o.Steps; step++)
            {
                for (var b = 0; b < batch; b++) next[b] = ArgMax(logits.AsSpan(b * config.VocabSize, special.EndOfText));
                session.Step(next, 1, logits);
            }
            peak = Peak();
        }
        var expected = MemoryModel.Estimate(config, precision, batch, 1, new MemoryModelOptions { Device = o.Device.Kind });
        var estimate = gpu is null ? expected.TotalBytes : expected.TotalBytes - expected.RuntimeOverheadBytes;
        Console.WriteLine(JsonSerializer.Serialize(new Row(model, precision.ToString(), batch, o.Steps, estimate, peak, clock.Elapsed.TotalSeconds, loadPeak)));
        return 0;
    }

    private static int ArgMax(ReadOnlySpan<float> x)
    {
        var best = 0;
        for (var i = 1; i < x.Length; i++) if (x[i] > x[best]) best = i;
        return best;
    }

    private sealed record Options(bool Child, string[] Models, ComputePrecision[] Precisions, int[] Batches, int Steps, int Prompt, int Threads, EngineDevice Device, string Out)
    {
        public static Options Parse(string[] args)
        {
            string Get(string name, string fallback)
            {
                var i = Array.IndexOf(args, name);
                return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
            }
            string[] List(string name, string fallback) => Get(name, fallback).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            return new Options(
                args.Contains("--child"),
                List("--models", "tiny,base,small,medium,large-v3"),
                List("--precisions", "float32,float16,int8").Select(p => Enum.Parse<ComputePrecision>(p, ignoreCase: true)).ToArray(),
                List("--batches", "1,4").Select(b => int.Parse(b, CultureInfo.InvariantCulture)).ToArray(),
                int.Parse(Get("--steps", "223"), CultureInfo.InvariantCulture),
                int.Parse(Get("--prompt", "224"), CultureInfo.InvariantCulture),
                int.Parse(Get("--threads", "0"), CultureInfo.InvariantCulture),
                EngineDevice.Parse(Get("--device", "cpu")),
                Get("--out", "memory-bench.json"));
        }
    }
}
