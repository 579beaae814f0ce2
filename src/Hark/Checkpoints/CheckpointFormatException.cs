namespace Hark.Checkpoints;

/// <summary>
/// A checkpoint file (safetensors, shard index, pytorch_model.bin, config) is malformed or disagrees with the
/// architecture. The message names the file, the tensor or field, and what was expected versus found.
/// </summary>
public class CheckpointFormatException : HarkInputException
{
    /// <summary>Creates the error.</summary>
    /// <param name="message">What was expected and what was found.</param>
    /// <param name="path">The offending file.</param>
    /// <param name="field">The offending tensor or field, when there is one.</param>
    /// <param name="inner">The underlying exception, if any.</param>
    public CheckpointFormatException(string message, string? path = null, string? field = null, Exception? inner = null)
        : base(message, path, field, inner)
    {
    }
}
