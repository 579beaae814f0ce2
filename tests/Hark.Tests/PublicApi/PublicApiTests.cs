using System.Reflection;

namespace Hark.Tests.PublicApi;

/// <summary>
/// The public surface is reviewed, not accreted: it is checked in as text (<c>tests/Hark.Tests/PublicApi/NAME.api.txt</c>)
/// and any difference fails. After a deliberate change, regenerate with
/// <c>HARK_UPDATE_API=1 dotnet test Hark.slnx -c Release --filter PublicApi</c> and review the diff.
/// </summary>
public class PublicApiTests
{
    private const string UpdateVariable = "HARK_UPDATE_API";

    public static TheoryData<string> Assemblies => ["Hark", "Hark.Benchmarking"];

    [Theory]
    [MemberData(nameof(Assemblies))]
    public void The_public_surface_matches_the_checked_in_listing(string name)
    {
        var actual = ApiListing.Of(Assembly.Load(name));
        var path = Path.Combine(Fixtures.RepoRoot, "tests", "Hark.Tests", "PublicApi", name + ".api.txt");
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            File.WriteAllText(path, actual);
            return;
        }
        var expected = File.Exists(path) ? File.ReadAllText(path).ReplaceLineEndings("\n") : "";
        if (expected == actual) return;
        var expectedLines = expected.Split('\n').ToHashSet(StringComparer.Ordinal);
        var actualLines = actual.Split('\n').ToHashSet(StringComparer.Ordinal);
        var added = actual.Split('\n').Where(l => !expectedLines.Contains(l)).Take(30).Select(l => "+ " + l);
        var removed = expected.Split('\n').Where(l => !actualLines.Contains(l)).Take(30).Select(l => "- " + l);
        Assert.Fail($"the public surface of {name} differs from {Path.GetRelativePath(Fixtures.RepoRoot, path)}. If the change is deliberate, " +
            $"regenerate it with `{UpdateVariable}=1 dotnet test Hark.slnx -c Release --filter PublicApi` and review the diff.\n" +
            string.Join("\n", removed.Concat(added)));
    }

    [Fact]
    public void The_listing_shows_members_and_init_accessors()
    {
        var listing = ApiListing.Of(typeof(Hark.Engines.EngineRegistry).Assembly);
        Assert.Contains("sealed class Hark.Engines.EngineRegistry\n", listing, StringComparison.Ordinal);
        Assert.Contains("  Hark.Engines.EngineRegistry With(Hark.Engines.EngineBackend backend)\n", listing, StringComparison.Ordinal);
        Assert.Contains("  Hark.Engines.EngineKind Engine { get; init; }\n", listing, StringComparison.Ordinal);
    }
}
