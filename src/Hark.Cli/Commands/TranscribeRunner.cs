using System.Text.Json.Nodes;
using Hark.Tokenization;
using Hark.Transcription;
using Hark.Transcription.Writers;

namespace Hark.Cli.Commands;

/// <summary>
/// Runs <c>hark transcribe</c>: loads the model once and transcribes every file, printing each segment on stdout as
/// soon as it is final (openai-whisper's verbose format); language, progress and notices go to stderr. A failing file
/// prints one line and the others still run; the exit code is the worst one seen. Interrupted (Ctrl-C), the segments
/// finished so far are written, marked as partial, before the cancellation ends the run (exit 130).
/// </summary>
internal static class TranscribeRunner
{
    public static async Task<int> RunAsync(TranscribeRequest request, CancellationToken cancellationToken)
    {
        var stdout = Console.Out;
        var stderr = Console.Error;
        var progress = ProgressLine.ForConsole();
        var folder = await ModelArgument.ResolveAsync(request.ModelPath, cancellationToken).ConfigureAwait(false);
        if (SoftwareVulkanNotice.For(request.Model.Device) is { } notice) await stderr.WriteLineAsync(notice).ConfigureAwait(false);
        progress?.Status("loading model…");
        var worst = ExitCodes.Success;
        var json = new JsonArray();
        try
        {
            await using var model = await WhisperModel.LoadAsync(folder, request.Model, cancellationToken).ConfigureAwait(false);
            progress?.Clear();
            for (var i = 0; i < request.Audio.Count; i++)
            {
                try
                {
                    await TranscribeOneAsync(model, request, i, progress, json, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    progress?.Clear();
                    worst = Math.Max(worst, CliHost.Report(ex, stderr));
                }
            }
        }
        finally
        {
            progress?.Clear();
            if (request.Json) await stdout.WriteLineAsync(json.ToJsonString()).ConfigureAwait(false);
        }
        return worst;
    }

    private static async Task TranscribeOneAsync(
        WhisperModel model, TranscribeRequest request, int index, ProgressLine? progress, JsonArray json, CancellationToken cancellationToken)
    {
        var audio = request.Audio[index];
        progress?.Start(audio == "-" ? "stdin" : Path.GetFileName(audio));
        var transcription = model.TranscribeAsync(audio, request.Options, progress, cancellationToken);
        var info = await transcription.Info.ConfigureAwait(false);
        if (info.AllLanguageProbs is not null)
        {
            progress?.Clear();
            await Console.Error.WriteLineAsync($"Detected language: {LanguageName(info.Language)}").ConfigureAwait(false);
        }
        var segments = new List<Segment>();
        try
        {
            await foreach (var s in transcription.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                segments.Add(s);
                if (request.Json || s.Text.Length == 0) continue;
                progress?.Clear();
                await Console.Out.WriteLineAsync($"[{Timestamps.Format(s.Start)} --> {Timestamps.Format(s.End)}] {s.Text}").ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            progress?.Clear();
            var files = request.Files.Write(index, new TranscriptResult(segments, info.Language), partial: true);
            if (request.Json) json.Add(JsonEntry(audio, new TranscriptResult(segments, info.Language), info, files, partial: true));
            await Console.Error.WriteLineAsync(
                $"hark: wrote the {segments.Count} finished segments to {string.Join(", ", files)}, marked as partial").ConfigureAwait(false);
            throw;
        }
        progress?.Clear();
        var result = new TranscriptResult(segments, info.Language);
        var written = request.Files.Write(index, result, partial: false);
        if (request.Json) json.Add(JsonEntry(audio, result, info, written, partial: false));
    }

    private static string LanguageName(string code)
    {
        var index = WhisperLanguages.IndexOf(code);
        if (index < 0) return code;
        var name = WhisperLanguages.Names[index];
        return name.Length > 0 ? char.ToUpperInvariant(name[0]) + name[1..] : code; // openai: "Detected language: English"
    }

    private static JsonObject JsonEntry(string audio, TranscriptResult result, TranscriptionInfo info, IReadOnlyList<string> files, bool partial)
    {
        var entry = (JsonObject)JsonNode.Parse(TranscriptWriter.ToJson(result))!;
        entry["audio"] = audio;
        entry["language_probability"] = info.LanguageProbability;
        entry["duration"] = info.Duration;
        if (info.SpeechChunks is not null) entry["duration_after_vad"] = info.DurationAfterVad;
        entry["files"] = new JsonArray([.. files.Select(f => (JsonNode?)JsonValue.Create(f))]);
        if (partial) entry["partial"] = true;
        return entry;
    }
}
