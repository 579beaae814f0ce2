using System.Diagnostics;
using System.Text;
using Hark.Transcription;
using Hark.Transcription.Writers;
using NATS.Client.JetStream;

namespace Hark.Jobs;

/// <summary>
/// Takes jobs from the queue one at a time and transcribes them with one loaded model: fetch the audio, transcribe
/// with the job's options, store every output format under the job id, record the state, acknowledge. A job held
/// longer than the ack wait is kept alive with in-progress acknowledgements; a redelivered job is simply done again
/// (its results overwrite identical ones); bad input fails the job at once; other failures are retried until the
/// queue's delivery limit.
/// </summary>
public sealed class JobWorker
{
    private static readonly TimeSpan PullWait = TimeSpan.FromSeconds(5);
    private readonly WhisperModel _model;
    private readonly JobQueueOptions _options;
    private readonly IProgress<JobState>? _progress;

    /// <summary>Creates a worker; nothing connects before <see cref="RunAsync"/>.</summary>
    /// <param name="model">The model every job is transcribed with (not disposed by the worker).</param>
    /// <param name="options">The queue.</param>
    /// <param name="name">This worker's name in job states (unique per worker, e.g. host and process id).</param>
    /// <param name="progress">Told every state this worker records.</param>
    public JobWorker(WhisperModel model, JobQueueOptions options, string name, IProgress<JobState>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _model = model;
        _options = options;
        Name = name;
        _progress = progress;
    }

    /// <summary>This worker's name in job states.</summary>
    public string Name { get; }

