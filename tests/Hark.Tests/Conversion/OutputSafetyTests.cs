using Hark.IO;
using System.CommandLine;
using Hark.Checkpoints;
using Hark.Cli;
using Hark.Cli.Commands;
using Hark.Conversion;

namespace Hark.Tests.Conversion;

/// <summary>Nothing the user owns is replaced or deleted unless it is the named output and --force was given.</summary>
public sealed class OutputSafetyTests
{
    private static string WriteHfFolder(TempDir dir, string name = "hf")
    {
        var folder = dir.File(name);
        Directory.CreateDirectory(folder);
        var config = WhisperPresets.Get("test");
        WhisperConfigFile.Write(Path.Combine(folder, "config.json"), config);
        using var weights = new RandomWhisperWeights(config, 5, DType.F16);
        SafetensorsWriter.Write(Path.Combine(folder, "model.safetensors"), weights);
        foreach (var f in new[] { "vocab.json", "added_tokens.json", "merges.txt" })
            File.Copy(Fixtures.Path("hf/whisper-base/" + f), Path.Combine(folder, f));
        return folder;
    }

    private static async Task<(int Code, string Stderr)> RunAsync(params string[] args)
    {
        var root = new RootCommand("hark");
        foreach (var c in CommandCatalog.All()) root.Subcommands.Add(c);
        var stderr = new StringWriter();
        var code = await CliHost.RunAsync(root, [.. args, "--json"], stderr);
        return (code, stderr.ToString());
    }

    private static Dictionary<string, byte[]> Snapshot(string folder) =>
        Directory.EnumerateFiles(folder).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);

    [Theory]
    [InlineData("ct2", "")]
    [InlineData("onnx", "")]
    [InlineData("ggml", "model.safetensors")]
    [InlineData("ct2", "config.json")]
    [InlineData("ct2", "..")]
    public async Task Convert_with_force_never_replaces_its_own_input(string target, string inside)
    {
        using var dir = Fixtures.TempDir();
        var folder = WriteHfFolder(dir);
        var before = Snapshot(folder);
        var output = inside.Length == 0 ? folder : Path.Combine(folder, inside);
        var (code, stderr) = await RunAsync("convert", folder, "--to", target, "-o", output, "--force");
        Assert.Equal(2, code);
        Assert.Contains("input model", stderr);
        var after = Snapshot(folder);
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        foreach (var (name, bytes) in before) Assert.True(bytes.AsSpan().SequenceEqual(after[name]), name + " changed");
    }

    [Fact]
    public async Task Convert_through_a_symbolic_link_to_the_input_is_refused()
    {
        using var dir = Fixtures.TempDir();
        var folder = WriteHfFolder(dir);
        var link = dir.File("link");
        Directory.CreateSymbolicLink(link, folder);
        var (code, stderr) = await RunAsync("convert", folder, "--to", "ct2", "-o", link, "--force");
        Assert.Equal(2, code);
        Assert.Contains("input model", stderr);
        Assert.True(File.Exists(Path.Combine(folder, "model.safetensors")));
    }

    [Fact]
    public async Task Convert_to_a_new_folder_inside_the_input_is_allowed()
    {
        using var dir = Fixtures.TempDir();
        var folder = WriteHfFolder(dir);
        var (code, stderr) = await RunAsync("convert", folder, "--to", "ggml", "-o", Path.Combine(folder, "ggml.bin"));
        Assert.True(code == 0, stderr);
    }

    [Fact]
    public void A_second_writer_to_the_same_output_fails_while_the_first_holds_it()
    {
        using var dir = Fixtures.TempDir();
        var output = dir.File("out");
        using var first = AtomicOutput.ForFolder(output, force: false);
        var e = Assert.ThrowsAny<HarkException>(() => AtomicOutput.ForFolder(output, force: true));
        Assert.Contains("another run is writing this output", e.Message);
        Assert.True(Directory.Exists(first.TempPath));
    }

    [Fact]
    public void The_lock_is_released_when_the_writer_finishes()
    {
        using var dir = Fixtures.TempDir();
        var output = dir.File("out.bin");
        using (var first = AtomicOutput.ForFile(output, force: false)) first.Commit();
        using (var second = AtomicOutput.ForFile(output, force: true)) second.Commit();
        Assert.True(File.Exists(output));
        Assert.Equal([Path.GetFileName(output)], Directory.EnumerateFileSystemEntries(dir.FullName).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void An_output_created_by_someone_else_during_the_run_is_never_deleted(bool folder)
    {
        using var dir = Fixtures.TempDir();
        var output = dir.File("out");
        using var atomic = folder ? AtomicOutput.ForFolder(output, force: false) : AtomicOutput.ForFile(output, force: false);
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "theirs.txt"), "precious");
        var e = Assert.Throws<HarkInputException>(atomic.Commit);
        Assert.Contains("left untouched", e.Message);
        Assert.Equal("precious", File.ReadAllText(Path.Combine(output, "theirs.txt")));
    }

    [Fact]
    public void With_force_a_folder_output_is_replaced_whole()
    {
        using var dir = Fixtures.TempDir();
        var output = dir.File("out");
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "old.txt"), "old");
        using (var atomic = AtomicOutput.ForFolder(output, force: true))
        {
            File.WriteAllText(atomic.PathInside("new.txt"), "new");
            atomic.Commit();
        }
        Assert.Equal(["new.txt"], Directory.EnumerateFiles(output).Select(Path.GetFileName));
        Assert.Single(Directory.EnumerateFileSystemEntries(dir.FullName));
    }

    [Fact]
    public void Temporary_outputs_of_dead_runs_are_removed_by_the_next_run_and_live_ones_kept()
    {
        using var dir = Fixtures.TempDir();
        var output = dir.File("model.bin");
        var dead = dir.File(AtomicOutput.TempPrefix("model.bin") + "2147483000-0badc0de");
        var legacy = dir.File(AtomicOutput.TempPrefix("model.bin") + "0badc0de");
        var live = dir.File(AtomicOutput.TempPrefix("model.bin") + Environment.ProcessId + "-12345678");
        var other = dir.File(AtomicOutput.TempPrefix("other.bin") + "2147483000-0badc0de");
        foreach (var f in new[] { dead, legacy, live, other }) File.WriteAllText(f, "partial");
        Directory.CreateDirectory(dir.File(AtomicOutput.TempPrefix("model.bin") + "2147483001-0badc0de"));
        using (var atomic = AtomicOutput.ForFile(output, force: false)) atomic.Commit();
        Assert.False(File.Exists(dead));
        Assert.False(File.Exists(legacy));
        Assert.False(Directory.Exists(dir.File(AtomicOutput.TempPrefix("model.bin") + "2147483001-0badc0de")));
        Assert.True(File.Exists(live));
        Assert.True(File.Exists(other));
    }
}
