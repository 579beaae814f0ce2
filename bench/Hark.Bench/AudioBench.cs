using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Hark.Audio;

namespace Hark.Bench;

internal static partial class BenchSuites
{
    private static void RegisterAudio() => BenchMain.Register("audio",
        "front end: WAV decode + resample, streaming memory, log-mel of N seconds [--seconds 3600] [--threads 2] [--json FILE]",
        AudioBench.RunAsync);
}

/// <summary>
/// Audio front-end figures on synthetic input (so no large file is needed): streaming decode of a 44.1 kHz stereo s16
/// WAV with resampling to 16 kHz and its peak memory, then log-mel of the same duration, and the speed-up over a
/// naive DFT.
/// </summary>
internal static class AudioBench
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    public static Task<int> RunAsync(string[] args)
    {
        var seconds = 3600;
        var threads = 2;
        var json = Path.Combine("artifacts", "bench", "audio.json");
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--seconds": seconds = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--threads": threads = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--json": json = args[++i]; break;
                default: Console.Error.WriteLine($"audio: unknown option {args[i]}"); return Task.FromResult(2);
            }
        }
        // The bench machine may be shared: every timing is reported as wall seconds and as process CPU seconds.
        var rows = new List<(string Name, double Value, string Unit, string Target)>();
        using var self = Process.GetCurrentProcess();
        double Cpu()
        {
            self.Refresh();
            return self.TotalProcessorTime.TotalSeconds;
        }
        double cpu0;

        // 1. Streaming decode + resample; memory measured first, while the process is still small.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        self.Refresh();
        var baseline = self.WorkingSet64;
        StreamAll(2); // warm-up (JIT)
        cpu0 = Cpu();
        var sw = Stopwatch.StartNew();
        var produced = StreamAll(seconds);
        var streamSeconds = sw.Elapsed.TotalSeconds;
        var streamCpu = Cpu() - cpu0;
        self.Refresh();
        var extraMb = (self.PeakWorkingSet64 - baseline) / 1e6;
        var hour = seconds == 3600;
        rows.Add(($"WAV 44.1k stereo s16 decode + resample to 16k, {seconds} s audio: wall", streamSeconds, "s", hour ? "<= 2" : ""));
        rows.Add(($"WAV 44.1k stereo s16 decode + resample to 16k, {seconds} s audio: CPU", streamCpu, "s", hour ? "<= 2" : ""));
        rows.Add(("peak extra memory while streaming (VmHWM - baseline)", extraMb, "MB", "<= 100"));
        if (produced != (long)seconds * AudioConstants.SampleRate) Console.Error.WriteLine($"warning: streamed {produced} samples");

        // 2. Log-mel of the same duration.
        var samples = Synthetic16k(seconds);
        LogMel.Compute(samples.AsSpan(0, 16000 * 5), 80, threads: threads); // warm-up
        cpu0 = Cpu();
        sw.Restart();
        var mel = LogMel.Compute(samples, 80, threads: threads);
        var melSeconds = sw.Elapsed.TotalSeconds;
        var melCpu = Cpu() - cpu0;
        rows.Add(($"log-mel 80 bins, {seconds} s audio, {threads} threads ({mel.Frames} frames): wall", melSeconds, "s", hour ? "<= 2" : ""));
        rows.Add(($"log-mel 80 bins, {seconds} s audio: CPU summed over threads", melCpu, "s", hour ? $"<= {2 * threads}" : ""));
        sw.Restart();
        var window = LogMel.ComputeWindow(samples.AsSpan(0, AudioConstants.SamplesPerChunk), 128);
        rows.Add(("log-mel 128 bins, one 30 s window", sw.Elapsed.TotalMilliseconds, "ms", ""));

        // 3. Naive DFT (precomputed twiddles, scalar float64) over a few seconds, per frame, against ours on 1 thread.
        const int naiveFrames = 300;
        cpu0 = Cpu();
        NaivePowerSpectra(samples, naiveFrames);
        var naivePerFrame = (Cpu() - cpu0) / naiveFrames;
        var oneThread = samples.AsSpan(0, 16000 * Math.Min(seconds, 600));
        cpu0 = Cpu();
        var single = LogMel.Compute(oneThread, 80, threads: 1);
        var fastPerFrame = (Cpu() - cpu0) / single.Frames;
        rows.Add(("log-mel CPU per frame, 1 thread", fastPerFrame * 1e6, "us", ""));
        rows.Add(("naive DFT log-mel CPU per frame / ours (1 thread)", naivePerFrame / fastPerFrame, "x", ""));
        GC.KeepAlive(window);

        Console.WriteLine($"{"measurement",-72} {"value",10} {"unit",-4} target");
        foreach (var (name, value, unit, target) in rows) Console.WriteLine($"{name,-72} {value,10:F3} {unit,-4} {target}");
        Console.WriteLine($"machine: {Environment.ProcessorCount} logical CPUs, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}; Vector<double>: {System.Numerics.Vector<double>.Count} lanes");

        var dir = Path.GetDirectoryName(Path.GetFullPath(json));
        if (dir is not null) Directory.CreateDirectory(dir);
        File.WriteAllText(json, JsonSerializer.Serialize(new
        {
            suite = "audio",
            seconds,
            threads,
            processors = Environment.ProcessorCount,
            results = rows.Select(r => new { name = r.Name, value = r.Value, unit = r.Unit, target = r.Target }),
        }, JsonOptions));
        Console.WriteLine($"wrote {json}");
        return Task.FromResult(0);
    }

    // Streams `seconds` of a synthetic 44.1 kHz stereo WAV through the public decoder, discarding the output.
    private static long StreamAll(int seconds)
    {
        using var stream = AudioLoader.OpenStream(new SyntheticWav(seconds), "synthetic.wav");
        var buffer = new float[1 << 16];
        long total = 0;
        int n;
        while ((n = stream.Read(buffer)) > 0) total += n;
        return total;
    }

    private static float[] Synthetic16k(int seconds)
    {
        var block = new float[16000 * 10];
        var rng = new Random(1);
        for (var i = 0; i < block.Length; i++)
            block[i] = (float)(0.3 * Math.Sin(2 * Math.PI * 220 * i / 16000.0) * Math.Sin(2 * Math.PI * 0.5 * i / 16000.0) + 0.05 * (rng.NextDouble() - 0.5));
        var samples = new float[(long)seconds * 16000];
        for (var i = 0; i < samples.Length; i += block.Length) block.AsSpan(0, Math.Min(block.Length, samples.Length - i)).CopyTo(samples.AsSpan(i));
        return samples;
    }

    private static void NaivePowerSpectra(float[] samples, int frames)
    {
        const int n = 400, bins = 201;
        var cos = new double[bins * n];
        var sin = new double[bins * n];
        for (var k = 0; k < bins; k++)
            for (var t = 0; t < n; t++) (cos[k * n + t], sin[k * n + t]) = (Math.Cos(2 * Math.PI * k * t / n), -Math.Sin(2 * Math.PI * k * t / n));
        var filters = MelFilterBank.Create(80);
        var power = new double[bins];
        double sink = 0;
        for (var f = 2; f < frames + 2; f++) // interior frames: no reflect padding needed
        {
            for (var k = 0; k < bins; k++)
            {
                double re = 0, im = 0;
                for (var t = 0; t < n; t++)
                {
                    var x = samples[f * 160 - 200 + t] * (0.5 - 0.5 * Math.Cos(2 * Math.PI * t / n));
                    re += x * cos[k * n + t];
                    im += x * sin[k * n + t];
                }
                power[k] = re * re + im * im;
            }
            for (var m = 0; m < 80; m++)
            {
                double s = 0;
                for (var k = 0; k < bins; k++) s += filters[m * bins + k] * power[k];
                sink += Math.Log10(Math.Max(s, 1e-10));
            }
        }
        if (double.IsNaN(sink)) Console.WriteLine("nan");
    }

    /// <summary>A WAV header then `seconds` of 44.1 kHz stereo s16, served from one repeated 1 s block (no big memory, no disk).</summary>
    private sealed class SyntheticWav : Stream
    {
        private readonly byte[] _header = new byte[44];
        private readonly byte[] _block = new byte[44100 * 4];
        private readonly long _length;
        private long _position;

        public SyntheticWav(int seconds)
        {
            var data = (long)seconds * _block.Length;
            _length = 44 + data;
            "RIFF"u8.CopyTo(_header);
            BitConverter.TryWriteBytes(_header.AsSpan(4), (uint)Math.Min(uint.MaxValue - 1, data + 36));
            "WAVEfmt "u8.CopyTo(_header.AsSpan(8));
            BitConverter.TryWriteBytes(_header.AsSpan(16), 16);
            BitConverter.TryWriteBytes(_header.AsSpan(20), (short)1);
            BitConverter.TryWriteBytes(_header.AsSpan(22), (short)2);
            BitConverter.TryWriteBytes(_header.AsSpan(24), 44100);
            BitConverter.TryWriteBytes(_header.AsSpan(28), 44100 * 4);
            BitConverter.TryWriteBytes(_header.AsSpan(32), (short)4);
            BitConverter.TryWriteBytes(_header.AsSpan(34), (short)16);
            "data"u8.CopyTo(_header.AsSpan(36));
            BitConverter.TryWriteBytes(_header.AsSpan(40), (uint)data);
            var rng = new Random(2);
            for (var i = 0; i < 44100; i++)
            {
                var v = (short)(8000 * Math.Sin(2 * Math.PI * 440 * i / 44100.0) + rng.Next(-500, 500));
                BitConverter.TryWriteBytes(_block.AsSpan(4 * i), v);
                BitConverter.TryWriteBytes(_block.AsSpan(4 * i + 2), (short)(v / 2));
            }
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var written = 0;
            while (written < buffer.Length && _position < _length)
            {
                ReadOnlySpan<byte> src = _position < 44
                    ? _header.AsSpan((int)_position)
                    : _block.AsSpan((int)((_position - 44) % _block.Length));
                var n = (int)Math.Min(Math.Min(src.Length, buffer.Length - written), _length - _position);
                src[..n].CopyTo(buffer[written..]);
                written += n;
                _position += n;
            }
            return written;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => _length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
