using System.CommandLine;
using System.Diagnostics;
using Hark.Checkpoints;
using Hark.Cli;
using Hark.Cli.Commands;

namespace Hark.Tests.Fuzz;

/// <summary>What a hostile-input case needs: a valid model folder to spoil, the CLI run in-process, and the output contract.</summary>
internal static class HostileKit
{
    /// <summary>Longest a single hostile case may take before it counts as a hang.</summary>
    public static readonly TimeSpan CaseTimeout = TimeSpan.FromSeconds(30);

    /// <summary>A Hugging Face folder of the <c>test</c> preset with the base tokenizer files.</summary>
    public static string WriteHfFolder(TempDir dir, string name = "hf", DType dtype = DType.F16, bool pytorchBin = false)
    {
        var folder = dir.File(name);
        Directory.CreateDirectory(folder);
        var config = WhisperPresets.Get("test");
        WhisperConfigFile.Write(Path.Combine(folder, "config.json"), config);
        using var weights = new RandomWhisperWeights(config, 5, dtype);
        if (pytorchBin) PytorchBinWriter.Write(Path.Combine(folder, PytorchBinWriter.FileName), weights);
        else SafetensorsWriter.Write(Path.Combine(folder, "model.safetensors"), weights);
        foreach (var f in new[] { "vocab.json", "added_tokens.json", "merges.txt" })
            File.Copy(Fixtures.Path("hf/whisper-base/" + f), Path.Combine(folder, f));
        return folder;
    }

    private static readonly SemaphoreSlim ConsoleGate = new(1, 1);

    /// <summary>
    /// Runs <c>hark ARGS</c> in this process with stdout and stderr captured (commands that write to the console
    /// directly included); callers live in the <see cref="ConsoleCollection"/>, which runs alone.
    /// </summary>
    public static async Task<(int Code, string Stderr, TimeSpan Elapsed)> RunAsync(params string[] args)
    {
        var root = new RootCommand("hark");
        foreach (var c in CommandCatalog.All()) root.Subcommands.Add(c);
        var stderr = new StringWriter();
        await ConsoleGate.WaitAsync();
        var (oldOut, oldErr) = (System.Console.Out, System.Console.Error);
        try
        {
            System.Console.SetOut(new StringWriter());
            System.Console.SetError(stderr);
            var sw = Stopwatch.StartNew();
            var code = await CliHost.RunAsync(root, args, stderr).WaitAsync(CaseTimeout);
            return (code, stderr.ToString(), sw.Elapsed);
        }
        finally
        {
            System.Console.SetOut(oldOut);
            System.Console.SetError(oldErr);
            ConsoleGate.Release();
        }
    }

    /// <summary>The error contract: one line, no stack trace, no raw control character, bounded length.</summary>
    public static void AssertOneCleanLine(string stderr, string because)
    {
        var text = stderr.TrimEnd('\n', '\r');
        Assert.False(text.Length == 0, $"{because}: no message");
        Assert.False(text.Contains('\n'), $"{because}: more than one line: {text}");
        Assert.False(text.Contains("   at ", StringComparison.Ordinal), $"{because}: stack trace: {text}");
        Assert.False(text.Contains("internal error", StringComparison.Ordinal), $"{because}: {text}");
        Assert.False(text.Any(c => char.IsControl(c) && c != '\t'), $"{because}: raw control character: {Escape(text)}");
        Assert.True(text.Length <= 2000, $"{because}: {text.Length} characters");
    }

    private static string Escape(string s) => string.Concat(s.Select(c => char.IsControl(c) ? $"\\x{(int)c:X2}" : c.ToString()));

    /// <summary>Makes a FIFO at <paramref name="path"/> (Unix only).</summary>
    public static void MakeFifo(string path)
    {
        using var p = Process.Start(new ProcessStartInfo("mkfifo", [path]) { UseShellExecute = false })!;
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
    }
}

/// <summary>Tests that run the CLI in-process and capture the console: they run alone, never beside other tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Console";
}
