using Hark.Decoding;

namespace Hark.Transcription;

/// <summary>
/// Equality of <see cref="DecodingOptions"/> by value, token lists included (the record compares lists by reference):
/// two windows whose options are equal build the same prompt and filters, so one decoder session serves both.
/// </summary>
internal sealed class DecodingOptionsComparer : IEqualityComparer<DecodingOptions>
{
    private static readonly int[] None = [];

    public static DecodingOptionsComparer Instance { get; } = new();

    public bool Equals(DecodingOptions? x, DecodingOptions? y)
    {
        if (ReferenceEquals(x, y)) return true;
        if (x is null || y is null) return false;
        return Scalars(x) == Scalars(y) && Same(x.Prompt, y.Prompt) && Same(x.Prefix, y.Prefix) && Same(x.Hotwords, y.Hotwords)
            && Same(x.SuppressTokens, y.SuppressTokens) && Same(x.BeginSuppressTokens, y.BeginSuppressTokens);
    }

    public int GetHashCode(DecodingOptions obj)
    {
        var hash = new HashCode();
        hash.Add(Scalars(obj));
        foreach (var t in obj.Prompt ?? None) hash.Add(t);
        hash.Add(obj.Prefix?.Count ?? -1);
        return hash.ToHashCode();
    }

    /// <summary>The options with every list replaced by one shared value, so that record equality compares the rest.</summary>
    private static DecodingOptions Scalars(DecodingOptions o) =>
        o with { Prompt = null, Prefix = null, Hotwords = null, SuppressTokens = None, BeginSuppressTokens = None };

    private static bool Same(IReadOnlyList<int>? a, IReadOnlyList<int>? b) => a is null || b is null ? a is null && b is null : a.SequenceEqual(b);
}
