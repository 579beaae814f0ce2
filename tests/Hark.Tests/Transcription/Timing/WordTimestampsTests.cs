using Hark.Transcription;
using Hark.Transcription.Timing;

namespace Hark.Tests.Transcription.Timing;

/// <summary>
/// openai-whisper's <c>add_word_timestamps</c> on hand-built alignments: the expected times are what openai's own function
/// prints for the same segments and alignment (its <c>find_alignment</c> replaced by the hand-built words).
/// </summary>
public sealed class WordTimestampsTests
{
    private const int Eot = 50257;
    private const int Ts = 50364; // <|0.00|>
    private static readonly TranscriptionOptions Defaults = new();

    [Fact]
    public void A_full_stop_decoded_in_the_next_segment_stays_with_the_word_it_ends()
    {
        Segment[] segments = [Seg(1234, 12.34, 13.34, Ts, 1, 2, 3, Ts + 50), Seg(1234, 13.34, 16.0, Ts + 50, 4, 5, Ts + 183)];
        var result = Add(segments, 0.0,
            (" Hello", 1, 0.0, 0.4, 0.9), (" big", 2, 0.4, 0.6, 0.8), (" world", 3, 0.6, 0.9, 0.7), (".", 4, 0.9, 2.5, 0.6), (" Next", 5, 2.5, 2.8, 0.5));

        AssertSegment(result[0], 12.34, 13.24, (" Hello", 12.34, 12.74, 0.9), (" big", 12.74, 12.94, 0.8), (" world.", 12.94, 13.24, 0.7));
        AssertSegment(result[1], 14.84, 15.14, (" Next", 14.84, 15.14, 0.5));
    }

    [Fact]
    public void A_long_first_word_after_a_pause_is_clipped_to_twice_the_median_duration()
    {
        var result = Add([Seg(0, 0.0, 9.0, Ts, 1, 2, 3, 4, Ts + 450)], 0.0,
            (" Long", 1, 1.0, 6.0, 0.9), (" word", 2, 6.0, 6.3, 0.8), (" here", 3, 6.3, 6.6, 0.7), (" now", 4, 6.6, 6.9, 0.6));
        AssertSegment(result[0], 5.4, 6.9, (" Long", 5.4, 6.0, 0.9), (" word", 6.0, 6.3, 0.8), (" here", 6.3, 6.6, 0.7), (" now", 6.6, 6.9, 0.6));
    }

    [Fact]
    public void A_one_token_word_gets_the_segment_to_itself()
    {
        var result = Add([Seg(300, 3.0, 3.5, Ts, 7, Ts + 25)], 2.9, (" Yes", 7, 0.1, 0.42, 0.25));
        AssertSegment(result[0], 3.1, 3.42, (" Yes", 3.1, 3.42, 0.25));
    }

    [Fact]
    public void All_punctuation_text_becomes_one_word()
    {
        var result = Add([Seg(0, 0.0, 1.0, Ts, 11, 13, 0, Ts + 50)], 0.0, (",", 11, 0.0, 0.2, 0.5), (".", 13, 0.2, 0.6, 0.4), ("!", 0, 0.6, 0.62, 0.3));
        AssertSegment(result[0], 0.0, 0.2, (",.!", 0.0, 0.2, 0.5));
    }

    [Fact]
    public void The_segment_timestamps_win_over_implausibly_long_first_and_last_words()
    {
        var result = Add([Seg(0, 2.0, 4.0, Ts, 1, 2, Ts + 200)], 1.9, (" a", 1, 0.2, 3.0, 0.5), (" b", 2, 3.0, 5.5, 0.5));
        AssertSegment(result[0], 2.0, 4.0, (" a", 2.0, 3.0, 0.5), (" b", 3.0, 4.0, 0.5));
    }

    [Fact]
    public void A_segment_without_text_gets_no_words_and_keeps_its_times()
    {
        var result = Add([Seg(0, 0.0, 1.0, Ts, Ts + 50), Seg(0, 1.0, 2.0, Ts + 50, 1, Ts + 100)], 0.0, (" x", 1, 1.0, 1.5, 0.5));
        AssertSegment(result[0], 0.0, 1.0);
        AssertSegment(result[1], 1.0, 1.5, (" x", 1.0, 1.5, 0.5));
    }

    [Fact]
    public void Words_from_a_path_start_where_the_path_enters_their_first_token()
    {
        // Rows: 0 = <|notimestamps|>, then one per text token; the end-of-text word only bounds the last one.
        int[] rows = [0, 0, 1, 2, 2, 2, 3];
        int[] columns = [0, 1, 2, 3, 4, 5, 6];
        var words = WordAligner.FromPath(rows, columns, [" one", " two", "<|endoftext|>"], [[10], [20, 21], [Eot]], [0.5, 0.25, 0.75]);
        Assert.Equal(2, words.Count);
        Assert.Equal((" one", 0.0, 0.04, 0.5), (words[0].Word, words[0].Start, words[0].End, words[0].Probability));
        Assert.Equal((" two", 0.04, 0.12, 0.5), (words[1].Word, words[1].Start, words[1].End, words[1].Probability));
        Assert.Empty(WordAligner.FromPath(rows, columns, ["<|endoftext|>"], [[Eot]], []));
    }

    private static Segment Seg(int seek, double start, double end, params int[] tokens) => new(0, seek, start, end, "", tokens, 0, 0, 1, 0);

    private static List<Segment> Add(Segment[] segments, double lastSpeech, params (string Word, int Token, double Start, double End, double P)[] words)
    {
        var alignment = words.Select(w => new AlignedWord(w.Word, [w.Token], w.Start, w.End, w.P)).ToList();
        return WordTimestamps.Add(segments, alignment, Eot, Defaults.PrependPunctuations, Defaults.AppendPunctuations, lastSpeech);
    }

    private static void AssertSegment(Segment segment, double start, double end, params (string Word, double Start, double End, double P)[] words)
    {
        Assert.Equal(start, segment.Start, 9);
        Assert.Equal(end, segment.End, 9);
        Assert.NotNull(segment.Words);
        Assert.Equal(words.Select(w => w.Word), segment.Words.Select(w => w.Word));
        for (var i = 0; i < words.Length; i++)
        {
            Assert.Equal(words[i].Start, segment.Words[i].Start, 9);
            Assert.Equal(words[i].End, segment.Words[i].End, 9);
            Assert.Equal(words[i].P, segment.Words[i].Probability, 9);
        }
    }
}
