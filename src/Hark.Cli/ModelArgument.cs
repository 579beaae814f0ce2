using System.CommandLine;
using Hark.Hub;
using Spectre.Console;

namespace Hark.Cli;

/// <summary>
/// The <c>--model</c> option every command shares, and its resolution to a local folder (downloading into the
/// Hugging Face cache when needed, with a progress bar on a terminal).
/// </summary>
internal static class ModelArgument
{
    /// <summary>Help text shared by every <c>--model</c>.</summary>
    public const string Help =
        "Model: a folder (Hugging Face or Optimum ONNX layout), a hub repo id (org/name[@revision]) or an alias: " +
        "tiny, tiny.en, base, base.en, small, small.en, medium, medium.en, large-v2, large-v3, large-v3-turbo. " +
        "Downloads go to the Hugging Face cache (HF_HOME, HF_HUB_CACHE); HF_TOKEN, HF_HUB_OFFLINE and HF_ENDPOINT are honoured.";

    /// <summary>A required <c>--model</c> option (alias <c>-m</c>).</summary>
    public static Option<string> CreateOption() => new("--model", "-m") { Description = Help, Required = true };

    /// <summary>Resolves <paramref name="argument"/> to a local folder; shows download progress on an interactive terminal.</summary>
    /// <exception cref="HarkInputException">Bad argument, unknown or gated repo.</exception>
    /// <exception cref="HarkException">Offline/unreachable hub without the model cached, or a failed download.</exception>
    public static async Task<string> ResolveAsync(string argument, CancellationToken cancellationToken, HubOptions? options = null)
    {
        var reference = ModelReference.Parse(argument);
        if (reference.IsLocal) return reference.LocalFolder!;
        options ??= HubOptions.FromEnvironment();
        if (Console.IsErrorRedirected || options.Offline)
            return await ModelLocator.ResolveAsync(argument, options, null, cancellationToken).ConfigureAwait(false);

        // Progress goes to stderr so that stdout stays clean for transcripts and JSON.
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        string folder = "";
        await console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new DownloadedColumn(), new TransferSpeedColumn())
            .StartAsync(async ctx =>
            {
                var tasks = new Dictionary<string, ProgressTask>(StringComparer.Ordinal);
                var gate = new Lock();
                var progress = new Progress<DownloadProgress>(p =>
                {
                    lock (gate)
                    {
                        if (!tasks.TryGetValue(p.File, out var task))
                            tasks[p.File] = task = ctx.AddTask(Markup.Escape($"{reference.RepoId} {p.File}"), maxValue: Math.Max(1, p.FileSize ?? 1));
                        if (p.FileSize is { } size) task.MaxValue = Math.Max(1, size);
                        task.Value = Math.Min(p.FileBytes, task.MaxValue);
                    }
                });
                folder = await ModelLocator.ResolveAsync(argument, options, progress, cancellationToken).ConfigureAwait(false);
            }).ConfigureAwait(false);
        return folder;
    }
}
