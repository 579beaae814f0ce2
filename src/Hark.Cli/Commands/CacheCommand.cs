using System.CommandLine;
using System.Globalization;
using Hark.Engines.Cache;

namespace Hark.Cli.Commands;

/// <summary><c>hark cache list|clear</c>: the managed engine's packed-weight cache (<see cref="WeightCache"/>).</summary>
internal static class CacheCommand
{
    public static Command Create()
    {
        var cache = new Command("cache",
            $"The managed engine's packed-weight cache (folder: ${WeightCache.EnvironmentVariable}, else $HF_HOME/hark).");
        var list = new Command("list", "List cached packed weights: size, precision, source model.");
        list.SetAction(_ =>
        {
            var store = WeightCache.FromEnvironment();
            var entries = store.List();
            Console.Out.WriteLine($"{store.Directory}: {entries.Count} entr{(entries.Count == 1 ? "y" : "ies")}, {Mib(entries.Sum(e => e.Bytes))}");
            foreach (var e in entries)
                Console.Out.WriteLine($"{Mib(e.Bytes),10}  {e.Precision,-9} {e.Written.ToLocalTime():yyyy-MM-dd HH:mm}  {e.Source}{(e.Complete ? "" : "  (incomplete: rebuilt on next load)")}");
            return ExitCodes.Success;
        });
        var clear = new Command("clear", "Delete every cached packed weight (the next load of each model packs again).");
        clear.SetAction(_ =>
        {
            var store = WeightCache.FromEnvironment();
            Console.Out.WriteLine($"{store.Directory}: freed {Mib(store.Clear())}");
            return ExitCodes.Success;
        });
        cache.Subcommands.Add(list);
        cache.Subcommands.Add(clear);
        return cache;
    }

    private static string Mib(long bytes) => (bytes / (1024.0 * 1024)).ToString("0.0", CultureInfo.InvariantCulture) + " MiB";
}
