using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Hark.Tests.Serving;

/// <summary>
/// 200 generated malformed multipart bodies (truncated, wrong boundary, huge part headers, no file, not audio): each is
/// answered 4xx in OpenAI's error shape, and the server still serves the next valid request.
/// </summary>
[Collection(ServingCollection.Name)]
public class MalformedUploadTests(ServerFixture server)
{
    private const string Boundary = "hark-boundary-1234";

    public static IEnumerable<(string Kind, byte[] Body, string Boundary)> Bodies()
    {
        var audio = File.ReadAllBytes(Fixtures.Path("audio/jfk.wav"));
        var notAudio = File.ReadAllBytes(Fixtures.Path("audio/formats/not_audio.wav"));
        var random = new Random(20);
        for (var i = 0; i < 200; i++)
        {
            var kind = (i % 5) switch { 0 => "truncated", 1 => "wrong-boundary", 2 => "huge-headers", 3 => "no-file", _ => "not-audio" };
            var body = kind switch
            {
                "truncated" => Valid(audio)[..random.Next(1, Valid(audio).Length - 10)],
                "wrong-boundary" => Valid(audio, "some-other-boundary"),
                "huge-headers" => Valid(audio, extraHeader: "X-Pad: " + new string('a', 20_000 + random.Next(100_000))),
                "no-file" => Encoding.ASCII.GetBytes($"--{Boundary}\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\n{ServerFixture.ModelName}\r\n--{Boundary}--\r\n"),
                _ => Valid(random.Next(2) == 0 ? notAudio : [.. Enumerable.Range(0, 1 + random.Next(4000)).Select(_ => (byte)random.Next(256))]),
            };
            yield return (kind, body, Boundary);
        }
    }

    private static byte[] Valid(byte[] file, string boundary = Boundary, string? extraHeader = null)
    {
        var head = $"--{boundary}\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\n{ServerFixture.ModelName}\r\n" +
                   $"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.bin\"\r\n" +
                   (extraHeader is null ? "" : extraHeader + "\r\n") + "Content-Type: application/octet-stream\r\n\r\n";
        return [.. Encoding.ASCII.GetBytes(head), .. file, .. Encoding.ASCII.GetBytes($"\r\n--{boundary}--\r\n")];
    }

    [Fact]
    public async Task Every_malformed_body_is_a_4xx_in_OpenAI_shape_and_the_server_stays_up()
    {
        var failures = new List<string>();
        foreach (var (kind, body, boundary) in Bodies())
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = MediaTypeHeaderValue.Parse($"multipart/form-data; boundary={boundary}");
            using var response = await server.Http.PostAsync("v1/audio/transcriptions", content);
            if ((int)response.StatusCode is < 400 or >= 500)
            {
                failures.Add($"{kind}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                continue;
            }
            await ErrorResponseTests.AssertError(response, response.StatusCode);
        }
        Assert.Empty(failures);
        using var valid = ServerFixture.Form(Fixtures.Path("audio/jfk.wav"), ("model", ServerFixture.ModelName));
        Assert.Equal(HttpStatusCode.OK, (await server.Http.PostAsync("v1/audio/transcriptions", valid)).StatusCode);
    }
}