    /// <summary>Works until <paramref name="cancellationToken"/> fires; a lost server is waited for, not fatal.</summary>
    /// <exception cref="HarkException">The server cannot be reached at start.</exception>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await using var store = await JobStore.OpenAsync(_options, "hark-worker " + Name, cancellationToken).ConfigureAwait(false);
        var consumer = await store.ConsumerAsync(cancellationToken).ConfigureAwait(false);
        while (!cancellationToken.IsCancellationRequested)
        {
            INatsJSMsg<byte[]>? next;
            try
            {
                next = await consumer.NextAsync<byte[]>(opts: new NatsJSNextOpts { Expires = PullWait }, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (JobClient.IsTransient(e) && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken).ConfigureAwait(false);
                continue;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            if (next is not null) await HandleAsync(store, next, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task HandleAsync(JobStore store, INatsJSMsg<byte[]> message, CancellationToken cancellationToken)
    {
        var delivery = message.Metadata?.NumDelivered ?? 1;
        var id = message.Subject[(message.Subject.LastIndexOf('.') + 1)..];
        var state = new JobState(id, "", JobStatus.Running) { Worker = Name, Delivery = delivery, StartedAt = DateTimeOffset.UtcNow };
        using var keepAlive = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var heartbeat = KeepAliveAsync(message, keepAlive.Token);
        try
        {
            var job = JobJson.Deserialize<JobMessage>(message.Data, "job message");
            state = state with { FileName = job.FileName, SubmittedAt = job.SubmittedAt };
            await RecordAsync(store, state, cancellationToken).ConfigureAwait(false);
            var (audioSeconds, seconds) = await TranscribeAsync(store, job, cancellationToken).ConfigureAwait(false);
            state = state with
            {
                Status = JobStatus.Completed,
                FinishedAt = DateTimeOffset.UtcNow,
                AudioSeconds = audioSeconds,
                TranscriptionSeconds = seconds,
            };
            await RecordAsync(store, state, cancellationToken).ConfigureAwait(false);
            await StopAsync(keepAlive, heartbeat).ConfigureAwait(false);
            await message.AckAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down: hand the job back now rather than after the ack wait.
            await StopAsync(keepAlive, heartbeat).ConfigureAwait(false);
            await TryAsync(() => message.NakAsync(cancellationToken: CancellationToken.None).AsTask()).ConfigureAwait(false);
        }
        catch (HarkInputException e)
        {
            // Bad input fails the same way on every worker: record it and stop the redeliveries.
            await StopAsync(keepAlive, heartbeat).ConfigureAwait(false);
            await FailAsync(store, message, state, e.Message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            await StopAsync(keepAlive, heartbeat).ConfigureAwait(false);
            var error = e is HarkException ? e.Message : $"{e.GetType().Name}: {e.Message}";
            if (delivery >= (ulong)_options.MaxDeliver)
            {
                await FailAsync(store, message, state, $"{error} (gave up after {delivery} deliveries)", cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await TryAsync(() => RecordAsync(store, state with { Status = JobStatus.Queued, Error = error }, cancellationToken)).ConfigureAwait(false);
                await TryAsync(() => message.NakAsync(cancellationToken: cancellationToken).AsTask()).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Fetches the audio into a private folder under its own name, transcribes it and stores every format.</summary>
    private async Task<(double AudioSeconds, double Seconds)> TranscribeAsync(JobStore store, JobMessage job, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(Path.GetTempPath(), "hark-job-" + job.Id + "-" + Environment.ProcessId);
        Directory.CreateDirectory(folder);
        var audioPath = Path.Combine(folder, Path.GetFileName(job.FileName));
        try
        {
            var file = File.Create(audioPath);
            await using (file.ConfigureAwait(false))
                await store.Audio.GetAsync(job.Id, file, cancellationToken: cancellationToken).ConfigureAwait(false);
            var clock = Stopwatch.StartNew();
            TranscriptResult result;
            TranscriptionInfo info;
            try
            {
                var transcription = _model.TranscribeAsync(audioPath, job.Options, null, cancellationToken);
                result = await transcription.ToResultAsync(cancellationToken).ConfigureAwait(false);
                info = await transcription.Info.ConfigureAwait(false);
            }
            catch (HarkInputException e)
            {
                // Name the file as the submitter knows it, not the worker's private copy.
                throw new HarkInputException(e.Message.Replace(audioPath, job.FileName, StringComparison.Ordinal), inner: e);
            }
            var seconds = clock.Elapsed.TotalSeconds;
            foreach (var format in Enum.GetValues<OutputFormat>())
            {
                using var text = new StringWriter();
                TranscriptWriter.Write(text, result, format);
                var name = JobStore.ResultName(job.Id, job.FileName, TranscriptWriter.Extension(format));
                await store.Results.PutAsync(name, new UTF8Encoding(false).GetBytes(text.ToString()), cancellationToken).ConfigureAwait(false);
            }
            return (info.Duration, seconds);
        }
        finally
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private async Task FailAsync(JobStore store, INatsJSMsg<byte[]> message, JobState state, string error, CancellationToken cancellationToken)
    {
        await TryAsync(() => RecordAsync(store, state with { Status = JobStatus.Failed, Error = error, FinishedAt = DateTimeOffset.UtcNow }, cancellationToken)).ConfigureAwait(false);
        await TryAsync(() => message.AckTerminateAsync(cancellationToken: cancellationToken).AsTask()).ConfigureAwait(false);
    }

    private async Task RecordAsync(JobStore store, JobState state, CancellationToken cancellationToken)
    {
        await store.PutStateAsync(state, cancellationToken).ConfigureAwait(false);
        _progress?.Report(state);
    }

    /// <summary>In-progress acknowledgements every third of the ack wait, so a long job is not redelivered while alive.</summary>
    private async Task KeepAliveAsync(INatsJSMsg<byte[]> message, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.AckWait / 3);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
                await TryAsync(() => message.AckProgressAsync(cancellationToken: cancellationToken).AsTask()).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The job ended.
        }
    }

    private static async Task StopAsync(CancellationTokenSource keepAlive, Task heartbeat)
    {
        await keepAlive.CancelAsync().ConfigureAwait(false);
        await heartbeat.ConfigureAwait(false);
    }

    /// <summary>Best effort: a lost connection here only means the job is redelivered after the ack wait.</summary>
    private static async Task TryAsync(Func<Task> action)
    {
        try
        {
            await action().ConfigureAwait(false);
        }
        catch (Exception e) when (JobClient.IsTransient(e))
        {
            // Redelivery repairs it.
        }
    }
}
