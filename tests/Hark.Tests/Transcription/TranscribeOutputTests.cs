using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Hark.Tests.Transcription;

/// <summary>
/// What <c>hark transcribe</c> prints and writes: segments on stdout as they are final in openai-whisper's verbose
/// format, everything else on stderr; Ctrl-C keeps the finished segments.
/// </summary>
public partial class TranscribeOutputTests(RandomModelFolder model) : IClassFixture<RandomModelFolder>
{
    private static readonly string[] FastDecoding =
        ["--beam-size", "1", "--temperature", "0", "--temperature-increment-on-fallback", "0", "--max-new-tokens", "6"];

    [GeneratedRegex(@"^\[\d\d:\d\d\.\d{3} --> \d\d:\d\d\.\d{3}\] ")]
    private static partial Regex SegmentLine();

    [Fact]
    public async Task A_piped_run_prints_only_segment_lines_on_stdout_and_the_detected_language_on_stderr()
    {
        using var dir = Fixtures.TempDir();
        var r = await HarkProcess.RunAsync(["transcribe", Fixtures.Path("audio/espeak/longform.wav"), "--model", model.Folder,
            "-o", dir.FullName, "-f", "txt", .. FastDecoding]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length >= 2, r.Stdout);
        Assert.All(lines, line => Assert.Matches(SegmentLine(), line));
        Assert.Contains("Detected language: ", r.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b", r.Stderr, StringComparison.Ordinal); // no progress line when stderr is not a terminal
    }

    [Fact]
    public async Task Inputs_sharing_a_base_name_keep_their_extension_in_the_output_names()
    {
        using var dir = Fixtures.TempDir();
        var r = await HarkProcess.RunAsync(["transcribe", Fixtures.Path("audio/jfk.wav"), Fixtures.Path("audio/formats/jfk.mp3"),
            Fixtures.Path("audio/espeak/en01.wav"), "--model", model.Folder, "--language", "en", "-o", dir.FullName, "-f", "txt", .. FastDecoding]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal(["en01.txt", "jfk.mp3.txt", "jfk.wav.txt"], Directory.GetFiles(dir.FullName).Select(Path.GetFileName).Order());
    }

    [Fact]
    public async Task Empty_stdin_exits_2_like_an_empty_file()
    {
        using var dir = Fixtures.TempDir();
        var empty = dir.File("empty");
        File.WriteAllBytes(empty, []);
        var r = await HarkProcess.RunAsync(["transcribe", "-", "--model", model.Folder, "-o", dir.File("out"), .. FastDecoding], stdinFile: empty);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("empty (0 bytes)", r.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir.File("out")) && Directory.EnumerateFiles(dir.File("out")).Any());
    }

    [PosixFact]
    public async Task Ctrl_C_exits_130_after_writing_the_finished_segments_marked_as_partial()
    {
        using var dir = Fixtures.TempDir();
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "Hark.Cli"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Long windows (100 tokens each) of a recording four times longform's length (16 windows): the signal lands
        // long before the run could end, however fast the machine decodes.
        var samples = Hark.Audio.AudioLoader.Load(Fixtures.Path("audio/espeak/longform.wav"));
        var pcm = new byte[samples.Length * 2];
        for (var i = 0; i < samples.Length; i++)
            System.Buffers.Binary.BinaryPrimitives.WriteInt16LittleEndian(pcm.AsSpan(2 * i), (short)Math.Clamp(samples[i] * 32767f, -32768f, 32767f));
        var audio = dir.File("longform.wav");
        File.WriteAllBytes(audio, Hark.Tests.Fuzz.FuzzSeeds.Wav(1, 16, 16000, [.. pcm, .. pcm, .. pcm, .. pcm]));
        var outDir = Directory.CreateDirectory(dir.File("out")).FullName;
        foreach (var a in new[] { "transcribe", audio, "--model", model.Folder, "--language", "en",
            "-o", outDir, "-f", "json", "--beam-size", "1", "--temperature", "0", "--temperature-increment-on-fallback", "0",
            "--max-new-tokens", "100" })
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var first = await process.StandardOutput.ReadLineAsync(timeout.Token);
        Assert.NotNull(first);
        Assert.Matches(SegmentLine(), first);
        Assert.Equal(0, Kill(process.Id, 2));
        var rest = await process.StandardOutput.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        var errors = await stderr;
        Assert.True(process.ExitCode == 130, $"exit {process.ExitCode}: {errors}");
        Assert.Contains("interrupted", errors, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "longform.json")));
        Assert.True(json.RootElement.GetProperty("partial").GetBoolean());
        var segments = json.RootElement.GetProperty("segments").GetArrayLength();
        Assert.InRange(segments, 1, 15); // some windows finished, not all 16
        Assert.InRange(1 + rest.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length, 1, segments); // empty segments print nothing
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}

/// <summary>A fact that needs POSIX signals: skipped visibly on Windows.</summary>
public sealed class PosixFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> on Windows.</summary>
    public PosixFactAttribute()
    {
        if (OperatingSystem.IsWindows()) Skip = "needs POSIX signals (SIGINT)";
    }
}
