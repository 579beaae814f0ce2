using Hark.Decoding;
using static Hark.Tests.Decoding.Scripts;

namespace Hark.Tests.Decoding;

public class DecodingTaskTests
{
    private static readonly DecodingOptions Text = new() { Language = "en", WithoutTimestamps = true };

    private static DecodingResult DecodeOne(ScriptedEngine engine, DecodingOptions options, float windowId = 1f)
    {
        using var audio = engine.Encode(new float[80 * 3000].Select((_, i) => i == 0 ? windowId : 0f).ToArray(), 1);
        return new DecodingTask(engine, new FakeTokenizer(), options).Run(audio, [0])[0];
    }

    [Fact]
    public void Greedy_follows_the_most_likely_path_and_stops_at_end_of_text()
    {
        var engine = new ScriptedEngine(Follow(100, 200));
        var result = DecodeOne(engine, Text);
        Assert.Equal([100, 200], result.Tokens);
        Assert.Equal("w100 w200", result.Text);
        Assert.True(result.AvgLogprob > -1e-3);
        Assert.Equal(0f, result.Temperature);
        Assert.Equal([S.StartOfTranscript, S.FirstLanguage, S.Transcribe, S.NoTimestamps], engine.Prompts[0]);
    }

    private static float[] GardenPath(ScriptContext ctx)
    {
        // Greedy takes 100 (0.55) and then faces ten equally likely words; 200 (0.45) leads to a near-certain word.
        var sampled = Sampled(ctx.Tokens);
        return sampled switch
        {
            [] => Probabilities((100, 0.55), (200, 0.45)),
            [100] => Probabilities([.. Enumerable.Range(300, 10).Select(t => (t, 0.1))]),
            [200] => Probabilities((400, 0.99), (401, 0.01)),
            _ => Certain(S.EndOfText),
        };
    }

    [Fact]
    public void Beam_search_finds_the_likelier_sequence_that_greedy_misses()
    {
        var greedy = DecodeOne(new ScriptedEngine(GardenPath), Text);
        Assert.Equal(100, greedy.Tokens[0]);

        var engine = new ScriptedEngine(GardenPath);
        var beam = DecodeOne(engine, Text with { BeamSize = 2 });
        Assert.Equal([200, 400], beam.Tokens);
        Assert.True(beam.AvgLogprob > greedy.AvgLogprob);
        Assert.All(engine.StepRows, rows => Assert.Equal(2, rows));
        Assert.True(engine.Reorders > 0);
    }

    [Fact]
    public void Beam_search_with_patience_waits_for_more_finished_candidates()
    {
        var one = new ScriptedEngine(GardenPath);
        DecodeOne(one, Text with { BeamSize = 2 });
        var patient = new ScriptedEngine(GardenPath);
        var result = DecodeOne(patient, Text with { BeamSize = 2, Patience = 2.0 });
        Assert.Equal([200, 400], result.Tokens);
        Assert.True(patient.StepRows.Count >= one.StepRows.Count);
    }

    [Fact]
    public void Several_windows_and_their_beams_share_one_engine_step()
    {
        var engine = new ScriptedEngine(ctx =>
        {
            var sampled = Sampled(ctx.Tokens);
            var word = (int)ctx.Window[0] * 1000; // each window says a different word
            return sampled.Length == 0 ? Probabilities((word, 0.7), (word + 1, 0.3)) : Certain(S.EndOfText);
        });
        var mel = new float[3 * 80 * 3000];
        for (var w = 0; w < 3; w++) mel[w * 80 * 3000] = w + 1;
        using var audio = engine.Encode(mel, 3);
        var results = new DecodingTask(engine, new FakeTokenizer(), Text with { BeamSize = 3 }).Run(audio, [0, 1, 2]);
        Assert.Equal([[1000], [2000], [3000]], results.Select(r => r.Tokens));
        Assert.All(engine.StepRows, rows => Assert.Equal(9, rows));
    }

    [Fact]
    public void No_speech_probability_is_read_at_the_sot_position_behind_a_previous_text_prompt()
    {
        var engine = new ScriptedEngine(ctx =>
        {
            if (ctx.Tokens[^1] == S.StartOfTranscript)
            {
                var row = Logits.Flat(51865, 0f);
                row[S.NoSpeech] = 10f;
                return row;
            }
            return Sampled(ctx.Tokens).Length == 0 ? Certain(100) : Certain(S.EndOfText);
        });
        var result = DecodeOne(engine, Text with { Prompt = [5, 6, 7] });
        var expected = Math.Exp(10) / (Math.Exp(10) + 51864);
        Assert.Equal(expected, result.NoSpeechProb, 4);
        Assert.Equal([S.StartOfPrev, 5, 6, 7, S.StartOfTranscript, S.FirstLanguage, S.Transcribe, S.NoTimestamps], engine.Prompts[0]);
    }

