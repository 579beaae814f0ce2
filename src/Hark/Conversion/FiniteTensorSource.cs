using Hark.Checkpoints;

namespace Hark.Conversion;

/// <summary>
/// The checkpoint's tensors as converters read them, refusing NaN or infinite weights: a converted model would carry
/// them silently into every output. The message names the weights file and the tensor. Does not own the inner source.
/// </summary>
internal sealed class FiniteTensorSource(ITensorSource inner, string weightsFile) : ITensorSource
{
    /// <summary>Wraps the tensors of <paramref name="checkpoint"/>, naming its weights file in messages.</summary>
    public static FiniteTensorSource Of(WhisperCheckpoint checkpoint) => new(checkpoint.Tensors, WeightsFile(checkpoint.Folder));

    /// <inheritdoc />
    public IReadOnlyDictionary<string, TensorInfo> Tensors => inner.Tensors;

    /// <inheritdoc />
    public void ReadBytes(string name, Span<byte> destination) => inner.ReadBytes(name, destination);

    /// <inheritdoc />
    /// <exception cref="CheckpointFormatException">The tensor holds a NaN or an infinity.</exception>
    public void ReadFloat32(string name, Span<float> destination)
    {
        inner.ReadFloat32(name, destination);
        if (!System.Numerics.Tensors.TensorPrimitives.IsFiniteAll<float>(destination)) Throw(name, destination);
    }

    private void Throw(string name, ReadOnlySpan<float> values)
    {
        var i = 0;
        while (i < values.Length && float.IsFinite(values[i])) i++;
        throw new CheckpointFormatException($"element {i} is {values[i]}; expected finite weights (the checkpoint is corrupt or diverged in training)", weightsFile, name);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // The checkpoint owns the inner source.
    }

    private static string WeightsFile(string folder)
    {
        foreach (var name in new[] { WhisperCheckpoint.SafetensorsFileName, SafetensorsWriter.IndexFileName, PytorchBinWriter.FileName })
        {
            var path = Path.Combine(folder, name);
            if (File.Exists(path)) return path;
        }
        return folder;
    }
}
