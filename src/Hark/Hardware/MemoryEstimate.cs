namespace Hark.Hardware;

/// <summary>
/// Bytes a Whisper model needs to transcribe one batch, by component. The two phases of a window do not overlap in
/// time: encoding (weights + encoder activations) and decoding (weights + encoder output + KV caches + decoder
/// workspace), so <see cref="TotalBytes"/> is the larger phase, not the sum of every field.
/// </summary>
/// <param name="WeightBytes">Weights at the chosen precision (quantization scales included).</param>
/// <param name="EncoderActivationBytes">Peak transient memory of the encoder: features, convolution outputs, one block's
/// Q/K/V, attention scores and MLP hidden states, plus the encoder output it returns.</param>
/// <param name="SelfAttentionCacheBytes">Decoder self-attention K and V: layers × 2 × batch×beam × context × d_model.</param>
/// <param name="CrossAttentionCacheBytes">Decoder cross-attention K and V: layers × 2 × batch × positions × d_model
/// (beams of one window share it).</param>
/// <param name="EncoderOutputBytes">Encoder states kept while decoding: batch × positions × d_model.</param>
/// <param name="DecoderWorkspaceBytes">Logits and one step's activations (the prompt step is the largest).</param>
/// <param name="RuntimeOverheadBytes">Fixed cost of the runtime: the .NET process on the CPU, the driver context on a GPU.</param>
/// <param name="LoadStagingBytes">How far memory while loading exceeds the finished weights and runtime: while the token embedding (the
/// largest tensor) is packed from its float32 copy, the encoder is loaded and the decoder blocks are not yet. It can be
/// the peak for small models at low precision.</param>
public sealed record MemoryEstimate(
    long WeightBytes,
    long EncoderActivationBytes,
    long SelfAttentionCacheBytes,
    long CrossAttentionCacheBytes,
    long EncoderOutputBytes,
    long DecoderWorkspaceBytes,
    long RuntimeOverheadBytes,
    long LoadStagingBytes = 0)
{
    /// <summary>Memory held while decoding, weights excluded.</summary>
    public long DecodePhaseBytes => EncoderOutputBytes + SelfAttentionCacheBytes + CrossAttentionCacheBytes + DecoderWorkspaceBytes;

    /// <summary>Peak memory: weights, runtime, and the largest of the load, encode and decode phases.</summary>
    public long TotalBytes => WeightBytes + RuntimeOverheadBytes + Math.Max(LoadStagingBytes, Math.Max(EncoderActivationBytes, DecodePhaseBytes));
}

/// <summary>Assumptions of <see cref="MemoryModel"/> that depend on the engine and device.</summary>
public sealed record MemoryModelOptions
{
    /// <summary>
    /// Where the model runs, which also names the engine: the CPU and <c>vulkan:N</c> are Hark's managed engine (float32
    /// activations, windows encoded one after another); CUDA and ROCm are ONNX Runtime graphs in half precision unless
    /// the weights are float32.
    /// </summary>
    public Engines.DeviceKind Device { get; init; } = Engines.DeviceKind.Cpu;

    /// <summary>
    /// The engine on <see cref="Device"/>, whose <see cref="Engines.EngineBackend.Float32Activations"/> decides the
    /// activation width; null: the managed engine where it runs on the device, else a half-precision graph engine.
    /// </summary>
    public Engines.EngineKind? Engine { get; init; }

    /// <summary>Fixed runtime cost; default 64 MiB on the CPU (the .NET process), 512 MiB on a GPU (driver context and kernels).</summary>
    public long? RuntimeOverheadBytes { get; init; }

    /// <summary>Tokens fed in the first decoder step (the prompt); default half the decoder context, Whisper's prompt limit.</summary>
    public int? PromptTokens { get; init; }

    /// <summary>
    /// True for engines that encode the windows of a batch one after another with fused attention (Hark's managed
    /// engine): encoder scratch is one window's and no score matrix is stored. False for engines that run the batch as
    /// one graph and materialize every head's scores (ONNX Runtime). Default: true on the CPU and Vulkan.
    /// </summary>
    public bool? SequentialEncoder { get; init; }
}
