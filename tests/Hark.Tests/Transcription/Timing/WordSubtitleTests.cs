using Hark.Transcription;
using Hark.Transcription.Writers;

namespace Hark.Tests.Transcription.Timing;

/// <summary>SRT and VTT from words, byte for byte what openai-whisper's <c>WriteSRT</c>/<c>WriteVTT</c> write for the same
/// result and options (expected texts printed by openai's own writers).</summary>
public sealed class WordSubtitleTests
{
    private static readonly TranscriptResult Sample = new(
    [
        Seg(0.0, 2.5, W(" And", 0.0, 0.3), W(" so,", 0.3, 0.8), W(" my", 1.0, 1.2), W(" fellow", 1.2, 1.6), W(" Americans,", 1.6, 2.5)),
        Seg(2.5, 2.5),
        Seg(6.0, 8.0, W(" ask", 6.0, 6.5), W(" not.", 6.6, 8.0)),
    ], "en");

    [Fact]
    public void Without_layout_options_each_segment_is_one_cue_built_from_its_words()
    {
        Assert.Equal("1\n00:00:00,000 --> 00:00:02,500\nAnd so, my fellow Americans,\n\n2\n00:00:06,000 --> 00:00:08,000\nask not.\n\n",
            Write(OutputFormat.Srt, new SubtitleOptions()));
        Assert.Equal("WEBVTT\n\n00:00.000 --> 00:02.500\nAnd so, my fellow Americans,\n\n00:06.000 --> 00:08.000\nask not.\n\n",
            Write(OutputFormat.Vtt, null));
    }

    [Fact]
    public void Highlighting_underlines_each_word_in_turn_and_fills_the_gaps()
    {
        Assert.Equal(
            "WEBVTT\n\n00:00.000 --> 00:00.300\n<u>And</u> so, my fellow Americans,\n\n00:00.300 --> 00:00.800\nAnd <u>so,</u> my fellow Americans,\n\n"
            + "00:00.800 --> 00:01.000\nAnd so, my fellow Americans,\n\n00:01.000 --> 00:01.200\nAnd so, <u>my</u> fellow Americans,\n\n"
            + "00:01.200 --> 00:01.600\nAnd so, my <u>fellow</u> Americans,\n\n00:01.600 --> 00:02.500\nAnd so, my fellow <u>Americans,</u>\n\n"
            + "00:06.000 --> 00:06.500\n<u>ask</u> not.\n\n00:06.500 --> 00:06.600\nask not.\n\n00:06.600 --> 00:08.000\nask <u>not.</u>\n\n",
            Write(OutputFormat.Vtt, new SubtitleOptions { HighlightWords = true }));
    }

    [Fact]
    public void Line_width_and_count_break_lines_and_cues()
    {
        Assert.Equal("1\n00:00:00,000 --> 00:00:01,600\nAnd so, my\nfellow\n\n2\n00:00:01,600 --> 00:00:02,500\nAmericans,\n\n"
            + "3\n00:00:06,000 --> 00:00:08,000\nask not.\n\n",
            Write(OutputFormat.Srt, new SubtitleOptions { MaxLineWidth = 12, MaxLineCount = 2 }));
    }

    [Fact]
    public void Words_per_line_cut_each_segment_into_cues()
    {
        Assert.Equal("WEBVTT\n\n00:00.000 --> 00:00.800\nAnd so,\n\n00:01.000 --> 00:01.600\nmy fellow\n\n00:01.600 --> 00:02.500\nAmericans,\n\n"
            + "00:06.000 --> 00:08.000\nask not.\n\n",
            Write(OutputFormat.Vtt, new SubtitleOptions { MaxWordsPerLine = 2 }));
    }

    private static string Write(OutputFormat format, SubtitleOptions? options)
    {
        using var writer = new StringWriter();
        TranscriptWriter.Write(writer, Sample, format, options);
        return writer.ToString();
    }

    private static WordTiming W(string word, double start, double end) => new(word, start, end, 0.9);

    private static Segment Seg(double start, double end, params WordTiming[] words) =>
        new(0, 0, start, end, string.Concat(words.Select(w => w.Word)), [], 0, 0, 1, 0) { Words = words };
}
