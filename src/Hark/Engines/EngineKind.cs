namespace Hark.Engines;

/// <summary>Inference engine families; which devices each runs on is the <see cref="EngineRegistry"/>'s business.</summary>
public enum EngineKind
{
    /// <summary>Hark's own engine: model code over an op backend (CPU, Vulkan).</summary>
    Managed,
    /// <summary>ONNX Runtime over an Optimum-layout export.</summary>
    Onnx,
}
