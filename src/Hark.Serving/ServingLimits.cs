using Hark.Engines;
using Hark.Hardware;

namespace Hark.Serving;

/// <summary>
/// Default batch and queue limits from the memory model <c>hark doctor</c> uses: the largest batch (at the default
/// beam size) whose estimate fits in the host's available memory with doctor's headroom, capped as doctor caps it;
/// the queue holds four waiting requests per slot (a queued request holds only its upload on disk).
/// </summary>
public static class ServingLimits
{
    private const int QueuePerSlot = 4;

    /// <summary>The batch limit for <paramref name="models"/> loaded side by side (the smallest any of them allows).</summary>
    public static int MaxBatch(IReadOnlyList<ServedModel> models, int beamSize = 5)
    {
        ArgumentNullException.ThrowIfNull(models);
        var memory = CpuProbe.ReadMemory(SysfsRoot.Host);
        var batch = int.MaxValue;
        foreach (var served in models)
        {
            var engine = served.Model.Engine;
            var description = engine.Description;
            var gpu = description.Device.Kind != DeviceKind.Cpu;
            var cap = gpu ? DoctorAdvisor.GpuBatchCap : DoctorAdvisor.CpuBatchCap;
            // The weights are loaded already: what is available now plus their share is what the estimate plans with.
            var available = memory is null ? long.MaxValue : (long)(memory.AvailableBytes * DoctorAdvisor.HostHeadroom) + description.WeightBytes;
            var fits = gpu ? cap : MemoryModel.MaxBatch(engine.Config, description.Precision, available, Math.Max(1, beamSize),
                new MemoryModelOptions { Device = description.Device.Kind });
            batch = Math.Min(batch, Math.Clamp(fits, 1, cap));
        }
        return batch == int.MaxValue ? 1 : batch;
    }

    /// <summary>The queue limit for <paramref name="maxBatch"/> slots on each of <paramref name="models"/> models.</summary>
    public static int MaxQueue(int maxBatch, int models) => QueuePerSlot * maxBatch * Math.Max(1, models);
}
