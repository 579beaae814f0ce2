using System.CommandLine;
using Hark.Jobs;
using Hark.Transcription;

namespace Hark.Cli.Commands;

/// <summary><c>hark worker --nats URL --model M</c>: transcribes queued jobs until stopped.</summary>
internal static class WorkerCommand
{
    private static readonly Option<string?> Name = new("--name") { Description = "This worker's name in job states (default: host-pid)." };
    private static readonly Option<double> AckWait = new("--ack-wait")
    {
        Description = "Seconds a job may go unacknowledged before it is redelivered (in-progress acks every third of it).",
        DefaultValueFactory = _ => 60,
    };
    private static readonly Option<int> MaxDeliver = new("--max-deliver")
    {
        Description = "Most deliveries of a job that keeps failing transiently.",
        DefaultValueFactory = _ => 5,
    };

    public static Command Create()
    {
        var command = new Command("worker", "Transcribe jobs from a NATS JetStream queue (see 'hark jobs'); any number of workers share it.");
        foreach (var o in (Option[])[JobsOptions.Nats, .. TranscribeCommand.EngineOptions, Name, AckWait, MaxDeliver]) command.Options.Add(o);
        command.SetAction(RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(ParseResult p, CancellationToken cancellationToken)
    {
        var ackWait = p.GetValue(AckWait);
        if (!(ackWait >= 1)) throw new HarkInputException($"must be at least 1 second, got {ackWait}", field: "--ack-wait");
        var queue = JobsOptions.Read(p) with
        {
            AckWait = TimeSpan.FromSeconds(ackWait),
            MaxDeliver = CliParsing.Positive(p.GetValue(MaxDeliver), "max-deliver"),
        };
        var name = p.GetValue(Name) is { Length: > 0 } n ? n : $"{Environment.MachineName}-{Environment.ProcessId}";
        var engine = TranscribeCommand.ReadEngine(p);
        var folder = await ModelArgument.ResolveAsync(TranscribeCommand.ReadModelPath(p), cancellationToken).ConfigureAwait(false);
        await using var model = await WhisperModel.LoadAsync(folder, engine, cancellationToken).ConfigureAwait(false);
        var worker = new JobWorker(model, queue, name, new Printer());
        await Console.Error.WriteLineAsync($"hark worker {name}: waiting for jobs on {queue.Url}").ConfigureAwait(false);
        try
        {
            await worker.RunAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl-C: the job in hand was handed back.
        }
        return ExitCodes.Success;
    }

    /// <summary>One line on stdout per state the worker records (reported synchronously on the worker's thread).</summary>
    private sealed class Printer : IProgress<JobState>
    {
        public void Report(JobState value) => Console.Out.WriteLine(JobsOptions.Line(value));
    }
}
