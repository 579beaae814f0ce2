using System.Text.Json;

namespace Hark.Checkpoints;

/// <summary>Typed reads of JSON config fields whose failures name the file, the field and what was expected.</summary>
internal static class JsonFields
{
    /// <summary>Parses a JSON file whose root must be an object; a missing file is reported as such.</summary>
    public static JsonDocument ReadObject(string path)
    {
        byte[] bytes;
        RegularFiles.ThrowIfSpecial(path);
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new HarkInputException("file not found", path, inner: ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new HarkInputException($"cannot read: {ex.Message}", path, inner: ex);
        }
        return ParseObject(bytes, path);
    }

    /// <summary>Parses JSON text whose root must be an object.</summary>
    public static JsonDocument ParseObject(ReadOnlyMemory<byte> json, string path)
    {
        if (!System.Text.Unicode.Utf8.IsValid(json.Span))
            throw new CheckpointFormatException("not valid UTF-8 JSON", path);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            throw new CheckpointFormatException($"malformed JSON: {ex.Message}", path, inner: ex);
        }
        if (doc.RootElement.ValueKind != JsonValueKind.Object)
        {
            var kind = doc.RootElement.ValueKind;
            doc.Dispose();
            throw new CheckpointFormatException($"expected a JSON object, found {kind}", path);
        }
        return doc;
    }

    /// <summary>The property, or null when it is absent or JSON null.</summary>
    public static JsonElement? Get(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;

    /// <summary>A required positive integer.</summary>
    public static int RequiredPositiveInt(JsonElement obj, string name, string path)
    {
        var value = OptionalInt(obj, name, path) ?? throw new CheckpointFormatException("missing required field; expected a positive integer", path, name);
        return value > 0 ? value : throw new CheckpointFormatException($"expected a positive integer, found {value}", path, name);
    }

    /// <summary>An optional 32-bit integer.</summary>
    public static int? OptionalInt(JsonElement obj, string name, string path) =>
        Get(obj, name) is { } v ? Int(v, path, name) : null;

    /// <summary>An optional boolean.</summary>
    public static bool? OptionalBool(JsonElement obj, string name, string path) => Get(obj, name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.False } => false,
        { } v => throw new CheckpointFormatException($"expected true or false, found {Describe(v)}", path, name),
    };

    /// <summary>An optional string.</summary>
    public static string? OptionalString(JsonElement obj, string name, string path) => Get(obj, name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.String } v => v.GetString(),
        { } v => throw new CheckpointFormatException($"expected a string, found {Describe(v)}", path, name),
    };

    /// <summary>An optional array of integers.</summary>
    public static List<int>? OptionalIntList(JsonElement obj, string name, string path)
    {
        if (Get(obj, name) is not { } v) return null;
        if (v.ValueKind != JsonValueKind.Array) throw new CheckpointFormatException($"expected an array of integers, found {Describe(v)}", path, name);
        return [.. v.EnumerateArray().Select(e => Int(e, path, name))];
    }

    /// <summary>An optional object of string → integer.</summary>
    public static Dictionary<string, int>? OptionalIntMap(JsonElement obj, string name, string path)
    {
        if (Get(obj, name) is not { } v) return null;
        if (v.ValueKind != JsonValueKind.Object) throw new CheckpointFormatException($"expected an object of integers, found {Describe(v)}", path, name);
        var map = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var p in v.EnumerateObject()) map[p.Name] = Int(p.Value, path, $"{name}.{p.Name}");
        return map;
    }

    /// <summary>An integer element.</summary>
    public static int Int(JsonElement v, string path, string name) =>
        v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i)
            ? i
            : throw new CheckpointFormatException($"expected an integer, found {Describe(v)}", path, name);

    /// <summary>A short rendering of a value for messages.</summary>
    public static string Describe(JsonElement v)
    {
        var raw = v.GetRawText();
        return raw.Length <= 40 ? raw : raw[..40] + "…";
    }
}
