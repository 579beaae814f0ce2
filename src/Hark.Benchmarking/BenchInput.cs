namespace Hark.Benchmarking;

/// <summary>One recording to transcribe, with its reference transcript when one is known.</summary>
/// <param name="Path">Audio file.</param>
/// <param name="Reference">Reference text, or null (no WER/CER for this file).</param>
/// <param name="Language">Language code, or null for the bench default.</param>
public sealed record BenchInput(string Path, string? Reference, string? Language)
{
    /// <summary>
    /// Inputs from audio paths; each file's sibling <c>.txt</c> (same name, <c>.txt</c> extension), when present, is
    /// its reference.
    /// </summary>
    /// <exception cref="HarkInputException">A file does not exist.</exception>
    public static IReadOnlyList<BenchInput> FromAudio(IEnumerable<string> paths)
    {
        var inputs = new List<BenchInput>();
        foreach (var path in paths)
        {
            if (!File.Exists(path)) throw new HarkInputException("audio file not found", path, "--audio");
            var sibling = System.IO.Path.ChangeExtension(path, ".txt");
            var reference = File.Exists(sibling) ? File.ReadAllText(sibling).Trim() : null;
            inputs.Add(new BenchInput(path, reference, null));
        }
        return inputs;
    }

    /// <summary>
    /// Inputs from a tab-separated manifest with a header row: a <c>file</c> column (relative to the manifest's folder
    /// or absolute) and optional <c>text</c> (reference) and <c>language</c> columns; other columns are ignored.
    /// </summary>
    /// <exception cref="HarkInputException">Missing manifest, no <c>file</c> column, short rows or missing audio.</exception>
    public static IReadOnlyList<BenchInput> FromManifest(string manifestPath)
    {
        if (!File.Exists(manifestPath)) throw new HarkInputException("manifest not found", manifestPath, "--manifest");
        var lines = File.ReadAllLines(manifestPath);
        if (lines.Length == 0) throw new HarkInputException("manifest is empty; expected a header row with a 'file' column", manifestPath, "--manifest");
        var header = lines[0].Split('\t').Select(h => h.Trim().ToLowerInvariant()).ToList();
        var fileColumn = header.IndexOf("file");
        if (fileColumn < 0)
            throw new HarkInputException($"manifest header has no 'file' column (found: {string.Join(", ", header)})", manifestPath, "file");
        var textColumn = header.IndexOf("text");
        var languageColumn = header.IndexOf("language");
        var folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(manifestPath))!;
        var inputs = new List<BenchInput>();
        for (var i = 1; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i])) continue;
            var cells = lines[i].Split('\t');
            if (cells.Length <= fileColumn)
                throw new HarkInputException($"line {i + 1} has {cells.Length} columns; the 'file' column is number {fileColumn + 1}", manifestPath, "file");
            var path = System.IO.Path.Combine(folder, cells[fileColumn].Trim());
            if (!File.Exists(path)) throw new HarkInputException($"line {i + 1}: audio file not found: {path}", manifestPath, "file");
            var text = textColumn >= 0 && textColumn < cells.Length ? cells[textColumn].Trim() : null;
            var language = languageColumn >= 0 && languageColumn < cells.Length && cells[languageColumn].Trim().Length > 0
                ? cells[languageColumn].Trim() : null;
            inputs.Add(new BenchInput(path, string.IsNullOrEmpty(text) ? null : text, language));
        }
        if (inputs.Count == 0) throw new HarkInputException("manifest lists no files", manifestPath, "file");
        return inputs;
    }
}
