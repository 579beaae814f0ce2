using Hark.Checkpoints;
using Hark.Formats.Onnx;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Hark.Engines.Onnx;

/// <summary>
/// Runs an Optimum-layout Whisper ONNX folder (Hark's export or Optimum's) through ONNX Runtime on any execution
/// provider. The encoder output, caches and reorders stay in the provider's memory; only logits come to the host.
/// </summary>
public sealed class OnnxEngine : IWhisperEngine
{
    private readonly SessionOptions _sessionOptions;

    private OnnxEngine(WhisperConfig config, EngineDescription description, OnnxEngineOptions options, string provider)
    {
        Config = config;
        Description = description;
        Options = options;
        Provider = provider;
        _sessionOptions = CreateSessionOptions(options, provider);
        DeviceMemory = provider is "CUDAExecutionProvider" or "TensorrtExecutionProvider"
            ? new OrtMemoryInfo("Cuda", OrtAllocatorType.DeviceAllocator, options.DeviceIndex, OrtMemType.Default)
            : OrtMemoryInfo.DefaultInstance;
        Gather = new OnnxGather(() => CreateSessionOptions(options, provider));
    }

    /// <inheritdoc />
    public WhisperConfig Config { get; }

    /// <inheritdoc />
    public EngineDescription Description { get; }

    /// <summary>Options the engine was loaded with.</summary>
    public OnnxEngineOptions Options { get; }

    /// <summary>The execution provider in use (<c>CPUExecutionProvider</c>, …).</summary>
    public string Provider { get; }

    internal InferenceSession Encoder { get; private set; } = null!;
    internal InferenceSession? Decoder { get; private set; }
    internal InferenceSession? DecoderWithPast { get; private set; }
    internal InferenceSession? DecoderMerged { get; private set; }
    internal OrtMemoryInfo DeviceMemory { get; }
    internal OnnxGather Gather { get; }

    /// <summary>Element type of the decoder's caches (float, or float16 for fp16 exports).</summary>
    internal TensorElementType CacheType { get; private set; }

    /// <summary>Element type of the decoder's <c>encoder_hidden_states</c>.</summary>
    internal TensorElementType StatesType { get; private set; }

    /// <summary>Element type of <c>input_ids</c> (int64 in Optimum's exports).</summary>
    internal TensorElementType TokenType { get; private set; }

