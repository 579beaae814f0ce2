using Hark.Checkpoints;
using Hark.IO;
using Hark.Tokenization;

namespace Hark.Conversion;

/// <summary>
/// Writes a complete Hugging Face style Whisper folder with deterministic random weights
/// (<see cref="RandomWhisperWeights"/>): <c>config.json</c>, <c>generation_config.json</c>, <c>preprocessor_config.json</c>,
/// tokenizer files copied from a source folder, and weights as safetensors (single or sharded) or
/// <c>pytorch_model.bin</c> under transformers' <c>model.</c> names. Weights are generated and written one tensor at a
/// time, so even large-v3 never sits in memory. The output may be an existing model folder without weights: its
/// configs are kept and its <c>config.json</c> dimensions used.
/// </summary>
public static class RandomModelWriter
{
    /// <summary>Tokenizer files copied from <see cref="RandomModelOptions.TokenizerSource"/>, whichever exist.</summary>
    public static IReadOnlyList<string> TokenizerFiles { get; } =
    [
        "vocab.json", "merges.txt", "added_tokens.json", "tokenizer.json", "tokenizer_config.json",
        "special_tokens_map.json", "normalizer.json",
    ];

    private static readonly string[] WeightFiles =
        [WhisperCheckpoint.SafetensorsFileName, SafetensorsWriter.IndexFileName, PytorchBinWriter.FileName];

    /// <summary>Writes the model into <paramref name="folder"/> (created if needed) and returns its architecture.</summary>
    /// <exception cref="HarkInputException">Unknown preset, unsupported dtype, bad shard count, a tokenizer source without
    /// tokenizer files, a folder that already holds weights, or an existing config that disagrees with the preset.</exception>
    /// <param name="folder">Output folder.</param>
    /// <param name="options">Preset, seed, dtype, format and tokenizer source.</param>
    /// <param name="progress">Reported after each tensor is written; null for none.</param>
    /// <param name="cancellationToken">Checked between tensors (a cancelled write leaves no weight file).</param>
    public static WhisperConfig Write(string folder, RandomModelOptions options, IProgress<WeightWriteProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        if (options.DType is not (DType.F32 or DType.F16 or DType.BF16))
            throw new HarkInputException($"random models are written as f32, f16 or bf16, not {options.DType}", field: "dtype");
        if (options.Shards < 1)
            throw new HarkInputException($"expected at least 1 shard, found {options.Shards}", field: "shards");
        if (options.PytorchBin && options.Shards > 1)
            throw new HarkInputException("sharding applies to safetensors only; drop --shards or --pytorch-bin", field: "shards");
        if (File.Exists(folder)) throw new HarkInputException("expected a folder, found a file", folder);
        foreach (var weights in WeightFiles.Append("model-00001-of-00001.safetensors"))
        {
            if (File.Exists(Path.Combine(folder, weights)))
                throw new HarkInputException($"the folder already holds weights ({weights}); choose an empty or weight-less folder", folder);
        }

        var config = ResolveConfig(folder, options.Preset);
        var tokenizerFiles = FindTokenizerFiles(options.TokenizerSource, config);
        var tiktoken = TiktokenSource(options.TokenizerSource, config);
        Directory.CreateDirectory(folder);
        // Like copied files, a folder's own tokenizer is never replaced.
        if (!File.Exists(Path.Combine(folder, "vocab.json"))) tiktoken?.WriteHfFiles(folder);
        foreach (var source in tokenizerFiles)
        {
            var destination = Path.Combine(folder, Path.GetFileName(source));
            // Copy contents, not permissions: fixtures and caches are often read-only.
            if (!File.Exists(destination))
            {
                using var input = File.OpenRead(source);
                AtomicOutput.WriteFile(destination, output => input.CopyTo(output));
            }
        }

        var configPath = Path.Combine(folder, WhisperConfigFile.FileName);
        if (!File.Exists(configPath)) WhisperConfigFile.Write(configPath, config);
        var generationPath = Path.Combine(folder, GenerationConfigFile.FileName);
        if (!File.Exists(generationPath)) GenerationConfigFile.Write(generationPath, DefaultGeneration(config, folder), config);
        var preprocessorPath = Path.Combine(folder, PreprocessorConfigFile.FileName);
        if (!File.Exists(preprocessorPath)) PreprocessorConfigFile.Write(preprocessorPath, new PreprocessorConfig { FeatureSize = config.NumMelBins });

        using var weightsSource = progress is null
            ? WeightsFor(config, options.Seed, options.DType)
            : new ProgressTensorSource(WeightsFor(config, options.Seed, options.DType), progress);
        if (options.PytorchBin) PytorchBinWriter.Write(Path.Combine(folder, PytorchBinWriter.FileName), weightsSource, cancellationToken);
        else if (options.Shards > 1) SafetensorsWriter.WriteSharded(folder, weightsSource, options.Shards, cancellationToken);
        else SafetensorsWriter.Write(Path.Combine(folder, WhisperCheckpoint.SafetensorsFileName), weightsSource, cancellationToken: cancellationToken);
        return config;
    }

