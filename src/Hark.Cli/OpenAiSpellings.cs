using System.CommandLine;

namespace Hark.Cli;

/// <summary>
/// openai-whisper's command line spells its options with underscores (<c>--beam_size</c>, <c>--no_speech_threshold</c>):
/// every hyphenated option of <c>hark</c> also answers to that spelling, so commands copied from openai's docs run.
/// The spelling is mapped before parsing rather than added as aliases, so <c>--help</c> lists each option once.
/// </summary>
internal static class OpenAiSpellings
{
    /// <summary><paramref name="args"/> with each underscore spelling of a known option replaced by its hyphenated name.</summary>
    public static string[] Normalize(Command root, IReadOnlyList<string> args)
    {
        var known = new HashSet<string>(StringComparer.Ordinal);
        Collect(root, known);
        var result = args.ToArray();
        for (var i = 0; i < result.Length; i++)
        {
            if (result[i] == "--") break; // everything after '--' is a value
            var parts = result[i].Split('=', 2);
            if (!parts[0].StartsWith("--", StringComparison.Ordinal) || !parts[0].Contains('_', StringComparison.Ordinal)) continue;
            var hyphenated = "--" + parts[0][2..].Replace('_', '-');
            if (known.Contains(hyphenated)) result[i] = parts.Length == 2 ? hyphenated + "=" + parts[1] : hyphenated;
        }
        return result;
    }

    private static void Collect(Command command, HashSet<string> known)
    {
        foreach (var option in command.Options)
        {
            known.Add(option.Name);
            known.UnionWith(option.Aliases);
        }
        foreach (var sub in command.Subcommands) Collect(sub, known);
    }
}
