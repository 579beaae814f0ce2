namespace Hark.Checkpoints;

/// <summary>
/// Exposes tensors of another source under different names (e.g. without transformers' <c>model.</c> prefix, or with
/// it when writing). Only the mapped tensors are visible; bytes are read straight from the inner source.
/// </summary>
internal sealed class RenamedTensorSource : ITensorSource
{
    private readonly ITensorSource _inner;
    private readonly Dictionary<string, string> _innerName;
    private readonly Dictionary<string, TensorInfo> _tensors;
    private readonly bool _ownsInner;

    /// <summary>Creates the view.</summary>
    /// <param name="inner">The source read.</param>
    /// <param name="innerNames">Exposed name → name in <paramref name="inner"/>, in the order to expose.</param>
    /// <param name="ownsInner">Whether disposing this disposes <paramref name="inner"/>.</param>
    public RenamedTensorSource(ITensorSource inner, IEnumerable<KeyValuePair<string, string>> innerNames, bool ownsInner = true)
    {
        _inner = inner;
        _ownsInner = ownsInner;
        _innerName = new Dictionary<string, string>(StringComparer.Ordinal);
        _tensors = new Dictionary<string, TensorInfo>(StringComparer.Ordinal);
        foreach (var (name, innerName) in innerNames)
        {
            var info = inner.Tensors.TryGetValue(innerName, out var i)
                ? i
                : throw new ArgumentException($"tensor '{innerName}' is not in the inner source", nameof(innerNames));
            _innerName.Add(name, innerName);
            _tensors.Add(name, info with { Name = name });
        }
    }

    /// <summary>Exposes every tensor of <paramref name="inner"/> with <paramref name="prefix"/> prepended (transformers' <c>model.</c>).</summary>
    public static RenamedTensorSource WithPrefix(ITensorSource inner, string prefix, bool ownsInner = true) =>
        new(inner, inner.Tensors.Keys.Select(n => KeyValuePair.Create(prefix + n, n)), ownsInner);

    /// <summary>The wrapped source.</summary>
    public ITensorSource Inner => _inner;

    /// <inheritdoc />
    public IReadOnlyDictionary<string, TensorInfo> Tensors => _tensors;

    /// <inheritdoc />
    public void ReadBytes(string name, Span<byte> destination) => _inner.ReadBytes(InnerName(name), destination);

    /// <inheritdoc />
    public void ReadFloat32(string name, Span<float> destination) => _inner.ReadFloat32(InnerName(name), destination);

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsInner) _inner.Dispose();
    }

    private string InnerName(string name) =>
        _innerName.TryGetValue(name, out var n) ? n : throw new HarkInputException("no such tensor", field: name);
}
