using Hark.Audio;

namespace Hark.Transcription;

public sealed partial class WhisperModel
{
    /// <summary>Starts transcribing an audio or video file (WAV natively, other formats through ffmpeg; <c>-</c> reads stdin).</summary>
    /// <remarks>A valid file with zero samples transcribes to no segments.</remarks>
    public Transcription TranscribeAsync(string audioPath, TranscriptionOptions? options = null,
        IProgress<TranscriptionProgress>? progress = null, CancellationToken cancellationToken = default)
        => Start(ct => Features(AudioLoader.Load(audioPath, ct)), options, progress, cancellationToken);

    /// <summary>Starts transcribing 16 kHz mono samples in [-1, 1].</summary>
    public Transcription TranscribeAsync(ReadOnlyMemory<float> audio, TranscriptionOptions? options = null,
        IProgress<TranscriptionProgress>? progress = null, CancellationToken cancellationToken = default)
        => Start(_ => Features(audio.Span), options, progress, cancellationToken);

    /// <summary>
    /// Starts transcribing encoded audio arriving on a stream (an upload, a pipe): WAV is read natively, anything else
    /// through ffmpeg. The stream is read to its end and disposed.
    /// </summary>
    /// <param name="audio">The encoded bytes.</param>
    /// <param name="name">Names the input in error messages.</param>
    /// <param name="options">How to transcribe.</param>
    /// <param name="progress">Receives progress per window.</param>
    /// <param name="cancellationToken">Cancels reading and decoding.</param>
    public Transcription TranscribeAsync(Stream audio, string name, TranscriptionOptions? options = null,
        IProgress<TranscriptionProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(audio);
        return Start(ct =>
        {
            using var stream = AudioLoader.OpenStream(audio, name);
            return Features(AudioLoader.ReadAll(stream, ct));
        }, options, progress, cancellationToken);
    }

    /// <summary>Log-mel features of the whole recording with 30 s of silence appended (openai <c>transcribe()</c>).</summary>
    private MelFeatures Features(ReadOnlySpan<float> samples)
    {
        var mel = LogMel.Compute(samples, Engine.Config.NumMelBins, AudioConstants.SamplesPerChunk);
        return new MelFeatures(mel.Data, mel.NMels, mel.Frames);
    }
}
