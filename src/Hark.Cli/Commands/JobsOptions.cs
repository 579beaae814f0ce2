using System.CommandLine;
using System.Globalization;
using Hark.Jobs;

namespace Hark.Cli.Commands;

/// <summary>The queue options shared by <c>hark worker</c> and <c>hark jobs</c>, and one-line job printing.</summary>
internal static class JobsOptions
{
    public static readonly Option<string> Nats = new("--nats")
    {
        Description = "NATS server URL (JetStream enabled: nats-server -js).",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("NATS_URL") is { Length: > 0 } url ? url : "nats://localhost:4222",
    };

    public static JobQueueOptions Read(ParseResult p) => new() { Url = p.GetValue(Nats)! };

    /// <summary><c>id  status  file  [worker]  [error]</c>.</summary>
    public static string Line(JobState s) => string.Join("  ", new[]
    {
        s.Id, s.Status.ToString().ToLowerInvariant(), s.FileName,
        s.Worker ?? "", s.TranscriptionSeconds is { } t ? string.Create(CultureInfo.InvariantCulture, $"{t:0.00} s") : "", s.Error ?? "",
    }.Where(f => f.Length > 0));
}
