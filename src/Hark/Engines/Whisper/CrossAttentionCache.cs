using Hark.Checkpoints;
using Hark.Engines.Backends;

namespace Hark.Engines.Whisper;

/// <summary>
/// The cross-attention keys and values of every decoder layer for a list of encoded windows, computed once
/// (<c>[entries · positions, d]</c> per layer) and read by any number of decoder sessions.
/// </summary>
internal sealed class CrossAttentionCache : IDisposable
{
    private readonly IDeviceTensor[] _keys;
    private readonly IDeviceTensor[] _values;
    private bool _disposed;

    /// <summary>Computes K/V of windows <paramref name="windows"/> of <paramref name="encoded"/> (entry <c>e</c> = <c>windows[e]</c>).</summary>
    public CrossAttentionCache(IOpBackend backend, WhisperConfig config, WhisperWeights weights, IDeviceTensor encoded, IReadOnlyList<int> windows)
    {
        int positions = config.MaxSourcePositions, layers = config.DecoderLayers;
        // Reduced-precision engines keep K/V in float16: decoding is memory-bound and the cross K/V of every layer is
        // re-read per token. float32 engines keep float32 K/V so they stay the exact reference.
        DType = weights.RoundTo == TensorDType.Float32 ? TensorDType.Float32 : TensorDType.Float16;
        Entries = windows.Count;
        _keys = new IDeviceTensor[layers];
        _values = new IDeviceTensor[layers];
        try
        {
            for (var l = 0; l < layers; l++)
            {
                var a = weights.DecoderLayers[l].Cross;
                _keys[l] = backend.Allocate(Entries * positions, config.DModel, DType);
                _values[l] = backend.Allocate(Entries * positions, config.DModel, DType);
                for (var e = 0; e < Entries; e++)
                {
                    var source = TensorView.Of(encoded, windows[e] * positions, positions);
                    backend.Linear(source, a.K, null, TensorView.Of(_keys[l], e * positions, positions));
                    backend.Linear(source, a.V, a.VBias, TensorView.Of(_values[l], e * positions, positions));
                }
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Element type of the K/V (and of the sessions' self-attention caches).</summary>
    public TensorDType DType { get; }

    /// <summary>Number of windows held.</summary>
    public int Entries { get; }

    /// <summary>Keys of layer <paramref name="layer"/>.</summary>
    public IDeviceTensor Keys(int layer) => _disposed ? throw new ObjectDisposedException(nameof(CrossAttentionCache)) : _keys[layer];

    /// <summary>Values of layer <paramref name="layer"/>.</summary>
    public IDeviceTensor Values(int layer) => _disposed ? throw new ObjectDisposedException(nameof(CrossAttentionCache)) : _values[layer];

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var t in _keys) t?.Dispose();
        foreach (var t in _values) t?.Dispose();
    }
}
