using Hark.Decoding;
using Hark.Tokenization;

namespace Hark.Tests.Decoding;

public class LogitFilterTests
{
    private static readonly SpecialTokens S = SpecialTokens.ForVocabSize(51865);
    private static readonly int Tb = S.TimestampBegin;
    private const int Begin = 3; // SOT, language, task
    private static int[] Prompt => [S.StartOfTranscript, S.FirstLanguage, S.Transcribe];

    private static int[] Seq(params int[] sampled) => [.. Prompt, .. sampled];

    private static float[] Apply(ILogitFilter filter, int[] tokens, float[]? logits = null)
    {
        logits ??= Logits.Flat();
        filter.Apply(logits, tokens);
        return logits;
    }

    /// <summary>Flat logits except a few text tokens and EOT at 10, so the forced-timestamp rule stays out of the way.</summary>
    private static float[] TextFavoured()
    {
        var l = Logits.Flat();
        l[100] = l[200] = l[S.EndOfText] = 10f;
        return l;
    }

    private static bool Allowed(float[] logits, int token) => !float.IsNegativeInfinity(logits[token]);

    [Fact]
    public void First_sampled_token_must_be_a_timestamp_no_later_than_max_initial_timestamp()
    {
        var rules = new ApplyTimestampRules(S, Begin, maxInitialTimestampIndex: 50);
        var l = Apply(rules, Seq());
        Assert.False(Allowed(l, 100));
        Assert.False(Allowed(l, S.EndOfText));
        Assert.False(Allowed(l, S.NoTimestamps));
        Assert.True(Allowed(l, Tb));
        Assert.True(Allowed(l, Tb + 50)); // 1.00 s
        Assert.False(Allowed(l, Tb + 51));
        Assert.False(Allowed(l, Tb + 1500));
    }

    [Fact]
    public void Without_max_initial_timestamp_any_first_timestamp_is_allowed()
    {
        var l = Apply(new ApplyTimestampRules(S, Begin, null), Seq());
        Assert.True(Allowed(l, Tb + 1500));
        Assert.False(Allowed(l, 100));
    }

    [Fact]
    public void Max_initial_timestamp_applies_to_the_first_step_only()
    {
        var l = Apply(new ApplyTimestampRules(S, Begin, 50), Seq(Tb, 100));
        Assert.True(Allowed(l, Tb + 1000));
    }

    [Fact]
    public void After_an_opening_timestamp_text_must_follow()
    {
        // A single timestamp at the start counts as a pair boundary: the next token cannot be a timestamp.
        var l = Apply(new ApplyTimestampRules(S, Begin, 50), Seq(Tb + 10));
        Assert.True(Allowed(l, 100));
        Assert.False(Allowed(l, Tb + 10));
        Assert.False(Allowed(l, Tb + 20));
        Assert.True(Allowed(l, S.EndOfText));
    }

    [Fact]
    public void After_text_then_a_timestamp_the_segment_must_close_or_end()
    {
        var l = Apply(new ApplyTimestampRules(S, Begin, 50), Seq(Tb + 10, 100, Tb + 20), TextFavoured());
        Assert.False(Allowed(l, 100)); // no text: the open timestamp must be paired
        Assert.True(Allowed(l, S.EndOfText)); // timestamp right before EOT is fine
        Assert.True(Allowed(l, Tb + 20)); // the pair may repeat the same value
        Assert.False(Allowed(l, Tb + 19)); // never decreasing
        Assert.True(Allowed(l, Tb + 500));
    }

    [Fact]
    public void After_consecutive_timestamps_the_next_token_is_text()
    {
        var l = Apply(new ApplyTimestampRules(S, Begin, 50), Seq(Tb + 10, 100, Tb + 20, Tb + 20));
        for (var t = Tb; t < S.VocabSize; t += 100) Assert.False(Allowed(l, t));
        Assert.True(Allowed(l, 200));
        Assert.True(Allowed(l, S.EndOfText));
    }

    [Fact]
    public void Timestamps_inside_text_must_be_strictly_later_than_the_last_one()
    {
        // After "<|0.20|> w100" a closing timestamp of 0.20 would make a zero-length segment.
        var l = Apply(new ApplyTimestampRules(S, Begin, 50), Seq(Tb + 10, 100), TextFavoured());
        Assert.False(Allowed(l, Tb + 10));
        Assert.False(Allowed(l, Tb + 5));
        Assert.True(Allowed(l, Tb + 11));
        Assert.True(Allowed(l, 200));
    }

    [Fact]
    public void Timestamp_at_the_very_end_of_the_window_stays_allowed()
    {
        var l = Apply(new ApplyTimestampRules(S, Begin, 50), Seq(Tb, 100, Tb + 1499));
        Assert.True(Allowed(l, Tb + 1500));
        Assert.True(Allowed(l, Tb + 1499));
        Assert.False(Allowed(l, Tb + 1498));
    }

    [Fact]
    public void No_timestamps_token_is_never_sampled()
    {
        var l = Apply(new ApplyTimestampRules(S, Begin, 50), Seq(Tb, 100));
        Assert.False(Allowed(l, S.NoTimestamps));
    }

