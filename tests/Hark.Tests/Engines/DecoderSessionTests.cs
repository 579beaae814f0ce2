using Hark.Checkpoints;
using Hark.Engines;

namespace Hark.Tests.Engines;

[Collection(EngineCollection.Name)]
public sealed class DecoderSessionTests : IDisposable
{
    private readonly ManagedEngine _engine = ManagedEngine.Load(EngineTestData.TinyDims, EngineTestData.Weights("tiny-dims"),
        new ManagedEngineOptions { Precision = ComputePrecision.Float32, Threads = 2 });

    private int Vocab => _engine.Config.VocabSize;

    public void Dispose() => _engine.Dispose();

    /// <summary>Feeds each history token by token in a fresh single-sequence session; returns the last logits.</summary>
    private float[] Recompute(IEncodedAudio audio, int window, int[] history)
    {
        using var session = _engine.StartDecoder(audio, [window]);
        var logits = new float[Vocab];
        foreach (var token in history) session.Step([token], 1, logits);
        return logits;
    }

    [Fact]
    public void Forking_the_cache_by_reorder_equals_recomputing_each_history()
    {
        var mel = EngineTestData.JfkMel.Concat(EngineTestData.JfkMel.Select(v => -v)).ToArray();
        using var audio = _engine.Encode(mel, 2);
        using var session = _engine.StartDecoder(audio, [0, 1]);
        int[][] histories = [[50258, 50259], [50258, 50260]];
        var logits = new float[2 * Vocab];
        session.Step([50258, 50258], 1, logits);
        session.Step([50259, 50260], 1, logits);

        // Three beams: two continue sequence 1 (window 1), one continues sequence 0 (window 0).
        session.Reorder([1, 1, 0]);
        int[] windows = [1, 1, 0];
        histories = [[.. histories[1], 11], [.. histories[1], 22], [.. histories[0], 33]];
        var step = new float[3 * Vocab];
        session.Step([11, 22, 33], 1, step);
        session.Reorder([2, 0]);
        windows = [windows[2], windows[0]];
        histories = [[.. histories[2], 44], [.. histories[0], 55]];
        step = new float[2 * Vocab];
        session.Step([44, 55], 1, step);

        Assert.Equal(4, session.Length);
        Assert.Equal(2, session.SequenceCount);
        for (var i = 0; i < 2; i++)
        {
            var expected = Recompute(audio, windows[i], histories[i]);
            Assert.Equal(expected, step.AsSpan(i * Vocab, Vocab).ToArray());
        }
    }

    [Fact]
    public void A_prompt_step_gives_the_same_logits_as_feeding_one_token_at_a_time()
    {
        using var audio = _engine.Encode(EngineTestData.JfkMel, 1);
        using var session = _engine.StartDecoder(audio, [0]);
        var prompt = EngineTestData.TeacherTokens[..6];
        var logits = new float[2 * Vocab];
        session.Step(prompt, 6, logits, [2, 5]);

        var third = Recompute(audio, 0, prompt[..3]);
        var sixth = Recompute(audio, 0, prompt);
        Assert.InRange(EngineTestData.RelativeError([logits[..Vocab]], [third]), 0, 1e-6);
        Assert.InRange(EngineTestData.RelativeError([logits[Vocab..]], [sixth]), 0, 1e-6);
    }

    [Fact]
    public void A_long_prompt_on_the_blocked_attention_path_matches_token_by_token_decoding()
    {
        // 40 new queries of one sequence take the GEMM-blocked cross-attention; single tokens take the dot path.
        var mel = EngineTestData.JfkMel.Select(v => -v).Concat(EngineTestData.JfkMel).ToArray();
        using var audio = _engine.Encode(mel, 2);
        using var session = _engine.StartDecoder(audio, [1]);
        var prompt = Enumerable.Range(0, 40).Select(i => (17 + 1_013 * i) % 50_000).ToArray();
        var logits = new float[Vocab];
        session.Step(prompt, 40, logits);

        Assert.InRange(EngineTestData.RelativeError([logits], [Recompute(audio, 1, prompt)]), 0, 1e-5);
    }

