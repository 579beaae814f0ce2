using System.Text.Json;
using Hark.IO;

namespace Hark.Checkpoints;

/// <summary>Reads and writes <c>generation_config.json</c> (and the same fields as older models keep them in <c>config.json</c>).</summary>
public static class GenerationConfigFile
{
    /// <summary><c>generation_config.json</c>.</summary>
    public const string FileName = "generation_config.json";

    /// <summary>Reads <paramref name="path"/>.</summary>
    /// <exception cref="HarkInputException">Missing file, malformed JSON or a field of the wrong shape.</exception>
    public static GenerationConfig Read(string path)
    {
        using var doc = JsonFields.ReadObject(path);
        return Parse(doc.RootElement, path);
    }

    /// <summary>Parses the generation fields of a JSON object (absent fields stay null).</summary>
    public static GenerationConfig Parse(JsonElement root, string path) => new()
    {
        LangToId = JsonFields.OptionalIntMap(root, "lang_to_id", path),
        TaskToId = JsonFields.OptionalIntMap(root, "task_to_id", path),
        SuppressTokens = JsonFields.OptionalIntList(root, "suppress_tokens", path),
        BeginSuppressTokens = JsonFields.OptionalIntList(root, "begin_suppress_tokens", path),
        AlignmentHeads = Pairs(root, "alignment_heads", path, nullableSecond: false)?.Select(p => (p.First, p.Second!.Value)).ToList(),
        NoTimestampsTokenId = JsonFields.OptionalInt(root, "no_timestamps_token_id", path),
        DecoderStartTokenId = JsonFields.OptionalInt(root, "decoder_start_token_id", path),
        ForcedDecoderIds = Pairs(root, "forced_decoder_ids", path, nullableSecond: true),
        IsMultilingual = JsonFields.OptionalBool(root, "is_multilingual", path),
        MaxLength = JsonFields.OptionalInt(root, "max_length", path),
    };

    /// <summary>
    /// Checks token ids against the vocabulary and alignment heads against the decoder's layers and heads.
    /// </summary>
    /// <exception cref="CheckpointFormatException">The first bad value, naming the field.</exception>
    public static void Validate(GenerationConfig g, WhisperConfig model, string? path = null)
    {
        void Token(int id, string field)
        {
            if (id < 0 || id >= model.VocabSize)
                throw new CheckpointFormatException($"token id {id} is outside the vocabulary [0, {model.VocabSize})", path, field);
        }
        foreach (var (k, v) in g.LangToId ?? new Dictionary<string, int>()) Token(v, "lang_to_id." + k);
        foreach (var (k, v) in g.TaskToId ?? new Dictionary<string, int>()) Token(v, "task_to_id." + k);
        foreach (var id in g.SuppressTokens ?? []) Token(id, "suppress_tokens");
        foreach (var id in g.BeginSuppressTokens ?? []) Token(id, "begin_suppress_tokens");
        foreach (var (_, id) in g.ForcedDecoderIds ?? []) if (id is { } t) Token(t, "forced_decoder_ids");
        if (g.NoTimestampsTokenId is { } nt) Token(nt, "no_timestamps_token_id");
        if (g.DecoderStartTokenId is { } ds) Token(ds, "decoder_start_token_id");
        foreach (var (layer, head) in g.AlignmentHeads ?? [])
        {
            if (layer < 0 || layer >= model.DecoderLayers || head < 0 || head >= model.DecoderAttentionHeads)
                throw new CheckpointFormatException(
                    $"[{layer}, {head}] is not a decoder (layer, head): expected layer < {model.DecoderLayers} and head < {model.DecoderAttentionHeads}",
                    path, "alignment_heads");
        }
    }

    /// <summary>Writes <paramref name="g"/> with transformers' field names; token ids of <paramref name="model"/> are added.</summary>
    public static void Write(string path, GenerationConfig g, WhisperConfig model) => AtomicOutput.WriteText(path, ToJson(g, model));

    /// <summary>The <c>generation_config.json</c> text.</summary>
    public static string ToJson(GenerationConfig g, WhisperConfig model)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            if (g.AlignmentHeads is { } heads) WritePairs(w, "alignment_heads", heads.Select(h => (h.Layer, (int?)h.Head)));
            if (g.BeginSuppressTokens is { } begin) WriteInts(w, "begin_suppress_tokens", begin);
            w.WriteNumber("bos_token_id", model.EosTokenId);
            w.WriteNumber("decoder_start_token_id", g.DecoderStartTokenId ?? model.DecoderStartTokenId);
            w.WriteNumber("eos_token_id", model.EosTokenId);
            if (g.ForcedDecoderIds is { } forced) WritePairs(w, "forced_decoder_ids", forced);
            if (g.IsMultilingual is { } multi) w.WriteBoolean("is_multilingual", multi);
            if (g.LangToId is { } langs) WriteMap(w, "lang_to_id", langs);
            if (g.MaxLength is { } max) w.WriteNumber("max_length", max);
            if (g.NoTimestampsTokenId is { } nt) w.WriteNumber("no_timestamps_token_id", nt);
            w.WriteNumber("pad_token_id", model.PadTokenId);
            if (g.SuppressTokens is { } suppress) WriteInts(w, "suppress_tokens", suppress);
            if (g.TaskToId is { } tasks) WriteMap(w, "task_to_id", tasks);
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static List<(int First, int? Second)>? Pairs(JsonElement root, string name, string path, bool nullableSecond)
    {
        if (JsonFields.Get(root, name) is not { } v) return null;
        var what = nullableSecond ? "[position, token or null]" : "[layer, head]";
        if (v.ValueKind != JsonValueKind.Array)
            throw new CheckpointFormatException($"expected an array of {what} pairs, found {JsonFields.Describe(v)}", path, name);
        var list = new List<(int, int?)>();
        foreach (var pair in v.EnumerateArray())
        {
            if (pair.ValueKind != JsonValueKind.Array || pair.GetArrayLength() != 2)
                throw new CheckpointFormatException($"expected {what}, found {JsonFields.Describe(pair)}", path, name);
            var first = JsonFields.Int(pair[0], path, name);
            int? second = nullableSecond && pair[1].ValueKind == JsonValueKind.Null ? null : JsonFields.Int(pair[1], path, name);
            list.Add((first, second));
        }
        return list;
    }

    private static void WritePairs(Utf8JsonWriter w, string name, IEnumerable<(int, int?)> pairs)
    {
        w.WriteStartArray(name);
        foreach (var (a, b) in pairs)
        {
            w.WriteStartArray();
            w.WriteNumberValue(a);
            if (b is { } x) w.WriteNumberValue(x);
            else w.WriteNullValue();
            w.WriteEndArray();
        }
        w.WriteEndArray();
    }

    private static void WriteInts(Utf8JsonWriter w, string name, IEnumerable<int> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values) w.WriteNumberValue(v);
        w.WriteEndArray();
    }

    private static void WriteMap(Utf8JsonWriter w, string name, IReadOnlyDictionary<string, int> map)
    {
        w.WriteStartObject(name);
        foreach (var (k, v) in map.OrderBy(kv => kv.Key, StringComparer.Ordinal)) w.WriteNumber(k, v);
        w.WriteEndObject();
    }
}
