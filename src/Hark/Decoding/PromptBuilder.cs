using Hark.Tokenization;

namespace Hark.Decoding;

/// <summary>
/// Builds the decoder prompt: <c>[&lt;|startofprev|&gt; hotwords previous-text] SOT [language task]
/// [&lt;|notimestamps|&gt;] [prefix]</c>, following openai-whisper's <c>_get_initial_tokens</c> and
/// faster-whisper's hotwords.
/// </summary>
public static class PromptBuilder
{
    /// <summary>Builds the prompt for <paramref name="options"/>.</summary>
    /// <param name="special">Special tokens.</param>
    /// <param name="options">Decoding options (language, task, prompt, prefix, hotwords).</param>
    /// <param name="contextLength">Decoder context (448).</param>
    /// <param name="sampleLen">Tokens to sample (bounds the prefix as openai does).</param>
    /// <param name="sotIndex">Position of <c>&lt;|startoftranscript|&gt;</c> in the result.</param>
    public static int[] Build(SpecialTokens special, DecodingOptions options, int contextLength, int sampleLen, out int sotIndex)
    {
        var sot = new List<int> { special.StartOfTranscript };
        if (special.IsMultilingual)
        {
            // The language slot holds English until a given or detected language replaces it.
            var index = options.Language is { } code ? WhisperLanguages.IndexOf(code) : 0;
            if (index < 0 || index >= special.LanguageCount)
                throw new HarkInputException($"unknown language code '{options.Language}' for this model", field: "language");
            sot.Add(special.LanguageToken(index));
            sot.Add(options.Task == WhisperTask.Translate ? special.Translate : special.Transcribe);
        }
        if (options.WithoutTimestamps) sot.Add(special.NoTimestamps);

        if (options.Prefix is { Count: > 0 } prefix)
        {
            var maxPrefix = contextLength / 2 - sampleLen;
            // Python's prefix[-max:]: everything when max is 0, the front dropped when it is negative.
            sot.AddRange(maxPrefix > 0 ? prefix.Skip(Math.Max(0, prefix.Count - maxPrefix))
                : maxPrefix == 0 ? prefix : prefix.Skip(-maxPrefix));
        }

        var half = contextLength / 2 - 1;
        var previous = new List<int>();
        var hotwords = options.Prefix is { Count: > 0 } ? null : options.Hotwords;
        if (hotwords is { Count: > 0 }) previous.AddRange(hotwords.Take(half));
        if (options.Prompt is { Count: > 0 } prompt)
        {
            // Hotwords and previous text share the half context so the prompt never crowds out the sample.
            var room = half - previous.Count;
            previous.AddRange(prompt.Skip(Math.Max(0, prompt.Count - room)));
        }

        if (previous.Count == 0)
        {
            sotIndex = 0;
            return [.. sot];
        }
        sotIndex = previous.Count + 1;
        return [special.StartOfPrev, .. previous, .. sot];
    }
}
