using Hark.IO;
using Hark.Transcription;
using Hark.Transcription.Writers;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.KeyValueStore;

namespace Hark.Jobs;

/// <summary>
/// Submits transcription jobs to the queue and collects their results: upload the audio, enqueue the job with its
/// options, follow its state, fetch the transcripts a worker stored.
/// </summary>
public sealed class JobClient : IAsyncDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);
    private readonly JobStore _store;

    private JobClient(JobStore store) => _store = store;

    /// <summary>Connects to the queue, creating its stream and buckets if they do not exist yet.</summary>
    /// <exception cref="HarkException">The server cannot be reached or refuses the queue's settings.</exception>
    public static async Task<JobClient> ConnectAsync(JobQueueOptions options, CancellationToken cancellationToken = default) =>
        new(await JobStore.OpenAsync(options, "hark-client", cancellationToken).ConfigureAwait(false));

    /// <summary>Uploads <paramref name="audioPath"/> and enqueues a job that transcribes it with <paramref name="options"/>.</summary>
    /// <returns>The job id.</returns>
    /// <exception cref="HarkInputException">The file is missing or larger than <see cref="JobQueueOptions.MaxAudioBytes"/>.</exception>
    public async Task<string> SubmitAsync(string audioPath, TranscriptionOptions? options = null, CancellationToken cancellationToken = default)
    {
        var file = new FileInfo(audioPath);
        if (!file.Exists) throw new HarkInputException("no such file", audioPath, "audio");
        if (file.Length > _store.Options.MaxAudioBytes)
            throw new HarkInputException($"{file.Length} bytes is above the queue's limit of {_store.Options.MaxAudioBytes}", audioPath, "audio");
        var id = Guid.CreateVersion7().ToString("N");
        var submitted = DateTimeOffset.UtcNow;
        var stream = file.OpenRead();
        await using (stream.ConfigureAwait(false))
            await _store.Audio.PutAsync(id, stream, cancellationToken: cancellationToken).ConfigureAwait(false);
        await _store.PutStateAsync(new JobState(id, file.Name, JobStatus.Queued) { SubmittedAt = submitted }, cancellationToken).ConfigureAwait(false);
        var message = new JobMessage(id, file.Name, options ?? new TranscriptionOptions(), submitted);
        var ack = await _store.JetStream.PublishAsync(_store.Options.SubjectOf(id), JobJson.Serialize(message),
            opts: new NatsJSPubOpts { MsgId = id }, cancellationToken: cancellationToken).ConfigureAwait(false);
        ack.EnsureSuccess();
        return id;
    }

    /// <summary>The job's state, or null when the queue has no such job.</summary>
    public Task<JobState?> GetStatusAsync(string id, CancellationToken cancellationToken = default) =>
        _store.GetStateAsync(id, cancellationToken);

    /// <summary>Ids of every job the queue knows, oldest first.</summary>
    public async Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken = default)
    {
        var ids = new List<string>();
        try
        {
            await foreach (var key in _store.States.GetKeysAsync(cancellationToken: cancellationToken).ConfigureAwait(false)) ids.Add(key);
        }
        catch (NatsKVException) when (ids.Count == 0)
        {
            // An empty bucket: no jobs yet.
        }
        ids.Sort(StringComparer.Ordinal); // version-7 GUIDs sort by submission time
        return ids;
    }

    /// <summary>
    /// Waits until every job in <paramref name="ids"/> is completed or failed, riding out a lost connection
    /// (the client reconnects by itself).
    /// </summary>
    /// <exception cref="HarkInputException">An id the queue does not know.</exception>
    public async Task<IReadOnlyList<JobState>> WaitAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var done = new Dictionary<string, JobState>();
        while (true)
        {
            foreach (var id in ids.Where(i => !done.ContainsKey(i)))
            {
                JobState? state;
                try
                {
                    state = await _store.GetStateAsync(id, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (IsTransient(e) && !cancellationToken.IsCancellationRequested)
                {
                    break; // the server is away; ask again on the next round
                }
                if (state is null) throw new HarkInputException("no such job", field: id);
                if (state.IsFinished) done[id] = state;
            }
            if (done.Count == ids.Distinct().Count()) return [.. ids.Select(i => done[i])];
            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Writes a completed job's transcripts into <paramref name="outputDir"/> as <c>name.ext</c>, the names
    /// <c>hark transcribe</c> gives them, each through a temporary file renamed into place.
    /// </summary>
    /// <returns>The files written.</returns>
    /// <exception cref="HarkInputException">No such job, or the job is not completed.</exception>
    public async Task<IReadOnlyList<string>> FetchAsync(string id, string outputDir, IEnumerable<OutputFormat>? formats = null, CancellationToken cancellationToken = default)
    {
        var state = await _store.GetStateAsync(id, cancellationToken).ConfigureAwait(false)
            ?? throw new HarkInputException("no such job", field: id);
        if (state.Status != JobStatus.Completed)
            throw new HarkInputException($"job is {state.Status.ToString().ToLowerInvariant()}{(state.Error is { } e ? ": " + e : "")}", field: id);
        Directory.CreateDirectory(outputDir);
        var written = new List<string>();
        foreach (var format in formats ?? Enum.GetValues<OutputFormat>())
        {
            var extension = TranscriptWriter.Extension(format);
            var bytes = await _store.Results.GetBytesAsync(JobStore.ResultName(id, state.FileName, extension), cancellationToken).ConfigureAwait(false);
            using var output = AtomicOutput.ForFile(Path.Combine(outputDir, Path.GetFileNameWithoutExtension(state.FileName) + "." + extension), force: true);
            await File.WriteAllBytesAsync(output.TempPath, bytes, cancellationToken).ConfigureAwait(false);
            output.Commit();
            written.Add(output.FinalPath);
        }
        return written;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _store.DisposeAsync();

    /// <summary>Errors that a reconnect or a retry cures (the server restarting, a timeout).</summary>
    internal static bool IsTransient(Exception e) => e is NatsException or TimeoutException or OperationCanceledException;
}
