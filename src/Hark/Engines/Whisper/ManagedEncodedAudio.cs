using Hark.Engines.Backends;

namespace Hark.Engines.Whisper;

/// <summary>Encoder states <c>[batch · positions, d]</c> held by the backend of the engine that made them.</summary>
internal sealed class ManagedEncodedAudio(IOpBackend backend, IDeviceTensor states, int batch, int positions, object owner) : IEncodedAudio
{
    private bool _disposed;

    public int Batch { get; } = batch;

    /// <summary>The engine that produced these states.</summary>
    public object Owner { get; } = owner;

    public IDeviceTensor States => _disposed ? throw new ObjectDisposedException(nameof(ManagedEncodedAudio)) : states;

    public void CopyTo(int index, Span<float> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if ((uint)index >= (uint)Batch) throw new ArgumentOutOfRangeException(nameof(index), index, $"window outside 0..{Batch - 1}");
        backend.Download(TensorView.Of(states, index * positions, positions), destination);
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        states.Dispose();
    }
}
