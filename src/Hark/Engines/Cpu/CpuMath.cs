using System.Numerics.Tensors;

namespace Hark.Engines.Cpu;

/// <summary>Scalar and row helpers shared by the CPU ops.</summary>
internal static class CpuMath
{
    /// <summary>
    /// erf(x), Abramowitz &amp; Stegun 7.1.26 evaluated in double (absolute error ≤ 1.5e-7, below float32 GELU noise).
    /// </summary>
    public static float Erf(float x)
    {
        double z = Math.Abs(x);
        var t = 1.0 / (1.0 + 0.3275911 * z);
        var poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
        var y = 1.0 - poly * Math.Exp(-z * z);
        return (float)(x < 0 ? -y : y);
    }

    /// <summary>GELU, erf form, in place.</summary>
    public static void Gelu(Span<float> values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            var x = values[i];
            values[i] = 0.5f * x * (1f + Erf(x * 0.70710678118654752f));
        }
    }

    /// <summary>Softmax of <c>scale · row</c> in place (max-subtracted).</summary>
    public static void ScaledSoftmax(Span<float> row, float scale)
    {
        var max = TensorPrimitives.Max(row);
        TensorPrimitives.Subtract(row, max, row);
        TensorPrimitives.Multiply(row, scale, row);
        TensorPrimitives.Exp(row, row);
        var sum = TensorPrimitives.Sum(row);
        TensorPrimitives.Multiply(row, 1f / sum, row);
    }

    /// <summary>LayerNorm of one row (two-pass variance).</summary>
    public static void LayerNorm(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, Span<float> y, float epsilon)
    {
        var n = x.Length;
        var mean = TensorPrimitives.Sum(x) / n;
        TensorPrimitives.Subtract(x, mean, y);
        var variance = TensorPrimitives.SumOfSquares(y) / n;
        var inv = 1f / MathF.Sqrt(variance + epsilon);
        TensorPrimitives.Multiply(y, inv, y);
        TensorPrimitives.FusedMultiplyAdd(y, gamma, beta, y);
    }
}
