using System.Text.Json;

namespace Hark.Tests.Transcription;

public class TranscribeCliTests(RandomModelFolder model) : IClassFixture<RandomModelFolder>
{
    private static readonly string[] FastDecoding =
        ["--language", "en", "--beam-size", "1", "--temperature", "0", "--temperature-increment-on-fallback", "0", "--max-new-tokens", "6"];

    private Task<HarkProcess.Result> Transcribe(string outputDir, IEnumerable<string> audio, params string[] extra) =>
        HarkProcess.RunAsync(["transcribe", .. audio, "--model", model.Folder, "--output-dir", outputDir, .. FastDecoding, .. extra]);

    private static void AssertOneLineError(HarkProcess.Result r, string mentions)
    {
        Assert.Equal(2, r.ExitCode);
        var lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("hark: ", lines[0]);
        Assert.Contains(mentions, lines[0], StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Every_fixture_recording_transcribes_in_one_run_and_writes_all_formats()
    {
        using var dir = Fixtures.TempDir();
        var audio = Directory.GetFiles(Fixtures.Path("audio/espeak"), "*.wav")
            .Concat(Directory.GetFiles(Fixtures.Path("audio/formats"), "jfk*"))
            .Append(Fixtures.Path("audio/jeppe.mp4"))
            .Order().ToList();
        var r = await Transcribe(dir.FullName, audio, "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var json = JsonDocument.Parse(r.Stdout);
        Assert.Equal(audio.Count, json.RootElement.GetArrayLength());
        foreach (var entry in json.RootElement.EnumerateArray())
        {
            var duration = entry.GetProperty("duration").GetDouble();
            foreach (var s in entry.GetProperty("segments").EnumerateArray())
            {
                Assert.InRange(s.GetProperty("start").GetDouble(), 0, duration);
                Assert.InRange(s.GetProperty("end").GetDouble(), 0, duration);
            }
        }
        // jfk.m4a, jfk.mp3, … share a base name, so each keeps its extension (jfk.mp3.txt) and none overwrites another.
        var shared = audio.GroupBy(Path.GetFileNameWithoutExtension).Where(g => g.Count() > 1).SelectMany(g => g).ToHashSet();
        Assert.NotEmpty(shared);
        foreach (var file in audio)
        {
            var name = shared.Contains(file) ? Path.GetFileName(file) : Path.GetFileNameWithoutExtension(file);
            foreach (var ext in new[] { "txt", "srt", "vtt", "tsv", "json" })
                Assert.True(File.Exists(Path.Combine(dir.FullName, $"{name}.{ext}")), $"{name}.{ext} missing");
        }
        Assert.Equal(audio.Count * 5, Directory.GetFiles(dir.FullName).Length);
    }

    [Theory]
    [InlineData("truncated.wav")]
    [InlineData("lying_header.wav")]
    [InlineData("not_audio.wav")]
    public async Task Bad_audio_exits_2_with_one_line_naming_the_file(string file)
    {
        using var dir = Fixtures.TempDir();
        var r = await Transcribe(dir.FullName, [Fixtures.Path("audio/formats/" + file)]);
        AssertOneLineError(r, file);
        Assert.Empty(Directory.GetFiles(dir.FullName));
    }

    [Fact]
    public async Task Missing_model_folder_exits_2()
    {
        using var dir = Fixtures.TempDir();
        var r = await HarkProcess.RunAsync(["transcribe", Fixtures.Path("audio/jfk.wav"), "--model", dir.File("nope")]);
        AssertOneLineError(r, "folder not found");
    }

    [Fact]
    public async Task Unknown_language_exits_2()
    {
        using var dir = Fixtures.TempDir();
        var r = await HarkProcess.RunAsync(["transcribe", Fixtures.Path("audio/jfk.wav"), "--model", model.Folder, "--language", "klingon"]);
        AssertOneLineError(r, "klingon");
    }

    [Fact]
    public async Task Empty_audio_exits_0_with_empty_transcripts()
    {
        using var dir = Fixtures.TempDir();
        var r = await Transcribe(dir.FullName, [Fixtures.Path("audio/formats/empty.wav")], "--output-format", "srt");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal("", File.ReadAllText(Path.Combine(dir.FullName, "empty.srt")));
    }

    [Fact]
    public async Task Stdin_is_read_with_a_dash_and_nothing_but_the_transcript_is_printed_when_piped()
    {
        using var dir = Fixtures.TempDir();
        var r = await HarkProcess.RunAsync(
            ["transcribe", "-", "--model", model.Folder, "--output-dir", dir.FullName, "--output-format", "txt", .. FastDecoding],
            stdinFile: Fixtures.Path("audio/jfk.wav"));
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.True(File.Exists(Path.Combine(dir.FullName, "stdin.txt")));
        Assert.All(r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => Assert.StartsWith("[00:", line));
        Assert.DoesNotContain("\u001b[", r.Stdout, StringComparison.Ordinal); // no progress bar escape codes
    }

    [Fact]
    public async Task Onnx_export_transcribes_to_the_same_tokens_as_the_managed_engine()
    {
        using var dir = Fixtures.TempDir();
        var onnx = dir.File("onnx");
        var convert = await HarkProcess.RunAsync(["convert", model.Folder, "--to", "onnx", "-o", onnx]);
        Assert.True(convert.ExitCode == 0, convert.Stderr);
        var jfk = Fixtures.Path("audio/jfk.wav");
        var managed = await HarkProcess.RunAsync(["transcribe", jfk, "--model", model.Folder, "-o", dir.File("m"), "--json", .. FastDecoding]);
        var viaOnnx = await HarkProcess.RunAsync(["transcribe", jfk, "--model", onnx, "--engine", "onnx", "-o", dir.File("o"), "--json", .. FastDecoding]);
        Assert.True(viaOnnx.ExitCode == 0, viaOnnx.Stderr);
        static string Tokens(string json) => string.Join(",", JsonDocument.Parse(json).RootElement[0].GetProperty("segments")
            .EnumerateArray().SelectMany(s => s.GetProperty("tokens").EnumerateArray().Select(t => t.GetInt32())));
        Assert.Equal(Tokens(managed.Stdout), Tokens(viaOnnx.Stdout));
        Assert.NotEmpty(Tokens(managed.Stdout));
    }
}
