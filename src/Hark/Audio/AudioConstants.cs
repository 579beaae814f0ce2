namespace Hark.Audio;

/// <summary>Whisper's audio hyper-parameters (openai-whisper <c>audio.py</c>): the spec every front end follows.</summary>
public static class AudioConstants
{
    /// <summary>Samples per second of model input.</summary>
    public const int SampleRate = 16000;
    /// <summary>STFT window length in samples (25 ms).</summary>
    public const int NFft = 400;
    /// <summary>STFT hop in samples (10 ms).</summary>
    public const int HopLength = 160;
    /// <summary>Seconds in one model window.</summary>
    public const int ChunkLength = 30;
    /// <summary>Samples in one window (480 000).</summary>
    public const int SamplesPerChunk = ChunkLength * SampleRate;
    /// <summary>Mel frames in one window (3000).</summary>
    public const int FramesPerChunk = SamplesPerChunk / HopLength;
    /// <summary>Mel frames per second (100).</summary>
    public const int FramesPerSecond = SampleRate / HopLength;
    /// <summary>Audio samples per encoder output position (the conv stem strides by 2).</summary>
    public const int SamplesPerToken = HopLength * 2;
    /// <summary>Seconds per timestamp token step (0.02 s).</summary>
    public const double TimePrecision = (double)SamplesPerToken / SampleRate;
}
