using System.Globalization;
using Hark.Checkpoints;
using Hark.Engines;
using Hark.Engines.Backends;
using Hark.Engines.Cpu;
using System.Runtime.Intrinsics.X86;

namespace Hark.Bench;

/// <summary>
/// <c>profile</c>: where one encoder window's time goes, op by op, for each managed compute type: the CPU backend
/// runs on one thread behind <see cref="TimingBackend"/>, which charges each op's thread CPU time
/// (<see cref="ThreadCpuClock"/>) to a category (linear by shape, attention, layer norm, conv, ...).
/// Options: <c>--preset tiny</c>, <c>--managed fp32,int8</c> (as the <c>onnx</c> suite's), <c>--windows 2</c>
/// (after one warm-up window), <c>--fp32-attention</c> (int8 weights, float32 attention); <c>--decoder 1,8</c> profiles
/// a decoder step of that many sequences over as many windows instead (<see cref="DecoderProfile"/>).
/// </summary>
internal static class ProfileBench
{
    public static void Register() =>
        BenchMain.Register("profile", "encoder time per op category (1 thread, thread CPU ms per window) per managed compute type", RunAsync);

    private static Task<int> RunAsync(string[] args)
    {
        string Arg(string name, string fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }
        var preset = Arg("--preset", "tiny");
        var config = WhisperPresets.Get(preset);
        if (Array.IndexOf(args, "--align") >= 0)
            return Task.FromResult(DecoderProfile.Align(config, preset, int.Parse(Arg("--align", "224"), CultureInfo.InvariantCulture), Arg("--managed", "fp32")));
        if (Array.IndexOf(args, "--decoder") >= 0) return Task.FromResult(DecoderProfile.Run(config, preset, Arg("--decoder", "1,8"), Arg("--managed", "fp32"),
            int.Parse(Arg("--steps", "64"), CultureInfo.InvariantCulture), int.Parse(Arg("--threads", "2"), CultureInfo.InvariantCulture)));
        var windows = int.Parse(Arg("--windows", "2"), CultureInfo.InvariantCulture);
        var types = Arg("--managed", "fp32,int8").Split(',', StringSplitOptions.RemoveEmptyEntries);
        var mel = new float[config.NumMelBins * config.MelFrames];
        for (var i = 0; i < mel.Length; i++) mel[i] = MathF.Sin(i * 0.013f) * 0.8f;
        var columns = new List<(string Type, Dictionary<string, double> Ms, double Total)>();
        foreach (var type in types)
        {
            var (precision, kernel, bf16) = BenchSuites.ParseManaged(type);
            var timing = new TimingBackend(new CpuBackend(1, kernel, bf16) { Int8Attention = precision == ComputePrecision.Int8 && !args.Contains("--fp32-attention") });
            using var weights = new RandomWhisperWeights(config, 1);
            using var engine = ManagedEngine.Load(config, weights, new ManagedEngineOptions { Threads = 1, Precision = precision, Int8Kernel = kernel, BFloat16Kernel = bf16 }, timing);
            engine.Encode(mel, 1).Dispose();
            timing.Reset();
            var start = ThreadCpuClock.NowMs();
            for (var w = 0; w < windows; w++) engine.Encode(mel, 1).Dispose();
            var total = (ThreadCpuClock.NowMs() - start) / windows;
            columns.Add((type, timing.Totals.ToDictionary(p => p.Key, p => p.Value / windows), total));
        }
        var categories = columns.SelectMany(c => c.Ms).GroupBy(p => p.Key).OrderByDescending(g => g.Max(p => p.Value)).Select(g => g.Key).ToArray();
        Console.WriteLine($"preset {preset}, 1 thread, thread CPU ms per encoder window (mean of {windows}); int8 kernel {Int8KernelSelection.Resolve(Int8Kernel.Auto)}");
        // The 512-bit VNNI and bf16 dot products have no .NET 10 intrinsic; these say which wider ISA classes this runtime would use.
        Console.WriteLine($"IsSupported: AvxVnni {AvxVnni.IsSupported}, Avx512F {Avx512F.IsSupported}, Avx10v1 {Avx10v1.IsSupported}, " +
            $"Avx10v2 {Avx10v2.IsSupported}, AvxVnniInt8 {AvxVnniInt8.IsSupported}, Vector512 accelerated {System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated}");
        Console.WriteLine($"{"op",-30}" + string.Concat(columns.Select(c => $"{c.Type,22}")));
        foreach (var category in categories)
            Console.WriteLine($"{category,-30}" + string.Concat(columns.Select(c =>
            {
                var ms = c.Ms.GetValueOrDefault(category);
                return $"{ms:F1} ({100 * ms / c.Total:F0} %)".PadLeft(22);
            })));
        Console.WriteLine($"{"whole window",-30}" + string.Concat(columns.Select(c => $"{c.Total:F1}".PadLeft(22))));
        return Task.FromResult(0);
    }
}
