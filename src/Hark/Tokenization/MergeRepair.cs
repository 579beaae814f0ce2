namespace Hark.Tokenization;

/// <summary>
/// Finds BPE merges that a vocabulary implies but a merges list lacks, and puts them back. In GPT-2-style
/// vocabularies a token's id is its merge rank, so a multi-byte token that no merge produces is a merge that was
/// lost (openai/whisper-base's <c>merges.txt</c> of 2022-09 to 2024-02 lacks rank 0, <c>Ġ t</c>).
/// </summary>
internal static class MergeRepair
{
    /// <summary>A merge the vocabulary implies: <see cref="Left"/> + <see cref="Right"/> makes token <see cref="Id"/>.</summary>
    public readonly record struct Merge(string Left, string Right, int Id)
    {
        /// <summary>merges.txt form, <c>"Ġ t"</c>.</summary>
        public override string ToString() => Left + " " + Right;
    }

    /// <summary>
    /// Merges missing from <paramref name="merges"/>: for every multi-character token of <paramref name="ordinary"/>
    /// (byte-level strings indexed by id) that no merge produces, the pair tiktoken's ranks would join to make it.
    /// </summary>
    /// <param name="ordinary">Byte-level string of each ordinary id.</param>
    /// <param name="merges">The file's merges in rank order.</param>
    /// <param name="unrecoverable">Tokens no merge produces and no two lower-ranked tokens make.</param>
    public static List<Merge> FindMissing(IReadOnlyList<string> ordinary, IReadOnlyList<(string Left, string Right)> merges,
        out int unrecoverable)
    {
        var produced = new HashSet<string>(merges.Count, StringComparer.Ordinal);
        foreach (var (left, right) in merges) produced.Add(left + right);
        var rank = new Dictionary<string, int>(ordinary.Count, StringComparer.Ordinal);
        for (var id = 0; id < ordinary.Count; id++) rank.TryAdd(ordinary[id], id);

        var missing = new List<Merge>();
        unrecoverable = 0;
        for (var id = 0; id < ordinary.Count; id++)
        {
            var token = ordinary[id];
            if (token.Length < 2 || produced.Contains(token)) continue;
            var parts = MergeBelow(token, id, rank);
            if (parts.Count == 2) missing.Add(new Merge(parts[0], parts[1], id));
            else unrecoverable++;
        }
        return missing;
    }

    /// <summary>The merges with <paramref name="restored"/> inserted where their ids put them in rank order.</summary>
    public static List<(string Left, string Right)> Restore(IReadOnlyList<(string Left, string Right)> merges,
        IReadOnlyList<Merge> restored, IReadOnlyList<string> ordinary)
    {
        var rank = new Dictionary<string, int>(ordinary.Count, StringComparer.Ordinal);
        for (var id = 0; id < ordinary.Count; id++) rank.TryAdd(ordinary[id], id);
        var result = new List<(string, string)>(merges.Count + restored.Count);
        var next = 0;
        var pending = restored.OrderBy(m => m.Id).ToList();
        foreach (var merge in merges)
        {
            var id = rank.TryGetValue(merge.Left + merge.Right, out var r) ? r : int.MaxValue;
            while (next < pending.Count && pending[next].Id < id) result.Add((pending[next].Left, pending[next++].Right));
            result.Add(merge);
        }
        while (next < pending.Count) result.Add((pending[next].Left, pending[next++].Right));
        return result;
    }

    /// <summary>
    /// The merges list of a rank vocabulary (byte-level strings indexed by rank): for every multi-character token,
    /// in rank order, the two lower-ranked tokens that BPE joins to make it.
    /// </summary>
    public static List<(string Left, string Right)> FromRanks(IReadOnlyList<string> ordinary)
    {
        var rank = new Dictionary<string, int>(ordinary.Count, StringComparer.Ordinal);
        for (var id = 0; id < ordinary.Count; id++) rank.TryAdd(ordinary[id], id);
        var merges = new List<(string, string)>(ordinary.Count);
        for (var id = 0; id < ordinary.Count; id++)
        {
            if (ordinary[id].Length < 2) continue;
            var parts = MergeBelow(ordinary[id], id, rank);
            if (parts.Count == 2) merges.Add((parts[0], parts[1]));
        }
        return merges;
    }

    // tiktoken's way of recovering a token's merge: BPE its characters using only tokens ranked below it.
    private static List<string> MergeBelow(string token, int limit, Dictionary<string, int> rank)
    {
        var parts = token.Select(c => c.ToString()).ToList();
        while (parts.Count > 2)
        {
            var best = -1;
            var bestRank = int.MaxValue;
            for (var i = 0; i + 1 < parts.Count; i++)
            {
                if (rank.TryGetValue(parts[i] + parts[i + 1], out var r) && r < limit && r < bestRank)
                {
                    best = i;
                    bestRank = r;
                }
            }
            if (best < 0) break;
            parts[best] += parts[best + 1];
            parts.RemoveAt(best + 1);
        }
        return parts;
    }
}