    /// <summary>The random weights of <paramref name="config"/> under transformers' stored names
    /// (<c>model.</c> prefix; a separate <c>proj_out.weight</c> without it).</summary>
    public static ITensorSource WeightsFor(WhisperConfig config, ulong seed, DType dtype)
    {
        var random = new RandomWhisperWeights(config, seed, dtype);
        return new RenamedTensorSource(random, random.Tensors.Keys.Select(n =>
            KeyValuePair.Create(n == WhisperTensorNames.OutputProjection ? n : "model." + n, n)));
    }

    private static WhisperConfig ResolveConfig(string folder, string? preset)
    {
        var configPath = Path.Combine(folder, WhisperConfigFile.FileName);
        if (!File.Exists(configPath))
        {
            if (preset is null) throw new HarkInputException("no preset given and the folder has no config.json", folder, "preset");
            var config = WhisperPresets.Get(preset);
            var special = SpecialTokens.ForVocabSize(config.VocabSize); // every preset has a Whisper vocabulary
            return config with { DecoderStartTokenId = special.StartOfTranscript, EosTokenId = special.EndOfText };
        }
        var existing = WhisperConfigFile.Read(configPath);
        if (preset is not null)
        {
            var wanted = WhisperPresets.Get(preset);
            if (Dimensions(wanted) != Dimensions(existing))
                throw new HarkInputException(
                    $"the folder's config.json (d_model {existing.DModel}, {existing.EncoderLayers}+{existing.DecoderLayers} layers) is not preset '{preset}'; omit --preset to use the folder's dimensions",
                    configPath, "preset");
        }
        return existing;
    }

    private static (int, int, int, int, int, int, int, int, int, int, int) Dimensions(WhisperConfig c) =>
        (c.DModel, c.EncoderLayers, c.DecoderLayers, c.EncoderAttentionHeads, c.DecoderAttentionHeads, c.EncoderFfnDim,
         c.DecoderFfnDim, c.NumMelBins, c.MaxSourcePositions, c.MaxTargetPositions, c.VocabSize);

    private static GenerationConfig DefaultGeneration(WhisperConfig config, string folder)
    {
        try
        {
            return GenerationConfigDefaults.ForModel(config);
        }
        catch (ArgumentOutOfRangeException)
        {
            throw new HarkInputException(
                $"vocab_size {config.VocabSize} is none of Whisper's (51864, 51865, 51866); cannot derive generation_config.json", folder, "vocab_size");
        }
    }

    private static List<string> FindTokenizerFiles(string? source, WhisperConfig config)
    {
        if (source is null || File.Exists(source)) return [];
        if (!Directory.Exists(source)) throw new HarkInputException("tokenizer folder or .tiktoken file not found", source, "tokenizer");
        var files = TokenizerFiles.Select(f => Path.Combine(source, f)).Where(File.Exists).ToList();
        if (files.Count == 0)
            throw new HarkInputException($"no tokenizer files; expected some of {string.Join(", ", TokenizerFiles)}", source, "tokenizer");
        // A tokenizer from a model of another vocabulary would give wrong special ids.
        var sourceConfig = Path.Combine(source, WhisperConfigFile.FileName);
        if (File.Exists(sourceConfig))
        {
            using var doc = JsonFields.ReadObject(sourceConfig);
            if (JsonFields.OptionalInt(doc.RootElement, "vocab_size", sourceConfig) is { } vocab && vocab != config.VocabSize)
                throw new HarkInputException(
                    $"the tokenizer comes from a model with vocab_size {vocab}, the random model has {config.VocabSize}", source, "tokenizer");
        }
        return files;
    }

    /// <summary>An openai rank file (<c>.tiktoken</c>) as tokenizer source: written as vocab.json, merges.txt, added_tokens.json.</summary>
    private static WhisperTokenizer? TiktokenSource(string? source, WhisperConfig config) =>
        source is not null && File.Exists(source) ? WhisperTokenizer.FromTiktoken(source, config.VocabSize) : null;
}
