using Microsoft.ML.OnnxRuntime;

namespace Hark.Engines.Onnx;

/// <summary>Encoder states <c>[batch, positions, d_model]</c> held by ONNX Runtime in the provider's memory.</summary>
internal sealed class OnnxEncodedAudio(OnnxEngine engine, OrtValue states, int batch) : IEncodedAudio
{
    /// <summary>The engine that produced the states.</summary>
    public OnnxEngine Engine { get; } = engine;

    /// <summary>The states tensor.</summary>
    public OrtValue States { get; } = states;

    /// <inheritdoc />
    public int Batch { get; } = batch;

    /// <inheritdoc />
    public void CopyTo(int index, Span<float> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Batch);
        var perWindow = (long)Engine.Config.MaxSourcePositions * Engine.Config.DModel;
        if (destination.Length != perWindow)
            throw new ArgumentException($"expected {perWindow} values ([positions, d_model]), got {destination.Length}", nameof(destination));
        if (ReferenceEquals(Engine.DeviceMemory, OrtMemoryInfo.DefaultInstance))
        {
            OnnxValues.ReadFloats(States, index * perWindow, destination);
            return;
        }
        using var row = Engine.Gather.Rows(States, [index], OrtMemoryInfo.DefaultInstance);
        OnnxValues.ReadFloats(row, 0, destination);
    }

    /// <inheritdoc />
    public void Dispose() => States.Dispose();
}
