using Microsoft.ML.OnnxRuntime;

namespace Hark.Audio.Vad;

/// <summary>
/// One recording's pass through Silero VAD: 512-sample frames in order, each fed with the 64 samples before it
/// (the model's context) and the recurrent state the previous frame left, as Silero's <c>OnnxWrapper</c> does.
/// Buffers are allocated once, so a frame allocates nothing. Not thread-safe; create one per recording.
/// </summary>
public sealed class SileroVadStream : IDisposable
{
    /// <summary>Samples of context before each frame at 16 kHz.</summary>
    public const int ContextSamples = 64;

    private const int StateLength = 2 * 1 * 128;
    private static readonly string[] InputNames = ["input", "state", "sr"];
    private static readonly string[] OutputNames = ["output", "stateN"];
    private readonly InferenceSession _session;
    private readonly float[] _input = new float[ContextSamples + SpeechTimestamps.FrameSamples];
    private readonly float[] _state = new float[StateLength];
    private readonly float[] _stateOut = new float[StateLength];
    private readonly float[] _output = new float[1];
    private readonly OrtValue[] _inputs;
    private readonly OrtValue[] _outputs;
    private readonly OrtIoBinding _binding;
    private readonly RunOptions _runOptions = new();

    internal SileroVadStream(InferenceSession session)
    {
        _session = session;
        _inputs =
        [
            OrtValue.CreateTensorValueFromMemory(_input, [1, _input.Length]),
            OrtValue.CreateTensorValueFromMemory(_state, [2, 1, 128]),
            OrtValue.CreateTensorValueFromMemory(new long[] { AudioConstants.SampleRate }, []),
        ];
        _outputs =
        [
            OrtValue.CreateTensorValueFromMemory(_output, [1, 1]),
            OrtValue.CreateTensorValueFromMemory(_stateOut, [2, 1, 128]),
        ];
        // Bound once over the pinned buffers: a run then marshals nothing.
        _binding = session.CreateIoBinding();
        for (var i = 0; i < InputNames.Length; i++) _binding.BindInput(InputNames[i], _inputs[i]);
        for (var i = 0; i < OutputNames.Length; i++) _binding.BindOutput(OutputNames[i], _outputs[i]);
    }

    /// <summary>Frames processed so far.</summary>
    public long Frames { get; private set; }

    /// <summary>Speech probability of the next frame: 512 samples, or fewer for the last one (zero-padded).</summary>
    /// <exception cref="ArgumentException">More than 512 samples.</exception>
    public float Process(ReadOnlySpan<float> frame)
    {
        if (frame.Length > SpeechTimestamps.FrameSamples)
            throw new ArgumentException($"a frame is at most {SpeechTimestamps.FrameSamples} samples, got {frame.Length}", nameof(frame));
        var samples = _input.AsSpan(ContextSamples);
        frame.CopyTo(samples);
        samples[frame.Length..].Clear();
        _session.RunWithBinding(_runOptions, _binding);
        _stateOut.CopyTo(_state, 0);
        // The next frame's context is the last 64 samples this one was fed (padding included, as the reference).
        _input.AsSpan(_input.Length - ContextSamples).CopyTo(_input);
        Frames++;
        return _output[0];
    }

    /// <summary>Back to the start of a recording: zero state and context.</summary>
    public void Reset()
    {
        Array.Clear(_input);
        Array.Clear(_state);
        Frames = 0;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _binding.Dispose();
        foreach (var v in _inputs) v.Dispose();
        foreach (var v in _outputs) v.Dispose();
        _runOptions.Dispose();
    }
}
