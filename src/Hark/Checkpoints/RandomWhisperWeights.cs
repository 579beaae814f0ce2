using System.Buffers;
using System.Runtime.InteropServices;

namespace Hark.Checkpoints;

/// <summary>
/// Deterministic random Whisper weights, generated on demand per tensor (nothing is held in memory, so even
/// large-v3 costs nothing until read). Each tensor's values depend only on the seed and the tensor's name.
/// Scales keep activations near unit variance through the blocks and make the output distribution peaked
/// (token embeddings of standard deviation <see cref="EmbeddingScale"/>/sqrt(d)), so greedy decoding behaves like a
/// trained model's would: confident, sometimes repetitive, never flat.
/// </summary>
internal sealed class RandomWhisperWeights : ITensorSource
{
    /// <summary>Logit standard deviation aimed for at the output (token embedding std × sqrt(d)).</summary>
    public const double EmbeddingScale = 10.0;

    private readonly Dictionary<string, TensorInfo> _tensors;

    /// <summary>Creates the generator.</summary>
    /// <param name="config">Architecture.</param>
    /// <param name="seed">Seed; the same seed gives the same bytes on every machine.</param>
    /// <param name="dtype">Storage dtype (F32, F16 or BF16); float32 reads return the stored (rounded) values.</param>
    public RandomWhisperWeights(WhisperConfig config, ulong seed, DType dtype = DType.F32)
    {
        if (dtype is not (DType.F32 or DType.F16 or DType.BF16))
            throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "random weights are written as F32, F16 or BF16");
        Config = config;
        Seed = seed;
        DType = dtype;
        _tensors = WhisperTensorLayout.Enumerate(config)
            .ToDictionary(t => t.Name, t => new TensorInfo(t.Name, dtype, t.Shape), StringComparer.Ordinal);
    }

    /// <summary>The architecture generated.</summary>
    public WhisperConfig Config { get; }

    /// <summary>The seed.</summary>
    public ulong Seed { get; }

    /// <summary>Storage dtype.</summary>
    public DType DType { get; }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, TensorInfo> Tensors => _tensors;

    /// <inheritdoc />
    public void ReadFloat32(string name, Span<float> destination)
    {
        var info = Info(name);
        if (destination.Length != info.ElementCount)
            throw new HarkInputException($"destination holds {destination.Length} elements, tensor has {info.ElementCount}", field: name);
        Generate(info, destination);
        if (DType != DType.F32)
        {
            // Round through the storage dtype so float32 reads equal what a writer stores; in chunks, so reading a
            // tensor costs no more than its float32 destination (the memory model assumes that of every source).
            const int chunk = 1 << 14;
            Span<byte> bytes = stackalloc byte[chunk * 4];
            for (var i = 0; i < destination.Length; i += chunk)
            {
                var part = destination.Slice(i, Math.Min(chunk, destination.Length - i));
                var b = bytes[..(part.Length * DType.SizeInBytes())];
                DTypeConversion.FromFloat32(DType, part, b);
                DTypeConversion.ToFloat32(DType, b, part);
            }
        }
    }

    /// <inheritdoc />
    public void ReadBytes(string name, Span<byte> destination)
    {
        var info = Info(name);
        if (destination.Length != info.ByteCount)
            throw new HarkInputException($"destination holds {destination.Length} bytes, tensor has {info.ByteCount}", field: name);
        if (DType == DType.F32)
        {
            // Generate straight into the destination: writers stream whole models through here.
            Generate(info, MemoryMarshal.Cast<byte, float>(destination));
            return;
        }
        var count = checked((int)info.ElementCount);
        var values = ArrayPool<float>.Shared.Rent(count);
        try
        {
            Generate(info, values.AsSpan(0, count));
            DTypeConversion.FromFloat32(DType, values.AsSpan(0, count), destination);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(values);
        }
    }

    /// <inheritdoc />
    public void Dispose() { }

    private TensorInfo Info(string name) =>
        _tensors.TryGetValue(name, out var info)
            ? info
            : throw new HarkInputException("no such tensor in the random model", field: name);

    private void Generate(TensorInfo info, Span<float> values)
    {
        var name = info.Name;
        var rng = new SplitMix64(Seed ^ StableHash(name));
        var d = Config.DModel;
        if (name == WhisperTensorNames.EncoderPositions)
        {
            Sinusoids(Config.MaxSourcePositions, d, values);
            return;
        }
        if (name.EndsWith("layer_norm.weight", StringComparison.Ordinal))
        {
            for (var i = 0; i < values.Length; i++) values[i] = (float)(1.0 + 0.1 * rng.NextGaussian());
            return;
        }
        double std;
        if (name.EndsWith(".bias", StringComparison.Ordinal)) std = 0.02;
        else if (name == WhisperTensorNames.TokenEmbedding || name == WhisperTensorNames.OutputProjection) std = EmbeddingScale / Math.Sqrt(d);
        else if (name == WhisperTensorNames.DecoderPositions) std = 0.5;
        else if (name.EndsWith("conv1.weight", StringComparison.Ordinal)) std = 1.0 / Math.Sqrt(Config.NumMelBins * 3.0);
        else if (name.EndsWith("conv2.weight", StringComparison.Ordinal)) std = 1.0 / Math.Sqrt(d * 3.0);
        else std = 1.0 / Math.Sqrt(info.Shape[^1]); // Linear [out, in]: unit gain
        for (var i = 0; i < values.Length; i++) values[i] = (float)(std * rng.NextGaussian());
    }

    /// <summary>Whisper's encoder positions: sin on the first half of the channels, cos on the second.</summary>
    public static void Sinusoids(int length, int channels, Span<float> destination)
    {
        var half = channels / 2;
        var logIncrement = Math.Log(10000) / (half - 1);
        for (var t = 0; t < length; t++)
        {
            for (var i = 0; i < half; i++)
            {
                var angle = t * Math.Exp(-logIncrement * i);
                destination[t * channels + i] = (float)Math.Sin(angle);
                destination[t * channels + half + i] = (float)Math.Cos(angle);
            }
        }
    }

    private static ulong StableHash(string s)
    {
        var h = 14695981039346656037UL; // FNV-1a: stable across runs and runtimes, unlike string.GetHashCode
        foreach (var ch in s)
        {
            h ^= ch;
            h *= 1099511628211UL;
        }
        return h;
    }

    private struct SplitMix64(ulong state)
    {
        private ulong _state = state;
        private double? _spare;

        public ulong Next()
        {
            var z = _state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }

        public double NextUniform() => ((Next() >> 11) + 0.5) * (1.0 / (1UL << 53));

        public double NextGaussian()
        {
            if (_spare is { } s)
            {
                _spare = null;
                return s;
            }
            var u1 = NextUniform();
            var u2 = NextUniform();
            var r = Math.Sqrt(-2.0 * Math.Log(u1));
            _spare = r * Math.Sin(2 * Math.PI * u2);
            return r * Math.Cos(2 * Math.PI * u2);
        }
    }
}
