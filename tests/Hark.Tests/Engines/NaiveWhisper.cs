using Hark.Checkpoints;

namespace Hark.Tests.Engines;

/// <summary>
/// A deliberately naive Whisper forward pass in double precision, written from the model description (openai's
/// model.py and Hugging Face's config semantics) with plain loops. It shares no code with Hark's engine: only the
/// tensor source is common. Slow on purpose; used on small configurations.
/// </summary>
internal sealed class NaiveWhisper
{
    private readonly WhisperConfig _c;
    private readonly ITensorSource _source;
    private readonly Dictionary<string, double[]> _cache = new(StringComparer.Ordinal);

    public NaiveWhisper(WhisperConfig config, ITensorSource source)
    {
        _c = config;
        _source = source;
    }

    private double[] W(string name)
    {
        if (_cache.TryGetValue(name, out var cached)) return cached;
        var info = _source.Tensors[name];
        var f = new float[info.ElementCount];
        _source.ReadFloat32(name, f);
        var d = Array.ConvertAll(f, v => (double)v);
        _cache[name] = d;
        return d;
    }

    /// <summary>Encoder states <c>[1500][d]</c> of one mel window <c>[n_mels, 3000]</c>.</summary>
    public double[][] Encode(float[] mel)
    {
        int d = _c.DModel, mels = _c.NumMelBins, frames = _c.MelFrames, positions = _c.MaxSourcePositions;
        var w1 = W("encoder.conv1.weight");
        var b1 = W("encoder.conv1.bias");
        var h = new double[frames][];
        for (var t = 0; t < frames; t++)
        {
            h[t] = new double[d];
            for (var o = 0; o < d; o++)
            {
                var sum = b1[o];
                for (var ch = 0; ch < mels; ch++)
                    for (var k = 0; k < 3; k++)
                    {
                        var src = t + k - 1;
                        if (src >= 0 && src < frames) sum += w1[(o * mels + ch) * 3 + k] * mel[ch * frames + src];
                    }
                h[t][o] = Gelu(sum);
            }
        }
        var w2 = W("encoder.conv2.weight");
        var b2 = W("encoder.conv2.bias");
        var pos = W("encoder.embed_positions.weight");
        var x = new double[positions][];
        for (var t = 0; t < positions; t++)
        {
            x[t] = new double[d];
            for (var o = 0; o < d; o++)
            {
                var sum = b2[o];
                for (var ch = 0; ch < d; ch++)
                    for (var k = 0; k < 3; k++)
                    {
                        var src = 2 * t + k - 1;
                        if (src >= 0 && src < frames) sum += w2[(o * d + ch) * 3 + k] * h[src][ch];
                    }
                x[t][o] = Gelu(sum) + pos[t * d + o];
            }
        }
        for (var l = 0; l < _c.EncoderLayers; l++)
        {
            var p = $"encoder.layers.{l}.";
            var a = MultiHead(Norm(x, p + "self_attn_layer_norm"), Norm(x, p + "self_attn_layer_norm"), p + "self_attn", _c.EncoderAttentionHeads, causal: false);
            AddInPlace(x, a);
            AddInPlace(x, Mlp(Norm(x, p + "final_layer_norm"), p));
        }
        return Norm(x, "encoder.layer_norm");
    }

    /// <summary>Logits <c>[T][vocab]</c> of every position of a teacher-forced token sequence.</summary>
    public double[][] Decode(double[][] encoded, int[] tokens) => Decode(encoded, tokens, null);

    /// <summary>
    /// Like <see cref="Decode(double[][], int[])"/>, and gives <paramref name="crossAttention"/> every cross-attention
    /// probability row: layer, head, query position and the probabilities over the encoder positions.
    /// </summary>
    public double[][] Decode(double[][] encoded, int[] tokens, Action<int, int, int, double[]>? crossAttention)
    {
        int d = _c.DModel, n = tokens.Length;
        var embed = W("decoder.embed_tokens.weight");
        var pos = W("decoder.embed_positions.weight");
        var x = new double[n][];
        for (var i = 0; i < n; i++)
        {
            x[i] = new double[d];
            for (var j = 0; j < d; j++) x[i][j] = embed[tokens[i] * d + j] + pos[i * d + j];
        }
        for (var l = 0; l < _c.DecoderLayers; l++)
        {
            var p = $"decoder.layers.{l}.";
            var normed = Norm(x, p + "self_attn_layer_norm");
            AddInPlace(x, MultiHead(normed, normed, p + "self_attn", _c.DecoderAttentionHeads, causal: true));
            var layer = l;
            AddInPlace(x, MultiHead(Norm(x, p + "encoder_attn_layer_norm"), encoded, p + "encoder_attn", _c.DecoderAttentionHeads, causal: false,
                crossAttention is null ? null : (head, query, probabilities) => crossAttention(layer, head, query, probabilities)));
            AddInPlace(x, Mlp(Norm(x, p + "final_layer_norm"), p));
        }
        var h = Norm(x, "decoder.layer_norm");
        var projection = _c.TieWordEmbeddings ? embed : W("proj_out.weight");
        var logits = new double[n][];
        for (var i = 0; i < n; i++)
        {
            logits[i] = new double[_c.VocabSize];
            for (var v = 0; v < _c.VocabSize; v++)
            {
                double sum = 0;
                for (var j = 0; j < d; j++) sum += h[i][j] * projection[v * d + j];
                logits[i][v] = sum;
            }
        }
        return logits;
    }

