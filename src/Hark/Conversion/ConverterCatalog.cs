namespace Hark.Conversion;

/// <summary>Every conversion target Hark knows, by <see cref="IModelConverter.Target"/>.</summary>
public static class ConverterCatalog
{
    /// <summary>All converters (one line per target).</summary>
    public static IReadOnlyList<IModelConverter> All { get; } =
    [
        new Ct2.Ct2Converter(),
        new Ggml.GgmlConverter(),
        new Onnx.OnnxConverter(),
    ];

    /// <summary>The converter for <paramref name="target"/>.</summary>
    /// <exception cref="HarkInputException">Unknown target (the message lists the known ones).</exception>
    public static IModelConverter Get(string target) =>
        All.FirstOrDefault(c => string.Equals(c.Target, target, StringComparison.OrdinalIgnoreCase))
        ?? throw new HarkInputException($"unknown target '{target}'; expected one of {string.Join(", ", All.Select(c => c.Target))}", field: "--to");
}
