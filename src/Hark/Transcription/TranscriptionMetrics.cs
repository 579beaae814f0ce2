using System.Diagnostics.Metrics;

namespace Hark.Transcription;

/// <summary>
/// What the transcription pipeline measures about itself, on the <see cref="MeterName"/> meter of
/// <c>System.Diagnostics.Metrics</c> (OpenTelemetry: <c>AddMeter(TranscriptionMetrics.MeterName)</c>; <c>hark serve</c>
/// exports it on <c>/metrics</c>).
/// </summary>
internal static class TranscriptionMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Hark.Transcription";

    /// <summary>The name of <see cref="WordAlignment"/>.</summary>
    public const string WordAlignmentName = "hark.transcription.word_alignment.duration";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Seconds to time one window's words: the alignment pass, the DTW and the word boundaries.</summary>
    public static readonly Histogram<double> WordAlignment = Meter.CreateHistogram<double>(
        WordAlignmentName, "s", "Time to give one decoded window's segments their word timestamps.");
}
