namespace Hark.Jobs;

/// <summary>
/// Where the job queue lives and how it behaves. Every name and limit is explicit, so that a worker and a client
/// started with the same options agree; the stream, the buckets and the consumer are created with these settings
/// on first use.
/// </summary>
public sealed record JobQueueOptions
{
    /// <summary>NATS server URL(s), comma-separated (<c>nats://host:4222</c>).</summary>
    public string Url { get; init; } = "nats://localhost:4222";

    /// <summary>The work-queue stream holding one message per job (file storage, work-queue retention).</summary>
    public string Stream { get; init; } = "HARK_JOBS";

    /// <summary>Subject prefix of job messages; a job is published on <c>{prefix}.{id}</c>.</summary>
    public string SubjectPrefix { get; init; } = "hark.jobs";

    /// <summary>The durable pull consumer that all workers share.</summary>
    public string Consumer { get; init; } = "hark-workers";

    /// <summary>Object-store bucket of submitted audio, one object per job id.</summary>
    public string AudioBucket { get; init; } = "hark-audio";

    /// <summary>Object-store bucket of results, <c>{id}/{name}.{ext}</c> for every output format.</summary>
    public string ResultsBucket { get; init; } = "hark-results";

    /// <summary>Key-value bucket of job states, one key per job id.</summary>
    public string StateBucket { get; init; } = "hark-jobs";

    /// <summary>How long a worker may hold a job without acknowledging it before the server redelivers it.
    /// Workers send in-progress acknowledgements every third of this while a job runs.</summary>
    public TimeSpan AckWait { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Most deliveries of one job; a job failing transiently that many times is recorded as failed.</summary>
    public int MaxDeliver { get; init; } = 5;

    /// <summary>Largest audio file a client uploads (bytes).</summary>
    public long MaxAudioBytes { get; init; } = 2L << 30;

    /// <summary>Size limit of each object-store bucket in bytes; -1 = unlimited.</summary>
    public long MaxBucketBytes { get; init; } = -1;

    /// <summary>How many states the key-value bucket keeps per job (running, completed, … by which worker).</summary>
    public int StateHistory { get; init; } = 8;

    /// <summary>The subject of job <paramref name="id"/>.</summary>
    internal string SubjectOf(string id) => SubjectPrefix + "." + id;
}
