using System.Text.Json;

namespace Hark.Evaluation;

/// <summary>
/// British → American spellings, word by word, from a JSON object (openai-whisper ships it as
/// <c>normalizers/english.json</c>; Hark reads it from a path since it is data, not code).
/// </summary>
public sealed class EnglishSpellingNormalizer : ITextNormalizer
{
    private readonly IReadOnlyDictionary<string, string> _map;

    /// <summary>Uses <paramref name="map"/> (lower-case British → American).</summary>
    public EnglishSpellingNormalizer(IReadOnlyDictionary<string, string> map) => _map = map;

    /// <summary>Loads the map from a JSON object file.</summary>
    /// <exception cref="HarkInputException">The file is missing or not a JSON object of strings.</exception>
    public static EnglishSpellingNormalizer Load(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            var map = JsonSerializer.Deserialize<Dictionary<string, string>>(stream)
                ?? throw new HarkInputException("expected a JSON object mapping British to American spellings", path);
            return new EnglishSpellingNormalizer(map);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new HarkInputException($"cannot read the spelling map: {ex.Message}", path, inner: ex);
        }
        catch (JsonException ex)
        {
            throw new HarkInputException($"expected a JSON object mapping British to American spellings ({ex.Message})", path, inner: ex);
        }
    }

    /// <inheritdoc />
    public string Normalize(string text) =>
        string.Join(' ', text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => _map.TryGetValue(w, out var us) ? us : w));
}
