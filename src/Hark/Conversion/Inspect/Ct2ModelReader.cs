using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using Hark.Checkpoints;
using Hark.Conversion.Ct2;

namespace Hark.Conversion.Inspect;

/// <summary>One variable of a CTranslate2 <c>model.bin</c>.</summary>
/// <param name="Name">Variable name.</param>
/// <param name="Shape">Shape (empty for a scalar).</param>
/// <param name="DType">Stored dtype.</param>
/// <param name="Offset">File offset of the payload.</param>
/// <param name="ByteCount">Payload bytes.</param>
public sealed record Ct2StoredVariable(string Name, long[] Shape, Ct2DType DType, long Offset, long ByteCount)
{
    /// <summary>Element count.</summary>
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);
}

/// <summary>
/// Reads a CTranslate2 <c>model.bin</c> (binary versions 4 to 6): header, variable table and aliases; payloads on demand.
/// Used by <c>hark inspect</c> and as the round-trip oracle of <see cref="Ct2Converter"/>.
/// </summary>
public sealed class Ct2ModelReader : IDisposable
{
    private readonly FileStream _stream;
    private readonly Dictionary<string, Ct2StoredVariable> _byName;

    private Ct2ModelReader(string path, FileStream stream, int version, string spec, int revision,
        List<Ct2StoredVariable> variables, List<(string, string)> aliases)
    {
        Path = path;
        _stream = stream;
        BinaryVersion = version;
        SpecName = spec;
        SpecRevision = revision;
        Variables = variables;
        Aliases = aliases;
        _byName = variables.ToDictionary(v => v.Name, StringComparer.Ordinal);
    }

    /// <summary>The file read.</summary>
    public string Path { get; }
    /// <summary>Binary format version.</summary>
    public int BinaryVersion { get; }
    /// <summary>Spec name (<c>WhisperSpec</c>).</summary>
    public string SpecName { get; }
    /// <summary>Spec revision.</summary>
    public int SpecRevision { get; }
    /// <summary>Variables in file order.</summary>
    public IReadOnlyList<Ct2StoredVariable> Variables { get; }
    /// <summary>(alias, target) pairs.</summary>
    public IReadOnlyList<(string Alias, string Target)> Aliases { get; }

    /// <summary>A variable by name, following aliases.</summary>
    public Ct2StoredVariable? Find(string name)
    {
        // Bounded: a malformed file could alias in a cycle.
        for (var hops = 0; hops <= Aliases.Count; hops++)
        {
            if (_byName.TryGetValue(name, out var v)) return v;
            var next = Aliases.FirstOrDefault(a => a.Alias == name).Target;
            if (next is null) return null;
            name = next;
        }
        return null;
    }

    /// <summary>Opens and parses the variable table of <paramref name="path"/> (a <c>model.bin</c> or the folder holding one).</summary>
    /// <exception cref="HarkInputException">Missing file, unknown version, truncated or malformed table.</exception>
    public static Ct2ModelReader Open(string path)
    {
        if (Directory.Exists(path)) path = System.IO.Path.Combine(path, Ct2ConfigFiles.ModelFile);
        if (!File.Exists(path)) throw new HarkInputException("CTranslate2 model file not found", path);
        RegularFiles.ThrowIfSpecial(path);
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        try
        {
            var r = new Reader(stream, path);
            var version = (int)r.UInt32("binary version");
            if (version is < 4 or > 6) throw new HarkInputException($"binary version {version} is not one of 4, 5, 6", path, "version");
            var spec = r.String("spec name");
            var revision = (int)r.UInt32("spec revision");
            var count = r.UInt32("variable count");
            var variables = new List<Ct2StoredVariable>();
            for (var i = 0; i < count; i++)
            {
                var name = r.String("variable name");
                var rank = r.Byte(name);
                var shape = new long[rank];
                for (var k = 0; k < rank; k++) shape[k] = r.UInt32(name);
                var dtype = r.Byte(name);
                if (dtype > (byte)Ct2DType.BFloat16) throw new HarkInputException($"dtype id {dtype} is unknown", path, name);
                var bytes = r.UInt32(name);
                var v = new Ct2StoredVariable(name, shape, (Ct2DType)dtype, stream.Position, bytes);
                if (v.ElementCount * v.DType.SizeInBytes() != bytes)
                    throw new HarkInputException($"payload of {bytes} bytes does not hold shape [{string.Join(", ", shape)}] of {v.DType.ToCt2Name()}", path, name);
                if (stream.Position + bytes > stream.Length) throw new HarkInputException($"file ends inside the payload ({bytes} bytes expected)", path, name);
                stream.Seek(bytes, SeekOrigin.Current);
                variables.Add(v);
            }
            var aliases = new List<(string, string)>();
            // Aliases exist since binary version 3, so every version read here has the table.
            {
                var n = r.UInt32("alias count");
                for (var i = 0; i < n; i++) aliases.Add((r.String("alias"), r.String("alias target")));
            }
            return new Ct2ModelReader(path, stream, version, spec, revision, variables, aliases);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Raw payload bytes.</summary>
    public byte[] ReadBytes(Ct2StoredVariable v)
    {
        var buffer = new byte[v.ByteCount];
        lock (_stream)
        {
            _stream.Position = v.Offset;
            _stream.ReadExactly(buffer);
        }
        return buffer;
    }

    /// <summary>The variable as float32; int8/int16 weights are dequantized with their <c>_scale</c> companion.</summary>
    public float[] ReadFloat32(string name)
    {
        var v = Find(name) ?? throw new HarkInputException("no such variable", Path, name);
        var bytes = ReadBytes(v);
        var result = new float[v.ElementCount];
        switch (v.DType)
        {
            case Ct2DType.Int8 when Find(name + "_scale") is { } s:
                Ct2Quantizer.DequantizeInt8(MemoryMarshal.Cast<byte, sbyte>(bytes), MemoryMarshal.Cast<byte, float>(ReadBytes(s)), result);
                break;
            case Ct2DType.Int16 when Find(name + "_scale") is { } s:
                Ct2Quantizer.DequantizeInt16(MemoryMarshal.Cast<byte, short>(bytes), BinaryPrimitives.ReadSingleLittleEndian(ReadBytes(s)), result);
                break;
            default:
                DTypeConversion.ToFloat32(v.DType.ToDType(), bytes, result);
                break;
        }
        return result;
    }

    /// <inheritdoc />
    public void Dispose() => _stream.Dispose();

    private sealed class Reader(Stream s, string path)
    {
        private readonly byte[] _b = new byte[8];

        public byte Byte(string field)
        {
            Fill(1, field);
            return _b[0];
        }

        public uint UInt32(string field)
        {
            Fill(4, field);
            return BinaryPrimitives.ReadUInt32LittleEndian(_b);
        }

        public string String(string field)
        {
            Fill(2, field);
            var len = BinaryPrimitives.ReadUInt16LittleEndian(_b);
            if (len == 0) throw new HarkInputException("string of length 0 (expected a NUL-terminated string)", path, field);
            var bytes = new byte[len];
            if (s.ReadAtLeast(bytes, len, throwOnEndOfStream: false) != len)
                throw new HarkInputException($"file ends inside a {len}-byte string", path, field);
            return Encoding.UTF8.GetString(bytes, 0, len - 1);
        }

        private void Fill(int n, string field)
        {
            if (s.ReadAtLeast(_b.AsSpan(0, n), n, throwOnEndOfStream: false) != n)
                throw new HarkInputException($"file ends early (expected {n} more bytes)", path, field);
        }
    }
}
