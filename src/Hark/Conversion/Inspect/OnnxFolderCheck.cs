using Hark.Formats.Onnx;
using Hark.Conversion.Onnx;

namespace Hark.Conversion.Inspect;

/// <summary>
/// What <c>inspect</c> checks before listing an ONNX folder: the graphs Optimum's Whisper layout needs are present,
/// each parses as an ONNX model with a non-empty graph, and each has Optimum's input and output names.
/// </summary>
internal static class OnnxFolderCheck
{
    private static readonly (string File, string[] Inputs, string[] Outputs)[] Graphs =
    [
        (OptimumNames.EncoderFile, [OptimumNames.InputFeatures], [OptimumNames.LastHiddenState]),
        (OptimumNames.DecoderFile, [OptimumNames.InputIds, OptimumNames.EncoderHiddenStates], [OptimumNames.Logits]),
        (OptimumNames.DecoderWithPastFile, [OptimumNames.InputIds], [OptimumNames.Logits]),
        (OptimumNames.DecoderMergedFile, [OptimumNames.InputIds, OptimumNames.UseCacheBranch], [OptimumNames.Logits]),
    ];

    /// <summary>Validates the Whisper graphs of <paramref name="folder"/>.</summary>
    /// <exception cref="HarkInputException">A missing, unreadable or empty graph, or one without Optimum's names.</exception>
    public static void Validate(string folder)
    {
        bool Has(string file) => File.Exists(Path.Combine(folder, file));
        if (!Has(OptimumNames.EncoderFile))
            throw new HarkInputException($"no {OptimumNames.EncoderFile}: expected an ONNX Whisper export in Optimum's layout", folder);
        if (!Has(OptimumNames.DecoderMergedFile) && !(Has(OptimumNames.DecoderFile) && Has(OptimumNames.DecoderWithPastFile)))
            throw new HarkInputException($"needs {OptimumNames.DecoderMergedFile}, or both {OptimumNames.DecoderFile} and {OptimumNames.DecoderWithPastFile}", folder);
        foreach (var (file, inputs, outputs) in Graphs)
        {
            var path = Path.Combine(folder, file);
            if (File.Exists(path)) Check(path, inputs, outputs);
        }
    }

    private static void Check(string path, string[] inputs, string[] outputs)
    {
        RegularFiles.ThrowIfSpecial(path);
        var model = OnnxModelFile.Read(path);
        if (model.Graph is null || model.Graph.Node.Count == 0)
            throw new HarkInputException("holds no graph (empty or not an ONNX model)", path, "graph");
        var haveIn = model.Graph.Input.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var haveOut = model.Graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var name in inputs)
            if (!haveIn.Contains(name))
                throw new HarkInputException($"has no input '{name}' (Optimum's Whisper names); found [{string.Join(", ", haveIn.Take(8))}]", path, "graph.input");
        foreach (var name in outputs)
            if (!haveOut.Contains(name))
                throw new HarkInputException($"has no output '{name}' (Optimum's Whisper names); found [{string.Join(", ", haveOut.Take(8))}]", path, "graph.output");
    }
}
