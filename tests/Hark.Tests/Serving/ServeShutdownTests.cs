using System.Diagnostics;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using Hark.Tests.Transcription;

namespace Hark.Tests.Serving;

/// <summary><c>hark serve</c> as a process: SIGTERM (what a container runtime or systemd sends) stops accepting
/// connections, lets the request in flight finish, and exits 0.</summary>
public sealed partial class ServeShutdownTests(RandomModelFolder model) : IClassFixture<RandomModelFolder>
{
    [PosixFact]
    public async Task Sigterm_refuses_new_connections_finishes_the_request_in_flight_and_exits_zero()
    {
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "Hark.Cli"))
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var a in new[] { "serve", "--model", "whisper=" + model.Folder, "--host", "127.0.0.1", "--port", "0", "--threads", "1" })
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            string? line;
            while ((line = await process.StandardOutput.ReadLineAsync(timeout.Token)) is not null && !line.Contains("listening on ", StringComparison.Ordinal)) { }
            Assert.True(line is not null, "hark serve printed no address");
            var url = new Uri(line[(line.IndexOf("http", StringComparison.Ordinal))..].Trim());
            _ = process.StandardOutput.ReadToEndAsync(); // keep the pipe drained

            // Sixteen windows of 100 tokens, streamed: the signal lands while the transcription is under way.
            using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromMinutes(3) };
            using var form = new MultipartFormDataContent();
            var audio = new ByteArrayContent(LongRecording());
            audio.Headers.ContentType = new MediaTypeHeaderValue("audio/wav");
            form.Add(audio, "file", "long.wav");
            form.Add(new StringContent("whisper"), "model");
            form.Add(new StringContent("en"), "language");
            form.Add(new StringContent("true"), "stream");
            form.Add(new StringContent("100"), "max_new_tokens");
            using var request = new HttpRequestMessage(HttpMethod.Post, "v1/audio/transcriptions") { Content = form };
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(timeout.Token));
            using var events = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));
            while ((line = await events.ReadLineAsync(timeout.Token)) is not null && !line.Contains("transcript.text.delta", StringComparison.Ordinal)) { }
            Assert.NotNull(line);

            Assert.Equal(0, Kill(process.Id, 15));
            await Task.Delay(500, timeout.Token);
            using (var late = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(10) })
                await Assert.ThrowsAsync<HttpRequestException>(() => late.GetAsync("health", timeout.Token));

            var rest = await events.ReadToEndAsync(timeout.Token);
            Assert.Contains("transcript.text.done", rest, StringComparison.Ordinal);
            await process.WaitForExitAsync(timeout.Token);
            Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {await stderr}");
        }
        finally
        {
            if (!process.HasExited) process.Kill();
        }
    }

    /// <summary>longform.wav four times over (about seven minutes) as 16-bit WAV.</summary>
    private static byte[] LongRecording()
    {
        var samples = Hark.Audio.AudioLoader.Load(Fixtures.Path("audio/espeak/longform.wav"));
        var pcm = new byte[samples.Length * 2];
        for (var i = 0; i < samples.Length; i++)
            System.Buffers.Binary.BinaryPrimitives.WriteInt16LittleEndian(pcm.AsSpan(2 * i), (short)Math.Clamp(samples[i] * 32767f, -32768f, 32767f));
        return Hark.Tests.Fuzz.FuzzSeeds.Wav(1, 16, 16000, [.. pcm, .. pcm, .. pcm, .. pcm]);
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
