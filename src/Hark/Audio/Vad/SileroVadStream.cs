namespace Hark.Audio.Vad;

/// <summary>
/// One recording's pass through Silero VAD fed one frame at a time: 512-sample frames in order, each with the 64 samples
/// before it (the model's context) and the recurrent state the previous frame left, as Silero's <c>OnnxWrapper</c>
/// does. Gives the same probabilities as <see cref="SileroVadModel.SpeechProbabilities(ReadOnlySpan{float}, CancellationToken)"/>.
/// Buffers are allocated once, so a frame allocates nothing. Not thread-safe; create one per recording.
/// </summary>
public sealed class SileroVadStream : IDisposable
{
    /// <summary>Samples of context before each frame at 16 kHz.</summary>
    public const int ContextSamples = SileroVadNetwork.Context;

    private readonly SileroVadPass _pass;

    internal SileroVadStream(SileroVadPass pass) => _pass = pass;

    /// <summary>Frames processed so far.</summary>
    public long Frames { get; private set; }

    /// <summary>Speech probability of the next frame: 512 samples, or fewer for the last one (zero-padded).</summary>
    /// <exception cref="ArgumentException">More than 512 samples.</exception>
    public float Process(ReadOnlySpan<float> frame)
    {
        _pass.Add(frame); // a block of one frame: encoded and stepped at once
        var probability = _pass.Output[0];
        _pass.Output.Clear();
        Frames++;
        return probability;
    }

    /// <summary>Back to the start of a recording: zero state and context.</summary>
    public void Reset()
    {
        _pass.Reset();
        Frames = 0;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // Managed buffers only; kept disposable so that callers' using blocks stay valid.
    }
}
