using System.Diagnostics;
using Hark.Checkpoints;
using Hark.Engines;
using Hark.Engines.Cpu;

namespace Hark.Bench;

/// <summary>
/// <c>profile --decoder 1,8</c>: where a decoder step's time goes when it carries S sequences over S different windows
/// (batched long-form and the server's shared steps), op by op on one thread, and the wall time of the same step on
/// <c>--threads</c> threads. Each session gets a 4-token prompt, then <c>--steps</c> single-token steps (the figures are
/// per step, averaged over the steps, so the self-attention cache grows as in real decoding).
/// </summary>
internal static class DecoderProfile
{
    /// <summary>
    /// <c>profile --align 224</c>: word timestamps' alignment pass (one step over that many tokens of one window, logits
    /// at every text position, openai's fallback alignment heads recorded), op by op on one thread.
    /// </summary>
    public static int Align(WhisperConfig config, string preset, int tokens, string managed)
    {
        var (precision, kernel, bf16) = BenchSuites.ParseManaged(managed.Split(',')[0]);
        var mel = new float[config.NumMelBins * config.MelFrames];
        for (var i = 0; i < mel.Length; i++) mel[i] = MathF.Sin(i * 0.013f) * 0.8f;
        using var weights = new RandomWhisperWeights(config, 1);
        var timing = new TimingBackend(new CpuBackend(1, kernel, bf16));
        using var engine = ManagedEngine.Load(config, weights, new ManagedEngineOptions { Threads = 1, Precision = precision, Int8Kernel = kernel, BFloat16Kernel = bf16 }, timing);
        using var audio = engine.Encode(mel, 1);
        var heads = new List<(int, int)>();
        for (var l = config.DecoderLayers / 2; l < config.DecoderLayers; l++)
            for (var h = 0; h < config.DecoderAttentionHeads; h++) heads.Add((l, h));
        var feed = Enumerable.Range(0, tokens).Select(i => i == 0 ? 50258 % config.VocabSize : (i * 37) % 50000).ToArray();
        var positions = Enumerable.Range(3, tokens - 4).ToArray();
        var logits = new float[positions.Length * config.VocabSize];
        double total = 0;
        for (var round = 0; round < 2; round++)
        {
            timing.Reset();
            var start = ThreadCpuClock.NowMs();
            using var session = engine.StartDecoder(audio, [0], new DecoderSessionOptions { AlignmentHeads = heads, MaxLength = tokens });
            var started = ThreadCpuClock.NowMs();
            session.Step(feed, tokens, logits, positions);
            var stepped = ThreadCpuClock.NowMs();
            _ = session.AlignmentWeights;
            total = ThreadCpuClock.NowMs() - start;
            Console.WriteLine($"start {started - start:F1} ms, step {stepped - started:F1} ms, snapshot {total - (stepped - start):F1} ms");
        }
        Console.WriteLine($"preset {preset}, {managed}, alignment pass over {tokens} tokens, {heads.Count} heads recorded; 1 thread, CPU ms (second of two)");
        foreach (var (op, ms) in timing.Totals.OrderByDescending(p => p.Value))
            Console.WriteLine($"{op,-34}{ms,10:F1} ({100 * ms / total:F0} %)");
        Console.WriteLine($"{"whole pass",-34}{total,10:F1}");
        return 0;
    }

    public static int Run(WhisperConfig config, string preset, string sequenceList, string managed, int steps, int threads)
    {
        var (precision, kernel, bf16) = BenchSuites.ParseManaged(managed.Split(',')[0]);
        var counts = sequenceList.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray();
        var maxWindows = counts.Max();
        var mel = new float[maxWindows * config.NumMelBins * config.MelFrames];
        for (var i = 0; i < mel.Length; i++) mel[i] = MathF.Sin(i * 0.013f + i / 7919) * 0.8f;
        using var weights = new RandomWhisperWeights(config, 1);
        var timing = new TimingBackend(new CpuBackend(1, kernel, bf16));
        using var profiled = ManagedEngine.Load(config, weights, new ManagedEngineOptions { Threads = 1, Precision = precision, Int8Kernel = kernel, BFloat16Kernel = bf16 }, timing);
        using var wallEngine = ManagedEngine.Load(config, weights, new ManagedEngineOptions { Threads = threads, Precision = precision, Int8Kernel = kernel, BFloat16Kernel = bf16 });
        Console.WriteLine($"preset {preset}, {managed}, decoder step of S sequences over S windows; ms per step (mean of {steps} steps after a 4-token prompt)");
        var columns = new List<(int S, Dictionary<string, double> Ms, double Total, double Wall)>();
        foreach (var s in counts)
        {
            using var audio = profiled.Encode(mel.AsSpan(0, s * config.NumMelBins * config.MelFrames), s);
            using var wallAudio = wallEngine.Encode(mel.AsSpan(0, s * config.NumMelBins * config.MelFrames), s);
            var index = Enumerable.Range(0, s).ToArray();
            var logits = new float[s * config.VocabSize];
            var prompt = Enumerable.Range(0, s * 4).Select(i => 50258 % config.VocabSize + i % 4).ToArray();
            var token = new int[s];
            double Decode(IWhisperEngine engine, IEncodedAudio encoded, Action? reset)
            {
                using var session = engine.StartDecoder(encoded, index);
                session.Step(prompt, 4, logits);
                reset?.Invoke();
                var cpu = ThreadCpuClock.NowMs();
                var sw = Stopwatch.StartNew();
                for (var k = 0; k < steps; k++)
                {
                    for (var i = 0; i < s; i++) token[i] = (k * 31 + i * 7) % 50000;
                    session.Step(token, 1, logits);
                }
                return reset is null ? sw.Elapsed.TotalMilliseconds / steps : (ThreadCpuClock.NowMs() - cpu) / steps;
            }
            Decode(wallEngine, wallAudio, null); // warm-up
            var wall = Math.Min(Decode(wallEngine, wallAudio, null), Decode(wallEngine, wallAudio, null));
            var total = Decode(profiled, audio, timing.Reset);
            columns.Add((s, timing.Totals.ToDictionary(p => p.Key, p => p.Value / steps), total, wall));
        }
        var categories = columns.SelectMany(c => c.Ms).GroupBy(p => p.Key).OrderByDescending(g => g.Max(p => p.Value)).Select(g => g.Key).ToArray();
        Console.WriteLine($"{"op (1 thread, CPU ms/step)",-34}" + string.Concat(columns.Select(c => $"{"S=" + c.S,20}")));
        foreach (var category in categories)
            Console.WriteLine($"{category,-34}" + string.Concat(columns.Select(c =>
            {
                var ms = c.Ms.GetValueOrDefault(category);
                return $"{ms:F2} ({100 * ms / c.Total:F0} %)".PadLeft(20);
            })));
        Console.WriteLine($"{"whole step, 1 thread",-34}" + string.Concat(columns.Select(c => $"{c.Total:F2}".PadLeft(20))));
        Console.WriteLine($"{$"whole step, {threads} threads, wall",-34}" + string.Concat(columns.Select(c => $"{c.Wall:F2}".PadLeft(20))));
        Console.WriteLine($"{"wall per sequence",-34}" + string.Concat(columns.Select(c => $"{c.Wall / c.S:F2}".PadLeft(20))));
        return 0;
    }
}
