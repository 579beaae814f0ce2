namespace Hark.Transcription.Writers;

/// <summary>Transcript file formats (openai-whisper's writers).</summary>
public enum OutputFormat
{
    /// <summary>Plain text, one segment per line.</summary>
    Txt,
    /// <summary>SubRip subtitles.</summary>
    Srt,
    /// <summary>WebVTT subtitles.</summary>
    Vtt,
    /// <summary>Tab-separated start/end in integer milliseconds and text.</summary>
    Tsv,
    /// <summary>openai-whisper's JSON result: <c>text</c>, <c>segments</c>, <c>language</c>.</summary>
    Json,
}
