using System.Buffers;
using System.Text.Json;

namespace Hark.Checkpoints;

public sealed partial class WhisperCheckpoint
{
    /// <summary><c>model.safetensors</c>.</summary>
    public const string SafetensorsFileName = "model.safetensors";

    /// <summary>
    /// Opens a Hugging Face Whisper folder: validates <c>config.json</c>, reads <c>generation_config.json</c> (or the
    /// same fields from <c>config.json</c> in older folders) and <c>preprocessor_config.json</c>, maps the weights
    /// (<c>model.safetensors</c>, sharded safetensors, or <c>pytorch_model.bin</c>; safetensors preferred), strips the
    /// <c>model.</c> prefix, resolves a tied or separate <c>proj_out.weight</c> (separate and different → the returned
    /// config has <see cref="WhisperConfig.TieWordEmbeddings"/> false), and checks that every tensor of
    /// <see cref="WhisperTensorLayout"/> is present with the right shape and a weight dtype. Weights stay lazy.
    /// </summary>
    /// <exception cref="HarkInputException">Missing folder, config or weights.</exception>
    /// <exception cref="CheckpointFormatException">Any malformed file; all missing and mismatched tensors in one message.</exception>
    public static WhisperCheckpoint Open(string folder, CheckpointOptions? options = null)
    {
        options ??= new CheckpointOptions();
        if (!Directory.Exists(folder))
            throw new HarkInputException(File.Exists(folder) ? "expected a model folder, found a file" : "model folder not found", folder);
        var configPath = Path.Combine(folder, WhisperConfigFile.FileName);
        if (!File.Exists(configPath))
            throw new HarkInputException("no config.json: expected a Hugging Face Whisper model folder", folder, WhisperConfigFile.FileName);
        var config = WhisperConfigFile.Read(configPath);
        var generation = ReadGeneration(folder, configPath, config);
        var preprocessorPath = Path.Combine(folder, PreprocessorConfigFile.FileName);
        var preprocessor = File.Exists(preprocessorPath)
            ? PreprocessorConfigFile.Read(preprocessorPath)
            : new PreprocessorConfig { FeatureSize = config.NumMelBins };
        if (preprocessor.FeatureSize != config.NumMelBins)
            throw new CheckpointFormatException(
                $"feature_size {preprocessor.FeatureSize} disagrees with num_mel_bins {config.NumMelBins} of config.json", preprocessorPath, "feature_size");

        var (raw, weightsPath) = OpenWeights(folder, options.Format);
        try
        {
            var (tensors, resolved) = Normalise(raw, weightsPath, config);
            LayerCountCheck.ThrowIfBeyondWeights(tensors, resolved, configPath, weightsPath);
            CheckLayout(tensors, resolved, weightsPath);
            return new WhisperCheckpoint(Path.GetFullPath(folder), resolved, tensors, generation, preprocessor);
        }
        catch
        {
            raw.Dispose();
            throw;
        }
    }

    private static GenerationConfig ReadGeneration(string folder, string configPath, WhisperConfig config)
    {
        var path = Path.Combine(folder, GenerationConfigFile.FileName);
        GenerationConfig generation;
        if (File.Exists(path))
        {
            generation = GenerationConfigFile.Read(path);
        }
        else
        {
            // Folders saved before transformers 4.27 keep the generation fields in config.json.
            path = configPath;
            using var doc = JsonFields.ReadObject(configPath);
            generation = GenerationConfigFile.Parse(doc.RootElement, configPath);
        }
        GenerationConfigFile.Validate(generation, config, path);
        return generation;
    }

