namespace Hark.Engines;

/// <summary>What an engine reports about itself: enough for logs, <c>bench</c> tables and the memory model.</summary>
/// <param name="Name">Engine family (<c>managed</c>, <c>onnx</c>, …).</param>
/// <param name="Device">Where it runs.</param>
/// <param name="Precision">Effective weight precision.</param>
/// <param name="Threads">CPU threads used (0 when not applicable).</param>
/// <param name="WeightBytes">Bytes held by weights on the device.</param>
public sealed record EngineDescription(string Name, EngineDevice Device, ComputePrecision Precision, int Threads, long WeightBytes);
