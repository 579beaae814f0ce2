using Hark.Engines.Backends;

namespace Hark.Engines.Whisper;

/// <summary>
/// Where <see cref="WhisperWeights"/> may find its tensors already placed (a packed-weight cache) and hands the ones it
/// built. Tensors are asked for and added in load order; <c>packed</c> marks linear and conv weights as opposed to dense
/// float32 tensors.
/// </summary>
internal interface IWeightStore : IDisposable
{
    /// <summary>The tensor, already on the backend, or null to build it from the source.</summary>
    IDeviceTensor? Find(string name, bool packed, int rows, int columns, TensorDType dtype);

    /// <summary>A tensor built from the source.</summary>
    void Add(string name, bool packed, IDeviceTensor tensor);

    /// <summary>Every tensor has been found or added.</summary>
    void Complete();
}
