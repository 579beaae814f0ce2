using System.Numerics.Tensors;

namespace Hark.Decoding;

/// <summary>Vectorised reductions over one row of logits (a 51k-entry row is reduced several times per token).</summary>
internal static class LogMath
{
    [ThreadStatic] private static float[]? _scratch;

    private static Span<float> Scratch(int length)
    {
        if (_scratch is null || _scratch.Length < length) _scratch = new float[length];
        return _scratch.AsSpan(0, length);
    }

    /// <summary>Index of the first maximum; 0 when every entry is −∞ or the row is empty.</summary>
    public static int ArgMax(ReadOnlySpan<float> values)
    {
        if (values.IsEmpty) return 0;
        var max = TensorPrimitives.Max(values);
        return float.IsNegativeInfinity(max) ? 0 : values.IndexOf(max);
    }

    /// <summary>log Σ exp(x); −∞ for an empty or all −∞ row.</summary>
    public static double LogSumExp(ReadOnlySpan<float> values)
    {
        if (values.IsEmpty) return double.NegativeInfinity;
        var max = TensorPrimitives.Max(values);
        if (float.IsNegativeInfinity(max)) return double.NegativeInfinity;
        var shifted = Scratch(values.Length);
        TensorPrimitives.Subtract(values, max, shifted);
        TensorPrimitives.Exp(shifted, shifted);
        return max + Math.Log(TensorPrimitives.Sum(shifted));
    }

    /// <summary>Writes log-softmax of <paramref name="logits"/> into <paramref name="destination"/>.</summary>
    public static void LogSoftmax(ReadOnlySpan<float> logits, Span<float> destination)
    {
        var lse = (float)LogSumExp(logits);
        TensorPrimitives.Subtract(logits, lse, destination);
    }
}
