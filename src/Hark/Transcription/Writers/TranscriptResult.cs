namespace Hark.Transcription.Writers;

/// <summary>A finished transcript: what the writers print.</summary>
/// <param name="Segments">Segments in order.</param>
/// <param name="Language">Language code.</param>
public sealed record TranscriptResult(IReadOnlyList<Segment> Segments, string Language)
{
    /// <summary>The whole text (segment texts concatenated, as openai decodes all tokens at once).</summary>
    public string Text => string.Concat(Segments.Select(s => s.Text));
}
