namespace Hark.Engines.Onnx;

/// <summary>
/// Sessions over one batch of ONNX-encoded windows. The exported decoders compute the cross-attention K/V inside the
/// first step's graph, so each session still computes them for its rows; what is shared is the encoder output.
/// </summary>
internal sealed class OnnxDecoderFactory(OnnxEngine engine, OnnxEncodedAudio audio) : IDecoderSessionFactory
{
    public int Windows => audio.Batch;

    public IDecoderSession StartDecoder(ReadOnlySpan<int> audioIndex, DecoderSessionOptions? options = null) =>
        engine.StartDecoder(audio, audioIndex, options);

    public void Dispose() { }
}
