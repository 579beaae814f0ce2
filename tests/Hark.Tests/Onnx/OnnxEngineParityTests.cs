using Hark.Formats.Onnx;
using Xunit.Abstractions;
using System.Runtime.InteropServices;
using Hark.Conversion.Onnx;
using Hark.Engines;
using Hark.Engines.Onnx;

namespace Hark.Tests.Onnx;

public sealed class OnnxEngineParityTests(ITestOutputHelper output)
{
    private static readonly Lazy<(float[] Mel, float[] Encoded, ReferenceWhisper Reference)> Reference = new(() =>
    {
        var mel = MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(Fixtures.Path("reference/jfk.mel80.f32"))).ToArray();
        var reference = new ReferenceWhisper(OnnxTestModels.Config, OnnxTestModels.Checkpoint().Tensors);
        return (mel, reference.Encode(mel), reference);
    });

    private static readonly int[] Prompt = [50258, 50259, 50359, 50363];

    /// <summary>max |a − b| / max |b|: error relative to the tensor's scale.</summary>
    internal static double RelativeError(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        double maxDiff = 0, maxRef = 0;
        for (var i = 0; i < expected.Length; i++)
        {
            maxDiff = Math.Max(maxDiff, Math.Abs(actual[i] - expected[i]));
            maxRef = Math.Max(maxRef, Math.Abs(expected[i]));
        }
        return maxDiff / maxRef;
    }

    public static TheoryData<OnnxPrecision, bool, bool, double> Tolerances => new()
    {
        { OnnxPrecision.Float32, false, false, 1e-4 },
        { OnnxPrecision.Float32, true, false, 1e-4 },
        { OnnxPrecision.Float32, false, true, 1e-4 },
        { OnnxPrecision.Float16, false, false, 1e-2 },
        { OnnxPrecision.Float16, true, false, 1e-2 },
        { OnnxPrecision.Int8WeightOnly, false, false, 3e-2 },
        { OnnxPrecision.Int8, false, false, 3e-2 },
        { OnnxPrecision.Int4, false, false, 0.2 },
    };

    [Theory]
    [MemberData(nameof(Tolerances))]
    public void Encoder_states_and_decoder_logits_match_the_reference_forward_pass(OnnxPrecision precision, bool merged, bool contribOps, double tolerance)
    {
        var (mel, encoded, reference) = Reference.Value;
        using var engine = OnnxEngine.Load(OnnxTestModels.Folder(precision, contribOps), new OnnxEngineOptions { IntraOpThreads = 1, PreferMergedDecoder = merged });
        using var audio = engine.Encode(mel, 1);
        var states = new float[encoded.Length];
        audio.CopyTo(0, states);
        var worst = RelativeError(states, encoded);
        output.WriteLine($"{precision} encoder relative error {worst:E2}");
        Assert.InRange(worst, 0, tolerance);

        var vocab = engine.Config.VocabSize;
        using var session = engine.StartDecoder(audio, [0]);
        var tokens = new List<int>(Prompt);
        var logits = new float[vocab];
        session.Step(Prompt, Prompt.Length, logits);
        for (var step = 0; step < 4; step++)
        {
            var expected = reference.Logits(encoded, tokens.ToArray()).AsSpan((tokens.Count - 1) * vocab, vocab);
            var error = RelativeError(logits, expected);
            output.WriteLine($"{precision} step {step} logits relative error {error:E2}");
            Assert.InRange(error, 0, tolerance);
            var next = ArgMax(logits);
            tokens.Add(next);
            session.Step([next], 1, logits);
        }
        Assert.Equal(tokens.Count, session.Length);
    }

    [Fact]
    public void Greedy_tokens_on_jfk_equal_the_reference_at_fp32()
    {
        var (mel, encoded, reference) = Reference.Value;
        using var engine = OnnxEngine.Load(OnnxTestModels.Folder(OnnxPrecision.Float32), new OnnxEngineOptions { IntraOpThreads = 1 });
        using var audio = engine.Encode(mel, 1);
        using var session = engine.StartDecoder(audio, [0]);
        var vocab = engine.Config.VocabSize;
        var logits = new float[vocab];
        var onnx = new List<int>(Prompt);
        session.Step(Prompt, Prompt.Length, logits);
        for (var i = 0; i < 12; i++)
        {
            onnx.Add(ArgMax(logits));
            session.Step([onnx[^1]], 1, logits);
        }
        var expected = new List<int>(Prompt);
        for (var i = 0; i < 12; i++)
        {
            var all = reference.Logits(encoded, expected.ToArray());
            expected.Add(ArgMax(all.AsSpan((expected.Count - 1) * vocab, vocab)));
        }
        Assert.Equal(expected, onnx);
    }

    [Fact]
    public void Reorder_makes_each_sequence_continue_from_its_source_row()
    {
        var (mel, _, _) = Reference.Value;
        using var engine = OnnxEngine.Load(OnnxTestModels.Folder(OnnxPrecision.Float32), new OnnxEngineOptions { IntraOpThreads = 1 });
        var twoWindows = new float[mel.Length * 2];
        mel.CopyTo(twoWindows, 0);
        for (var i = 0; i < mel.Length; i++) twoWindows[mel.Length + i] = mel[i] * 0.5f - 0.2f;
        using var audio = engine.Encode(twoWindows, 2);
        var vocab = engine.Config.VocabSize;

        // Two sequences on different windows with different histories, then swapped and one duplicated.
        using var session = engine.StartDecoder(audio, [0, 1]);
        var logits = new float[2 * vocab];
        session.Step([.. Prompt, .. Prompt[..3], 50364], Prompt.Length, logits);
        session.Reorder([1, 0, 1]);
        var after = new float[3 * vocab];
        session.Step([400, 401, 402], 1, after);

        // Each row must equal a fresh single-sequence run of its source's history.
        int[][] histories = [[.. Prompt[..3], 50364, 400], [.. Prompt, 401], [.. Prompt[..3], 50364, 402]];
        int[] windows = [1, 0, 1];
        for (var row = 0; row < 3; row++)
        {
            using var single = engine.StartDecoder(audio, [windows[row]]);
            var expected = new float[vocab];
            single.Step(histories[row], histories[row].Length, expected);
            Assert.InRange(RelativeError(after.AsSpan(row * vocab, vocab), expected), 0, 1e-5);
        }
        Assert.Equal(3, session.SequenceCount);
    }

    [Fact]
    public void Logits_for_several_positions_of_a_multi_token_step_match_separate_steps()
    {
        var (mel, _, _) = Reference.Value;
        using var engine = OnnxEngine.Load(OnnxTestModels.Folder(OnnxPrecision.Float32), new OnnxEngineOptions { IntraOpThreads = 1 });
        using var audio = engine.Encode(mel, 1);
        var vocab = engine.Config.VocabSize;
        using var whole = engine.StartDecoder(audio, [0]);
        var two = new float[2 * vocab];
        whole.Step(Prompt, Prompt.Length, two, [1, 3]);
        using var stepwise = engine.StartDecoder(audio, [0]);
        var one = new float[vocab];
        stepwise.Step(Prompt.AsSpan(0, 2), 2, one);
        Assert.InRange(RelativeError(two.AsSpan(0, vocab), one), 0, 1e-5);
        stepwise.Step(Prompt.AsSpan(2), 2, one);
        Assert.InRange(RelativeError(two.AsSpan(vocab, vocab), one), 0, 1e-5);
    }

    internal static int ArgMax(ReadOnlySpan<float> values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++) if (values[i] > values[best]) best = i;
        return best;
    }
}
