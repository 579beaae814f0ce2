namespace Hark.Engines.Onnx;

/// <summary>ONNX Runtime on one device family through its execution provider (<see cref="OnnxDevice"/>).</summary>
/// <param name="device">The device family.</param>
/// <param name="provider">The execution provider that serves it.</param>
internal sealed class OnnxEngineBackend(DeviceKind device, OnnxDevice provider) : EngineBackend
{
    /// <inheritdoc />
    public override EngineKind Engine => EngineKind.Onnx;

    /// <inheritdoc />
    public override DeviceKind Device => device;

    /// <inheritdoc />
    public override string? UnsupportedPrecision(ComputePrecision precision) =>
        precision == ComputePrecision.BFloat16 ? "Hark's ONNX export has no bf16 variant (fp32, fp16, int8, int4)" : null;

    /// <inheritdoc />
    public override IWhisperEngine Load(string folder, EngineLoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Precision != ComputePrecision.Default)
            throw new HarkInputException("an ONNX model computes in the precision it was exported with; leave the compute type at default",
                field: "compute-type");
        return OnnxEngine.Load(folder, new OnnxEngineOptions { Device = provider, DeviceIndex = options.Device.Index, IntraOpThreads = options.Threads });
    }
}
