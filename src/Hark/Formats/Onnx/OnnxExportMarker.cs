using System.Text.Json;
using System.Text.Json.Nodes;

namespace Hark.Formats.Onnx;

/// <summary>
/// <c>hark_onnx.json</c>: what Hark's exporter records beside an Optimum-layout folder (producer, precision, opset),
/// read back by the ONNX engine to report the precision it runs at.
/// </summary>
public static class OnnxExportMarker
{
    /// <summary>Name of the file recording how Hark exported the folder.</summary>
    public const string FileName = "hark_onnx.json";

    /// <summary>The marker's JSON text.</summary>
    internal static string Json(OnnxPrecision precision, long opset, bool contribOps) =>
        new JsonObject { ["producer"] = "hark", ["precision"] = precision.ToName(), ["opset"] = opset, ["contrib_ops"] = contribOps }.ToJsonString() + "\n";

    /// <summary>The precision recorded in <paramref name="folder"/>; null without a marker or with one Hark cannot read.</summary>
    internal static OnnxPrecision? ReadPrecision(string folder)
    {
        var path = Path.Combine(folder, FileName);
        if (!File.Exists(path)) return null;
        try
        {
            var name = JsonNode.Parse(File.ReadAllText(path))?["precision"]?.GetValue<string>();
            return name is null ? null : OnnxPrecisionNames.Parse(name);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or HarkInputException)
        {
            return null;
        }
    }
}
