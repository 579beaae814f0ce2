using Hark.Formats.Onnx;
using System.Diagnostics;
using System.Text.Json;
using Hark.Checkpoints;
using Hark.Conversion.Onnx;
using Hark.Engines;
using Hark.Engines.Onnx;

namespace Hark.Bench;

/// <summary>
/// <c>onnx</c>: encoder ms/window and decoder ms/token of ONNX Runtime exports at each precision beside the managed
/// engine, on procedural weights of a preset. Options: <c>--preset tiny</c>, <c>--threads 2</c>,
/// <c>--precisions fp32,fp16,int8,int4</c> (a <c>+contrib</c> suffix exports with contrib ops), <c>--windows 3</c>, <c>--tokens 32</c>, <c>--work DIR</c> (exports are
/// kept there between runs), <c>--json PATH</c>.
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

        var rows = new List<(string Engine, double EncoderMs, double DecoderMs)>();
        using (var weights = new RandomWhisperWeights(config, 1))
        using (var managed = ManagedEngine.Load(config, weights, new ManagedEngineOptions { Threads = threads }))
        {
            var (enc, dec) = Measure(managed, mel, windows, tokens);
            rows.Add(("managed fp32", enc, dec));
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
            using var engine = OnnxEngine.Load(folder, new OnnxEngineOptions { IntraOpThreads = threads });
            var (enc, dec) = Measure(engine, mel, windows, tokens);
            rows.Add(($"onnx {name}", enc, dec));
        }

        Console.WriteLine($"preset {preset}, {threads} threads, {windows} windows, {tokens} tokens/step loop (minimum over runs)");
        Console.WriteLine($"{"engine",-24} {"encoder ms/window",18} {"decoder ms/token",17}");
        foreach (var (engine, enc, dec) in rows) Console.WriteLine($"{engine,-24} {enc,18:F1} {dec,17:F2}");
        File.WriteAllText(json, JsonSerializer.Serialize(rows.Select(r => new { engine = r.Engine, preset, threads, encoder_ms_per_window = r.EncoderMs, decoder_ms_per_token = r.DecoderMs })));
        return Task.FromResult(0);
    }

    private static (double EncoderMs, double DecoderMs) Measure(IWhisperEngine engine, float[] mel, int windows, int tokens)
    {
        engine.Encode(mel, 1).Dispose(); // warm-up: first-run allocations and kernel selection
        var encode = new List<double>();
        IEncodedAudio? audio = null;
        for (var w = 0; w < windows; w++)
        {
            audio?.Dispose();
            var sw = Stopwatch.StartNew();
            audio = engine.Encode(mel, 1);
            encode.Add(sw.Elapsed.TotalMilliseconds);
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
                    var sw = Stopwatch.StartNew();
                    session.Step([next], 1, logits);
                    if (run == 1) step.Add(sw.Elapsed.TotalMilliseconds); // the first run warms the decoder
                }
            }
        }
        // Minimum, not median: on a shared machine interference only ever adds time.
        return (encode.Min(), step.Min());
    }
}
