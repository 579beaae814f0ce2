using System.Diagnostics;
using Xunit.Abstractions;

namespace Hark.Tests.Fuzz;

/// <summary>
/// The hostile-input corpus, run through the <c>hark</c> command line in-process, one reader per test. Every case must
/// end with an accepted exit code; a refused one with a single clean line (no stack trace, no raw control character,
/// bounded length), within <see cref="HostileKit.CaseTimeout"/>, without allocating more than 64 MB beyond four times
/// its input, and without leaving its output (or a temporary of it) behind. <c>HARK_FUZZ_ITERATIONS</c> adds random
/// mutations per reader (default 12).
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class FuzzCorpusTests(ITestOutputHelper log)
{
    [Fact] public Task Config_json() => RunAsync(CheckpointCorpus.Config());
    [Fact] public Task Generation_config_json() => RunAsync(CheckpointCorpus.Generation());
    [Fact] public Task Preprocessor_config_json() => RunAsync(CheckpointCorpus.Preprocessor());
    [Fact] public Task Tokenizer_files() => RunAsync(CheckpointCorpus.Tokenizer());
    [Fact] public Task Safetensors() => RunAsync(WeightsCorpus.SafetensorsCases());
    [Fact] public Task Pickle_and_zip() => RunAsync(WeightsCorpus.PickleCases());
    [Fact] public Task Ct2_model_bin() => RunAsync(ModelFileCorpus.Ct2());
    [Fact] public Task Ggml_files() => RunAsync(ModelFileCorpus.Ggml());
    [Fact] public Task Onnx_folders() => RunAsync(ModelFileCorpus.Onnx());
    [Fact] public Task Wav_files() => RunAsync(AudioAndCliCorpus.Wav());
    [Fact] public Task Command_lines() => RunAsync(AudioAndCliCorpus.CommandLines());

    /// <summary>Every generator together yields at least the 300 cases the suite promises (at the default iterations).</summary>
    [Fact]
    public void The_corpus_holds_at_least_300_cases()
    {
        var count = AllCases().Count();
        log.WriteLine($"{count} cases");
        Assert.True(count >= 300, $"{count} cases");
    }

    internal static IEnumerable<FuzzCase> AllCases() =>
        CheckpointCorpus.Config().Concat(CheckpointCorpus.Generation()).Concat(CheckpointCorpus.Preprocessor())
            .Concat(CheckpointCorpus.Tokenizer()).Concat(WeightsCorpus.SafetensorsCases()).Concat(WeightsCorpus.PickleCases())
            .Concat(ModelFileCorpus.Ct2()).Concat(ModelFileCorpus.Ggml()).Concat(ModelFileCorpus.Onnx())
            .Concat(AudioAndCliCorpus.Wav()).Concat(AudioAndCliCorpus.CommandLines());

    private async Task RunAsync(IEnumerable<FuzzCase> cases)
    {
        var failures = new List<string>();
        var count = 0;
        var sw = Stopwatch.StartNew();
        foreach (var c in cases)
        {
            count++;
            if (await RunOneAsync(c) is { } failure) failures.Add($"{c}: {failure}");
        }
        log.WriteLine($"{count} cases, {failures.Count} failures, {sw.Elapsed.TotalSeconds:F1} s");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>Runs one case; returns what went wrong, or null.</summary>
    internal static async Task<string?> RunOneAsync(FuzzCase c)
    {
        using var dir = Fixtures.TempDir();
        var args = c.Arrange(dir.FullName);
        var inputBytes = InputBytes(dir.FullName, args);
        var before = GC.GetTotalAllocatedBytes(precise: false);
        int code;
        string stderr;
        try
        {
            (code, stderr, _) = await HostileKit.RunAsync(args);
        }
        catch (TimeoutException)
        {
            return $"no result in {HostileKit.CaseTimeout.TotalSeconds} s";
        }
        var allocated = GC.GetTotalAllocatedBytes(precise: false) - before;
        if (!c.Codes.Contains(code)) return $"exit {code}, expected {string.Join(" or ", c.Codes)}: {stderr.Trim()}";
        if (code == 0) return null;
        try
        {
            HostileKit.AssertOneCleanLine(stderr, "stderr");
        }
        catch (Exception e) when (e.GetType().Namespace?.StartsWith("Xunit", StringComparison.Ordinal) == true)
        {
            return e.Message;
        }
        var budget = (64L << 20) + 4 * inputBytes;
        if (allocated > budget)
        {
            // The count is process-wide: what other work does meanwhile (a tokenizer's encoder still being built in the
            // background for an earlier case) lands in it too. A reader that over-allocates does so again; stray work does not.
            var again = GC.GetTotalAllocatedBytes(precise: false);
            try
            {
                await HostileKit.RunAsync(args);
            }
            catch (TimeoutException)
            {
            }
            allocated = Math.Min(allocated, GC.GetTotalAllocatedBytes(precise: false) - again);
        }
        if (allocated > budget) return $"allocated {allocated >> 20} MB for {inputBytes >> 20} MB of input";
        if (c.Output is { } output && Path.Exists(Path.Combine(dir.FullName, output))) return $"left {output} behind";
        var temps = Directory.EnumerateFileSystemEntries(dir.FullName, "*", SearchOption.AllDirectories)
            .Where(p => Path.GetFileName(p).Contains(".hark-", StringComparison.Ordinal)).ToList();
        return temps.Count > 0 ? $"left {Path.GetFileName(temps[0])} behind" : null;
    }

    private static long InputBytes(string caseDir, string[] args)
    {
        long total = 0;
        foreach (var path in args.Append(caseDir).Distinct())
        {
            if (File.Exists(path) && path.StartsWith('/') && !path.StartsWith("/dev", StringComparison.Ordinal)) total += new FileInfo(path).Length;
            else if (Directory.Exists(path) && path.StartsWith(Path.GetTempPath(), StringComparison.Ordinal))
                total += Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        }
        return total;
    }
}
