using Hark.Engines.Backends;
using Hark.Engines.Cpu;

namespace Hark.Tests.Engines;

/// <summary>Runs one linear op <c>y = x·Wᵀ</c> (no bias) on a CPU backend with the weight stored as <paramref name="dtype"/>.</summary>
internal static class LinearOp
{
    public static float[] Run(CpuBackend backend, float[] x, float[] w, int m, int n, int k, TensorDType dtype)
    {
        using var xt = backend.Allocate(m, k);
        using var yt = backend.Allocate(m, n);
        using var wt = backend.CreateLinearWeight(w, n, k, dtype);
        backend.Upload(x, TensorView.Of(xt));
        backend.Linear(TensorView.Of(xt), wt, null, TensorView.Of(yt));
        var y = new float[m * n];
        backend.Download(TensorView.Of(yt), y);
        return y;
    }
}