    [Fact]
    public void Timestamp_is_forced_when_its_total_probability_beats_every_text_token()
    {
        // Each timestamp is individually less likely than the text token, but 1501 of them together are not.
        var logits = Logits.Flat(51865, -50f);
        logits[100] = 0f;
        for (var t = Tb; t < S.VocabSize; t++) logits[t] = -1f;
        var l = Apply(new ApplyTimestampRules(S, Begin, null), Seq(Tb, 100), logits);
        Assert.False(Allowed(l, 100));
        Assert.True(Allowed(l, Tb + 100));
    }

    [Fact]
    public void Text_is_kept_when_one_text_token_beats_the_timestamp_mass()
    {
        var logits = Logits.Flat(51865, -50f);
        logits[100] = 10f;
        for (var t = Tb; t < S.VocabSize; t++) logits[t] = -1f;
        var l = Apply(new ApplyTimestampRules(S, Begin, null), Seq(Tb, 100), logits);
        Assert.Equal(10f, l[100]);
    }

    [Fact]
    public void Previous_text_in_the_prompt_does_not_count_as_sampled()
    {
        // sample_begin is after the prompt; a timestamp in the prompt never constrains the sample.
        int[] prompt = [S.StartOfPrev, Tb + 700, 5, S.StartOfTranscript, S.FirstLanguage, S.Transcribe];
        var l = Apply(new ApplyTimestampRules(S, prompt.Length, 50), prompt);
        Assert.True(Allowed(l, Tb));
    }

    [Fact]
    public void Suppress_blank_masks_space_and_end_of_text_at_the_first_step_only()
    {
        var rule = new SuppressBlank([220], S.EndOfText, Begin);
        var first = Apply(rule, Seq());
        Assert.False(Allowed(first, 220));
        Assert.False(Allowed(first, S.EndOfText));
        Assert.True(Allowed(first, 221));
        var later = Apply(rule, Seq(100));
        Assert.True(Allowed(later, 220));
        Assert.True(Allowed(later, S.EndOfText));
    }

    [Fact]
    public void Minus_one_expands_to_non_speech_tokens_and_the_always_suppressed_specials()
    {
        var tokenizer = new FakeTokenizer();
        var resolved = DecodingTask.ResolveSuppressTokens([-1, 7], tokenizer);
        Assert.Equal(new[] { 1, 2, 3, 7, S.Translate, S.Transcribe, S.StartOfTranscript, S.StartOfPrev, S.StartOfLm, S.NoSpeech }.Order(),
            resolved);
        var l = Apply(new SuppressTokens(resolved), Seq());
        Assert.False(Allowed(l, 2));
        Assert.False(Allowed(l, S.NoSpeech));
        Assert.True(Allowed(l, 4));
    }

    [Fact]
    public void Suppress_tokens_without_minus_one_keeps_non_speech_symbols()
    {
        var resolved = DecodingTask.ResolveSuppressTokens([9], new FakeTokenizer());
        Assert.DoesNotContain(1, resolved);
        Assert.Contains(9, resolved);
        Assert.Contains(S.StartOfPrev, resolved);
    }

    [Fact]
    public void Suppress_token_outside_the_vocabulary_is_an_input_error()
    {
        var ex = Assert.Throws<HarkInputException>(() => DecodingTask.ResolveSuppressTokens([999999], new FakeTokenizer()));
        Assert.Equal("suppress_tokens", ex.Field);
    }

    [Fact]
    public void Repetition_penalty_divides_positive_and_multiplies_negative_logits_of_sampled_tokens()
    {
        var logits = Logits.Flat(51865, 0f);
        logits[100] = 4f;
        logits[200] = -4f;
        logits[300] = 4f; // only in the prompt
        var rule = new RepetitionPenalty(2f, Begin + 1);
        rule.Apply(logits, [S.StartOfTranscript, S.FirstLanguage, S.Transcribe, 300, 100, 200, 100]);
        Assert.Equal(2f, logits[100]); // penalised once even though it occurs twice
        Assert.Equal(-8f, logits[200]);
        Assert.Equal(4f, logits[300]);
    }

    [Fact]
    public void No_repeat_ngram_bans_the_token_that_would_repeat_a_bigram()
    {
        var rule = new NoRepeatNGram(2, Begin);
        var l = Apply(rule, Seq(10, 20, 30, 10));
        Assert.False(Allowed(l, 20));
        Assert.True(Allowed(l, 30));
        var trigram = Apply(new NoRepeatNGram(3, Begin), Seq(10, 20, 30, 10, 20));
        Assert.False(Allowed(trigram, 30));
        Assert.True(Allowed(trigram, 20));
    }

    [Fact]
    public void No_repeat_unigram_bans_every_sampled_token()
    {
        var l = Apply(new NoRepeatNGram(1, Begin), Seq(10, 20));
        Assert.False(Allowed(l, 10));
        Assert.False(Allowed(l, 20));
        Assert.True(Allowed(l, 30));
    }
}
