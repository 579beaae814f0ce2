namespace Hark.Audio;

/// <summary>How <see cref="AudioLoader"/> decodes inputs that are not WAV.</summary>
public sealed record AudioLoadOptions
{
    /// <summary>The defaults: <c>ffmpeg</c> found on PATH.</summary>
    public static AudioLoadOptions Default { get; } = new();

    /// <summary>
    /// The ffmpeg executable to use; null searches <see cref="SearchPath"/>. A path that does not exist makes every
    /// non-WAV input fail with <see cref="FfmpegNotFoundException"/> (WAV never needs ffmpeg).
    /// </summary>
    public string? FfmpegPath { get; init; }

    /// <summary>Directories to search for ffmpeg (PATH syntax); null means the process's PATH.</summary>
    public string? SearchPath { get; init; }
}
