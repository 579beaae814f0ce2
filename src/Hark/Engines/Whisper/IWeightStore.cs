using Hark.Engines.Backends;

namespace Hark.Engines.Whisper;

/// <summary>How a weight is placed on the backend.</summary>
internal enum WeightKind
{
    /// <summary>A dense float32 tensor (bias, norm, positions).</summary>
    Dense,
    /// <summary>A linear weight <c>[rows, columns]</c> in the backend's packed layout.</summary>
    Linear,
    /// <summary>A Conv1d weight <c>[rows, columns / 3, 3]</c>, packed as the linear <c>[rows, columns]</c> of its im2col form.</summary>
    Conv,
}

/// <summary>
/// Where <see cref="WhisperWeights"/> may find its tensors already placed (a packed-weight cache hit), or have them
/// placed somewhere of the store's choosing (a cache file being written). Asked in load order.
/// </summary>
internal interface IWeightStore : IDisposable
{
    /// <summary>The tensor, already on the backend, or null to read it from the source.</summary>
    IDeviceTensor? Find(string name, WeightKind kind, int rows, int columns, TensorDType dtype);

    /// <summary>Places a tensor read from the source (values as PyTorch lays them out), or null to let the backend place it.</summary>
    IDeviceTensor? Build(string name, WeightKind kind, ReadOnlySpan<float> values, int rows, int columns, TensorDType dtype);

    /// <summary>Every tensor has been found or built.</summary>
    void Complete();
}
