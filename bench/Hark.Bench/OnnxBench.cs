using Hark.Formats.Onnx;
using System.Diagnostics;
using System.Text.Json;
using Hark.Checkpoints;
using Hark.Conversion.Onnx;
using Hark.Engines;
using Hark.Engines.Cpu;
using Hark.Engines.Onnx;

namespace Hark.Bench;

/// <summary>
/// <c>onnx</c>: encoder ms/window and decoder ms/token of ONNX Runtime exports at each precision beside the managed
/// engine, on procedural weights of a preset. Options: <c>--preset tiny</c>, <c>--threads 2</c>,
/// <c>--precisions fp32,fp16,int8,int4</c> (a <c>+contrib</c> suffix exports with contrib ops), <c>--windows 3</c>, <c>--tokens 32</c>, <c>--work DIR</c> (exports are
/// kept there between runs), <c>--json PATH</c>, <c>--managed fp32,bf16,int8,int8/float32-reference</c> (managed compute
/// types; <c>/kernel</c> forces an int8 kernel), <c>--rounds 1</c> (every engine is loaded once, then measured once per
/// round, in turn, so noise on a shared machine spreads over all of them; the table gives the median and the minimum),
/// <c>--cpu-time</c> (with <c>--threads 1</c>: the calling thread's CPU time instead of wall time, which the other
/// work of a shared machine does not inflate; both engines then compute on that thread).
/// </summary>
internal static partial class BenchSuites
{
    private static void RegisterOnnx() =>
        BenchMain.Register("onnx", "ONNX Runtime fp32/fp16/int8/int4 vs managed: encoder ms/window, decoder ms/token", RunOnnxAsync);

    private static Task<int> RunOnnxAsync(string[] args)
    {
        string Arg(string name, string fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }
        var preset = Arg("--preset", "tiny");
        var threads = int.Parse(Arg("--threads", "2"), System.Globalization.CultureInfo.InvariantCulture);
        var windows = int.Parse(Arg("--windows", "3"), System.Globalization.CultureInfo.InvariantCulture);
        var tokens = int.Parse(Arg("--tokens", "32"), System.Globalization.CultureInfo.InvariantCulture);
        var work = Arg("--work", Path.Combine(Path.GetTempPath(), "hark-onnx-bench"));
        var json = Arg("--json", $"onnx-{preset}.json");
        var precisions = Arg("--precisions", "fp32,fp16,int8,int4").Split(',', StringSplitOptions.RemoveEmptyEntries);
        var config = WhisperPresets.Get(preset);
        var mel = new float[config.NumMelBins * config.MelFrames];
        for (var i = 0; i < mel.Length; i++) mel[i] = MathF.Sin(i * 0.013f) * 0.8f;

        var rows = new List<(string Engine, double EncoderMs, double EncoderMinMs, double DecoderMs, double DecoderMinMs)>();
        var rounds = int.Parse(Arg("--rounds", "1"), System.Globalization.CultureInfo.InvariantCulture);
        var managedTypes = Arg("--managed", "fp32").Split(',', StringSplitOptions.RemoveEmptyEntries);
        var cpuTime = args.Contains("--cpu-time");
        if (cpuTime && threads != 1) throw new ArgumentException("--cpu-time measures one thread; use it with --threads 1");
        Func<double> clock = cpuTime ? ThreadCpuClock.NowMs : () => Stopwatch.GetTimestamp() * 1e3 / Stopwatch.Frequency;

        var engines = new List<(string Name, IWhisperEngine Engine)>();
        try
        {
            foreach (var type in managedTypes)
            {
                var (precision, kernel, bf16) = ParseManaged(type);
                using var weights = new RandomWhisperWeights(config, 1);
                engines.Add(($"managed {type}", ManagedEngine.Load(config, weights,
                    new ManagedEngineOptions { Threads = threads, Precision = precision, Int8Kernel = kernel, BFloat16Kernel = bf16 })));
            }
            foreach (var name in precisions)
            {
                var contrib = name.EndsWith("+contrib", StringComparison.Ordinal);
                var precision = OnnxPrecisionNames.Parse(contrib ? name[..^"+contrib".Length] : name);
                var folder = Path.Combine(work, $"{preset}-{name}");
                if (!File.Exists(Path.Combine(folder, OptimumNames.EncoderFile)))
                {
                    using var checkpoint = new WhisperCheckpoint("", config, new RandomWhisperWeights(config, 1));
                    OnnxExporter.Export(checkpoint, folder, new OnnxExportOptions { Precision = precision, Merged = false, Force = true, ContribOps = contrib });
                }
                engines.Add(($"onnx {name}", OnnxEngine.Load(folder, new OnnxEngineOptions { IntraOpThreads = threads })));
            }
            var encode = engines.Select(_ => new List<double>()).ToArray();
            var decode = engines.Select(_ => new List<double>()).ToArray();
            for (var round = 0; round < rounds; round++)
                for (var e = 0; e < engines.Count; e++)
                {
                    var (enc, dec) = Measure(engines[e].Engine, mel, windows, tokens, clock);
                    encode[e].AddRange(enc);
                    decode[e].AddRange(dec);
                }
            rows.AddRange(engines.Select((e, i) => (e.Name, Median(encode[i]), encode[i].Min(), Median(decode[i]), decode[i].Min())));
        }
        finally
        {
            foreach (var (_, engine) in engines) engine.Dispose();
        }

        Console.WriteLine($"preset {preset}, {threads} threads, {rounds} rounds × ({windows} windows, {tokens} tokens/step loop), {(cpuTime ? "thread CPU" : "wall")} ms: median (minimum)");
        Console.WriteLine($"{"engine",-32} {"encoder ms/window",22} {"decoder ms/token",20}");
        foreach (var (engine, enc, encMin, dec, decMin) in rows)
            Console.WriteLine($"{engine,-32} {$"{enc:F1} ({encMin:F1})",22} {$"{dec:F2} ({decMin:F2})",20}");
        File.WriteAllText(json, JsonSerializer.Serialize(rows.Select(r => new
        {
            engine = r.Engine, preset, threads, rounds, clock = cpuTime ? "thread-cpu" : "wall", encoder_ms_per_window = r.EncoderMs, encoder_min_ms = r.EncoderMinMs,
            decoder_ms_per_token = r.DecoderMs, decoder_min_ms = r.DecoderMinMs,
        })));
        return Task.FromResult(0);
    }

