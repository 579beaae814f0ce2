using System.Text;

namespace Hark.Transcription.Writers;

/// <summary>
/// openai-whisper's <c>SubtitlesWriter.iterate_result</c> for a transcript with words: words are gathered into lines of at
/// most <see cref="SubtitleOptions.MaxLineWidth"/> characters and cues of at most <see cref="SubtitleOptions.MaxLineCount"/>
/// lines (breaking at pauses over 3 s), or, when either is unset, one cue per segment (or per
/// <see cref="SubtitleOptions.MaxWordsPerLine"/> words); highlighting repeats a cue once per word with that word underlined.
/// </summary>
internal static class SubtitleCues
{
    /// <summary>Whether the transcript has words (openai looks at the first segment).</summary>
    public static bool HasWords(TranscriptResult result) => result.Segments.Count > 0 && result.Segments[0].Words is not null;

    /// <summary>(start, end, text) of each cue, times formatted with <paramref name="format"/>.</summary>
    public static IEnumerable<(string Start, string End, string Text)> Iterate(TranscriptResult result, SubtitleOptions options, Func<double, string> format)
    {
        foreach (var subtitle in Subtitles(result, options))
        {
            var start = format(subtitle[0].Start);
            var end = format(subtitle[^1].End);
            var text = string.Concat(subtitle.Select(w => w.Word));
            if (!options.HighlightWords)
            {
                yield return (start, end, text);
                continue;
            }
            var last = start;
            for (var i = 0; i < subtitle.Count; i++)
            {
                var wordStart = format(subtitle[i].Start);
                var wordEnd = format(subtitle[i].End);
                if (last != wordStart) yield return (last, wordStart, text);
                yield return (wordStart, wordEnd, string.Concat(subtitle.Select((w, j) => j == i ? Underline(w.Word) : w.Word)));
                last = wordEnd;
            }
        }
    }

    private static IEnumerable<List<WordTiming>> Subtitles(TranscriptResult result, SubtitleOptions options)
    {
        // Python's `x or default`: 0 counts as unset (and the CLI refuses negatives).
        int? maxLineCount = options.MaxLineCount is > 0 ? options.MaxLineCount : null;
        int? givenWidth = options.MaxLineWidth is > 0 ? options.MaxLineWidth : null;
        var preserveSegments = maxLineCount is null || givenWidth is null;
        var maxLineWidth = givenWidth ?? 1000;
        var maxWordsPerLine = options.MaxWordsPerLine is > 0 ? options.MaxWordsPerLine.Value : 1000;

        var lineLength = 0;
        var lineCount = 1;
        var subtitle = new List<WordTiming>();
        var last = FirstStart(result.Segments);
        foreach (var segment in result.Segments)
        {
            var words = segment.Words ?? [];
            var chunkIndex = 0;
            var wordsCount = maxWordsPerLine;
            while (chunkIndex < words.Count)
            {
                if (maxWordsPerLine > words.Count - chunkIndex) wordsCount = words.Count - chunkIndex;
                var chunk = words.Skip(Math.Max(0, chunkIndex)).Take(Math.Max(0, wordsCount)).ToList();
                for (var i = 0; i < chunk.Count; i++)
                {
                    var timing = chunk[i];
                    var longPause = !preserveSegments && timing.Start - last > 3.0;
                    var hasRoom = lineLength + Length(timing.Word) <= maxLineWidth;
                    var segmentBreak = i == 0 && subtitle.Count > 0 && preserveSegments;
                    if (lineLength > 0 && hasRoom && !longPause && !segmentBreak)
                    {
                        lineLength += Length(timing.Word); // line continuation
                    }
                    else
                    {
                        timing = timing with { Word = timing.Word.Trim() };
                        if ((subtitle.Count > 0 && maxLineCount is not null && (longPause || lineCount >= maxLineCount)) || segmentBreak)
                        {
                            yield return subtitle; // subtitle break
                            subtitle = [];
                            lineCount = 1;
                        }
                        else if (lineLength > 0)
                        {
                            lineCount++; // line break
                            timing = timing with { Word = "\n" + timing.Word };
                        }
                        lineLength = Length(timing.Word.Trim());
                    }
                    subtitle.Add(timing);
                    last = timing.Start;
                }
                chunkIndex += maxWordsPerLine;
            }
        }
        if (subtitle.Count > 0) yield return subtitle;
    }

    // openai's get_start: the first word's start, else the first segment's start.
    private static double FirstStart(IReadOnlyList<Segment> segments)
    {
        foreach (var s in segments)
        {
            if (s.Words is { Count: > 0 } words) return words[0].Start;
        }
        return segments.Count > 0 ? segments[0].Start : 0.0;
    }

    // Python's len(): code points.
    private static int Length(string text) => text.EnumerateRunes().Count();

    // re.sub(r"^(\s*)(.*)$", r"\1<u>\2</u>", word)
    private static string Underline(string word)
    {
        var lead = 0;
        while (lead < word.Length && char.IsWhiteSpace(word[lead])) lead++;
        return new StringBuilder(word.Length + 7).Append(word, 0, lead).Append("<u>").Append(word, lead, word.Length - lead).Append("</u>").ToString();
    }
}
