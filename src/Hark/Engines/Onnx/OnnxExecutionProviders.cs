using Microsoft.ML.OnnxRuntime;

namespace Hark.Engines.Onnx;

/// <summary>The execution provider the loaded ONNX Runtime lacks; the message says which build or package has it.</summary>
public sealed class OnnxProviderUnavailableException(OnnxDevice device, string message)
    : HarkInputException(message, field: "--device")
{
    /// <summary>The device asked for.</summary>
    public OnnxDevice Device { get; } = device;
}

/// <summary>Maps <see cref="OnnxDevice"/> to ONNX Runtime execution providers and checks the native build has them.</summary>
internal static class OnnxExecutionProviders
{
    /// <summary>The provider name ONNX Runtime reports for <paramref name="device"/> (for ROCm, MIGraphX first).</summary>
    public static IReadOnlyList<string> ProviderNames(OnnxDevice device) => device switch
    {
        OnnxDevice.Cpu => ["CPUExecutionProvider"],
        OnnxDevice.Cuda => ["CUDAExecutionProvider"],
        OnnxDevice.Rocm => ["MIGraphXExecutionProvider", "ROCMExecutionProvider"],
        OnnxDevice.MIGraphX => ["MIGraphXExecutionProvider"],
        OnnxDevice.DirectML => ["DmlExecutionProvider"],
        OnnxDevice.OpenVino => ["OpenVINOExecutionProvider"],
        OnnxDevice.CoreML => ["CoreMLExecutionProvider"],
        OnnxDevice.TensorRT => ["TensorrtExecutionProvider"],
        _ => throw new ArgumentOutOfRangeException(nameof(device), device, null),
    };

    /// <summary>
    /// The provider to use for <paramref name="device"/> among <paramref name="available"/> (what
    /// <c>OrtEnv.Instance().GetAvailableProviders()</c> lists).
    /// </summary>
    /// <exception cref="OnnxProviderUnavailableException">None is available; the message names the build or package that has it.</exception>
    public static string Select(OnnxDevice device, IReadOnlyCollection<string> available)
    {
        ArgumentNullException.ThrowIfNull(available);
        foreach (var name in ProviderNames(device))
            if (available.Contains(name)) return name;
        var has = available.Count == 0 ? "none" : string.Join(", ", available);
        throw new OnnxProviderUnavailableException(device,
            $"the loaded ONNX Runtime has no {string.Join(" or ", ProviderNames(device))} (it has: {has}). {WhereToGet(device)}");
    }

    /// <summary>Which ONNX Runtime build or package provides <paramref name="device"/>.</summary>
    public static string WhereToGet(OnnxDevice device) => device switch
    {
        OnnxDevice.Cpu => "Every ONNX Runtime build has the CPU provider; the native library failed to load.",
        OnnxDevice.Cuda => "Use the Microsoft.ML.OnnxRuntime.Gpu package (Linux: Microsoft.ML.OnnxRuntime.Gpu.Linux, Windows: Microsoft.ML.OnnxRuntime.Gpu.Windows) instead of Microsoft.ML.OnnxRuntime, with CUDA 12 and cuDNN 9 installed.",
        OnnxDevice.TensorRT => "Use the Microsoft.ML.OnnxRuntime.Gpu package with TensorRT 10, CUDA 12 and cuDNN 9 libraries on the library path.",
        OnnxDevice.Rocm or OnnxDevice.MIGraphX => "For AMD GPUs use an ONNX Runtime built with the MIGraphX execution provider on ROCm 6 or 7 (build with --use_migraphx, or AMD's ROCm onnxruntime packages) and put its native library in place of the CPU one; the ROCm execution provider is deprecated and gone from current releases.",
        OnnxDevice.DirectML => "Use the Microsoft.ML.OnnxRuntime.DirectML package (Windows 10 or later, a DirectX 12 GPU).",
        OnnxDevice.OpenVino => "Use the Intel.ML.OnnxRuntime.OpenVino package with the OpenVINO runtime installed.",
        OnnxDevice.CoreML => "The CoreML provider ships in Microsoft.ML.OnnxRuntime's macOS and iOS builds; it is not available on this platform.",
        _ => throw new ArgumentOutOfRangeException(nameof(device), device, null),
    };

    /// <summary>Adds provider <paramref name="provider"/> (from <see cref="Select"/>) to <paramref name="options"/>.</summary>
    internal static void Append(SessionOptions options, string provider, int deviceIndex)
    {
        switch (provider)
        {
            case "CPUExecutionProvider": break;
            case "CUDAExecutionProvider": options.AppendExecutionProvider_CUDA(deviceIndex); break;
            case "TensorrtExecutionProvider": options.AppendExecutionProvider_Tensorrt(deviceIndex); break;
            case "MIGraphXExecutionProvider": options.AppendExecutionProvider_MIGraphX(deviceIndex); break;
            case "ROCMExecutionProvider": options.AppendExecutionProvider_ROCm(deviceIndex); break;
            case "DmlExecutionProvider": options.AppendExecutionProvider_DML(deviceIndex); break;
            case "OpenVINOExecutionProvider": options.AppendExecutionProvider_OpenVINO(""); break;
            case "CoreMLExecutionProvider": options.AppendExecutionProvider("CoreML", []); break;
            default: throw new ArgumentOutOfRangeException(nameof(provider), provider, "unknown execution provider");
        }
    }

    /// <summary>The engine-contract device kind of a provider.</summary>
    internal static DeviceKind Kind(OnnxDevice device) => device switch
    {
        OnnxDevice.Cpu => DeviceKind.Cpu,
        OnnxDevice.Cuda or OnnxDevice.TensorRT => DeviceKind.Cuda,
        OnnxDevice.Rocm or OnnxDevice.MIGraphX => DeviceKind.Rocm,
        _ => DeviceKind.Other,
    };
}
