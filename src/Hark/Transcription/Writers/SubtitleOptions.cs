namespace Hark.Transcription.Writers;

/// <summary>
/// How SRT and VTT lay out a transcript with words (<see cref="TranscriptionOptions.WordTimestamps"/>), as openai-whisper's
/// subtitle writers do; without words they have no effect.
/// </summary>
public sealed record SubtitleOptions
{
    /// <summary>Underline each word while it is spoken: one cue per word (<c>highlight_words</c>).</summary>
    public bool HighlightWords { get; init; }

    /// <summary>Characters per line before a line break (<c>max_line_width</c>); null = no limit.</summary>
    public int? MaxLineWidth { get; init; }

    /// <summary>Lines per cue, with <see cref="MaxLineWidth"/> (<c>max_line_count</c>); null = segments are kept as cues.</summary>
    public int? MaxLineCount { get; init; }

    /// <summary>Words per cue; no effect with <see cref="MaxLineWidth"/> (<c>max_words_per_line</c>).</summary>
    public int? MaxWordsPerLine { get; init; }
}
