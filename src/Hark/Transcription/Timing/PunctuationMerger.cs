namespace Hark.Transcription.Timing;

/// <summary>
/// openai-whisper's <c>merge_punctuations</c>: a prepended mark (an opening quote or bracket after a space) joins the
/// word after it, an appended mark (closing quote, full stop, comma…) joins the word before it. Merged-away entries
/// keep their place with an empty word and no tokens. Membership is Python's substring test (<c>x in "…"</c>), so an
/// empty word counts as a mark, exactly as in openai.
/// </summary>
internal static class PunctuationMerger
{
    /// <summary>Merges in place.</summary>
    public static void Merge(IReadOnlyList<AlignedWord> alignment, string prepended, string appended)
    {
        // Prepended marks, right to left: a run of them all lands on the next real word.
        var i = alignment.Count - 2;
        var j = alignment.Count - 1;
        while (i >= 0)
        {
            var previous = alignment[i];
            var following = alignment[j];
            if (previous.Word.StartsWith(' ') && prepended.Contains(previous.Word.Trim(), StringComparison.Ordinal))
            {
                following.Word = previous.Word + following.Word;
                following.Tokens = [.. previous.Tokens, .. following.Tokens];
                previous.Word = "";
                previous.Tokens = [];
            }
            else
            {
                j = i;
            }
            i--;
        }

        // Appended marks, left to right.
        i = 0;
        j = 1;
        while (j < alignment.Count)
        {
            var previous = alignment[i];
            var following = alignment[j];
            if (!previous.Word.EndsWith(' ') && appended.Contains(following.Word, StringComparison.Ordinal))
            {
                previous.Word += following.Word;
                previous.Tokens = [.. previous.Tokens, .. following.Tokens];
                following.Word = "";
                following.Tokens = [];
            }
            else
            {
                i = j;
            }
            j++;
        }
    }
}
