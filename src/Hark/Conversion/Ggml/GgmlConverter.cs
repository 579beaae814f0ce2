using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using Hark.Audio;
using Hark.Checkpoints;
using Hark.IO;

namespace Hark.Conversion.Ggml;

/// <summary>
/// Converts a Whisper checkpoint to a whisper.cpp model file: magic, hyper-parameters, Slaney mel filters
/// (<see cref="MelFilterBank"/>, openai's table), the BPE
/// vocabulary as raw bytes, then every tensor (header, name, data) in <see cref="GgmlWhisperSpec"/>'s layout.
/// Block-quantized tensors quantize float16-rounded values, as whisper.cpp's <c>quantize</c> does from an f16 file;
/// float32 tensors keep full precision.
/// </summary>
public sealed class GgmlConverter : IModelConverter
{
    /// <summary>ggml's file magic, <c>"ggml"</c> as a little-endian uint32.</summary>
    public const uint Magic = 0x67676d6c;

    /// <inheritdoc />
    public string Target => "ggml";

    /// <inheritdoc />
    public IReadOnlyList<string> Quantizations => GgmlFileTypes.Names;

    /// <summary>Columns of the embedded mel filter bank (FFT bins of a 400-point FFT).</summary>
    public const int FilterBins = AudioConstants.NFft / 2 + 1;

    /// <summary>Header fields in file order (int32 each), for a config.</summary>
    public static int[] HeaderFields(WhisperConfig c, GgmlFileType f) =>
    [
        c.VocabSize, c.MaxSourcePositions, c.DModel, c.EncoderAttentionHeads, c.EncoderLayers,
        c.MaxTargetPositions, c.DModel, c.DecoderAttentionHeads, c.DecoderLayers, c.NumMelBins, f.HeaderValue(),
    ];

    /// <summary>Exact file size for a config, file type and vocabulary byte lengths.</summary>
    public static long FileSize(WhisperConfig c, GgmlFileType f, IEnumerable<int> tokenByteLengths)
    {
        long size = 4 + 4 * 11 + 8 + 4L * c.NumMelBins * FilterBins + 4;
        size += tokenByteLengths.Sum(l => 4L + l);
        foreach (var t in GgmlWhisperSpec.For(c))
            size += 12 + 4L * t.Ne.Length + Encoding.UTF8.GetByteCount(t.Name) + t.TypeIn(f).ByteCount(t.ElementCount);
        return size;
    }

    /// <inheritdoc />
    public async Task ConvertAsync(WhisperCheckpoint source, string output, ConversionOptions options,
        IProgress<ConversionProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        var fileType = GgmlFileTypes.Parse(options.Quantization);
        InputOverlap.ThrowIfReplacesInput(output, source.Folder);
        var spec = GgmlWhisperSpec.For(source.Config);
        var problems = SourceParts.Problems(source.Tensors, spec.Select(t => new SourcePart(t.Source, t.ElementCount)));
        foreach (var t in spec)
            if (t.TypeIn(fileType).BlockElements() > 1 && t.Ne[0] % GgmlQuants.BlockSize != 0)
                problems.Add($"{t.Name} rows of {t.Ne[0]} are not a whole number of {GgmlQuants.BlockSize}-element blocks");
        SourceParts.ThrowIfAny(problems, source.Folder, "whisper.cpp");
        var tokens = WhisperVocabularyFiles.ReadBpeTokenBytes(source.Folder);

        using var atomic = AtomicOutput.ForFile(output, options.Force);
        try
        {
            await using var stream = new FileStream(atomic.TempPath, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
            WriteHeader(stream, source.Config, fileType, tokens);
            var done = 0;
            long written = stream.Position;
            var largest = spec.Max(t => t.ElementCount) * 4;
            var floatPool = new BufferPool<float>();
            var bytePool = new BufferPool<byte>();
            await TensorPipeline.RunAsync(spec,
                t => t.ElementCount * 6,
                (t, ct) => Transform(source.Tensors, t, fileType, floatPool, bytePool, ct),
                (t, data) =>
                {
                    try
                    {
                        var type = t.TypeIn(fileType);
                        var n = (int)type.ByteCount(t.ElementCount);
                        WriteTensorHeader(stream, t, type);
                        stream.Write(data.AsSpan(0, n));
                        written += n;
                    }
                    finally
                    {
                        bytePool.Return(data);
                    }
                    progress?.Report(new ConversionProgress(++done, spec.Count, written, t.Name));
                },
                options.Threads, Math.Max(largest, 256L << 20), cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new HarkException($"{atomic.FinalPath}: writing the model failed ({e.Message}); nothing was left behind", e);
        }
        atomic.Commit();
    }

    private static byte[] Transform(ITensorSource source, GgmlTensorSpec t, GgmlFileType f,
        BufferPool<float> floatPool, BufferPool<byte> bytePool, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var type = t.TypeIn(f);
        var n = (int)t.ElementCount;
        var floats = floatPool.Rent(n);
        var bytes = bytePool.Rent((int)type.ByteCount(n));
        try
        {
            var values = floats.AsSpan(0, n);
            SourceParts.Read(source, [new SourcePart(t.Source, n)], values, roundThroughFloat16: type.BlockElements() > 1);
            var dst = bytes.AsSpan(0, (int)type.ByteCount(n));
            switch (type)
            {
                case GgmlType.F32: MemoryMarshal.Cast<float, byte>(values).CopyTo(dst); break;
                case GgmlType.F16: DTypeConversion.FromFloat32(DType.F16, values, dst); break;
                default: GgmlQuants.Quantize(type, values, dst); break;
            }
            return bytes;
        }
        catch
        {
            bytePool.Return(bytes);
            throw;
        }
        finally
        {
            floatPool.Return(floats);
        }
    }

    private static void WriteHeader(Stream s, WhisperConfig c, GgmlFileType f, byte[][] tokens)
    {
        WriteInt32(s, unchecked((int)Magic));
        foreach (var v in HeaderFields(c, f)) WriteInt32(s, v);
        var filters = MelFilterBank.Create(c.NumMelBins);
        WriteInt32(s, c.NumMelBins);
        WriteInt32(s, FilterBins);
        s.Write(MemoryMarshal.AsBytes(filters.AsSpan()));
        WriteInt32(s, tokens.Length);
        foreach (var t in tokens)
        {
            WriteInt32(s, t.Length);
            s.Write(t);
        }
    }

    private static void WriteTensorHeader(Stream s, GgmlTensorSpec t, GgmlType type)
    {
        var name = Encoding.UTF8.GetBytes(t.Name);
        WriteInt32(s, t.Ne.Length);
        WriteInt32(s, name.Length);
        WriteInt32(s, (int)type);
        foreach (var d in t.Ne) WriteInt32(s, checked((int)d));
        s.Write(name);
    }

    private static void WriteInt32(Stream s, int v)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(b, v);
        s.Write(b);
    }
}
