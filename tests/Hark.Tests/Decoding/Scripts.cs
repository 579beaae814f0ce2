using Hark.Tokenization;

namespace Hark.Tests.Decoding;

/// <summary>Helpers to write scripted models as "after these sampled tokens, prefer that one".</summary>
internal static class Scripts
{
    public static readonly SpecialTokens S = SpecialTokens.ForVocabSize(51865);

    /// <summary>Tokens after the SOT sequence (after the task token and any <c>&lt;|notimestamps|&gt;</c>).</summary>
    public static int[] Sampled(int[] tokens)
    {
        var last = -1;
        for (var i = 0; i < tokens.Length; i++)
        {
            var t = tokens[i];
            if (t == S.Transcribe || t == S.Translate || t == S.NoTimestamps || t == S.StartOfTranscript) last = i;
        }
        return tokens[(last + 1)..];
    }

    /// <summary>Logits that make <paramref name="token"/> near-certain.</summary>
    public static float[] Certain(int token) => Logits.Peaked((token, 20f));

    /// <summary>Logits with the given probabilities (the rest ≈ 0).</summary>
    public static float[] Probabilities(params (int Token, double P)[] probs)
    {
        var row = Logits.Flat(51865, -60f);
        foreach (var (t, p) in probs) row[t] = (float)Math.Log(p);
        return row;
    }

    /// <summary>A script that follows <paramref name="path"/> (sampled tokens) and then ends.</summary>
    public static Func<ScriptContext, float[]> Follow(params int[] path) => ctx =>
    {
        var sampled = Sampled(ctx.Tokens);
        return Certain(sampled.Length < path.Length ? path[sampled.Length] : S.EndOfText);
    };
}
