using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using Hark.Checkpoints;
using Hark.Conversion.Ggml;

namespace Hark.Conversion.Inspect;

/// <summary>One tensor of a whisper.cpp model file.</summary>
/// <param name="Name">Tensor name.</param>
/// <param name="Ne">ggml dimensions, innermost first.</param>
/// <param name="Type">Stored type.</param>
/// <param name="Offset">File offset of the data.</param>
/// <param name="ByteCount">Data bytes.</param>
public sealed record GgmlStoredTensor(string Name, long[] Ne, GgmlType Type, long Offset, long ByteCount)
{
    /// <summary>Element count.</summary>
    public long ElementCount => Ne.Aggregate(1L, (a, b) => a * b);
}

/// <summary>
/// Reads a whisper.cpp (legacy ggml) model file: hyper-parameters, mel filters, vocabulary and the tensor table;
/// tensor data on demand, dequantized. Used by <c>hark inspect</c> and as the round-trip oracle of <see cref="GgmlConverter"/>.
/// </summary>
public sealed class GgmlModelReader : IDisposable
{
    private readonly FileStream _stream;

    private GgmlModelReader(string path, FileStream stream)
    {
        Path = path;
        _stream = stream;
    }

    /// <summary>The file read.</summary>
    public string Path { get; }
    /// <summary>The 11 header integers: n_vocab, n_audio_ctx, n_audio_state, n_audio_head, n_audio_layer, n_text_ctx,
    /// n_text_state, n_text_head, n_text_layer, n_mels, ftype.</summary>
    public int[] Header { get; private set; } = [];
    /// <summary>Mel filter rows.</summary>
    public int FilterMels { get; private set; }
    /// <summary>Mel filter columns (FFT bins).</summary>
    public int FilterBins { get; private set; }
    /// <summary>The filters, row-major.</summary>
    public float[] Filters { get; private set; } = [];
    /// <summary>Token bytes by id.</summary>
    public IReadOnlyList<byte[]> Tokens { get; private set; } = [];
    /// <summary>Tensors in file order.</summary>
    public IReadOnlyList<GgmlStoredTensor> Tensors { get; private set; } = [];

    /// <summary>True when <paramref name="path"/> is a file starting with the ggml magic.</summary>
    public static bool HasMagic(string path)
    {
        if (!File.Exists(path)) return false;
        using var s = File.OpenRead(path);
        Span<byte> b = stackalloc byte[4];
        return s.ReadAtLeast(b, 4, throwOnEndOfStream: false) == 4 && BinaryPrimitives.ReadUInt32LittleEndian(b) == GgmlConverter.Magic;
    }

    /// <summary>Opens and parses <paramref name="path"/>.</summary>
    /// <exception cref="HarkInputException">Missing file, bad magic, truncated or malformed content.</exception>
    public static GgmlModelReader Open(string path)
    {
        if (!File.Exists(path)) throw new HarkInputException("ggml model file not found", path);
        RegularFiles.ThrowIfSpecial(path);
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var reader = new GgmlModelReader(path, stream);
        try
        {
            reader.Parse();
            return reader;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    private void Parse()
    {
        var s = _stream;
        if ((uint)Int("magic") != GgmlConverter.Magic) throw new HarkInputException("bad magic; expected 'ggml' (0x67676d6c)", Path, "magic");
        var header = new int[11];
        for (var i = 0; i < header.Length; i++) header[i] = Int("hparams");
        Header = header;
        FilterMels = Int("n_mel");
        FilterBins = Int("n_fft");
        if (FilterMels is < 0 or > 512 || FilterBins is < 0 or > 4096) throw new HarkInputException($"mel filter size {FilterMels}×{FilterBins} is implausible", Path, "filters");
        var filterBytes = new byte[FilterMels * FilterBins * 4];
        Fill(filterBytes, "filters");
        Filters = MemoryMarshal.Cast<byte, float>(filterBytes).ToArray();
        var nVocab = Int("n_vocab");
        if (nVocab is < 0 or > 1_000_000) throw new HarkInputException($"vocabulary of {nVocab} tokens is implausible", Path, "vocab");
        var tokens = new byte[nVocab][];
        for (var i = 0; i < nVocab; i++)
        {
            var len = Int("token length");
            if (len is < 0 or > 1024) throw new HarkInputException($"token {i} claims {len} bytes", Path, "vocab");
            tokens[i] = new byte[len];
            Fill(tokens[i], "token");
        }
        Tokens = tokens;
        var tensors = new List<GgmlStoredTensor>();
        while (s.Position < s.Length)
        {
            var nDims = Int("n_dims");
            var nameLen = Int("name length");
            var type = Int("type");
            if (nDims is < 1 or > 4) throw new HarkInputException($"tensor {tensors.Count} has {nDims} dimensions (expected 1 to 4)", Path, "n_dims");
            if (nameLen is < 1 or > 1024) throw new HarkInputException($"tensor {tensors.Count} name of {nameLen} bytes", Path, "name");
            var ne = new long[nDims];
            for (var i = 0; i < nDims; i++) ne[i] = Int("ne");
            var nameBytes = new byte[nameLen];
            Fill(nameBytes, "name");
            var name = Encoding.UTF8.GetString(nameBytes);
            if (!Enum.IsDefined((GgmlType)type)) throw new HarkInputException($"type id {type} is not one Hark reads", Path, name);
            var t = (GgmlType)type;
            var count = ne.Aggregate(1L, (a, b) => a * b);
            if (ne.Any(d => d <= 0) || count % t.BlockElements() != 0)
                throw new HarkInputException($"dimensions [{string.Join(", ", ne)}] do not hold whole {t.ToGgmlName()} blocks", Path, name);
            var bytes = t.ByteCount(count);
            if (s.Position + bytes > s.Length) throw new HarkInputException($"file ends inside the data ({bytes} bytes expected)", Path, name);
            tensors.Add(new GgmlStoredTensor(name, ne, t, s.Position, bytes));
            s.Seek(bytes, SeekOrigin.Current);
        }
        Tensors = tensors;
    }

    /// <summary>A tensor by name.</summary>
    public GgmlStoredTensor? Find(string name) => Tensors.FirstOrDefault(t => t.Name == name);

    /// <summary>Raw data bytes.</summary>
    public byte[] ReadBytes(GgmlStoredTensor t)
    {
        var buffer = new byte[t.ByteCount];
        lock (_stream)
        {
            _stream.Position = t.Offset;
            _stream.ReadExactly(buffer);
        }
        return buffer;
    }

    /// <summary>The tensor as float32 (dequantized with ggml's formulas).</summary>
    public float[] ReadFloat32(string name)
    {
        var t = Find(name) ?? throw new HarkInputException("no such tensor", Path, name);
        var bytes = ReadBytes(t);
        var result = new float[t.ElementCount];
        switch (t.Type)
        {
            case GgmlType.F32: MemoryMarshal.Cast<byte, float>(bytes).CopyTo(result); break;
            case GgmlType.F16: DTypeConversion.ToFloat32(DType.F16, bytes, result); break;
            default: GgmlQuants.Dequantize(t.Type, bytes, result); break;
        }
        return result;
    }

    /// <inheritdoc />
    public void Dispose() => _stream.Dispose();

    private int Int(string field)
    {
        Span<byte> b = stackalloc byte[4];
        Fill(b, field);
        return BinaryPrimitives.ReadInt32LittleEndian(b);
    }

    private void Fill(Span<byte> buffer, string field)
    {
        if (_stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false) != buffer.Length)
            throw new HarkInputException($"file ends early (expected {buffer.Length} more bytes)", Path, field);
    }
}