    [Fact]
    public void Language_is_detected_from_the_language_tokens()
    {
        var german = S.FirstLanguage + 2;
        var engine = new ScriptedEngine(ctx => ctx.Tokens is [var only] && only == S.StartOfTranscript
            ? Probabilities((german, 0.7), (S.FirstLanguage, 0.2), (100, 0.1))
            : Certain(S.EndOfText));
        using var audio = engine.Encode(new float[80 * 3000], 1);
        var probs = LanguageDetector.Detect(engine, S, audio, [0])[0];
        Assert.Equal("de", LanguageDetector.Best(probs).Code);
        Assert.Equal(0.7 / 0.9, probs["de"], 3); // renormalised over language tokens only
    }

    [Fact]
    public void Multilingual_decoding_needs_a_language()
    {
        var ex = Assert.Throws<HarkInputException>(() => new DecodingTask(new ScriptedEngine(Follow(1)), new FakeTokenizer(), Text with { Language = null }));
        Assert.Equal("language", ex.Field);
    }

    [Fact]
    public void Begin_suppress_tokens_are_forbidden_as_the_first_sampled_token_only()
    {
        var engine = new ScriptedEngine(ctx => Sampled(ctx.Tokens).Length switch
        {
            0 => Probabilities((300, 0.6), (100, 0.4)),
            1 => Probabilities((300, 0.6), (S.EndOfText, 0.4)),
            _ => Certain(S.EndOfText),
        });
        var result = DecodeOne(engine, Text with { BeginSuppressTokens = [300] });
        Assert.Equal([100, 300], result.Tokens);
    }

    [Fact]
    public void Sampling_stops_at_the_sample_length()
    {
        var engine = new ScriptedEngine(_ => Certain(100));
        var result = DecodeOne(engine, Text with { SampleLen = 5, NoRepeatNgramSize = 0 });
        Assert.Equal(5, result.Tokens.Length);
    }

    [Fact]
    public void Default_sample_length_is_half_the_context()
    {
        var engine = new ScriptedEngine(_ => Certain(100));
        var result = DecodeOne(engine, Text);
        Assert.Equal(224, result.Tokens.Length);
        Assert.True(result.CompressionRatio > 2.4);
    }

    [Fact]
    public void Sampling_with_best_of_is_reproducible_for_a_seed()
    {
        Func<ScriptContext, float[]> script = ctx => Sampled(ctx.Tokens).Length < 6
            ? Probabilities([.. Enumerable.Range(500, 8).Select(t => (t, 0.125))])
            : Certain(S.EndOfText);
        var options = Text with { Temperature = 1f, BestOf = 3, Seed = 42 };
        var a = DecodeOne(new ScriptedEngine(script), options);
        var b = DecodeOne(new ScriptedEngine(script), options);
        Assert.Equal(a.Tokens, b.Tokens);
        Assert.Equal(6, a.Tokens.Length);
        Assert.Equal(1f, a.Temperature);
    }

    [Theory]
    [InlineData(5, 5, null, null)]
    [InlineData(null, 5, null, null)] // best_of at temperature 0
    [InlineData(null, null, 1.5, null)] // patience without beams
    [InlineData(5, null, null, 1.5)] // length penalty outside [0, 1]
    public void Incompatible_options_are_input_errors(int? beam, int? bestOf, double? patience, double? lengthPenalty)
    {
        var engine = new ScriptedEngine(Follow(100));
        Assert.Throws<HarkInputException>(() => new DecodingTask(engine, new FakeTokenizer(),
            Text with { BeamSize = beam, BestOf = bestOf, Patience = patience, LengthPenalty = lengthPenalty }));
    }

    [Fact]
    public void Unknown_language_is_an_input_error_naming_the_field()
    {
        var ex = Assert.Throws<HarkInputException>(() => new DecodingTask(new ScriptedEngine(Follow(1)), new FakeTokenizer(), Text with { Language = "xx" }));
        Assert.Equal("language", ex.Field);
    }

    [Fact]
    public void Timestamps_are_decoded_in_pairs()
    {
        var tb = S.TimestampBegin;
        // The script wants text right away; the rules force an initial timestamp and a closing one.
        var engine = new ScriptedEngine(ctx =>
        {
            var sampled = Sampled(ctx.Tokens);
            var row = Logits.Flat(51865, -20f);
            row[tb + 5] = 3f;
            row[tb + 40] = sampled.Length >= 2 ? 8f : 3f;
            row[100] = sampled.Length < 2 ? 5f : -20f;
            row[S.EndOfText] = sampled.Length >= 3 ? 9f : -20f;
            return row;
        });
        var result = DecodeOne(engine, Text with { WithoutTimestamps = false });
        Assert.Equal([tb + 5, 100, tb + 40], result.Tokens);
        Assert.Equal("w100", result.Text);
    }
}
