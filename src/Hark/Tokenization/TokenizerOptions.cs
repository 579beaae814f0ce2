namespace Hark.Tokenization;

/// <summary>How <see cref="WhisperTokenizer"/> loads a tokenizer and reports defects in its files.</summary>
public sealed record TokenizerOptions
{
    /// <summary>
    /// Restore BPE merges that the canonical Whisper vocabulary implies but the folder's <c>merges.txt</c> /
    /// <c>tokenizer.json</c> lacks (such as rank 0 <c>Ġ t</c>, missing from openai/whisper-base's files from
    /// 2022-09 to 2024-02 and from fine-tunes saved then). Off by default: the folder's own files are followed,
    /// as transformers does. On: text encodes exactly as openai's tiktoken ranks do.
    /// </summary>
    public bool UseCanonicalMerges { get; init; }

    /// <summary>
    /// Receives one message per load describing defects found in the tokenizer files. Null writes to standard error.
    /// </summary>
    public Action<string>? Warning { get; init; }

    /// <summary>The shared default (folder's own merges, warnings to standard error).</summary>
    public static TokenizerOptions Default { get; } = new();

    internal void Warn(string message)
    {
        if (Warning is { } sink) sink(message);
        else Console.Error.WriteLine("warning: " + TerminalText.Escape(message));
    }
}
