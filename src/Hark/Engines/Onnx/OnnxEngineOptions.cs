using Microsoft.ML.OnnxRuntime;

namespace Hark.Engines.Onnx;

/// <summary>Where ONNX Runtime runs a model: one value per execution provider Hark can ask for.</summary>
public enum OnnxDevice
{
    /// <summary>CPUExecutionProvider (every build).</summary>
    Cpu,
    /// <summary>CUDAExecutionProvider (NVIDIA).</summary>
    Cuda,
    /// <summary>AMD GPUs: MIGraphXExecutionProvider, else the deprecated ROCMExecutionProvider.</summary>
    Rocm,
    /// <summary>MIGraphXExecutionProvider (AMD, ROCm 6/7).</summary>
    MIGraphX,
    /// <summary>DmlExecutionProvider (DirectX 12, Windows).</summary>
    DirectML,
    /// <summary>OpenVINOExecutionProvider (Intel CPUs, GPUs, NPUs).</summary>
    OpenVino,
    /// <summary>CoreMLExecutionProvider (Apple).</summary>
    CoreML,
    /// <summary>TensorrtExecutionProvider (NVIDIA).</summary>
    TensorRT,
}

/// <summary>Options of <see cref="OnnxEngine.Load"/>.</summary>
public sealed record OnnxEngineOptions
{
    /// <summary>Execution provider.</summary>
    public OnnxDevice Device { get; init; } = OnnxDevice.Cpu;

    /// <summary>Device ordinal for GPU providers.</summary>
    public int DeviceIndex { get; init; }

    /// <summary>Intra-op threads (0 = ONNX Runtime's default, one per physical core).</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>Graph optimisation level applied when sessions load.</summary>
    public GraphOptimizationLevel GraphOptimizationLevel { get; init; } = GraphOptimizationLevel.ORT_ENABLE_ALL;

    /// <summary>Run every decoder step through <c>decoder_model_merged.onnx</c> even when the separate decoders exist
    /// (one copy of the decoder weights in memory instead of two; the cache branch copies cross-attention caches).</summary>
    public bool PreferMergedDecoder { get; init; }
}
