using Hark.Audio;
using Hark.Engines;

namespace Hark.Transcription;

/// <summary>
/// Windows encoded once, together, with the decoder factory that every decoding of them shares (language detection
/// and each fallback temperature): the pipeline never encodes a window or computes its cross-attention K/V twice.
/// </summary>
internal sealed class EncodedBatch : IDisposable
{
    private readonly IEncodedAudio _audio;

    private EncodedBatch(IReadOnlyList<AudioWindow> windows, IEncodedAudio audio, IDecoderSessionFactory decoder)
    {
        Windows = windows;
        _audio = audio;
        Decoder = decoder;
    }

    /// <summary>The windows, in encoder batch order.</summary>
    public IReadOnlyList<AudioWindow> Windows { get; }

    /// <summary>Starts decoder sessions over the windows (index = position in <see cref="Windows"/>).</summary>
    public IDecoderSessionFactory Decoder { get; }

    /// <summary>Copies each window out of <paramref name="mel"/> (<c>pad_or_trim</c>) and runs them through the encoder as one batch.</summary>
    public static EncodedBatch Encode(IWhisperEngine engine, MelFeatures mel, IReadOnlyList<AudioWindow> windows, CancellationToken cancellationToken)
    {
        var size = mel.NMels * AudioConstants.FramesPerChunk;
        var features = new float[windows.Count * size];
        for (var i = 0; i < windows.Count; i++) mel.CopyWindow(windows[i].Start, windows[i].Frames, features.AsSpan(i * size, size));
        cancellationToken.ThrowIfCancellationRequested();
        var audio = engine.Encode(features, windows.Count, cancellationToken);
        try
        {
            return new EncodedBatch(windows, audio, engine.PrepareDecoder(audio));
        }
        catch
        {
            audio.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Decoder.Dispose();
        _audio.Dispose();
    }
}
