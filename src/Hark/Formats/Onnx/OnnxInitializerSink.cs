using Google.Protobuf;
using Hark.Formats.Onnx.Proto;

namespace Hark.Formats.Onnx;

/// <summary>Where initializer bytes go: inside the model file, or an external data file beside it.</summary>
internal interface IOnnxInitializerSink
{
    /// <summary>Attaches <paramref name="raw"/> to <paramref name="tensor"/> (inline or as an external reference).</summary>
    void Store(TensorProto tensor, ReadOnlySpan<byte> raw);

    /// <summary>Bytes stored so far.</summary>
    long BytesStored { get; }
}

/// <summary>Keeps initializer bytes in the model (protobuf caps a model at 2 GB, so only for smaller models).</summary>
internal sealed class InlineInitializerSink : IOnnxInitializerSink
{
    /// <inheritdoc />
    public long BytesStored { get; private set; }

    /// <inheritdoc />
    public void Store(TensorProto tensor, ReadOnlySpan<byte> raw)
    {
        tensor.RawData = ByteString.CopyFrom(raw);
        BytesStored += raw.Length;
    }
}

/// <summary>
/// Streams initializers of 1 KiB and more into one external data file (ONNX external data: <c>location</c>,
/// <c>offset</c>, <c>length</c>), each at a 4 KiB-aligned offset so ONNX Runtime can map them. Small ones stay inline.
/// </summary>
internal sealed class ExternalInitializerSink : IOnnxInitializerSink, IDisposable
{
    private const int Alignment = 4096;
    private const int InlineLimit = 1024;
    private readonly FileStream _stream;
    private readonly string _location;

    /// <summary>Creates <paramref name="path"/>; tensors refer to it by its file name.</summary>
    public ExternalInitializerSink(string path)
    {
        _stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
        _location = Path.GetFileName(path);
    }

    /// <inheritdoc />
    public long BytesStored { get; private set; }

    /// <inheritdoc />
    public void Store(TensorProto tensor, ReadOnlySpan<byte> raw)
    {
        BytesStored += raw.Length;
        if (raw.Length < InlineLimit)
        {
            tensor.RawData = ByteString.CopyFrom(raw);
            return;
        }
        var offset = (_stream.Position + Alignment - 1) / Alignment * Alignment;
        while (_stream.Position < offset) _stream.WriteByte(0);
        _stream.Write(raw);
        tensor.DataLocation = TensorProto.Types.DataLocation.External;
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = _location });
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = offset.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = raw.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) });
    }

    /// <inheritdoc />
    public void Dispose() => _stream.Dispose();
}
