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

    /// <summary>Log-mel features of the whole recording with 30 s of silence appended (openai <c>transcribe()</c>).</summary>
    private MelFeatures Features(ReadOnlySpan<float> samples)
    {
        var mel = LogMel.Compute(samples, Engine.Config.NumMelBins, AudioConstants.SamplesPerChunk);
        return new MelFeatures(mel.Data, mel.NMels, mel.Frames);
    }
}
