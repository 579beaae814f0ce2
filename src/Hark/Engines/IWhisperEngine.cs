using Hark.Checkpoints;

namespace Hark.Engines;

/// <summary>
/// The contract every inference engine fulfils (managed CPU, ONNX Runtime, Vulkan, …). A loaded engine is immutable
/// and may be shared between threads; all per-run state lives in the <see cref="IEncodedAudio"/> and
/// <see cref="IDecoderSession"/> objects it hands out, which are not thread-safe.
/// </summary>
public interface IWhisperEngine : IDisposable
{
    /// <summary>Architecture of the loaded model.</summary>
    WhisperConfig Config { get; }

    /// <summary>Device, precision, threads and memory.</summary>
    EngineDescription Description { get; }

    /// <summary>
    /// Runs the encoder on a batch of mel windows.
    /// </summary>
    /// <param name="mel">Features laid out <c>[batch, n_mels, frames]</c>, frames = <see cref="WhisperConfig.MelFrames"/>.</param>
    /// <param name="batch">Number of windows.</param>
    /// <param name="cancellationToken">Checked between layers.</param>
    /// <returns>Encoder states <c>[batch, positions, d_model]</c>, kept in the engine's own memory.</returns>
    IEncodedAudio Encode(ReadOnlySpan<float> mel, int batch, CancellationToken cancellationToken = default);

    /// <summary>
    /// Starts decoding <paramref name="audioIndex"/>.Length sequences; sequence <c>i</c> attends to window
    /// <c>audioIndex[i]</c> of <paramref name="audio"/> (several beams or samples share one window's cross-attention K/V).
    /// </summary>
    IDecoderSession StartDecoder(IEncodedAudio audio, ReadOnlySpan<int> audioIndex, DecoderSessionOptions? options = null);

    /// <summary>
    /// Prepares decoding of every window of <paramref name="audio"/> once (the cross-attention K/V where the engine
    /// can share them between sessions), for the many sessions one window needs: language detection, then one
    /// decoding per fallback temperature.
    /// </summary>
    IDecoderSessionFactory PrepareDecoder(IEncodedAudio audio);
}

/// <summary>Encoder output for a batch of windows, owned by the engine that produced it.</summary>
public interface IEncodedAudio : IDisposable
{
    /// <summary>Number of windows.</summary>
    int Batch { get; }

    /// <summary>Copies the states of window <paramref name="index"/> (<c>[positions, d_model]</c>) to host memory.</summary>
    void CopyTo(int index, Span<float> destination);
}

/// <summary>Options of one decoder session.</summary>
public sealed record DecoderSessionOptions
{
    /// <summary>Upper bound on tokens fed to each sequence (prompt and generated); default the model's context.</summary>
    public int? MaxLength { get; init; }

    /// <summary>Record cross-attention weights of these (layer, head) pairs for word timestamps.</summary>
    public IReadOnlyList<(int Layer, int Head)>? AlignmentHeads { get; init; }
}

/// <summary>
/// Autoregressive decoding state for a set of sequences: self-attention KV cache plus the cross-attention K/V
/// computed once per window. Not thread-safe.
/// </summary>
public interface IDecoderSession : IDisposable
{
    /// <summary>Number of sequences.</summary>
    int SequenceCount { get; }

    /// <summary>Tokens already fed to each sequence (the KV cache length).</summary>
    int Length { get; }

    /// <summary>
    /// Feeds <paramref name="tokensPerSequence"/> new tokens to every sequence and returns logits.
    /// </summary>
    /// <param name="tokens">New tokens, <c>[SequenceCount, tokensPerSequence]</c> row-major.</param>
    /// <param name="tokensPerSequence">New tokens per sequence (the prompt on the first step, then 1).</param>
    /// <param name="logits">Output <c>[SequenceCount, positions.Length, vocab]</c>.</param>
    /// <param name="positions">Which of the new positions to return logits for (0-based within the new tokens);
    /// empty means the last one only.</param>
    void Step(ReadOnlySpan<int> tokens, int tokensPerSequence, Span<float> logits, ReadOnlySpan<int> positions = default);

    /// <summary>
    /// Reorders the caches: sequence <c>i</c> continues from what sequence <c>sourceRows[i]</c> held
    /// (beam search). The length may change the number of sequences; cross-attention follows the source's window.
    /// </summary>
    void Reorder(ReadOnlySpan<int> sourceRows);

    /// <summary>
    /// Cross-attention weights recorded for the alignment heads since the session started,
    /// <c>[heads, SequenceCount, Length, positions]</c>; empty when none were asked for.
    /// </summary>
    ReadOnlyMemory<float> AlignmentWeights { get; }
}
