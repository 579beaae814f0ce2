using Hark.Formats.Onnx;
using System.Runtime.InteropServices;
using Hark.Checkpoints;
using DataType = Hark.Formats.Onnx.Proto.TensorProto.Types.DataType;

namespace Hark.Conversion.Onnx;

/// <summary>
/// Turns checkpoint tensors into initializers in the export's precision and emits the linear layers
/// (MatMul, dynamic-quantized MatMulInteger, or MatMulNBits). Each weight is written once per model file even when
/// both branches of the merged decoder use it.
/// </summary>
internal sealed class OnnxWeightEmitter(ITensorSource tensors, OnnxPrecision precision, OnnxGraphBuilder root)
{
    /// <summary>Block size of MatMulNBits quantization.</summary>
    public const int BlockSize = 32;

    private readonly Dictionary<string, string> _made = new(StringComparer.Ordinal);

    /// <summary>The tensor as float32.</summary>
    public float[] Read(string name)
    {
        if (!tensors.Tensors.TryGetValue(name, out var info))
            throw new HarkInputException("the checkpoint lacks a tensor the ONNX export needs", field: name);
        var values = new float[info.ElementCount];
        tensors.ReadFloat32(name, values);
        return values;
    }

    /// <summary>Shape of a checkpoint tensor.</summary>
    public IReadOnlyList<long> Shape(string name) => tensors.Tensors[name].Shape;

    /// <summary>A tensor stored in the compute type with its checkpoint shape (norms, biases, positions, conv kernels).</summary>
    public string Plain(string name, float scale = 1f) => Once($"{name}|{scale:R}", () =>
    {
        var values = Read(name);
        if (scale != 1f) for (var i = 0; i < values.Length; i++) values[i] *= scale;
        return Store(name + (scale != 1f ? ".scaled" : ""), values, Shape(name));
    });

    /// <summary>
    /// y = x·Wᵀ (+ b) for the Linear <paramref name="prefix"/> (<c>…q_proj</c>); <paramref name="scale"/> is folded into
    /// weight and bias (attention's 1/sqrt(head_dim) on queries).
    /// </summary>
    public string Linear(OnnxGraphBuilder g, string x, string prefix, bool bias, float scale = 1f) =>
        LinearOf(g, x, prefix + ".weight", bias ? prefix + ".bias" : null, scale);

    /// <summary>y = x·Wᵀ (+ b) for weight tensor <paramref name="weight"/> stored <c>[out, in]</c>.</summary>
    public string LinearOf(OnnxGraphBuilder g, string x, string weight, string? bias, float scale = 1f)
    {
        var y = precision switch
        {
            OnnxPrecision.Float32 or OnnxPrecision.Float16 => g.Node("MatMul", [x, Transposed(weight, scale)]),
            OnnxPrecision.Int8 => DynamicInt8(g, x, weight, scale),
            OnnxPrecision.Int8WeightOnly => NBits(g, x, weight, scale, 8),
            OnnxPrecision.Int4 => NBits(g, x, weight, scale, 4),
            _ => throw new InvalidOperationException($"no linear layer for {precision}"),
        };
        return bias is null ? y : g.Node("Add", [y, Plain(bias, scale)]);
    }

    private string Transposed(string weight, float scale)
    {
        // The tied output projection is the token embedding: transpose it in-graph (ONNX Runtime folds this
        // at load) rather than storing the largest tensor twice.
        if (weight == WhisperTensorNames.TokenEmbedding && scale == 1f)
            return Once(weight + "|T", () => root.Node("Transpose", [Plain(weight)], [OnnxGraphBuilder.Ints("perm", 1L, 0L)]));
        return Once($"{weight}|T|{scale:R}", () =>
        {
            var (w, rows, cols) = Matrix(weight, scale);
            var t = new float[w.Length];
            for (var r = 0; r < rows; r++)
                for (var c = 0; c < cols; c++) t[c * rows + r] = w[r * cols + c];
            return Store(weight + ".T", t, [cols, rows]);
        });
    }

