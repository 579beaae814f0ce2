namespace Hark.Audio;

/// <summary>How one PCM sample is stored.</summary>
public enum SampleEncoding
{
    /// <summary>Unsigned 8-bit, 128 = silence.</summary>
    UInt8,
    /// <summary>Signed 16-bit little-endian.</summary>
    Int16,
    /// <summary>Signed 24-bit little-endian, packed in 3 bytes.</summary>
    Int24,
    /// <summary>Signed 32-bit little-endian.</summary>
    Int32,
    /// <summary>IEEE 754 single precision little-endian.</summary>
    Float32,
    /// <summary>IEEE 754 double precision little-endian.</summary>
    Float64,
}

/// <summary>Layout of interleaved raw PCM: what a WAV <c>fmt </c> chunk says, or what a client declares for a raw stream.</summary>
/// <param name="Encoding">Sample encoding.</param>
/// <param name="Channels">Interleaved channels (down-mixed to mono by averaging).</param>
/// <param name="SampleRate">Frames per second (resampled to 16 kHz).</param>
public sealed record PcmFormat(SampleEncoding Encoding, int Channels, int SampleRate)
{
    /// <summary>Whisper's native layout: 16 kHz mono signed 16-bit, what openai's <c>load_audio</c> asks ffmpeg for.</summary>
    public static PcmFormat Whisper { get; } = new(SampleEncoding.Int16, 1, AudioConstants.SampleRate);

    /// <summary>Bytes of one sample of one channel.</summary>
    public int BytesPerSample => Encoding switch
    {
        SampleEncoding.UInt8 => 1,
        SampleEncoding.Int16 => 2,
        SampleEncoding.Int24 => 3,
        SampleEncoding.Int32 or SampleEncoding.Float32 => 4,
        SampleEncoding.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(Encoding), Encoding, "unknown sample encoding"),
    };

    /// <summary>Bytes of one frame (one sample of every channel).</summary>
    public int BytesPerFrame => BytesPerSample * Channels;
}
