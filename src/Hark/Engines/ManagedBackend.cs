using Hark.Checkpoints;
using Hark.Engines.Backends;

namespace Hark.Engines;

/// <summary>
/// <see cref="ManagedEngine"/> on one device family: the model code is shared, a device only says how to create its
/// <see cref="IOpBackend"/>.
/// </summary>
public abstract class ManagedBackend : EngineBackend
{
    /// <inheritdoc />
    public sealed override EngineKind Engine => EngineKind.Managed;

    /// <inheritdoc />
    public override bool Float32Activations => true;

    /// <inheritdoc />
    public override string? UnsupportedPrecision(ComputePrecision precision) =>
        precision == ComputePrecision.Int4 ? "the managed engine has no int4 kernels (fp32, fp16, bf16, int8)" : null;

    /// <summary>Creates the op backend for <paramref name="device"/> (of <see cref="EngineBackend.Device"/>'s kind).</summary>
    /// <exception cref="HarkException">The device is absent or its driver is missing.</exception>
    public abstract IOpBackend CreateOpBackend(EngineDevice device, ManagedEngineOptions options);

    /// <inheritdoc />
    public override IWhisperEngine Load(string folder, EngineLoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var checkpoint = WhisperCheckpoint.Open(folder);
        try
        {
            var engine = ManagedEngine.Load(checkpoint.Config, checkpoint.Tensors,
                new ManagedEngineOptions { Precision = options.Precision, Threads = options.Threads, Device = options.Device }, this);
            return new OwningEngine(engine, checkpoint);
        }
        catch
        {
            checkpoint.Dispose();
            throw;
        }
    }
}
