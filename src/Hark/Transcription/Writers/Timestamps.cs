using System.Globalization;

namespace Hark.Transcription.Writers;

/// <summary>openai-whisper's <c>format_timestamp</c>: <c>[HH:]MM:SS.mmm</c>, rounded to the millisecond.</summary>
public static class Timestamps
{
    /// <summary>Formats <paramref name="seconds"/>.</summary>
    /// <param name="seconds">Non-negative seconds.</param>
    /// <param name="alwaysIncludeHours">Print hours even when zero (SRT).</param>
    /// <param name="decimalMarker"><c>.</c> (VTT) or <c>,</c> (SRT).</param>
    public static string Format(double seconds, bool alwaysIncludeHours = false, char decimalMarker = '.')
    {
        ArgumentOutOfRangeException.ThrowIfNegative(seconds);
        var ms = (long)Math.Round(seconds * 1000.0, MidpointRounding.ToEven);
        var hours = ms / 3_600_000;
        ms -= hours * 3_600_000;
        var minutes = ms / 60_000;
        ms -= minutes * 60_000;
        var secs = ms / 1000;
        ms -= secs * 1000;
        var h = alwaysIncludeHours || hours > 0 ? hours.ToString("00", CultureInfo.InvariantCulture) + ":" : "";
        return string.Create(CultureInfo.InvariantCulture, $"{h}{minutes:00}:{secs:00}{decimalMarker}{ms:000}");
    }
}
