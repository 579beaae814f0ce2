namespace Hark.Serving;

/// <summary>OpenAI's <c>response_format</c> values for audio.</summary>
internal enum ResponseFormat
{
    /// <summary><c>{"text": …}</c>.</summary>
    Json,
    /// <summary>Plain text, one segment per line (as <c>hark transcribe -f txt</c> writes).</summary>
    Text,
    /// <summary>SubRip subtitles.</summary>
    Srt,
    /// <summary>Task, language, duration, text and segments with tokens and scores.</summary>
    VerboseJson,
    /// <summary>WebVTT subtitles.</summary>
    Vtt,
}
