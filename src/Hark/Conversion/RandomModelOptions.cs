using Hark.Checkpoints;

namespace Hark.Conversion;

/// <summary>What <see cref="RandomModelWriter.Write"/> produces.</summary>
public sealed record RandomModelOptions
{
    /// <summary>Architecture preset (<see cref="WhisperPresets.Names"/>). May be null when the output folder already has a
    /// <c>config.json</c>, whose dimensions are then used.</summary>
    public string? Preset { get; init; } = "test";

    /// <summary>Seed: the same seed and architecture give the same bytes.</summary>
    public ulong Seed { get; init; }

    /// <summary>Storage dtype: F32, F16 or BF16.</summary>
    public DType DType { get; init; } = DType.F32;

    /// <summary>Number of safetensors shards (1 = a single <c>model.safetensors</c>).</summary>
    public int Shards { get; init; } = 1;

    /// <summary>Write <c>pytorch_model.bin</c> instead of safetensors.</summary>
    public bool PytorchBin { get; init; }

    /// <summary>A folder whose tokenizer files (<see cref="RandomModelWriter.TokenizerFiles"/>, whichever exist) are
    /// copied into the model, or an openai rank file (<c>multilingual.tiktoken</c>, <c>gpt2.tiktoken</c>) written as
    /// <c>vocab.json</c> + <c>merges.txt</c> + <c>added_tokens.json</c> for the model's vocabulary; null writes no tokenizer.</summary>
    public string? TokenizerSource { get; init; }
}
