using Hark.Formats.Onnx;
using Hark.Conversion.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace Hark.Tests.Onnx;

public sealed class OnnxExportTests
{
    public static TheoryData<OnnxPrecision, bool> Precisions
    {
        get
        {
            var data = new TheoryData<OnnxPrecision, bool> { { OnnxPrecision.Float32, true } };
            foreach (var p in Enum.GetValues<OnnxPrecision>()) data.Add(p, false);
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Precisions))]
    public void Every_exported_model_passes_the_schema_check_and_loads_in_onnx_runtime_at_the_highest_level(OnnxPrecision precision, bool contribOps)
    {
        var folder = OnnxTestModels.Folder(precision, contribOps);
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
