using Hark.Formats.Onnx;
using Hark.Formats.Onnx.Proto;

namespace Hark.Conversion.Onnx;

/// <summary>
/// Hark's own structural check of an ONNX model, independent of any runtime: every node's operator exists in the
/// opset its domain declares (from the table below, operator → version that introduced it), and every node input
/// and graph output is produced before use by an initializer, a graph input, an earlier node or an enclosing graph.
/// </summary>
public static class OnnxSchemaCheck
{
    /// <summary>Default-domain operators Hark knows, with the opset version that introduced each.</summary>
    private static readonly Dictionary<string, int> DefaultOps = new(StringComparer.Ordinal)
    {
        ["Add"] = 1, ["And"] = 1, ["Cast"] = 1, ["Concat"] = 1, ["Constant"] = 1, ["Conv"] = 1, ["Div"] = 1,
        ["Equal"] = 1, ["Flatten"] = 1, ["Gather"] = 1, ["Gemm"] = 1, ["Greater"] = 1, ["Identity"] = 1, ["If"] = 1,
        ["Less"] = 1, ["MatMul"] = 1, ["Max"] = 1, ["Min"] = 1, ["Mul"] = 1, ["Neg"] = 1, ["Not"] = 1, ["Or"] = 1,
        ["Pow"] = 1, ["ReduceMean"] = 1, ["Relu"] = 1, ["Reshape"] = 1, ["Shape"] = 1, ["Sigmoid"] = 1, ["Slice"] = 1,
        ["Softmax"] = 1, ["Split"] = 2, ["Sqrt"] = 1, ["Squeeze"] = 1, ["Sub"] = 1, ["Tanh"] = 1, ["Tile"] = 1,
        ["Transpose"] = 1, ["Unsqueeze"] = 1, ["Expand"] = 8, ["ConstantOfShape"] = 9, ["Erf"] = 9, ["Where"] = 9,
        ["MatMulInteger"] = 10, ["DynamicQuantizeLinear"] = 11, ["Range"] = 11, ["Trilu"] = 14,
        ["LayerNormalization"] = 17, ["Gelu"] = 20,
    };

    /// <summary>ONNX Runtime contrib operators Hark may emit (all version 1).</summary>
    private static readonly HashSet<string> MicrosoftOps = new(StringComparer.Ordinal)
    {
        "MatMulNBits", "MultiHeadAttention", "SkipLayerNormalization", "Gelu", "FastGelu", "BiasGelu", "Attention",
        "DynamicQuantizeMatMul", "MatMulIntegerToFloat",
    };

    /// <summary>Problems found in the model file at <paramref name="path"/>; empty when it passes.</summary>
    public static IReadOnlyList<string> Problems(string path) => Problems(OnnxModelFile.Read(path));

    /// <summary>Problems found in <paramref name="model"/>; empty when it passes.</summary>
    internal static IReadOnlyList<string> Problems(ModelProto model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var problems = new List<string>();
        var opsets = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var o in model.OpsetImport) opsets[o.Domain == "ai.onnx" ? "" : o.Domain] = o.Version;
        if (model.Graph is null) problems.Add("model has no graph");
        else CheckGraph(model.Graph, new HashSet<string>(StringComparer.Ordinal), opsets, problems);
        return problems;
    }

    /// <summary>Reads and checks <paramref name="path"/>.</summary>
    /// <exception cref="HarkInputException">The model fails the check; the message lists the first problems.</exception>
    public static void Validate(string path)
    {
        var problems = Problems(OnnxModelFile.Read(path));
        if (problems.Count > 0)
            throw new HarkInputException($"fails the ONNX schema check ({problems.Count} problems): {string.Join("; ", problems.Take(5))}", path);
    }

    private static void CheckGraph(GraphProto graph, HashSet<string> outer, Dictionary<string, long> opsets, List<string> problems)
    {
        var scope = new HashSet<string>(outer, StringComparer.Ordinal);
        foreach (var t in graph.Initializer) scope.Add(t.Name);
        foreach (var i in graph.Input) scope.Add(i.Name);
        foreach (var node in graph.Node)
        {
            var where = $"graph '{graph.Name}' node '{node.Name}' ({DomainName(node.Domain)}::{node.OpType})";
            CheckOperator(node, where, opsets, problems);
            foreach (var input in node.Input)
            {
                if (input.Length > 0 && !scope.Contains(input)) problems.Add($"{where}: input '{input}' is not produced before use");
            }
            foreach (var a in node.Attribute)
            {
                if (a.G is not null) CheckGraph(a.G, scope, opsets, problems);
                foreach (var g in a.Graphs) CheckGraph(g, scope, opsets, problems);
            }
            foreach (var output in node.Output)
            {
                if (output.Length > 0 && !scope.Add(output)) problems.Add($"{where}: output '{output}' is produced twice");
            }
        }
        foreach (var o in graph.Output)
        {
            if (!scope.Contains(o.Name)) problems.Add($"graph '{graph.Name}': output '{o.Name}' is never produced");
        }
    }

    private static void CheckOperator(NodeProto node, string where, Dictionary<string, long> opsets, List<string> problems)
    {
        var domain = node.Domain == "ai.onnx" ? "" : node.Domain;
        if (!opsets.TryGetValue(domain, out var version))
        {
            problems.Add($"{where}: domain {DomainName(domain)} is not imported by the model");
            return;
        }
        var known = domain switch
        {
            "" => DefaultOps.TryGetValue(node.OpType, out var since) ? since <= version : false,
            OnnxModelFile.MicrosoftDomain => MicrosoftOps.Contains(node.OpType) && version >= 1,
            _ => false,
        };
        if (!known) problems.Add($"{where}: operator does not exist in opset {version} of {DomainName(domain)}");
    }

    private static string DomainName(string domain) => domain.Length == 0 ? "ai.onnx" : domain;
}
