using Hark.Engines;

namespace Hark.Tests.Architecture;

/// <summary>
/// Dependencies point one way: CLI → application layers (Transcription, Hardware's doctor, Benchmarking) → engines,
/// decoding and formats → checkpoints, audio, tokenization, hub. Folders are namespaces (checked first), and each
/// folder may use only the folders listed here, whatever its files' <c>using</c>s say (the IL is read).
/// </summary>
public class LayeringTests
{
    private static readonly string[] Foundation = ["IO", "Serialization"];

    /// <summary>Folder of <c>src/Hark</c> → the folders it may use (besides itself and the root namespace).</summary>
    private static readonly Dictionary<string, string[]> MayUse = new()
    {
        ["IO"] = [],
        ["Serialization"] = [],
        ["Evaluation"] = [],
        ["Audio"] = [.. Foundation],
        ["Tokenization"] = [.. Foundation],
        ["Hub"] = [.. Foundation],
        ["Checkpoints"] = [.. Foundation],
        ["Formats"] = [.. Foundation, "Checkpoints"],
        ["Engines"] = [.. Foundation, "Checkpoints", "Formats"],
        ["Decoding"] = [.. Foundation, "Checkpoints", "Tokenization", "Engines"],
        ["Conversion"] = [.. Foundation, "Checkpoints", "Tokenization", "Audio", "Formats", "Hub"],
        ["Hardware"] = [.. Foundation, "Checkpoints", "Engines"],
        ["Transcription"] = [.. Foundation, "Checkpoints", "Tokenization", "Audio", "Hub", "Engines", "Decoding", "Formats"],
        ["Benchmarking"] = [.. Foundation, "Checkpoints", "Tokenization", "Audio", "Hub", "Engines", "Decoding", "Formats",
            "Conversion", "Hardware", "Transcription", "Evaluation"],
    };

    private static readonly System.Reflection.Assembly Hark = typeof(EngineKind).Assembly;

    private static string Folder(Type t) => t.Namespace is { } ns && ns.StartsWith("Hark.", StringComparison.Ordinal) ? ns.Split('.')[1] : "";

    public static TheoryData<string> Folders => [.. MayUse.Keys];

    [Fact]
    public void Every_namespace_is_a_folder_of_src_Hark_with_a_layer()
    {
        var src = Path.Combine(Fixtures.RepoRoot, "src", "Hark");
        var folders = Hark.GetTypes().Select(Folder).Where(f => f != "").Distinct().Order().ToList();
        Assert.All(folders, f => Assert.True(Directory.Exists(Path.Combine(src, f)), $"namespace Hark.{f} has no folder src/Hark/{f}"));
        Assert.All(folders, f => Assert.True(MayUse.ContainsKey(f), $"folder {f} has no place in {nameof(LayeringTests)}.{nameof(MayUse)}"));
    }

    [Theory]
    [MemberData(nameof(Folders))]
    public void A_folder_uses_only_the_layers_below_it(string folder)
    {
        var allowed = MayUse[folder].Append(folder).Append("").ToHashSet();
        var violations = Hark.GetTypes()
            .Where(t => Folder(t) == folder)
            .SelectMany(t => TypeReferences.Of(t).Where(r => !allowed.Contains(Folder(r))).Select(r => $"{t.FullName} uses {r.FullName}"))
            .Distinct().Order().ToList();
        Assert.True(violations.Count == 0, $"{folder} may use only {string.Join(", ", MayUse[folder])}:\n{string.Join("\n", violations.Take(40))}");
    }

    [Fact]
    public void The_rule_sees_a_dependency_hidden_in_a_method_body()
    {
        // EngineRegistry names its backends only inside a static initializer's IL.
        Assert.Contains(TypeReferences.Of(typeof(EngineRegistry)), t => t.Name == "VulkanEngineBackend");
    }
}
