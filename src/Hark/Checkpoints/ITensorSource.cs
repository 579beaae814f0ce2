namespace Hark.Checkpoints;

/// <summary>
/// Read access to a set of named tensors (a safetensors file, shards, a pytorch_model.bin, or an in-memory set).
/// Implementations are lazy: nothing is read until a tensor is asked for, and reads may run concurrently.
/// </summary>
public interface ITensorSource : IDisposable
{
    /// <summary>Every tensor, by canonical name.</summary>
    IReadOnlyDictionary<string, TensorInfo> Tensors { get; }

    /// <summary>Copies the raw stored bytes (little-endian) of <paramref name="name"/> into <paramref name="destination"/>,
    /// which must be exactly <see cref="TensorInfo.ByteCount"/> long.</summary>
    /// <exception cref="HarkInputException">The tensor is missing, or the destination has the wrong length.</exception>
    void ReadBytes(string name, Span<byte> destination);

    /// <summary>Converts the tensor to float32 into <paramref name="destination"/> (length = element count).</summary>
    /// <exception cref="HarkInputException">Missing tensor, wrong length, or a dtype with no float meaning.</exception>
    void ReadFloat32(string name, Span<float> destination);
}
