using System.Buffers.Binary;
using System.Text;

namespace Hark.Checkpoints;

/// <summary>
/// A pickle interpreter for <c>torch.save</c> state dicts that knows only the tensor-rebuild vocabulary:
/// <c>collections.OrderedDict</c>, <c>torch._utils._rebuild_tensor_v2</c>, <c>torch._utils._rebuild_parameter</c> and the
/// <c>torch.*Storage</c> classes inside persistent ids. Any other global is refused with a typed error the moment it
/// is named; nothing is ever imported or called. Work and memory are linear in the input size.
/// </summary>
internal sealed class RestrictedUnpickler
{
    private const int MaxGlobalLineBytes = 256;

    private readonly byte[] _data;
    private readonly string _path;
    private readonly string _field;
    private readonly List<object> _stack = [];
    private readonly List<int> _marks = [];
    private readonly Dictionary<long, object> _memo = [];
    private readonly Dictionary<string, PyStorage> _storages = new(StringComparer.Ordinal);
    private int _pos;
    private int _opStart;

    private RestrictedUnpickler(byte[] data, string path, string field)
    {
        _data = data;
        _path = path;
        _field = field;
    }

    /// <summary>Interprets <paramref name="data"/> and returns the unpickled root object.</summary>
    /// <param name="data">The pickle bytes.</param>
    /// <param name="path">The file, for messages.</param>
    /// <param name="field">The record inside the file (<c>data.pkl</c>), for messages.</param>
    /// <exception cref="CheckpointFormatException">Forbidden global, unsupported opcode, malformed or truncated data.</exception>
    public static object Load(byte[] data, string path, string field = "data.pkl") => new RestrictedUnpickler(data, path, field).Run();

    private object Run()
    {
        while (true)
        {
            if (_pos >= _data.Length) throw Fail("pickle ends without a STOP opcode (truncated)");
            _opStart = _pos;
            var op = _data[_pos++];
            switch (op)
            {
                case 0x80: Take(1); break;                          // PROTO
                case 0x95: Take(8); break;                          // FRAME: framing is a hint only
                case (byte)'}': Push(new PyDict()); break;          // EMPTY_DICT
                case (byte)']': Push(new PyList([])); break;        // EMPTY_LIST
                case (byte)')': Push(new PyTuple([])); break;       // EMPTY_TUPLE
                case (byte)'(': _marks.Add(_stack.Count); break;    // MARK
                case (byte)'t': Push(new PyTuple([.. PopToMark()])); break;
                case 0x85: Push(new PyTuple([Pop()])); break;       // TUPLE1
                case 0x86: { var b = Pop(); var a = Pop(); Push(new PyTuple([a, b])); break; }
                case 0x87: { var c = Pop(); var b = Pop(); var a = Pop(); Push(new PyTuple([a, b, c])); break; }
                case (byte)'X': Push(Utf8(Length(Take(4), 4))); break;     // BINUNICODE
                case 0x8C: Push(Utf8(Take(1)[0])); break;                  // SHORT_BINUNICODE
                case 0x8D: Push(Utf8(Length(Take(8), 8))); break;          // BINUNICODE8
                case (byte)'T': Push(Latin1(Length(Take(4), 4))); break;   // BINSTRING
                case (byte)'U': Push(Latin1(Take(1)[0])); break;           // SHORT_BINSTRING
                case (byte)'B': Push(Take(Length(Take(4), 4)).ToArray()); break; // BINBYTES
                case (byte)'C': Push(Take(Take(1)[0]).ToArray()); break;         // SHORT_BINBYTES
                case (byte)'J': Push((long)BinaryPrimitives.ReadInt32LittleEndian(Take(4))); break;
                case (byte)'K': Push((long)Take(1)[0]); break;
                case (byte)'M': Push((long)BinaryPrimitives.ReadUInt16LittleEndian(Take(2))); break;
                case 0x8A: Push(Long1()); break;
                case 0x88: Push(true); break;
                case 0x89: Push(false); break;
                case (byte)'N': Push(PyNone.Instance); break;
                case (byte)'G': Push(BinaryPrimitives.ReadDoubleBigEndian(Take(8))); break;
                case (byte)'q': _memo[Take(1)[0]] = Peek(); break;                                       // BINPUT
                case (byte)'r': _memo[BinaryPrimitives.ReadUInt32LittleEndian(Take(4))] = Peek(); break; // LONG_BINPUT
                case 0x94: _memo[_memo.Count] = Peek(); break;                                          // MEMOIZE
                case (byte)'h': Push(MemoGet(Take(1)[0])); break;
                case (byte)'j': Push(MemoGet(BinaryPrimitives.ReadUInt32LittleEndian(Take(4)))); break;
                case (byte)'c': { var module = Line(); var name = Line(); Push(Global(module, name)); break; }
                case 0x93: { var name = PopString(); var module = PopString(); Push(Global(module, name)); break; }
                case (byte)'R': Reduce(); break;
                case (byte)'b': Build(); break;
                case (byte)'s': { var v = Pop(); var k = Pop(); DictAt(-1).Set(Key(k), v); break; }
                case (byte)'u': SetItems(); break;
                case (byte)'a': { var v = Pop(); ListAt(-1).Items.Add(v); break; }
                case (byte)'e': { var items = PopToMark(); ListAt(-1).Items.AddRange(items); break; }
                case (byte)'d': { var items = PopToMark(); Push(DictOf(items)); break; }
                case (byte)'l': Push(new PyList(PopToMark())); break;
                case (byte)'Q': Push(PersistentLoad(Pop())); break;
                case (byte)'.':
                    if (_stack.Count != 1) throw Fail($"STOP with {_stack.Count} values on the stack, expected 1");
                    return _stack[0];
                default:
                    throw Fail($"unsupported pickle opcode 0x{op:x2}; only the opcodes torch.save uses for tensors are accepted");
            }
        }
    }

