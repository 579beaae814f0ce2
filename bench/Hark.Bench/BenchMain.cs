using Hark.Cli;

namespace Hark.Bench;

/// <summary>
/// Entry point of the micro/macro benchmarks: <c>dotnet run -c Release --project bench/Hark.Bench -- SUITE [options]</c>.
/// Every suite prints a table of figures measured side by side in one process run and writes JSON.
/// </summary>
internal static class BenchMain
{
    private static readonly Dictionary<string, (string Help, Func<string[], Task<int>> Run)> Suites = new(StringComparer.OrdinalIgnoreCase);

    public static void Register(string name, string help, Func<string[], Task<int>> run) => Suites[name] = (help, run);

    public static async Task<int> RunAsync(string[] args)
    {
        BenchSuites.RegisterAll();
        if (args.Length == 0 || !Suites.TryGetValue(args[0], out var suite))
        {
            Console.Error.WriteLine("usage: Hark.Bench SUITE [options]");
            foreach (var (name, s) in Suites.OrderBy(k => k.Key)) Console.Error.WriteLine($"  {name,-12} {s.Help}");
            return 2;
        }
        try
        {
            return await suite.Run(args[1..]).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HarkException or IOException or UnauthorizedAccessException or FormatException or ArgumentException)
        {
            // Missing files, bad option values, a model that will not load: one line, as hark does.
            return CommandLineErrors.Report(ex is HarkException ? ex : new HarkInputException(ex.Message), Console.Error, "Hark.Bench");
        }
    }
}

/// <summary>Registers each suite (one file per suite).</summary>
internal static partial class BenchSuites
{
    public static void RegisterAll()
    {
        RegisterAudio();
        EngineBench.Register();
        BenchMain.Register("convert", "wall time and peak RSS of CT2/GGML conversion of random presets", ConvertBench.RunAsync);
        BenchMain.Register("memory", "peak RSS per model/precision/batch vs the memory model (--models --precisions --batches --steps)", MemoryBench.RunAsync);
        RegisterOnnx();
        RegisterVad();
        LogitsDump.Register();
        GemmBench.Register();
        ProfileBench.Register();
        LoadBench.Register();
        JobsBench.Register();
        WordsBench.Register();
        BatchedBench.Register();
        ServeBench.Register();
    }
}
