using System.Text.Json;

namespace Hark.Tokenization;

/// <summary>
/// The tokenizer files of a Hugging Face Whisper folder: <c>tokenizer.json</c> when present (what the fast
/// tokenizer reads), else <c>vocab.json</c> + <c>merges.txt</c> (+ <c>added_tokens.json</c>).
/// </summary>
internal sealed class HfTokenizerFiles
{
    private HfTokenizerFiles(string vocabPath, string mergesPath) => (VocabPath, MergesPath) = (vocabPath, mergesPath);

    /// <summary>File the vocabulary came from.</summary>
    public string VocabPath { get; }
    /// <summary>File the merges came from.</summary>
    public string MergesPath { get; }
    /// <summary>File the added tokens came from, if any.</summary>
    public string? AddedPath { get; private set; }
    /// <summary>Byte-level token string → id.</summary>
    public Dictionary<string, int> Vocab { get; private set; } = [];
    /// <summary>Merges in rank order.</summary>
    public List<(string Left, string Right)> Merges { get; } = [];
    /// <summary>Added (special) tokens.</summary>
    public List<(string Content, int Id)> Added { get; } = [];
    /// <summary><c>model.dropout</c> of tokenizer.json (null or 0 when absent).</summary>
    public double? Dropout { get; private set; }
    /// <summary><c>vocab_size</c> of config.json, when the folder has one.</summary>
    public int? ConfigVocabSize { get; private set; }

    /// <summary>Reads the folder's tokenizer files.</summary>
    /// <exception cref="TokenizerFormatException">Files missing or malformed.</exception>
    public static HfTokenizerFiles Read(string folder)
    {
        HfTokenizerFiles files;
        var tokenizerJson = Path.Combine(folder, "tokenizer.json");
        if (File.Exists(tokenizerJson))
        {
            files = new HfTokenizerFiles(tokenizerJson, tokenizerJson) { AddedPath = tokenizerJson };
            files.ReadTokenizerJson(tokenizerJson);
        }
        else
        {
            var vocab = Path.Combine(folder, "vocab.json");
            var merges = Path.Combine(folder, "merges.txt");
            if (!File.Exists(vocab) || !File.Exists(merges))
            {
                throw new TokenizerFormatException(
                    "no tokenizer: expected tokenizer.json, or vocab.json and merges.txt (optionally added_tokens.json)", folder);
            }
            files = new HfTokenizerFiles(vocab, merges);
            files.Vocab = ReadIdMap(vocab);
            files.ReadMergesTxt(merges);
            var added = Path.Combine(folder, "added_tokens.json");
            if (File.Exists(added))
            {
                files.AddedPath = added;
                files.Added.AddRange(ReadIdMap(added).Select(kv => (kv.Key, kv.Value)));
            }
        }
        files.ReadConfig(Path.Combine(folder, "config.json"));
        files.CheckMerges();
        return files;
    }

    // As Hugging Face's loader does: both halves of a merge and its result must be vocabulary tokens.
    private void CheckMerges()
    {
        for (var rank = 0; rank < Merges.Count; rank++)
        {
            var (left, right) = Merges[rank];
            var absent = !Vocab.ContainsKey(left) ? left : !Vocab.ContainsKey(right) ? right
                : !Vocab.ContainsKey(left + right) ? left + right : null;
            if (absent is not null)
            {
                throw new TokenizerFormatException($"merge \"{left} {right}\" uses '{absent}', which is not in the vocabulary",
                    MergesPath, $"merge rank {rank}");
            }
        }
    }

