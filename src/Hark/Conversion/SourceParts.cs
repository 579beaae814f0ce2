using Hark.Checkpoints;

namespace Hark.Conversion;

/// <summary>
/// One slice of an output tensor: a canonical checkpoint tensor, or zeros (the bias k_proj lacks when q/k/v are fused).
/// Output tensors concatenate their parts along the first axis.
/// </summary>
/// <param name="Source">Canonical tensor name, or null for zeros.</param>
/// <param name="Elements">Element count of the slice.</param>
internal readonly record struct SourcePart(string? Source, long Elements)
{
    /// <summary>A slice of zeros.</summary>
    public static SourcePart Zeros(long elements) => new(null, elements);
}

/// <summary>Checks a checkpoint against the parts a spec needs and reads them.</summary>
internal static class SourceParts
{
    /// <summary>Every problem at once: missing tensors and element-count mismatches, one line each.</summary>
    public static List<string> Problems(ITensorSource source, IEnumerable<SourcePart> parts)
    {
        var problems = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in parts)
        {
            if (p.Source is null || !seen.Add(p.Source)) continue;
            if (!source.Tensors.TryGetValue(p.Source, out var info)) problems.Add($"missing {p.Source}");
            else if (info.ElementCount != p.Elements) problems.Add($"{p.Source} has {info.ElementCount} elements {info.ShapeText}, expected {p.Elements}");
        }
        return problems;
    }

    /// <summary>Throws one input error listing every problem.</summary>
    public static void ThrowIfAny(List<string> problems, string folder, string target)
    {
        if (problems.Count == 0) return;
        throw new HarkInputException($"checkpoint does not fit the {target} Whisper layout ({problems.Count} problems): {string.Join("; ", problems)}", folder);
    }

    /// <summary>Reads the parts one after another into <paramref name="destination"/> as float32.</summary>
    public static void Read(ITensorSource source, IReadOnlyList<SourcePart> parts, Span<float> destination, bool roundThroughFloat16)
    {
        var offset = 0;
        foreach (var p in parts)
        {
            var slice = destination.Slice(offset, checked((int)p.Elements));
            if (p.Source is null) slice.Clear();
            else source.ReadFloat32(p.Source, slice);
            offset += slice.Length;
        }
        if (roundThroughFloat16) RoundThroughFloat16(destination);
    }

    /// <summary>Rounds float32 values to the nearest float16 and back (what loading a checkpoint as float16 does).</summary>
    public static void RoundThroughFloat16(Span<float> values)
    {
        const int chunk = 1 << 14;
        var buffer = new Half[Math.Min(chunk, values.Length)];
        for (var i = 0; i < values.Length; i += chunk)
        {
            var s = values.Slice(i, Math.Min(chunk, values.Length - i));
            var h = buffer.AsSpan(0, s.Length);
            System.Numerics.Tensors.TensorPrimitives.ConvertToHalf(s, h);
            System.Numerics.Tensors.TensorPrimitives.ConvertToSingle(h, s);
        }
    }
}
