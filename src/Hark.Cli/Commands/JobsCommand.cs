using System.CommandLine;
using System.Text.Json;
using Hark.Jobs;
using Hark.Transcription.Writers;

namespace Hark.Cli.Commands;

/// <summary><c>hark jobs submit|status|wait|fetch</c>: the client side of the NATS JetStream job queue.</summary>
internal static class JobsCommand
{
    private static readonly Argument<string[]> Files = new("files")
    {
        Description = "Audio files, or folders whose files are all submitted.",
        Arity = ArgumentArity.OneOrMore,
    };
    private static readonly Argument<string[]> Ids = new("ids") { Description = "Job ids (default: every job).", Arity = ArgumentArity.ZeroOrMore };
    private static readonly Argument<string[]> FetchIds = new("ids") { Description = "Job ids.", Arity = ArgumentArity.OneOrMore };
    private static readonly Option<string> OutputDir = new("--output-dir", "-o") { Description = "Where transcripts are written.", DefaultValueFactory = _ => "." };
    private static readonly Option<string> OutputFormat = new("--output-format", "-f")
    {
        Description = "txt | srt | vtt | tsv | json | all.",
        DefaultValueFactory = _ => "all",
    };
    private static readonly Option<bool> Json = new("--json") { Description = "Print the job states as JSON." };

    public static Command Create()
    {
        var jobs = new Command("jobs", "Submit transcription jobs to a NATS JetStream queue served by 'hark worker', follow them, fetch results.");

        var submit = new Command("submit", "Upload audio and enqueue one job per file; prints the job ids.");
        submit.Arguments.Add(Files);
        foreach (var o in (Option[])[JobsOptions.Nats, .. TranscribeCommand.DecodingOptions]) submit.Options.Add(o);
        submit.SetAction(SubmitAsync);

        var status = new Command("status", "Print the state of jobs.");
        status.Arguments.Add(Ids);
        status.Options.Add(JobsOptions.Nats);
        status.Options.Add(Json);
        status.SetAction((p, ct) => ReportAsync(p, wait: false, ct));

        var wait = new Command("wait", "Wait until jobs are completed or failed; exit 1 when one failed.");
        wait.Arguments.Add(Ids);
        wait.Options.Add(JobsOptions.Nats);
        wait.Options.Add(Json);
        wait.SetAction((p, ct) => ReportAsync(p, wait: true, ct));

        var fetch = new Command("fetch", "Write completed jobs' transcripts as 'hark transcribe' would.");
        fetch.Arguments.Add(FetchIds);
        foreach (var o in (Option[])[JobsOptions.Nats, OutputDir, OutputFormat]) fetch.Options.Add(o);
        fetch.SetAction(FetchAsync);

        foreach (var c in new[] { submit, status, wait, fetch }) jobs.Subcommands.Add(c);
        return jobs;
    }

    private static async Task<int> SubmitAsync(ParseResult p, CancellationToken cancellationToken)
    {
        var options = TranscribeCommand.ReadDecoding(p);
        var files = p.GetValue(Files)!.SelectMany(f => Directory.Exists(f) ? Directory.GetFiles(f).Order(StringComparer.Ordinal) : (IEnumerable<string>)[f]).ToList();
        foreach (var f in files.Where(f => !File.Exists(f))) throw new HarkInputException("no such file", f, "files");
        await using var client = await JobClient.ConnectAsync(JobsOptions.Read(p), cancellationToken).ConfigureAwait(false);
        foreach (var file in files)
            await Console.Out.WriteLineAsync(await client.SubmitAsync(file, options, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        return ExitCodes.Success;
    }

    private static async Task<int> ReportAsync(ParseResult p, bool wait, CancellationToken cancellationToken)
    {
        await using var client = await JobClient.ConnectAsync(JobsOptions.Read(p), cancellationToken).ConfigureAwait(false);
        var ids = p.GetValue(Ids) is { Length: > 0 } given ? given : await client.ListAsync(cancellationToken).ConfigureAwait(false);
        IReadOnlyList<JobState> states;
        if (wait)
        {
            states = await client.WaitAsync(ids, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var found = new List<JobState>();
            foreach (var id in ids)
                found.Add(await client.GetStatusAsync(id, cancellationToken).ConfigureAwait(false) ?? throw new HarkInputException("no such job", field: id));
            states = found;
        }
        if (p.GetValue(Json)) await Console.Out.WriteLineAsync(JsonSerializer.Serialize(states, JobJson.Options)).ConfigureAwait(false);
        else foreach (var s in states) await Console.Out.WriteLineAsync(JobsOptions.Line(s)).ConfigureAwait(false);
        return wait && states.Any(s => s.Status == JobStatus.Failed) ? ExitCodes.Failure : ExitCodes.Success;
    }

    private static async Task<int> FetchAsync(ParseResult p, CancellationToken cancellationToken)
    {
        var formats = TranscriptWriter.Parse(p.GetValue(OutputFormat)!);
        await using var client = await JobClient.ConnectAsync(JobsOptions.Read(p), cancellationToken).ConfigureAwait(false);
        foreach (var id in p.GetValue(FetchIds)!)
            foreach (var file in await client.FetchAsync(id, p.GetValue(OutputDir)!, formats, cancellationToken).ConfigureAwait(false))
                await Console.Out.WriteLineAsync(file).ConfigureAwait(false);
        return ExitCodes.Success;
    }
}
