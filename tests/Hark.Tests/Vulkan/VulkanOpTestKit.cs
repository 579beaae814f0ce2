using Hark.Engines.Backends;

namespace Hark.Tests.Vulkan;

/// <summary>Runs the same op on both backends and compares.</summary>
internal static class VulkanOpTestKit
{
    public static float[] RandomValues(Random random, int count, float scale = 1f) =>
        Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1) * scale).ToArray();

    public static IDeviceTensor Tensor(IOpBackend backend, float[] values, int rows, int columns)
    {
        var t = backend.Allocate(rows, columns);
        if (values.Length > 0) backend.Upload(values, TensorView.Of(t));
        return t;
    }

    public static float[] Read(IOpBackend backend, IDeviceTensor t)
    {
        var values = new float[t.Rows * t.Columns];
        if (values.Length > 0) backend.Download(TensorView.Of(t), values);
        return values;
    }

    /// <summary>Asserts |a − e| ≤ tolerance · (1 + |e|) element by element, naming the first mismatch.</summary>
    public static void Close(float[] expected, float[] actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            var bound = tolerance * (1 + Math.Abs(expected[i]));
            if (!(Math.Abs(expected[i] - actual[i]) <= bound))
                Assert.Fail($"{what}: element {i} is {actual[i]}, expected {expected[i]} (tolerance {bound:G3})");
        }
    }
}
