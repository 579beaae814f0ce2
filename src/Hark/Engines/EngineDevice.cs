namespace Hark.Engines;

/// <summary>Where an engine runs.</summary>
public enum DeviceKind
{
    /// <summary>The host CPU.</summary>
    Cpu,
    /// <summary>NVIDIA GPU through CUDA.</summary>
    Cuda,
    /// <summary>AMD GPU through ROCm (HIP or MIGraphX).</summary>
    Rocm,
    /// <summary>Any GPU through Vulkan compute.</summary>
    Vulkan,
    /// <summary>Other accelerators reached through an ONNX Runtime execution provider.</summary>
    Other,
}

/// <summary>A device and its index, e.g. <c>vulkan:1</c>.</summary>
/// <param name="Kind">Device family.</param>
/// <param name="Index">Device ordinal within the family.</param>
public readonly record struct EngineDevice(DeviceKind Kind, int Index = 0)
{
    /// <summary>The CPU.</summary>
    public static EngineDevice Cpu => new(DeviceKind.Cpu);

    /// <summary>Parses <c>cpu</c>, <c>vulkan</c>, <c>vulkan:1</c>, <c>cuda:0</c>, <c>rocm</c> (case-insensitive); see <see cref="EngineVocabulary.ParseDevice"/>.</summary>
    /// <exception cref="HarkInputException">Unknown kind or a bad index.</exception>
    public static EngineDevice Parse(string text) => EngineVocabulary.ParseDevice(text);

    /// <inheritdoc />
    public override string ToString() => EngineVocabulary.Name(this);
}
