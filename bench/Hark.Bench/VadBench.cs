using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Hark.Audio;
using Hark.Audio.Vad;

namespace Hark.Bench;

internal static partial class BenchSuites
{
    private static void RegisterVad() => BenchMain.Register("vad",
        "Silero VAD: speech probabilities of longform.wav, then N seconds streamed in bounded memory [--seconds 3600] [--audio WAV] [--json FILE]",
        VadBench.RunAsync);
}

/// <summary>
/// Silero VAD speed (seconds of audio per second) on a real recording, and a long recording streamed frame by frame
/// (longform.wav repeated) with its peak memory: what <c>--vad-filter</c> adds before transcription.
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
        var model = SileroVadModel.Shared;
        model.SpeechProbabilities(audio.AsSpan(0, Math.Min(audio.Length, 5 * AudioConstants.SampleRate))); // warm-up
        GC.Collect();
        self.Refresh();
        var baseline = self.WorkingSet64;

        var cpu0 = Cpu();
        var sw = Stopwatch.StartNew();
        var probs = model.SpeechProbabilities(audio);
        var wall = sw.Elapsed.TotalSeconds;
        var cpu = Cpu() - cpu0;
        sw.Restart();
        var chunks = SpeechTimestamps.Find(probs, audio.Length);
        var rules = sw.Elapsed.TotalMilliseconds;
        var name = Path.GetFileName(audioPath);
        rows.Add(($"{name} ({duration:F1} s, {probs.Length} frames): speech probabilities, wall", wall, "s"));
        rows.Add(($"{name}: audio seconds per wall second", duration / wall, "x"));
        rows.Add(($"{name}: audio seconds per CPU second", duration / cpu, "x"));
        rows.Add(($"{name}: speech-timestamp rules on the probabilities", rules, "ms"));
        rows.Add(($"{name}: speech kept with the defaults ({chunks.Count} chunks)", chunks.Sum(c => c.Length) / (double)AudioConstants.SampleRate, "s"));

        // A long recording read frame by frame: only the probabilities (4 bytes per 32 ms) accumulate.
        using var stream = new RepeatedAudio(audio, (long)seconds * AudioConstants.SampleRate);
        cpu0 = Cpu();
        sw.Restart();
        var (longProbs, samples) = model.SpeechProbabilities(stream);
        wall = sw.Elapsed.TotalSeconds;
        cpu = Cpu() - cpu0;
        self.Refresh();
        rows.Add(($"{seconds} s streamed ({longProbs.Length} frames): wall", wall, "s"));
        rows.Add(($"{seconds} s streamed: audio seconds per wall second", samples / (double)AudioConstants.SampleRate / wall, "x"));
        rows.Add(($"{seconds} s streamed: audio seconds per CPU second", samples / (double)AudioConstants.SampleRate / cpu, "x"));
        rows.Add(("peak extra memory over both runs (VmHWM - baseline after loading the recording)", (self.PeakWorkingSet64 - baseline) / 1e6, "MB"));

        Console.WriteLine($"{"measurement",-88} {"value",10} unit");
        foreach (var (n, value, unit) in rows) Console.WriteLine($"{n,-88} {value,10:F3} {unit}");
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
