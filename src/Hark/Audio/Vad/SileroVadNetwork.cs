using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace Hark.Audio.Vad;

/// <summary>
/// Silero VAD v6 at 16 kHz in managed code, split as faster-whisper splits it: the encoder (STFT magnitude and four
/// convolutions) has no state, so it runs over a whole block of frames (FFTs, then matrix products); only the LSTM cell's
/// recurrent product and the head run frame by frame. Per frame: 64 samples of context + 512 samples, reflect-padded by
/// 64 on the right (640); a 256-wide STFT with hop 128 (4 steps × 129 bins, magnitude); convolutions 129→128 (stride 1),
/// 128→64 (2), 64→64 (2), 64→128 (1), kernel 3, padding 1, ReLU after each: one 128-wide feature; LSTMCell(128) with
/// (h, c) carried over; sigmoid(w·ReLU(h) + b). Immutable and shared by every pass.
/// </summary>
internal sealed unsafe class SileroVadNetwork
{
    /// <summary>Samples of context before each frame.</summary>
    public const int Context = 64;

    /// <summary>Context and frame: what one frame's encoder reads.</summary>
    public const int Input = Context + SpeechTimestamps.FrameSamples;

    /// <summary>STFT steps per frame: (576 + 64 − 256) / 128 + 1.</summary>
    public const int Steps = (Input + Context - SileroVadWeights.Window) / SileroVadWeights.Hop + 1;

    private const int Bins = SileroVadWeights.Bins;
    private const int Hidden = SileroVadWeights.Hidden;
    private readonly double[] _window;
    private readonly VadMatrix[] _convs;
    private readonly VadMatrix _inputGates;
    private readonly VadMatrix _recurrentGates;
    private readonly float[] _head;
    private readonly float _headBias;

    public SileroVadNetwork(SileroVadWeights w, string file)
    {
        _window = SileroVadStft.WindowOf(w.StftBasis, file);
        _convs = new VadMatrix[4];
        for (var i = 0; i < 4; i++)
        {
            var (o, c) = SileroVadWeights.ConvShapes[i];
            _convs[i] = new VadMatrix(AsLinear(w.ConvWeight[i], o, c), o, 3 * c, w.ConvBias[i]);
        }
        var bias = new float[4 * Hidden];
        TensorPrimitives.Add(w.BiasIh, w.BiasHh, bias);
        _inputGates = new VadMatrix(w.WeightIh, 4 * Hidden, Hidden, bias);
        _recurrentGates = new VadMatrix(w.WeightHh, 4 * Hidden, Hidden);
        _head = w.HeadWeight;
        _headBias = w.HeadBias;
    }

    /// <summary>A fresh STFT (it owns scratch: one per thread of a pass).</summary>
    public SileroVadStft CreateStft() => new(_window);

    /// <summary>
    /// Encodes frames <paramref name="from"/> to <paramref name="from"/> + <paramref name="count"/> of
    /// <paramref name="ws"/>'s input (<see cref="Input"/> samples each) into their LSTM input gates
    /// (<c>W_ih·x + b_ih + b_hh</c>, 512 per frame, in <see cref="SileroVadWorkspace.Gates"/>). Touches only those frames'
    /// rows of every buffer, so slices of a block can be encoded concurrently (each with its own STFT scratch).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Encode(SileroVadWorkspace ws, int from, int count, SileroVadStft stft)
    {
        var magnitude = ws.Magnitude + (long)from * Steps * Bins;
        var columns = ws.Columns + (long)from * SileroVadWorkspace.ColumnsPerFrame;
        var conv0 = ws.Conv0 + (long)from * Steps * 128;
        var conv1 = ws.Conv1 + (long)from * (Steps / 2) * 64;
        var conv2 = ws.Conv2 + (long)from * 64;
        var features = ws.Features + (long)from * Hidden;
        stft.Magnitudes(ws.Input + (long)from * Input, count * Steps, magnitude);
        Conv(0, magnitude, Steps, count, columns, conv0);
        Conv(1, conv0, Steps, count, columns, conv1);
        Conv(2, conv1, Steps / 2, count, columns, conv2);
        Conv(3, conv2, 1, count, columns, features);
        _inputGates.Multiply(features, Hidden, count, ws.Gates + (long)from * 4 * Hidden, 4 * Hidden, relu: false);
    }

    /// <summary>One frame of the LSTM cell and the head: updates (h, c) and returns the speech probability.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public float Step(float* inputGates, float* h, float* c, float* gates)
    {
        _recurrentGates.MultiplyRow(h, inputGates, gates);
        var g = new Span<float>(gates, 4 * Hidden);
        TensorPrimitives.Sigmoid(g[..(2 * Hidden)], g[..(2 * Hidden)]); // input, forget
        TensorPrimitives.Tanh(g.Slice(2 * Hidden, Hidden), g.Slice(2 * Hidden, Hidden)); // cell candidate
        TensorPrimitives.Sigmoid(g.Slice(3 * Hidden, Hidden), g.Slice(3 * Hidden, Hidden)); // output
        for (var i = 0; i < Hidden; i++) c[i] = gates[Hidden + i] * c[i] + gates[i] * gates[2 * Hidden + i];
        var tanh = g[..Hidden]; // the input gate is spent
        TensorPrimitives.Tanh(new ReadOnlySpan<float>(c, Hidden), tanh);
        var logit = 0f;
        for (var i = 0; i < Hidden; i++)
        {
            h[i] = gates[3 * Hidden + i] * tanh[i];
            logit += Math.Max(h[i], 0f) * _head[i];
        }
        return 1f / (1f + MathF.Exp(-(logit + _headBias)));
    }

    /// <summary>Convolution <paramref name="layer"/> (kernel 3, padding 1) of <paramref name="count"/> frames of
    /// <paramref name="steps"/> rows each, as im2col rows times the weight, with ReLU.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Conv(int layer, float* x, int steps, int count, float* columns, float* y)
    {
        var (_, channels) = SileroVadWeights.ConvShapes[layer];
        var stride = SileroVadWeights.ConvStrides[layer];
        var outSteps = (steps - 1) / stride + 1;
        var width = 3 * channels;
        for (var f = 0; f < count; f++)
        {
            for (var t = 0; t < outSteps; t++)
            {
                var row = new Span<float>(columns + ((long)f * outSteps + t) * width, width);
                for (var j = 0; j < 3; j++)
                {
                    var at = t * stride + j - 1;
                    var slot = row.Slice(j * channels, channels);
                    if (at < 0 || at >= steps) slot.Clear();
                    else new ReadOnlySpan<float>(x + ((long)f * steps + at) * channels, channels).CopyTo(slot);
                }
            }
        }
        _convs[layer].Multiply(columns, width, count * outSteps, y, _convs[layer].PaddedN, relu: true);
    }

    /// <summary>Conv1d weight <c>[out, in, 3]</c> → <c>[out, 3·in]</c> in the im2col order (tap-major).</summary>
    private static float[] AsLinear(float[] w, int outChannels, int inChannels)
    {
        var linear = new float[w.Length];
        for (var o = 0; o < outChannels; o++)
            for (var c = 0; c < inChannels; c++)
                for (var t = 0; t < 3; t++)
                    linear[(o * 3 + t) * inChannels + c] = w[(o * inChannels + c) * 3 + t];
        return linear;
    }
}