    [Fact]
    public void Alignment_heads_record_one_probability_row_per_token_that_sums_to_one()
    {
        using var audio = _engine.Encode(EngineTestData.JfkMel, 1);
        using var session = _engine.StartDecoder(audio, [0, 0], new DecoderSessionOptions { AlignmentHeads = [(1, 2), (0, 0)], MaxLength = 16 });
        var logits = new float[2 * Vocab];
        session.Step([50258, 50258, 50259, 50260], 2, logits);
        session.Reorder([1, 0]);
        session.Step([7, 8], 1, logits);

        var weights = session.AlignmentWeights.Span;
        var positions = _engine.Config.MaxSourcePositions;
        Assert.Equal(2 * 2 * 3 * positions, weights.Length);
        for (var row = 0; row < 2 * 2 * 3; row++)
        {
            var sum = 0.0;
            foreach (var p in weights.Slice(row * positions, positions)) sum += p;
            Assert.InRange(sum, 0.999, 1.001);
        }
    }

    [Fact]
    public void Alignment_heads_record_the_cross_attention_of_the_naive_double_precision_reference()
    {
        (int Layer, int Head)[] heads = [(1, 2), (0, 0), (1, 0)];
        var tokens = EngineTestData.TeacherTokens[..6];
        using var audio = _engine.Encode(EngineTestData.JfkMel, 1);
        using var session = _engine.StartDecoder(audio, [0], new DecoderSessionOptions { AlignmentHeads = heads, MaxLength = 8 });
        var logits = new float[Vocab];
        session.Step(tokens.AsSpan(0, 4), 4, logits);   // a prompt step, then single tokens: both paths record
        session.Step(tokens.AsSpan(4, 1), 1, logits);
        session.Step(tokens.AsSpan(5, 1), 1, logits);

        var positions = _engine.Config.MaxSourcePositions;
        var expected = new double[heads.Length * tokens.Length][];
        var naive = new NaiveWhisper(EngineTestData.TinyDims, EngineTestData.Weights("tiny-dims"));
        naive.Decode(EngineTestData.ReferenceOf("tiny-dims").Encoded, tokens, (layer, head, query, probabilities) =>
        {
            var slot = Array.IndexOf(heads, (layer, head));
            if (slot >= 0) expected[slot * tokens.Length + query] = probabilities;
        });

        // [heads, sequences = 1, Length, positions], heads in the order asked for.
        var weights = session.AlignmentWeights.ToArray();
        Assert.Equal(heads.Length * tokens.Length * positions, weights.Length);
        var actual = Enumerable.Range(0, expected.Length).Select(row => weights.AsSpan(row * positions, positions).ToArray()).ToArray();
        Assert.InRange(EngineTestData.RelativeError(actual, expected), 0, 1e-4);
    }

    [Fact]
    public void Stepping_past_max_length_is_an_input_error_naming_the_limit()
    {
        using var audio = _engine.Encode(EngineTestData.JfkMel, 1);
        using var session = _engine.StartDecoder(audio, [0], new DecoderSessionOptions { MaxLength = 3 });
        var logits = new float[Vocab];
        session.Step([1, 2, 3], 3, logits);

        var error = Assert.Throws<HarkInputException>(() => session.Step([4], 1, logits));
        Assert.Contains("at most 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_shapes_and_foreign_audio_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => _engine.Encode(new float[10], 1));
        using var other = ManagedEngine.Load(EngineTestData.TinyDims, EngineTestData.Weights("tiny-dims"), new ManagedEngineOptions { Threads = 1 });
        using var foreign = other.Encode(EngineTestData.JfkMel, 1);
        Assert.Throws<ArgumentException>(() => _engine.StartDecoder(foreign, [0]));
        using var audio = _engine.Encode(EngineTestData.JfkMel, 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => _engine.StartDecoder(audio, [1]));
        using var session = _engine.StartDecoder(audio, [0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => session.Step([Vocab], 1, new float[Vocab]));
        Assert.Throws<ArgumentException>(() => session.Step([1], 1, new float[3]));
    }

    [Fact]
    public void A_missing_or_misshapen_tensor_names_the_tensor()
    {
        var source = InMemoryTensorSource.CopyOf(EngineTestData.Weights("tiny-dims"));
        source.Add("decoder.layers.1.fc2.bias", new float[3], 3);

        var error = Assert.Throws<HarkInputException>(() => ManagedEngine.Load(EngineTestData.TinyDims, source));
        Assert.Contains("decoder.layers.1.fc2.bias", error.Message, StringComparison.Ordinal);
        Assert.Contains("[3]", error.Message, StringComparison.Ordinal);
    }
}
