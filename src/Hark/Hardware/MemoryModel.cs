using Hark.Checkpoints;
using Hark.Engines;

namespace Hark.Hardware;

/// <summary>
/// Estimates the memory a Whisper model needs at a precision, batch and beam size, so that <c>doctor</c> can recommend
/// batch sizes and <c>transcribe</c>/<c>bench</c> can refuse a batch that will not fit with a clear message instead
/// of running out of memory.
/// </summary>
public static class MemoryModel
{
    private const int Int4BlockSize = 32;

    // The .NET runtime with Hark loaded and the checkpoint open, before the first encode (measured: 40–50 MiB).
    private const long CpuLoadOverheadBytes = 48L << 20;

    /// <summary>Bytes of the weights of <paramref name="config"/> stored at <paramref name="precision"/>.</summary>
    /// <remarks>Matrices (linear layers, token embedding) and convolutions take the precision; int8 and int4 quantize
    /// the matrices with one float32 scale per row (int8) or per 32 values (int4) and keep convolutions at activation
    /// width. Vectors (biases, norms) and position tables stay at activation width: float32 in the managed engine (CPU,
    /// Vulkan).</remarks>
    public static long WeightBytes(WhisperConfig config, ComputePrecision precision, DeviceKind device = DeviceKind.Cpu) =>
        WeightBytes(config, precision, device, out _);

    // Total weight bytes, and the bytes loaded up to and including the token embedding (the layout lists tensors in
    // the order the engine loads them: encoder first).
    private static long WeightBytes(WhisperConfig config, ComputePrecision precision, DeviceKind device, out long throughEmbedding)
    {
        var activation = ActivationBytes(precision, device);
        long total = 0;
        throughEmbedding = 0;
        foreach (var (name, shape) in WhisperTensorLayout.Enumerate(config))
        {
            long count = 1;
            foreach (var s in shape) count *= s;
            var matrix = shape.Length == 2 && !name.Contains("positions", StringComparison.Ordinal);
            var conv = shape.Length == 3;
            total += precision switch
            {
                ComputePrecision.Float16 or ComputePrecision.BFloat16 when matrix || conv => count * 2,
                ComputePrecision.Int8 when matrix => count + shape[0] * 4L,
                ComputePrecision.Int4 when matrix => (count + 1) / 2 + (count + Int4BlockSize - 1) / Int4BlockSize * 4L,
                ComputePrecision.Float16 or ComputePrecision.BFloat16 or ComputePrecision.Int8 or ComputePrecision.Int4 => count * activation,
                _ => count * 4,
            };
            if (name == WhisperTensorNames.TokenEmbedding) throughEmbedding = total;
        }
        return total;
    }

    /// <summary>Estimates the peak memory of transcribing <paramref name="batch"/> windows with <paramref name="beamSize"/> beams each.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Batch or beam size below 1.</exception>
    public static MemoryEstimate Estimate(WhisperConfig config, ComputePrecision precision, int batch, int beamSize = 1, MemoryModelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(beamSize, 1);
        options ??= new MemoryModelOptions();
        long a = ActivationBytes(precision, options.Device, options.Engine);
        long b = batch, d = config.DModel, s = config.MaxSourcePositions, f = config.MelFrames;
        long sequences = b * beamSize;
        long context = config.MaxTargetPositions;

        // Encoder. The encoder output (b·s·d) stays alive throughout.
        long output = b * s * d * a;
        long mel = b * config.NumMelBins * f * 4;                          // the caller's features
        long encoder;
        var sequential = options.SequentialEncoder ?? Float32Activations(options.Device, options.Engine);
        if (sequential)
        {
            // One window's scratch, all alive for the whole encode: features and their transpose, conv1 output,
            // residual, norm, q, k, v, attention output, MLP hidden.
            encoder = mel + output + 2L * config.NumMelBins * f * a + f * d * a + 6 * s * d * a + s * config.EncoderFfnDim * a;
        }
        else
        {
            long conv = b * config.NumMelBins * f * a + b * d * f * a + b * 3 * d * s * a;   // input, conv1 output, conv2 unfolded input
            long attention = b * s * d * a * 6                                                // residual, norm, q, k, v, context
                             + b * config.EncoderAttentionHeads * s * s * a;                  // score matrices of every head
            long mlp = b * s * d * a * 3 + b * s * config.EncoderFfnDim * a;                  // residual, norm, output + hidden
            encoder = mel + Math.Max(conv, Math.Max(attention, mlp)) + output;
        }

        // KV caches: the managed CPU engine keeps them in float16 below float32 precision, as GPUs do.
        long kv = precision is ComputePrecision.Float32 or ComputePrecision.Default ? 4 : 2;
        long selfKv = config.DecoderLayers * 2L * sequences * context * d * kv;
        long crossKv = config.DecoderLayers * 2L * b * s * d * kv;

        long prompt = options.PromptTokens ?? context / 2;
        long step = sequences * prompt * (d * 6 + config.DecoderFfnDim) * a;
        if (sequential)
            step += sequences * context * d * a;                                     // one spare cache layer for beam reorders
        else
            step += sequences * config.DecoderAttentionHeads * prompt * s * a;       // cross-attention scores of the prompt
        long logits = sequences * config.VocabSize * 4L * 2;                          // logits and their log-softmax
        long overhead = options.RuntimeOverheadBytes ?? (options.Device == DeviceKind.Cpu ? 64L << 20 : 512L << 20);

        // Every weight is read into a float32 buffer and packed from it, so while the token embedding (the largest
        // tensor) loads, the encoder and the packed embedding sit beside its float32 copy. For small models at low
        // precision that moment outweighs the finished model; the decoder blocks load after it. GPU engines stage in
        // host memory, not on the device.
        var weights = WeightBytes(config, precision, options.Device, out var throughEmbedding);
        // The load runs before the worker threads and scratch pools exist, so it carries less of the runtime's cost.
        long staging = options.Device == DeviceKind.Cpu
            ? Math.Max(0, throughEmbedding + (long)config.VocabSize * d * 4 - weights - Math.Max(0, overhead - CpuLoadOverheadBytes))
            : 0;
        return new MemoryEstimate(weights, encoder, selfKv, crossKv, output, step + logits, overhead, staging);
    }

