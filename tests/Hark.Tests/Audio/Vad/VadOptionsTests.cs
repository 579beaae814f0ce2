using Hark.Audio.Vad;

namespace Hark.Tests.Audio.Vad;

public class VadOptionsTests
{
    [Fact]
    public void Defaults_are_faster_whispers()
    {
        var o = new VadOptions();
        Assert.Equal(0.5, o.Threshold);
        Assert.Null(o.NegThreshold);
        Assert.Equal(0, o.MinSpeechDurationMs);
        Assert.Equal(double.PositiveInfinity, o.MaxSpeechDurationS);
        Assert.Equal(2000, o.MinSilenceDurationMs);
        Assert.Equal(400, o.SpeechPadMs);
    }

    [Fact]
    public void Parse_reads_faster_whisper_names_over_the_defaults()
    {
        var o = VadOptions.Parse("threshold=0.6, min_silence_duration_ms=500,speech_pad_ms=200,max_speech_duration_s=inf,neg_threshold=0.3,min_speech_duration_ms=250");
        Assert.Equal(new VadOptions
        {
            Threshold = 0.6, MinSilenceDurationMs = 500, SpeechPadMs = 200, NegThreshold = 0.3, MinSpeechDurationMs = 250,
        }, o);
        Assert.Equal(30, VadOptions.Parse("max-speech-duration-s=30").MaxSpeechDurationS);
        Assert.Equal(new VadOptions(), VadOptions.Parse(""));
    }

    [Theory]
    [InlineData("thresh=0.5", "vad_parameters", "unknown VAD parameter 'thresh'")]
    [InlineData("threshold", "vad_parameters", "key=value")]
    [InlineData("threshold=high", "threshold", "expected a number")]
    [InlineData("speech_pad_ms=0.5", "speech_pad_ms", "whole number")]
    [InlineData("threshold=2", "threshold", "[0, 1]")]
    [InlineData("min_silence_duration_ms=-1", "min_silence_duration_ms", "0 or more")]
    public void Parse_names_the_bad_parameter(string text, string field, string mentions)
    {
        var e = Assert.Throws<HarkInputException>(() => VadOptions.Parse(text));
        Assert.Equal(field, e.Field);
        Assert.Contains(mentions, e.Message, StringComparison.Ordinal);
    }
}
