using Hark.Engines.Backends;
using Hark.Engines.Whisper;

namespace Hark.Engines.Cache;

/// <summary>
/// The tensors a load will place, in order, found by running <see cref="WhisperWeights"/> over a store that answers
/// every request with a shape-only placeholder: the model code stays the one description of what is loaded.
/// </summary>
internal static class WeightPlan
{
    /// <summary>Name, kind, shape and storage of every tensor the load of <paramref name="load"/> asks for.</summary>
    public static IReadOnlyList<(string Name, WeightKind Kind, int Rows, int Columns, TensorDType DType)> Of(Func<IWeightStore, IDisposable> load)
    {
        var store = new PlanningStore();
        load(store).Dispose();
        return store.Tensors;
    }

    private sealed class PlanningStore : IWeightStore
    {
        public List<(string Name, WeightKind Kind, int Rows, int Columns, TensorDType DType)> Tensors { get; } = [];

        public IDeviceTensor? Find(string name, WeightKind kind, int rows, int columns, TensorDType dtype)
        {
            Tensors.Add((name, kind, rows, columns, dtype));
            return new Placeholder(rows, columns, dtype);
        }

        public IDeviceTensor? Build(string name, WeightKind kind, ReadOnlySpan<float> values, int rows, int columns, TensorDType dtype) => null;

        public void Complete()
        {
        }

        public void Dispose()
        {
        }
    }

    private sealed record Placeholder(int Rows, int Columns, TensorDType DType) : IDeviceTensor
    {
        public long ByteSize => 0;

        public void Dispose()
        {
        }
    }
}
