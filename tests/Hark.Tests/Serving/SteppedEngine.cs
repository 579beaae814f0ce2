using Hark.Checkpoints;
using Hark.Engines;

namespace Hark.Tests.Serving;

/// <summary>
/// An engine that counts decoder steps and makes each take at least <paramref name="stepDelay"/>, so a test can act in
/// the middle of a decoding and observe when it stops. Does not own the inner engine.
/// </summary>
internal sealed class SteppedEngine(IWhisperEngine inner, TimeSpan stepDelay) : IWhisperEngine
{
    private long _steps;
    private readonly System.Collections.Concurrent.ConcurrentQueue<int[]> _prompts = new();

    public long Steps => Interlocked.Read(ref _steps);

    /// <summary>The first row fed to each session (its prompt), in the order sessions started.</summary>
    public IReadOnlyList<int[]> Prompts => [.. _prompts];

    public WhisperConfig Config => inner.Config;

    public EngineDescription Description => inner.Description;

    public IEncodedAudio Encode(ReadOnlySpan<float> mel, int batch, CancellationToken cancellationToken = default) => inner.Encode(mel, batch, cancellationToken);

    public IDecoderSession StartDecoder(IEncodedAudio audio, ReadOnlySpan<int> audioIndex, DecoderSessionOptions? options = null) =>
        new Session(this, inner.StartDecoder(audio, audioIndex, options));

    private TimeSpan StepDelay => stepDelay;

    public IDecoderSessionFactory PrepareDecoder(IEncodedAudio audio) => new Factory(this, inner.PrepareDecoder(audio));

    public void Dispose() { }

    private sealed class Factory(SteppedEngine owner, IDecoderSessionFactory inner) : IDecoderSessionFactory
    {
        public int Windows => inner.Windows;

        public IDecoderSession StartDecoder(ReadOnlySpan<int> audioIndex, DecoderSessionOptions? options = null) =>
            new Session(owner, inner.StartDecoder(audioIndex, options));

        public void Dispose() => inner.Dispose();
    }

    private sealed class Session(SteppedEngine owner, IDecoderSession inner) : IDecoderSession
    {
        public int SequenceCount => inner.SequenceCount;

        public int Length => inner.Length;

        public ReadOnlyMemory<float> AlignmentWeights => inner.AlignmentWeights;

        public void Step(ReadOnlySpan<int> tokens, int tokensPerSequence, Span<float> logits, ReadOnlySpan<int> positions = default)
        {
            if (inner.Length == 0) owner._prompts.Enqueue(tokens[..tokensPerSequence].ToArray());
            Thread.Sleep(owner.StepDelay);
            inner.Step(tokens, tokensPerSequence, logits, positions);
            Interlocked.Increment(ref owner._steps);
        }

        public void Reorder(ReadOnlySpan<int> sourceRows) => inner.Reorder(sourceRows);

        public void Dispose() => inner.Dispose();
    }
}
