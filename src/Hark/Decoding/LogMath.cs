using System.Numerics.Tensors;

namespace Hark.Decoding;

/// <summary>Numerically careful reductions over one row of logits.</summary>
internal static class LogMath
{
    /// <summary>Index of the first maximum; 0 when every entry is −∞.</summary>
    public static int ArgMax(ReadOnlySpan<float> values)
    {
        var best = 0;
        var max = float.NegativeInfinity;
        for (var i = 0; i < values.Length; i++)
        {
            if (values[i] > max)
            {
                max = values[i];
                best = i;
            }
        }
        return best;
    }

    /// <summary>log Σ exp(x), accumulated in double; −∞ for an empty or all −∞ row.</summary>
    public static double LogSumExp(ReadOnlySpan<float> values)
    {
        if (values.IsEmpty) return double.NegativeInfinity;
        double max = TensorPrimitives.Max(values);
        if (double.IsNegativeInfinity(max)) return double.NegativeInfinity;
        double sum = 0;
        foreach (var v in values) sum += Math.Exp(v - max);
        return max + Math.Log(sum);
    }

    /// <summary>Writes log-softmax of <paramref name="logits"/> into <paramref name="destination"/>.</summary>
    public static void LogSoftmax(ReadOnlySpan<float> logits, Span<float> destination)
    {
        var lse = LogSumExp(logits);
        for (var i = 0; i < logits.Length; i++) destination[i] = (float)(logits[i] - lse);
    }
}
