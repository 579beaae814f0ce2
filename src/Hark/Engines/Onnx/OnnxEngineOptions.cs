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

    /// <summary>Parses a CLI device name (<c>cpu</c>, <c>cuda</c>, <c>rocm</c>, <c>migraphx</c>, <c>directml</c>,
    /// <c>openvino</c>, <c>coreml</c>, <c>tensorrt</c>), optionally with <c>:index</c>.</summary>
    /// <exception cref="HarkInputException">Unknown name; the message lists the known ones.</exception>
    public static (OnnxDevice Device, int Index) ParseDevice(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split(':', 2);
        var index = 0;
        if (parts.Length == 2 && (!int.TryParse(parts[1], out index) || index < 0))
            throw new HarkInputException($"'{text}': the device index must be a non-negative integer", field: "--device");
        OnnxDevice? device = parts[0].ToLowerInvariant() switch
        {
            "cpu" => OnnxDevice.Cpu,
            "cuda" => OnnxDevice.Cuda,
            "rocm" => OnnxDevice.Rocm,
            "migraphx" => OnnxDevice.MIGraphX,
            "directml" or "dml" => OnnxDevice.DirectML,
            "openvino" => OnnxDevice.OpenVino,
            "coreml" => OnnxDevice.CoreML,
            "tensorrt" or "trt" => OnnxDevice.TensorRT,
            _ => null,
        };
        return device is { } d
            ? (d, index)
            : throw new HarkInputException($"unknown ONNX device '{text}'; expected one of cpu, cuda, rocm, migraphx, directml, openvino, coreml, tensorrt", field: "--device");
    }
}
