using Hark.Decoding;
using static Hark.Tests.Decoding.Scripts;

namespace Hark.Tests.Decoding;

public class PromptAndRatioTests
{
    [Theory]
    // Values from Python's len(b) / len(zlib.compress(b)) (openai-whisper's compression_ratio).
    [InlineData("And so, my fellow Americans, ask not what your country can do for you, ask what you can do for your country.", 108.0 / 80)]
    [InlineData("the the the the the the the the the the the the", 47.0 / 15)]
    [InlineData("", 0.0)]
    public void Compression_ratio_matches_python_zlib(string text, double expected)
        => Assert.Equal(expected, CompressionRatio.Of(text), 10);

    [Fact]
    public void Looping_text_has_a_high_compression_ratio()
        => Assert.True(CompressionRatio.Of(string.Concat(Enumerable.Repeat(" Camera", 224))) > 2.4);

    private static int[] Build(DecodingOptions o, out int sot) => PromptBuilder.Build(S, o, 448, 224, out sot);

    [Fact]
    public void Previous_text_keeps_its_last_223_tokens()
    {
        var prompt = Build(new DecodingOptions { Language = "no", Prompt = [.. Enumerable.Range(1, 300)] }, out var sot);
        Assert.Equal(S.StartOfPrev, prompt[0]);
        Assert.Equal(78, prompt[1]); // tokens 78..300
        Assert.Equal(224, sot);
        Assert.Equal([S.StartOfTranscript, S.LanguageToken(29), S.Transcribe], prompt[224..]);
    }

    [Fact]
    public void Translate_without_timestamps_and_a_prefix_follow_the_sot_sequence()
    {
        var prompt = Build(new DecodingOptions { Language = "de", Task = WhisperTask.Translate, WithoutTimestamps = true, Prefix = [5, 6] }, out var sot);
        Assert.Equal([S.StartOfTranscript, S.LanguageToken(2), S.Translate, S.NoTimestamps, 5, 6], prompt);
        Assert.Equal(0, sot);
    }

    [Fact]
    public void Hotwords_precede_the_previous_text_and_are_dropped_with_a_prefix()
    {
        var prompt = Build(new DecodingOptions { Language = "en", Hotwords = [7, 8], Prompt = [9] }, out _);
        Assert.Equal([S.StartOfPrev, 7, 8, 9, S.StartOfTranscript], prompt[..5]);
        var withPrefix = Build(new DecodingOptions { Language = "en", Hotwords = [7, 8], Prefix = [5] }, out _);
        Assert.Equal(S.StartOfTranscript, withPrefix[0]);
    }

    [Fact]
    public void English_only_models_start_with_sot_alone()
    {
        var en = Hark.Tokenization.SpecialTokens.ForVocabSize(51864);
        var prompt = PromptBuilder.Build(en, new DecodingOptions(), 448, 224, out var sot);
        Assert.Equal([en.StartOfTranscript], prompt);
        Assert.Equal(0, sot);
    }
}
