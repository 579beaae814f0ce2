using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Hark.Engines.Onnx;

/// <summary>Host-side tensors: float32 or float16 from and to float spans, token ids as int64 or int32.</summary>
internal static class OnnxValues
{
    /// <summary>A host tensor of <paramref name="type"/> (Float or Float16) holding <paramref name="values"/>.</summary>
    public static OrtValue FromFloats(ReadOnlySpan<float> values, TensorElementType type, long[] shape)
    {
        var value = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, type, shape);
        switch (type)
        {
            case TensorElementType.Float:
                values.CopyTo(value.GetTensorMutableDataAsSpan<float>());
                break;
            case TensorElementType.Float16:
                var half = value.GetTensorMutableDataAsSpan<Float16>();
                for (var i = 0; i < values.Length; i++) half[i] = (Float16)values[i];
                break;
            default:
                value.Dispose();
                throw new HarkException($"the model expects {type} features; Hark feeds float32 or float16");
        }
        return value;
    }

    /// <summary>Host token ids in the model's id type.</summary>
    public static OrtValue Tokens(ReadOnlySpan<int> tokens, TensorElementType type, long[] shape)
    {
        var value = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, type, shape);
        if (type == TensorElementType.Int64)
        {
            var dst = value.GetTensorMutableDataAsSpan<long>();
            for (var i = 0; i < tokens.Length; i++) dst[i] = tokens[i];
        }
        else if (type == TensorElementType.Int32)
        {
            tokens.CopyTo(value.GetTensorMutableDataAsSpan<int>());
        }
        else
        {
            value.Dispose();
            throw new HarkException($"the model expects {type} input_ids; Hark feeds int64 or int32");
        }
        return value;
    }

    /// <summary>An empty cache <c>[sequences, heads, 0, head_dim]</c> for the merged decoder's first step.</summary>
    public static OrtValue EmptyCache(TensorElementType type, long sequences, long heads, long headDim) =>
        OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, type, [sequences, heads, 0, headDim]);

    /// <summary>Copies <paramref name="destination"/>.Length elements from element <paramref name="offset"/> of a host tensor.</summary>
    public static void ReadFloats(OrtValue value, long offset, Span<float> destination)
    {
        var type = value.GetTensorTypeAndShape().ElementDataType;
        if (type == TensorElementType.Float)
        {
            value.GetTensorDataAsSpan<float>().Slice(checked((int)offset), destination.Length).CopyTo(destination);
        }
        else if (type == TensorElementType.Float16)
        {
            var src = value.GetTensorDataAsSpan<Float16>().Slice(checked((int)offset), destination.Length);
            for (var i = 0; i < src.Length; i++) destination[i] = (float)src[i];
        }
        else
        {
            throw new HarkException($"cannot read {type} values as float32");
        }
    }
}
