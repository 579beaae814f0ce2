using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Hark.Audio;
using Hark.Audio.Vad;
using Hark.Benchmarking;

namespace Hark.Bench;

internal static partial class BenchSuites
{
    private static void RegisterVad() => BenchMain.Register("vad",
        "Silero VAD, managed and ONNX Runtime side by side: speech probabilities of longform.wav, then N seconds streamed in bounded memory [--seconds 3600] [--audio WAV] [--json FILE]",
        VadBench.RunAsync);
}

/// <summary>
/// Silero VAD speed (seconds of audio per second) on a real recording, and a long recording streamed (longform.wav
/// repeated) with its peak memory: what <c>--vad-filter</c> adds before transcription. The managed network (what the
/// library runs) and the embedded model on ONNX Runtime, one Run per frame (the reference), side by side.
/// </summary>
internal static class VadBench
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    public static Task<int> RunAsync(string[] args)
    {
        var seconds = 3600;
        string? audioPath = null;
        var json = Path.Combine("artifacts", "bench", "vad.json");
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--seconds": seconds = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--audio": audioPath = args[++i]; break;
                case "--json": json = args[++i]; break;
                default: Console.Error.WriteLine($"vad: unknown option {args[i]}"); return Task.FromResult(2);
            }
        }
        audioPath ??= FindLongform();
        var rows = new List<(string Name, double Value, string Unit)>();
        using var self = Process.GetCurrentProcess();
        double Cpu()
        {
            self.Refresh();
            return self.TotalProcessorTime.TotalSeconds;
        }

        var audio = AudioLoader.Load(audioPath);
        var duration = (double)audio.Length / AudioConstants.SampleRate;
        var name = Path.GetFileName(audioPath);
        var model = SileroVadModel.Shared;
        using var onnx = new OnnxSileroVad();
        // Warm-up on the whole recording, so that every measured run has its methods at their final JIT tier.
        for (var i = 0; i < 5; i++)
        {
            model.SpeechProbabilities(audio);
            model.SpeechProbabilities(audio, threads: 1);
        }
        onnx.SpeechProbabilities(audio);
        var length = (long)seconds * AudioConstants.SampleRate;

        // The fastest of `repeats` runs (longform.wav lasts ~50 ms: one run is at the mercy of the scheduler), and the
        // first run's peak memory above the RSS before (VmHWM reset through /proc/self/clear_refs where Linux allows).
        T Measure<T>(string label, double audioSeconds, int repeats, Func<T> run)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var resettable = ProcessMemory.ResetPeak();
            var before = ProcessMemory.CurrentBytes;
            double wall = double.MaxValue, cpu = double.MaxValue;
            var peak = 0L;
            var result = default(T)!;
            for (var r = 0; r < repeats; r++)
            {
                if (r > 0) GC.Collect(); // timing only: the peak is the first run's
                var cpu0 = Cpu();
                var sw = Stopwatch.StartNew();
                result = run();
                wall = Math.Min(wall, sw.Elapsed.TotalSeconds);
                cpu = Math.Min(cpu, Cpu() - cpu0);
                if (r == 0) peak = ProcessMemory.PeakBytes;
            }
            var best = repeats > 1 ? $" (best of {repeats})" : "";
            rows.Add(($"{label}: wall{best}", wall, "s"));
            rows.Add(($"{label}: audio seconds per wall second", audioSeconds / wall, "x"));
            rows.Add(($"{label}: audio seconds per CPU second", audioSeconds / cpu, "x"));
            if (resettable) rows.Add(($"{label}: peak extra memory (VmHWM - RSS before)", (peak - before) / 1e6, "MB"));
            return result;
        }

        var threads = SileroVadModel.DefaultThreads;
        var probs = Measure($"{name} ({duration:F1} s), managed, {threads} threads", duration, 5, () => model.SpeechProbabilities(audio));
        _ = Measure($"{name}, managed, 1 thread", duration, 5, () => model.SpeechProbabilities(audio, threads: 1));
        var reference = Measure($"{name}, ONNX Runtime (1 Run per frame)", duration, 5, () => onnx.SpeechProbabilities(audio));
        rows.Add(($"{name}: max |managed - ONNX Runtime| over {probs.Length} frames", probs.Zip(reference, (a, b) => Math.Abs(a - b)).Max(), "prob"));
        var sw = Stopwatch.StartNew();
        var chunks = SpeechTimestamps.Find(probs, audio.Length);
        rows.Add(($"{name}: speech-timestamp rules on the probabilities", sw.Elapsed.TotalMilliseconds, "ms"));
        rows.Add(($"{name}: speech kept with the defaults ({chunks.Count} chunks)", chunks.Sum(c => c.Length) / (double)AudioConstants.SampleRate, "s"));

        // A long recording read as it is decoded: only the probabilities (4 bytes per 32 ms) accumulate.
        using (var stream = new RepeatedAudio(audio, length))
            _ = Measure($"{seconds} s streamed, managed, {threads} threads", seconds, 1, () => model.SpeechProbabilities(stream));
        using (var stream = new RepeatedAudio(audio, length))
            _ = Measure($"{seconds} s streamed, ONNX Runtime", seconds, 1, () => onnx.SpeechProbabilities(stream));

        Console.WriteLine($"{"measurement",-88} {"value",10} unit");
        foreach (var (n, value, unit) in rows) Console.WriteLine($"{n,-88} {(unit == "prob" ? value.ToString("E2", CultureInfo.InvariantCulture) : value.ToString("F3", CultureInfo.InvariantCulture)),10} {unit}");
        Console.WriteLine($"machine: {Environment.ProcessorCount} logical CPUs, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");
        var dir = Path.GetDirectoryName(Path.GetFullPath(json));
        if (dir is not null) Directory.CreateDirectory(dir);
        File.WriteAllText(json, JsonSerializer.Serialize(new
        {
            suite = "vad",
            audio = name,
            seconds,
            processors = Environment.ProcessorCount,
            results = rows.Select(r => new { name = r.Name, value = r.Value, unit = r.Unit }),
        }, JsonOptions));
        Console.WriteLine($"wrote {json}");
        return Task.FromResult(0);
    }

    private static string FindLongform()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Hark.slnx"))) dir = dir.Parent;
        return dir is null
            ? throw new HarkInputException("Hark.slnx not found above the benchmark; pass --audio", field: "--audio")
            : Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "fixtures", "audio", "espeak", "longform.wav"));
    }

    /// <summary>A recording played over and over up to a length, served in chunks like a decoder would.</summary>
    private sealed class RepeatedAudio(float[] source, long length) : IAudioStream
    {
        private long _position;

        public string Source => "repeated";

        public long? LengthHint => length;

        public int Read(Span<float> destination)
        {
            var n = (int)Math.Min(Math.Min(destination.Length, length - _position), source.Length - _position % source.Length);
            source.AsSpan((int)(_position % source.Length), n).CopyTo(destination);
            _position += n;
            return n;
        }

        public void Dispose() { }
    }
}
