using System.Text.Json;
using System.Text.RegularExpressions;

namespace Hark.Tests.Hardware;

/// <summary>
/// A validator for the JSON Schema keywords docs/doctor-schema.json uses: type, properties, required,
/// additionalProperties, items, enum, const, anyOf, minimum, pattern. Unknown keywords fail loudly so the schema
/// cannot silently outgrow the validator.
/// </summary>
internal static class JsonSchemaSubset
{
    private static readonly HashSet<string> Known =
    [
        "$schema", "title", "description", "type", "properties", "required", "additionalProperties", "items",
        "enum", "const", "anyOf", "minimum", "pattern",
    ];

    public static List<string> Validate(JsonElement schema, JsonElement value)
    {
        var errors = new List<string>();
        Check(schema, value, "$", errors);
        return errors;
    }

    private static void Check(JsonElement schema, JsonElement v, string at, List<string> errors)
    {
        foreach (var p in schema.EnumerateObject())
            if (!Known.Contains(p.Name)) throw new InvalidOperationException($"schema keyword '{p.Name}' at {at} is not supported by the test validator");

        if (schema.TryGetProperty("anyOf", out var anyOf))
        {
            if (!anyOf.EnumerateArray().Any(s => { var e = new List<string>(); Check(s, v, at, e); return e.Count == 0; }))
                errors.Add($"{at}: matches no anyOf branch");
            return;
        }
        if (schema.TryGetProperty("type", out var type))
        {
            var types = type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()!).ToList() : [type.GetString()!];
            if (!types.Any(t => Is(t, v))) { errors.Add($"{at}: expected {string.Join("|", types)}, got {v.ValueKind}"); return; }
        }
        if (schema.TryGetProperty("const", out var c) && c.GetRawText() != v.GetRawText()) errors.Add($"{at}: expected {c.GetRawText()}");
        if (schema.TryGetProperty("enum", out var en) && !en.EnumerateArray().Any(e => e.GetRawText() == v.GetRawText()))
            errors.Add($"{at}: {v.GetRawText()} not in enum");
        if (schema.TryGetProperty("minimum", out var min) && v.ValueKind == JsonValueKind.Number && v.GetDouble() < min.GetDouble())
            errors.Add($"{at}: below minimum {min.GetDouble()}");
        if (schema.TryGetProperty("pattern", out var pat) && v.ValueKind == JsonValueKind.String && !Regex.IsMatch(v.GetString()!, pat.GetString()!))
            errors.Add($"{at}: '{v.GetString()}' does not match {pat.GetString()}");

        if (v.ValueKind == JsonValueKind.Object)
        {
            var props = schema.TryGetProperty("properties", out var ps) ? ps : default;
            if (schema.TryGetProperty("required", out var req))
                foreach (var r in req.EnumerateArray())
                    if (!v.TryGetProperty(r.GetString()!, out _)) errors.Add($"{at}: missing '{r.GetString()}'");
            foreach (var member in v.EnumerateObject())
            {
                if (props.ValueKind == JsonValueKind.Object && props.TryGetProperty(member.Name, out var sub)) Check(sub, member.Value, $"{at}.{member.Name}", errors);
                else if (schema.TryGetProperty("additionalProperties", out var extra))
                {
                    if (extra.ValueKind == JsonValueKind.False) errors.Add($"{at}: unexpected '{member.Name}'");
                    else if (extra.ValueKind == JsonValueKind.Object) Check(extra, member.Value, $"{at}.{member.Name}", errors);
                }
            }
        }
        if (v.ValueKind == JsonValueKind.Array && schema.TryGetProperty("items", out var items))
        {
            var i = 0;
            foreach (var item in v.EnumerateArray()) Check(items, item, $"{at}[{i++}]", errors);
        }
    }

    private static bool Is(string type, JsonElement v) => type switch
    {
        "object" => v.ValueKind == JsonValueKind.Object,
        "array" => v.ValueKind == JsonValueKind.Array,
        "string" => v.ValueKind == JsonValueKind.String,
        "boolean" => v.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "null" => v.ValueKind == JsonValueKind.Null,
        "number" => v.ValueKind == JsonValueKind.Number,
        "integer" => v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out _),
        _ => throw new InvalidOperationException($"unknown type '{type}'"),
    };
}
