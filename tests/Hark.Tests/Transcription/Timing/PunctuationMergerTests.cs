using Hark.Transcription;
using Hark.Transcription.Timing;

namespace Hark.Tests.Transcription.Timing;

/// <summary>openai-whisper's <c>merge_punctuations</c> with its default marks (expected values printed by openai's code).</summary>
public sealed class PunctuationMergerTests
{
    private static readonly TranscriptionOptions Defaults = new();

    [Fact]
    public void Commas_join_the_word_before_and_quotes_the_word_after()
    {
        var merged = Merge(" Hello", ",", " \"", "world", "\"", "!");
        Assert.Equal([" Hello,|0,1", "|", "|", " \"world\"!|2,3,4,5", "|", "|"], merged);
    }

    [Fact]
    public void A_run_of_opening_marks_lands_on_the_next_word()
    {
        var merged = Merge(" (", " \"", "Hi", ")", ".");
        Assert.Equal(["|", "|", " ( \"Hi).|0,1,2,3,4", "|", "|"], merged);
    }

    [Fact]
    public void All_punctuation_text_collapses_into_the_first_mark()
    {
        Assert.Equal([".,!|0,1,2", "|", "|"], Merge(".", ",", "!"));
        Assert.Equal(["|", " \" (|0,1"], Merge(" \"", " ("));
    }

    [Fact]
    public void A_single_word_is_left_as_it_is()
    {
        Assert.Equal([" one|0"], Merge(" one"));
        Assert.Empty(Merge());
    }

    private static List<string> Merge(params string[] words)
    {
        var alignment = words.Select((w, i) => new AlignedWord(w, [i], i * 0.1, i * 0.1 + 0.1, 0.5)).ToList();
        PunctuationMerger.Merge(alignment, Defaults.PrependPunctuations, Defaults.AppendPunctuations);
        return alignment.Select(a => a.Word + "|" + string.Join(",", a.Tokens)).ToList();
    }
}