    private CheckpointFormatException Fail(string message) =>
        new($"{message} (byte {_opStart})", _path, _field);

    private ReadOnlySpan<byte> Take(long count)
    {
        if (count < 0 || count > _data.Length - _pos)
            throw Fail($"truncated pickle: an argument of {count} bytes runs past the end ({_data.Length - _pos} left)");
        var span = _data.AsSpan(_pos, (int)count);
        _pos += (int)count;
        return span;
    }

    private static long Length(ReadOnlySpan<byte> bytes, int width) =>
        width == 4 ? BinaryPrimitives.ReadUInt32LittleEndian(bytes) : (long)Math.Min(BinaryPrimitives.ReadUInt64LittleEndian(bytes), long.MaxValue);

    private string Utf8(long length) => Encoding.UTF8.GetString(Take(length));

    private string Latin1(long length) => Encoding.Latin1.GetString(Take(length));

    private object Long1()
    {
        var n = Take(1)[0];
        if (n > 8) throw Fail($"integer of {n} bytes is larger than any tensor index (at most 8)");
        var bytes = Take(n);
        long value = 0;
        for (var i = n - 1; i >= 0; i--) value = (value << 8) | bytes[i];
        if (n is > 0 and < 8 && (bytes[n - 1] & 0x80) != 0) value -= 1L << (8 * n); // two's complement sign
        return value;
    }

    private string Line()
    {
        var end = Array.IndexOf(_data, (byte)'\n', _pos, Math.Min(MaxGlobalLineBytes, _data.Length - _pos));
        if (end < 0) throw Fail("GLOBAL name not terminated by a newline");
        var text = Encoding.UTF8.GetString(_data, _pos, end - _pos);
        _pos = end + 1;
        return text;
    }

    private PyGlobal Global(string module, string name)
    {
        var allowed = (module, name) switch
        {
            ("collections", "OrderedDict") => true,
            ("torch._utils", "_rebuild_tensor_v2" or "_rebuild_parameter") => true,
            ("torch", _) => TorchStorageTypes.TryGetDType(name, out _),
            _ => false,
        };
        if (!allowed)
            throw Fail($"forbidden global '{module}.{name}': only collections.OrderedDict, torch._utils._rebuild_tensor_v2, "
                + "torch._utils._rebuild_parameter and torch.*Storage are allowed (nothing in the file is executed)");
        return new PyGlobal(module, name);
    }

    private void Reduce()
    {
        var args = Pop() as PyTuple ?? throw Fail("REDUCE arguments are not a tuple");
        var callable = Pop() as PyGlobal ?? throw Fail("REDUCE target is not an allowed global");
        Push(callable.FullName switch
        {
            "collections.OrderedDict" when args.Items.Length == 0 => new PyDict(),
            "torch._utils._rebuild_tensor_v2" => RebuildTensor(args.Items),
            "torch._utils._rebuild_parameter" when args.Items.Length >= 1 && args.Items[0] is PyTensor t => t,
            _ => throw Fail($"unexpected call {callable.FullName} with {args.Items.Length} arguments"),
        });
    }

