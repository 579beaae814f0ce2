using Hark.Tests.Transcription;

namespace Hark.Tests.Jobs;

/// <summary><c>hark jobs submit|wait|status|fetch</c> and <c>hark worker</c> as a user runs them.</summary>
public class JobsCliTests(RandomModelFolder model) : IClassFixture<RandomModelFolder>
{
    private static readonly string[] FastDecoding =
        ["--language", "en", "--beam-size", "1", "--temperature", "0", "--temperature-increment-on-fallback", "0", "--max-new-tokens", "6"];

    [NatsFact]
    public async Task Submitted_files_come_back_from_a_worker_as_hark_transcribe_writes_them_and_bad_audio_fails_the_wait()
    {
        using var dir = Fixtures.TempDir();
        await using var server = await NatsServer.StartAsync(Directory.CreateDirectory(dir.File("store")).FullName);
        using var worker = new WorkerProcess("cli-worker", server.Url, model.Folder, TimeSpan.FromSeconds(30));
        var jfk = Fixtures.Path("audio/jfk.wav");
        var submit = await HarkProcess.RunAsync(["jobs", "submit", jfk, Fixtures.Path("audio/formats/not_audio.wav"), "--nats", server.Url, .. FastDecoding]);
        Assert.True(submit.ExitCode == 0, submit.Stderr);
        var ids = submit.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, ids.Length);

        var wait = await HarkProcess.RunAsync(["jobs", "wait", .. ids, "--nats", server.Url]);
        Assert.True(wait.ExitCode == 1, wait.Stdout + wait.Stderr + worker.Log);
        var lines = wait.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith($"{ids[0]}  completed  jfk.wav  cli-worker", lines[0]);
        Assert.StartsWith($"{ids[1]}  failed  not_audio.wav  cli-worker  not_audio.wav: ", lines[1]);

        var status = await HarkProcess.RunAsync(["jobs", "status", "--nats", server.Url, "--json"]);
        Assert.Equal(0, status.ExitCode);
        Assert.Contains("\"status\":\"completed\"", status.Stdout);

        var fetch = await HarkProcess.RunAsync(["jobs", "fetch", ids[0], "--nats", server.Url, "--output-dir", dir.File("fetched")]);
        Assert.True(fetch.ExitCode == 0, fetch.Stderr);
        var transcribe = await HarkProcess.RunAsync(
            ["transcribe", jfk, "--model", model.Folder, "--threads", "1", "--output-dir", dir.File("transcribed"), .. FastDecoding]);
        Assert.True(transcribe.ExitCode == 0, transcribe.Stderr);
        foreach (var ext in new[] { "txt", "srt", "vtt", "tsv", "json" })
            Assert.Equal(File.ReadAllText(dir.File($"transcribed/jfk.{ext}")), File.ReadAllText(dir.File($"fetched/jfk.{ext}")));

        var notDone = await HarkProcess.RunAsync(["jobs", "fetch", ids[1], "--nats", server.Url, "--output-dir", dir.File("fetched")]);
        Assert.Equal(2, notDone.ExitCode);
        Assert.StartsWith($"hark: {ids[1]}: job is failed: not_audio.wav: ", notDone.Stderr);
    }
}
