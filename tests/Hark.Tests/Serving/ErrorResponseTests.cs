using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Hark.Tests.Serving;

/// <summary>Every refusal is answered in OpenAI's error shape with the status OpenAI uses.</summary>
[Collection(ServingCollection.Name)]
public class ErrorResponseTests(ServerFixture server)
{
    private static readonly string Jfk = Fixtures.Path("audio/jfk.wav");

    internal static async Task<JsonElement> AssertError(HttpResponseMessage response, HttpStatusCode status, string? param = null)
    {
        Assert.Equal(status, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = json.RootElement.GetProperty("error");
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("type").GetString()));
        Assert.True(error.TryGetProperty("code", out _));
        if (param is not null) Assert.Equal(param, error.GetProperty("param").GetString());
        return error.Clone();
    }

    private async Task<HttpResponseMessage> Post(HttpContent content, string? key = ServerFixture.Key, bool expectContinue = false)
    {
        using var http = new HttpClient { BaseAddress = server.BaseUrl };
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/audio/transcriptions") { Content = content };
        request.Headers.Authorization = key is null ? null : new AuthenticationHeaderValue("Bearer", key);
        request.Headers.ExpectContinue = expectContinue;
        return await http.SendAsync(request);
    }

    [Fact]
    public async Task A_form_without_a_file_is_400()
    {
        using var form = new MultipartFormDataContent { { new StringContent(ServerFixture.ModelName), "model" } };
        await AssertError(await Post(form), HttpStatusCode.BadRequest, "file");
    }

    [Fact]
    public async Task An_unknown_response_format_is_400()
    {
        using var form = ServerFixture.Form(Jfk, ("model", ServerFixture.ModelName), ("response_format", "docx"));
        await AssertError(await Post(form), HttpStatusCode.BadRequest, "response_format");
    }

    [Fact]
    public async Task Word_timestamps_are_refused_clearly_until_they_exist()
    {
        using var form = ServerFixture.Form(Jfk, ("model", ServerFixture.ModelName), ("response_format", "verbose_json"), ("timestamp_granularities[]", "word"));
        var error = await AssertError(await Post(form), HttpStatusCode.BadRequest, "timestamp_granularities[]");
        Assert.Contains("not supported yet", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audio_that_cannot_be_decoded_is_400()
    {
        using var form = ServerFixture.Form(Fixtures.Path("audio/formats/not_audio.wav"), ("model", ServerFixture.ModelName));
        await AssertError(await Post(form), HttpStatusCode.BadRequest, "file");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("sk-wrong-key")]
    [InlineData("sk-test-ke")]
    public async Task A_missing_or_wrong_key_is_401(string? key)
    {
        using var form = ServerFixture.Form(Jfk, ("model", ServerFixture.ModelName));
        var error = await AssertError(await Post(form, key), HttpStatusCode.Unauthorized);
        Assert.Equal("invalid_api_key", error.GetProperty("code").GetString());
    }

    [Fact]
    public async Task An_unknown_model_is_404()
    {
        using var form = ServerFixture.Form(Jfk, ("model", "whisper-1"));
        var error = await AssertError(await Post(form), HttpStatusCode.NotFound, "model");
        Assert.Equal("model_not_found", error.GetProperty("code").GetString());
        await AssertError(await server.Http.GetAsync("v1/models/whisper-1"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Health_and_readiness_need_no_key()
    {
        using var plain = new HttpClient { BaseAddress = server.BaseUrl };
        Assert.Equal(HttpStatusCode.OK, (await plain.GetAsync("health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await plain.GetAsync("ready")).StatusCode);
    }

    [Fact]
    public async Task A_200_MB_upload_is_refused_with_413_before_its_body_is_read()
    {
        var before = Rss();
        using var form = Big();
        // As curl does for large bodies: the body follows only once the server asks for it, which it never does.
        var response = await Post(form, expectContinue: true);
        await AssertError(response, HttpStatusCode.RequestEntityTooLarge, "file");
        Assert.True(Rss() - before < 25L << 20, $"RSS grew by {(Rss() - before) >> 20} MiB");
    }

    [Fact]
    public async Task A_200_MB_chunked_upload_is_cut_off_with_413_at_the_limit()
    {
        var before = Rss();
        var refused = Refused413();
        using var form = Big(chunked: true);
        try
        {
            var response = await Post(form);
            await AssertError(response, HttpStatusCode.RequestEntityTooLarge, "file");
        }
        catch (HttpRequestException)
        {
            // The server answered 413 and closed the connection while the client was still sending: the client sees
            // the broken pipe rather than the answer. The server's own count says what it answered.
        }
        var clock = Stopwatch.StartNew(); // the count is recorded as the server finishes, and scrapes are cached briefly
        while (Refused413() <= refused && clock.Elapsed < TimeSpan.FromSeconds(5)) await Task.Delay(100);
        Assert.True(Refused413() > refused, "the server did not answer 413");
        Assert.True(Rss() - before < 25L << 20, $"RSS grew by {(Rss() - before) >> 20} MiB");
    }

    private static MultipartFormDataContent Big(bool chunked = false) => new()
    {
        { new StringContent(ServerFixture.ModelName), "model" },
        { new StreamContent(new ZeroStream(200L << 20, seekable: !chunked)), "file", "big.wav" },
    };

    private double Refused413()
    {
        var text = server.Http.GetStringAsync("metrics").GetAwaiter().GetResult();
        var line = text.Split('\n').FirstOrDefault(l => l.StartsWith("hark_server_requests", StringComparison.Ordinal) && l.Contains("status=\"413\"", StringComparison.Ordinal));
        return line is null ? 0 : double.Parse(line[(line.IndexOf('}', StringComparison.Ordinal) + 1)..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static long Rss()
    {
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }

    [Fact]
    public async Task Metrics_are_served_in_Prometheus_text()
    {
        using var form = ServerFixture.Form(Jfk, ("model", ServerFixture.ModelName));
        Assert.Equal(HttpStatusCode.OK, (await Post(form)).StatusCode);
        var text = await server.Http.GetStringAsync("metrics");
        Assert.Contains("hark_server_requests", text, StringComparison.Ordinal);
        Assert.Contains("hark_server_audio_seconds", text, StringComparison.Ordinal);
        Assert.Contains("hark_server_queue_depth", text, StringComparison.Ordinal);
        Assert.Contains("hark_server_batch_windows", text, StringComparison.Ordinal);
    }

    /// <summary>Zeros without holding them: the client's memory does not count against the server's.</summary>
    private sealed class ZeroStream(long length, bool seekable) : Stream
    {
        private long _position;

        public override bool CanRead => true;
        public override bool CanSeek => seekable; // a known length is sent as Content-Length, otherwise chunked
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get => _position; set => _position = value; }
        public override void Flush() { }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - _position);
            Array.Clear(buffer, offset, n);
            _position += n;
            return n;
        }

        public override long Seek(long offset, SeekOrigin origin) => _position = origin == SeekOrigin.Begin ? offset : _position + offset;
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
