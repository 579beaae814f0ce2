using Google.Protobuf;
using Hark.Formats.Onnx;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using DataType = Hark.Formats.Onnx.Proto.TensorProto.Types.DataType;

namespace Hark.Engines.Onnx;

/// <summary>
/// Row selection (<c>Gather</c> on axis 0) run by ONNX Runtime on the engine's own provider, so caches and
/// encoder states that live in device memory are reordered or copied to the host without a managed round trip.
/// One tiny session per element type, created on first use. Thread-safe.
/// </summary>
internal sealed class OnnxGather(Func<SessionOptions> sessionOptions) : IDisposable
{
    private readonly Dictionary<TensorElementType, InferenceSession> _sessions = [];
    private readonly Lock _lock = new();

    /// <summary>
    /// <c>value[rows]</c> along the first axis, placed in <paramref name="destination"/> memory. The caller owns the result.
    /// </summary>
    public OrtValue Rows(OrtValue value, ReadOnlySpan<int> rows, OrtMemoryInfo destination)
    {
        var type = value.GetTensorTypeAndShape().ElementDataType;
        var session = Session(type);
        var indices = new long[rows.Length];
        for (var i = 0; i < rows.Length; i++) indices[i] = rows[i];
        using var indexValue = OrtValue.CreateTensorValueFromMemory(indices, [indices.Length]);
        using var binding = session.CreateIoBinding();
        binding.BindInput("x", value);
        binding.BindInput("rows", indexValue);
        binding.BindOutputToDevice("y", destination);
        using var runOptions = new RunOptions();
        session.RunWithBinding(runOptions, binding);
        // Disposing the collection would dispose its one value, which the caller now owns.
        return binding.GetOutputValues()[0];
    }

    private InferenceSession Session(TensorElementType type)
    {
        lock (_lock)
        {
            if (_sessions.TryGetValue(type, out var s)) return s;
            var dataType = type switch
            {
                TensorElementType.Float => DataType.Float,
                TensorElementType.Float16 => DataType.Float16,
                _ => throw new HarkException($"cannot reorder {type} tensors"),
            };
            var g = new OnnxGraphBuilder("gather_rows", dataType, new InlineInitializerSink());
            g.Graph.Input.Add(OnnxGraphBuilder.ValueInfo("x", dataType, dims: null));
            g.Input("rows", DataType.Int64, "n");
            g.NamedNode("Gather", ["x", "rows"], ["y"], [OnnxGraphBuilder.Attr("axis", 0L)]);
            g.Graph.Output.Add(OnnxGraphBuilder.ValueInfo("y", dataType, dims: null));
            using var options = sessionOptions();
            s = new InferenceSession(OnnxModelFile.Model(g.Graph).ToByteArray(), options);
            _sessions[type] = s;
            return s;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var s in _sessions.Values) s.Dispose();
        _sessions.Clear();
    }
}
