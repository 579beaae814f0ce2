namespace Hark.Checkpoints;

/// <summary>
/// A Whisper model as a training run leaves it: a Hugging Face folder with <c>config.json</c>, optional
/// <c>generation_config.json</c> and <c>preprocessor_config.json</c>, tokenizer files and weights. Tensors are exposed
/// under canonical names (<see cref="WhisperTensorNames"/>) and read lazily. Immutable; reads are thread-safe.
/// </summary>
public sealed partial class WhisperCheckpoint : IDisposable
{
    /// <summary>Wraps already-loaded parts (readers, tests and random models use this).</summary>
    public WhisperCheckpoint(string folder, WhisperConfig config, ITensorSource tensors,
        GenerationConfig? generation = null, PreprocessorConfig? preprocessor = null)
    {
        Folder = folder;
        Config = config;
        Tensors = tensors;
        Generation = generation ?? new GenerationConfig();
        Preprocessor = preprocessor ?? new PreprocessorConfig { FeatureSize = config.NumMelBins };
    }

    /// <summary>The model folder (tokenizer files are read from here).</summary>
    public string Folder { get; }

    /// <summary>Architecture, validated.</summary>
    public WhisperConfig Config { get; }

    /// <summary>Decoding defaults (empty record when the folder has none).</summary>
    public GenerationConfig Generation { get; }

    /// <summary>Feature-extractor settings.</summary>
    public PreprocessorConfig Preprocessor { get; }

    /// <summary>Weights under canonical names.</summary>
    public ITensorSource Tensors { get; }

    /// <inheritdoc />
    public void Dispose() => Tensors.Dispose();
}
