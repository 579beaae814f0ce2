using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using Hark.Checkpoints;
using Hark.IO;

namespace Hark.Conversion.Ct2;

/// <summary>
/// Converts a Whisper checkpoint to a CTranslate2 model folder (<c>model.bin</c>, <c>config.json</c>,
/// <c>vocabulary.json</c>): what <c>ct2-transformers-converter --quantization Q</c> writes, plus the
/// <see cref="Ct2CompanionFiles"/> faster-whisper reads (as <c>--copy_files tokenizer.json preprocessor_config.json</c>).
/// Tensors stream one at a time through <see cref="TensorPipeline"/>.
/// </summary>
public sealed class Ct2Converter : IModelConverter
{
    /// <inheritdoc />
    public string Target => "ct2";

    /// <inheritdoc />
    public IReadOnlyList<string> Quantizations => Ct2Quantizations.Names;

    /// <inheritdoc />
    public async Task ConvertAsync(WhisperCheckpoint source, string output, ConversionOptions options,
        IProgress<ConversionProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        var q = Ct2Quantizations.Parse(options.Quantization);
        InputOverlap.ThrowIfReplacesInput(output, source.Folder);
        var spec = Ct2WhisperSpec.For(source.Config);
        SourceParts.ThrowIfAny(SourceParts.Problems(source.Tensors, spec.Variables.SelectMany(v => v.Parts)), source.Folder, "CTranslate2");
        var tokens = WhisperVocabularyFiles.ReadTokens(source.Folder, source.Config.VocabSize);
        var loadType = LoadDType(source.Folder);
        var plan = Ct2Plan.For(spec, q, _ => loadType);

        using var atomic = AtomicOutput.ForFolder(output, options.Force);
        try
        {
            await WriteModelBinAsync(source.Tensors, spec, plan, q, atomic.PathInside(Ct2ConfigFiles.ModelFile), options.Threads, progress, cancellationToken);
            await File.WriteAllTextAsync(atomic.PathInside(Ct2ConfigFiles.ConfigFile), Ct2ConfigFiles.ConfigJson(source), cancellationToken);
            await File.WriteAllTextAsync(atomic.PathInside(Ct2ConfigFiles.VocabularyFile), Ct2ConfigFiles.VocabularyJson(tokens), cancellationToken);
            Ct2CompanionFiles.Write(source, atomic.TempPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new HarkException($"{atomic.FinalPath}: writing the model failed ({e.Message}); nothing was left behind", e);
        }
        atomic.Commit();
    }

    /// <summary>
    /// The dtype the reference converter loads the model in (<c>torch_dtype</c> / <c>dtype</c> of config.json, float32
    /// when absent); plain int8 keeps it for the variables it does not quantize.
    /// </summary>
    internal static DType LoadDType(string folder)
    {
        var path = Path.Combine(folder, "config.json");
        if (!File.Exists(path)) return DType.F32;
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(path));
            foreach (var key in new[] { "dtype", "torch_dtype" })
            {
                if (doc.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object
                    && doc.RootElement.TryGetProperty(key, out var v) && v.ValueKind == System.Text.Json.JsonValueKind.String)
                    return v.GetString() switch { "float16" => DType.F16, "bfloat16" => DType.BF16, _ => DType.F32 };
            }
        }
        catch (System.Text.Json.JsonException)
        {
            // WhisperCheckpoint.Open validated this file already; an unreadable one here means float32.
        }
        return DType.F32;
    }

    private static async Task WriteModelBinAsync(ITensorSource source, Ct2WhisperSpec spec, IReadOnlyList<Ct2PlannedVariable> plan,
        Ct2Quantization q, string path, int threads, IProgress<ConversionProgress>? progress, CancellationToken ct)
    {
        await using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        var count = plan.Sum(p => p.Scale is null ? 1 : 2);
        WriteUInt32(stream, Ct2WhisperSpec.BinaryVersion);
        WriteString(stream, Ct2WhisperSpec.SpecName);
        WriteUInt32(stream, Ct2WhisperSpec.Revision);
        WriteUInt32(stream, (uint)count);

        var largest = plan.Max(p => p.Spec.ElementCount) * 4;
        var floats = new BufferPool<float>();
        var bytes = new BufferPool<byte>();
        var done = 0;
        long written = 0;
        await TensorPipeline.RunAsync(plan,
            p => p.Spec.ElementCount * 4 + p.Value.ByteCount,
            (p, token) => Transform(source, p, q, floats, bytes, token),
            (p, r) =>
            {
                try
                {
                    WriteVariable(stream, p.Value, r.Value.AsSpan(0, (int)p.Value.ByteCount));
                    if (p.Scale is not null) WriteVariable(stream, p.Scale, r.Scale.AsSpan(0, (int)p.Scale.ByteCount));
                    written += p.Value.ByteCount + (p.Scale?.ByteCount ?? 0);
                }
                finally
                {
                    bytes.Return(r.Value);
                    if (r.Scale.Length > 0) bytes.Return(r.Scale);
                }
                progress?.Report(new ConversionProgress(++done, plan.Count, written, p.Spec.Name));
            },
            threads, Math.Max(largest, 256L << 20), ct);

        WriteUInt32(stream, (uint)spec.Aliases.Count);
        foreach (var (alias, target) in spec.Aliases)
        {
            WriteString(stream, alias);
            WriteString(stream, target);
        }
    }

    private readonly record struct Transformed(byte[] Value, byte[] Scale);

    private static Transformed Transform(ITensorSource source, Ct2PlannedVariable p, Ct2Quantization q,
        BufferPool<float> floatPool, BufferPool<byte> bytePool, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var v = p.Spec;
        var value = bytePool.Rent((int)Math.Max(1, p.Value.ByteCount));
        if (v.Role == Ct2Role.Scalar)
        {
            WriteScalar(v.ScalarType, v.ScalarValue, value);
            return new Transformed(value, []);
        }
        var n = (int)v.ElementCount;
        var floats = floatPool.Rent(n);
        try
        {
            var f = floats.AsSpan(0, n);
            SourceParts.Read(source, v.Parts, f, q.LoadsAsFloat16());
            var outBytes = value.AsSpan(0, (int)p.Value.ByteCount);
            switch (p.Value.DType)
            {
                case Ct2DType.Int8:
                    var scale = bytePool.Rent((int)p.Scale!.ByteCount);
                    Ct2Quantizer.QuantizeInt8(f, (int)v.Shape[0], MemoryMarshal.Cast<byte, sbyte>(outBytes),
                        MemoryMarshal.Cast<byte, float>(scale.AsSpan(0, (int)p.Scale.ByteCount)));
                    return new Transformed(value, scale);
                case Ct2DType.Int16:
                    var s16 = bytePool.Rent(4);
                    var sc = Ct2Quantizer.QuantizeInt16(f, MemoryMarshal.Cast<byte, short>(outBytes));
                    BinaryPrimitives.WriteSingleLittleEndian(s16, sc);
                    return new Transformed(value, s16);
                default:
                    Ct2Quantizer.EncodeFloat(p.Value.DType, f, outBytes);
                    return new Transformed(value, []);
            }
        }
        finally
        {
            floatPool.Return(floats);
        }
    }

    private static void WriteScalar(Ct2DType type, long value, Span<byte> destination)
    {
        switch (type)
        {
            case Ct2DType.Int8: destination[0] = (byte)(sbyte)value; break;
            case Ct2DType.Int16: BinaryPrimitives.WriteInt16LittleEndian(destination, (short)value); break;
            case Ct2DType.Int32: BinaryPrimitives.WriteInt32LittleEndian(destination, (int)value); break;
            default: throw new ArgumentOutOfRangeException(nameof(type), type, "scalars are integers");
        }
    }

    private static void WriteVariable(Stream s, Ct2Output o, ReadOnlySpan<byte> payload)
    {
        WriteString(s, o.Name);
        s.WriteByte((byte)o.Shape.Length);
        foreach (var dim in o.Shape) WriteUInt32(s, checked((uint)dim));
        s.WriteByte((byte)o.DType);
        WriteUInt32(s, checked((uint)o.ByteCount));
        s.Write(payload);
    }

    internal static void WriteUInt32(Stream s, uint value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, value);
        s.Write(b);
    }

    internal static void WriteString(Stream s, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        Span<byte> len = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(len, checked((ushort)(bytes.Length + 1)));
        s.Write(len);
        s.Write(bytes);
        s.WriteByte(0);
    }
}
