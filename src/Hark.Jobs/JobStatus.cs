namespace Hark.Jobs;

/// <summary>Where a job is in its life.</summary>
public enum JobStatus
{
    /// <summary>Submitted, waiting for a worker (or for a retry after a transient failure).</summary>
    Queued,
    /// <summary>A worker holds it.</summary>
    Running,
    /// <summary>Every output format is in the results bucket.</summary>
    Completed,
    /// <summary>Bad input, or a transient failure on every allowed delivery; <see cref="JobState.Error"/> says why.</summary>
    Failed,
}
