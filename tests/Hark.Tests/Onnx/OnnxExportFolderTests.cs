using Hark.Formats.Onnx;
using System.Security.Cryptography;
using Hark.Checkpoints;
using Hark.Conversion;
using Hark.Conversion.Onnx;
using Hark.Engines.Onnx;

namespace Hark.Tests.Onnx;

public sealed class OnnxExportFolderTests
{
    private static Dictionary<string, string> Hashes(string folder) =>
        Directory.GetFiles(folder).ToDictionary(f => Path.GetFileName(f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));

    [Fact]
    public void The_same_checkpoint_exports_to_the_same_bytes()
    {
        using var temp = Fixtures.TempDir();
        using var checkpoint = OnnxTestModels.Checkpoint();
        var options = new OnnxExportOptions { Precision = OnnxPrecision.Int4, Merged = false };
        OnnxExporter.Export(checkpoint, temp.File("a"), options);
        OnnxExporter.Export(checkpoint, temp.File("b"), options);
        Assert.Equal(Hashes(temp.File("a")), Hashes(temp.File("b")));
    }

    [Fact]
    public void An_existing_output_is_refused_without_force_and_replaced_with_it()
    {
        using var temp = Fixtures.TempDir();
        using var checkpoint = OnnxTestModels.Checkpoint();
        var target = temp.File("out");
        Directory.CreateDirectory(target);
        File.WriteAllText(Path.Combine(target, "keep.txt"), "mine");
        var options = new OnnxExportOptions { Merged = false };
        var e = Assert.Throws<HarkInputException>(() => OnnxExporter.Export(checkpoint, target, options));
        Assert.Contains("--force", e.Message, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(target, "keep.txt")));
        OnnxExporter.Export(checkpoint, target, options with { Force = true });
        Assert.False(File.Exists(Path.Combine(target, "keep.txt")));
        Assert.True(File.Exists(Path.Combine(target, OptimumNames.EncoderFile)));
        Assert.Equal(["out"], Directory.GetFileSystemEntries(temp.FullName).Select(Path.GetFileName));
    }

    [Fact]
    public void A_cancelled_export_leaves_no_output_and_no_temporary_folder()
    {
        using var temp = Fixtures.TempDir();
        using var checkpoint = OnnxTestModels.Checkpoint();
        using var cts = new CancellationTokenSource();
        var progress = new SyncProgress(p => { if (p.TensorsDone == 1) cts.Cancel(); });
        Assert.ThrowsAny<OperationCanceledException>(() =>
            OnnxExporter.Export(checkpoint, temp.File("out"), new OnnxExportOptions(), progress, cts.Token));
        Assert.Empty(Directory.GetFileSystemEntries(temp.FullName));
    }

    [Fact]
    public void Weights_beyond_the_threshold_go_to_external_data_that_onnx_runtime_reads()
    {
        using var temp = Fixtures.TempDir();
        using var checkpoint = OnnxTestModels.Checkpoint();
        var folder = temp.File("ext");
        OnnxExporter.Export(checkpoint, folder, new OnnxExportOptions { ExternalDataThreshold = 0, Merged = false });
        foreach (var file in new[] { OptimumNames.EncoderFile, OptimumNames.DecoderFile, OptimumNames.DecoderWithPastFile })
        {
            var data = new FileInfo(Path.Combine(folder, file + "_data"));
            Assert.True(data.Exists && data.Length > new FileInfo(Path.Combine(folder, file)).Length, file);
        }
        using var engine = OnnxEngine.Load(folder, new OnnxEngineOptions { IntraOpThreads = 1 });
        using var reference = OnnxEngine.Load(OnnxTestModels.Folder(OnnxPrecision.Float32), new OnnxEngineOptions { IntraOpThreads = 1 });
        var mel = new float[80 * 3000];
        for (var i = 0; i < mel.Length; i++) mel[i] = MathF.Sin(i * 0.01f);
        using var a = engine.Encode(mel, 1);
        using var b = reference.Encode(mel, 1);
        var sa = new float[1500 * 64];
        var sb = new float[1500 * 64];
        a.CopyTo(0, sa);
        b.CopyTo(0, sb);
        Assert.Equal(sb, sa);
    }

    [Fact]
    public void The_export_carries_config_and_tokenizer_files_and_the_converter_is_registered()
    {
        var folder = OnnxTestModels.Folder(OnnxPrecision.Float32);
        Assert.True(File.Exists(Path.Combine(folder, "config.json")));
        Assert.Contains("\"fp32\"", File.ReadAllText(Path.Combine(folder, Hark.Formats.Onnx.OnnxExportMarker.FileName)), StringComparison.Ordinal);
        var converter = ConverterCatalog.Get("onnx");
        Assert.Equal(["fp32", "fp16", "int8", "int4"], converter.Quantizations.Take(4));

        // A real model folder: its files travel with the export.
        var source = Fixtures.Path("hf/nb-whisper-small-beta");
        using var temp = Fixtures.TempDir();
        var test = OnnxTestModels.Config;
        using var checkpoint = new WhisperCheckpoint(source, test, new RandomWhisperWeights(test, 1));
        OnnxExporter.Export(checkpoint, temp.File("nb"), new OnnxExportOptions { Merged = false });
        foreach (var name in new[] { "tokenizer.json", "generation_config.json", "preprocessor_config.json", "vocab.json" })
            Assert.Equal(File.ReadAllBytes(Path.Combine(source, name)), File.ReadAllBytes(Path.Combine(temp.File("nb"), name)));
    }

    private sealed class SyncProgress(Action<ConversionProgress> report) : IProgress<ConversionProgress>
    {
        public void Report(ConversionProgress value) => report(value);
    }
}
