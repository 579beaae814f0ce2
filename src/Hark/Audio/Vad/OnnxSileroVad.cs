using Microsoft.ML.OnnxRuntime;

namespace Hark.Audio.Vad;

/// <summary>
/// The embedded Silero VAD run as shipped, on ONNX Runtime's CPU provider, one <c>Run</c> per 512-sample frame with the
/// model's context and state carried over as Silero's <c>OnnxWrapper</c> does: the reference that
/// <see cref="SileroVadNetwork"/> is tested and benchmarked against, not used by the library's own paths. One instance
/// is one recording at a time (not thread-safe); buffers are bound once, so a frame marshals nothing.
/// </summary>
internal sealed class OnnxSileroVad : IDisposable
{
    private const int Context = SileroVadNetwork.Context;
    private const int StateLength = 2 * 1 * 128;
    private static readonly string[] InputNames = ["input", "state", "sr"];
    private static readonly string[] OutputNames = ["output", "stateN"];
    private readonly InferenceSession _session;
    private readonly float[] _input = new float[SileroVadNetwork.Input];
    private readonly float[] _state = new float[StateLength];
    private readonly float[] _stateOut = new float[StateLength];
    private readonly float[] _output = new float[1];
    private readonly OrtValue[] _inputs;
    private readonly OrtValue[] _outputs;
    private readonly OrtIoBinding _binding;
    private readonly RunOptions _runOptions = new();

    /// <summary>A session over the embedded model (checksum checked), one intra-op thread, sequential execution.</summary>
    public OnnxSileroVad()
    {
        using var options = new SessionOptions
        {
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            EnableCpuMemArena = false,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        _session = new InferenceSession(SileroVadModel.EmbeddedBytes(), options);
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
        _binding = _session.CreateIoBinding();
        for (var i = 0; i < InputNames.Length; i++) _binding.BindInput(InputNames[i], _inputs[i]);
        for (var i = 0; i < OutputNames.Length; i++) _binding.BindOutput(OutputNames[i], _outputs[i]);
    }

    /// <summary>The session (its inputs and outputs are what the managed network reproduces).</summary>
    public InferenceSession Session => _session;

    /// <summary>Speech probability of the next frame: 512 samples, or fewer for the last one (zero-padded).</summary>
    public float Process(ReadOnlySpan<float> frame)
    {
        if (frame.Length > SpeechTimestamps.FrameSamples)
            throw new ArgumentException($"a frame is at most {SpeechTimestamps.FrameSamples} samples, got {frame.Length}", nameof(frame));
        var samples = _input.AsSpan(Context);
        frame.CopyTo(samples);
        samples[frame.Length..].Clear();
        _session.RunWithBinding(_runOptions, _binding);
        _stateOut.CopyTo(_state, 0);
        _input.AsSpan(_input.Length - Context).CopyTo(_input);
        return _output[0];
    }

    /// <summary>Back to the start of a recording.</summary>
    public void Reset()
    {
        Array.Clear(_input);
        Array.Clear(_state);
    }

    /// <summary>Speech probabilities of every frame of <paramref name="audio"/>, from a fresh state.</summary>
    public float[] SpeechProbabilities(ReadOnlySpan<float> audio)
    {
        Reset();
        const int frame = SpeechTimestamps.FrameSamples;
        var probs = new float[(audio.Length + frame - 1) / frame];
        for (var i = 0; i < probs.Length; i++)
            probs[i] = Process(audio.Slice(i * frame, Math.Min(frame, audio.Length - i * frame)));
        return probs;
    }

    /// <summary>Speech probabilities of a stream read frame by frame, from a fresh state, and its length in samples.</summary>
    public (float[] Probabilities, long Samples) SpeechProbabilities(IAudioStream audio)
    {
        ArgumentNullException.ThrowIfNull(audio);
        Reset();
        var probs = new List<float>();
        var frame = new float[SpeechTimestamps.FrameSamples];
        long samples = 0;
        while (SileroVadModel.ReadFrame(audio, frame) is var filled and > 0)
        {
            samples += filled;
            probs.Add(Process(frame.AsSpan(0, filled)));
            if (filled < frame.Length) break;
        }
        return ([.. probs], samples);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _binding.Dispose();
        foreach (var v in _inputs) v.Dispose();
        foreach (var v in _outputs) v.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }
}
