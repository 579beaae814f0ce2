using System.Runtime.CompilerServices;
using Hark.Transcription.Writers;

namespace Hark.Transcription;

/// <summary>
/// A transcription in progress: <see cref="Info"/> (language, duration) is known as soon as the audio is loaded and
/// the language resolved; enumerate the object for the segments, each yielded as soon as it is final.
/// Enumerate it once.
/// </summary>
public sealed class Transcription : IAsyncEnumerable<Segment>
{
    private readonly Task<(MelFeatures Mel, TranscriptionInfo Info)> _prepared;
    private readonly Transcriber _transcriber;
    private readonly IProgress<TranscriptionProgress>? _progress;
    private readonly CancellationToken _cancellationToken;
    private int _enumerated;

    internal Transcription(Func<CancellationToken, (MelFeatures, TranscriptionInfo)> prepare, Transcriber transcriber,
        IProgress<TranscriptionProgress>? progress, CancellationToken cancellationToken)
    {
        _transcriber = transcriber;
        _progress = progress;
        _cancellationToken = cancellationToken;
        _prepared = Task.Run(() => prepare(cancellationToken), cancellationToken);
        Info = InfoAsync();
    }

    /// <summary>Language, its probability, duration and the options in effect.</summary>
    public Task<TranscriptionInfo> Info { get; }

    private async Task<TranscriptionInfo> InfoAsync() => (await _prepared.ConfigureAwait(false)).Info;

    /// <inheritdoc />
    public IAsyncEnumerator<Segment> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _enumerated, 1) != 0)
            throw new InvalidOperationException("a transcription can be enumerated once");
        return RunAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
    }

    /// <summary>Runs to the end and returns every segment with the language (what the writers take).</summary>
    public async Task<TranscriptResult> ToResultAsync(CancellationToken cancellationToken = default)
    {
        var segments = new List<Segment>();
        await foreach (var s in this.WithCancellation(cancellationToken).ConfigureAwait(false)) segments.Add(s);
        return new TranscriptResult(segments, (await Info.ConfigureAwait(false)).Language);
    }

    private async IAsyncEnumerable<Segment> RunAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _cancellationToken);
        var (mel, info) = await _prepared.ConfigureAwait(false);
        var remap = SpeechFilter.Remapper(info.SpeechChunks); // VAD: back to the original timeline
        await foreach (var s in _transcriber.RunAsync(mel, info, _progress, linked.Token).ConfigureAwait(false))
            yield return remap(s);
    }
}
