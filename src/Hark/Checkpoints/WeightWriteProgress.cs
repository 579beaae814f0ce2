namespace Hark.Checkpoints;

/// <summary>Progress of writing weights: reported after each tensor.</summary>
/// <param name="TensorsDone">Tensors written so far.</param>
/// <param name="TensorsTotal">Tensors to write.</param>
/// <param name="BytesDone">Tensor bytes written so far.</param>
/// <param name="BytesTotal">Tensor bytes to write.</param>
public sealed record WeightWriteProgress(int TensorsDone, int TensorsTotal, long BytesDone, long BytesTotal);

/// <summary>Reports <see cref="WeightWriteProgress"/> as a writer pulls each tensor's bytes from the wrapped source.</summary>
internal sealed class ProgressTensorSource(ITensorSource inner, IProgress<WeightWriteProgress> progress) : ITensorSource
{
    private readonly long _bytesTotal = inner.Tensors.Values.Sum(t => t.ByteCount);
    private int _tensorsDone;
    private long _bytesDone;

    public IReadOnlyDictionary<string, TensorInfo> Tensors => inner.Tensors;

    public void ReadBytes(string name, Span<byte> destination)
    {
        inner.ReadBytes(name, destination);
        var done = Interlocked.Increment(ref _tensorsDone);
        var bytes = Interlocked.Add(ref _bytesDone, destination.Length);
        progress.Report(new WeightWriteProgress(done, inner.Tensors.Count, bytes, _bytesTotal));
    }

    public void ReadFloat32(string name, Span<float> destination) => inner.ReadFloat32(name, destination);

    public void Dispose() => inner.Dispose();
}
