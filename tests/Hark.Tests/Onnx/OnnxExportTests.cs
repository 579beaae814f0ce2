using Hark.Conversion.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace Hark.Tests.Onnx;

public sealed class OnnxExportTests
{
    public static TheoryData<OnnxPrecision> Precisions => [.. Enum.GetValues<OnnxPrecision>()];

    [Theory]
    [MemberData(nameof(Precisions))]
    public void Every_exported_model_passes_the_schema_check_and_loads_in_onnx_runtime_at_the_highest_level(OnnxPrecision precision)
    {
        var folder = OnnxTestModels.Folder(precision);
        foreach (var file in new[] { OptimumNames.EncoderFile, OptimumNames.DecoderFile, OptimumNames.DecoderWithPastFile, OptimumNames.DecoderMergedFile })
        {
            var path = Path.Combine(folder, file);
            Assert.Empty(OnnxSchemaCheck.Problems(path));
            using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, IntraOpNumThreads = 1 };
            using var session = new InferenceSession(path, options);
            Assert.NotEmpty(session.OutputMetadata);
        }
    }
}
