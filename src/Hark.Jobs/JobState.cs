namespace Hark.Jobs;

/// <summary>A job's state as recorded in the key-value bucket (one key per job id).</summary>
/// <param name="Id">The job id.</param>
/// <param name="FileName">The submitted file's name (no folder); results are named after it.</param>
/// <param name="Status">Where the job is.</param>
public sealed record JobState(string Id, string FileName, JobStatus Status)
{
    /// <summary>The one-line error of a failed job (or of the last transient failure of a queued one).</summary>
    public string? Error { get; init; }

    /// <summary>The worker that holds or held the job.</summary>
    public string? Worker { get; init; }

    /// <summary>Which delivery of the job message this state belongs to (1 = first).</summary>
    public ulong Delivery { get; init; }

    /// <summary>When the job was submitted.</summary>
    public DateTimeOffset SubmittedAt { get; init; }

    /// <summary>When a worker received it (this delivery).</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When it completed or failed.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Seconds of audio transcribed (completed jobs).</summary>
    public double? AudioSeconds { get; init; }

    /// <summary>Seconds spent transcribing, from the audio in hand to the last segment (completed jobs).</summary>
    public double? TranscriptionSeconds { get; init; }

    /// <summary>True once the job will not change any more.</summary>
    public bool IsFinished => Status is JobStatus.Completed or JobStatus.Failed;
}
