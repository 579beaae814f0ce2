using Hark.Checkpoints;
using Hark.Decoding;
using Hark.Engines;
using Hark.Tokenization;

namespace Hark.Transcription;

/// <summary>
/// A loaded Whisper model ready to transcribe: an engine plus its tokenizer. Thread-safe for concurrent
/// transcriptions (each has its own decoding state); load once and reuse for many files.
/// </summary>
/// <example><code>
/// await using var model = await WhisperModel.LoadAsync("models/nb-whisper-small");
/// var transcription = model.TranscribeAsync("talk.wav", new TranscriptionOptions { Language = "no" });
/// await foreach (var segment in transcription) Console.WriteLine(segment.Text);
/// </code></example>
public sealed partial class WhisperModel : IAsyncDisposable, IDisposable
{
    private readonly TranscriptionPipeline _pipeline;
    private readonly IDisposable? _owned;

    /// <summary>Composes a model from an engine and a tokenizer (the caller keeps ownership of both).</summary>
    /// <exception cref="HarkInputException">The tokenizer's vocabulary does not match the model's.</exception>
    public WhisperModel(IWhisperEngine engine, IDecodingTokenizer tokenizer) : this(engine, tokenizer, null, null) { }

    /// <summary>
    /// Composes a model from an engine, a <see cref="WhisperTokenizer"/> and the model folder's decoding defaults: its
    /// <c>suppress_tokens</c> are suppressed besides the requested ones and its <c>begin_suppress_tokens</c> at the first
    /// sampled position (the caller keeps ownership of the engine and the tokenizer).
    /// </summary>
    /// <exception cref="HarkInputException">The tokenizer's vocabulary does not match the model's.</exception>
    public WhisperModel(IWhisperEngine engine, WhisperTokenizer tokenizer, GenerationConfig? generation = null)
        : this(engine, new TokenizerAdapter(tokenizer ?? throw new ArgumentNullException(nameof(tokenizer))), generation, null) { }

    /// <summary>Composes a model from any decoding tokenizer (tests, stand-ins); the caller keeps ownership.</summary>
    internal WhisperModel(IWhisperEngine engine, IDecodingTokenizer tokenizer, GenerationConfig? generation = null)
        : this(engine, tokenizer, generation, null) { }

    private WhisperModel(IWhisperEngine engine, IDecodingTokenizer tokenizer, GenerationConfig? generation, IDisposable? owned,
        IWindowScheduler? scheduler = null)
    {
        if (tokenizer.Special.VocabSize != engine.Config.VocabSize)
            throw new HarkInputException(
                $"the tokenizer has {tokenizer.Special.VocabSize} tokens but the model's vocab_size is {engine.Config.VocabSize}", field: "vocab_size");
        Engine = engine;
        Tokenizer = tokenizer;
        _owned = owned;
        Generation = generation;
        _pipeline = new TranscriptionPipeline(engine, tokenizer, generation, scheduler);
    }

    /// <summary>
    /// The same engine and tokenizer (still owned by this model) with every window of a sequential run sent to
    /// <paramref name="scheduler"/>, which decodes the windows of concurrent transcriptions together.
    /// </summary>
    internal WhisperModel WithScheduler(IWindowScheduler scheduler) => new(Engine, Tokenizer, Generation, null, scheduler);

    /// <summary>Which windows can share a decoder session with <paramref name="work"/> (a scheduler's batching key).</summary>
    internal WindowShareKey ShareKey(WindowWork work) => WindowShareKey.Of(work, Tokenizer.Special, Engine.Config.MaxTargetPositions);

    /// <summary>Decodes windows of concurrent runs together (what a <see cref="IWindowScheduler"/> calls).</summary>
    internal Decoding.DecodingResult[] DecodeTogether(IReadOnlyList<WindowWork> work, CancellationToken cancellationToken) =>
        _pipeline.DecodeTogether(work, cancellationToken);

    /// <summary>The inference engine.</summary>
    public IWhisperEngine Engine { get; }

    /// <summary>The tokenizer.</summary>
    public IDecodingTokenizer Tokenizer { get; }

    /// <summary>The model folder's <c>generation_config.json</c>, when it has one.</summary>
    public GenerationConfig? Generation { get; }

