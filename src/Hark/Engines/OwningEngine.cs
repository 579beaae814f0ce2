using Hark.Checkpoints;

namespace Hark.Engines;

/// <summary>An engine that also owns what it was loaded from (the managed engine may read weights in place).</summary>
internal sealed class OwningEngine(IWhisperEngine inner, IDisposable owned) : IWhisperEngine
{
    public WhisperConfig Config => inner.Config;
    public EngineDescription Description => inner.Description;
    public IEncodedAudio Encode(ReadOnlySpan<float> mel, int batch, CancellationToken cancellationToken = default) => inner.Encode(mel, batch, cancellationToken);
    public IDecoderSession StartDecoder(IEncodedAudio audio, ReadOnlySpan<int> audioIndex, DecoderSessionOptions? options = null)
        => inner.StartDecoder(audio, audioIndex, options);
    public IDecoderSessionFactory PrepareDecoder(IEncodedAudio audio) => inner.PrepareDecoder(audio);

    public void Dispose()
    {
        inner.Dispose();
        owned.Dispose();
    }
}
