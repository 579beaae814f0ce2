using Silk.NET.Vulkan;

namespace Hark.Engines.Vulkan;

/// <summary>
/// Records ops into one command buffer and submits it only when the host needs a result (a download, recorded
/// attention probabilities) or staging space runs out, so a whole decoder step or encoder window is one submission.
/// Host data (uploads, row indices) goes through a host-visible arena that is reused after each submission.
/// Barriers are placed only where an op touches a buffer an earlier op of the same batch wrote (or writes one it
/// read), so independent ops (the Q, K, V projections) run without one between them.
/// </summary>
internal sealed unsafe class VulkanRecorder : IDisposable
{
    private const long InitialArena = 16L << 20;
    private const long MaxArena = 256L << 20;

    private readonly VulkanContext _context;
    private readonly VulkanPipelines _pipelines;
    private readonly CommandPool _pool;
    private readonly CommandBuffer _commands;
    private readonly Fence _fence;
    private readonly List<VulkanBuffer> _written = [];
    private readonly List<VulkanBuffer> _read = [];
    private readonly List<VulkanBuffer> _deferred = [];
    private VulkanBuffer _arena;
    private long _arenaUsed;
    private bool _pending;

    public VulkanRecorder(VulkanContext context, VulkanPipelines pipelines)
    {
        _context = context;
        _pipelines = pipelines;
        var api = context.Api;
        var poolInfo = new CommandPoolCreateInfo
        {
            SType = StructureType.CommandPoolCreateInfo, QueueFamilyIndex = context.QueueFamily, Flags = CommandPoolCreateFlags.ResetCommandBufferBit,
        };
        CommandPool pool;
        VulkanInstance.Check(api.CreateCommandPool(context.Device, &poolInfo, null, &pool), "vkCreateCommandPool");
        _pool = pool;
        var allocInfo = new CommandBufferAllocateInfo
        {
            SType = StructureType.CommandBufferAllocateInfo, CommandPool = pool, Level = CommandBufferLevel.Primary, CommandBufferCount = 1,
        };
        CommandBuffer commands;
        VulkanInstance.Check(api.AllocateCommandBuffers(context.Device, &allocInfo, &commands), "vkAllocateCommandBuffers");
        _commands = commands;
        var fenceInfo = new FenceCreateInfo { SType = StructureType.FenceCreateInfo };
        Fence fence;
        VulkanInstance.Check(api.CreateFence(context.Device, &fenceInfo, null, &fence), "vkCreateFence");
        _fence = fence;
        _arena = context.CreateBuffer(InitialArena, hostVisible: true);
        Begin();
    }

    /// <summary>Submissions so far (a decoder step should add one).</summary>
    public long Submissions { get; private set; }

    /// <summary>Barriers recorded so far.</summary>
    public long Barriers { get; private set; }

    /// <summary>Dispatches recorded so far: on a GPU each costs launch time whatever its size, so a decoder step's
    /// count is its floor.</summary>
    public long Dispatches { get; private set; }

    /// <summary>
    /// Reserves <paramref name="bytes"/> of host-visible memory for this batch (submitting first when full); returns
    /// its buffer, offset and host pointer. Valid until the next <see cref="Flush"/> returns.
    /// </summary>
    public (VulkanBuffer Buffer, long Offset, nint Host) Reserve(long bytes)
    {
        var aligned = (bytes + 15) & ~15L;
        if (_arenaUsed + aligned > _arena.Size)
        {
            Flush();
            if (aligned > _arena.Size)
            {
                _arena.Dispose();
                _arena = _context.CreateBuffer(Math.Max(aligned, Math.Min(2 * _arena.Size, MaxArena)), hostVisible: true);
            }
        }
        var offset = _arenaUsed;
        _arenaUsed += aligned;
        return (_arena, offset, (nint)(_arena.Mapped + offset));
    }

    /// <summary>Largest single staging reservation that never grows the arena past its cap.</summary>
    public static long ChunkBytes => InitialArena;

    /// <summary>Copies host bytes into a device buffer through the arena (recorded, not yet executed).</summary>
    public void Upload(byte* source, long bytes, VulkanBuffer destination, long destinationOffset)
    {
        for (long done = 0; done < bytes;)
        {
            var chunk = Math.Min(bytes - done, ChunkBytes);
            var (arena, offset, host) = Reserve(chunk);
            System.Buffer.MemoryCopy(source + done, (void*)host, chunk, chunk);
            Copy(arena, offset, destination, destinationOffset + done, chunk);
            done += chunk;
        }
    }

    /// <summary>Copies device bytes to the host: records the copy, submits, waits.</summary>
    public void Download(VulkanBuffer source, long sourceOffset, long bytes, byte* destination)
    {
        for (long done = 0; done < bytes;)
        {
            var chunk = Math.Min(bytes - done, ChunkBytes);
            var (arena, offset, host) = Reserve(chunk);
            Copy(source, sourceOffset + done, arena, offset, chunk);
            Flush();
            System.Buffer.MemoryCopy((void*)host, destination + done, chunk, chunk);
            done += chunk;
        }
    }

    /// <summary>Records a buffer-to-buffer copy of several regions.</summary>
    public void Copy(VulkanBuffer source, VulkanBuffer destination, ReadOnlySpan<BufferCopy> regions)
    {
        if (regions.IsEmpty) return;
        Hazard([source], [destination]);
        fixed (BufferCopy* r = regions) _context.Api.CmdCopyBuffer(_commands, source.Handle, destination.Handle, (uint)regions.Length, r);
        MarkPending();
    }

    private void Copy(VulkanBuffer source, long sourceOffset, VulkanBuffer destination, long destinationOffset, long bytes)
    {
        var region = new BufferCopy((ulong)sourceOffset, (ulong)destinationOffset, (ulong)bytes);
        Copy(source, destination, new ReadOnlySpan<BufferCopy>(&region, 1));
    }

