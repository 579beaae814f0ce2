using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Hark.Transcription;
using Hark.Transcription.Writers;
using Spectre.Console;

namespace Hark.Cli.Commands;

/// <summary>
/// Runs <c>hark transcribe</c>: loads the model once, transcribes every file, writes the transcripts. A failing file
/// prints one line and the others still run; the exit code is the worst one seen.
/// </summary>
internal static class TranscribeRunner
{
    public static async Task<int> RunAsync(TranscribeRequest request, CancellationToken cancellationToken)
    {
        var stdout = Console.Out;
        var stderr = Console.Error;
        var folder = await ModelArgument.ResolveAsync(request.ModelPath, cancellationToken).ConfigureAwait(false);
        await using var model = await WhisperModel.LoadAsync(folder, request.Model, cancellationToken).ConfigureAwait(false);
        var interactive = !Console.IsOutputRedirected && !request.Json;
        var worst = ExitCodes.Success;
        var json = new JsonArray();
        foreach (var audio in request.Audio)
        {
            try
            {
                var (result, info) = interactive
                    ? await WithProgressAsync(model, audio, request.Options, cancellationToken).ConfigureAwait(false)
                    : await QuietAsync(model, audio, request.Options, cancellationToken).ConfigureAwait(false);
                var files = TranscriptWriter.WriteFiles(result, audio, request.OutputDir, request.Formats);
                if (request.Json)
                {
                    json.Add(JsonEntry(audio, result, info, files));
                }
                else
                {
                    foreach (var s in result.Segments.Where(s => s.Text.Length > 0))
                        await stdout.WriteLineAsync($"[{Timestamps.Format(s.Start)} --> {Timestamps.Format(s.End)}] {s.Text.Trim()}").ConfigureAwait(false);
                    if (interactive) AnsiConsole.MarkupLine($"[grey]wrote {Markup.Escape(string.Join(", ", files))}[/]");
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                worst = Math.Max(worst, CliHost.Report(ex, stderr));
            }
        }
        if (request.Json) await stdout.WriteLineAsync(json.ToJsonString()).ConfigureAwait(false);
        return worst;
    }

    private static async Task<(TranscriptResult, TranscriptionInfo)> QuietAsync(
        WhisperModel model, string audio, TranscriptionOptions options, CancellationToken cancellationToken)
    {
        var transcription = model.TranscribeAsync(audio, options, null, cancellationToken);
        var result = await transcription.ToResultAsync(cancellationToken).ConfigureAwait(false);
        return (result, await transcription.Info.ConfigureAwait(false));
    }

    private static async Task<(TranscriptResult, TranscriptionInfo)> WithProgressAsync(
        WhisperModel model, string audio, TranscriptionOptions options, CancellationToken cancellationToken)
    {
        (TranscriptResult, TranscriptionInfo) outcome = default;
        var name = Markup.Escape(audio == "-" ? "stdin" : Path.GetFileName(audio));
        await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask(name, maxValue: 1);
                var clock = Stopwatch.StartNew();
                var progress = new Reporter(p =>
                {
                    task.MaxValue = Math.Max(p.Duration, 1e-3);
                    task.Value = p.Seconds;
                    var speed = p.Seconds / Math.Max(clock.Elapsed.TotalSeconds, 1e-3);
                    task.Description = string.Create(CultureInfo.InvariantCulture, $"{name} {p.Seconds:0.0}/{p.Duration:0.0} s ({speed:0.0}x)");
                });
                var transcription = model.TranscribeAsync(audio, options, progress, cancellationToken);
                var result = await transcription.ToResultAsync(cancellationToken).ConfigureAwait(false);
                outcome = (result, await transcription.Info.ConfigureAwait(false));
                task.Value = task.MaxValue;
            }).ConfigureAwait(false);
        return outcome;
    }

    private static JsonObject JsonEntry(string audio, TranscriptResult result, TranscriptionInfo info, IReadOnlyList<string> files)
    {
        var entry = (JsonObject)JsonNode.Parse(TranscriptWriter.ToJson(result))!;
        entry["audio"] = audio;
        entry["language_probability"] = info.LanguageProbability;
        entry["duration"] = info.Duration;
        if (info.SpeechChunks is not null) entry["duration_after_vad"] = info.DurationAfterVad;
        entry["files"] = new JsonArray([.. files.Select(f => (JsonNode?)JsonValue.Create(f))]);
        return entry;
    }

    /// <summary>Reports synchronously on the transcribing thread (no synchronization context to post to).</summary>
    private sealed class Reporter(Action<TranscriptionProgress> report) : IProgress<TranscriptionProgress>
    {
        public void Report(TranscriptionProgress value) => report(value);
    }
}
