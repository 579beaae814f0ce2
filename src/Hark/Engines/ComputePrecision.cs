namespace Hark.Engines;

/// <summary>How an engine stores weights and computes. Parsed from strings only at the CLI and HTTP edges.</summary>
public enum ComputePrecision
{
    /// <summary>Use what the checkpoint stores (float32 arithmetic on the CPU).</summary>
    Default,
    /// <summary>float32 weights and arithmetic.</summary>
    Float32,
    /// <summary>float16 weights (arithmetic in float32 on the CPU, float16 where the device has it).</summary>
    Float16,
    /// <summary>bfloat16 weights.</summary>
    BFloat16,
    /// <summary>int8 weight-only quantization with per-row scales.</summary>
    Int8,
    /// <summary>int4 weight-only quantization (block-wise scales).</summary>
    Int4,
}
