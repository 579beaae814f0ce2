namespace Hark.Engines;

/// <summary>
/// What the decoder needs from a batch of encoded windows, prepared once (<see cref="IWhisperEngine.PrepareDecoder"/>):
/// the managed engine computes every window's cross-attention K/V here, so language detection and every fallback
/// temperature start their sessions without recomputing them. Owned by the caller; dispose it before the
/// <see cref="IEncodedAudio"/> it was made from. Not thread-safe.
/// </summary>
public interface IDecoderSessionFactory : IDisposable
{
    /// <summary>Number of windows sessions may attend to.</summary>
    int Windows { get; }

    /// <summary>
    /// Starts decoding <paramref name="audioIndex"/>.Length sequences; sequence <c>i</c> attends to window
    /// <c>audioIndex[i]</c>. Sessions share this factory's per-window state and must be disposed before it.
    /// </summary>
    IDecoderSession StartDecoder(ReadOnlySpan<int> audioIndex, DecoderSessionOptions? options = null);
}
