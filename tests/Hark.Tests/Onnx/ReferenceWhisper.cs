using System.Numerics.Tensors;
using Hark.Checkpoints;

namespace Hark.Tests.Onnx;

/// <summary>
/// A deliberately plain Whisper forward pass (no caches, no batching, double-checked formulas from the paper and
/// Hugging Face's modelling code) used as the reference the ONNX graphs must reproduce.
/// </summary>
internal sealed class ReferenceWhisper(WhisperConfig c, ITensorSource t)
{
    private readonly Dictionary<string, float[]> _cache = [];

    private float[] W(string name)
    {
        if (_cache.TryGetValue(name, out var v)) return v;
        v = new float[t.Tensors[name].ElementCount];
        t.ReadFloat32(name, v);
        return _cache[name] = v;
    }

    /// <summary>Encoder states [1500, d] of one mel window [n_mels, 3000].</summary>
    public float[] Encode(ReadOnlySpan<float> mel)
    {
        var d = c.DModel;
        var frames = c.MelFrames;
        var h1 = Conv(mel.ToArray(), c.NumMelBins, frames, W("encoder.conv1.weight"), W("encoder.conv1.bias"), d, 1);
        Gelu(h1);
        var h2 = Conv(h1, d, frames, W("encoder.conv2.weight"), W("encoder.conv2.bias"), d, 2);
        Gelu(h2);
        var n = c.MaxSourcePositions;
        var x = new float[n * d];
        var pos = W(WhisperTensorNames.EncoderPositions);
        for (var p = 0; p < n; p++)
            for (var ch = 0; ch < d; ch++) x[p * d + ch] = h2[ch * n + p] + pos[p * d + ch];
        for (var l = 0; l < c.EncoderLayers; l++)
        {
            var pre = WhisperTensorNames.EncoderLayer(l);
            var h = LayerNorm(x, n, pre + "self_attn_layer_norm");
            Add(x, Attention(h, n, h, n, pre + "self_attn.", c.EncoderAttentionHeads, causal: false));
            Add(x, Mlp(LayerNorm(x, n, pre + "final_layer_norm"), n, pre));
        }
        return LayerNorm(x, n, "encoder.layer_norm");
    }

    /// <summary>Logits [tokens, vocab] for every position of <paramref name="tokens"/>.</summary>
    public float[] Logits(float[] encoded, ReadOnlySpan<int> tokens)
    {
        var d = c.DModel;
        var n = tokens.Length;
        var emb = W(WhisperTensorNames.TokenEmbedding);
        var pos = W(WhisperTensorNames.DecoderPositions);
        var x = new float[n * d];
        for (var i = 0; i < n; i++)
            for (var ch = 0; ch < d; ch++) x[i * d + ch] = emb[tokens[i] * d + ch] + pos[i * d + ch];
        for (var l = 0; l < c.DecoderLayers; l++)
        {
            var pre = WhisperTensorNames.DecoderLayer(l);
            var h = LayerNorm(x, n, pre + "self_attn_layer_norm");
            Add(x, Attention(h, n, h, n, pre + "self_attn.", c.DecoderAttentionHeads, causal: true));
            h = LayerNorm(x, n, pre + "encoder_attn_layer_norm");
            Add(x, Attention(h, n, encoded, c.MaxSourcePositions, pre + "encoder_attn.", c.DecoderAttentionHeads, causal: false));
            Add(x, Mlp(LayerNorm(x, n, pre + "final_layer_norm"), n, pre));
        }
        x = LayerNorm(x, n, "decoder.layer_norm");
        var logits = new float[n * c.VocabSize];
        for (var i = 0; i < n; i++)
            for (var v = 0; v < c.VocabSize; v++) logits[i * c.VocabSize + v] = TensorPrimitives.Dot(x.AsSpan(i * d, d), emb.AsSpan(v * d, d));
        return logits;
    }

