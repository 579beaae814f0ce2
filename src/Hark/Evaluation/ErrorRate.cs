namespace Hark.Evaluation;

/// <summary>Edit-distance counts between a reference and a hypothesis (Levenshtein alignment).</summary>
/// <param name="Substitutions">Reference units replaced.</param>
/// <param name="Deletions">Reference units missing from the hypothesis.</param>
/// <param name="Insertions">Hypothesis units not in the reference.</param>
/// <param name="ReferenceLength">Units in the reference.</param>
public readonly record struct EditCounts(int Substitutions, int Deletions, int Insertions, int ReferenceLength)
{
    /// <summary>Errors over reference length (can exceed 1 with many insertions); 0 for two empty texts.</summary>
    public double Rate => ReferenceLength == 0
        ? (Substitutions + Deletions + Insertions == 0 ? 0 : 1)
        : (double)(Substitutions + Deletions + Insertions) / ReferenceLength;

    /// <summary>Sums counts over a corpus (corpus WER is not the mean of per-utterance WERs).</summary>
    public static EditCounts operator +(EditCounts a, EditCounts b) =>
        new(a.Substitutions + b.Substitutions, a.Deletions + b.Deletions, a.Insertions + b.Insertions, a.ReferenceLength + b.ReferenceLength);
}

/// <summary>Word and character error rates, computed on normalised text.</summary>
public static class ErrorRate
{
    /// <summary>Word-level edit counts after <paramref name="normalizer"/> (whitespace-separated words).</summary>
    public static EditCounts Words(string reference, string hypothesis, ITextNormalizer? normalizer = null)
    {
        var r = Split(normalizer?.Normalize(reference) ?? reference);
        var h = Split(normalizer?.Normalize(hypothesis) ?? hypothesis);
        return Align<string>(r, h);
    }

    /// <summary>Character-level edit counts after normalisation (spaces count, runs collapsed, ends trimmed).</summary>
    public static EditCounts Characters(string reference, string hypothesis, ITextNormalizer? normalizer = null)
    {
        var r = string.Join(' ', Split(normalizer?.Normalize(reference) ?? reference));
        var h = string.Join(' ', Split(normalizer?.Normalize(hypothesis) ?? hypothesis));
        return Align<char>(r.ToCharArray(), h.ToCharArray());
    }

    private static string[] Split(string s) => s.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);

    /// <summary>
    /// Minimum-edit alignment in O(min) memory: each cell carries the counts of one optimal path; ties prefer a match or
    /// substitution, then a deletion, then an insertion.
    /// </summary>
    public static EditCounts Align<T>(IReadOnlyList<T> reference, IReadOnlyList<T> hypothesis)
    {
        var n = reference.Count;
        var m = hypothesis.Count;
        var cmp = EqualityComparer<T>.Default;
        var prev = new Cell[m + 1];
        var row = new Cell[m + 1];
        for (var j = 0; j <= m; j++) prev[j] = new Cell(j, 0, 0, j);
        for (var i = 1; i <= n; i++)
        {
            row[0] = new Cell(i, 0, i, 0);
            for (var j = 1; j <= m; j++)
            {
                var same = cmp.Equals(reference[i - 1], hypothesis[j - 1]);
                var diag = prev[j - 1];
                var best = new Cell(diag.Cost + (same ? 0 : 1), diag.S + (same ? 0 : 1), diag.D, diag.I);
                var up = prev[j];
                if (up.Cost + 1 < best.Cost) best = new Cell(up.Cost + 1, up.S, up.D + 1, up.I);
                var left = row[j - 1];
                if (left.Cost + 1 < best.Cost) best = new Cell(left.Cost + 1, left.S, left.D, left.I + 1);
                row[j] = best;
            }
            (prev, row) = (row, prev);
        }
        var end = prev[m];
        return new EditCounts(end.S, end.D, end.I, n);
    }

    private readonly record struct Cell(int Cost, int S, int D, int I);
}
