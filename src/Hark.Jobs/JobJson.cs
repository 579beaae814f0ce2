using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hark.Jobs;

/// <summary>The one JSON shape of job messages and states on the wire (camelCase, enums by name).</summary>
internal static class JobJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Options);

    /// <exception cref="HarkInputException">The bytes are not a <typeparamref name="T"/>.</exception>
    public static T Deserialize<T>(ReadOnlySpan<byte> json, string what)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json, Options) ?? throw new JsonException("null");
        }
        catch (JsonException e)
        {
            throw new HarkInputException($"not a valid {what}: {e.Message}", field: what, inner: e);
        }
    }
}
