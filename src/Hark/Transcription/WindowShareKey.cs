using Hark.Decoding;
using Hark.Tokenization;

namespace Hark.Transcription;

/// <summary>
/// What decides whether windows of concurrent runs can share a decoder session at their first attempt (see
/// <see cref="SharedWindowDecoding"/>): options equal but for the previous text, and prompts of one length. A scheduler
/// that fills a batch with windows of one key runs one session for all of them instead of one per key.
/// </summary>
internal sealed class WindowShareKey : IEquatable<WindowShareKey>
{
    private readonly DecodingOptions? _options; // null: a sampled attempt, which decodes alone

    private WindowShareKey(DecodingOptions? options, int[] initialTokens) => (_options, InitialTokens) = (options, initialTokens);

    /// <summary>The key of <paramref name="work"/>'s first attempt.</summary>
    public static WindowShareKey Of(WindowWork work, SpecialTokens special, int contextLength) =>
        Of(work.PerWindow(work.Run.Plan.Attempts[0]), special, contextLength);

    /// <summary>The key of a window decoded with <paramref name="options"/>.</summary>
    public static WindowShareKey Of(DecodingOptions options, SpecialTokens special, int contextLength)
    {
        if (options.Temperature > 0) return new WindowShareKey(null, []);
        // The prompt a DecodingTask with these options starts from (same builder, same sample length).
        var initial = PromptBuilder.Build(special, options, contextLength, options.SampleLen ?? contextLength / 2, out _);
        return new WindowShareKey(options with { Prompt = null }, initial);
    }

    /// <summary>False for a sampled attempt, which shares with nothing (each window draws from its own seed).</summary>
    public bool IsShared => _options is not null;

    /// <summary>The window's own prompt (its previous text and the start-of-transcript sequence); empty when not shared.</summary>
    public int[] InitialTokens { get; }

    /// <inheritdoc />
    public bool Equals(WindowShareKey? other) =>
        other is not null && _options is not null && other._options is not null && InitialTokens.Length == other.InitialTokens.Length
        && DecodingOptionsComparer.Instance.Equals(_options, other._options);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as WindowShareKey);

    /// <inheritdoc />
    public override int GetHashCode() => _options is null ? 0 : HashCode.Combine(DecodingOptionsComparer.Instance.GetHashCode(_options), InitialTokens.Length);
}
