namespace Hark.Engines;

/// <summary>
/// One engine family on one device family: how it loads a model folder and what the planners (memory model, bench,
/// doctor) need to know about it. A new device (CUDA, ROCm) is one subclass plus one <see cref="EngineRegistry.With"/>.
/// </summary>
public abstract class EngineBackend
{
    /// <summary>The engine family.</summary>
    public abstract EngineKind Engine { get; }

    /// <summary>The device family it runs on (any index of it).</summary>
    public abstract DeviceKind Device { get; }

    /// <summary>
    /// Whether activations stay float32 whatever the weight precision and a batch's windows are encoded one after
    /// another (Hark's model code); false for engines that run half-precision graphs end to end.
    /// </summary>
    public virtual bool Float32Activations => false;

    /// <summary>Why this backend cannot hold weights at <paramref name="precision"/>; null when it can.</summary>
    public virtual string? UnsupportedPrecision(ComputePrecision precision) => null;

    /// <summary>Loads the model in <paramref name="folder"/>.</summary>
    /// <exception cref="HarkInputException">The folder does not suit this engine, or the options do not.</exception>
    public abstract IWhisperEngine Load(string folder, EngineLoadOptions options);

    /// <inheritdoc />
    public override string ToString() => $"{EngineVocabulary.Name(Engine)} on {EngineVocabulary.Name(Device)}";
}
