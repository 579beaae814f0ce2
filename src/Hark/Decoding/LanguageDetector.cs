using Hark.Engines;
using Hark.Tokenization;

namespace Hark.Decoding;

/// <summary>
/// Spoken-language identification from the distribution over language tokens after <c>&lt;|startoftranscript|&gt;</c>
/// (openai <c>detect_language</c>).
/// </summary>
public static class LanguageDetector
{
    /// <summary>Detects the language of each listed window of <paramref name="audio"/>.</summary>
    /// <returns>Per window: probability of every language code, summing to 1.</returns>
    /// <exception cref="HarkInputException">The model is English-only (it has no language tokens to choose from).</exception>
    public static IReadOnlyList<IReadOnlyDictionary<string, double>> Detect(
        IWhisperEngine engine, SpecialTokens special, IEncodedAudio audio, ReadOnlySpan<int> windows)
    {
        using var decoder = engine.PrepareDecoder(audio);
        return Detect(decoder, special, engine.Config.VocabSize, windows);
    }

    /// <summary>
    /// Detects the language of each listed window through <paramref name="decoder"/>, whose per-window state (the
    /// cross-attention K/V) the decodings of the same windows reuse afterwards.
    /// </summary>
    /// <returns>Per window: probability of every language code, summing to 1.</returns>
    /// <exception cref="HarkInputException">The model is English-only (it has no language tokens to choose from).</exception>
    public static IReadOnlyList<IReadOnlyDictionary<string, double>> Detect(
        IDecoderSessionFactory decoder, SpecialTokens special, int vocab, ReadOnlySpan<int> windows)
    {
        if (!special.IsMultilingual)
            throw new HarkInputException("this model is English-only and cannot detect the language", field: "language");
        var rows = windows.Length;
        using var session = decoder.StartDecoder(windows);
        var tokens = new int[rows];
        Array.Fill(tokens, special.StartOfTranscript);
        var logits = new float[rows * vocab];
        session.Step(tokens, 1, logits);

        var count = Math.Min(special.LanguageCount, WhisperLanguages.Codes.Count);
        var result = new List<IReadOnlyDictionary<string, double>>(rows);
        for (var r = 0; r < rows; r++)
        {
            var languageLogits = logits.AsSpan(r * vocab + special.FirstLanguage, count);
            var lse = LogMath.LogSumExp(languageLogits);
            var probs = new Dictionary<string, double>(count);
            for (var i = 0; i < count; i++) probs[WhisperLanguages.Codes[i]] = Math.Exp(languageLogits[i] - lse);
            result.Add(probs);
        }
        return result;
    }

    /// <summary>The most probable code of a distribution (the first one on ties, in token order).</summary>
    public static (string Code, double Probability) Best(IReadOnlyDictionary<string, double> probs)
    {
        var best = ("en", double.NegativeInfinity);
        foreach (var code in WhisperLanguages.Codes)
        {
            if (probs.TryGetValue(code, out var p) && p > best.Item2) best = (code, p);
        }
        return best;
    }
}
