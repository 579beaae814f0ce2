using Hark.Conversion.Onnx;
using Hark.Engines;
using Hark.Engines.Onnx;
using Hark.Formats.Onnx;
using Hark.Tests.Transcription.Timing;

namespace Hark.Tests.Onnx;

/// <summary>Word timestamps on ONNX Runtime: an export made with alignment heads outputs their cross-attention, and the words and
/// times equal the managed engine's; a plain export refuses word timestamps in one line.</summary>
public sealed class OnnxWordTimestampTests
{
    private static readonly (int Layer, int Head)[] Heads = [(0, 1), (1, 0)];

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Onnx_word_times_equal_the_managed_engine_within_20_ms(bool merged)
    {
        using var dir = Fixtures.TempDir();
        using (var checkpoint = OnnxTestModels.Checkpoint())
            OnnxExporter.Export(checkpoint, dir.File("onnx"), new OnnxExportOptions { Force = true, AlignmentHeads = Heads });
        var managed = await WordRuns.Words(ManagedEngine.Load(OnnxTestModels.Config, new Hark.Checkpoints.RandomWhisperWeights(OnnxTestModels.Config, OnnxTestModels.Seed),
            new ManagedEngineOptions { Threads = 2 }), Heads);
        var onnx = await WordRuns.Words(OnnxEngine.Load(dir.File("onnx"), new OnnxEngineOptions { IntraOpThreads = 2, PreferMergedDecoder = merged }), Heads);
        WordRuns.AssertClose(managed, onnx);
    }

    [Fact]
    public async Task Onnx_word_times_equal_the_managed_engine_within_20_ms_on_the_tiny_preset()
    {
        using var dir = Fixtures.TempDir();
        var config = Hark.Checkpoints.WhisperPresets.Get("tiny");
        using (var checkpoint = new Hark.Checkpoints.WhisperCheckpoint("", config, new Hark.Checkpoints.RandomWhisperWeights(config, OnnxTestModels.Seed)))
            OnnxExporter.Export(checkpoint, dir.File("onnx"), new OnnxExportOptions { Force = true, AlignmentHeads = Heads });
        var managed = await WordRuns.Words(ManagedEngine.Load(config, new Hark.Checkpoints.RandomWhisperWeights(config, OnnxTestModels.Seed),
            new ManagedEngineOptions { Threads = 2 }), Heads);
        var onnx = await WordRuns.Words(OnnxEngine.Load(dir.File("onnx"), new OnnxEngineOptions { IntraOpThreads = 2 }), Heads);
        WordRuns.AssertClose(managed, onnx);
    }

    [Fact]
    public async Task A_plain_export_says_word_timestamps_need_a_re_export()
    {
        var error = await Assert.ThrowsAsync<HarkException>(() =>
            WordRuns.Words(OnnxEngine.Load(OnnxTestModels.Folder(OnnxPrecision.Float32), new OnnxEngineOptions { IntraOpThreads = 1 }), Heads));
        Assert.Contains("--alignment-heads", error.Message, StringComparison.Ordinal);
    }
}
