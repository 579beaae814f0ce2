using System.Text.Json;
using System.Text.Json.Nodes;

namespace Hark.Formats.Onnx;

/// <summary>
/// <c>hark_onnx.json</c>: what Hark's exporter records beside an Optimum-layout folder (producer, precision, opset),
/// read back by the ONNX engine to report the precision it runs at.
/// </summary>
internal static class OnnxExportMarker
{
    /// <summary>Name of the file recording how Hark exported the folder.</summary>
    public const string FileName = "hark_onnx.json";

    /// <summary>The marker's JSON text.</summary>
    internal static string Json(OnnxPrecision precision, long opset, bool contribOps, IReadOnlyList<(int Layer, int Head)>? alignmentHeads = null)
    {
        var marker = new JsonObject { ["producer"] = "hark", ["precision"] = precision.ToName(), ["opset"] = opset, ["contrib_ops"] = contribOps };
        if (alignmentHeads is { Count: > 0 })
            marker["alignment_heads"] = new JsonArray([.. alignmentHeads.Select(h => (JsonNode)new JsonArray(h.Layer, h.Head))]);
        return marker.ToJsonString() + "\n";
    }

    /// <summary>The heads whose cross-attention the decoders output (<see cref="OptimumNames.CrossAttentions"/>), in that
    /// output's order; null when the export has none.</summary>
    /// <exception cref="HarkInputException">The marker's <c>alignment_heads</c> is not a list of [layer, head] pairs.</exception>
    internal static IReadOnlyList<(int Layer, int Head)>? ReadAlignmentHeads(string folder)
    {
        var path = Path.Combine(folder, FileName);
        if (!File.Exists(path)) return null;
        RegularFiles.ThrowIfSpecial(path);
        try
        {
            var root = JsonNode.Parse(File.ReadAllBytes(path)) as JsonObject ?? throw new FormatException("the root is not an object");
            if (root["alignment_heads"] is not JsonArray heads) return null;
            return [.. heads.Select(h => h is JsonArray { Count: 2 } pair ? (pair[0]!.GetValue<int>(), pair[1]!.GetValue<int>())
                : throw new FormatException("an entry is not a [layer, head] pair"))];
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or NullReferenceException)
        {
            throw new HarkInputException($"expected \"alignment_heads\" as [[layer, head], …]: {e.Message}", path, "alignment_heads", e);
        }
    }

    /// <summary>The precision recorded in <paramref name="folder"/>; null without a marker.</summary>
    /// <exception cref="HarkInputException">The marker is not a regular file or not the JSON Hark writes.</exception>
    internal static OnnxPrecision? ReadPrecision(string folder)
    {
        var path = Path.Combine(folder, FileName);
        if (!File.Exists(path)) return null;
        RegularFiles.ThrowIfSpecial(path);
        try
        {
            var root = JsonNode.Parse(File.ReadAllBytes(path)) as JsonObject ?? throw new FormatException("the root is not an object");
            var name = root["precision"]?.GetValue<string>();
            return name is null ? null : OnnxPrecisionNames.Parse(name);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or ArgumentException or HarkInputException)
        {
            throw new HarkInputException($"expected a JSON object with a string \"precision\" (fp32, fp16, int8, int4): {e.Message}", path, "precision", e);
        }
    }
}
