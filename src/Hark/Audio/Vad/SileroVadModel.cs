using System.Security.Cryptography;

namespace Hark.Audio.Vad;

/// <summary>
/// Silero VAD v6 (MIT, embedded in this library with its licence): speech probability of every 512-sample frame
/// (32 ms at 16 kHz). The weights are read from the embedded ONNX file and run in managed code, the stateless encoder
/// batched over blocks of frames and the LSTM cell frame by frame. One instance serves any number of threads; each
/// recording gets its own state. Results do not depend on the thread, the number of threads or what else runs.
/// </summary>
public sealed class SileroVadModel : IDisposable
{
    /// <summary>SHA-256 of the embedded <c>silero_vad_v6.onnx</c>, checked at every load.</summary>
    public const string Sha256 = "1a153a22f4509e292a94e67d6f9b85e8deb25b4988682b7e174c65279d8788e3";

    /// <summary>File name of the embedded model (and of its licence, <c>silero_vad_v6.LICENSE.txt</c>).</summary>
    public const string ModelFileName = "silero_vad_v6.onnx";

    /// <summary>Frames encoded together: about 4 MB of buffers (twice that on several threads), whatever the
    /// recording's length.</summary>
    internal const int BlockFrames = 256;

    internal const string ResourcePrefix = "Hark.Audio.Vad.";
    private static readonly Lazy<SileroVadModel> SharedInstance = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    private SileroVadModel(byte[] onnx, string name) => Network = new SileroVadNetwork(SileroVadWeights.Read(onnx, name), name);

    /// <summary>The process-wide model, loaded on first use.</summary>
    public static SileroVadModel Shared => SharedInstance.Value;

    /// <summary>Threads the encoder's products use (at most 4: the blocks are small).</summary>
    internal static int DefaultThreads => Math.Clamp(Environment.ProcessorCount, 1, 4);

    internal SileroVadNetwork Network { get; }

    /// <summary>Loads the embedded model after checking its checksum.</summary>
    /// <exception cref="HarkException">The embedded model is missing or its SHA-256 is not <see cref="Sha256"/>.</exception>
    public static SileroVadModel Load() => FromBytes(EmbeddedBytes(), ModelFileName);

    /// <summary>The embedded ONNX file's bytes, checksum not yet checked.</summary>
    internal static byte[] EmbeddedBytes()
    {
        using var stream = typeof(SileroVadModel).Assembly.GetManifestResourceStream(ResourcePrefix + ModelFileName)
            ?? throw new HarkException($"{ModelFileName}: the embedded Silero VAD model is missing from the Hark assembly");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    /// <summary>Creates the model from ONNX bytes that must hash to <see cref="Sha256"/>.</summary>
    /// <exception cref="HarkException">The checksum does not match, or the graph is not Silero VAD v6's.</exception>
    internal static SileroVadModel FromBytes(byte[] onnx, string name)
    {
        var actual = Convert.ToHexStringLower(SHA256.HashData(onnx));
        if (actual != Sha256)
            throw new HarkException($"{name}: SHA-256 is {actual}, expected {Sha256} (the embedded Silero VAD model is corrupt or was replaced)");
        return new SileroVadModel(onnx, name);
    }

    /// <summary>The licence of the embedded model (MIT, Silero Team).</summary>
    public static string Licence()
    {
        using var stream = typeof(SileroVadModel).Assembly.GetManifestResourceStream(ResourcePrefix + "silero_vad_v6.LICENSE.txt")
            ?? throw new HarkException("silero_vad_v6.LICENSE.txt: missing from the Hark assembly");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>A fresh stream (zero state, zero context) for one recording, fed one frame at a time.</summary>
    public SileroVadStream CreateStream() => new(new SileroVadPass(Network, 1, 1));

    /// <summary>Speech probability of each 512-sample frame of <paramref name="audio"/> (16 kHz mono; a short last
    /// frame is zero-padded, as Silero does).</summary>
    public float[] SpeechProbabilities(ReadOnlySpan<float> audio, CancellationToken cancellationToken = default) =>
        SpeechProbabilities(audio, DefaultThreads, cancellationToken);

    /// <summary><see cref="SpeechProbabilities(ReadOnlySpan{float}, CancellationToken)"/> on
    /// <paramref name="threads"/> threads (the result is the same for any count).</summary>
    internal float[] SpeechProbabilities(ReadOnlySpan<float> audio, int threads, CancellationToken cancellationToken = default)
    {
        const int frame = SpeechTimestamps.FrameSamples;
        var frames = (int)((audio.Length + (long)frame - 1) / frame);
        var pass = new SileroVadPass(Network, Math.Clamp(frames, 1, BlockFrames), threads);
        pass.Output.Capacity = frames;
        for (var i = 0; i < frames; i++)
        {
            if (i % BlockFrames == 0) cancellationToken.ThrowIfCancellationRequested();
            var start = i * frame;
            pass.Add(audio.Slice(start, Math.Min(frame, audio.Length - start)));
        }
        pass.Complete();
        return [.. pass.Output];
    }

    /// <summary>Speech probabilities of a decoded stream read a block of frames at a time, so that memory stays bounded
    /// by the probabilities (4 bytes per 32 ms) however long the recording; also returns its length in samples.</summary>
    public (float[] Probabilities, long Samples) SpeechProbabilities(IAudioStream audio, CancellationToken cancellationToken = default) =>
        SpeechProbabilities(audio, DefaultThreads, cancellationToken);

    /// <summary><see cref="SpeechProbabilities(IAudioStream, CancellationToken)"/> on <paramref name="threads"/> threads.</summary>
    internal (float[] Probabilities, long Samples) SpeechProbabilities(IAudioStream audio, int threads, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(audio);
        var frame = new float[SpeechTimestamps.FrameSamples];
        var pass = new SileroVadPass(Network, BlockFrames, threads);
        if (audio.LengthHint is { } hint) pass.Output.Capacity = (int)Math.Min(int.MaxValue / 2, hint / SpeechTimestamps.FrameSamples + 1);
        long samples = 0;
        for (var i = 0L; ReadFrame(audio, frame) is var filled and > 0; i++)
        {
            if (i % BlockFrames == 0) cancellationToken.ThrowIfCancellationRequested();
            samples += filled;
            pass.Add(frame.AsSpan(0, filled));
            if (filled < frame.Length) break;
        }
        pass.Complete();
        return ([.. pass.Output], samples);
    }

    /// <summary>Fills <paramref name="frame"/> from <paramref name="audio"/> as far as it goes; 0 at the end.</summary>
    internal static int ReadFrame(IAudioStream audio, Span<float> frame)
    {
        var filled = 0;
        while (filled < frame.Length && audio.Read(frame[filled..]) is var got and > 0) filled += got;
        return filled;
    }

    /// <summary>Speech chunks of <paramref name="audio"/> under <paramref name="options"/> (faster-whisper's
    /// <c>get_speech_timestamps</c>).</summary>
    public IReadOnlyList<SpeechChunk> GetSpeechTimestamps(ReadOnlySpan<float> audio, VadOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        options ??= new VadOptions();
        options.Validate(); // before the work, not after
        return SpeechTimestamps.Find(SpeechProbabilities(audio, cancellationToken), audio.Length, options);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // Managed buffers only: nothing to release early. Kept so that callers' using blocks stay valid.
    }
}
