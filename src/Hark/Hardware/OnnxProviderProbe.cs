using Microsoft.ML.OnnxRuntime;

namespace Hark.Hardware;

/// <summary>Asks the loaded ONNX Runtime native library which execution providers it was built with.</summary>
internal static class OnnxProviderProbe
{
    /// <summary>Provider names (<c>CUDAExecutionProvider</c>, …), or null when the native library cannot be loaded.</summary>
    public static IReadOnlyList<string>? Query()
    {
        try
        {
            return OrtEnv.Instance().GetAvailableProviders();
        }
        catch (Exception ex) when (ex is DllNotFoundException or TypeInitializationException or EntryPointNotFoundException
                                       or BadImageFormatException or OnnxRuntimeException)
        {
            return null;
        }
    }
}