    private string DynamicInt8(OnnxGraphBuilder g, string x, string weight, float scale)
    {
        var (wq, ws) = Once($"{weight}|q8|{scale:R}", () =>
        {
            var (w, outs, ins) = Matrix(weight, scale);
            var q = new sbyte[w.Length];
            var scales = new float[outs];
            for (var o = 0; o < outs; o++)
            {
                var row = w.AsSpan(o * ins, ins);
                var max = 0f;
                foreach (var v in row) max = Math.Max(max, Math.Abs(v));
                var s = max > 0 ? max / 127f : 1f;
                scales[o] = s;
                for (var i = 0; i < ins; i++) q[i * outs + o] = (sbyte)Math.Clamp(MathF.Round(row[i] / s), -127, 127);
            }
            var qn = root.Initializer(weight + ".int8", DataType.Int8, [ins, outs], MemoryMarshal.AsBytes(q.AsSpan()));
            var sn = root.Initializer(weight + ".scale", DataType.Float, [outs], MemoryMarshal.AsBytes(scales.AsSpan()));
            return qn + "\n" + sn;
        }).Split('\n') is [var a, var b] ? (a, b) : throw new InvalidOperationException("int8 weight record");
        var quant = g.Nodes("DynamicQuantizeLinear", [x], 3);
        var acc = g.Node("MatMulInteger", [quant[0], wq, quant[2]]);
        var accF = g.Node("Cast", [acc], [OnnxGraphBuilder.Attr("to", (long)DataType.Float)]);
        var combined = g.Node("Mul", [quant[1], ws]);
        return g.Node("Mul", [accF, combined]);
    }

    private string NBits(OnnxGraphBuilder g, string x, string weight, float scale, int bits)
    {
        var shape = Shape(weight);
        var (outs, ins) = (shape[0], shape[1]);
        var names = Once($"{weight}|nbits{bits}|{scale:R}", () =>
        {
            var (w, _, _) = Matrix(weight, scale);
            var q = MatMulNBitsPacking.Quantize(w, (int)outs, (int)ins, bits, BlockSize);
            var bn = root.Initializer($"{weight}.q{bits}", DataType.Uint8, [outs, q.Blocks, q.BlobSize], q.Packed);
            var sn = root.Initializer($"{weight}.q{bits}.scale", DataType.Float, [outs * q.Blocks], MemoryMarshal.AsBytes(q.Scales.AsSpan()));
            return bn + "\n" + sn;
        }).Split('\n');
        return g.Node("MatMulNBits", [x, names[0], names[1]],
        [
            OnnxGraphBuilder.Attr("K", ins), OnnxGraphBuilder.Attr("N", outs),
            OnnxGraphBuilder.Attr("bits", (long)bits), OnnxGraphBuilder.Attr("block_size", (long)BlockSize),
            // 4 lets ONNX Runtime quantize activations to int8 and use its integer kernels: several times faster on
            // CPU (8-bit weights with float activations measured ~20x slower per decoder token on tiny).
            OnnxGraphBuilder.Attr("accuracy_level", 4L),
        ], "com.microsoft");
    }

    private (float[] Values, int Rows, int Cols) Matrix(string weight, float scale)
    {
        var shape = Shape(weight);
        if (shape.Count != 2) throw new HarkInputException($"expected a [out, in] matrix, found {tensors.Tensors[weight].ShapeText}", field: weight);
        var w = Read(weight);
        if (scale != 1f) for (var i = 0; i < w.Length; i++) w[i] *= scale;
        return (w, (int)shape[0], (int)shape[1]);
    }

    private string Store(string name, float[] values, IReadOnlyList<long> dims)
    {
        if (root.ComputeType == DataType.Float16)
        {
            var half = new byte[values.Length * 2];
            DTypeConversion.FromFloat32(DType.F16, values, half);
            return root.Initializer(name, DataType.Float16, dims, half);
        }
        return root.Initializer(name, DataType.Float, dims, MemoryMarshal.AsBytes(values.AsSpan()));
    }

    private string Once(string key, Func<string> make)
    {
        if (_made.TryGetValue(key, out var name)) return name;
        name = make();
        _made[key] = name;
        return name;
    }
}
