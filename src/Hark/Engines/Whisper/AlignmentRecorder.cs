using Hark.Engines.Backends;

namespace Hark.Engines.Whisper;

/// <summary>
/// Keeps the cross-attention probabilities of the alignment heads for every fed token, in host memory
/// <c>[heads, sequences, maxLength, positions]</c>, and follows beam reorders. During a step every layer's attention
/// writes its heads into one backend tensor (layer after layer), which comes to the host in one download after the
/// step, so recording costs no round trip per layer on a device backend.
/// </summary>
internal sealed class AlignmentRecorder : IDisposable
{
    private readonly IOpBackend _backend;
    private readonly TensorPool _pool;
    private readonly int[] _layerStart;
    private IDeviceTensor? _device;
    private readonly int[][] _headsByLayer;
    private readonly int[][] _slotsByLayer;
    private readonly int _headCount;
    private readonly int _maxLength;
    private readonly int _positions;
    private int _capacity;
    private float[] _history;
    private float[] _spare = [];
    private readonly bool _layerOrdered;
    private bool _handedOut;
    private float[] _step = [];
    private int _stepSequences;

    public AlignmentRecorder(IOpBackend backend, TensorPool pool, IReadOnlyList<(int Layer, int Head)> heads, int layers, int headsPerLayer, int sequences, int maxLength, int positions)
    {
        _backend = backend;
        _pool = pool;
        var byLayer = new List<int>[layers];
        var slots = new List<int>[layers];
        for (var l = 0; l < layers; l++)
        {
            byLayer[l] = [];
            slots[l] = [];
        }
        for (var i = 0; i < heads.Count; i++)
        {
            var (layer, head) = heads[i];
            if ((uint)layer >= (uint)layers || (uint)head >= (uint)headsPerLayer)
                throw new HarkInputException($"alignment head ({layer}, {head}) outside {layers} layers × {headsPerLayer} heads", field: "AlignmentHeads");
            byLayer[layer].Add(head);
            slots[layer].Add(i);
        }
        _headsByLayer = byLayer.Select(h => h.ToArray()).ToArray();
        _layerStart = new int[layers];
        for (var l = 1; l < layers; l++) _layerStart[l] = _layerStart[l - 1] + _headsByLayer[l - 1].Length;
        _slotsByLayer = slots.Select(h => h.ToArray()).ToArray();
        _headCount = heads.Count;
        _maxLength = maxLength;
        _positions = positions;
        _capacity = sequences;
        // Uninitialised: every row is written by a step before a snapshot or a reorder reads it. Word timestamps'
        // alignment pass records tens of MB here, so zeroing it (and a spare only beams need) is not free.
        _history = ScratchArrays<float>.Rent(checked((int)((long)_headCount * sequences * maxLength * positions)));
        _layerOrdered = Enumerable.Range(0, heads.Count).All(i => i == 0 || heads[i].Layer >= heads[i - 1].Layer);
    }

    public ReadOnlySpan<int> HeadsOfLayer(int layer) => _headsByLayer[layer];

    /// <summary>The backend rows layer <paramref name="layer"/>'s attention writes its recorded heads into this step.</summary>
    public TensorView StepRows(int layer, int sequences, int tokens)
    {
        var rows = _headCount * sequences * tokens;
        if (_device is null || _device.Rows < rows)
        {
            _pool.Return(_device);
            _device = _pool.Rent(rows, _positions);
        }
        _stepSequences = sequences;
        var perHead = sequences * tokens;
        return TensorView.Of(_device, _layerStart[layer] * perHead, _headsByLayer[layer].Length * perHead);
    }

    /// <summary>Downloads what every layer recorded this step and moves it into the history at <paramref name="start"/>.</summary>
    public void Commit(int sequences, int tokens, int start)
    {
        var perHead = sequences * tokens;
        var need = (long)_headCount * perHead * _positions;
        if (_layerOrdered && start == 0 && tokens == _maxLength && sequences == _capacity && sequences == _stepSequences)
        {
            // The whole history in one step (the alignment pass) with heads listed layer by layer: the step's layout is
            // the history's, so it downloads in place.
            _backend.Download(TensorView.Of(_device!, 0, _headCount * perHead), _history.AsSpan(0, (int)need));
            return;
        }
        if (_step.Length < need) _step = GC.AllocateUninitializedArray<float>((int)need);
        _backend.Download(TensorView.Of(_device!, 0, _headCount * perHead), _step.AsSpan(0, (int)need));
        for (var layer = 0; layer < _slotsByLayer.Length; layer++)
        {
            var slots = _slotsByLayer[layer];
            for (var r = 0; r < slots.Length; r++)
                for (var s = 0; s < sequences; s++)
                    for (var t = 0; t < tokens; t++)
                    {
                        var from = ((((long)_layerStart[layer] + r) * _stepSequences + s) * tokens + t) * _positions;
                        var to = (((long)slots[r] * _capacity + s) * _maxLength + start + t) * _positions;
                        Array.Copy(_step, from, _history, to, _positions);
                    }
        }
    }

    public void Dispose()
    {
        _pool.Return(_device);
        _device = null;
        if (!_handedOut && _history.Length > 0) ScratchArrays<float>.Return(_history);
        if (_spare.Length > 0) ScratchArrays<float>.Return(_spare);
        (_history, _spare) = ([], []);
    }

    public void Reorder(ReadOnlySpan<int> sourceRows, int length)
    {
        var count = sourceRows.Length;
        var capacity = Math.Max(count, _capacity);
        if (_spare.Length < (long)_headCount * capacity * _maxLength * _positions)
        {
            if (_spare.Length > 0) ScratchArrays<float>.Return(_spare);
            _spare = ScratchArrays<float>.Rent(checked((int)((long)_headCount * capacity * _maxLength * _positions)));
        }
        for (var h = 0; h < _headCount; h++)
            for (var i = 0; i < count; i++)
                Array.Copy(_history, (((long)h * _capacity) + sourceRows[i]) * _maxLength * _positions,
                    _spare, (((long)h * capacity) + i) * _maxLength * _positions, (long)length * _positions);
        (_history, _spare) = (_spare, _history);
        if (_handedOut) _spare = []; // the caller's view of the old history must not become scratch
        _handedOut = false;
        _capacity = capacity;
    }

    /// <summary>
    /// The history as <c>[heads, sequences, length, positions]</c>. A full history (the alignment pass: every row of every
    /// sequence written) is that layout already and is handed out without a copy: no later step can write it (the
    /// session is full) and a reorder moves to another array. Either way the array is the caller's, who may give it to
    /// <see cref="ScratchArrays{T}"/> when done.
    /// </summary>
    public ReadOnlyMemory<float> Snapshot(int sequences, int length)
    {
        if (sequences == _capacity && length == _maxLength)
        {
            _handedOut = true;
            return _history.AsMemory(0, _headCount * sequences * length * _positions);
        }
        var size = checked((int)((long)_headCount * sequences * length * _positions));
        var result = ScratchArrays<float>.Rent(size); // every row copied below
        for (var h = 0; h < _headCount; h++)
            for (var s = 0; s < sequences; s++)
                Array.Copy(_history, (((long)h * _capacity) + s) * _maxLength * _positions,
                    result, (((long)h * sequences) + s) * length * _positions, (long)length * _positions);
        return result.AsMemory(0, size);
    }
}
