using Hark.Jobs;
using Hark.Tests.Transcription;
using Hark.Transcription;
using Hark.Transcription.Writers;
using NATS.Client.KeyValueStore;

namespace Hark.Tests.Jobs;

/// <summary>
/// One run of the queue, shared by the facts of <see cref="JobQueueTests"/>: a real nats-server, 3 worker processes,
/// 30 jobs of fixture audio and one job whose audio is not audio. While it runs, one worker is killed (-9) while it
/// holds a job and the server is restarted on the same store. Everything observed is kept for the facts to check.
/// </summary>
public sealed class JobQueueScenario : IAsyncLifetime, IDisposable
{
    public const int Jobs = 30;
    public const string Victim = "w1";
    public static readonly TimeSpan AckWait = TimeSpan.FromSeconds(3);

    /// <summary>Short greedy decoding on the tiny preset's random weights (results are still exact to compare).</summary>
    public static readonly TranscriptionOptions Options = new()
    {
        Language = "en", BeamSize = null, Temperatures = [0f], MaxNewTokens = 6,
    };

    private readonly RandomModelFolder _model = new("tiny");
    private readonly TempDir _dir = Fixtures.TempDir();

    /// <summary>Job id → the audio file it was submitted from (the 30 good jobs).</summary>
    public Dictionary<string, string> Audio { get; } = [];

    public string BadJob { get; private set; } = "";

    /// <summary>The job the victim held when it was killed, and its state at that moment.</summary>
    public JobState? KilledWhileHolding { get; private set; }

    /// <summary>Jobs completed when the server was stopped, and when it was back.</summary>
    public int CompletedBeforeRestart { get; private set; }

    public DateTimeOffset RestartedAt { get; private set; }

    public bool SurvivorsAliveAtEnd { get; private set; }

    public IReadOnlyDictionary<string, JobState> Final { get; private set; } = new Dictionary<string, JobState>();

    /// <summary>Every state each job went through, oldest first (the state bucket's history).</summary>
    public Dictionary<string, List<JobState>> History { get; } = [];

    public List<string> ResultObjects { get; } = [];

    public IReadOnlyList<string> StateKeys { get; private set; } = [];

    public long MessagesLeft { get; private set; }

    /// <summary>Job id → format → the transcript fetched from the queue.</summary>
    public Dictionary<string, Dictionary<OutputFormat, string>> Fetched { get; } = [];

    /// <summary>Audio file → format → what an in-process <c>hark transcribe</c> writes for it.</summary>
    public Dictionary<string, Dictionary<OutputFormat, string>> Expected { get; } = [];

    public string WorkerLogs { get; private set; } = "";

    public async Task InitializeAsync()
    {
        if (NatsServer.Unavailable is not null) return;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var ct = timeout.Token;
        await using var server = await NatsServer.StartAsync(Directory.CreateDirectory(_dir.File("store")).FullName);
        var queue = new JobQueueOptions { Url = server.Url, AckWait = AckWait };
        var files = Directory.GetFiles(Fixtures.Path("audio/espeak"), "*.wav").Where(f => !f.EndsWith("longform.wav", StringComparison.Ordinal))
            .Append(Fixtures.Path("audio/jfk.wav")).Order(StringComparer.Ordinal).ToList();
        await using var client = await JobClient.ConnectAsync(queue, ct);
        for (var i = 0; i < Jobs; i++)
        {
            if (i == Jobs / 3) BadJob = await client.SubmitAsync(Fixtures.Path("audio/formats/not_audio.wav"), Options, ct);
            var file = files[i % files.Count];
            Audio[await client.SubmitAsync(file, Options, ct)] = file;
        }
        await using var store = await JobStore.OpenAsync(queue, "test-observer", ct);
        var workers = new[] { Victim, "w2", "w3" }.Select(n => new WorkerProcess(n, server.Url, _model.Folder, AckWait)).ToList();
        try
        {
            KilledWhileHolding = await KillVictimWhileItHoldsAJobAsync(store, workers[0], ct);
            CompletedBeforeRestart = await WaitForCompletedAsync(client, Jobs / 2, ct);
            await server.RestartAsync();
            RestartedAt = DateTimeOffset.UtcNow;
            var all = await client.WaitAsync([.. Audio.Keys, BadJob], ct);
            Final = all.ToDictionary(s => s.Id);
            SurvivorsAliveAtEnd = workers.Skip(1).All(w => !w.HasExited);
            await ObserveAsync(store, client, ct);
        }
        finally
        {
            foreach (var w in workers) w.Dispose();
            WorkerLogs = string.Join("\n", workers.Select(w => $"--- {w.Name}\n{w.Log}"));
        }
        await TranscribeInProcessAsync(files, ct);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        _model.Dispose();
        _dir.Dispose();
    }

    /// <summary>Watches the states and kills the victim the moment it records a running job; returns that job's state after the kill.</summary>
    private static async Task<JobState?> KillVictimWhileItHoldsAJobAsync(JobStore store, WorkerProcess victim, CancellationToken ct)
    {
        await foreach (var entry in store.States.WatchAsync<byte[]>(cancellationToken: ct))
        {
            if (entry.Value is not { } bytes) continue;
            var state = JobJson.Deserialize<JobState>(bytes, "job state");
            if (state is not { Status: JobStatus.Running, Worker: Victim }) continue;
            victim.KillHard();
            return await store.GetStateAsync(state.Id, ct);
        }
        return null;
    }

    private async Task<int> WaitForCompletedAsync(JobClient client, int count, CancellationToken ct)
    {
        while (true)
        {
            var done = 0;
            foreach (var id in Audio.Keys)
                if ((await client.GetStatusAsync(id, ct))?.Status == JobStatus.Completed) done++;
            if (done >= count) return done;
            await Task.Delay(100, ct);
        }
    }

    private async Task ObserveAsync(JobStore store, JobClient client, CancellationToken ct)
    {
        StateKeys = await client.ListAsync(ct);
        foreach (var id in StateKeys)
        {
            var history = new List<JobState>();
            await foreach (var entry in store.States.HistoryAsync<byte[]>(id, cancellationToken: ct))
                if (entry.Value is { } bytes) history.Add(JobJson.Deserialize<JobState>(bytes, "job state"));
            History[id] = history;
        }
        await foreach (var info in store.Results.ListAsync(cancellationToken: ct)) ResultObjects.Add(info.Name);
        MessagesLeft = (long)(await store.JetStream.GetStreamAsync(store.Options.Stream, cancellationToken: ct)).Info.State.Messages;
        foreach (var id in Audio.Keys.Where(i => Final[i].Status == JobStatus.Completed))
        {
            var folder = _dir.File("fetched-" + id);
            Fetched[id] = (await client.FetchAsync(id, folder, cancellationToken: ct))
                .ToDictionary(f => Enum.Parse<OutputFormat>(Path.GetExtension(f)[1..], ignoreCase: true), File.ReadAllText);
        }
    }

    /// <summary>What <c>hark transcribe</c> gives for each file: the library call with the same model, engine settings and options.</summary>
    private async Task TranscribeInProcessAsync(IEnumerable<string> files, CancellationToken ct)
    {
        await using var model = await WhisperModel.LoadAsync(_model.Folder, new ModelOptions { Threads = 1 }, ct);
        foreach (var file in files)
        {
            var result = await model.TranscribeAsync(file, Options, null, ct).ToResultAsync(ct);
            Expected[file] = Enum.GetValues<OutputFormat>().ToDictionary(f => f, f =>
            {
                using var text = new StringWriter();
                TranscriptWriter.Write(text, result, f);
                return text.ToString();
            });
        }
    }
}
