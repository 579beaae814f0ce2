using System.Diagnostics;
using System.Net;
using Hark.Serving;
using Hark.Transcription;

namespace Hark.Tests.Serving;

/// <summary>
/// A client that goes away stops its work at the next decoder step while the requests batched with it finish with
/// their own results; a full queue answers 429 with <c>Retry-After</c>.
/// </summary>
[Collection(ServingCollection.Name)]
public class CancellationAndQueueTests(ServerFixture shared)
{
    private static readonly string Jfk = Fixtures.Path("audio/jfk.wav");
    private static readonly string Longform = Fixtures.Path("audio/espeak/longform.wav");

    private async Task<(HarkServer Server, SteppedEngine Engine, WhisperModel Model, HttpClient Http)> StartAsync(int maxBatch, int maxQueue)
    {
        var engine = new SteppedEngine(shared.Model.Engine, TimeSpan.FromMilliseconds(15));
        var model = new WhisperModel(engine, shared.Model.Tokenizer, shared.Model.Generation);
        var server = HarkServer.Create([new ServedModel(ServerFixture.ModelName, model, "stepped")], new ServerOptions
        {
            Port = 0, MaxBatch = maxBatch, MaxQueue = maxQueue, Defaults = ServerFixture.Options with { MaxNewTokens = 40 },
        });
        await server.StartAsync();
        return (server, engine, model, new HttpClient { BaseAddress = new Uri(server.Urls[0].TrimEnd('/') + "/") });
    }

    [Fact]
    public async Task A_cancelled_client_stops_its_work_while_the_request_beside_it_is_unaffected()
    {
        var (server, engine, model, http) = await StartAsync(maxBatch: 4, maxQueue: 4);
        await using (server)
        {
            using var _ = model;
            using var __ = http;
            var (_, expected) = await shared.ExpectedAsync(Jfk, ServerFixture.Options with { MaxNewTokens = 40 });
            using var cancel = new CancellationTokenSource();
            using var longForm = ServerFixture.Form(Longform, ("model", ServerFixture.ModelName));
            using var jfkForm = ServerFixture.Form(Jfk, ("model", ServerFixture.ModelName), ("response_format", "text"));
            var victim = http.PostAsync("v1/audio/transcriptions", longForm, cancel.Token);
            var other = http.PostAsync("v1/audio/transcriptions", jfkForm);
            var clock = Stopwatch.StartNew();
            while (engine.Steps < 8 && clock.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(5);
            cancel.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => victim);

            // The server sees the disconnect, drops the window at the next step; the other request goes on alone.
            clock.Restart();
            while (server.WindowsCancelled == 0 && clock.Elapsed < TimeSpan.FromSeconds(10)) await Task.Delay(5);
            Assert.Equal(1, server.WindowsCancelled);
            var response = await other;
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(Written(expected), await response.Content.ReadAsStringAsync());
            var settled = engine.Steps;
            await Task.Delay(300);
            Assert.Equal(settled, engine.Steps); // nothing of the cancelled request runs on
        }
    }

    [Fact]
    public async Task A_full_queue_answers_429_with_Retry_After()
    {
        var (server, _, model, http) = await StartAsync(maxBatch: 1, maxQueue: 0);
        await using (server)
        {
            using var _ = model;
            using var __ = http;
            using var first = ServerFixture.Form(Longform, ("model", ServerFixture.ModelName));
            var running = http.PostAsync("v1/audio/transcriptions", first);
            var clock = Stopwatch.StartNew();
            while (((SteppedEngine)model.Engine).Steps == 0 && clock.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(5);
            using var second = ServerFixture.Form(Jfk, ("model", ServerFixture.ModelName));
            var refused = await http.PostAsync("v1/audio/transcriptions", second);
            var error = await ErrorResponseTests.AssertError(refused, HttpStatusCode.TooManyRequests);
            Assert.Equal("rate_limit_exceeded", error.GetProperty("code").GetString());
            Assert.NotNull(refused.Headers.RetryAfter);
            Assert.Equal(HttpStatusCode.OK, (await running).StatusCode);
        }
    }

    private static string Written(Hark.Transcription.Writers.TranscriptResult result)
    {
        using var writer = new StringWriter();
        Hark.Transcription.Writers.TranscriptWriter.Write(writer, result, Hark.Transcription.Writers.OutputFormat.Txt);
        return writer.ToString();
    }
}
