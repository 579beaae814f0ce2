using System.Runtime.CompilerServices;
using Hark.Engines.Cache;

namespace Hark.Tests;

/// <summary>
/// Points Hark's packed-weight cache (<c>HARK_CACHE</c>) at a temporary folder for the whole test run, so neither the
/// library nor the <c>hark</c> processes the tests start write into the user's cache; removed when the run ends.
/// </summary>
internal static class TestCacheFolder
{
    [ModuleInitializer]
    internal static void Redirect()
    {
        var folder = Path.Combine(Path.GetTempPath(), "hark-test-cache-" + Guid.NewGuid().ToString("N")[..12]);
        Environment.SetEnvironmentVariable(WeightCache.EnvironmentVariable, folder);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        };
    }
}
