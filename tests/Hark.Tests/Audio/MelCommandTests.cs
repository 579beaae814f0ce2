using System.Diagnostics;

namespace Hark.Tests.Audio;

public class MelCommandTests
{
    private static (int Code, string Stderr) Hark(params string[] args) => Run(null, args);

    private static (int Code, string Stderr) Run(string? pathVariable, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        if (pathVariable is not null) info.Environment["PATH"] = pathVariable;
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

    [Fact]
    public void With_PATH_stripped_wav_still_works_and_mp3_names_ffmpeg_and_how_to_install_it()
    {
        using var dir = Fixtures.TempDir();
        var (wavCode, wavErr) = Run("", "dev", "mel", Fixtures.Path("audio/formats/jfk_44k_stereo.wav"), "--out", dir.File("a.f32"));
        Assert.True(wavCode == 0, wavErr);
        Assert.Equal(80 * 3000 * 4, new FileInfo(dir.File("a.f32")).Length);

        var (mp3Code, mp3Err) = Run("", "dev", "mel", Fixtures.Path("audio/formats/jfk.mp3"), "--out", dir.File("b.f32"));
        Assert.Equal(1, mp3Code);
        Assert.Contains("'ffmpeg' program, which was not found", mp3Err);
        Assert.Contains("apt-get install ffmpeg", mp3Err);
        Assert.False(File.Exists(dir.File("b.f32")));
    }
}
