using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Hark.Conversion;
using Hark.Serving;
using Hark.Transcription;

namespace Hark.Bench;

/// <summary>
/// <c>serve</c>: <c>hark serve</c>'s cross-request batching. A server (in this process, Kestrel on a loopback port)
/// over a random model; first every request of the mix sent one at a time, then N concurrent clients each sending
/// its share of the same mix (jfk and longform alternating). Requests/s, audio s/s, p50/p95 latency, failures, peak RSS.
/// <code>dotnet run -c Release --project bench/Hark.Bench -- serve [--preset tiny] [--threads 2] [--clients 16,64] [--requests 64] [--max-batch 16] [--max-new-tokens 32] [--condition-on-previous-text true|false] [--out FILE]</code>
/// </summary>
internal static class ServeBench
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static void Register() =>
        BenchMain.Register("serve", "hark serve: concurrent clients vs one at a time (requests/s, audio s/s, latency, RSS)", RunAsync);

    public static async Task<int> RunAsync(string[] args)
    {
        var preset = JobsBench.Arg(args, "--preset") ?? "tiny";
        var threads = int.Parse(JobsBench.Arg(args, "--threads") ?? "2", CultureInfo.InvariantCulture);
        var clients = (JobsBench.Arg(args, "--clients") ?? "16,64").Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToList();
        var requests = int.Parse(JobsBench.Arg(args, "--requests") ?? "64", CultureInfo.InvariantCulture);
        var maxBatch = int.Parse(JobsBench.Arg(args, "--max-batch") ?? "16", CultureInfo.InvariantCulture);
        var maxNewTokens = int.Parse(JobsBench.Arg(args, "--max-new-tokens") ?? "32", CultureInfo.InvariantCulture);
        var outFile = JobsBench.Arg(args, "--out") ?? "serve-bench.json";
        // Conditioning on the previous text gives every later window of a recording its own prompt, so those windows
        // share the encoder batch but not a decoder session; without it every window of the mix can share one.
        var condition = (JobsBench.Arg(args, "--condition-on-previous-text") ?? "true") == "true";
        var fixtures = JobsBench.FixturesFolder();
        string[] files = [Path.Combine(fixtures, "audio", "jfk.wav"), Path.Combine(fixtures, "audio", "espeak", "longform.wav")];
        var mix = Enumerable.Range(0, requests).Select(i => files[i % files.Length]).ToList();
        var seconds = files.ToDictionary(f => f, f => Hark.Audio.AudioLoader.Load(f).Length / 16000.0);

        var folder = Path.Combine(Path.GetTempPath(), "hark-serve-bench-" + Environment.ProcessId);
        RandomModelWriter.Write(folder, new RandomModelOptions { Preset = preset, Seed = 1, TokenizerSource = Path.Combine(fixtures, "hf", "whisper-base") });
        try
        {
            await using var model = await WhisperModel.LoadAsync(folder, new ModelOptions { Threads = threads });
            // Random weights never stop on their own: every window decodes up to the token limit, as a worst case.
            var defaults = new TranscriptionOptions { Language = "en", BeamSize = null, Temperatures = [0f], MaxNewTokens = maxNewTokens, ConditionOnPreviousText = condition };
            await using var server = HarkServer.Create([new ServedModel("bench", model, preset)], new ServerOptions
            {
                Port = 0, MaxBatch = maxBatch, MaxQueue = clients.Max() * 2, Defaults = defaults,
            });
            await server.StartAsync();
            using var http = new HttpClient { BaseAddress = new Uri(server.Urls[0].TrimEnd('/') + "/"), Timeout = TimeSpan.FromMinutes(30) };
            await SendAsync(http, files[0]); // warm-up
            Console.WriteLine($"serve bench: {Environment.ProcessorCount} cores, preset {preset}, {threads} threads, {requests} requests (jfk + longform), " +
                $"greedy, {maxNewTokens} tokens per window, condition on previous text {condition}, max batch {maxBatch}");
            var rows = new List<Dictionary<string, object>>();
            var alone = await RunAsync(http, mix, 1, seconds);
            rows.Add(Row("one at a time", 1, alone));
            foreach (var c in clients) rows.Add(Row($"{c} clients", c, await RunAsync(http, mix, c, seconds), alone));
            using var self = Process.GetCurrentProcess();
            Console.WriteLine($"peak RSS {self.PeakWorkingSet64 >> 20} MiB (server and clients in one process)");
            await File.WriteAllTextAsync(outFile, JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["suite"] = "serve", ["cores"] = Environment.ProcessorCount, ["preset"] = preset, ["threads"] = threads, ["requests"] = requests,
                ["max_batch"] = maxBatch, ["max_new_tokens"] = maxNewTokens, ["condition_on_previous_text"] = condition, ["peak_rss_mib"] = self.PeakWorkingSet64 >> 20, ["runs"] = rows,
            }, Indented));
            Console.WriteLine($"wrote {outFile}");
            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private sealed record Run(double Wall, double AudioSeconds, List<double> Latencies, int Failures);

    private static async Task<Run> RunAsync(HttpClient http, List<string> mix, int clients, Dictionary<string, double> seconds)
    {
        var next = -1;
        var latencies = new List<double>();
        var failures = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < mix.Count)
            {
                var started = clock.Elapsed.TotalSeconds;
                var ok = await SendAsync(http, mix[i]);
                lock (latencies)
                {
                    latencies.Add(clock.Elapsed.TotalSeconds - started);
                    if (!ok) failures++;
                }
            }
        }));
        return new Run(clock.Elapsed.TotalSeconds, mix.Sum(f => seconds[f]), latencies, failures);
    }

    private static async Task<bool> SendAsync(HttpClient http, string file)
    {
        using var form = new MultipartFormDataContent();
        var bytes = new ByteArrayContent(await File.ReadAllBytesAsync(file));
        bytes.Headers.ContentType = new MediaTypeHeaderValue("audio/wav");
        form.Add(bytes, "file", Path.GetFileName(file));
        form.Add(new StringContent("bench"), "model");
        using var response = await http.PostAsync("v1/audio/transcriptions", form);
        return response.IsSuccessStatusCode;
    }

    private static Dictionary<string, object> Row(string name, int clients, Run run, Run? baseline = null)
    {
        var sorted = run.Latencies.Order().ToList();
        double Percentile(double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
        var speedup = baseline is null ? 1 : baseline.Wall / run.Wall;
        Console.WriteLine($"{name,-14} {run.Latencies.Count} requests in {run.Wall:F1} s: {run.Latencies.Count / run.Wall:F2} req/s, " +
            $"{run.AudioSeconds / run.Wall:F1} audio s/s, p50 {Percentile(0.5):F2} s, p95 {Percentile(0.95):F2} s, failures {run.Failures}, ×{speedup:F2} vs one at a time");
        return new()
        {
            ["run"] = name, ["clients"] = clients, ["requests"] = run.Latencies.Count, ["wall_s"] = Math.Round(run.Wall, 2),
            ["requests_per_s"] = Math.Round(run.Latencies.Count / run.Wall, 3), ["audio_s_per_s"] = Math.Round(run.AudioSeconds / run.Wall, 2),
            ["p50_s"] = Math.Round(Percentile(0.5), 3), ["p95_s"] = Math.Round(Percentile(0.95), 3), ["failures"] = run.Failures,
            ["speedup"] = Math.Round(speedup, 2),
        };
    }
}
