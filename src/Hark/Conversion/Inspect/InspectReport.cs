namespace Hark.Conversion.Inspect;

/// <summary>Formats <c>hark inspect</c> recognises.</summary>
public enum ModelFormat
{
    /// <summary>A Hugging Face Whisper folder (<c>config.json</c> + safetensors or pytorch_model.bin).</summary>
    HuggingFace,
    /// <summary>A CTranslate2 folder (<c>model.bin</c>, <c>config.json</c>, vocabulary).</summary>
    CTranslate2,
    /// <summary>A whisper.cpp model file.</summary>
    Ggml,
    /// <summary>A folder of ONNX graphs.</summary>
    Onnx,
}

/// <summary>One stored tensor as inspect lists it.</summary>
/// <param name="Name">Name as stored.</param>
/// <param name="Shape">Shape as the format states it (ggml: innermost first).</param>
/// <param name="DType">Element type in the format's own spelling.</param>
/// <param name="Bytes">Stored bytes.</param>
public sealed record InspectedTensor(string Name, IReadOnlyList<long> Shape, string DType, long Bytes);

/// <summary>What <c>hark inspect</c> reports about a model.</summary>
/// <param name="Path">The path inspected.</param>
/// <param name="Format">Detected format.</param>
/// <param name="Properties">Architecture and format facts, in display order.</param>
/// <param name="Tensors">Every stored tensor (or file, for ONNX).</param>
public sealed record InspectReport(string Path, ModelFormat Format, IReadOnlyList<KeyValuePair<string, string>> Properties,
    IReadOnlyList<InspectedTensor> Tensors)
{
    /// <summary>Sum of <see cref="InspectedTensor.Bytes"/>.</summary>
    public long TotalBytes => Tensors.Sum(t => t.Bytes);

    /// <summary>Bytes by dtype, largest first.</summary>
    public IReadOnlyList<KeyValuePair<string, long>> BytesByDType =>
        [.. Tensors.GroupBy(t => t.DType).Select(g => KeyValuePair.Create(g.Key, g.Sum(t => t.Bytes))).OrderByDescending(p => p.Value)];
}
