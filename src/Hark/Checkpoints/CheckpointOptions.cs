namespace Hark.Checkpoints;

/// <summary>Which weight files <see cref="WhisperCheckpoint.Open"/> reads when a folder has several.</summary>
public enum WeightFormat
{
    /// <summary>safetensors (single file, then sharded), else <c>pytorch_model.bin</c>.</summary>
    Auto,
    /// <summary>Only <c>model.safetensors</c> or <c>model.safetensors.index.json</c> + shards.</summary>
    Safetensors,
    /// <summary>Only <c>pytorch_model.bin</c>.</summary>
    PytorchBin,
}

/// <summary>Options of <see cref="WhisperCheckpoint.Open"/>.</summary>
public sealed record CheckpointOptions
{
    /// <summary>Weight files to read (default: prefer safetensors).</summary>
    public WeightFormat Format { get; init; } = WeightFormat.Auto;
}
