using Google.Protobuf;
using Hark.Formats.Onnx.Proto;
using DataType = Hark.Formats.Onnx.Proto.TensorProto.Types.DataType;

namespace Hark.Formats.Onnx;

/// <summary>
/// Appends nodes, inputs, outputs and initializers to one <see cref="GraphProto"/>. A builder for an
/// <c>If</c> branch shares its root's initializers (outer-scope values are visible in subgraphs) and prefixes its own
/// value names so they never clash with the outer graph's. Names are generated from a counter, so the same calls
/// always give the same graph (deterministic bytes).
/// </summary>
internal sealed class OnnxGraphBuilder
{
    private readonly string _prefix;
    private readonly Dictionary<string, string> _constants;
    private readonly IOnnxInitializerSink _sink;
    private int _counter;

    /// <summary>A root graph.</summary>
    public OnnxGraphBuilder(string graphName, DataType computeType, IOnnxInitializerSink sink)
    {
        Graph = new GraphProto { Name = graphName };
        ComputeType = computeType;
        _prefix = "";
        _constants = new Dictionary<string, string>(StringComparer.Ordinal);
        _sink = sink;
        Root = this;
    }

    private OnnxGraphBuilder(OnnxGraphBuilder root, string graphName, string prefix)
    {
        Graph = new GraphProto { Name = graphName };
        ComputeType = root.ComputeType;
        _prefix = prefix;
        _constants = root._constants;
        _sink = root._sink;
        Root = root;
    }

    /// <summary>The graph being built.</summary>
    public GraphProto Graph { get; }

    /// <summary>Element type of activations (FLOAT, or FLOAT16 for the fp16 export).</summary>
    public DataType ComputeType { get; }

    /// <summary>The outermost builder (owner of initializers and of weight-derived nodes).</summary>
    public OnnxGraphBuilder Root { get; }

    /// <summary>A builder for a subgraph (an <c>If</c> branch) whose value names start with <paramref name="prefix"/>.</summary>
    public OnnxGraphBuilder Subgraph(string graphName, string prefix) => new(Root, graphName, prefix);

    /// <summary>A fresh value name.</summary>
    public string Fresh(string hint) => $"{_prefix}{hint}_{_counter++}";

    /// <summary>Adds a node and returns its outputs.</summary>
    public string[] Nodes(string op, IReadOnlyList<string> inputs, int outputs, IEnumerable<AttributeProto>? attributes = null, string domain = "")
    {
        var node = new NodeProto { OpType = op, Domain = domain, Name = Fresh(op) };
        node.Input.AddRange(inputs);
        var names = new string[outputs];
        for (var i = 0; i < outputs; i++) names[i] = Fresh(op.ToLowerInvariant() + "_out");
        node.Output.AddRange(names);
        if (attributes is not null) node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
        return names;
    }

    /// <summary>Adds a single-output node.</summary>
    public string Node(string op, IReadOnlyList<string> inputs, IEnumerable<AttributeProto>? attributes = null, string domain = "") =>
        Nodes(op, inputs, 1, attributes, domain)[0];

    /// <summary>Adds a node whose outputs carry the given names (graph outputs).</summary>
    public void NamedNode(string op, IReadOnlyList<string> inputs, IReadOnlyList<string> outputs, IEnumerable<AttributeProto>? attributes = null)
    {
        var node = new NodeProto { OpType = op, Name = Fresh(op) };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        if (attributes is not null) node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
    }

    /// <summary>
    /// Renames value <paramref name="from"/> to <paramref name="to"/> everywhere in this graph, so that an
    /// intermediate value becomes a graph output without an Identity copy (caches would be copied every step).
    /// </summary>
    public void Rename(string from, string to)
    {
        foreach (var node in Graph.Node)
        {
            for (var i = 0; i < node.Input.Count; i++) if (node.Input[i] == from) node.Input[i] = to;
            for (var i = 0; i < node.Output.Count; i++) if (node.Output[i] == from) node.Output[i] = to;
        }
    }

    /// <summary>Declares a graph input; dims are <see cref="long"/> (fixed) or <see cref="string"/> (symbolic).</summary>
    public string Input(string name, DataType type, params object[] dims)
    {
        Graph.Input.Add(ValueInfo(name, type, dims));
        return name;
    }

    /// <summary>Declares a graph output produced by value <paramref name="value"/>, renaming it to <paramref name="name"/>.</summary>
    public void Output(string name, string value, DataType type, params object[] dims)
    {
        if (value != name) Rename(value, name);
        Graph.Output.Add(ValueInfo(name, type, dims));
    }

    /// <summary>A typed value description with fixed or symbolic dims.</summary>
    public static ValueInfoProto ValueInfo(string name, DataType type, IReadOnlyList<object>? dims)
    {
        var tensor = new TypeProto.Types.Tensor { ElemType = (int)type };
        if (dims is not null)
        {
            tensor.Shape = new TensorShapeProto();
            foreach (var d in dims)
            {
                tensor.Shape.Dim.Add(d switch
                {
                    long v => new TensorShapeProto.Types.Dimension { DimValue = v },
                    int v => new TensorShapeProto.Types.Dimension { DimValue = v },
                    string p => new TensorShapeProto.Types.Dimension { DimParam = p },
                    _ => throw new ArgumentException($"dimension {d} is neither a number nor a name", nameof(dims)),
                });
            }
        }
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensor } };
    }

    /// <summary>Adds an initializer to the root graph from raw little-endian bytes.</summary>
    public string Initializer(string name, DataType type, IReadOnlyList<long> dims, ReadOnlySpan<byte> raw)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)type };
        tensor.Dims.AddRange(dims);
        Root._sink.Store(tensor, raw);
        Root.Graph.Initializer.Add(tensor);
        return name;
    }

    /// <summary>A scalar in <see cref="ComputeType"/> (shared between uses).</summary>
    public string Scalar(float value) => Constant($"c_{ComputeType}_{value:R}", () =>
        ComputeType == DataType.Float16
            ? BitConverter.GetBytes(BitConverter.HalfToUInt16Bits((Half)value))
            : BitConverter.GetBytes(value), ComputeType, []);

    /// <summary>A constant int64 vector (shared between uses).</summary>
    public string Int64s(params long[] values) => Constant("i64_" + string.Join("_", values), () =>
    {
        var bytes = new byte[values.Length * 8];
        for (var i = 0; i < values.Length; i++) BitConverter.TryWriteBytes(bytes.AsSpan(i * 8), values[i]);
        return bytes;
    }, DataType.Int64, [values.Length]);

    /// <summary>A constant int64 scalar (shared between uses).</summary>
    public string Int64Scalar(long value) => Constant("i64s_" + value, () => BitConverter.GetBytes(value), DataType.Int64, []);

    private string Constant(string key, Func<byte[]> bytes, DataType type, long[] dims)
    {
        if (_constants.TryGetValue(key, out var name)) return name;
        name = "const_" + key.Replace('-', 'm').Replace('.', 'p').Replace('+', 'p');
        Initializer(name, type, dims, bytes());
        _constants[key] = name;
        return name;
    }

    /// <summary>Integer attribute.</summary>
    public static AttributeProto Attr(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    /// <summary>Float attribute.</summary>
    public static AttributeProto Attr(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    /// <summary>Integer-list attribute.</summary>
    public static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    /// <summary>String attribute.</summary>
    public static AttributeProto Attr(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    /// <summary>Subgraph attribute.</summary>
    public static AttributeProto Attr(string name, GraphProto graph) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Graph, G = graph };
}
