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
    internal static string Json(OnnxPrecision precision, long opset, bool contribOps) =>
        new JsonObject { ["producer"] = "hark", ["precision"] = precision.ToName(), ["opset"] = opset, ["contrib_ops"] = contribOps }.ToJsonString() + "\n";

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
