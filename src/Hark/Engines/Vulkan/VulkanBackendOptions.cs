namespace Hark.Engines.Vulkan;

/// <summary>Options of <see cref="VulkanBackend"/>.</summary>
public sealed record VulkanBackendOptions
{
    /// <summary>
    /// Multiply float16 weights in float16 in the tiled GEMM (the encoder's and the prompt's matrix products), as
    /// whisper.cpp's Vulkan backend does: tiles take half the shared memory and GPUs run packed float16 at twice the
    /// float32 rate. Partial sums over 16-deep slices are float16, their total float32. Null (default): on where the
    /// device has shader float16 (<c>VK_KHR_shader_float16_int8</c>); false: always float32 arithmetic. Decoder steps
    /// (a few rows) stream weights and accumulate in float32 either way.
    /// </summary>
    public bool? HalfArithmetic { get; init; }

    /// <summary>
    /// Write float16 outputs (the KV caches) element by element through 16-bit storage where the device has it, one
    /// dispatch instead of a float32 scratch plus a packing pass. Null or true: where supported; false (tests): never.
    /// </summary>
    internal bool? DirectFloat16Writes { get; init; }
}
