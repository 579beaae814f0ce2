using System.Text.Json;
using Hark.IO;

namespace Hark.Checkpoints;

/// <summary>Reads and writes <c>preprocessor_config.json</c> (Whisper's feature extractor settings).</summary>
public static class PreprocessorConfigFile
{
    /// <summary><c>preprocessor_config.json</c>.</summary>
    public const string FileName = "preprocessor_config.json";

    /// <summary>Reads <paramref name="path"/>; absent fields keep Whisper's defaults, present ones must be positive integers.</summary>
    /// <exception cref="HarkInputException">Missing file, malformed JSON or a bad field.</exception>
    public static PreprocessorConfig Read(string path)
    {
        using var doc = JsonFields.ReadObject(path);
        var root = doc.RootElement;
        var defaults = new PreprocessorConfig();
        return new PreprocessorConfig
        {
            FeatureSize = Positive(root, "feature_size", path) ?? defaults.FeatureSize,
            SamplingRate = Positive(root, "sampling_rate", path) ?? defaults.SamplingRate,
            HopLength = Positive(root, "hop_length", path) ?? defaults.HopLength,
            NFft = Positive(root, "n_fft", path) ?? defaults.NFft,
            ChunkLength = Positive(root, "chunk_length", path) ?? defaults.ChunkLength,
        };
    }

    /// <summary>Writes <paramref name="p"/> as transformers' <c>WhisperFeatureExtractor</c> does (without the mel filter table).</summary>
    public static void Write(string path, PreprocessorConfig p) => AtomicOutput.WriteText(path, ToJson(p));

    /// <summary>The <c>preprocessor_config.json</c> text.</summary>
    public static string ToJson(PreprocessorConfig p)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteNumber("chunk_length", p.ChunkLength);
            w.WriteString("feature_extractor_type", "WhisperFeatureExtractor");
            w.WriteNumber("feature_size", p.FeatureSize);
            w.WriteNumber("hop_length", p.HopLength);
            w.WriteNumber("n_fft", p.NFft);
            w.WriteNumber("n_samples", (long)p.ChunkLength * p.SamplingRate);
            w.WriteNumber("nb_max_frames", (long)p.ChunkLength * p.SamplingRate / p.HopLength);
            w.WriteString("padding_side", "right");
            w.WriteNumber("padding_value", 0.0);
            w.WriteString("processor_class", "WhisperProcessor");
            w.WriteBoolean("return_attention_mask", false);
            w.WriteNumber("sampling_rate", p.SamplingRate);
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static int? Positive(JsonElement root, string name, string path) => JsonFields.OptionalInt(root, name, path) switch
    {
        null => null,
        > 0 and var v => v,
        var v => throw new CheckpointFormatException($"expected a positive integer, found {v}", path, name),
    };
}
