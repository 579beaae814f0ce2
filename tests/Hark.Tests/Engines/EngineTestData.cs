using System.Runtime.InteropServices;
using Hark.Checkpoints;
using Hark.Engines;

namespace Hark.Tests.Engines;

/// <summary>Inputs shared by the engine tests, and the reference results computed once per process.</summary>
internal static class EngineTestData
{
    /// <summary>Tiny dimensions with a head width (16) that is not a multiple of the 32-wide GEMM panels.</summary>
    public static readonly WhisperConfig TinyDims = WhisperPresets.Get("test") with
    {
        DModel = 48,
        EncoderAttentionHeads = 3,
        DecoderAttentionHeads = 3,
        EncoderLayers = 1,
        DecoderLayers = 2,
        EncoderFfnDim = 80,
        DecoderFfnDim = 80,
    };

    /// <summary>SOT, en, transcribe, notimestamps, then 16 text tokens: the 20-token teacher-forced sequence.</summary>
    public static readonly int[] TeacherTokens =
        [50258, 50259, 50359, 50363, .. Enumerable.Range(0, 16).Select(i => (400 + 2_971 * i) % 50_000)];

    private static readonly Lazy<float[]> MelLazy = new(() =>
    {
        var bytes = File.ReadAllBytes(Fixtures.Path("reference/jfk.mel80.f32"));
        return MemoryMarshal.Cast<byte, float>(bytes).ToArray();
    });

    /// <summary>openai's log-mel of the first window of jfk.wav, <c>[80, 3000]</c>.</summary>
    public static float[] JfkMel => MelLazy.Value;

    private static readonly Dictionary<string, Lazy<(double[][] Encoded, double[][] Logits)>> References = new()
    {
        ["test"] = new(() => Reference(WhisperPresets.Get("test"))),
        ["tiny-dims"] = new(() => Reference(TinyDims)),
    };

    public static WhisperConfig Config(string name) => name == "tiny-dims" ? TinyDims : WhisperPresets.Get(name);

    public static RandomWhisperWeights Weights(string name) => new(Config(name), seed: 7);

    /// <summary>The naive reference's encoder states and teacher-forced logits.</summary>
    public static (double[][] Encoded, double[][] Logits) ReferenceOf(string name) => References[name].Value;

    private static (double[][], double[][]) Reference(WhisperConfig config)
    {
        var naive = new NaiveWhisper(config, new RandomWhisperWeights(config, seed: 7));
        var encoded = naive.Encode(JfkMel);
        return (encoded, naive.Decode(encoded, TeacherTokens));
    }

    /// <summary>
    /// Engine logits of the teacher-forced sequence: the first 4 tokens as one prompt step (logits for all 4
    /// positions), then one token per step.
    /// </summary>
    public static float[][] TeacherForced(IWhisperEngine engine, out float[] encoderStates)
    {
        var c = engine.Config;
        using var audio = engine.Encode(JfkMel, 1);
        encoderStates = new float[c.MaxSourcePositions * c.DModel];
        audio.CopyTo(0, encoderStates);
        using var session = engine.StartDecoder(audio, [0]);
        var result = new float[TeacherTokens.Length][];
        var prompt = new float[4 * c.VocabSize];
        session.Step(TeacherTokens.AsSpan(0, 4), 4, prompt, [0, 1, 2, 3]);
        for (var i = 0; i < 4; i++) result[i] = prompt.AsSpan(i * c.VocabSize, c.VocabSize).ToArray();
        for (var i = 4; i < TeacherTokens.Length; i++)
        {
            result[i] = new float[c.VocabSize];
            session.Step(TeacherTokens.AsSpan(i, 1), 1, result[i]);
        }
        return result;
    }

    /// <summary>max |a − b| / max |b|: error relative to the scale of the reference.</summary>
    public static double RelativeError(float[][] actual, double[][] expected)
    {
        double diff = 0, scale = 0;
        for (var i = 0; i < expected.Length; i++)
            for (var j = 0; j < expected[i].Length; j++)
            {
                diff = Math.Max(diff, Math.Abs(actual[i][j] - expected[i][j]));
                scale = Math.Max(scale, Math.Abs(expected[i][j]));
            }
        return diff / scale;
    }

    public static double RelativeError(float[][] actual, float[][] expected) =>
        RelativeError(actual, expected.Select(r => Array.ConvertAll(r, v => (double)v)).ToArray());

    /// <summary>Greedy decoding of <paramref name="count"/> tokens after the 4-token prompt.</summary>
    public static int[] Greedy(IWhisperEngine engine, int count)
    {
        var vocab = engine.Config.VocabSize;
        using var audio = engine.Encode(JfkMel, 1);
        using var session = engine.StartDecoder(audio, [0]);
        var logits = new float[vocab];
        session.Step(TeacherTokens.AsSpan(0, 4), 4, logits);
        var tokens = new int[count];
        for (var i = 0; i < count; i++)
        {
            tokens[i] = ArgMax(logits);
            if (i + 1 < count) session.Step([tokens[i]], 1, logits);
        }
        return tokens;
    }

    public static int ArgMax(ReadOnlySpan<float> values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best]) best = i;
        }
        return best;
    }
}

/// <summary>Engine tests run one at a time: they switch the process-wide GEMM kernel and use every core.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EngineCollection
{
    public const string Name = "engines";
}
