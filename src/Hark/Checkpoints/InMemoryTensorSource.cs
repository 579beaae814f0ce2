namespace Hark.Checkpoints;

/// <summary>A tensor source over float32 arrays held in memory (tests, small models, converted weights).</summary>
public sealed class InMemoryTensorSource : ITensorSource
{
    private readonly Dictionary<string, float[]> _data = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TensorInfo> _tensors = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public IReadOnlyDictionary<string, TensorInfo> Tensors => _tensors;

    /// <summary>Adds or replaces a float32 tensor.</summary>
    public void Add(string name, float[] values, params long[] shape)
    {
        var info = new TensorInfo(name, DType.F32, shape);
        if (info.ElementCount != values.Length)
            throw new ArgumentException($"{name}: {values.Length} values do not fill shape {info.ShapeText}", nameof(values));
        _tensors[name] = info;
        _data[name] = values;
    }

    /// <summary>Copies every tensor of <paramref name="source"/> into memory as float32.</summary>
    public static InMemoryTensorSource CopyOf(ITensorSource source)
    {
        var copy = new InMemoryTensorSource();
        foreach (var (name, info) in source.Tensors)
        {
            var values = new float[info.ElementCount];
            source.ReadFloat32(name, values);
            copy.Add(name, values, [.. info.Shape]);
        }
        return copy;
    }

    /// <summary>The stored array of a tensor (mutable: tests use it to perturb weights).</summary>
    public float[] Get(string name) =>
        _data.TryGetValue(name, out var v) ? v : throw new HarkInputException("missing tensor", field: name);

    /// <inheritdoc />
    public void ReadBytes(string name, Span<byte> destination)
    {
        var v = Get(name);
        DTypeConversion.FromFloat32(DType.F32, v, destination);
    }

    /// <inheritdoc />
    public void ReadFloat32(string name, Span<float> destination)
    {
        var v = Get(name);
        if (destination.Length != v.Length)
            throw new HarkInputException($"destination holds {destination.Length} elements, tensor has {v.Length}", field: name);
        v.CopyTo(destination);
    }

    /// <inheritdoc />
    public void Dispose() { }
}
