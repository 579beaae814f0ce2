using Hark.Formats.Onnx;
using Hark.Checkpoints;

namespace Hark.Conversion.Onnx;

/// <summary><c>hark convert --to onnx</c>: an Optimum-layout folder (see <see cref="OnnxExporter"/>).</summary>
public sealed class OnnxConverter : IModelConverter
{
    /// <inheritdoc />
    public string Target => "onnx";

    /// <inheritdoc />
    public IReadOnlyList<string> Quantizations => OnnxPrecisionNames.All;

    /// <inheritdoc />
    public Task ConvertAsync(WhisperCheckpoint source, string output, ConversionOptions options,
        IProgress<ConversionProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var export = new OnnxExportOptions
        {
            Precision = OnnxPrecisionNames.Parse(options.Quantization), Force = options.Force,
            AlignmentHeads = !options.AlignmentHeads ? null
                : source.Generation.AlignmentHeads is { Count: > 0 } heads ? heads : AlignmentHeadDefaults.For(source.Config),
        };
        return Task.Run(() => OnnxExporter.Export(source, output, export, progress, cancellationToken), cancellationToken);
    }
}
