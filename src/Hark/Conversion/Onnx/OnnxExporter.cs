using Hark.Formats.Onnx;
using Hark.Checkpoints;
using Hark.IO;
using DataType = Hark.Formats.Onnx.Proto.TensorProto.Types.DataType;

namespace Hark.Conversion.Onnx;

/// <summary>Options of an ONNX export.</summary>
public sealed record OnnxExportOptions
{
    /// <summary>Weight storage and arithmetic.</summary>
    public OnnxPrecision Precision { get; init; } = OnnxPrecision.Float32;

    /// <summary>Replace an existing output folder.</summary>
    public bool Force { get; init; }

    /// <summary>Also write <c>decoder_model_merged.onnx</c>.</summary>
    public bool Merged { get; init; } = true;

    /// <summary>
    /// Emit ONNX Runtime contrib operators where they measured faster (encoder self-attention as
    /// <c>com.microsoft</c> MultiHeadAttention). The result loads only in ONNX Runtime.
    /// </summary>
    public bool ContribOps { get; init; }

    /// <summary>
    /// Initializer bytes above which a model keeps its weights in <c>&lt;model&gt;.onnx_data</c> (protobuf cannot hold
    /// a message of 2 GiB or more). Tests lower it to exercise external data on small models.
    /// </summary>
    public long ExternalDataThreshold { get; init; } = (2L << 30) - (64L << 20);

    /// <summary>
    /// Decoder heads whose cross-attention probabilities the decoders also output (<see cref="OptimumNames.CrossAttentions"/>),
    /// for word timestamps on ONNX Runtime; recorded in <c>hark_onnx.json</c>. Null (the default) keeps the plain
    /// Optimum outputs.
    /// </summary>
    public IReadOnlyList<(int Layer, int Head)>? AlignmentHeads { get; init; }
}

/// <summary>
/// Writes a Whisper checkpoint as an Optimum-layout ONNX folder: encoder, decoder, decoder with past, merged
/// decoder, the source's configuration and tokenizer files, and <c>hark_onnx.json</c> (precision). The folder is built
/// under a temporary name and renamed when complete; the same checkpoint and options give the same bytes.
/// </summary>
public static class OnnxExporter
{
    /// <summary>Files copied from the checkpoint folder when present.</summary>
    public static IReadOnlyList<string> SideFiles { get; } =
    [
        "config.json", "generation_config.json", "preprocessor_config.json", "tokenizer.json", "tokenizer_config.json",
        "vocab.json", "merges.txt", "added_tokens.json", "special_tokens_map.json", "normalizer.json",
    ];

    /// <summary>Exports <paramref name="source"/> into folder <paramref name="output"/>.</summary>
    /// <exception cref="HarkInputException">The output exists and <see cref="OnnxExportOptions.Force"/> is off, or it is a file.</exception>
    public static void Export(WhisperCheckpoint source, string output, OnnxExportOptions options,
        IProgress<ConversionProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var target = Path.GetFullPath(output).TrimEnd(Path.DirectorySeparatorChar);
        InputOverlap.ThrowIfReplacesInput(target, source.Folder);
        if (File.Exists(target)) throw new HarkInputException("is a file; the ONNX export writes a folder", target);
        if (Directory.Exists(target) && !options.Force)
            throw new HarkInputException("already exists; pass --force to replace it", target);
        var c = source.Config;
        foreach (var (layer, head) in options.AlignmentHeads ?? [])
        {
            if ((uint)layer >= (uint)c.DecoderLayers || (uint)head >= (uint)c.DecoderAttentionHeads)
                throw new HarkInputException($"alignment head ({layer}, {head}) outside {c.DecoderLayers} decoder layers × {c.DecoderAttentionHeads} heads",
                    field: "alignment_heads");
        }
        using var atomic = AtomicOutput.ForFolder(target, options.Force);
        var temp = atomic.TempPath;
        var files = new List<(string File, Action<OnnxGraphBuilder, WhisperOnnxGraphs> Build, bool Encoder)>
        {
            (OptimumNames.EncoderFile, (g, w) => w.Encoder(g), true),
            (OptimumNames.DecoderFile, (g, w) => w.Decoder(g), false),
            (OptimumNames.DecoderWithPastFile, (g, w) => w.DecoderWithPast(g), false),
        };
        if (options.Merged) files.Add((OptimumNames.DecoderMergedFile, (g, w) => w.DecoderMerged(g), false));
        try
        {
            long bytes = 0;
            for (var i = 0; i < files.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var (file, build, encoder) = files[i];
                progress?.Report(new ConversionProgress(i, files.Count, bytes, file));
                bytes += WriteModel(source, Path.Combine(temp, file), options, encoder, build);
            }
            CopySideFiles(source, temp, options);
            progress?.Report(new ConversionProgress(files.Count, files.Count, bytes, ""));
            cancellationToken.ThrowIfCancellationRequested();
            atomic.Commit();
        }
        catch (IOException e)
        {
            // A full disk or a vanished folder is the environment, not the input: one line, and the temporary folder goes.
            throw new HarkException($"{target}: writing the ONNX model failed ({e.Message}); nothing was left behind", e);
        }
    }

