namespace Hark.Checkpoints;

// The only Python values the restricted unpickler builds: plain data plus the three torch concepts a state dict
// needs. Nothing here can run code; unknown callables never get past GLOBAL.

/// <summary>Python <c>None</c>.</summary>
internal sealed class PyNone
{
    public static readonly PyNone Instance = new();
    private PyNone() { }
}

/// <summary>The MARK sentinel on the unpickler stack.</summary>
internal sealed class PyMark
{
    public static readonly PyMark Instance = new();
    private PyMark() { }
}

/// <summary>A reference to an allowed global (a callable or a storage class), never resolved to code.</summary>
internal sealed record PyGlobal(string Module, string Name)
{
    public string FullName => Module + "." + Name;
}

/// <summary>A Python tuple.</summary>
internal sealed record PyTuple(object[] Items);

/// <summary>A Python list.</summary>
internal sealed class PyList(List<object> items)
{
    public List<object> Items { get; } = items;
}

/// <summary>A Python dict or OrderedDict, in insertion order (keys compared by value for str and int).</summary>
internal sealed class PyDict
{
    private readonly Dictionary<object, int> _index = [];

    public List<KeyValuePair<object, object>> Items { get; } = [];

    public void Set(object key, object value)
    {
        if (_index.TryGetValue(key, out var i))
        {
            Items[i] = new(key, value);
            return;
        }
        _index[key] = Items.Count;
        Items.Add(new(key, value));
    }

    public object? Get(string key) => _index.TryGetValue(key, out var i) ? Items[i].Value : null;
}

/// <summary>A torch storage named by persistent id: the zip record <c>data/{Key}</c> of <paramref name="ElementCount"/> elements.</summary>
internal sealed record PyStorage(string Key, DType DType, long ElementCount);

/// <summary>A tensor view over a storage (<c>torch._utils._rebuild_tensor_v2</c>'s arguments).</summary>
internal sealed record PyTensor(PyStorage Storage, long Offset, long[] Shape, long[] Stride);
