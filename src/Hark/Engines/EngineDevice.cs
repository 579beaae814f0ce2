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

    /// <summary>Parses <c>cpu</c>, <c>vulkan</c>, <c>vulkan:1</c>, <c>cuda:0</c>, <c>rocm</c> (case-insensitive).</summary>
    /// <exception cref="HarkInputException">Unknown kind or a bad index.</exception>
    public static EngineDevice Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        var kindText = colon < 0 ? text : text[..colon];
        var index = 0;
        if (colon >= 0 && (!int.TryParse(text.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out index)))
            throw new HarkInputException($"device '{text}' has a bad index; expected e.g. vulkan:0", field: "device");
        if (!Enum.TryParse<DeviceKind>(kindText, ignoreCase: true, out var kind) || !Enum.IsDefined(kind) || kindText.Any(char.IsDigit))
            throw new HarkInputException($"unknown device '{text}'; expected cpu, cuda[:N], rocm[:N], vulkan[:N] or other[:N]", field: "device");
        return new EngineDevice(kind, index);
    }

    /// <inheritdoc />
    public override string ToString() => Index == 0 ? Kind.ToString().ToLowerInvariant() : $"{Kind.ToString().ToLowerInvariant()}:{Index}";
}
