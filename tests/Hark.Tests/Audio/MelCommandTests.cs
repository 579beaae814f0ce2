using System.Diagnostics;

namespace Hark.Tests.Audio;

public class MelCommandTests
{
    private static (int Code, string Stderr) Hark(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Hark.Cli.dll"));
        foreach (var a in args) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        var stderr = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stderr.Result);
    }

    [Fact]
    public void Dev_mel_writes_the_reference_layout_for_128_bins()
    {
        using var dir = Fixtures.TempDir();
        var output = dir.File("jfk.mel128.f32");
        var (code, stderr) = Hark("dev", "mel", Fixtures.Path("audio/jfk.wav"), "--out", output, "--n-mels", "128");
        Assert.True(code == 0, stderr);
        var ours = AudioFixtures.ReadF32(output);
        Assert.True(AudioFixtures.MaxAbsDiff(ours, AudioFixtures.ReadF32("reference/jfk.mel128.f32")) <= 1e-4f);
        Assert.Single(Directory.GetFiles(dir.FullName)); // no temp file left behind
    }

    [Fact]
    public void Dev_mel_on_a_truncated_wav_exits_2_with_the_lengths_and_writes_nothing()
    {
        using var dir = Fixtures.TempDir();
        var output = dir.File("x.f32");
        var (code, stderr) = Hark("dev", "mel", Fixtures.Path("audio/formats/truncated.wav"), "--out", output, "--whole-file");
        Assert.Equal(2, code);
        Assert.Contains("data chunk claims 1940400 bytes, file holds 1922", stderr);
        Assert.False(File.Exists(output));
    }
}