    private double[][] MultiHead(double[][] queries, double[][] context, string prefix, int heads, bool causal,
        Action<int, int, double[]>? record = null)
    {
        var q = Linear(queries, prefix + ".q_proj.weight", prefix + ".q_proj.bias");
        var k = Linear(context, prefix + ".k_proj.weight", null);
        var v = Linear(context, prefix + ".v_proj.weight", prefix + ".v_proj.bias");
        int d = _c.DModel, dh = d / heads, nq = q.Length, nk = k.Length;
        var scale = Math.Pow(dh, -0.25); // openai scales q and k each by dh^-1/4
        var output = new double[nq][];
        for (var i = 0; i < nq; i++) output[i] = new double[d];
        var scores = new double[nk];
        for (var head = 0; head < heads; head++)
        {
            for (var i = 0; i < nq; i++)
            {
                var visible = causal ? i + 1 : nk;
                var max = double.NegativeInfinity;
                for (var j = 0; j < visible; j++)
                {
                    double s = 0;
                    for (var c = head * dh; c < (head + 1) * dh; c++) s += q[i][c] * scale * (k[j][c] * scale);
                    scores[j] = s;
                    max = Math.Max(max, s);
                }
                double total = 0;
                for (var j = 0; j < visible; j++)
                {
                    scores[j] = Math.Exp(scores[j] - max);
                    total += scores[j];
                }
                for (var j = 0; j < visible; j++)
                    for (var c = head * dh; c < (head + 1) * dh; c++) output[i][c] += scores[j] / total * v[j][c];
                record?.Invoke(head, i, [.. scores.Take(visible).Select(s => s / total)]);
            }
        }
        return Linear(output, prefix + ".out_proj.weight", prefix + ".out_proj.bias");
    }

    private double[][] Mlp(double[][] x, string prefix)
    {
        var hidden = Linear(x, prefix + "fc1.weight", prefix + "fc1.bias");
        foreach (var row in hidden)
            for (var i = 0; i < row.Length; i++) row[i] = Gelu(row[i]);
        return Linear(hidden, prefix + "fc2.weight", prefix + "fc2.bias");
    }

    private double[][] Linear(double[][] x, string weight, string? bias)
    {
        var w = W(weight);
        var b = bias is null ? null : W(bias);
        var inFeatures = x[0].Length;
        var outFeatures = w.Length / inFeatures;
        var y = new double[x.Length][];
        for (var r = 0; r < x.Length; r++)
        {
            y[r] = new double[outFeatures];
            for (var o = 0; o < outFeatures; o++)
            {
                var sum = b?[o] ?? 0;
                for (var i = 0; i < inFeatures; i++) sum += w[o * inFeatures + i] * x[r][i];
                y[r][o] = sum;
            }
        }
        return y;
    }

    private double[][] Norm(double[][] x, string prefix)
    {
        var g = W(prefix + ".weight");
        var b = W(prefix + ".bias");
        var y = new double[x.Length][];
        for (var r = 0; r < x.Length; r++)
        {
            var n = x[r].Length;
            var mean = x[r].Sum() / n;
            var variance = x[r].Sum(v => (v - mean) * (v - mean)) / n;
            y[r] = new double[n];
            for (var i = 0; i < n; i++) y[r][i] = (x[r][i] - mean) / Math.Sqrt(variance + 1e-5) * g[i] + b[i];
        }
        return y;
    }

    private static void AddInPlace(double[][] x, double[][] y)
    {
        for (var r = 0; r < x.Length; r++)
            for (var i = 0; i < x[r].Length; i++) x[r][i] += y[r][i];
    }

    private static double Gelu(double x) => 0.5 * x * (1 + Erf(x / Math.Sqrt(2)));

    /// <summary>erf to ~1e-15: Maclaurin series near zero, Laplace continued fraction for erfc beyond.</summary>
    internal static double Erf(double x)
    {
        var z = Math.Abs(x);
        double result;
        if (z < 2.5)
        {
            double term = z, sum = z;
            for (var n = 1; Math.Abs(term) > 1e-18 * Math.Abs(sum) && n < 200; n++)
            {
                term *= -z * z / n;
                sum += term / (2 * n + 1);
            }
            result = 2 / Math.Sqrt(Math.PI) * sum;
        }
        else
        {
            var f = z;
            for (var n = 80; n >= 1; n--) f = z + n / 2.0 / f;
            result = 1 - Math.Exp(-z * z) / (Math.Sqrt(Math.PI) * f);
        }
        return x < 0 ? -result : result;
    }
}