    private PyTensor RebuildTensor(object[] args)
    {
        if (args.Length < 4 || args[0] is not PyStorage storage || args[1] is not long offset
            || args[2] is not PyTuple size || args[3] is not PyTuple stride)
            throw Fail("_rebuild_tensor_v2 expects (storage, offset, size tuple, stride tuple, …)");
        var shape = Longs(size, "size");
        var strides = Longs(stride, "stride");
        if (offset < 0 || shape.Length != strides.Length)
            throw Fail($"_rebuild_tensor_v2: offset {offset}, {shape.Length} sizes and {strides.Length} strides do not describe a tensor");
        return new PyTensor(storage, offset, shape, strides);
    }

    private long[] Longs(PyTuple tuple, string what)
    {
        var values = new long[tuple.Items.Length];
        for (var i = 0; i < values.Length; i++)
            values[i] = tuple.Items[i] is long v && v >= 0 ? v : throw Fail($"tensor {what} entry {i} is not a non-negative integer");
        return values;
    }

    private void Build()
    {
        // Only state dicts' _metadata attributes (and tensor state) are built; both carry nothing we need.
        _ = Pop();
        if (Peek() is not (PyDict or PyTensor)) throw Fail("BUILD on something other than a dict or tensor");
    }

    private object PersistentLoad(object pid)
    {
        if (pid is not PyTuple { Items: [string kind, PyGlobal type, var key, var location, long count] } || kind != "storage")
            throw Fail("persistent id is not ('storage', type, key, location, numel)");
        if (type.Module != "torch" || !TorchStorageTypes.TryGetDType(type.Name, out var dtype))
            throw Fail($"persistent id names '{type.FullName}', not a torch storage class");
        if (location is not string || count < 0) throw Fail("persistent id has a malformed location or element count");
        var keyText = key switch
        {
            string s => s,
            long l => l.ToString(System.Globalization.CultureInfo.InvariantCulture),
            _ => throw Fail("persistent id key is not a string"),
        };
        if (_storages.TryGetValue(keyText, out var existing))
        {
            if (existing.DType != dtype || existing.ElementCount != count)
                throw Fail($"storage '{keyText}' is declared twice with different types or sizes");
            return existing;
        }
        var storage = new PyStorage(keyText, dtype, count);
        _storages[keyText] = storage;
        return storage;
    }

    private void SetItems()
    {
        var items = PopToMark();
        if (items.Count % 2 != 0) throw Fail("SETITEMS with an odd number of values");
        var dict = DictAt(-1);
        for (var i = 0; i < items.Count; i += 2) dict.Set(Key(items[i]), items[i + 1]);
    }

    private PyDict DictOf(List<object> items)
    {
        if (items.Count % 2 != 0) throw Fail("DICT with an odd number of values");
        var dict = new PyDict();
        for (var i = 0; i < items.Count; i += 2) dict.Set(Key(items[i]), items[i + 1]);
        return dict;
    }

    private object Key(object key) => key is string or long ? key : throw Fail($"dict key of type {TypeName(key)}, expected str or int");

    private PyDict DictAt(int index) => At(index) as PyDict ?? throw Fail($"expected a dict on the stack, found {TypeName(At(index))}");

    private PyList ListAt(int index) => At(index) as PyList ?? throw Fail($"expected a list on the stack, found {TypeName(At(index))}");

    private object At(int index)
    {
        var i = _stack.Count + index;
        if (i < CurrentFloor()) throw Fail("stack underflow");
        return _stack[i];
    }

    private object MemoGet(long index) => _memo.TryGetValue(index, out var v) ? v : throw Fail($"memo entry {index} was never stored");

    private void Push(object value) => _stack.Add(value);

    private object Peek() => At(-1);

    private object Pop()
    {
        var value = At(-1);
        _stack.RemoveAt(_stack.Count - 1);
        return value;
    }

    private string PopString() => Pop() as string ?? throw Fail("STACK_GLOBAL expects two strings");

    private int CurrentFloor() => _marks.Count == 0 ? 0 : _marks[^1];

    private List<object> PopToMark()
    {
        if (_marks.Count == 0) throw Fail("no MARK to pop to");
        var mark = _marks[^1];
        _marks.RemoveAt(_marks.Count - 1);
        var items = _stack.GetRange(mark, _stack.Count - mark);
        _stack.RemoveRange(mark, _stack.Count - mark);
        return items;
    }

    private static string TypeName(object value) => value switch
    {
        string => "str",
        long => "int",
        double => "float",
        bool => "bool",
        byte[] => "bytes",
        PyNone => "None",
        PyTuple => "tuple",
        PyList => "list",
        PyDict => "dict",
        PyGlobal g => g.FullName,
        PyStorage => "storage",
        PyTensor => "tensor",
        _ => value.GetType().Name,
    };
}
