using Hark.Engines;

namespace Hark.Benchmarking;

/// <summary>One cell of the bench matrix: an engine on a device, a weight precision and a batch size.</summary>
/// <param name="Engine">Engine family.</param>
/// <param name="Precision">Weight precision.</param>
/// <param name="BatchSize">Transcriptions decoded concurrently (see <see cref="BenchRunner.BatchMeaning"/>).</param>
/// <param name="Device">Where the engine runs (the managed engine on <c>vulkan:N</c>, or the CPU).</param>
public sealed record BenchConfiguration(EngineKind Engine, ComputePrecision Precision, int BatchSize, EngineDevice Device = default)
{
    /// <summary>Short label, e.g. <c>onnx int8 b4</c> or <c>vulkan fp32 b1</c>.</summary>
    public string Name => $"{Label} {BenchPrecisions.ToName(Precision)} b{BatchSize}";

    /// <summary>Engine and device as one word: <c>managed</c>, <c>onnx</c>, or the device of the managed engine off the CPU (<c>vulkan</c>, <c>vulkan:1</c>).</summary>
    public string Label => Device.Kind == DeviceKind.Cpu ? EngineName(Engine) : Engine == EngineKind.Managed ? Device.ToString() : $"{EngineName(Engine)}@{Device}";

    /// <summary>CLI spelling of an engine family.</summary>
    public static string EngineName(EngineKind engine) => EngineVocabulary.Name(engine);

    /// <summary>Parses an engine name (<c>managed</c>, <c>onnx</c>).</summary>
    /// <exception cref="HarkInputException">Unknown name.</exception>
    public static EngineKind ParseEngine(string name) => ParseTarget(name).Engine;

    /// <summary>
    /// Parses an engine as the bench's <c>--engines</c> spells it: an engine name (<c>managed</c>, <c>onnx</c>) on the
    /// CPU, or a device other than the CPU (<c>vulkan[:N]</c>) for the managed engine on it.
    /// </summary>
    /// <exception cref="HarkInputException">Unknown name, or a device the managed engine does not run on.</exception>
    public static (EngineKind Engine, EngineDevice Device) ParseTarget(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (EngineVocabulary.EngineNames.Contains(name.Trim(), StringComparer.OrdinalIgnoreCase))
            return (EngineVocabulary.ParseEngine(name, "--engines"), EngineDevice.Cpu);
        var managedDevices = EngineRegistry.Default.Devices(EngineKind.Managed).Where(d => d != DeviceKind.Cpu).Select(EngineVocabulary.Name).ToList();
        var expected = $"expected {string.Join(", ", EngineVocabulary.EngineNames)} or {string.Join(", ", managedDevices.Select(d => d + "[:N]"))}";
        EngineDevice device;
        try
        {
            device = EngineVocabulary.ParseDevice(name, "--engines");
        }
        catch (HarkInputException e)
        {
            throw new HarkInputException($"unknown engine '{name}'; {expected}", field: "--engines", inner: e);
        }
        if (device.Kind == DeviceKind.Cpu || EngineRegistry.Default.Find(EngineKind.Managed, device.Kind) is null)
            throw new HarkInputException($"unknown engine '{name}'; {expected}", field: "--engines");
        return (EngineKind.Managed, device);
    }
}

/// <summary>A configuration that was not run, and why.</summary>
/// <param name="Configuration">The cell of the matrix.</param>
/// <param name="Reason">Why it was skipped (engine missing, precision unsupported, does not fit in memory, …).</param>
public sealed record SkippedConfiguration(BenchConfiguration Configuration, string Reason);

/// <summary>CLI spellings of the precisions the bench accepts.</summary>
public static class BenchPrecisions
{
    /// <summary>Accepted spellings.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. Enum.GetValues<ComputePrecision>().Where(p => p != ComputePrecision.Default).Select(EngineVocabulary.ShortName)];

    /// <summary>The CLI spelling of <paramref name="precision"/> (<see cref="EngineVocabulary.ShortName"/>; the default is float32).</summary>
    public static string ToName(ComputePrecision precision) =>
        EngineVocabulary.ShortName(precision == ComputePrecision.Default ? ComputePrecision.Float32 : precision);

    /// <summary>Parses a spelling (<see cref="EngineVocabulary.ParsePrecision"/>, without <c>default</c>).</summary>
    /// <exception cref="HarkInputException">Unknown spelling; the message lists the accepted ones.</exception>
    public static ComputePrecision Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var error = new HarkInputException($"unknown precision '{name}'; expected one of {string.Join(", ", Names)}", field: "--precisions");
        try
        {
            var precision = EngineVocabulary.ParsePrecision(name, "--precisions");
            return precision == ComputePrecision.Default ? throw error : precision;
        }
        catch (HarkInputException e) when (e != error)
        {
            throw error;
        }
    }
}