    /// <summary>
    /// <c>fp32</c>, <c>bf16</c>, <c>int8</c>…, optionally <c>/kernel</c>: an <see cref="Int8Kernel"/> after int8, a
    /// <see cref="BFloat16Kernel"/> after bf16, in kebab case.
    /// </summary>
    internal static (ComputePrecision Precision, Int8Kernel Kernel, BFloat16Kernel BFloat16) ParseManaged(string type)
    {
        var slash = type.IndexOf('/', StringComparison.Ordinal);
        var precision = EngineBench.ParsePrecision(slash < 0 ? type : type[..slash]);
        if (slash < 0) return (precision, Int8Kernel.Auto, BFloat16Kernel.Auto);
        var kernel = type[(slash + 1)..].Replace("-", "", StringComparison.Ordinal);
        if (precision == ComputePrecision.BFloat16)
            return Enum.TryParse<BFloat16Kernel>(kernel, ignoreCase: true, out var b) && Enum.IsDefined(b)
                ? (precision, Int8Kernel.Auto, b)
                : throw new ArgumentException($"unknown bf16 kernel '{type[(slash + 1)..]}'; expected auto, avx512-bf16 or float32-widened");
        return Enum.TryParse<Int8Kernel>(kernel, ignoreCase: true, out var k) && Enum.IsDefined(k)
            ? (precision, k, BFloat16Kernel.Auto)
            : throw new ArgumentException($"unknown int8 kernel '{type[(slash + 1)..]}'; expected auto, avx512-vnni, avx-vnni, avx2 or float32-reference");
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static (List<double> EncoderMs, List<double> DecoderMs) Measure(IWhisperEngine engine, float[] mel, int windows, int tokens, Func<double> clock)
    {
        engine.Encode(mel, 1).Dispose(); // warm-up: first-run allocations and kernel selection
        var encode = new List<double>();
        IEncodedAudio? audio = null;
        for (var w = 0; w < windows; w++)
        {
            audio?.Dispose();
            var start = clock();
            audio = engine.Encode(mel, 1);
            encode.Add(clock() - start);
        }
        var vocab = engine.Config.VocabSize;
        var logits = new float[vocab];
        var step = new List<double>();
        using (audio)
        {
            for (var run = 0; run < 2; run++)
            {
                using var session = engine.StartDecoder(audio!, [0]);
                session.Step([50258, 50259, 50359, 50363], 4, logits);
                for (var t = 0; t < tokens; t++)
                {
                    var next = 0;
                    for (var i = 1; i < vocab; i++) if (logits[i] > logits[next]) next = i;
                    var start = clock();
                    session.Step([next], 1, logits);
                    if (run == 1) step.Add(clock() - start); // the first run warms the decoder
                }
            }
        }
        // Median and minimum are taken by the caller: on a shared machine interference only ever adds time.
        return (encode, step);
    }
}
