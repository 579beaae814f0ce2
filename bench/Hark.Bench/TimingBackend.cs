using Hark.Engines;
using Hark.Engines.Backends;

namespace Hark.Bench;

/// <summary>
/// An <see cref="IOpBackend"/> that forwards every op and charges its calling thread's CPU time
/// (<see cref="ThreadCpuClock"/>) to a category: meaningful when the inner backend computes on that thread (one thread).
/// Linear ops are keyed by weight shape, so the encoder's projections, fc1 and fc2 show apart.
/// </summary>
internal sealed class TimingBackend(IOpBackend inner) : IOpBackend
{
    private readonly Dictionary<string, double> _totals = [];

    /// <summary>CPU ms per category since creation or <see cref="Reset"/>.</summary>
    public IReadOnlyDictionary<string, double> Totals => _totals;

    /// <summary>Forgets the totals.</summary>
    public void Reset() => _totals.Clear();

    private void Time(string category, Action op)
    {
        var start = ThreadCpuClock.NowMs();
        op();
        _totals[category] = _totals.GetValueOrDefault(category) + ThreadCpuClock.NowMs() - start;
    }

    public EngineDevice Device => inner.Device;

    public int Threads => inner.Threads;

    public IDeviceTensor Allocate(int rows, int columns, TensorDType dtype = TensorDType.Float32) => inner.Allocate(rows, columns, dtype);

    public void Upload(ReadOnlySpan<float> source, TensorView destination)
    {
        var start = ThreadCpuClock.NowMs();
        inner.Upload(source, destination);
        _totals["upload"] = _totals.GetValueOrDefault("upload") + ThreadCpuClock.NowMs() - start;
    }

    public void Synchronize() => inner.Synchronize();

    public void Download(TensorView source, Span<float> destination)
    {
        var start = ThreadCpuClock.NowMs();
        inner.Download(source, destination);
        _totals["download"] = _totals.GetValueOrDefault("download") + ThreadCpuClock.NowMs() - start;
    }

    public IDeviceTensor CreateLinearWeight(ReadOnlySpan<float> weight, int outFeatures, int inFeatures, TensorDType storage) =>
        inner.CreateLinearWeight(weight, outFeatures, inFeatures, storage);

    public IDeviceTensor CreateConv1dWeight(ReadOnlySpan<float> weight, int outChannels, int inChannels, int kernel, TensorDType storage) =>
        inner.CreateConv1dWeight(weight, outChannels, inChannels, kernel, storage);

    public void Linear(TensorView x, IDeviceTensor weight, IDeviceTensor? bias, TensorView y, Activation activation = Activation.None, bool accumulate = false) =>
        Time($"linear [{weight.Rows}×{weight.Columns}]{(activation == Activation.Gelu ? "+gelu" : "")}", () => inner.Linear(x, weight, bias, y, activation, accumulate));

    public void Conv1d(TensorView x, IDeviceTensor weight, IDeviceTensor bias, TensorView y, int stride, Activation activation) =>
        Time($"conv1d [{weight.Rows}×{weight.Columns}]", () => inner.Conv1d(x, weight, bias, y, stride, activation));

    public void Transpose(TensorView x, TensorView y) => Time("transpose", () => inner.Transpose(x, y));

    public void LayerNorm(TensorView x, IDeviceTensor gamma, IDeviceTensor beta, TensorView y, float epsilon) =>
        Time("layer norm", () => inner.LayerNorm(x, gamma, beta, y, epsilon));

    public void Gelu(TensorView x, TensorView y) => Time("gelu", () => inner.Gelu(x, y));

    public void Softmax(TensorView x) => Time("softmax", () => inner.Softmax(x));

    public void Add(TensorView a, TensorView b, TensorView y) => Time("add", () => inner.Add(a, b, y));

    public void Gather(IDeviceTensor table, ReadOnlySpan<int> rows, TensorView y, bool accumulate)
    {
        var start = ThreadCpuClock.NowMs();
        inner.Gather(table, rows, y, accumulate);
        _totals["gather"] = _totals.GetValueOrDefault("gather") + ThreadCpuClock.NowMs() - start;
    }

    public void CopyRows(IDeviceTensor source, ReadOnlySpan<int> sourceStarts, IDeviceTensor destination, ReadOnlySpan<int> destinationStarts, int rowsPerBlock)
    {
        var start = ThreadCpuClock.NowMs();
        inner.CopyRows(source, sourceStarts, destination, destinationStarts, rowsPerBlock);
        _totals["copy rows"] = _totals.GetValueOrDefault("copy rows") + ThreadCpuClock.NowMs() - start;
    }

    public void Attention(in AttentionArgs args)
    {
        var start = ThreadCpuClock.NowMs();
        inner.Attention(args);
        var key = args.Causal ? "self-attention" : args.QueriesPerSequence == 1 && args.KvIndex.Length > 0 ? "cross-attention" : "attention";
        _totals[key] = _totals.GetValueOrDefault(key) + ThreadCpuClock.NowMs() - start;
    }

    public void Dispose() => inner.Dispose();
}
