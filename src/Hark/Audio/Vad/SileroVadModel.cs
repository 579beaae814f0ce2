using System.Security.Cryptography;
using Microsoft.ML.OnnxRuntime;

namespace Hark.Audio.Vad;

/// <summary>
/// Silero VAD v6 (MIT, embedded in this library with its licence) on ONNX Runtime's CPU provider: speech probability
/// of every 512-sample frame (32 ms at 16 kHz). One instance serves any number of threads; each recording gets its
/// own <see cref="SileroVadStream"/> carrying the model's recurrent state. Results do not depend on the thread or on
/// what else runs (one intra-op thread, sequential execution).
/// </summary>
public sealed class SileroVadModel : IDisposable
{
    /// <summary>SHA-256 of the embedded <c>silero_vad_v6.onnx</c>, checked at every load.</summary>
    public const string Sha256 = "1a153a22f4509e292a94e67d6f9b85e8deb25b4988682b7e174c65279d8788e3";

    /// <summary>File name of the embedded model (and of its licence, <c>silero_vad_v6.LICENSE.txt</c>).</summary>
    public const string ModelFileName = "silero_vad_v6.onnx";

    internal const string ResourcePrefix = "Hark.Audio.Vad.";
    private static readonly Lazy<SileroVadModel> SharedInstance = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);
    private readonly InferenceSession _session;

    private SileroVadModel(byte[] onnx)
    {
        using var options = new SessionOptions
        {
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            EnableCpuMemArena = false,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        _session = new InferenceSession(onnx, options);
    }

    /// <summary>The process-wide model, loaded on first use.</summary>
    public static SileroVadModel Shared => SharedInstance.Value;

    internal InferenceSession Session => _session;

    /// <summary>Loads the embedded model after checking its checksum.</summary>
    /// <exception cref="HarkException">The embedded model is missing or its SHA-256 is not <see cref="Sha256"/>.</exception>
    public static SileroVadModel Load()
    {
        using var stream = typeof(SileroVadModel).Assembly.GetManifestResourceStream(ResourcePrefix + ModelFileName)
            ?? throw new HarkException($"{ModelFileName}: the embedded Silero VAD model is missing from the Hark assembly");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return FromBytes(buffer.ToArray(), ModelFileName);
    }

    /// <summary>Creates the model from ONNX bytes that must hash to <see cref="Sha256"/>.</summary>
    /// <exception cref="HarkException">The checksum does not match.</exception>
    internal static SileroVadModel FromBytes(byte[] onnx, string name)
    {
        var actual = Convert.ToHexStringLower(SHA256.HashData(onnx));
        if (actual != Sha256)
            throw new HarkException($"{name}: SHA-256 is {actual}, expected {Sha256} (the embedded Silero VAD model is corrupt or was replaced)");
        return new SileroVadModel(onnx);
    }

    /// <summary>The licence of the embedded model (MIT, Silero Team).</summary>
    public static string Licence()
    {
        using var stream = typeof(SileroVadModel).Assembly.GetManifestResourceStream(ResourcePrefix + "silero_vad_v6.LICENSE.txt")
            ?? throw new HarkException("silero_vad_v6.LICENSE.txt: missing from the Hark assembly");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>A fresh stream (zero state, zero context) for one recording.</summary>
    public SileroVadStream CreateStream() => new(_session);

    /// <summary>Speech probability of each 512-sample frame of <paramref name="audio"/> (16 kHz mono; a short last
    /// frame is zero-padded, as Silero does).</summary>
    public float[] SpeechProbabilities(ReadOnlySpan<float> audio, CancellationToken cancellationToken = default)
    {
        var frames = (int)((audio.Length + (long)SpeechTimestamps.FrameSamples - 1) / SpeechTimestamps.FrameSamples);
        var probs = new float[frames];
        using var stream = CreateStream();
        for (var i = 0; i < frames; i++)
        {
            if ((i & 1023) == 0) cancellationToken.ThrowIfCancellationRequested();
            var start = i * SpeechTimestamps.FrameSamples;
            probs[i] = stream.Process(audio.Slice(start, Math.Min(SpeechTimestamps.FrameSamples, audio.Length - start)));
        }
        return probs;
    }

    /// <summary>Speech probabilities of a decoded stream read frame by frame, so that memory stays bounded by the
    /// probabilities (4 bytes per 32 ms) however long the recording; also returns its length in samples.</summary>
    public (float[] Probabilities, long Samples) SpeechProbabilities(IAudioStream audio, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(audio);
        var probs = new List<float>(audio.LengthHint is { } n ? (int)Math.Min(int.MaxValue, n / SpeechTimestamps.FrameSamples + 1) : 1024);
        var frame = new float[SpeechTimestamps.FrameSamples];
        using var stream = CreateStream();
        long samples = 0;
        while (true)
        {
            if ((probs.Count & 1023) == 0) cancellationToken.ThrowIfCancellationRequested();
            var filled = 0;
            while (filled < frame.Length && audio.Read(frame.AsSpan(filled)) is var got and > 0) filled += got;
            if (filled == 0) break;
            samples += filled;
            probs.Add(stream.Process(frame.AsSpan(0, filled)));
            if (filled < frame.Length) break;
        }
        return ([.. probs], samples);
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
    public void Dispose() => _session.Dispose();
}
