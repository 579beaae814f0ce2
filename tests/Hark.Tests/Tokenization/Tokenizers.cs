using Hark.Tokenization;

namespace Hark.Tests.Tokenization;

/// <summary>Fixture tokenizers, loaded once per test run (each load parses ~1 MB of vocabulary).</summary>
internal static class Tokenizers
{
    private static readonly Lazy<WhisperTokenizer> MultilingualLazy = new(() =>
        WhisperTokenizer.FromTiktoken(Fixtures.Path("whisper-assets/multilingual.tiktoken"), 51865));

    private static readonly Lazy<WhisperTokenizer> WhisperBaseLazy = new(() =>
        WhisperTokenizer.FromFolder(Fixtures.Path("hf/whisper-base"), new TokenizerOptions { Warning = Unexpected }));

    private static readonly Lazy<WhisperTokenizer> Gpt2Lazy = new(() =>
        WhisperTokenizer.FromTiktoken(Fixtures.Path("whisper-assets/gpt2.tiktoken"), 51864));

    /// <summary>openai's multilingual ranks (the reference).</summary>
    public static WhisperTokenizer Multilingual => MultilingualLazy.Value;

    /// <summary>hf/whisper-base (vocab.json + merges.txt + added_tokens.json).</summary>
    public static WhisperTokenizer WhisperBase => WhisperBaseLazy.Value;

    /// <summary>openai's English-only ranks.</summary>
    public static WhisperTokenizer Gpt2 => Gpt2Lazy.Value;

    /// <summary>The fixture texts openai would encode as prompts: jfk, the espeak manifest, each longform paragraph.</summary>
    public static IEnumerable<string> FixtureTexts()
    {
        yield return File.ReadAllText(Fixtures.Path("audio/jfk.txt")).Trim();
        foreach (var line in File.ReadLines(Fixtures.Path("audio/espeak/manifest.tsv")).Skip(1))
        {
            var text = line.Split('\t')[4];
            if (!text.StartsWith("(see", StringComparison.Ordinal)) yield return text;
        }
        foreach (var paragraph in File.ReadLines(Fixtures.Path("audio/espeak/longform.txt")))
        {
            if (paragraph.Trim().Length > 0) yield return paragraph.Trim();
        }
    }

    private static void Unexpected(string message) =>
        throw new InvalidOperationException("unexpected tokenizer warning: " + message);
}
