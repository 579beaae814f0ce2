using System.Diagnostics;
using Hark.Checkpoints;

namespace Hark.Engines.Instrumentation;

/// <summary>
/// Wraps any engine and accumulates the time spent in the encoder and in decoder steps, so benchmarks report
/// encoder ms per window and decoder ms per token for every engine the same way, without touching engine code.
/// </summary>
public sealed class TimedEngine : IWhisperEngine
{
    private readonly IWhisperEngine _inner;
    private long _encoderTicks;
    private long _windows;
    private long _decoderTicks;
    private long _steps;
    private long _tokens;

    /// <summary>Wraps <paramref name="inner"/>; disposing this disposes it.</summary>
    public TimedEngine(IWhisperEngine inner) => _inner = inner;

    /// <inheritdoc />
    public WhisperConfig Config => _inner.Config;

    /// <inheritdoc />
    public EngineDescription Description => _inner.Description;

    /// <summary>Accumulated timings since creation or the last <see cref="Reset"/>.</summary>
    public EngineTimings Timings => new(
        Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _encoderTicks)), Interlocked.Read(ref _windows),
        Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _decoderTicks)), Interlocked.Read(ref _steps), Interlocked.Read(ref _tokens));

    /// <summary>Zeroes the counters.</summary>
    public void Reset()
    {
        Interlocked.Exchange(ref _encoderTicks, 0);
        Interlocked.Exchange(ref _windows, 0);
        Interlocked.Exchange(ref _decoderTicks, 0);
        Interlocked.Exchange(ref _steps, 0);
        Interlocked.Exchange(ref _tokens, 0);
    }

    /// <inheritdoc />
    public IEncodedAudio Encode(ReadOnlySpan<float> mel, int batch, CancellationToken cancellationToken = default)
    {
        var start = Stopwatch.GetTimestamp();
        var result = _inner.Encode(mel, batch, cancellationToken);
        Interlocked.Add(ref _encoderTicks, Stopwatch.GetTimestamp() - start);
        Interlocked.Add(ref _windows, batch);
        return result;
    }

    /// <inheritdoc />
    public IDecoderSession StartDecoder(IEncodedAudio audio, ReadOnlySpan<int> audioIndex, DecoderSessionOptions? options = null) =>
        new TimedSession(this, _inner.StartDecoder(audio, audioIndex, options));

    /// <inheritdoc />
    public IDecoderSessionFactory PrepareDecoder(IEncodedAudio audio) => new TimedFactory(this, _inner.PrepareDecoder(audio));

    /// <inheritdoc />
    public void Dispose() => _inner.Dispose();

    private sealed class TimedFactory(TimedEngine owner, IDecoderSessionFactory inner) : IDecoderSessionFactory
    {
        public int Windows => inner.Windows;

        public IDecoderSession StartDecoder(ReadOnlySpan<int> audioIndex, DecoderSessionOptions? options = null) =>
            new TimedSession(owner, inner.StartDecoder(audioIndex, options));

        public void Dispose() => inner.Dispose();
    }

    private sealed class TimedSession(TimedEngine owner, IDecoderSession inner) : IDecoderSession
    {
        public int SequenceCount => inner.SequenceCount;

        public int Length => inner.Length;

        public ReadOnlyMemory<float> AlignmentWeights => inner.AlignmentWeights;

        public void Step(ReadOnlySpan<int> tokens, int tokensPerSequence, Span<float> logits, ReadOnlySpan<int> positions = default)
        {
            var start = Stopwatch.GetTimestamp();
            inner.Step(tokens, tokensPerSequence, logits, positions);
            Interlocked.Add(ref owner._decoderTicks, Stopwatch.GetTimestamp() - start);
            Interlocked.Increment(ref owner._steps);
            Interlocked.Add(ref owner._tokens, tokensPerSequence);
        }

        public void Reorder(ReadOnlySpan<int> sourceRows) => inner.Reorder(sourceRows);

        public void Dispose() => inner.Dispose();
    }
}

/// <summary>Time spent in an engine.</summary>
/// <param name="Encoder">Total encoder time.</param>
/// <param name="Windows">Windows encoded.</param>
/// <param name="Decoder">Total decoder-step time.</param>
/// <param name="Steps">Decoder steps (one step advances every sequence of a batch).</param>
/// <param name="Tokens">Token positions fed per sequence, summed over steps (prompts count their length).</param>
public readonly record struct EngineTimings(TimeSpan Encoder, long Windows, TimeSpan Decoder, long Steps, long Tokens)
{
    /// <summary>Encoder milliseconds per 30 s window.</summary>
    public double EncoderMsPerWindow => Windows == 0 ? 0 : Encoder.TotalMilliseconds / Windows;

    /// <summary>Decoder milliseconds per step (per generated token of a batch).</summary>
    public double DecoderMsPerToken => Steps == 0 ? 0 : Decoder.TotalMilliseconds / Steps;
}
