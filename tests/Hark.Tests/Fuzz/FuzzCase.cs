using System.Text.Json.Nodes;

namespace Hark.Tests.Fuzz;

/// <summary>
/// One hostile input: <see cref="Arrange"/> builds it in an empty case folder and returns the <c>hark</c> arguments;
/// the run must end with one of <see cref="Codes"/>, and when it fails, with one clean line and no output left behind.
/// </summary>
/// <param name="Reader">The reader under attack (safetensors, config, wav, …).</param>
/// <param name="Name">What the case does, for failure reports.</param>
/// <param name="Arrange">Builds the input in the given folder; returns the arguments.</param>
/// <param name="Codes">Acceptable exit codes.</param>
/// <param name="Output">The output path (relative to the case folder) that must not exist after a failed run.</param>
internal sealed record FuzzCase(string Reader, string Name, Func<string, string[]> Arrange, int[] Codes, string? Output = null)
{
    /// <summary>Bad input: exit 2.</summary>
    public static readonly int[] Refused = [2];

    /// <summary>A mutation that may or may not still be valid: exit 0 or 2, never anything else.</summary>
    public static readonly int[] ZeroOrRefused = [0, 2];

    /// <summary>An environment failure: exit 1.</summary>
    public static readonly int[] Failed = [1];

    /// <summary>Copies the seed model folder into the case folder, lets <paramref name="spoil"/> change it, returns it.</summary>
    public static string SpoiledModel(string caseDir, string seed, Action<string> spoil)
    {
        var folder = FuzzSeeds.CopyFolder(seed, Path.Combine(caseDir, "model"));
        spoil(folder);
        return folder;
    }

    /// <summary>Rewrites a JSON object file with <paramref name="edit"/>.</summary>
    public static void EditJson(string path, Action<JsonObject> edit)
    {
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(json);
        File.WriteAllText(path, json.ToJsonString());
    }

    /// <summary>Flips <paramref name="count"/> random bytes of <paramref name="path"/> in [<paramref name="from"/>, <paramref name="to"/>).</summary>
    public static void FlipBytes(string path, Random rng, int count, long from = 0, long to = long.MaxValue)
    {
        var bytes = File.ReadAllBytes(path);
        to = Math.Min(to, bytes.Length);
        for (var i = 0; i < count && to > from; i++) bytes[rng.NextInt64(from, to)] ^= (byte)rng.Next(1, 256);
        File.WriteAllBytes(path, bytes);
    }

    /// <summary>Cuts <paramref name="path"/> to <paramref name="length"/> bytes.</summary>
    public static void Truncate(string path, long length)
    {
        using var f = new FileStream(path, FileMode.Open, FileAccess.Write);
        f.SetLength(Math.Min(length, f.Length));
    }

    /// <summary>Writes <paramref name="bytes"/> at <paramref name="offset"/> of <paramref name="path"/>.</summary>
    public static void Patch(string path, long offset, ReadOnlySpan<byte> bytes)
    {
        using var f = new FileStream(path, FileMode.Open, FileAccess.Write);
        f.Position = offset;
        f.Write(bytes);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Reader}: {Name}";
}
