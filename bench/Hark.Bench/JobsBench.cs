using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Hark.Conversion;
using Hark.Jobs;
using Hark.Transcription;

namespace Hark.Bench;

/// <summary>
/// <c>jobs</c>: the NATS JetStream job queue on this machine. Jobs per minute with 1 and 2 workers (jobs submitted
/// first, then the workers started on a full queue), and the queue's own overhead per job measured one job at a time
/// on an idle worker: submit → the worker receives the job, and the whole job's latency less its transcription time.
/// Workers run in this process (one model each, one thread each); every phase uses its own stream and buckets.
/// <code>nats-server -js -p 14222 -sd /tmp/hark-nats &amp;
/// dotnet run -c Release --project bench/Hark.Bench -- jobs --nats nats://127.0.0.1:14222 [--preset test|tiny] [--audio FILE] [--jobs 20] [--latency-jobs 10] [--workers 1,2] [--out FILE]</code>
/// </summary>
internal static class JobsBench
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private static readonly TranscriptionOptions Options = new() { Language = "en", BeamSize = null, Temperatures = [0f] };

    public static void Register() =>
        BenchMain.Register("jobs", "NATS job queue: jobs/min with 1 and 2 workers, queue overhead per job vs transcription (--nats URL)", RunAsync);

    public static async Task<int> RunAsync(string[] args)
    {
        var url = Arg(args, "--nats") ?? throw new HarkInputException("required: a JetStream server URL (nats-server -js)", field: "--nats");
        var preset = Arg(args, "--preset") ?? "test";
        var fixtures = FixturesFolder();
        var audio = Arg(args, "--audio") ?? Path.Combine(fixtures, "audio", "jfk.wav");
        var jobs = int.Parse(Arg(args, "--jobs") ?? "20", CultureInfo.InvariantCulture);
        var latencyJobs = int.Parse(Arg(args, "--latency-jobs") ?? "10", CultureInfo.InvariantCulture);
        var workerCounts = (Arg(args, "--workers") ?? "1,2").Split(',').Select(w => int.Parse(w, CultureInfo.InvariantCulture)).ToList();
        var outFile = Arg(args, "--out") ?? "jobs-bench.json";
        var run = DateTime.UtcNow.ToString("HHmmss", CultureInfo.InvariantCulture);
        var folder = Path.Combine(Path.GetTempPath(), "hark-jobs-bench-" + Environment.ProcessId);
        RandomModelWriter.Write(folder, new RandomModelOptions { Preset = preset, Seed = 1, TokenizerSource = Path.Combine(fixtures, "hf", "whisper-base") });
        var models = new List<WhisperModel>();
        try
        {
            for (var i = 0; i < workerCounts.Max(); i++) models.Add(await WhisperModel.LoadAsync(folder, new ModelOptions { Threads = 1 }));
            foreach (var m in models) await m.TranscribeAsync(audio, Options).ToResultAsync(); // warm-up: JIT and caches out of the timings
            Console.WriteLine($"jobs bench: {Environment.ProcessorCount} cores, preset {preset}, audio {Path.GetFileName(audio)}, {url}; workers in-process, 1 thread each");
            var throughput = new List<Dictionary<string, object>>();
            foreach (var n in workerCounts)
            {
                var queue = Queue(url, $"{run}T{n}");
                var (wall, states) = await ThroughputAsync(queue, models.Take(n).ToList(), audio, jobs);
                var perMinute = jobs / wall * 60;
                var transcription = states.Average(s => s.TranscriptionSeconds ?? 0);
                Console.WriteLine($"{n} worker(s): {jobs} jobs in {wall:F1} s = {perMinute:F1} jobs/min (mean transcription {transcription:F2} s/job)");
                throughput.Add(new() { ["workers"] = n, ["jobs"] = jobs, ["wall_s"] = Math.Round(wall, 2), ["jobs_per_minute"] = Math.Round(perMinute, 1), ["mean_transcription_s"] = Math.Round(transcription, 3) });
            }
            var latency = await LatencyAsync(Queue(url, run + "L"), models[0], audio, latencyJobs);
            Console.WriteLine($"one job at a time ({latencyJobs}, medians): submit call {latency["submit_call_ms"]:F1} ms, submit → worker receives {latency["submit_to_received_ms"]:F1} ms, "
                + $"queue overhead (latency − transcription) {latency["overhead_ms"]:F1} ms vs transcription {latency["transcription_ms"]:F1} ms");
            await File.WriteAllTextAsync(outFile, JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["suite"] = "jobs", ["cores"] = Environment.ProcessorCount, ["preset"] = preset, ["audio"] = Path.GetFileName(audio),
                ["throughput"] = throughput, ["latency"] = latency,
            }, Indented));
            Console.WriteLine($"wrote {outFile}");
            return 0;
        }
        finally
        {
            foreach (var m in models) await m.DisposeAsync();
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Submits every job first, then times the workers from start to the last completion.</summary>
    private static async Task<(double Wall, IReadOnlyList<JobState> States)> ThroughputAsync(JobQueueOptions queue, List<WhisperModel> models, string audio, int jobs)
    {
        await using var client = await JobClient.ConnectAsync(queue);
        var ids = new List<string>();
        for (var i = 0; i < jobs; i++) ids.Add(await client.SubmitAsync(audio, Options));
        using var stop = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();
        var workers = models.Select((m, i) => new JobWorker(m, queue, $"bench-{i}").RunAsync(stop.Token)).ToList();
        var states = await client.WaitAsync(ids);
        var wall = clock.Elapsed.TotalSeconds;
        await stop.CancelAsync();
        await Task.WhenAll(workers.Select(w => w.ContinueWith(_ => { }, TaskScheduler.Default)));
        return (wall, states);
    }

    /// <summary>One job at a time on an idle worker: what the queue adds to each job.</summary>
    private static async Task<Dictionary<string, object>> LatencyAsync(JobQueueOptions queue, WhisperModel model, string audio, int jobs)
    {
        await using var client = await JobClient.ConnectAsync(queue);
        using var stop = new CancellationTokenSource();
        var worker = new JobWorker(model, queue, "bench-latency").RunAsync(stop.Token);
        await client.WaitAsync([await client.SubmitAsync(audio, Options)]); // warm-up
        var (submit, received, overhead, transcription) = (new List<double>(), new List<double>(), new List<double>(), new List<double>());
        for (var i = 0; i < jobs; i++)
        {
            var start = DateTimeOffset.UtcNow;
            var clock = Stopwatch.StartNew();
            var id = await client.SubmitAsync(audio, Options);
            submit.Add(clock.Elapsed.TotalMilliseconds);
            var state = (await client.WaitAsync([id]))[0];
            var end = state.FinishedAt!.Value;
            received.Add((state.StartedAt!.Value - start).TotalMilliseconds);
            transcription.Add(state.TranscriptionSeconds!.Value * 1000);
            overhead.Add((end - start).TotalMilliseconds - state.TranscriptionSeconds!.Value * 1000);
        }
        await stop.CancelAsync();
        await worker.ContinueWith(_ => { }, TaskScheduler.Default);
        return new()
        {
            ["jobs"] = jobs, ["submit_call_ms"] = Median(submit), ["submit_to_received_ms"] = Median(received),
            ["overhead_ms"] = Median(overhead), ["transcription_ms"] = Median(transcription),
        };
    }

    private static JobQueueOptions Queue(string url, string suffix) => new()
    {
        Url = url, Stream = "HARK_BENCH_" + suffix, SubjectPrefix = "hark.bench." + suffix, Consumer = "bench-" + suffix,
        AudioBucket = "bench-audio-" + suffix, ResultsBucket = "bench-results-" + suffix, StateBucket = "bench-jobs-" + suffix,
    };

    private static double Median(List<double> values)
    {
        values.Sort();
        return Math.Round(values[values.Count / 2], 1);
    }

    private static string? Arg(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    internal static string FixturesFolder()
    {
        if (Environment.GetEnvironmentVariable("HARK_FIXTURES") is { Length: > 0 } env) return env;
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Hark.slnx"))) dir = dir.Parent;
        return dir is null
            ? throw new HarkInputException("set HARK_FIXTURES to the fixtures folder", field: "HARK_FIXTURES")
            : Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "fixtures"));
    }
}
