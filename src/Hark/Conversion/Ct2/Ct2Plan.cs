using Hark.Checkpoints;

namespace Hark.Conversion.Ct2;

/// <summary>One variable as written to <c>model.bin</c>: name, shape and stored dtype.</summary>
/// <param name="Name">CTranslate2 name.</param>
/// <param name="Shape">Shape (empty for a scalar).</param>
/// <param name="DType">Stored dtype.</param>
public sealed record Ct2Output(string Name, long[] Shape, Ct2DType DType)
{
    /// <summary>Element count.</summary>
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);

    /// <summary>Payload bytes.</summary>
    public long ByteCount => ElementCount * DType.SizeInBytes();
}

/// <summary>A spec variable with the outputs it becomes under a quantization: the value, and the scale of a quantized weight.</summary>
/// <param name="Spec">The spec variable.</param>
/// <param name="Value">The stored value.</param>
/// <param name="Scale">The <c>weight_scale</c> companion, for int8/int16 weights.</param>
internal sealed record Ct2PlannedVariable(Ct2VariableSpec Spec, Ct2Output Value, Ct2Output? Scale);

/// <summary>What a quantization turns a spec into (dtypes and shapes of every stored variable), before any tensor is read.</summary>
internal static class Ct2Plan
{
    /// <summary>The stored variables of <paramref name="spec"/> under <paramref name="q"/>, in file order.</summary>
    /// <param name="spec">The spec.</param>
    /// <param name="q">The quantization.</param>
    /// <param name="sourceType">Dtype the checkpoint is loaded in, by source tensor name (plain int8 keeps it for non-weights).</param>
    public static IReadOnlyList<Ct2PlannedVariable> For(Ct2WhisperSpec spec, Ct2Quantization q, Func<string, DType> sourceType)
    {
        var list = new List<Ct2PlannedVariable>(spec.Variables.Count);
        foreach (var v in spec.Variables)
        {
            switch (v.Role)
            {
                case Ct2Role.Scalar:
                    list.Add(new(v, new Ct2Output(v.Name, [], v.ScalarType), null));
                    break;
                case Ct2Role.Float:
                    var first = v.Parts.First(p => p.Source is not null).Source!;
                    list.Add(new(v, new Ct2Output(v.Name, v.Shape, q.OtherFloatType(sourceType(first))), null));
                    break;
                default:
                    var wt = q.WeightType();
                    Ct2Output? scale = wt switch
                    {
                        Ct2DType.Int8 => new Ct2Output(v.Name + "_scale", [v.Shape[0]], Ct2DType.Float32),
                        Ct2DType.Int16 => new Ct2Output(v.Name + "_scale", [], Ct2DType.Float32),
                        _ => null,
                    };
                    list.Add(new(v, new Ct2Output(v.Name, v.Shape, wt), scale));
                    break;
            }
        }
        return list;
    }

    /// <summary>Exact size of the <c>model.bin</c> the plan produces (header, variables, aliases).</summary>
    public static long ModelBinSize(IReadOnlyList<Ct2PlannedVariable> plan, IReadOnlyList<(string Alias, string Target)> aliases)
    {
        long size = 4 + StringSize(Ct2WhisperSpec.SpecName) + 4 + 4;
        foreach (var p in plan)
        {
            size += VariableSize(p.Value);
            if (p.Scale is not null) size += VariableSize(p.Scale);
        }
        size += 4;
        foreach (var (a, t) in aliases) size += StringSize(a) + StringSize(t);
        return size;

        static long VariableSize(Ct2Output o) => StringSize(o.Name) + 1 + 4L * o.Shape.Length + 1 + 4 + o.ByteCount;
    }

    /// <summary>Bytes of a length-prefixed, NUL-terminated string.</summary>
    public static long StringSize(string s) => 2 + System.Text.Encoding.UTF8.GetByteCount(s) + 1;
}
