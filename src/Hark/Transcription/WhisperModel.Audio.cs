using Hark.Audio;

namespace Hark.Transcription;

public sealed partial class WhisperModel
{
    /// <summary>Starts transcribing an audio or video file (WAV natively, other formats through ffmpeg; <c>-</c> reads stdin).</summary>
    /// <remarks>A valid file with zero samples transcribes to no segments.</remarks>
    public Transcription TranscribeAsync(string audioPath, TranscriptionOptions? options = null,
        IProgress<TranscriptionProgress>? progress = null, CancellationToken cancellationToken = default)
        => StartAudio(ct => AudioLoader.Load(audioPath, ct), options, progress, cancellationToken);

    /// <summary>Starts transcribing 16 kHz mono samples in [-1, 1].</summary>
    public Transcription TranscribeAsync(ReadOnlyMemory<float> audio, TranscriptionOptions? options = null,
        IProgress<TranscriptionProgress>? progress = null, CancellationToken cancellationToken = default)
        => StartAudio(_ => audio, options, progress, cancellationToken);

    /// <summary>Features of the audio, or of its speech only when <see cref="TranscriptionOptions.VadFilter"/> applies.</summary>
    private Transcription StartAudio(Func<CancellationToken, ReadOnlyMemory<float>> load, TranscriptionOptions? options,
        IProgress<TranscriptionProgress>? progress, CancellationToken cancellationToken)
    {
        options ??= new TranscriptionOptions();
        if (!SpeechFilter.Applies(options)) return Start(ct => Features(load(ct).Span), options, progress, cancellationToken);
        SpeechFilter.ParametersFor(options).Validate(); // bad parameters fail before any audio is read
        return Start(ct =>
        {
            var audio = load(ct);
            var speech = SpeechFilter.Apply(audio.Span, options, ct);
            return (Features(speech.Audio), speech);
        }, options, progress, cancellationToken);
    }

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
        return StartAudio(ct =>
        {
            using var stream = AudioLoader.OpenStream(audio, name);
            return AudioLoader.ReadAll(stream, ct);
        }, options, progress, cancellationToken);
    }

    /// <summary>Log-mel features of the whole recording with 30 s of silence appended (openai <c>transcribe()</c>).</summary>
    private MelFeatures Features(ReadOnlySpan<float> samples)
    {
        var mel = LogMel.Compute(samples, Engine.Config.NumMelBins, AudioConstants.SamplesPerChunk);
        return new MelFeatures(mel.Data, mel.NMels, mel.Frames);
    }
}
