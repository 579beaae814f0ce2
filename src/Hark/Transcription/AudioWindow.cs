namespace Hark.Transcription;

/// <summary>
/// A stretch of the recording decoded as one 30-second window: <paramref name="Frames"/> mel frames (10 ms each, at
/// most 3000) from <paramref name="Start"/>, zero-padded to 30 s. The unit the batched strategy schedules; voice
/// activity detection and servers hand it lists of these.
/// </summary>
/// <param name="Start">First mel frame.</param>
/// <param name="Frames">Frames of audio in the window (1..3000).</param>
internal readonly record struct AudioWindow(int Start, int Frames)
{
    /// <summary>Frame after the last one.</summary>
    public int End => Start + Frames;
}
