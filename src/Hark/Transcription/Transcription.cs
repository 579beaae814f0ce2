using System.Runtime.CompilerServices;
using Hark.Transcription.Writers;

namespace Hark.Transcription;

/// <summary>
/// A transcription in progress: <see cref="Info"/> (language, duration) is known as soon as the audio is loaded and
/// the language resolved; enumerate the object for the segments, each yielded as soon as it is final.
/// Enumerate it once. Enumerating to the end releases everything; dispose it if you read <see cref="Info"/> only.
/// </summary>
public sealed class Transcription : IAsyncEnumerable<Segment>, IDisposable
{
    private readonly Task<PreparedTranscription> _prepared;
    private readonly TranscriptionPipeline _pipeline;
    private readonly IProgress<TranscriptionProgress>? _progress;
    private readonly CancellationToken _cancellationToken;
    private int _enumerated;

    internal Transcription(Func<CancellationToken, PreparedTranscription> prepare, TranscriptionPipeline pipeline,
        IProgress<TranscriptionProgress>? progress, CancellationToken cancellationToken)
    {
        _pipeline = pipeline;
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
        var prepared = await _prepared.ConfigureAwait(false);
        var remap = SpeechFilter.Remapper(prepared.Info.SpeechChunks); // VAD: back to the original timeline
        await foreach (var s in _pipeline.RunAsync(prepared, _progress, linked.Token).ConfigureAwait(false))
            yield return remap(s);
    }

    /// <summary>Releases what language detection kept for decoding when the segments are never enumerated.</summary>
    public void Dispose()
    {
        if (_prepared.IsCompletedSuccessfully) _prepared.Result.Dispose();
        else _prepared.ContinueWith(t => t.Result.Dispose(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
    }
}