    private static (ITensorSource Source, string Path) OpenWeights(string folder, WeightFormat format)
    {
        var single = Path.Combine(folder, SafetensorsFileName);
        var index = Path.Combine(folder, SafetensorsWriter.IndexFileName);
        var bin = Path.Combine(folder, PytorchBinWriter.FileName);
        if (format != WeightFormat.PytorchBin)
        {
            if (File.Exists(single)) return (SafetensorsReader.Open(single), single);
            if (File.Exists(index)) return (ShardedSafetensorsReader.Open(index), index);
        }
        if (format != WeightFormat.Safetensors && File.Exists(bin)) return (PytorchBinReader.Open(bin), bin);
        var expected = format switch
        {
            WeightFormat.Safetensors => $"{SafetensorsFileName} or {SafetensorsWriter.IndexFileName}",
            WeightFormat.PytorchBin => PytorchBinWriter.FileName,
            _ => $"{SafetensorsFileName}, {SafetensorsWriter.IndexFileName} or {PytorchBinWriter.FileName}",
        };
        if (File.Exists(Path.Combine(folder, "pytorch_model.bin.index.json")) && format != WeightFormat.Safetensors)
            throw new HarkInputException("sharded pytorch_model-*.bin weights are not supported; save the model as safetensors", folder);
        throw new HarkInputException($"no weights: expected {expected}", folder);
    }

    /// <summary>Maps stored names to canonical ones and decides whether proj_out is tied.</summary>
    private static (ITensorSource Tensors, WhisperConfig Config) Normalise(ITensorSource raw, string path, WhisperConfig config)
    {
        const string Prefix = "model.";
        var canonical = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var stored in raw.Tensors.Keys)
        {
            var name = stored.StartsWith(Prefix, StringComparison.Ordinal) ? stored[Prefix.Length..] : stored;
            if (!canonical.TryAdd(name, stored))
                throw new CheckpointFormatException($"stored both as '{canonical[name]}' and '{stored}'", path, name);
        }
        var projection = WhisperTensorNames.OutputProjection;
        if (canonical.TryGetValue(projection, out var storedProjection)
            && canonical.TryGetValue(WhisperTensorNames.TokenEmbedding, out var storedEmbedding))
        {
            if (IsSameTensor(raw, storedProjection, storedEmbedding))
            {
                canonical.Remove(projection);
                config = config with { TieWordEmbeddings = true };
            }
            else
            {
                config = config with { TieWordEmbeddings = false };
            }
        }
        return (new RenamedTensorSource(raw, canonical), config);
    }

    private static bool IsSameTensor(ITensorSource raw, string a, string b)
    {
        if (raw is PytorchBinReader bin && bin.SharesBytes(a, b)) return true;
        var x = raw.Tensors[a];
        var y = raw.Tensors[b];
        if (x.DType != y.DType || !x.Shape.SequenceEqual(y.Shape)) return false;
        var length = checked((int)x.ByteCount);
        var first = ArrayPool<byte>.Shared.Rent(length);
        var second = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            raw.ReadBytes(a, first.AsSpan(0, length));
            raw.ReadBytes(b, second.AsSpan(0, length));
            return first.AsSpan(0, length).SequenceEqual(second.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(first);
            ArrayPool<byte>.Shared.Return(second);
        }
    }

    /// <summary>Reports every missing tensor, wrong shape and non-weight dtype at once.</summary>
    private static void CheckLayout(ITensorSource tensors, WhisperConfig config, string path)
    {
        var problems = new List<string>();
        foreach (var (name, shape) in WhisperTensorLayout.Enumerate(config))
        {
            if (!tensors.Tensors.TryGetValue(name, out var info))
            {
                problems.Add($"{name}: missing (expected shape [{string.Join(", ", shape)}])");
                continue;
            }
            if (!info.Shape.SequenceEqual(shape))
                problems.Add($"{name}: shape {info.ShapeText}, expected [{string.Join(", ", shape)}] from config.json");
            if (info.DType is not (DType.F32 or DType.F16 or DType.BF16 or DType.F64 or DType.I8 or DType.U8))
                problems.Add($"{name}: dtype {info.DType.ToSafetensorsName()} is not a weight type (expected F32, F16, BF16, I8 or U8)");
        }
        if (problems.Count == 0) return;
        const int Shown = 12;
        var more = problems.Count > Shown ? $"; and {problems.Count - Shown} more" : "";
        throw new CheckpointFormatException(
            $"{problems.Count} tensor problem(s): {string.Join("; ", problems.Take(Shown))}{more}", path, "tensors");
    }
}
