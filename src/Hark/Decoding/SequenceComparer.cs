namespace Hark.Decoding;

/// <summary>Value equality for token sequences (beam candidates are keyed by their content, as in openai).</summary>
internal sealed class SequenceComparer : IEqualityComparer<int[]>
{
    public static SequenceComparer Instance { get; } = new();

    public bool Equals(int[]? x, int[]? y) => ReferenceEquals(x, y) || (x is not null && y is not null && x.AsSpan().SequenceEqual(y));

    public int GetHashCode(int[] obj)
    {
        var hash = new HashCode();
        hash.AddBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(obj.AsSpan()));
        return hash.ToHashCode();
    }
}