    /// <summary>Records zero-filling of a whole buffer.</summary>
    public void Zero(VulkanBuffer buffer)
    {
        Hazard([], [buffer]);
        _context.Api.CmdFillBuffer(_commands, buffer.Handle, 0, Vk.WholeSize, 0);
        MarkPending();
    }

    /// <summary>Records one dispatch of <paramref name="shader"/> with <paramref name="parameters"/> as push constants.</summary>
    public void Dispatch<T>(string shader, in T parameters, uint x, uint y, ReadOnlySpan<VulkanBuffer> reads, ReadOnlySpan<VulkanBuffer> writes)
        where T : unmanaged
    {
        if (sizeof(T) > VulkanPipelines.PushConstantBytes) throw new InvalidOperationException($"{shader}: push constants exceed {VulkanPipelines.PushConstantBytes} bytes");
        if (x == 0 || y == 0) return;
        Hazard(reads, writes);
        var api = _context.Api;
        api.CmdBindPipeline(_commands, PipelineBindPoint.Compute, _pipelines.Get(shader));
        fixed (T* p = &parameters) api.CmdPushConstants(_commands, _pipelines.Layout, ShaderStageFlags.ComputeBit, 0, (uint)sizeof(T), p);
        api.CmdDispatch(_commands, x, y, 1);
        Dispatches++;
        MarkPending();
    }

    /// <summary>Destroys <paramref name="buffer"/> once no recorded command can still use it.</summary>
    public void Release(VulkanBuffer buffer)
    {
        // Tensors may be disposed from any thread; the list is guarded on its own, not by the backend's op lock.
        lock (_deferred)
        {
            if (_pending)
            {
                _deferred.Add(buffer);
                return;
            }
        }
        buffer.Dispose();
    }

    /// <summary>Submits what was recorded and waits for it; the arena is free again afterwards.</summary>
    public void Flush()
    {
        if (!_pending)
        {
            _arenaUsed = 0;
            return;
        }
        var api = _context.Api;
        var toHost = new MemoryBarrier
        {
            SType = StructureType.MemoryBarrier,
            SrcAccessMask = AccessFlags.ShaderWriteBit | AccessFlags.TransferWriteBit,
            DstAccessMask = AccessFlags.HostReadBit,
        };
        api.CmdPipelineBarrier(_commands, PipelineStageFlags.ComputeShaderBit | PipelineStageFlags.TransferBit, PipelineStageFlags.HostBit, 0, 1, &toHost, 0, null, 0, null);
        VulkanInstance.Check(api.EndCommandBuffer(_commands), "vkEndCommandBuffer");
        var commands = _commands;
        var submit = new SubmitInfo { SType = StructureType.SubmitInfo, CommandBufferCount = 1, PCommandBuffers = &commands };
        var fence = _fence;
        VulkanInstance.Check(api.QueueSubmit(_context.Queue, 1, &submit, fence), "vkQueueSubmit");
        VulkanInstance.Check(api.WaitForFences(_context.Device, 1, &fence, true, ulong.MaxValue), "vkWaitForFences");
        VulkanInstance.Check(api.ResetFences(_context.Device, 1, &fence), "vkResetFences");
        Submissions++;
        _arenaUsed = 0;
        _written.Clear();
        _read.Clear();
        VulkanBuffer[] done;
        lock (_deferred)
        {
            _pending = false;
            done = [.. _deferred];
            _deferred.Clear();
        }
        foreach (var b in done) b.Dispose();
        VulkanInstance.Check(api.ResetCommandBuffer(_commands, 0), "vkResetCommandBuffer");
        Begin();
    }

    private void MarkPending()
    {
        lock (_deferred) _pending = true;
    }

    private void Begin()
    {
        var info = new CommandBufferBeginInfo { SType = StructureType.CommandBufferBeginInfo, Flags = CommandBufferUsageFlags.OneTimeSubmitBit };
        VulkanInstance.Check(_context.Api.BeginCommandBuffer(_commands, &info), "vkBeginCommandBuffer");
    }

    /// <summary>Inserts a barrier when this op reads or writes what the batch wrote since the last one, or writes what it read.</summary>
    private void Hazard(ReadOnlySpan<VulkanBuffer> reads, ReadOnlySpan<VulkanBuffer> writes)
    {
        var conflict = false;
        foreach (var r in reads) conflict |= _written.Contains(r);
        foreach (var w in writes) conflict |= _written.Contains(w) || _read.Contains(w);
        if (conflict)
        {
            var barrier = new MemoryBarrier
            {
                SType = StructureType.MemoryBarrier,
                SrcAccessMask = AccessFlags.ShaderWriteBit | AccessFlags.TransferWriteBit | AccessFlags.ShaderReadBit | AccessFlags.TransferReadBit,
                DstAccessMask = AccessFlags.ShaderReadBit | AccessFlags.ShaderWriteBit | AccessFlags.TransferReadBit | AccessFlags.TransferWriteBit,
            };
            var stages = PipelineStageFlags.ComputeShaderBit | PipelineStageFlags.TransferBit;
            _context.Api.CmdPipelineBarrier(_commands, stages, stages, 0, 1, &barrier, 0, null, 0, null);
            Barriers++;
            _written.Clear();
            _read.Clear();
        }
        foreach (var r in reads) _read.Add(r);
        foreach (var w in writes) _written.Add(w);
    }

    public void Dispose()
    {
        if (_pending) Flush();
        var api = _context.Api;
        api.DestroyFence(_context.Device, _fence, null);
        api.DestroyCommandPool(_context.Device, _pool, null);
        _arena.Dispose();
    }
}
