using Google.Protobuf;
using Hark.Formats.Onnx.Proto;

namespace Hark.Formats.Onnx;

/// <summary>Wraps graphs into models and reads/writes model files.</summary>
internal static class OnnxModelFile
{
    /// <summary>Default-domain opset Hark targets (LayerNormalization needs 17; every provider Hark names supports it).</summary>
    public const long Opset = 17;

    /// <summary>IR version that goes with opset 17.</summary>
    public const long IrVersion = 8;

    /// <summary>ONNX Runtime's contrib-op domain.</summary>
    public const string MicrosoftDomain = "com.microsoft";

    /// <summary>A model around <paramref name="graph"/>; imports <c>com.microsoft</c> only when a node uses it.</summary>
    public static ModelProto Model(GraphProto graph)
    {
        var model = new ModelProto { IrVersion = IrVersion, ProducerName = "hark", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        if (AllNodes(graph).Any(n => n.Domain == MicrosoftDomain))
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = MicrosoftDomain, Version = 1 });
        return model;
    }

    /// <summary>Every node of <paramref name="graph"/> and of its subgraphs.</summary>
    public static IEnumerable<NodeProto> AllNodes(GraphProto graph)
    {
        foreach (var node in graph.Node)
        {
            yield return node;
            foreach (var a in node.Attribute)
            {
                if (a.G is not null) foreach (var n in AllNodes(a.G)) yield return n;
                foreach (var sub in a.Graphs) foreach (var n in AllNodes(sub)) yield return n;
            }
        }
    }

    /// <summary>Writes <paramref name="model"/> to <paramref name="path"/> (a new file).</summary>
    public static void Write(ModelProto model, string path)
    {
        using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
        model.WriteTo(stream);
    }

    /// <summary>Reads a model file (external data stays where it is).</summary>
    /// <exception cref="HarkInputException">The file is not a readable ONNX model.</exception>
    public static ModelProto Read(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            return ModelProto.Parser.ParseFrom(stream);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new HarkInputException($"not an ONNX model: {e.Message}", path, inner: e);
        }
    }
}