    private static long WriteModel(WhisperCheckpoint source, string path, OnnxExportOptions options, bool encoder,
        Action<OnnxGraphBuilder, WhisperOnnxGraphs> build)
    {
        var computeType = options.Precision == OnnxPrecision.Float16 ? DataType.Float16 : DataType.Float;
        var estimate = EstimateBytes(source, encoder, options.Precision);
        ExternalInitializerSink? external = estimate > options.ExternalDataThreshold ? new ExternalInitializerSink(path + "_data") : null;
        IOnnxInitializerSink sink = external ?? (IOnnxInitializerSink)new InlineInitializerSink();
        try
        {
            var g = new OnnxGraphBuilder(Path.GetFileNameWithoutExtension(path), computeType, sink);
            build(g, new WhisperOnnxGraphs(source.Config, new OnnxWeightEmitter(FiniteTensorSource.Of(source), options.Precision, g), options.ContribOps,
                options.AlignmentHeads is { Count: > 0 } heads ? heads : null));
            OnnxModelFile.Write(OnnxModelFile.Model(g.Graph), path);
        }
        finally
        {
            external?.Dispose();
        }
        return new FileInfo(path).Length + (external is null ? 0 : new FileInfo(path + "_data").Length);
    }

    /// <summary>Upper estimate of one model's initializer bytes (decides external data before writing).</summary>
    private static long EstimateBytes(WhisperCheckpoint source, bool encoder, OnnxPrecision precision)
    {
        var perElement = precision == OnnxPrecision.Float16 ? 2 : 4;
        long total = 0;
        foreach (var (name, info) in source.Tensors.Tensors)
        {
            if (name.StartsWith("encoder.", StringComparison.Ordinal) == encoder) total += info.ElementCount * perElement;
        }
        // The merged decoder holds one copy of the weights shared by both branches; the tied projection may be
        // quantized beside the embedding.
        return encoder ? total : total + (long)source.Config.VocabSize * source.Config.DModel * perElement;
    }

    private static void CopySideFiles(WhisperCheckpoint source, string temp, OnnxExportOptions options)
    {
        foreach (var name in SideFiles)
        {
            var from = Path.Combine(source.Folder, name);
            if (!string.IsNullOrEmpty(source.Folder) && File.Exists(from)) File.Copy(from, Path.Combine(temp, name));
        }
        var config = Path.Combine(temp, "config.json");
        if (!File.Exists(config)) File.WriteAllText(config, WhisperConfigFile.ToJson(source.Config));
        File.WriteAllText(Path.Combine(temp, OnnxExportMarker.FileName), OnnxExportMarker.Json(options.Precision, OnnxModelFile.Opset, options.ContribOps, options.AlignmentHeads));
    }
}
