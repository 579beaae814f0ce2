using Hark.Checkpoints;

namespace Hark.Conversion;

/// <summary>
/// Converts a checkpoint to one target format. Implementations are spec-driven (one declarative map of names,
/// shapes and dtypes per format), stream tensor by tensor, and write to a temporary name renamed only when complete.
/// </summary>
public interface IModelConverter
{
    /// <summary>Target name as the CLI spells it (<c>ct2</c>, <c>ggml</c>, <c>onnx</c>).</summary>
    string Target { get; }

    /// <summary>Quantizations this target accepts, as the CLI spells them; the first is the default.</summary>
    IReadOnlyList<string> Quantizations { get; }

    /// <summary>Converts <paramref name="source"/> into <paramref name="output"/> (a folder or a file, per target).</summary>
    /// <exception cref="HarkInputException">Unsupported quantization, existing output without <see cref="ConversionOptions.Force"/>, …</exception>
    Task ConvertAsync(WhisperCheckpoint source, string output, ConversionOptions options,
        IProgress<ConversionProgress>? progress = null, CancellationToken cancellationToken = default);
}

/// <summary>Options common to every converter.</summary>
public sealed record ConversionOptions
{
    /// <summary>Target quantization/precision, spelled as the target's CLI spells it; null for the target's default.</summary>
    public string? Quantization { get; init; }
    /// <summary>Replace an existing output.</summary>
    public bool Force { get; init; }
    /// <summary>Worker threads for tensor transforms (0 = all cores).</summary>
    public int Threads { get; init; }
    /// <summary>ONNX: the decoders also output the alignment heads' cross-attention (the model's <c>alignment_heads</c>, else
    /// openai's fallback), which word timestamps on ONNX Runtime need. CTranslate2 records the heads in its config either way.</summary>
    public bool AlignmentHeads { get; init; }
}

/// <summary>Progress of a conversion, in tensors and bytes.</summary>
/// <param name="TensorsDone">Tensors written.</param>
/// <param name="TensorsTotal">Tensors to write.</param>
/// <param name="BytesWritten">Bytes written so far.</param>
/// <param name="Current">Tensor being written.</param>
public readonly record struct ConversionProgress(int TensorsDone, int TensorsTotal, long BytesWritten, string Current);
