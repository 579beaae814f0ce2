using System.Collections.Concurrent;
using Hark.Checkpoints;
using Hark.Conversion.Onnx;

namespace Hark.Tests.Onnx;

/// <summary>Exports of the procedural <c>test</c> checkpoint, made once per precision and shared by the ONNX tests.</summary>
internal static class OnnxTestModels
{
    public const ulong Seed = 7;

    private static readonly ConcurrentDictionary<OnnxPrecision, Lazy<string>> Exports = new();
    private static readonly string Root = Path.Combine(Path.GetTempPath(), $"hark-onnx-tests-{Environment.ProcessId}");

    public static WhisperConfig Config => WhisperPresets.Get("test");

    public static WhisperCheckpoint Checkpoint() => new("", Config, new RandomWhisperWeights(Config, Seed));

    /// <summary>The export folder for <paramref name="precision"/> (kept for the test run's lifetime).</summary>
    public static string Folder(OnnxPrecision precision) =>
        Exports.GetOrAdd(precision, p => new Lazy<string>(() =>
        {
            var folder = Path.Combine(Root, p.ToName());
            using var checkpoint = Checkpoint();
            OnnxExporter.Export(checkpoint, folder, new OnnxExportOptions { Precision = p, Force = true });
            return folder;
        })).Value;
}