    private void ReadTokenizerJson(string path)
    {
        using var doc = ParseJson(path);
        var root = doc.RootElement;
        if (!root.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.Object)
        {
            throw new TokenizerFormatException("expected an object", path, "model");
        }
        if (model.TryGetProperty("type", out var type) && type.GetString() is { } t && t != "BPE")
        {
            throw new TokenizerFormatException($"expected a BPE model, found '{t}'", path, "model.type");
        }
        if (!model.TryGetProperty("vocab", out var vocab) || vocab.ValueKind != JsonValueKind.Object)
        {
            throw new TokenizerFormatException("expected an object of token → id", path, "model.vocab");
        }
        Vocab = ToIdMap(vocab, path, "model.vocab");
        if (model.TryGetProperty("dropout", out var dropout) && dropout.ValueKind == JsonValueKind.Number)
        {
            Dropout = dropout.GetDouble();
        }
        if (!model.TryGetProperty("merges", out var merges) || merges.ValueKind != JsonValueKind.Array)
        {
            throw new TokenizerFormatException("expected an array", path, "model.merges");
        }
        var index = 0;
        foreach (var merge in merges.EnumerateArray())
        {
            // "a b" (tokenizers < 0.20) or ["a", "b"].
            (string, string)? pair = merge.ValueKind switch
            {
                JsonValueKind.String => SplitMerge(merge.GetString()!),
                JsonValueKind.Array when merge.GetArrayLength() == 2 && merge[0].ValueKind == JsonValueKind.String
                    && merge[1].ValueKind == JsonValueKind.String => (merge[0].GetString()!, merge[1].GetString()!),
                _ => null,
            };
            Merges.Add(pair ?? throw new TokenizerFormatException(
                "expected \"left right\" or [left, right]", path, $"model.merges[{index}]"));
            index++;
        }
        if (root.TryGetProperty("added_tokens", out var added) && added.ValueKind == JsonValueKind.Array)
        {
            index = 0;
            foreach (var token in added.EnumerateArray())
            {
                if (token.ValueKind != JsonValueKind.Object
                    || !token.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.Number
                    || !id.TryGetInt32(out var value)
                    || !token.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.String)
                {
                    throw new TokenizerFormatException("expected {\"id\": int, \"content\": string}", path, $"added_tokens[{index}]");
                }
                Added.Add((content.GetString()!, value));
                index++;
            }
        }
    }

    private void ReadMergesTxt(string path)
    {
        var lineNumber = 0;
        RegularFiles.ThrowIfSpecial(path);
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (line.Length == 0 || (lineNumber == 1 && line.StartsWith("#version", StringComparison.Ordinal))) continue;
            Merges.Add(SplitMerge(line) ?? throw new TokenizerFormatException(
                "expected two tokens separated by one space", path, $"line {lineNumber}"));
        }
    }

    private void ReadConfig(string path)
    {
        if (!File.Exists(path)) return;
        using var doc = ParseJson(path);
        if (doc.RootElement.ValueKind == JsonValueKind.Object
            && doc.RootElement.TryGetProperty("vocab_size", out var size) && size.ValueKind == JsonValueKind.Number
            && size.TryGetInt32(out var value))
        {
            ConfigVocabSize = value;
        }
    }

    private static (string, string)? SplitMerge(string line)
    {
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        if (space <= 0 || space == line.Length - 1 || line.IndexOf(' ', space + 1) >= 0) return null;
        return (line[..space], line[(space + 1)..]);
    }

    private static Dictionary<string, int> ReadIdMap(string path)
    {
        using var doc = ParseJson(path);
        if (doc.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new TokenizerFormatException("expected a JSON object of token → id", path);
        }
        return ToIdMap(doc.RootElement, path, null);
    }

    private static Dictionary<string, int> ToIdMap(JsonElement map, string path, string? field)
    {
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in map.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.Number || !entry.Value.TryGetInt32(out var id) || id < 0)
            {
                throw new TokenizerFormatException("expected a non-negative integer id", path,
                    (field is null ? "" : field + ".") + entry.Name);
            }
            result[entry.Name] = id;
        }
        return result;
    }

    private static JsonDocument ParseJson(string path)
    {
        RegularFiles.ThrowIfSpecial(path);
        try
        {
            using var stream = File.OpenRead(path);
            return JsonDocument.Parse(stream);
        }
        catch (JsonException e)
        {
            throw new TokenizerFormatException($"malformed JSON ({e.Message})", path, inner: e);
        }
    }
}
