using System.CommandLine;
using System.CommandLine.Parsing;

namespace Hark.Cli;

/// <summary>
/// What <c>hark</c> checks on a parsed command line before any work starts: an option it does not know is an error
/// with a suggestion, even where System.CommandLine would take it as a file name (<c>transcribe</c>'s audio list
/// accepts any token, so <c>--beam_size</c> used to become an audio file).
/// </summary>
internal static class UsageCheck
{
    /// <summary>The first usage error of <paramref name="parse"/> as one line, or null when it may run.</summary>
    public static string? FirstError(ParseResult parse)
    {
        var command = parse.CommandResult.Command;
        foreach (var token in StrayOptions(parse))
            return $"unknown option '{token}'{Suggestion(token, command)}";
        return parse.Errors.Count > 0 ? parse.Errors[0].Message : null;
    }

    /// <summary>Tokens that look like options but matched none: unmatched ones and those taken as positional values.</summary>
    private static IEnumerable<string> StrayOptions(ParseResult parse)
    {
        var doubleDash = parse.Tokens.ToList().FindIndex(t => t.Type == TokenType.DoubleDash);
        var positional = parse.CommandResult.Children.OfType<ArgumentResult>().SelectMany(a => a.Tokens)
            .Where(t => doubleDash < 0 || parse.Tokens.ToList().IndexOf(t) < doubleDash) // after '--' a dash is a name
            .Select(t => t.Value);
        return parse.UnmatchedTokens.Concat(positional).Where(LooksLikeOption);
    }

    /// <summary>'-' alone is stdin and '-1' a number; '--x' and '-x' are options.</summary>
    private static bool LooksLikeOption(string token) =>
        token.Length > 1 && token[0] == '-' && !double.TryParse(token, System.Globalization.CultureInfo.InvariantCulture, out _);

    /// <summary>openai-whisper's and faster-whisper's options that hark does not have (yet), by normalized name.</summary>
    private static readonly HashSet<string> NotImplemented = new(StringComparer.Ordinal)
    {
        "fp16", "model-dir",
    };

    /// <summary>" (did you mean --beam-size?)" for the closest option name of <paramref name="command"/>, or empty.</summary>
    internal static string Suggestion(string token, Command command)
    {
        var name = token.Split('=', 2)[0];
        if (NotImplemented.Contains(Normalize(name))) return $" (openai-whisper's --{Normalize(name)} is not implemented in hark)";
        var names = command.Options.Concat(command.Parents.OfType<Command>().SelectMany(c => c.Options.Where(o => o.Recursive)))
            .Where(o => !o.Hidden)
            .Select(o => o.Name)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var best = names
            .Select(n => (Name: n, Distance: Distance(Normalize(name), Normalize(n))))
            .OrderBy(c => c.Distance)
            .FirstOrDefault();
        var prefixed = names.Where(n => Normalize(n).StartsWith(Normalize(name), StringComparison.Ordinal)).ToList();
        if (best.Name is not null && best.Distance <= Math.Max(2, Normalize(name).Length / 4)) return $" (did you mean {best.Name}?)";
        if (prefixed.Count == 1) return $" (did you mean {prefixed[0]}?)";
        return "";
    }

    private static string Normalize(string option) => option.TrimStart('-').Replace('_', '-').ToLowerInvariant();

    /// <summary>Levenshtein distance (short strings, so the plain two-row table).</summary>
    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1], previous[j]) + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
