using System.Text.RegularExpressions;

namespace Hark.Hub;

/// <summary>What a <c>--model</c> argument names: a local folder, or a hub repo at a revision.</summary>
/// <param name="LocalFolder">The folder, for local models.</param>
/// <param name="RepoId">Hub repo id (<c>org/name</c>), for hub models.</param>
/// <param name="Revision">Branch, tag or commit (default <c>main</c>).</param>
public sealed partial record ModelReference(string? LocalFolder, string? RepoId, string Revision)
{
    /// <summary>The published Whisper sizes by short name → their <c>openai/whisper-*</c> repos.</summary>
    public static IReadOnlyDictionary<string, string> Aliases { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["tiny"] = "openai/whisper-tiny",
        ["tiny.en"] = "openai/whisper-tiny.en",
        ["base"] = "openai/whisper-base",
        ["base.en"] = "openai/whisper-base.en",
        ["small"] = "openai/whisper-small",
        ["small.en"] = "openai/whisper-small.en",
        ["medium"] = "openai/whisper-medium",
        ["medium.en"] = "openai/whisper-medium.en",
        ["large-v2"] = "openai/whisper-large-v2",
        ["large-v3"] = "openai/whisper-large-v3",
        ["large-v3-turbo"] = "openai/whisper-large-v3-turbo",
    };

    /// <summary>True for a local folder.</summary>
    public bool IsLocal => LocalFolder is not null;

    /// <summary>
    /// Parses a <c>--model</c> argument: an existing folder; an alias (<c>small</c>); or <c>org/name[@revision]</c>.
    /// Anything that looks like a path (starts with <c>.</c>, <c>/</c>, <c>~</c>, a drive, or has more than one
    /// separator) must exist.
    /// </summary>
    /// <exception cref="HarkInputException">Empty, a missing folder, or not a valid repo id.</exception>
    public static ModelReference Parse(string argument)
    {
        if (string.IsNullOrWhiteSpace(argument)) throw new HarkInputException("empty; expected a folder, an alias (small, large-v3, …) or a hub repo id (org/name[@revision])", field: "--model");
        var arg = argument.Trim();
        if (arg.StartsWith('~')) arg = Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), arg[1..].TrimStart('/', '\\'));
        if (Directory.Exists(arg)) return new ModelReference(Path.GetFullPath(arg), null, "main");

        var at = arg.IndexOf('@', StringComparison.Ordinal);
        var name = at >= 0 ? arg[..at] : arg;
        var revision = at >= 0 ? arg[(at + 1)..] : "main";
        var looksLikePath = arg.StartsWith('.') || Path.IsPathRooted(arg) || name.Count(c => c == '/') > 1 || arg.Contains('\\', StringComparison.Ordinal);
        if (looksLikePath)
            throw new HarkInputException("folder not found; expected a model folder, an alias or a hub repo id", Path.GetFullPath(arg), "--model");
        if (File.Exists(arg))
            throw new HarkInputException("is a file; expected a model folder (with config.json and weights), an alias or a hub repo id", Path.GetFullPath(arg), "--model");

        if (revision.Length == 0 || revision.Contains("..", StringComparison.Ordinal) || !RevisionPattern().IsMatch(revision))
            throw new HarkInputException($"revision '{revision}' is not a branch, tag or commit name", field: "--model");
        if (Aliases.TryGetValue(name, out var repo)) return new ModelReference(null, repo, revision);
        if (!RepoPattern().IsMatch(name) || name.Contains("--", StringComparison.Ordinal) || name.Contains("..", StringComparison.Ordinal))
            throw new HarkInputException(
                $"'{argument}' is neither a folder, an alias ({string.Join(", ", Aliases.Keys)}) nor a hub repo id (org/name[@revision])", field: "--model");
        return new ModelReference(null, name, revision);
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,95}/[A-Za-z0-9][A-Za-z0-9._-]{0,95}$")]
    private static partial Regex RepoPattern();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._/-]{0,254}$")]
    private static partial Regex RevisionPattern();
}
