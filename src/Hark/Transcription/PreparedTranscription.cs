namespace Hark.Transcription;

/// <summary>
/// A run ready to decode: the features, the plan (language resolved), what <see cref="TranscriptionInfo"/> reports, and
/// the encoder batch language detection already computed when it holds the strategy's first windows, so they are not
/// encoded again. Dispose it to release that batch if the run never starts.
/// </summary>
internal sealed class PreparedTranscription(MelFeatures mel, TranscriptionPlan plan, TranscriptionInfo info, EncodedBatch? pending) : IDisposable
{
    private EncodedBatch? _pending = pending;

    public MelFeatures Mel { get; } = mel;

    public TranscriptionPlan Plan { get; } = plan;

    /// <summary>What the caller sees; VAD restates durations on the original timeline (decoding never reads it).</summary>
    public TranscriptionInfo Info { get; set; } = info;

    /// <summary>Encodes <paramref name="windows"/>, or hands over the batch detection made when it holds exactly them.</summary>
    public EncodedBatch Encode(TranscriptionPipeline pipeline, IReadOnlyList<AudioWindow> windows, CancellationToken cancellationToken)
    {
        var pending = Interlocked.Exchange(ref _pending, null);
        if (pending is not null && pending.Windows.SequenceEqual(windows)) return pending;
        pending?.Dispose();
        return pipeline.Encode(Mel, windows, cancellationToken);
    }

    /// <summary>Hands over the batch detection made when it holds exactly <paramref name="window"/>; null otherwise.</summary>
    public EncodedBatch? TakePending(AudioWindow window)
    {
        var pending = Interlocked.Exchange(ref _pending, null);
        if (pending is not null && pending.Windows.Count == 1 && pending.Windows[0] == window) return pending;
        pending?.Dispose();
        return null;
    }

    public void Dispose() => Interlocked.Exchange(ref _pending, null)?.Dispose();
}
