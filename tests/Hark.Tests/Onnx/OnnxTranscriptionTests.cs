using Hark.Formats.Onnx;
using Hark.Engines;
using Hark.Checkpoints;
using Hark.Conversion.Onnx;
using Hark.Tests.Transcription;
using Hark.Transcription;

namespace Hark.Tests.Onnx;

/// <summary><c>WhisperModel</c> on the ONNX engine: a model folder with its Optimum-layout export under <c>onnx/</c>.</summary>
public sealed class OnnxTranscriptionTests
{
    private static readonly TranscriptionOptions Fast = new()
    {
        Language = "en", BeamSize = null, Temperatures = [0f], MaxNewTokens = 8, ClipTimestamps = [0, 30],
    };

    [Theory]
    [InlineData(OnnxPrecision.Float32, true)]
    [InlineData(OnnxPrecision.Int8, false)]
    [InlineData(OnnxPrecision.Int4, false)]
    public async Task Transcribing_through_the_onnx_engine_runs_and_matches_managed_tokens_at_fp32(OnnxPrecision precision, bool sameTokens)
    {
        using var folder = new RandomModelFolder();
        using (var checkpoint = WhisperCheckpoint.Open(folder.Folder))
            OnnxExporter.Export(checkpoint, Path.Combine(folder.Folder, "onnx"), new OnnxExportOptions { Precision = precision, Merged = false });
        // The export alone (no weights) is a complete model folder for the ONNX engine.
        await using var onnx = await WhisperModel.LoadAsync(Path.Combine(folder.Folder, "onnx"), new ModelOptions { Engine = EngineKind.Onnx, Threads = 1 });
        Assert.Equal("onnx", onnx.Engine.Description.Name);
        var mel = RandomModel.LongformMel();
        var (_, segments) = await RandomModelTranscriptionTests.Run(onnx, mel, Fast);
        Assert.NotEmpty(segments);
        if (!sameTokens) return;
        await using var managed = await WhisperModel.LoadAsync(folder.Folder, new ModelOptions { Threads = 1 });
        var (_, expected) = await RandomModelTranscriptionTests.Run(managed, mel, Fast);
        Assert.Equal(expected.SelectMany(s => s.Tokens), segments.SelectMany(s => s.Tokens));
    }
}
