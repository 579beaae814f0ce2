using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hark.Decoding;
using Hark.Tokenization;
using Hark.Transcription;
using Hark.Transcription.Writers;
using Microsoft.AspNetCore.Http;

namespace Hark.Serving;

/// <summary>Writes a finished transcript in the requested format, or streams segments as server-sent events.</summary>
internal static class TranscriptResponses
{
    /// <summary>Writes <paramref name="result"/> as <paramref name="format"/>.</summary>
    public static Task WriteAsync(HttpResponse response, TranscriptResult result, TranscriptionInfo info, ResponseFormat format, CancellationToken ct)
    {
        var (type, body) = format switch
        {
            ResponseFormat.Json => ("application/json", Json(new JsonObject { ["text"] = result.Text })),
            ResponseFormat.VerboseJson => ("application/json", Verbose(result, info)),
            ResponseFormat.Text => ("text/plain; charset=utf-8", Written(result, OutputFormat.Txt)),
            // OpenAI sends subtitles as plain text too (its clients read any other type as JSON).
            ResponseFormat.Srt => ("text/plain; charset=utf-8", Written(result, OutputFormat.Srt)),
            ResponseFormat.Vtt => ("text/plain; charset=utf-8", Written(result, OutputFormat.Vtt)),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
        };
        response.ContentType = type;
        return response.WriteAsync(body, Encoding.UTF8, ct);
    }

    /// <summary>
    /// Streams the segments as OpenAI's transcription events: <c>transcript.text.delta</c> per segment as soon as it is
    /// final, then <c>transcript.text.done</c> with the whole text.
    /// </summary>
    public static async Task<TranscriptResult> StreamAsync(HttpResponse response, Hark.Transcription.Transcription transcription,
        TranscriptionInfo info, CancellationToken ct)
    {
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        var segments = new List<Segment>();
        await response.StartAsync(ct).ConfigureAwait(false);
        await foreach (var s in transcription.WithCancellation(ct).ConfigureAwait(false))
        {
            segments.Add(s);
            await Event(response, new JsonObject { ["type"] = "transcript.text.delta", ["delta"] = s.Text }, ct).ConfigureAwait(false);
        }
        var result = new TranscriptResult(segments, info.Language);
        await Event(response, new JsonObject { ["type"] = "transcript.text.done", ["text"] = result.Text }, ct).ConfigureAwait(false);
        return result;
    }

    private static async Task Event(HttpResponse response, JsonObject data, CancellationToken ct)
    {
        await response.WriteAsync("data: " + data.ToJsonString() + "\n\n", Encoding.UTF8, ct).ConfigureAwait(false);
        await response.Body.FlushAsync(ct).ConfigureAwait(false);
    }

    /// <summary>OpenAI's <c>verbose_json</c>: Hark's JSON transcript (openai-whisper's segments) with task and duration.</summary>
    private static string Verbose(TranscriptResult result, TranscriptionInfo info)
    {
        var json = JsonNode.Parse(TranscriptWriter.ToJson(result))!.AsObject();
        var index = WhisperLanguages.IndexOf(result.Language);
        var verbose = new JsonObject
        {
            ["task"] = info.Options.Task == WhisperTask.Translate ? "translate" : "transcribe",
            ["language"] = index >= 0 ? WhisperLanguages.Names[index] : result.Language,
            ["duration"] = info.Duration,
            ["text"] = result.Text,
            ["segments"] = json["segments"]!.DeepClone(),
        };
        return Json(verbose);
    }

    private static string Written(TranscriptResult result, OutputFormat format)
    {
        using var writer = new StringWriter();
        TranscriptWriter.Write(writer, result, format);
        return writer.ToString();
    }

    private static string Json(JsonObject value) =>
        value.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
}
