using System.Text;
using System.Text.Json;

namespace Hark.Serialization;

/// <summary>
/// Shared plumbing of Hark's JSON reports (doctor, bench): indented UTF-8 output and writers for optional values,
/// which are written as <c>null</c> rather than left out so every key is always present.
/// </summary>
internal static class JsonReport
{
    /// <summary>Runs <paramref name="write"/> against an indented writer and returns the text.</summary>
    public static string Serialize(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            write(w);
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>A finite number, else null.</summary>
    public static void Number(this Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } v && double.IsFinite(v)) w.WriteNumber(name, v);
        else w.WriteNull(name);
    }

    /// <summary>An integer, else null.</summary>
    public static void Number(this Utf8JsonWriter w, string name, long? value)
    {
        if (value is { } v) w.WriteNumber(name, v);
        else w.WriteNull(name);
    }

    /// <summary>A string, else null.</summary>
    public static void Text(this Utf8JsonWriter w, string name, string? value)
    {
        if (value is null) w.WriteNull(name);
        else w.WriteString(name, value);
    }

    /// <summary>An array of strings.</summary>
    public static void Strings(this Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values) w.WriteStringValue(v);
        w.WriteEndArray();
    }
}
