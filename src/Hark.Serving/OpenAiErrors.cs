using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Hark.Serving;

/// <summary>Writes errors as OpenAI does: <c>{"error": {"message", "type", "param", "code"}}</c>.</summary>
internal static class OpenAiErrors
{
    /// <summary>Answers <paramref name="error"/> unless the response has started (then the connection is cut).</summary>
    public static async Task WriteAsync(HttpContext http, OpenAiException error)
    {
        if (http.Response.HasStarted)
        {
            http.Abort();
            return;
        }
        http.Response.Clear();
        http.Response.StatusCode = error.Status;
        if (error.RetryAfterSeconds is { } seconds) http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        http.Response.ContentType = "application/json";
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("error");
            json.WriteString("message", error.Message);
            json.WriteString("type", error.Type);
            json.WriteString("param", error.Param);
            json.WriteString("code", error.Code);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        await http.Response.Body.WriteAsync(buffer.ToArray(), CancellationToken.None).ConfigureAwait(false);
    }
}
