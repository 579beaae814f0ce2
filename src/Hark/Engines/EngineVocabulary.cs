using System.Globalization;

namespace Hark.Engines;

/// <summary>
/// The one place engine, device and precision names are spelled and parsed (CLI options, bench matrices, doctor
/// advice, export markers). Every failure is a <see cref="HarkInputException"/> naming the field and the accepted names.
/// </summary>
public static class EngineVocabulary
{
    /// <summary>Engine names, in <see cref="EngineKind"/> order.</summary>
    public static IReadOnlyList<string> EngineNames { get; } = [.. Enum.GetValues<EngineKind>().Select(Name)];

    /// <summary>Precision names as <c>--compute-type</c> spells them (CTranslate2's), in <see cref="ComputePrecision"/> order.</summary>
    public static IReadOnlyList<string> PrecisionNames { get; } = [.. Enum.GetValues<ComputePrecision>().Select(Name)];

    /// <summary>The name of an engine family: <c>managed</c>, <c>onnx</c>.</summary>
    public static string Name(EngineKind engine) => engine.ToString().ToLowerInvariant();

    /// <summary>The long name of a precision: <c>default</c>, <c>float32</c>, <c>float16</c>, <c>bfloat16</c>, <c>int8</c>, <c>int4</c>.</summary>
    public static string Name(ComputePrecision precision) => precision.ToString().ToLowerInvariant();

    /// <summary>The short name of a precision (bench labels, ONNX exports): <c>fp32</c>, <c>fp16</c>, <c>bf16</c>, <c>int8</c>, <c>int4</c>; <c>default</c> stays.</summary>
    public static string ShortName(ComputePrecision precision) => precision switch
    {
        ComputePrecision.Float32 => "fp32",
        ComputePrecision.Float16 => "fp16",
        ComputePrecision.BFloat16 => "bf16",
        _ => Name(precision),
    };

    /// <summary>The name of a device kind: <c>cpu</c>, <c>cuda</c>, <c>rocm</c>, <c>vulkan</c>, <c>other</c>.</summary>
    public static string Name(DeviceKind device) => device.ToString().ToLowerInvariant();

    /// <summary>A device as options spell it: <c>cpu</c>, <c>vulkan</c>, <c>cuda:1</c> (index 0 is left out).</summary>
    public static string Name(EngineDevice device) => device.Index == 0 ? Name(device.Kind) : $"{Name(device.Kind)}:{device.Index}";

    /// <summary>Parses <c>managed</c> or <c>onnx</c> (case-insensitive).</summary>
    /// <param name="text">The name.</param>
    /// <param name="field">The option or field named in the error.</param>
    /// <exception cref="HarkInputException">Unknown name.</exception>
    public static EngineKind ParseEngine(string text, string field = "engine")
    {
        ArgumentNullException.ThrowIfNull(text);
        var name = text.Trim();
        foreach (var kind in Enum.GetValues<EngineKind>())
            if (name.Equals(Name(kind), StringComparison.OrdinalIgnoreCase)) return kind;
        throw new HarkInputException($"unknown engine '{text}'; expected {Either(EngineNames)}", field: field);
    }

    /// <summary>Parses a precision by its long or short name (<c>float16</c>, <c>fp16</c>); <c>auto</c> means <c>default</c>.</summary>
    /// <param name="text">The name.</param>
    /// <param name="field">The option or field named in the error.</param>
    /// <exception cref="HarkInputException">Unknown name.</exception>
    public static ComputePrecision ParsePrecision(string text, string field = "compute-type")
    {
        ArgumentNullException.ThrowIfNull(text);
        var name = text.Trim();
        if (name.Equals("auto", StringComparison.OrdinalIgnoreCase)) return ComputePrecision.Default;
        foreach (var precision in Enum.GetValues<ComputePrecision>())
            if (name.Equals(Name(precision), StringComparison.OrdinalIgnoreCase) || name.Equals(ShortName(precision), StringComparison.OrdinalIgnoreCase))
                return precision;
        throw new HarkInputException($"unknown compute type '{text}'; expected {Either(PrecisionNames)}", field: field);
    }

    /// <summary>Parses <c>cpu</c>, <c>vulkan</c>, <c>vulkan:1</c>, <c>cuda:0</c>, <c>rocm</c> (case-insensitive).</summary>
    /// <param name="text">The device.</param>
    /// <param name="field">The option or field named in the error.</param>
    /// <exception cref="HarkInputException">Unknown kind or a bad index.</exception>
    public static EngineDevice ParseDevice(string text, string field = "device")
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        var colon = trimmed.IndexOf(':', StringComparison.Ordinal);
        var kindText = colon < 0 ? trimmed : trimmed[..colon];
        var index = 0;
        if (colon >= 0 && !int.TryParse(trimmed.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out index))
            throw new HarkInputException($"device '{text}' has a bad index; expected e.g. vulkan:0", field: field);
        foreach (var kind in Enum.GetValues<DeviceKind>())
            if (kindText.Equals(Name(kind), StringComparison.OrdinalIgnoreCase)) return new EngineDevice(kind, index);
        throw new HarkInputException($"unknown device '{text}'; expected {Either(Enum.GetValues<DeviceKind>().Select(k => Name(k) + (k == DeviceKind.Cpu ? "" : "[:N]")).ToList())}",
            field: field);
    }

    private static string Either(IReadOnlyList<string> names) =>
        names.Count == 1 ? names[0] : string.Join(", ", names.Take(names.Count - 1)) + " or " + names[^1];
}
