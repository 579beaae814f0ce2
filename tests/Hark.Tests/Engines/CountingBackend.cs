using Hark.Engines;
using Hark.Engines.Backends;

namespace Hark.Tests.Engines;

/// <summary>An <see cref="IOpBackend"/> that forwards to another and counts the linear ops run with a chosen weight.</summary>
internal sealed class CountingBackend(IOpBackend inner) : IOpBackend
{
    private readonly Dictionary<IDeviceTensor, int> _linear = new(ReferenceEqualityComparer.Instance);

    /// <summary>Linear ops run with <paramref name="weight"/> so far.</summary>
    public int LinearCalls(IDeviceTensor weight)
    {
        lock (_linear) return _linear.GetValueOrDefault(weight);
    }

    public EngineDevice Device => inner.Device;
    public int Threads => inner.Threads;
    public IDeviceTensor Allocate(int rows, int columns, TensorDType dtype = TensorDType.Float32) => inner.Allocate(rows, columns, dtype);
    public void Upload(ReadOnlySpan<float> source, TensorView destination) => inner.Upload(source, destination);
    public void Synchronize() => inner.Synchronize();
    public void Download(TensorView source, Span<float> destination) => inner.Download(source, destination);
    public IDeviceTensor CreateLinearWeight(ReadOnlySpan<float> weight, int outFeatures, int inFeatures, TensorDType storage) =>
        inner.CreateLinearWeight(weight, outFeatures, inFeatures, storage);
    public IDeviceTensor CreateConv1dWeight(ReadOnlySpan<float> weight, int outChannels, int inChannels, int kernel, TensorDType storage) =>
        inner.CreateConv1dWeight(weight, outChannels, inChannels, kernel, storage);

    public void Linear(TensorView x, IDeviceTensor weight, IDeviceTensor? bias, TensorView y, Activation activation = Activation.None, bool accumulate = false)
    {
        lock (_linear) _linear[weight] = _linear.GetValueOrDefault(weight) + 1;
        inner.Linear(x, weight, bias, y, activation, accumulate);
    }

    public void Conv1d(TensorView x, IDeviceTensor weight, IDeviceTensor bias, TensorView y, int stride, Activation activation) =>
        inner.Conv1d(x, weight, bias, y, stride, activation);
    public void Transpose(TensorView x, TensorView y) => inner.Transpose(x, y);
    public void LayerNorm(TensorView x, IDeviceTensor gamma, IDeviceTensor beta, TensorView y, float epsilon) => inner.LayerNorm(x, gamma, beta, y, epsilon);
    public void Gelu(TensorView x, TensorView y) => inner.Gelu(x, y);
    public void Softmax(TensorView x) => inner.Softmax(x);
    public void Add(TensorView a, TensorView b, TensorView y) => inner.Add(a, b, y);
    public void Gather(IDeviceTensor table, ReadOnlySpan<int> rows, TensorView y, bool accumulate) => inner.Gather(table, rows, y, accumulate);
    public void CopyRows(IDeviceTensor source, ReadOnlySpan<int> sourceStarts, IDeviceTensor destination, ReadOnlySpan<int> destinationStarts, int rowsPerBlock) =>
        inner.CopyRows(source, sourceStarts, destination, destinationStarts, rowsPerBlock);
    public void Attention(in AttentionArgs args) => inner.Attention(args);
    public void Dispose() => inner.Dispose();
}