    /// <summary>
    /// Loads a model on the engine named by <paramref name="options"/>. <paramref name="model"/> is a folder (Hugging Face
    /// layout: <c>config.json</c>, weights, tokenizer files; or an Optimum ONNX export), a hub repo id
    /// (<c>org/name[@revision]</c>) or an alias such as <c>small</c>; names are resolved through the Hugging Face cache,
    /// downloading what is missing (<see cref="Hub.ModelLocator"/>).
    /// </summary>
    /// <exception cref="HarkInputException">The folder is missing or malformed, or the engine/device is unavailable.</exception>
    public static async Task<WhisperModel> LoadAsync(string model, ModelOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new ModelOptions();
        var path = Hub.ModelReference.Parse(model).IsLocal
            ? model
            : await Hub.ModelLocator.ResolveAsync(model, options.Hub, options.DownloadProgress, cancellationToken).ConfigureAwait(false);
        if (!Directory.Exists(path)) throw new HarkInputException("model folder not found", path);
        // The tokenizer (JSON, BPE tables) and the weights load side by side: neither waits for the other's I/O or JIT.
        var tokenizerLoad = Task.Run(() => new TokenizerAdapter(WhisperTokenizer.FromFolder(path, options.Tokenizer)), cancellationToken);
        var engineLoad = Task.Run(() => (options.Engines ?? EngineRegistry.Default).Load(path, new EngineLoadOptions
        {
            Engine = options.Engine, Device = options.Device, Precision = options.Precision, Threads = options.Threads,
            WeightCache = options.WeightCache,
        }), cancellationToken);
        try
        {
            await Task.WhenAll(tokenizerLoad, engineLoad).ConfigureAwait(false);
        }
        catch
        {
            if (engineLoad.IsCompletedSuccessfully) engineLoad.Result.Dispose();
            // The tokenizer's error comes first, as when they loaded one after the other.
            if (tokenizerLoad.IsFaulted) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(tokenizerLoad.Exception.InnerException!);
            throw;
        }
        var engine = engineLoad.Result;
        try
        {
            return new WhisperModel(engine, tokenizerLoad.Result, ReadGeneration(path, engine.Config), engine);
        }
        catch
        {
            engine.Dispose();
            throw;
        }
    }

    /// <summary>Starts transcribing precomputed log-mel features (<see cref="MelFeatures"/> explains the padding).</summary>
    public Transcription TranscribeAsync(MelFeatures mel, TranscriptionOptions? options = null,
        IProgress<TranscriptionProgress>? progress = null, CancellationToken cancellationToken = default)
        => Start(_ => (mel, null), options ?? new TranscriptionOptions(), progress, cancellationToken);

    private Transcription Start(Func<CancellationToken, MelFeatures> features, TranscriptionOptions options,
        IProgress<TranscriptionProgress>? progress, CancellationToken cancellationToken)
        => Start(ct => (features(ct), null), options, progress, cancellationToken);

    private Transcription Start(Func<CancellationToken, (MelFeatures Mel, SpeechFilter? Speech)> features, TranscriptionOptions options,
        IProgress<TranscriptionProgress>? progress, CancellationToken cancellationToken)
    {
        return new Transcription(ct =>
        {
            var (mel, speech) = features(ct);
            if (mel.NMels != Engine.Config.NumMelBins)
                throw new HarkInputException($"features have {mel.NMels} mel bins but the model expects {Engine.Config.NumMelBins}", field: "num_mel_bins");
            var prepared = _pipeline.Prepare(mel, options, speech?.WindowsFor(options, mel), ct);
            if (speech is not null) prepared.Info = speech.Describe(prepared.Info);
            return prepared;
        }, _pipeline, progress, cancellationToken);
    }

    private static GenerationConfig? ReadGeneration(string folder, WhisperConfig config)
    {
        var path = Path.Combine(folder, GenerationConfigFile.FileName);
        if (!File.Exists(path)) return null;
        var generation = GenerationConfigFile.Read(path);
        GenerationConfigFile.Validate(generation, config, path);
        return generation;
    }

    /// <inheritdoc />
    public void Dispose() => _owned?.Dispose();

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
