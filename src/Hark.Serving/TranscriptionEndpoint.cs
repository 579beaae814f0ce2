using System.Diagnostics;
using Hark.Decoding;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Hark.Serving;

/// <summary>
/// <c>POST /v1/audio/transcriptions</c> and <c>/v1/audio/translations</c>: admission (429 when full), the form read
/// within the upload limit (413 while it streams in), a slot on the model, then the transcription on the shared
/// scheduler; the client going away cancels it (<see cref="HttpContext.RequestAborted"/>).
/// </summary>
internal sealed class TranscriptionEndpoint(ServerState state)
{
    // Room for the form's text fields and multipart framing beside the file itself.
    internal const long FormSlackBytes = 1L << 20;

    public async Task HandleAsync(HttpContext http, WhisperTask task)
    {
        var ct = http.RequestAborted;
        var limit = state.Options.MaxUploadBytes;
        if (http.Request.ContentLength > limit + FormSlackBytes) throw TooLarge(limit);
        if (!http.Request.HasFormContentType)
            throw new OpenAiException(400, "expected a multipart/form-data body with a 'file' part", "file");
        if (!state.Admission.TryEnter())
            throw new OpenAiException(429, "the server is busy: its queue is full; retry later", null, "rate_limit_exceeded") { RetryAfterSeconds = 1 };
        var started = false;
        try
        {
            var form = await ReadFormAsync(http, limit, ct).ConfigureAwait(false);
            var request = TranscriptionForm.Read(form, task, state.Options.Defaults);
            var slot = state.Find(request.Model)
                ?? throw new OpenAiException(404, $"the model '{request.Model}' does not exist; GET /v1/models lists the served models", "model", "model_not_found");
            using var lease = await slot.EnterAsync(ct).ConfigureAwait(false);
            state.Admission.Started();
            started = true;
            await TranscribeAsync(http, slot, request, ct).ConfigureAwait(false);
        }
        finally
        {
            state.Admission.Leave(started);
        }
    }

    private async Task TranscribeAsync(HttpContext http, ModelSlot slot, TranscriptionRequest request, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        await using var audio = request.File.OpenReadStream();
        var transcription = slot.Scheduled.TranscribeAsync(audio, Name(request), request.Options, null, ct);
        Transcription.TranscriptionInfo info;
        try
        {
            info = await transcription.Info.ConfigureAwait(false);
        }
        catch (HarkInputException e)
        {
            throw new OpenAiException(400, e.Message, "file", "invalid_audio");
        }
        var result = request.Stream
            ? await TranscriptResponses.StreamAsync(http.Response, transcription, info, ct).ConfigureAwait(false)
            : await transcription.ToResultAsync(ct).ConfigureAwait(false);
        state.Metrics.Transcribed(info.Duration, clock.Elapsed.TotalSeconds);
        if (!request.Stream) await TranscriptResponses.WriteAsync(http.Response, result, info, request.Format, ct).ConfigureAwait(false);
    }

    /// <summary>The form, with files above the limit refused as they arrive (nothing past the limit is kept).</summary>
    private static async Task<IFormCollection> ReadFormAsync(HttpContext http, long limit, CancellationToken ct)
    {
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = limit + FormSlackBytes;
        try
        {
            return await http.Request.ReadFormAsync(new FormOptions { MultipartBodyLengthLimit = limit, ValueLengthLimit = 1 << 16 }, ct).ConfigureAwait(false);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw TooLarge(limit);
        }
        catch (InvalidDataException e) when (e.Message.Contains("Multipart body length limit", StringComparison.Ordinal))
        {
            throw TooLarge(limit);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException && !ct.IsCancellationRequested)
        {
            throw new OpenAiException(400, $"malformed multipart/form-data body: {e.Message}", "file");
        }
    }

    private static string Name(TranscriptionRequest request) =>
        $"upload '{(Path.GetFileName(request.File.FileName) is { Length: > 0 } n ? n : request.File.Name)}'";

    private static OpenAiException TooLarge(long limit) =>
        new(413, $"the upload is larger than this server's limit of {limit / (1024 * 1024.0):0.#} MiB", "file", "request_too_large");
}
