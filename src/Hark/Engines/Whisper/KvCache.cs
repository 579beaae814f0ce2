using Hark.Engines.Backends;

namespace Hark.Engines.Whisper;

/// <summary>
/// Self-attention keys and values of every decoder layer, <c>[sequences · maxLength, d]</c>, preallocated for the
/// whole session (float16 unless the engine runs float32 weights). A beam reorder copies each layer into one spare tensor and swaps, so it costs one layer of memory.
/// </summary>
internal sealed class KvCache : IDisposable
{
    private readonly IOpBackend _backend;
    private readonly int _dModel;
    private readonly int _maxLength;
    private readonly TensorDType _dtype;
    private IDeviceTensor _spare;
    private int[] _from;
    private int[] _to;

    public KvCache(IOpBackend backend, int layers, int dModel, int maxLength, int sequences, TensorDType dtype)
    {
        _dtype = dtype;
        _backend = backend;
        _dModel = dModel;
        _maxLength = maxLength;
        Capacity = sequences;
        K = new IDeviceTensor[layers];
        V = new IDeviceTensor[layers];
        for (var l = 0; l < layers; l++)
        {
            K[l] = backend.Allocate(sequences * maxLength, dModel, dtype);
            V[l] = backend.Allocate(sequences * maxLength, dModel, dtype);
        }
        _spare = backend.Allocate(sequences * maxLength, dModel, dtype);
        _from = new int[sequences];
        _to = new int[sequences];
    }

    /// <summary>Sequences the tensors hold.</summary>
    public int Capacity { get; private set; }

    public IDeviceTensor[] K { get; }

    public IDeviceTensor[] V { get; }

    /// <summary>Sequence <c>i</c> takes the first <paramref name="length"/> rows of sequence <c>sourceRows[i]</c>.</summary>
    public void Reorder(ReadOnlySpan<int> sourceRows, int length)
    {
        var count = sourceRows.Length;
        if (count > Capacity)
        {
            _spare.Dispose();
            Capacity = count;
            _spare = _backend.Allocate(count * _maxLength, _dModel, _dtype);
            _from = new int[count];
            _to = new int[count];
            for (var l = 0; l < K.Length; l++)
            {
                K[l] = Grow(K[l], sourceRows, length);
                V[l] = Grow(V[l], sourceRows, length);
            }
            return;
        }
        if (length == 0) return;
        Fill(sourceRows);
        for (var l = 0; l < K.Length; l++)
        {
            K[l] = CopyToSpare(K[l], count, length);
            V[l] = CopyToSpare(V[l], count, length);
        }
    }

    private void Fill(ReadOnlySpan<int> sourceRows)
    {
        for (var i = 0; i < sourceRows.Length; i++)
        {
            _from[i] = sourceRows[i] * _maxLength;
            _to[i] = i * _maxLength;
        }
    }

    private IDeviceTensor CopyToSpare(IDeviceTensor tensor, int count, int length)
    {
        _backend.CopyRows(tensor, _from.AsSpan(0, count), _spare, _to.AsSpan(0, count), length);
        var result = _spare;
        _spare = tensor;
        return result;
    }

    private IDeviceTensor Grow(IDeviceTensor tensor, ReadOnlySpan<int> sourceRows, int length)
    {
        var grown = _backend.Allocate(Capacity * _maxLength, _dModel, _dtype);
        if (length > 0)
        {
            Fill(sourceRows);
            _backend.CopyRows(tensor, _from.AsSpan(0, sourceRows.Length), grown, _to.AsSpan(0, sourceRows.Length), length);
        }
        tensor.Dispose();
        return grown;
    }

    public void Dispose()
    {
        foreach (var t in K) t.Dispose();
        foreach (var t in V) t.Dispose();
        _spare.Dispose();
    }
}
