using Hark.Formats.Onnx;
using System.Collections.Concurrent;
using Hark.Checkpoints;
using Hark.Conversion.Onnx;

namespace Hark.Tests.Onnx;

/// <summary>Exports of the procedural <c>test</c> checkpoint, made once per precision and shared by the ONNX tests.</summary>
internal static class OnnxTestModels
{
    public const ulong Seed = 7;

    private static readonly ConcurrentDictionary<(OnnxPrecision, bool), Lazy<string>> Exports = new();
    private static readonly string Root = CreateRoot();

    private static string CreateRoot()
    {
        var root = Path.Combine(Path.GetTempPath(), $"hark-onnx-tests-{Environment.ProcessId}");
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        };
        return root;
    }

    public static WhisperConfig Config => WhisperPresets.Get("test");

    public static WhisperCheckpoint Checkpoint() => new("", Config, new RandomWhisperWeights(Config, Seed));

    /// <summary>The export folder for <paramref name="precision"/> (kept for the test run's lifetime).</summary>
    public static string Folder(OnnxPrecision precision, bool contribOps = false) =>
        Exports.GetOrAdd((precision, contribOps), key => new Lazy<string>(() =>
        {
            var folder = Path.Combine(Root, key.Item1.ToName() + (key.Item2 ? "-contrib" : ""));
            using var checkpoint = Checkpoint();
            OnnxExporter.Export(checkpoint, folder, new OnnxExportOptions { Precision = key.Item1, Force = true, ContribOps = key.Item2 });
            return folder;
        })).Value;
}
