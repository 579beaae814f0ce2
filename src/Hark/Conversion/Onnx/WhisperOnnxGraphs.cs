using Hark.Formats.Onnx;
using Hark.Checkpoints;
using static Hark.Formats.Onnx.OnnxGraphBuilder;
using static Hark.Formats.Onnx.OptimumNames;
using DataType = Hark.Formats.Onnx.Proto.TensorProto.Types.DataType;

namespace Hark.Conversion.Onnx;

/// <summary>
/// Whisper's forward pass as ONNX graphs (opset 17), in Optimum's names: pre-norm blocks, erf GELU, queries
/// pre-scaled by 1/sqrt(head_dim) (folded into q_proj), caches laid out <c>[batch, heads, positions, head_dim]</c>.
/// </summary>
internal sealed class WhisperOnnxGraphs(WhisperConfig config, OnnxWeightEmitter weights, bool contribAttention = false,
    IReadOnlyList<(int Layer, int Head)>? alignmentHeads = null)
{
    private const float LayerNormEpsilon = 1e-5f;

    /// <summary>Values a decoder body produces.</summary>
    internal sealed record DecoderValues(string Logits, string[] SelfKeys, string[] SelfValues, string[] CrossKeys, string[] CrossValues,
        string? CrossAttentions = null);

    /// <summary>Encoder: <c>input_features</c> → <c>last_hidden_state</c>.</summary>
    public void Encoder(OnnxGraphBuilder g)
    {
        var d = config.DModel;
        var x = ToCompute(g, g.Input(InputFeatures, DataType.Float, BatchAxis, FeatureAxis, EncoderSequenceAxis));
        x = Gelu(g, Conv(g, x, "encoder.conv1", stride: 1));
        x = Gelu(g, Conv(g, x, "encoder.conv2", stride: 2));
        x = g.Node("Transpose", [x], [Ints("perm", 0L, 2L, 1L)]);
        x = g.Node("Add", [x, weights.Plain(WhisperTensorNames.EncoderPositions)]);
        for (var l = 0; l < config.EncoderLayers; l++)
        {
            var p = WhisperTensorNames.EncoderLayer(l);
            var h = LayerNorm(g, x, p + "self_attn_layer_norm");
            var heads = config.EncoderAttentionHeads;
            var q = weights.Linear(g, h, p + "self_attn.q_proj", bias: true, QueryScale(config.EncoderHeadDim));
            var k = weights.Linear(g, h, p + "self_attn.k_proj", bias: false);
            var v = weights.Linear(g, h, p + "self_attn.v_proj", bias: true);
            var attended = contribAttention
                // ONNX Runtime's fused attention kernel; queries are already scaled, hence scale 1.
                ? g.Node("MultiHeadAttention", [q, k, v], [Attr("num_heads", (long)heads), Attr("scale", 1f)], OnnxModelFile.MicrosoftDomain)
                : Attention(g, Heads(g, q, heads, transposeForKeys: false), Heads(g, k, heads, transposeForKeys: true), Heads(g, v, heads, transposeForKeys: false), mask: null);
            x = g.Node("Add", [x, weights.Linear(g, attended, p + "self_attn.out_proj", bias: true)]);
            x = g.Node("Add", [x, Mlp(g, LayerNorm(g, x, p + "final_layer_norm"), p)]);
        }
        x = FromCompute(g, LayerNorm(g, x, "encoder.layer_norm"));
        g.Output(LastHiddenState, x, DataType.Float, BatchAxis, EncoderHalfAxis, (long)d);
    }

    /// <summary>
    /// The decoder blocks. Without <paramref name="past"/> (first step) cross-attention K/V come from
    /// <paramref name="encoderStates"/>; with it, from the cached <c>past_key_values.*.encoder</c>, and self-attention
    /// extends the cached keys. <paramref name="past"/> lists, per layer, decoder key, decoder value, encoder key, encoder value.
    /// </summary>
    public DecoderValues DecoderBody(OnnxGraphBuilder g, string inputIds, string? encoderStates, IReadOnlyList<string>? past)
    {
        var layers = config.DecoderLayers;
        var heads = config.DecoderAttentionHeads;
        var tokens = g.Node("Gather", [g.Node("Shape", [inputIds]), g.Int64Scalar(1)]);
        var cached = past is null ? g.Int64Scalar(0) : g.Node("Gather", [g.Node("Shape", [past[0]]), g.Int64Scalar(2)]);
        var total = g.Node("Add", [cached, tokens]);
        var positions = g.Node("Range", [cached, total, g.Int64Scalar(1)]);
        var x = g.Node("Add",
        [
            g.Node("Gather", [weights.Plain(WhisperTensorNames.TokenEmbedding), inputIds]),
            g.Node("Gather", [weights.Plain(WhisperTensorNames.DecoderPositions), positions]),
        ]);
        // Causal mask [new, cached + new]: query at absolute position p sees keys 0..p.
        var future = g.Node("Greater", [g.Node("Range", [g.Int64Scalar(0), total, g.Int64Scalar(1)]), g.Node("Unsqueeze", [positions, g.Int64s(1)])]);
        var mask = g.Node("Where", [future, g.Scalar(g.ComputeType == DataType.Float16 ? -1e4f : -1e9f), g.Scalar(0f)]);

        var selfK = new string[layers];
        var selfV = new string[layers];
        var crossK = new string[layers];
        var crossV = new string[layers];
        var scale = QueryScale(config.DecoderHeadDim);
        var recorded = new string[alignmentHeads?.Count ?? 0];
        for (var l = 0; l < layers; l++)
        {
            var p = WhisperTensorNames.DecoderLayer(l);
            var h = LayerNorm(g, x, p + "self_attn_layer_norm");
            var q = Heads(g, weights.Linear(g, h, p + "self_attn.q_proj", bias: true, scale), heads, transposeForKeys: false);
            var k = Heads(g, weights.Linear(g, h, p + "self_attn.k_proj", bias: false), heads, transposeForKeys: false);
            var v = Heads(g, weights.Linear(g, h, p + "self_attn.v_proj", bias: true), heads, transposeForKeys: false);
            if (past is not null)
            {
                k = g.Node("Concat", [past[4 * l], k], [Attr("axis", 2L)]);
                v = g.Node("Concat", [past[4 * l + 1], v], [Attr("axis", 2L)]);
            }
            (selfK[l], selfV[l]) = (k, v);
            var kT = g.Node("Transpose", [k], [Ints("perm", 0L, 1L, 3L, 2L)]);
            x = g.Node("Add", [x, weights.Linear(g, Attention(g, q, kT, v, mask), p + "self_attn.out_proj", bias: true)]);

            h = LayerNorm(g, x, p + "encoder_attn_layer_norm");
            q = Heads(g, weights.Linear(g, h, p + "encoder_attn.q_proj", bias: true, scale), heads, transposeForKeys: false);
            if (past is null)
            {
                var states = encoderStates ?? throw new ArgumentNullException(nameof(encoderStates));
                crossK[l] = Heads(g, weights.Linear(g, states, p + "encoder_attn.k_proj", bias: false), heads, transposeForKeys: false);
                crossV[l] = Heads(g, weights.Linear(g, states, p + "encoder_attn.v_proj", bias: true), heads, transposeForKeys: false);
            }
            else
            {
                (crossK[l], crossV[l]) = (past[4 * l + 2], past[4 * l + 3]);
            }
            var ckT = g.Node("Transpose", [crossK[l]], [Ints("perm", 0L, 1L, 3L, 2L)]);
            x = g.Node("Add", [x, weights.Linear(g, Attention(g, q, ckT, crossV[l], mask: null, out var probabilities), p + "encoder_attn.out_proj", bias: true)]);
            foreach (var (head, slot) in AlignmentSlots(l)) recorded[slot] = g.Node("Gather", [probabilities, g.Int64s(head)], [Attr("axis", 1L)]);
            x = g.Node("Add", [x, Mlp(g, LayerNorm(g, x, p + "final_layer_norm"), p)]);
        }
        x = LayerNorm(g, x, "decoder.layer_norm");
        var projection = config.TieWordEmbeddings ? WhisperTensorNames.TokenEmbedding : WhisperTensorNames.OutputProjection;
        var logits = FromCompute(g, weights.LinearOf(g, x, projection, bias: null));
        // [batch, alignment heads, tokens, encoder positions] in the order of the export's heads, as float.
        var crossAttentions = recorded.Length == 0 ? null
            : FromCompute(g, recorded.Length == 1 ? recorded[0] : g.Node("Concat", recorded, [Attr("axis", 1L)]));
        return new DecoderValues(logits, selfK, selfV, crossK, crossV, crossAttentions);
    }

    /// <summary>(head, position in the export's list) of each alignment head in decoder layer <paramref name="layer"/>.</summary>
    private IEnumerable<(int Head, int Slot)> AlignmentSlots(int layer)
    {
        for (var i = 0; i < (alignmentHeads?.Count ?? 0); i++)
        {
            if (alignmentHeads![i].Layer == layer) yield return (alignmentHeads[i].Head, i);
        }
    }

    /// <summary>Decoder for the first step: <c>input_ids</c>, <c>encoder_hidden_states</c> → logits and every cache.</summary>
    public void Decoder(OnnxGraphBuilder g)
    {
        var ids = g.Input(InputIds, DataType.Int64, BatchAxis, DecoderSequenceAxis);
        var states = g.Input(EncoderHiddenStates, DataType.Float, BatchAxis, EncoderHalfAxis, (long)config.DModel);
        var values = DecoderBody(g, ids, ToCompute(g, states), past: null);
        DeclareOutputs(g, values, DecoderSequenceAxis, withCross: true, prefix: "");
    }

    /// <summary>Decoder for later steps: <c>input_ids</c> and <c>past_key_values.*</c> → logits and self-attention caches.</summary>
    public void DecoderWithPast(OnnxGraphBuilder g)
    {
        var ids = g.Input(InputIds, DataType.Int64, BatchAxis, DecoderSequenceAxis);
        var values = DecoderBody(g, ids, null, PastInputs(g));
        DeclareOutputs(g, values, PresentDecoderAxis, withCross: false, prefix: "");
    }

    /// <summary>Both decoders behind an <c>If</c> on <c>use_cache_branch</c>; past inputs are ignored when it is false.</summary>
    public void DecoderMerged(OnnxGraphBuilder g)
    {
        var ids = g.Input(InputIds, DataType.Int64, BatchAxis, DecoderSequenceAxis);
        var states = g.Input(EncoderHiddenStates, DataType.Float, BatchAxis, EncoderHalfAxis, (long)config.DModel);
        var past = PastInputs(g);
        var useCache = g.Input(UseCacheBranch, DataType.Bool, 1L);

        var withPast = g.Subgraph("decoder_with_past", "with_past/");
        var cached = DecoderBody(withPast, ids, null, past);
        // Outputs must match across branches: the cache branch passes the cross-attention caches through.
        cached = cached with
        {
            CrossKeys = [.. cached.CrossKeys.Select(k => withPast.Node("Identity", [k]))],
            CrossValues = [.. cached.CrossValues.Select(v => withPast.Node("Identity", [v]))],
        };
        DeclareOutputs(withPast, cached, PresentDecoderAxis, withCross: true, prefix: "with_past/");

        var first = g.Subgraph("decoder", "first/");
        var fresh = DecoderBody(first, ids, ToCompute(first, states), past: null);
        DeclareOutputs(first, fresh, PresentDecoderAxis, withCross: true, prefix: "first/");

        var outputs = new List<string> { Logits };
        for (var l = 0; l < config.DecoderLayers; l++)
            outputs.AddRange([Present(l, false, false), Present(l, false, true), Present(l, true, false), Present(l, true, true)]);
        if (cached.CrossAttentions is not null) outputs.Add(CrossAttentions);
        g.NamedNode("If", [useCache], outputs, [Attr("then_branch", withPast.Graph), Attr("else_branch", first.Graph)]);
        foreach (var vi in withPast.Graph.Output)
        {
            var outer = vi.Clone();
            outer.Name = vi.Name["with_past/".Length..];
            g.Graph.Output.Add(outer);
        }
    }

    private string[] PastInputs(OnnxGraphBuilder g)
    {
        var heads = (long)config.DecoderAttentionHeads;
        var hd = (long)config.DecoderHeadDim;
        var names = new List<string>();
        for (var l = 0; l < config.DecoderLayers; l++)
        {
            foreach (var (encoder, value) in new[] { (false, false), (false, true), (true, false), (true, true) })
                names.Add(g.Input(Past(l, encoder, value), g.ComputeType, BatchAxis, heads, encoder ? EncoderOutAxis : PastDecoderAxis, hd));
        }
        return [.. names];
    }

    private void DeclareOutputs(OnnxGraphBuilder g, DecoderValues values, string selfAxis, bool withCross, string prefix)
    {
        var heads = (long)config.DecoderAttentionHeads;
        var hd = (long)config.DecoderHeadDim;
        g.Output(prefix + Logits, values.Logits, DataType.Float, BatchAxis, DecoderSequenceAxis, (long)config.VocabSize);
        for (var l = 0; l < config.DecoderLayers; l++)
        {
            g.Output(prefix + Present(l, false, false), values.SelfKeys[l], g.ComputeType, BatchAxis, heads, selfAxis, hd);
            g.Output(prefix + Present(l, false, true), values.SelfValues[l], g.ComputeType, BatchAxis, heads, selfAxis, hd);
            if (!withCross) continue;
            g.Output(prefix + Present(l, true, false), values.CrossKeys[l], g.ComputeType, BatchAxis, heads, EncoderOutAxis, hd);
            g.Output(prefix + Present(l, true, true), values.CrossValues[l], g.ComputeType, BatchAxis, heads, EncoderOutAxis, hd);
        }
        if (values.CrossAttentions is { } attentions)
            g.Output(prefix + CrossAttentions, attentions, DataType.Float, BatchAxis, (long)alignmentHeads!.Count, DecoderSequenceAxis, EncoderOutAxis);
    }

    private static float QueryScale(int headDim) => (float)(1.0 / Math.Sqrt(headDim));

    private string Conv(OnnxGraphBuilder g, string x, string prefix, int stride) =>
        g.Node("Conv", [x, weights.Plain(prefix + ".weight"), weights.Plain(prefix + ".bias")],
            [Ints("kernel_shape", 3L), Ints("pads", 1L, 1L), Ints("strides", (long)stride)]);

    private static string Gelu(OnnxGraphBuilder g, string x)
    {
        // erf form, as Whisper's "gelu"; ONNX Runtime fuses this pattern into its Gelu kernel.
        var erf = g.Node("Erf", [g.Node("Div", [x, g.Scalar(MathF.Sqrt(2f))])]);
        return g.Node("Mul", [g.Node("Mul", [x, g.Node("Add", [erf, g.Scalar(1f)])]), g.Scalar(0.5f)]);
    }

    private string LayerNorm(OnnxGraphBuilder g, string x, string prefix) =>
        g.Node("LayerNormalization", [x, weights.Plain(prefix + ".weight"), weights.Plain(prefix + ".bias")],
            [Attr("axis", -1L), Attr("epsilon", LayerNormEpsilon)]);

    private string Mlp(OnnxGraphBuilder g, string h, string prefix) =>
        weights.Linear(g, Gelu(g, weights.Linear(g, h, prefix + "fc1", bias: true)), prefix + "fc2", bias: true);

    /// <summary>[B, T, d] → [B, H, T, hd], or [B, H, hd, T] for keys used directly in Q·Kᵀ.</summary>
    private string Heads(OnnxGraphBuilder g, string x, int heads, bool transposeForKeys)
    {
        var split = g.Node("Reshape", [x, g.Int64s(0, 0, heads, config.DModel / heads)]);
        return g.Node("Transpose", [split], [transposeForKeys ? Ints("perm", 0L, 2L, 3L, 1L) : Ints("perm", 0L, 2L, 1L, 3L)]);
    }

    private string Attention(OnnxGraphBuilder g, string q, string kT, string v, string? mask) => Attention(g, q, kT, v, mask, out _);

    private string Attention(OnnxGraphBuilder g, string q, string kT, string v, string? mask, out string probabilities)
    {
        var scores = g.Node("MatMul", [q, kT]);
        if (mask is not null) scores = g.Node("Add", [scores, mask]);
        probabilities = g.Node("Softmax", [scores], [Attr("axis", -1L)]);
        var o = g.Node("MatMul", [probabilities, v]);
        o = g.Node("Transpose", [o], [Ints("perm", 0L, 2L, 1L, 3L)]);
        return g.Node("Reshape", [o, g.Int64s(0, 0, config.DModel)]);
    }

    private static string ToCompute(OnnxGraphBuilder g, string x) =>
        g.ComputeType == DataType.Float ? x : g.Node("Cast", [x], [Attr("to", (long)g.ComputeType)]);

    private static string FromCompute(OnnxGraphBuilder g, string x) =>
        g.ComputeType == DataType.Float ? x : g.Node("Cast", [x], [Attr("to", (long)DataType.Float)]);
}
