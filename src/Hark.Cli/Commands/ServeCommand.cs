using System.CommandLine;
using Hark.Serving;
using Hark.Transcription;

namespace Hark.Cli.Commands;

/// <summary><c>hark serve --model NAME=MODEL …</c>: an OpenAI-compatible transcription server.</summary>
internal static class ServeCommand
{
    private static readonly Option<string[]> Models = new("--model", "-m")
    {
        Description = "A model to serve, as NAME=MODEL or MODEL (named as given); repeat for several. " + ModelArgument.Help,
        Required = true,
    };
    private static readonly Option<string> Host = new("--host") { Description = "Address to listen on (0.0.0.0: every interface).", DefaultValueFactory = _ => "127.0.0.1" };
    private static readonly Option<int> Port = new("--port") { Description = "TCP port (0: any free port).", DefaultValueFactory = _ => 8000 };
    private static readonly Option<string[]> ApiKeys = new("--api-key")
    {
        Description = "Accept requests with 'Authorization: Bearer KEY' only; repeat for several keys (default: no authentication).",
    };
    private static readonly Option<int?> MaxBatch = new("--max-batch")
    {
        Description = "Most windows of concurrent requests decoded together per model (default: what the memory model fits, capped as 'hark doctor' caps it).",
    };
    private static readonly Option<int?> MaxQueue = new("--max-queue") { Description = "Most requests waiting beyond those transcribing; more get 429 (default: 4 per slot)." };
    private static readonly Option<double> MaxUploadMb = new("--max-upload-mb")
    {
        Description = "Largest upload in MiB; larger ones get 413 while they stream in.",
        DefaultValueFactory = _ => 25,
    };

    public static Command Create()
    {
        var command = new Command("serve", "Serve models over an OpenAI-compatible HTTP API (/v1/audio/transcriptions, /v1/audio/translations).");
        foreach (var o in (Option[])[Models, .. TranscribeCommand.LoadOptions, Host, Port, ApiKeys, MaxBatch, MaxQueue, MaxUploadMb]) command.Options.Add(o);
        command.SetAction(RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(ParseResult p, CancellationToken cancellationToken)
    {
        var port = p.GetValue(Port);
        if (port is < 0 or > 65535) throw new HarkInputException($"must be between 0 and 65535, got {port}", field: "--port");
        var uploadMb = ArgumentRanges.Positive(p.GetValue(MaxUploadMb), "--max-upload-mb");
        var maxBatch = p.GetValue(MaxBatch) is { } b ? CliParsing.Positive(b, "max-batch") : (int?)null;
        var maxQueue = p.GetValue(MaxQueue) is { } q ? CliParsing.NonNegative(q, "max-queue") : (int?)null;
        var named = p.GetValue(Models)!.Select(Parse).ToList();
        if (named.GroupBy(m => m.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new HarkInputException($"two models are named '{twice.Key}'; name them with NAME=MODEL", field: "--model");
        var engine = TranscribeCommand.ReadEngine(p);

        var loaded = new List<WhisperModel>();
        try
        {
            var served = new List<ServedModel>();
            foreach (var (name, source) in named)
            {
                var folder = await ModelArgument.ResolveAsync(source, cancellationToken).ConfigureAwait(false);
                var model = await WhisperModel.LoadAsync(folder, engine, cancellationToken).ConfigureAwait(false);
                loaded.Add(model);
                served.Add(new ServedModel(name, model, source));
            }
            var batch = maxBatch ?? ServingLimits.MaxBatch(served);
            var options = new ServerOptions
            {
                Host = p.GetValue(Host)!,
                Port = port,
                ApiKeys = p.GetValue(ApiKeys) ?? [],
                MaxBatch = batch,
                MaxQueue = maxQueue ?? ServingLimits.MaxQueue(batch, served.Count),
                MaxUploadBytes = (long)(uploadMb * 1024 * 1024),
            };
            await using var server = HarkServer.Create(served, options);
            await server.StartAsync(cancellationToken).ConfigureAwait(false);
            foreach (var url in server.Urls) await Console.Out.WriteLineAsync($"hark serve: listening on {url}").ConfigureAwait(false);
            foreach (var m in served)
            {
                var d = m.Model.Engine.Description;
                await Console.Out.WriteLineAsync($"  model {m.Name}: {m.Source} ({d.Name}, {d.Device}, {d.Precision}, {d.Threads} threads; batch {options.MaxBatch})")
                    .ConfigureAwait(false);
            }
            await Console.Out.WriteLineAsync($"  queue {options.MaxQueue}, uploads up to {uploadMb:0.##} MiB" + (options.ApiKeys.Count > 0 ? ", API keys required" : ""))
                .ConfigureAwait(false);
            // SIGTERM or Ctrl-C: stop accepting, finish the requests in flight, exit 0.
            await server.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
            return ExitCodes.Success;
        }
        finally
        {
            foreach (var m in loaded) await m.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary><c>NAME=MODEL</c>, or <c>MODEL</c> served under the name given (a folder under its own name).</summary>
    internal static (string Name, string Source) Parse(string value)
    {
        var eq = value.IndexOf('=', StringComparison.Ordinal);
        if (eq > 0 && !value[..eq].Contains('/', StringComparison.Ordinal) && !value[..eq].Contains('\\', StringComparison.Ordinal))
        {
            if (eq == value.Length - 1) throw new HarkInputException($"'{value}' names no model after '='", field: "--model");
            return (value[..eq], value[(eq + 1)..]);
        }
        return Directory.Exists(value) ? (Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(value))), value) : (value, value);
    }
}