    /// <summary>Loads <paramref name="folder"/> (or its <c>onnx/</c> subfolder).</summary>
    /// <exception cref="OnnxProviderUnavailableException">The native ONNX Runtime lacks the requested provider.</exception>
    /// <exception cref="HarkInputException">Missing model files or configuration, or a model ONNX Runtime rejects.</exception>
    public static OnnxEngine Load(string folder, OnnxEngineOptions? options = null)
    {
        options ??= new OnnxEngineOptions();
        if (options.IntraOpThreads < 0) throw new HarkInputException("must be 0 (default) or more", field: "--threads");
        var provider = OnnxExecutionProviders.Select(options.Device, OrtEnv.Instance().GetAvailableProviders());
        var dir = ModelDirectory(folder);
        var config = WhisperConfigFile.Read(ConfigPath(dir, folder));
        var files = DecoderFiles(dir, options);
        var used = files.Append(Path.Combine(dir, OptimumNames.EncoderFile)).ToList();
        var description = new EngineDescription("onnx",
            new EngineDevice(OnnxExecutionProviders.Kind(options.Device), options.DeviceIndex),
            Precision(dir), options.IntraOpThreads > 0 ? options.IntraOpThreads : Environment.ProcessorCount, used.Sum(FileBytes));
        var engine = new OnnxEngine(config, description, options, provider);
        try
        {
            engine.Encoder = engine.Open(Path.Combine(dir, OptimumNames.EncoderFile));
            foreach (var file in files)
            {
                var session = engine.Open(file);
                switch (Path.GetFileName(file))
                {
                    case OptimumNames.DecoderFile: engine.Decoder = session; break;
                    case OptimumNames.DecoderWithPastFile: engine.DecoderWithPast = session; break;
                    default: engine.DecoderMerged = session; break;
                }
            }
            CheckInputs(engine.Encoder, Path.Combine(dir, OptimumNames.EncoderFile));
            foreach (var file in files)
                CheckInputs(Path.GetFileName(file) switch
                {
                    OptimumNames.DecoderFile => engine.Decoder!,
                    OptimumNames.DecoderWithPastFile => engine.DecoderWithPast!,
                    _ => engine.DecoderMerged!,
                }, file);
            var anyDecoder = engine.DecoderMerged ?? engine.DecoderWithPast!;
            engine.CacheType = anyDecoder.InputMetadata[OptimumNames.Past(0, false, false)].ElementDataType;
            engine.StatesType = (engine.DecoderMerged ?? engine.Decoder!).InputMetadata[OptimumNames.EncoderHiddenStates].ElementDataType;
            engine.TokenType = anyDecoder.InputMetadata[OptimumNames.InputIds].ElementDataType;
            // Word timestamps: only when every decoder used outputs the heads the marker names.
            if (files.All(f => (Path.GetFileName(f) switch
                {
                    OptimumNames.DecoderFile => engine.Decoder!,
                    OptimumNames.DecoderWithPastFile => engine.DecoderWithPast!,
                    _ => engine.DecoderMerged!,
                }).OutputMetadata.ContainsKey(OptimumNames.CrossAttentions)))
                engine.ExportedAlignmentHeads = OnnxExportMarker.ReadAlignmentHeads(dir);
            return engine;
        }
        catch
        {
            engine.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public IEncodedAudio Encode(ReadOnlySpan<float> mel, int batch, CancellationToken cancellationToken = default)
    {
        var mels = Config.NumMelBins;
        var frames = Config.MelFrames;
        if (batch <= 0 || mel.Length != (long)batch * mels * frames)
            throw new ArgumentException($"expected {batch} × {mels} × {frames} mel values, got {mel.Length}", nameof(mel));
        var inputType = Encoder.InputMetadata[OptimumNames.InputFeatures].ElementDataType;
        using var input = OnnxValues.FromFloats(mel, inputType, [batch, mels, frames]);
        using var binding = Encoder.CreateIoBinding();
        binding.BindInput(OptimumNames.InputFeatures, input);
        binding.BindOutputToDevice(OptimumNames.LastHiddenState, DeviceMemory);
        Run(Encoder, binding, cancellationToken);
        return new OnnxEncodedAudio(this, binding.GetOutputValues()[0], batch);
    }

    /// <inheritdoc />
    public IDecoderSession StartDecoder(IEncodedAudio audio, ReadOnlySpan<int> audioIndex, DecoderSessionOptions? options = null)
    {
        if (audio is not OnnxEncodedAudio encoded || encoded.Engine != this)
            throw new ArgumentException("the encoded audio comes from another engine", nameof(audio));
        var maxLength = CheckSession(audioIndex, encoded.Batch, options);
        return new OnnxDecoderSession(this, Gather.Rows(encoded.States, audioIndex, DeviceMemory), audioIndex, maxLength, AlignmentIndex(options));
    }

    /// <summary>Validates a session's rows and options; returns its maximum length.</summary>
    internal int CheckSession(ReadOnlySpan<int> audioIndex, int windows, DecoderSessionOptions? options)
    {
        if (audioIndex.IsEmpty) throw new ArgumentException("at least one sequence is needed", nameof(audioIndex));
        foreach (var i in audioIndex)
            if ((uint)i >= (uint)windows) throw new ArgumentOutOfRangeException(nameof(audioIndex), i, $"the audio holds {windows} windows");
        var maxLength = options?.MaxLength ?? Config.MaxTargetPositions;
        if (maxLength <= 0 || maxLength > Config.MaxTargetPositions)
            throw new ArgumentOutOfRangeException(nameof(options), maxLength, $"MaxLength must be within 1..{Config.MaxTargetPositions}");
        return maxLength;
    }

    /// <summary>The heads whose cross-attention the decoders output (in that output's order); null for a plain export.</summary>
    internal IReadOnlyList<(int Layer, int Head)>? ExportedAlignmentHeads { get; private set; }

    /// <summary>For each head <paramref name="options"/> asks for, its place in the decoders' cross-attention output; null when none are asked.</summary>
    /// <exception cref="HarkException">The export has no cross-attention output, or not for one of the heads asked.</exception>
    internal int[]? AlignmentIndex(DecoderSessionOptions? options)
    {
        if (options?.AlignmentHeads is not { Count: > 0 } asked) return null;
        var exported = ExportedAlignmentHeads
            ?? throw new HarkException("this ONNX export has no cross-attention output, so word timestamps need a re-export with alignment heads "
                + "('hark convert --to onnx --alignment-heads') or another engine");
        var index = new int[asked.Count];
        for (var i = 0; i < asked.Count; i++)
        {
            index[i] = exported.ToList().IndexOf(asked[i]);
            if (index[i] < 0)
                throw new HarkException($"this ONNX export outputs the cross-attention of heads {string.Join(" ", exported.Select(h => $"{h.Layer}:{h.Head}"))}, "
                    + $"not of {asked[i].Layer}:{asked[i].Head}; re-export with the model's alignment heads");
        }
        return index;
    }

    /// <inheritdoc />
    public IDecoderSessionFactory PrepareDecoder(IEncodedAudio audio) =>
        audio is OnnxEncodedAudio encoded && encoded.Engine == this
            ? new OnnxDecoderFactory(this, encoded)
            : throw new ArgumentException("the encoded audio comes from another engine", nameof(audio));

    /// <summary>Runs a bound session, honouring cancellation through ONNX Runtime's terminate flag.</summary>
    internal static void Run(InferenceSession session, OrtIoBinding binding, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var runOptions = new RunOptions();
        using var registration = cancellationToken.Register(() => runOptions.Terminate = true);
        try
        {
            session.RunWithBinding(runOptions, binding);
        }
        catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Encoder?.Dispose();
        Decoder?.Dispose();
        DecoderWithPast?.Dispose();
        DecoderMerged?.Dispose();
        Gather.Dispose();
        _sessionOptions.Dispose();
        if (!ReferenceEquals(DeviceMemory, OrtMemoryInfo.DefaultInstance)) DeviceMemory.Dispose();
    }

    private InferenceSession Open(string path)
    {
        try
        {
            return new InferenceSession(path, _sessionOptions);
        }
        catch (OnnxRuntimeException e)
        {
            throw new HarkInputException($"ONNX Runtime cannot load the model: {e.Message}", path, inner: e);
        }
    }

    private static SessionOptions CreateSessionOptions(OnnxEngineOptions options, string provider)
    {
        var s = new SessionOptions { GraphOptimizationLevel = options.GraphOptimizationLevel, IntraOpNumThreads = options.IntraOpThreads };
        try
        {
            OnnxExecutionProviders.Append(s, provider, options.DeviceIndex);
        }
        catch (OnnxRuntimeException e)
        {
            s.Dispose();
            throw new OnnxProviderUnavailableException(options.Device, $"{provider} is listed but failed to start: {e.Message}. {OnnxExecutionProviders.WhereToGet(options.Device)}");
        }
        return s;
    }

    /// <summary>Every input must be one the engine feeds (Optimum's Whisper names); anything else would fail at run time.</summary>
    private static void CheckInputs(InferenceSession session, string path)
    {
        foreach (var name in session.InputMetadata.Keys)
        {
            var known = name is OptimumNames.InputFeatures or OptimumNames.InputIds or OptimumNames.EncoderHiddenStates or OptimumNames.UseCacheBranch
                || name.StartsWith("past_key_values.", StringComparison.Ordinal);
            if (!known)
                throw new HarkInputException($"has input '{name}', which an Optimum Whisper export does not have; expected input_features, input_ids, encoder_hidden_states, past_key_values.*, use_cache_branch", path, name);
        }
    }

    private static string ModelDirectory(string folder)
    {
        if (File.Exists(Path.Combine(folder, OptimumNames.EncoderFile))) return folder;
        var sub = Path.Combine(folder, "onnx");
        if (File.Exists(Path.Combine(sub, OptimumNames.EncoderFile))) return sub;
        throw new HarkInputException($"no {OptimumNames.EncoderFile} here or in onnx/; expected an Optimum-layout Whisper export (hark convert --to onnx)", folder);
    }

    private static string ConfigPath(string dir, string folder)
    {
        foreach (var candidate in new[] { Path.Combine(dir, "config.json"), Path.Combine(folder, "config.json") })
            if (File.Exists(candidate)) return candidate;
        throw new HarkInputException("no config.json beside the ONNX models", dir, "config.json");
    }

    private static List<string> DecoderFiles(string dir, OnnxEngineOptions options)
    {
        var plain = Path.Combine(dir, OptimumNames.DecoderFile);
        var withPast = Path.Combine(dir, OptimumNames.DecoderWithPastFile);
        var merged = Path.Combine(dir, OptimumNames.DecoderMergedFile);
        var separate = File.Exists(plain) && File.Exists(withPast);
        if (File.Exists(merged) && (options.PreferMergedDecoder || !separate)) return [merged];
        if (separate) return [plain, withPast];
        throw new HarkInputException($"needs {OptimumNames.DecoderMergedFile}, or both {OptimumNames.DecoderFile} and {OptimumNames.DecoderWithPastFile}", dir);
    }

    private static ComputePrecision Precision(string dir) => OnnxExportMarker.ReadPrecision(dir) switch
    {
        OnnxPrecision.Float32 => ComputePrecision.Float32,
        OnnxPrecision.Float16 => ComputePrecision.Float16,
        OnnxPrecision.Int8 or OnnxPrecision.Int8WeightOnly => ComputePrecision.Int8,
        OnnxPrecision.Int4 => ComputePrecision.Int4,
        _ => ComputePrecision.Default,
    };

    private static long FileBytes(string path)
    {
        var data = path + "_data";
        return new FileInfo(path).Length + (File.Exists(data) ? new FileInfo(data).Length : 0);
    }
}
