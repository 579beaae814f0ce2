using System.Text;
using System.Text.Json;
using Hark.Checkpoints;
using Hark.Tokenization;

namespace Hark.Conversion.Ct2;

/// <summary>
/// The JSON files of a CTranslate2 Whisper folder: <c>config.json</c> (the <c>WhisperConfig</c> fields:
/// <c>alignment_heads</c>, <c>lang_ids</c>, <c>suppress_ids</c>, <c>suppress_ids_begin</c>, keys sorted) and
/// <c>vocabulary.json</c> (token strings by id), formatted as Python's <c>json.dump(indent=2)</c> writes them.
/// </summary>
internal static class Ct2ConfigFiles
{
    /// <summary>Model file name.</summary>
    public const string ModelFile = "model.bin";
    /// <summary>Config file name.</summary>
    public const string ConfigFile = "config.json";
    /// <summary>Vocabulary file name.</summary>
    public const string VocabularyFile = "vocabulary.json";

    /// <summary>The <c>config.json</c> text for <paramref name="checkpoint"/>.</summary>
    public static string ConfigJson(WhisperCheckpoint checkpoint)
    {
        var c = checkpoint.Config;
        var g = checkpoint.Generation;
        var heads = g.AlignmentHeads ?? DefaultAlignmentHeads(c);
        var langIds = g.LangToId is { Count: > 0 } map ? map.Values.Order().ToList() : LanguageIds(c.VocabSize);
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteStartArray("alignment_heads");
            foreach (var (layer, head) in heads)
            {
                w.WriteStartArray();
                w.WriteNumberValue(layer);
                w.WriteNumberValue(head);
                w.WriteEndArray();
            }
            w.WriteEndArray();
            IntArray(w, "lang_ids", langIds);
            IntArray(w, "suppress_ids", g.SuppressTokens ?? []);
            IntArray(w, "suppress_ids_begin", g.BeginSuppressTokens ?? []);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(ms.ToArray()).ReplaceLineEndings("\n") + "\n";
    }

    /// <summary>The reference converter's fallback: every head of the last half of the decoder layers.</summary>
    public static IReadOnlyList<(int Layer, int Head)> DefaultAlignmentHeads(WhisperConfig c) => AlignmentHeadDefaults.For(c);

    private static List<int> LanguageIds(int vocabSize)
    {
        if (vocabSize is not (51864 or 51865 or 51866)) return [];
        var s = SpecialTokens.ForVocabSize(vocabSize);
        return [.. Enumerable.Range(s.FirstLanguage, s.LanguageCount)];
    }

    private static void IntArray(Utf8JsonWriter w, string name, IEnumerable<int> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values) w.WriteNumberValue(v);
        w.WriteEndArray();
    }

    /// <summary>The <c>vocabulary.json</c> text: a JSON array of strings, ASCII-escaped like Python's <c>json.dump</c>.</summary>
    public static string VocabularyJson(IReadOnlyList<string> tokens)
    {
        var sb = new StringBuilder(tokens.Count * 16);
        sb.Append('[');
        for (var i = 0; i < tokens.Count; i++)
        {
            sb.Append(i == 0 ? "\n  " : ",\n  ");
            AppendPythonJsonString(sb, tokens[i]);
        }
        sb.Append(tokens.Count == 0 ? "]" : "\n]");
        return sb.ToString();
    }

    private static void AppendPythonJsonString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (var ch in s)
        {
            switch (ch)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (ch < 0x20 || ch > 0x7E) sb.Append("\\u").Append(((int)ch).ToString("x4"));
                    else sb.Append(ch);
                    break;
            }
        }
        sb.Append('"');
    }
}
