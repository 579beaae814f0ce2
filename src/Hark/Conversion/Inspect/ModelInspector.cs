using System.Globalization;
using System.Text.Json;
using Hark.Checkpoints;
using Hark.Conversion.Ct2;
using Hark.Conversion.Ggml;

namespace Hark.Conversion.Inspect;

/// <summary>Detects the format of a path and reads its architecture and tensor table without loading weights.</summary>
public static class ModelInspector
{
    /// <summary>Detects the format of <paramref name="path"/>.</summary>
    /// <exception cref="HarkInputException">The path does not exist or holds no model Hark knows.</exception>
    public static ModelFormat Detect(string path)
    {
        if (File.Exists(path))
        {
            RegularFiles.ThrowIfSpecial(path);
            if (GgmlModelReader.HasMagic(path)) return ModelFormat.Ggml;
            if (Path.GetFileName(path) == Ct2ConfigFiles.ModelFile) return ModelFormat.CTranslate2;
            if (path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase)) return ModelFormat.Onnx;
            throw new HarkInputException("not a model file Hark knows (expected a whisper.cpp file, a CTranslate2 model.bin or a folder)", path);
        }
        if (!Directory.Exists(path)) throw new HarkInputException("no such file or folder", path);
        if (File.Exists(Path.Combine(path, Ct2ConfigFiles.ModelFile))) return ModelFormat.CTranslate2;
        if (Directory.EnumerateFiles(path, "*.onnx").Any()) return ModelFormat.Onnx;
        if (File.Exists(Path.Combine(path, "config.json"))) return ModelFormat.HuggingFace;
        throw new HarkInputException("folder holds no model.bin, *.onnx or config.json", path);
    }

    /// <summary>Inspects a CTranslate2 folder or <c>model.bin</c>.</summary>
    public static InspectReport InspectCt2(string path)
    {
        using var r = Ct2ModelReader.Open(path);
        var props = new List<KeyValuePair<string, string>>
        {
            new("format", "CTranslate2"),
            new("spec", $"{r.SpecName} revision {r.SpecRevision}"),
            new("binary version", r.BinaryVersion.ToString(CultureInfo.InvariantCulture)),
        };
        if (r.Find("decoder/embeddings/weight") is { } emb)
        {
            props.Add(new("vocab size", emb.Shape[0].ToString(CultureInfo.InvariantCulture)));
            props.Add(new("d_model", emb.Shape[1].ToString(CultureInfo.InvariantCulture)));
            props.Add(new("weights", emb.DType.ToCt2Name()));
        }
        props.Add(new("encoder layers", CountLayers(r.Variables.Select(v => v.Name), "encoder/layer_")));
        props.Add(new("decoder layers", CountLayers(r.Variables.Select(v => v.Name), "decoder/layer_")));
        if (r.Find("encoder/conv1/weight") is { } conv) props.Add(new("mel bins", conv.Shape[1].ToString(CultureInfo.InvariantCulture)));
        foreach (var scalar in new[] { "encoder/num_heads", "decoder/num_heads" })
            if (r.Find(scalar) is { DType: Ct2DType.Int16 } h) props.Add(new(scalar.Replace('/', ' ').Replace('_', ' '), BitConverter.ToInt16(r.ReadBytes(h)).ToString(CultureInfo.InvariantCulture)));
        props.Add(new("aliases", string.Join(", ", r.Aliases.Select(a => $"{a.Alias} → {a.Target}"))));
        var folder = Directory.Exists(path) ? path : Path.GetDirectoryName(Path.GetFullPath(path))!;
        foreach (var f in new[] { Ct2ConfigFiles.ConfigFile, Ct2ConfigFiles.VocabularyFile, "vocabulary.txt", "tokenizer.json", "preprocessor_config.json" })
            if (File.Exists(Path.Combine(folder, f))) props.Add(new(f, FormatBytes(new FileInfo(Path.Combine(folder, f)).Length)));
        var tensors = r.Variables.Select(v => new InspectedTensor(v.Name, v.Shape, v.DType.ToCt2Name(), v.ByteCount)).ToList();
        return new InspectReport(path, ModelFormat.CTranslate2, props, tensors);
    }

    /// <summary>Inspects a whisper.cpp model file.</summary>
    public static InspectReport InspectGgml(string path)
    {
        using var r = GgmlModelReader.Open(path);
        string[] names = ["n_vocab", "n_audio_ctx", "n_audio_state", "n_audio_head", "n_audio_layer", "n_text_ctx", "n_text_state", "n_text_head", "n_text_layer", "n_mels", "ftype"];
        var props = new List<KeyValuePair<string, string>> { new("format", "whisper.cpp (ggml)") };
        for (var i = 0; i < names.Length; i++) props.Add(new(names[i], r.Header[i].ToString(CultureInfo.InvariantCulture)));
        var ftype = r.Header[10];
        props.Add(new("weights", GgmlFileTypes.MatrixTypeOfHeader(ftype)?.ToGgmlName() ?? $"unknown ftype {ftype}"));
        props.Add(new("mel filters", $"{r.FilterMels} × {r.FilterBins}"));
        props.Add(new("vocabulary entries", r.Tokens.Count.ToString(CultureInfo.InvariantCulture)));
        var tensors = r.Tensors.Select(t => new InspectedTensor(t.Name, t.Ne, t.Type.ToGgmlName(), t.ByteCount)).ToList();
        return new InspectReport(path, ModelFormat.Ggml, props, tensors);
    }

    /// <summary>Lists the ONNX graphs (and external-data files) of a folder.</summary>
    public static InspectReport InspectOnnx(string path)
    {
        var folder = Directory.Exists(path) ? path : Path.GetDirectoryName(Path.GetFullPath(path))!;
        OnnxFolderCheck.Validate(folder);
        var files = Directory.EnumerateFiles(folder)
            .Where(f => f.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".onnx_data", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".onnx.data", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .Select(f => new InspectedTensor(Path.GetFileName(f), [], "file", new FileInfo(f).Length))
            .ToList();
        var props = new List<KeyValuePair<string, string>> { new("format", "ONNX"), new("graphs", files.Count(f => f.Name.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase)).ToString(CultureInfo.InvariantCulture)) };
        if (ReadModelType(folder) is { } type) props.Add(new("config model_type", type));
        return new InspectReport(path, ModelFormat.Onnx, props, files);
    }

    /// <summary>Inspects a Hugging Face Whisper folder (validated by <see cref="WhisperCheckpoint.Open"/>; weights stay unread).</summary>
    public static InspectReport InspectHuggingFace(string path)
    {
        using var model = WhisperCheckpoint.Open(path);
        var c = model.Config;
        var props = new List<KeyValuePair<string, string>>
        {
            new("format", "Hugging Face Whisper"),
            new("d_model", c.DModel.ToString(CultureInfo.InvariantCulture)),
            new("encoder layers", c.EncoderLayers.ToString(CultureInfo.InvariantCulture)),
            new("decoder layers", c.DecoderLayers.ToString(CultureInfo.InvariantCulture)),
            new("heads (enc/dec)", $"{c.EncoderAttentionHeads}/{c.DecoderAttentionHeads}"),
            new("mlp (enc/dec)", $"{c.EncoderFfnDim}/{c.DecoderFfnDim}"),
            new("mel bins", c.NumMelBins.ToString(CultureInfo.InvariantCulture)),
            new("vocab size", c.VocabSize.ToString(CultureInfo.InvariantCulture)),
            new("tied output projection", c.TieWordEmbeddings ? "yes" : "no"),
            new("parameters", WhisperPresets.ParameterCount(c).ToString("N0", CultureInfo.InvariantCulture)),
            new("alignment heads", DescribeAlignmentHeads(path, c)),
        };
        var tensors = model.Tensors.Tensors.Values.OrderBy(t => t.Name, StringComparer.Ordinal)
            .Select(t => new InspectedTensor(t.Name, t.Shape, t.DType.ToSafetensorsName(), t.ByteCount)).ToList();
        return new InspectReport(path, ModelFormat.HuggingFace, props, tensors);
    }

    /// <summary>Which heads word timestamps use: the folder's <c>alignment_heads</c>, or openai's fallback.</summary>
    internal static string DescribeAlignmentHeads(string folder, WhisperConfig config)
    {
        var generationPath = Path.Combine(folder, GenerationConfigFile.FileName);
        var given = File.Exists(generationPath) ? GenerationConfigFile.Read(generationPath).AlignmentHeads : null;
        if (given is { Count: > 0 })
            return $"{given.Count} from {GenerationConfigFile.FileName}: " + string.Join(" ", given.Select(h => $"{h.Layer}:{h.Head}"));
        var fallback = AlignmentHeadDefaults.For(config);
        return $"none named; fallback: all {fallback.Count} heads of decoder layers {config.DecoderLayers / 2}..{config.DecoderLayers - 1} (coarser word timestamps)";
    }

    private static string? ReadModelType(string folder)
    {
        var path = Path.Combine(folder, "config.json");
        if (!File.Exists(path)) return null;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return null;
            var parts = new List<string>();
            if (root.TryGetProperty("model_type", out var mt) && mt.ValueKind == JsonValueKind.String) parts.Add(mt.GetString()!);
            if (root.TryGetProperty("architectures", out var arch) && arch.ValueKind == JsonValueKind.Array)
                parts.AddRange(arch.EnumerateArray().Where(a => a.ValueKind == JsonValueKind.String).Select(a => a.GetString()!));
            return parts.Count == 0 ? null : string.Join(" / ", parts);
        }
        catch (JsonException e)
        {
            throw new HarkInputException($"not valid JSON: {e.Message}", path, inner: e);
        }
    }

    private static string CountLayers(IEnumerable<string> names, string prefix) =>
        names.Where(n => n.StartsWith(prefix, StringComparison.Ordinal))
            .Select(n => n[prefix.Length..].Split('/')[0])
            .Where(index => index.Length > 0 && index.All(char.IsAsciiDigit))
            .Distinct().Count().ToString(CultureInfo.InvariantCulture);

    /// <summary>Bytes as MB/GB text.</summary>
    public static string FormatBytes(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):F2} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):F1} MiB",
        >= 1L << 10 => $"{bytes / 1024.0:F1} KiB",
        _ => $"{bytes} B",
    };
}