    /// <summary>The largest batch whose estimate fits in <paramref name="availableBytes"/>; 0 when not even one window fits.</summary>
    public static int MaxBatch(WhisperConfig config, ComputePrecision precision, long availableBytes, int beamSize = 1, MemoryModelOptions? options = null)
    {
        if (Estimate(config, precision, 1, beamSize, options).TotalBytes > availableBytes) return 0;
        int lo = 1, hi = 2;
        while (hi <= 4096 && Estimate(config, precision, hi, beamSize, options).TotalBytes <= availableBytes) { lo = hi; hi *= 2; }
        if (hi > 4096) return lo;
        while (hi - lo > 1)
        {
            var mid = (lo + hi) / 2;
            if (Estimate(config, precision, mid, beamSize, options).TotalBytes <= availableBytes) lo = mid; else hi = mid;
        }
        return lo;
    }

    /// <summary>Throws when the batch will not fit, naming what it needs, what there is, and the largest batch that fits.</summary>
    /// <exception cref="HarkInputException">The estimate exceeds <paramref name="availableBytes"/>.</exception>
    public static void EnsureFits(WhisperConfig config, ComputePrecision precision, int batch, int beamSize, long availableBytes, string where, MemoryModelOptions? options = null)
    {
        var estimate = Estimate(config, precision, batch, beamSize, options);
        if (estimate.TotalBytes <= availableBytes) return;
        var max = MaxBatch(config, precision, availableBytes, beamSize, options);
        var hint = max > 0
            ? $"a batch of {max} or less fits"
            : "not even batch 1 fits: use a smaller precision (int8) or another device";
        throw new HarkInputException(
            $"batch {batch} × beam {beamSize} at {precision} needs about {FormatBytes(estimate.TotalBytes)} " +
            $"(weights {FormatBytes(estimate.WeightBytes)}) but {where} has {FormatBytes(availableBytes)} available; {hint}",
            field: "batch");
    }

    /// <summary>
    /// Width of activations and of unquantized tensors: float32 with float32 weights and in Hark's managed engine (the
    /// CPU and <c>vulkan:N</c>, whose kernels widen stored weights into float32 arithmetic), else half (ONNX Runtime
    /// and CTranslate2 on CUDA/ROCm run float16 graphs end to end).
    /// </summary>
    public static int ActivationBytes(ComputePrecision precision, DeviceKind device) => ActivationBytes(precision, device, null);

    private static int ActivationBytes(ComputePrecision precision, DeviceKind device, EngineKind? engine) =>
        Float32Activations(device, engine) || precision is ComputePrecision.Float32 or ComputePrecision.Default ? 4 : 2;

    // The backend's own word (Hark's model code keeps float32 activations and encodes windows one after another);
    // without an engine, the managed engine where it runs on the device, else a half-precision graph engine.
    private static bool Float32Activations(DeviceKind device, EngineKind? engine) =>
        (engine is { } e ? EngineRegistry.Default.Find(e, device) : EngineRegistry.Default.Find(EngineKind.Managed, device))?.Float32Activations ?? false;

    /// <summary>Bytes as <c>1.5 GiB</c> / <c>312 MiB</c>.</summary>
    public static string FormatBytes(long bytes) =>
        bytes >= 1L << 30
            ? (bytes / (double)(1L << 30)).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + " GiB"
            : (bytes / (double)(1L << 20)).ToString("0", System.Globalization.CultureInfo.InvariantCulture) + " MiB";
}