    private static float[] Conv(float[] input, int inCh, int inLen, float[] w, float[] b, int outCh, int stride)
    {
        var outLen = (inLen + 2 - 3) / stride + 1;
        var y = new float[outCh * outLen];
        for (var o = 0; o < outCh; o++)
        {
            for (var p = 0; p < outLen; p++)
            {
                double acc = b[o];
                for (var i = 0; i < inCh; i++)
                    for (var k = 0; k < 3; k++)
                    {
                        var src = p * stride + k - 1;
                        if (src >= 0 && src < inLen) acc += (double)w[(o * inCh + i) * 3 + k] * input[i * inLen + src];
                    }
                y[o * outLen + p] = (float)acc;
            }
        }
        return y;
    }

    private float[] Linear(float[] x, int rows, string prefix, bool bias)
    {
        var w = W(prefix + ".weight");
        var outs = (int)t.Tensors[prefix + ".weight"].Shape[0];
        var ins = (int)t.Tensors[prefix + ".weight"].Shape[1];
        var b = bias ? W(prefix + ".bias") : null;
        var y = new float[rows * outs];
        for (var r = 0; r < rows; r++)
            for (var o = 0; o < outs; o++) y[r * outs + o] = TensorPrimitives.Dot(x.AsSpan(r * ins, ins), w.AsSpan(o * ins, ins)) + (b?[o] ?? 0f);
        return y;
    }

    private float[] Attention(float[] xq, int nq, float[] xkv, int nk, string prefix, int heads, bool causal)
    {
        var d = c.DModel;
        var hd = d / heads;
        var q = Linear(xq, nq, prefix + "q_proj", true);
        var k = Linear(xkv, nk, prefix + "k_proj", false);
        var v = Linear(xkv, nk, prefix + "v_proj", true);
        var o = new float[nq * d];
        var scores = new double[nk];
        var scale = 1.0 / Math.Sqrt(hd);
        for (var h = 0; h < heads; h++)
        {
            for (var i = 0; i < nq; i++)
            {
                var visible = causal ? i + 1 : nk;
                var max = double.NegativeInfinity;
                for (var j = 0; j < visible; j++)
                {
                    scores[j] = TensorPrimitives.Dot(q.AsSpan(i * d + h * hd, hd), k.AsSpan(j * d + h * hd, hd)) * scale;
                    max = Math.Max(max, scores[j]);
                }
                double sum = 0;
                for (var j = 0; j < visible; j++) sum += scores[j] = Math.Exp(scores[j] - max);
                for (var e = 0; e < hd; e++)
                {
                    double acc = 0;
                    for (var j = 0; j < visible; j++) acc += scores[j] * v[j * d + h * hd + e];
                    o[i * d + h * hd + e] = (float)(acc / sum);
                }
            }
        }
        return Linear(o, nq, prefix + "out_proj", true);
    }

    private float[] Mlp(float[] h, int rows, string prefix)
    {
        var f = Linear(h, rows, prefix + "fc1", true);
        Gelu(f);
        return Linear(f, rows, prefix + "fc2", true);
    }

    private float[] LayerNorm(float[] x, int rows, string prefix)
    {
        var d = c.DModel;
        var g = W(prefix + ".weight");
        var b = W(prefix + ".bias");
        var y = new float[x.Length];
        for (var r = 0; r < rows; r++)
        {
            var row = x.AsSpan(r * d, d);
            double mean = 0, var = 0;
            foreach (var v in row) mean += v;
            mean /= d;
            foreach (var v in row) var += (v - mean) * (v - mean);
            var inv = 1.0 / Math.Sqrt(var / d + 1e-5);
            for (var i = 0; i < d; i++) y[r * d + i] = (float)((row[i] - mean) * inv * g[i] + b[i]);
        }
        return y;
    }

    private static void Gelu(float[] x)
    {
        for (var i = 0; i < x.Length; i++) x[i] = (float)(0.5 * x[i] * (1 + Erf(x[i] / Math.Sqrt(2))));
    }

    private static void Add(float[] x, float[] y) => TensorPrimitives.Add(x, y, x);

    /// <summary>erf through the Chebyshev fit of erfc (fractional error below 1.2e-7), ample for 1e-4 parity.</summary>
    private static double Erf(double z)
    {
        var t = 1.0 / (1.0 + 0.5 * Math.Abs(z));
        var ans = 1 - t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
            t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return z >= 0 ? ans : -ans;
    }
}
