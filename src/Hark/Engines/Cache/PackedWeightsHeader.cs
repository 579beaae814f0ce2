using Hark.Engines.Backends;
using Hark.Engines.Cpu;
using Hark.Engines.Whisper;

namespace Hark.Engines.Cache;

/// <summary>Header of a packed-weight cache file (JSON).</summary>
internal sealed record PackedWeightsHeader(int Version, string Layout, string Key, string Source, string Precision, long DataBytes, PackedTensorEntry[] Tensors)
{
    /// <summary>Offset of the data area: after the 12-byte prefix and the header, page aligned.</summary>
    public long DataStart(int headerBytes) => Align(12 + headerBytes, 4096);

    /// <summary>Length of a complete file with a header of <paramref name="headerBytes"/>.</summary>
    public long FileLength(int headerBytes) => DataStart(headerBytes) + DataBytes + PackedWeightsFile.FooterBytes;

    /// <summary>Rounds up to a multiple of <paramref name="alignment"/>.</summary>
    public static long Align(long value, long alignment) => (value + alignment - 1) / alignment * alignment;

    /// <summary>Lays the tensors out one after the other, each 64-byte aligned (int8 scales after their panels).</summary>
    public static PackedWeightsHeader Plan(string layout, string key, string source, string precision,
        IReadOnlyList<(string Name, WeightKind Kind, int Rows, int Columns, TensorDType DType)> tensors)
    {
        var entries = new PackedTensorEntry[tensors.Count];
        long at = 0;
        for (var i = 0; i < tensors.Count; i++)
        {
            var (name, kind, rows, columns, dtype) = tensors[i];
            var entry = new PackedTensorEntry(name, kind, dtype, rows, columns, at, 0, -1);
            entry = entry with { Bytes = entry.ExpectedBytes };
            var end = at + entry.Bytes;
            if (entry.HasScales)
            {
                entry = entry with { ScalesOffset = Align(end, 64) };
                end = entry.ScalesOffset + PackedWeight.ScaleBytes(rows, dtype);
            }
            entries[i] = entry;
            at = Align(end, 64);
        }
        return new PackedWeightsHeader(PackedWeightsFile.Version, layout, key, source, precision, at, entries);
    }

    /// <summary>True when every entry lies inside the data area, aligned, with the size its shape needs.</summary>
    public bool IsConsistent()
    {
        if (DataBytes < 0) return false;
        foreach (var e in Tensors)
        {
            if (e is null || e.Name is null || e.Rows <= 0 || e.Columns <= 0 || !Enum.IsDefined(e.DType) || !Enum.IsDefined(e.Kind)) return false;
            if (e.Offset < 0 || e.Offset % 64 != 0 || e.Bytes != e.ExpectedBytes || e.Offset > DataBytes - e.Bytes) return false;
            if (e.HasScales != e.ScalesOffset >= 0) return false;
            if (e.HasScales && (e.ScalesOffset % 64 != 0 || e.ScalesOffset < e.Offset + e.Bytes
                                || e.ScalesOffset > DataBytes - PackedWeight.ScaleBytes(e.Rows, e.DType))) return false;
            if (e.Kind == WeightKind.Dense && e.DType != TensorDType.Float32) return false;
        }
        return true;
    }
}

/// <summary>One tensor of a cache file, in the order the engine loads them. Offsets are from the data area.</summary>
internal sealed record PackedTensorEntry(string Name, WeightKind Kind, TensorDType DType, int Rows, int Columns, long Offset, long Bytes, long ScalesOffset)
{
    /// <summary>True for weights in the packed panel layout.</summary>
    public bool IsPacked => Kind != WeightKind.Dense;

    /// <summary>True when per-row scales follow the panels (int8).</summary>
    public bool HasScales => IsPacked && DType == TensorDType.Int8;

    /// <summary>The bytes this tensor must occupy (panels for a packed weight; rows × columns float32 for a dense tensor).</summary>
    public long ExpectedBytes => IsPacked ? PackedWeight.DataBytes(Rows, Columns, DType) : (long)Rows * Columns * sizeof(float);
}
