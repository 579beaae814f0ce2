using Hark.Audio;

namespace Hark.Transcription;

/// <summary>
/// Log-mel features of a whole recording computed as openai-whisper's <c>transcribe()</c> does: with 30 seconds of
/// silence appended, so that <see cref="ContentFrames"/> = frames − 3000.
/// </summary>
/// <param name="Data">Row-major <c>[NMels, Frames]</c>.</param>
/// <param name="NMels">Mel bins.</param>
/// <param name="Frames">Frames including the padding.</param>
public sealed record MelFeatures(ReadOnlyMemory<float> Data, int NMels, int Frames)
{
    /// <summary>Frames that hold audio.</summary>
    public int ContentFrames => Math.Max(0, Frames - AudioConstants.FramesPerChunk);

    /// <summary>Audio duration in seconds.</summary>
    public double Duration => (double)ContentFrames * AudioConstants.HopLength / AudioConstants.SampleRate;

    /// <summary>
    /// Copies <paramref name="count"/> frames from <paramref name="start"/> into a 3000-frame window and zero-fills
    /// the rest (<c>pad_or_trim(mel[:, seek:seek+size])</c>).
    /// </summary>
    public void CopyWindow(int start, int count, Span<float> destination)
    {
        const int window = AudioConstants.FramesPerChunk;
        destination[..(NMels * window)].Clear();
        count = Math.Min(Math.Min(count, window), Frames - start);
        var data = Data.Span;
        for (var m = 0; m < NMels; m++)
            data.Slice(m * Frames + start, count).CopyTo(destination.Slice(m * window, count));
    }
}
