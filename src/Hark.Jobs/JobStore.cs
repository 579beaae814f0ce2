using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using NATS.Client.KeyValueStore;
using NATS.Client.ObjectStore;

namespace Hark.Jobs;

/// <summary>
/// The queue's JetStream resources, created on first use with explicit settings: the work-queue stream, the state
/// key-value bucket and the audio and results object stores (all file storage). Shared by clients and workers.
/// </summary>
internal sealed class JobStore : IAsyncDisposable
{
    private JobStore(JobQueueOptions options, NatsConnection connection, NatsJSContext js, INatsKVStore states, INatsObjStore audio, INatsObjStore results)
    {
        Options = options;
        Connection = connection;
        JetStream = js;
        States = states;
        Audio = audio;
        Results = results;
    }

    public JobQueueOptions Options { get; }

    public NatsConnection Connection { get; }

    public NatsJSContext JetStream { get; }

    public INatsKVStore States { get; }

    public INatsObjStore Audio { get; }

    public INatsObjStore Results { get; }

    /// <summary>Connects (reconnecting for ever after a loss) and creates whatever of the queue does not exist yet.</summary>
    public static async Task<JobStore> OpenAsync(JobQueueOptions options, string clientName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var connection = new NatsConnection(NatsOpts.Default with
        {
            Url = options.Url,
            Name = clientName,
            MaxReconnectRetry = -1,
            ReconnectWaitMin = TimeSpan.FromMilliseconds(100),
            ReconnectWaitMax = TimeSpan.FromSeconds(2),
        });
        try
        {
            await connection.ConnectAsync().ConfigureAwait(false);
            var js = new NatsJSContext(connection);
            await js.CreateOrUpdateStreamAsync(new StreamConfig(options.Stream, [options.SubjectPrefix + ".*"])
            {
                Description = "Hark transcription jobs: one message per job, removed when a worker acknowledges it",
                Retention = StreamConfigRetention.Workqueue,
                Storage = StreamConfigStorage.File,
                Discard = StreamConfigDiscard.New,
                MaxMsgSize = 1 << 20,
                DuplicateWindow = TimeSpan.FromMinutes(2),
            }, cancellationToken).ConfigureAwait(false);
            var states = await new NatsKVContext(js).CreateOrUpdateStoreAsync(new NatsKVConfig(options.StateBucket)
            {
                Description = "Hark job states by job id",
                Storage = NatsKVStorageType.File,
                History = options.StateHistory,
                MaxValueSize = 1 << 20,
            }, cancellationToken).ConfigureAwait(false);
            var objects = new NatsObjContext(js);
            var audio = await objects.CreateObjectStoreAsync(Bucket(options.AudioBucket, "Hark job audio by job id", options), cancellationToken).ConfigureAwait(false);
            var results = await objects.CreateObjectStoreAsync(Bucket(options.ResultsBucket, "Hark job results: {id}/{name}.{ext}", options), cancellationToken).ConfigureAwait(false);
            return new JobStore(options, connection, js, states, audio, results);
        }
        catch (Exception e) when (e is NatsException && !cancellationToken.IsCancellationRequested)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new HarkException($"{options.Url}: cannot open the job queue: {e.Message}", e);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The durable pull consumer shared by all workers (explicit acks, ack wait, bounded deliveries).</summary>
    public async Task<INatsJSConsumer> ConsumerAsync(CancellationToken cancellationToken) =>
        await JetStream.CreateOrUpdateConsumerAsync(Options.Stream, new ConsumerConfig(Options.Consumer)
        {
            Description = "Hark workers",
            AckPolicy = ConsumerConfigAckPolicy.Explicit,
            AckWait = Options.AckWait,
            MaxDeliver = Options.MaxDeliver,
            DeliverPolicy = ConsumerConfigDeliverPolicy.All,
        }, cancellationToken).ConfigureAwait(false);

    public async Task PutStateAsync(JobState state, CancellationToken cancellationToken) =>
        await States.PutAsync(state.Id, JobJson.Serialize(state), cancellationToken: cancellationToken).ConfigureAwait(false);

    /// <summary>The job's state, or null when no such job was submitted.</summary>
    public async Task<JobState?> GetStateAsync(string id, CancellationToken cancellationToken)
    {
        var entry = await States.TryGetEntryAsync<byte[]>(id, cancellationToken: cancellationToken).ConfigureAwait(false);
        return entry.Success && entry.Value.Value is { } bytes ? JobJson.Deserialize<JobState>(bytes, "job state") : null;
    }

    /// <summary>Name of the result object of job <paramref name="id"/> in <paramref name="extension"/>.</summary>
    public static string ResultName(string id, string fileName, string extension) =>
        $"{id}/{Path.GetFileNameWithoutExtension(fileName)}.{extension}";

    public ValueTask DisposeAsync() => Connection.DisposeAsync();

    private static NatsObjConfig Bucket(string name, string description, JobQueueOptions options) => new(name)
    {
        Description = description,
        Storage = NatsObjStorageType.File,
        MaxBytes = options.MaxBucketBytes,
    };
}
