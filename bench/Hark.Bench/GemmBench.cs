using System.Diagnostics;
using System.Globalization;
using Hark.Engines;
using Hark.Engines.Backends;
using Hark.Engines.Cpu;

namespace Hark.Bench;

/// <summary>
/// <c>gemm</c>: the CPU backend's linear op alone, on a preset's encoder (1500 rows) and decoder-step (1 row) shapes,
/// for each weight type and int8 kernel, measured in turn round after round: GFLOP/s, median (and best). With one
/// thread the time is the thread's CPU time (<see cref="ThreadCpuClock"/>), robust to other work on the machine.
/// Options: <c>--preset base</c>, <c>--threads 1</c>, <c>--rounds 15</c>,
/// <c>--types fp32,bf16,int8,int8/float32-reference</c>.
/// </summary>
internal static class GemmBench
{
    public static void Register() =>
        BenchMain.Register("gemm", "CPU linear op per weight type and int8 kernel: GFLOP/s on encoder and decoder shapes", RunAsync);

    private static Task<int> RunAsync(string[] args)
    {
        string Arg(string name, string fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }
        var config = Hark.Checkpoints.WhisperPresets.Get(Arg("--preset", "base"));
        var threads = int.Parse(Arg("--threads", "1"), CultureInfo.InvariantCulture);
        var rounds = int.Parse(Arg("--rounds", "15"), CultureInfo.InvariantCulture);
        var types = Arg("--types", "fp32,bf16,int8,int8/float32-reference").Split(',', StringSplitOptions.RemoveEmptyEntries);
        var d = config.DModel;
        Func<double> clock = threads == 1 ? ThreadCpuClock.NowMs : () => Stopwatch.GetTimestamp() * 1e3 / Stopwatch.Frequency;
        (string Name, int M, int N, int K)[] shapes =
        [
            ("enc qkvo", config.MaxSourcePositions, d, d), ("enc fc1", config.MaxSourcePositions, 4 * d, d), ("enc fc2", config.MaxSourcePositions, d, 4 * d),
            ("dec fc1", 1, 4 * d, d), ("dec fc2", 1, d, 4 * d), ("dec logits", 1, config.VocabSize, d),
        ];
        var random = new Random(1);
        var backends = types.Select(t =>
        {
            var (precision, kernel, bf16) = BenchSuites.ParseManaged(t);
            var dtype = precision switch
            {
                ComputePrecision.BFloat16 => TensorDType.BFloat16,
                ComputePrecision.Float16 => TensorDType.Float16,
                ComputePrecision.Int8 => TensorDType.Int8,
                _ => TensorDType.Float32,
            };
            return (Name: t, DType: dtype, Backend: new CpuBackend(threads, kernel, bf16));
        }).ToArray();
        Console.WriteLine($"preset {Arg("--preset", "base")}, {threads} threads, {rounds} rounds, {(threads == 1 ? "thread CPU" : "wall")} time: GFLOP/s median (best)");
        Console.WriteLine($"{"shape",-28}" + string.Concat(backends.Select(b => $"{b.Name,26}")));
        foreach (var (name, m, n, k) in shapes)
        {
            var x = new float[m * k];
            var w = new float[n * k];
            for (var i = 0; i < x.Length; i++) x[i] = (float)(random.NextDouble() * 2 - 1);
            for (var i = 0; i < w.Length; i++) w[i] = (float)(random.NextDouble() * 2 - 1);
            var runs = backends.Select(b =>
            {
                var xt = b.Backend.Allocate(m, k);
                var yt = b.Backend.Allocate(m, n);
                b.Backend.Upload(x, TensorView.Of(xt));
                return (b.Backend, X: xt, Y: yt, W: b.Backend.CreateLinearWeight(w, n, k, b.DType), Times: new List<double>());
            }).ToArray();
            var reps = m == 1 ? 50 : 1;
            for (var round = 0; round <= rounds; round++)
                foreach (var r in runs)
                {
                    var start = clock();
                    for (var i = 0; i < reps; i++) r.Backend.Linear(TensorView.Of(r.X), r.W, null, TensorView.Of(r.Y));
                    if (round > 0) r.Times.Add((clock() - start) / 1e3 / reps); // round 0 warms up
                }
            var flops = 2.0 * m * n * k;
            Console.WriteLine($"{$"{name} [{m}×{k}]·[{k}×{n}]",-28}" + string.Concat(runs.Select(r =>
            {
                var sorted = r.Times.Order().ToArray();
                return $"{$"{flops / sorted[sorted.Length / 2] / 1e9:F1} ({flops / sorted[0] / 1e9:F1})",26}";
            })));
            foreach (var r in runs)
            {
                r.X.Dispose();
                r.Y.Dispose();
                r.W.Dispose();
            }
        }
        foreach (var b in backends) b.Backend.Dispose();
        return Task.FromResult(0);
    }
}
