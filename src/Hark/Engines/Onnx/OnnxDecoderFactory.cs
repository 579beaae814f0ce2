using Microsoft.ML.OnnxRuntime;

namespace Hark.Engines.Onnx;

/// <summary>
/// Sessions over one batch of ONNX-encoded windows sharing their cross-attention K/V: one first-step decoder run over
/// every window (a single start token: the audio's K/V do not depend on the text) computes them once; each session then
/// gathers its rows of them and decodes on the cached branch from its first step.
/// </summary>
internal sealed class OnnxDecoderFactory : IDecoderSessionFactory
{
    private readonly OnnxEngine _engine;
    private readonly OrtValue[] _cross; // per layer: key, value; one row per window

    public OnnxDecoderFactory(OnnxEngine engine, OnnxEncodedAudio audio)
    {
        _engine = engine;
        Windows = audio.Batch;
        var all = Enumerable.Range(0, Windows).ToArray();
        using var session = (OnnxDecoderSession)engine.StartDecoder(audio, all, new DecoderSessionOptions { MaxLength = 1 });
        var start = new int[Windows];
        Array.Fill(start, engine.Config.DecoderStartTokenId);
        session.Step(start, 1, new float[Windows * engine.Config.VocabSize]);
        _cross = session.TakeCross();
    }

    public int Windows { get; }

    public IDecoderSession StartDecoder(ReadOnlySpan<int> audioIndex, DecoderSessionOptions? options = null)
    {
        var maxLength = _engine.CheckSession(audioIndex, Windows, options);
        var cross = new OrtValue[_cross.Length];
        try
        {
            for (var i = 0; i < cross.Length; i++) cross[i] = _engine.Gather.Rows(_cross[i], audioIndex, _engine.DeviceMemory);
            return new OnnxDecoderSession(_engine, cross, audioIndex, maxLength, _engine.AlignmentIndex(options));
        }
        catch
        {
            foreach (var v in cross) v?.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        foreach (var v in _cross) v.Dispose();
    }
}
