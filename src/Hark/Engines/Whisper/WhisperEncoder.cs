using Hark.Checkpoints;
using Hark.Engines.Backends;

namespace Hark.Engines.Whisper;

/// <summary>
/// Whisper's encoder over an <see cref="IOpBackend"/>: conv1 (n_mels→d, k3, pad 1) + GELU, conv2 (stride 2) + GELU,
/// plus sinusoidal positions, pre-LN transformer blocks, final LayerNorm (eps 1e-5).
/// </summary>
internal sealed class WhisperEncoder(IOpBackend backend, WhisperConfig config, WhisperWeights weights)
{
    private const float Epsilon = 1e-5f;

    /// <summary>FLOPs of one window (multiply-add = 2), for GFLOP/s figures.</summary>
    public static double FlopsPerWindow(WhisperConfig c)
    {
        double t = c.MaxSourcePositions, d = c.DModel, f = c.EncoderFfnDim;
        var conv = 2.0 * (2 * t) * c.NumMelBins * 3 * d + 2.0 * t * d * 3 * d;
        var block = 2.0 * t * (4 * d * d + 2 * d * f) + 2.0 * 2 * t * t * d;
        return conv + c.EncoderLayers * block;
    }

    /// <summary>Encodes <paramref name="batch"/> windows of <c>[n_mels, frames]</c> into rows of <paramref name="output"/>.</summary>
    public void Encode(ReadOnlySpan<float> mel, int batch, IDeviceTensor output, CancellationToken cancellationToken)
    {
        int d = config.DModel, frames = config.MelFrames, positions = config.MaxSourcePositions, mels = config.NumMelBins;
        using var melWindow = backend.Allocate(mels, frames);
        using var melT = backend.Allocate(frames, mels);
        using var stem = backend.Allocate(frames, d);
        using var x = backend.Allocate(positions, d);
        using var norm = backend.Allocate(positions, d);
        using var q = backend.Allocate(positions, d);
        using var k = backend.Allocate(positions, d);
        using var v = backend.Allocate(positions, d);
        using var attended = backend.Allocate(positions, d);
        using var hidden = backend.Allocate(positions, config.EncoderFfnDim);
        for (var b = 0; b < batch; b++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            backend.Upload(mel.Slice(b * mels * frames, mels * frames), TensorView.Of(melWindow));
            backend.Transpose(TensorView.Of(melWindow), TensorView.Of(melT));
            backend.Conv1d(TensorView.Of(melT), weights.Conv1, weights.Conv1Bias, TensorView.Of(stem), 1, Activation.Gelu);
            backend.Conv1d(TensorView.Of(stem), weights.Conv2, weights.Conv2Bias, TensorView.Of(x), 2, Activation.Gelu);
            backend.Add(TensorView.Of(x), TensorView.Of(weights.EncoderPositions), TensorView.Of(x));
            foreach (var layer in weights.EncoderLayers)
            {
                cancellationToken.ThrowIfCancellationRequested();
                backend.LayerNorm(TensorView.Of(x), layer.SelfNorm.Gamma, layer.SelfNorm.Beta, TensorView.Of(norm), Epsilon);
                var a = layer.Self;
                backend.Linear(TensorView.Of(norm), a.Q, a.QBias, TensorView.Of(q));
                backend.Linear(TensorView.Of(norm), a.K, null, TensorView.Of(k));
                backend.Linear(TensorView.Of(norm), a.V, a.VBias, TensorView.Of(v));
                backend.Attention(new AttentionArgs
                {
                    Query = TensorView.Of(q),
                    Keys = k,
                    Values = v,
                    Output = TensorView.Of(attended),
                    KvStride = positions,
                    KvLength = positions,
                    KvIndex = [0],
                    QueriesPerSequence = positions,
                    Heads = config.EncoderAttentionHeads,
                    Scale = 1f / MathF.Sqrt(config.EncoderHeadDim),
                });
                backend.Linear(TensorView.Of(attended), a.Out, a.OutBias, TensorView.Of(x), accumulate: true);
                backend.LayerNorm(TensorView.Of(x), layer.MlpNorm.Gamma, layer.MlpNorm.Beta, TensorView.Of(norm), Epsilon);
                backend.Linear(TensorView.Of(norm), layer.Fc1, layer.Fc1Bias, TensorView.Of(hidden), Activation.Gelu);
                backend.Linear(TensorView.Of(hidden), layer.Fc2, layer.Fc2Bias, TensorView.Of(x), accumulate: true);
            }
            backend.LayerNorm(TensorView.Of(x), weights.EncoderNorm.Gamma, weights.EncoderNorm.Beta, TensorView.Of(output, b * positions, positions), Epsilon);
        }
    }
}
