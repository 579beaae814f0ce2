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
        => Encode(engine, [.. windows.Select(w => (mel, w))], cancellationToken);

    /// <summary>Encodes windows of different recordings (concurrent runs) as one batch.</summary>
    public static EncodedBatch Encode(IWhisperEngine engine, IReadOnlyList<(MelFeatures Mel, AudioWindow Window)> items, CancellationToken cancellationToken)
    {
        var size = (items.Count == 0 ? 0 : items[0].Mel.NMels) * AudioConstants.FramesPerChunk;
        var features = new float[items.Count * size];
        for (var i = 0; i < items.Count; i++) items[i].Mel.CopyWindow(items[i].Window.Start, items[i].Window.Frames, features.AsSpan(i * size, size));
        AudioWindow[] windows = [.. items.Select(w => w.Window)];
        cancellationToken.ThrowIfCancellationRequested();
        var audio = engine.Encode(features, windows.Length, cancellationToken);
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
