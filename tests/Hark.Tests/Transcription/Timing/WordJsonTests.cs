using System.Text.Json;
using Hark.Transcription;
using Hark.Transcription.Writers;

namespace Hark.Tests.Transcription.Timing;

/// <summary>Words in the JSON transcript take openai-whisper's shape: <c>segments[].words[]</c> of word, start, end, probability.</summary>
public sealed class WordJsonTests
{
    [Fact]
    public void Segments_with_words_carry_them_last_in_openai_order()
    {
        var segment = new Segment(0, 0, 0.5, 1.2, " Hello, world.", [50364, 15947, 11, 1002, 13, 50424], 0, -0.2, 1.1, 0.01)
        {
            Words = [new WordTiming(" Hello,", 0.5, 0.8, 0.91), new WordTiming(" world.", 0.8, 1.2, 0.75)],
        };
        using var json = JsonDocument.Parse(TranscriptWriter.ToJson(new TranscriptResult([segment], "en")));
        var s = json.RootElement.GetProperty("segments")[0];
        Assert.Equal("words", s.EnumerateObject().Last().Name);
        var words = s.GetProperty("words").EnumerateArray().ToList();
        Assert.Equal(["word", "start", "end", "probability"], words[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal((" Hello,", 0.5, 0.8, 0.91), (words[0].GetProperty("word").GetString(), words[0].GetProperty("start").GetDouble(),
            words[0].GetProperty("end").GetDouble(), words[0].GetProperty("probability").GetDouble()));
        Assert.Equal(" world.", words[1].GetProperty("word").GetString());
    }

    [Fact]
    public void Segments_without_word_timestamps_have_no_words_key()
    {
        var segment = new Segment(0, 0, 0, 1, " Hi", [50364, 17155, 50414], 0, -0.2, 1.1, 0.01);
        using var json = JsonDocument.Parse(TranscriptWriter.ToJson(new TranscriptResult([segment], "en")));
        Assert.False(json.RootElement.GetProperty("segments")[0].TryGetProperty("words", out _));
    }
}
