using System.Globalization;
using System.Text.Json;
using Hark.Tokenization;

namespace Hark.Conversion;

/// <summary>
/// Reads the token strings of a Hugging Face Whisper folder (<c>vocab.json</c> plus <c>added_tokens.json</c>) in id
/// order, the way the CTranslate2 and whisper.cpp converters list them.
/// </summary>
internal static class WhisperVocabularyFiles
{
    /// <summary>The BPE vocabulary file.</summary>
    public const string VocabFile = "vocab.json";
    /// <summary>Special tokens added after the BPE ranks.</summary>
    public const string AddedTokensFile = "added_tokens.json";

    /// <summary>
    /// Every token string by id, <paramref name="vocabSize"/> long: <c>vocab.json</c> and <c>added_tokens.json</c>
    /// merged, cut to the model's size, and padded with timestamp tokens <c>&lt;|0.00|&gt;</c>… when the tokenizer
    /// lists fewer (as CTranslate2's Whisper converter does).
    /// </summary>
    /// <exception cref="HarkInputException">A file is missing or malformed, or ids leave a gap.</exception>
    public static string[] ReadTokens(string folder, int vocabSize)
    {
        var byId = new SortedDictionary<int, string>();
        foreach (var (token, id) in ReadMap(folder, VocabFile, required: true))
            if (!byId.TryAdd(id, token))
                throw new HarkInputException($"id {id} is given to both '{byId[id]}' and '{token}'; expected one token per id", Path.Combine(folder, VocabFile), token);
        CheckBpeCount(folder, byId.Count);
        foreach (var (token, id) in ReadMap(folder, AddedTokensFile, required: false))
        {
            if (byId.TryGetValue(id, out var other) && other != token)
                throw new HarkInputException($"id {id} is '{token}' here but '{other}' in {VocabFile}; expected added tokens after the BPE ids", Path.Combine(folder, AddedTokensFile), token);
            byId[id] = token;
        }
        var tokens = new List<string>(vocabSize);
        foreach (var (id, token) in byId)
        {
            if (tokens.Count >= vocabSize) break;
            if (id != tokens.Count)
                throw new HarkInputException($"token ids jump from {tokens.Count - 1} to {id}; expected consecutive ids",
                    Path.Combine(folder, tokens.Count < 50000 ? VocabFile : AddedTokensFile));
            tokens.Add(token);
        }
        for (var i = 0; tokens.Count < vocabSize; i++)
            tokens.Add("<|" + (i * 0.02).ToString("F2", CultureInfo.InvariantCulture) + "|>");
        return [.. tokens];
    }

    /// <summary>The BPE entries of <c>vocab.json</c> only, by id, as the raw bytes they stand for (GPT-2 byte-level decoding).</summary>
    /// <exception cref="HarkInputException">The file is missing or malformed, ids leave a gap, or a token holds a character outside the byte alphabet.</exception>
    public static byte[][] ReadBpeTokenBytes(string folder)
    {
        var entries = ReadMap(folder, VocabFile, required: true).OrderBy(e => e.Id).ToList();
        CheckBpeCount(folder, entries.Count);
        var result = new byte[entries.Count][];
        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i].Id != i)
                throw new HarkInputException($"token ids jump to {entries[i].Id} at position {i}; expected consecutive ids", Path.Combine(folder, VocabFile));
            result[i] = ByteLevelAlphabet.Decode(entries[i].Token)
                ?? throw new HarkInputException($"token {i} '{entries[i].Token}' is not GPT-2 byte-level text", Path.Combine(folder, VocabFile));
        }
        return result;
    }

    /// <summary>An empty vocab.json would make a model that decodes nothing (a GGML file with 0 tokens): refuse it.</summary>
    private static void CheckBpeCount(string folder, int count)
    {
        if (count == 0)
            throw new HarkInputException("holds no tokens; expected Whisper's byte-level BPE vocabulary (50257 entries)", Path.Combine(folder, VocabFile));
    }

    private static List<(string Token, int Id)> ReadMap(string folder, string file, bool required)
    {
        var path = Path.Combine(folder, file);
        if (!File.Exists(path))
        {
            if (required) throw new HarkInputException("tokenizer file missing; the converter needs the model's vocabulary", path);
            return [];
        }
        RegularFiles.ThrowIfSpecial(path);
        var bytes = File.ReadAllBytes(path);
        if (!System.Text.Unicode.Utf8.IsValid(bytes)) throw new HarkInputException("not valid UTF-8; expected a JSON object of token → id", path);
        try
        {
            using var doc = JsonDocument.Parse(bytes);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new HarkInputException("expected a JSON object of token → id", path);
            var list = new List<(string, int)>();
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                if (p.Value.ValueKind != JsonValueKind.Number || !p.Value.TryGetInt32(out var id) || id < 0)
                    throw new HarkInputException("expected a non-negative integer id", path, p.Name);
                list.Add((p.Name, id));
            }
            return list;
        }
        catch (Exception e) when (e is JsonException or ArgumentException or System.Text.DecoderFallbackException)
        {
            throw new HarkInputException($"not valid UTF-8 JSON: {e.Message}", path, inner: e);
        }
    }
}
