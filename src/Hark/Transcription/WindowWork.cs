using Hark.Decoding;

namespace Hark.Transcription;

/// <summary>
/// One window of a sequential run waiting to be encoded and decoded with temperature fallback: the run (its features,
/// plan and thresholds), the window, and what differs per window (prompt, prefix, seed) on each attempt.
/// </summary>
internal sealed record WindowWork(PreparedTranscription Run, AudioWindow Window, Func<DecodingOptions, DecodingOptions> PerWindow);
