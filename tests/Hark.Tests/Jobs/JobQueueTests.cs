using Hark.Jobs;
using Hark.Transcription.Writers;

namespace Hark.Tests.Jobs;

/// <summary>
/// The job queue end to end over a real nats-server (issue 21's acceptance): 3 worker processes, 30 jobs, a worker
/// killed while it holds a job, the server restarted mid-run, a job whose audio is not audio.
/// </summary>
public class JobQueueTests(JobQueueScenario run) : IClassFixture<JobQueueScenario>
{
    [NatsFact]
    public void Every_job_result_equals_an_in_process_transcription_of_the_same_file_and_options()
    {
        Assert.All(run.Audio, job =>
        {
            Assert.True(run.Final[job.Key].Status == JobStatus.Completed, $"{job.Value}: {run.Final[job.Key]}\n{run.WorkerLogs}");
            var fetched = run.Fetched[job.Key];
            foreach (var format in Enum.GetValues<OutputFormat>()) Assert.Equal(run.Expected[job.Value][format], fetched[format]);
        });
    }

    [NatsFact]
    public void A_worker_killed_while_holding_a_job_loses_nothing_and_another_worker_completes_that_job()
    {
        var held = run.KilledWhileHolding;
        Assert.NotNull(held);
        Assert.True(held.Status == JobStatus.Running && held.Worker == JobQueueScenario.Victim, $"the victim no longer held its job when killed: {held}");
        var final = run.Final[held.Id];
        Assert.Equal(JobStatus.Completed, final.Status);
        Assert.NotEqual(JobQueueScenario.Victim, final.Worker);
        Assert.True(final.Delivery >= 2, $"completed on delivery {final.Delivery}");
        Assert.All(run.Audio.Keys, id => Assert.Equal(JobStatus.Completed, run.Final[id].Status));
    }

    [NatsFact]
    public void Every_job_has_exactly_one_state_and_one_result_per_format_and_the_queue_is_empty()
    {
        Assert.Equal(run.Audio.Keys.Append(run.BadJob).Order(StringComparer.Ordinal), run.StateKeys);
        var expected = run.Audio.SelectMany(job => Enum.GetValues<OutputFormat>()
            .Select(f => $"{job.Key}/{Path.GetFileNameWithoutExtension(job.Value)}.{TranscriptWriter.Extension(f)}")).Order(StringComparer.Ordinal);
        Assert.Equal(expected, run.ResultObjects.Order(StringComparer.Ordinal));
        Assert.Equal(0, run.MessagesLeft);
    }

    [NatsFact]
    public void Restarting_the_server_mid_run_loses_no_job_and_the_workers_reconnect_by_themselves()
    {
        Assert.InRange(run.CompletedBeforeRestart, 1, JobQueueScenario.Jobs - 1);
        Assert.True(run.SurvivorsAliveAtEnd, run.WorkerLogs);
        var afterRestart = run.Final.Values.Where(s => s.Status == JobStatus.Completed && s.FinishedAt > run.RestartedAt).ToList();
        Assert.NotEmpty(afterRestart);
        Assert.All(afterRestart, s => Assert.NotEqual(JobQueueScenario.Victim, s.Worker));
        Assert.All(run.Audio.Keys, id => Assert.Equal(JobStatus.Completed, run.Final[id].Status));
    }

    [NatsFact]
    public void A_job_whose_audio_is_not_audio_fails_after_one_delivery_with_a_one_line_error()
    {
        var bad = run.Final[run.BadJob];
        Assert.Equal(JobStatus.Failed, bad.Status);
        Assert.Equal(1UL, bad.Delivery);
        Assert.NotNull(bad.Error);
        Assert.StartsWith("not_audio.wav: ", bad.Error);
        Assert.DoesNotContain('\n', bad.Error);
        Assert.Single(run.History[run.BadJob], s => s.Status == JobStatus.Running);
        Assert.DoesNotContain(run.ResultObjects, o => o.StartsWith(run.BadJob, StringComparison.Ordinal));
    }
}
