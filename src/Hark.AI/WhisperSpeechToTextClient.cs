using System.Runtime.CompilerServices;
using Hark.Decoding;
using Hark.Transcription;
using Microsoft.Extensions.AI;
using TranscriptionOptions = Hark.Transcription.TranscriptionOptions;

namespace Hark.AI;

/// <summary>
/// <see cref="ISpeechToTextClient"/> over a loaded <see cref="WhisperModel"/>. Every call reads its own
/// <see cref="SpeechToTextOptions"/>: <see cref="SpeechToTextOptions.SpeechLanguage"/> is the spoken language (detected
/// when absent), a <see cref="SpeechToTextOptions.TextLanguage"/> of English for other speech translates (Whisper
/// translates into English only), and <see cref="SpeechToTextOptions.ModelId"/>, when given, must be this client's.
/// The model is shared, not owned: disposing the client leaves it loaded.
/// </summary>
public sealed class WhisperSpeechToTextClient : ISpeechToTextClient
{
    private readonly WhisperModel _model;
    private readonly TranscriptionOptions _defaults;
    private readonly SpeechToTextClientMetadata _metadata;

    /// <param name="model">The loaded model.</param>
    /// <param name="modelId">The id this client answers to (<see cref="SpeechToTextOptions.ModelId"/>).</param>
    /// <param name="defaults">Decoding options before each call's options apply.</param>
    public WhisperSpeechToTextClient(WhisperModel model, string modelId, TranscriptionOptions? defaults = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        _model = model;
        _defaults = defaults ?? new TranscriptionOptions();
        _metadata = new SpeechToTextClientMetadata("hark", null, modelId);
    }

    /// <inheritdoc />
    public async Task<SpeechToTextResponse> GetTextAsync(Stream audioSpeechStream, SpeechToTextOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        var segments = new List<Segment>();
        await foreach (var s in Start(audioSpeechStream, options, cancellationToken).WithCancellation(cancellationToken).ConfigureAwait(false))
            segments.Add(s);
        return new SpeechToTextResponse(string.Concat(segments.Select(s => s.Text)).Trim())
        {
            ModelId = _metadata.DefaultModelId,
            StartTime = segments.Count > 0 ? TimeSpan.FromSeconds(segments[0].Start) : null,
            EndTime = segments.Count > 0 ? TimeSpan.FromSeconds(segments[^1].End) : null,
            RawRepresentation = segments,
        };
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<SpeechToTextResponseUpdate> GetStreamingTextAsync(Stream audioSpeechStream, SpeechToTextOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var s in Start(audioSpeechStream, options, cancellationToken).WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            yield return new SpeechToTextResponseUpdate(s.Text)
            {
                Kind = SpeechToTextResponseUpdateKind.TextUpdated,
                ModelId = _metadata.DefaultModelId,
                StartTime = TimeSpan.FromSeconds(s.Start),
                EndTime = TimeSpan.FromSeconds(s.End),
                RawRepresentation = s,
            };
        }
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null) return null;
        if (serviceType == typeof(SpeechToTextClientMetadata)) return _metadata;
        if (serviceType == typeof(WhisperModel)) return _model;
        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <summary>The decoding options of one call: the defaults with <paramref name="options"/> applied.</summary>
    /// <exception cref="ArgumentException">Another model id, or a text language Whisper cannot produce.</exception>
    internal TranscriptionOptions Options(SpeechToTextOptions? options)
    {
        if (options is null) return _defaults;
        if (options.ModelId is { } id && id != _metadata.DefaultModelId)
            throw new ArgumentException($"this client serves '{_metadata.DefaultModelId}', not '{id}'", nameof(options));
        var speech = options.SpeechLanguage ?? _defaults.Language;
        var translate = options.TextLanguage is { } text && !Same(text, speech);
        if (translate && !Same(options.TextLanguage!, "en"))
            throw new ArgumentException($"Whisper translates into English only, not '{options.TextLanguage}'", nameof(options));
        return _defaults with { Language = speech, Task = translate ? WhisperTask.Translate : WhisperTask.Transcribe };
    }

    private IAsyncEnumerable<Segment> Start(Stream audio, SpeechToTextOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(audio);
        // The model disposes the stream it reads; the caller owns this one.
        return _model.TranscribeAsync(new BorrowedStream(audio), "audio", Options(options), null, cancellationToken);
    }

    private static bool Same(string a, string? b) => b is not null && string.Equals(a.Split('-')[0], b.Split('-')[0], StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc />
    public void Dispose() { }
}
