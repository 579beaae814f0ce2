using Hark.Checkpoints;
using Hark.Engines.Backends;

namespace Hark.Engines.Whisper;

/// <summary>Sessions over one <see cref="CrossAttentionCache"/> holding every window of an encoded batch.</summary>
internal sealed class ManagedDecoderFactory : IDecoderSessionFactory
{
    private readonly IOpBackend _backend;
    private readonly WhisperConfig _config;
    private readonly WhisperWeights _weights;
    private readonly CrossAttentionCache _cross;
    private readonly TensorPool _pool;

    public ManagedDecoderFactory(IOpBackend backend, WhisperConfig config, WhisperWeights weights, ManagedEncodedAudio audio, TensorPool pool)
    {
        _backend = backend;
        _config = config;
        _weights = weights;
        _pool = pool;
        _cross = new CrossAttentionCache(backend, config, weights, audio.States, [.. Enumerable.Range(0, audio.Batch)]);
    }

    public int Windows => _cross.Entries;

    public IDecoderSession StartDecoder(ReadOnlySpan<int> audioIndex, DecoderSessionOptions? options = null)
    {
        foreach (var w in audioIndex)
        {
            if ((uint)w >= (uint)Windows) throw new ArgumentOutOfRangeException(nameof(audioIndex), w, $"window outside 0..{Windows - 1}");
        }
        return new WhisperDecoderSession(_backend, _config, _weights, _cross, ownsCross: false, audioIndex, options, _pool);
    }

    public void Dispose() => _cross.Dispose();
}
