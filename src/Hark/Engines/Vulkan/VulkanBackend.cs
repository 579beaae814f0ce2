using Hark.Engines.Backends;
using Silk.NET.Vulkan;

namespace Hark.Engines.Vulkan;

/// <summary>
/// A Vulkan compute device as an <see cref="IOpBackend"/>. Tensors live in device-local memory; ops are recorded into
/// one command buffer and submitted when the host needs data back (<see cref="Download"/>), so a decoder step is one
/// submission and the KV caches never leave the device. Weights go up once through a staging arena. Ops are serialised
/// by a lock, like the CPU backend.
/// </summary>
public sealed unsafe partial class VulkanBackend : IOpBackend
{
    private readonly Lock _gate = new();
    private readonly VulkanContext _context;
    private readonly VulkanPipelines _pipelines;
    private readonly VulkanRecorder _recorder;
    private VulkanTensor? _halfScratch;
    private bool _disposed;

    private VulkanBackend(int index, VulkanContext context, VulkanBackendOptions options)
    {
        _context = context;
        if (options.HalfArithmetic == true && !context.Info.Float16)
        {
            context.Dispose();
            throw new HarkInputException($"vulkan:{index} ({context.Info.Name}) has no shader float16 arithmetic; leave half arithmetic off or unset", field: "half-arithmetic");
        }
        HalfArithmetic = options.HalfArithmetic ?? context.Info.Float16;
        Float16Writes = (options.DirectFloat16Writes ?? true) && context.Info.Storage16Bit;
        try
        {
            _pipelines = new VulkanPipelines(context);
            _recorder = new VulkanRecorder(context, _pipelines);
        }
        catch
        {
            _pipelines?.Dispose();
            context.Dispose();
            throw;
        }
        Device = new EngineDevice(DeviceKind.Vulkan, index);
    }

    /// <summary>Opens Vulkan device <paramref name="index"/> (the N of <c>vulkan:N</c>).</summary>
    /// <exception cref="HarkException">No Vulkan loader/driver/device, or the device lacks what the backend needs.</exception>
    /// <exception cref="HarkInputException">No device with that index, or half arithmetic asked of a device without it.</exception>
    public static VulkanBackend Create(int index = 0, VulkanBackendOptions? options = null) =>
        new(index, new VulkanContext(index), options ?? new VulkanBackendOptions());

    /// <summary>Whether GEMMs over float16 weights multiply in float16 (see <see cref="VulkanBackendOptions.HalfArithmetic"/>).</summary>
    public bool HalfArithmetic { get; }

    /// <summary>Whether linear ops write float16 outputs (keys/values) directly through 16-bit storage.</summary>
    internal bool Float16Writes { get; }

    /// <inheritdoc />
    public EngineDevice Device { get; }

    /// <inheritdoc />
    public int Threads => 0;

    /// <summary>The device this backend runs on.</summary>
    public VulkanDeviceInfo DeviceInfo => _context.Info;

    /// <summary>Queue submissions so far (one per decoder step once weights are loaded).</summary>
    public long Submissions => _recorder.Submissions;

    /// <summary>Device-local memory the backend's buffers (weights, activations, caches, scratch) hold now.</summary>
    public long DeviceBytes => _context.DeviceBytes;

    /// <summary>The most <see cref="DeviceBytes"/> has been since creation or <see cref="ResetPeakDeviceBytes"/>: what the memory model estimates, less the driver's own.</summary>
    public long PeakDeviceBytes => _context.PeakDeviceBytes;

    /// <summary>Starts a new <see cref="PeakDeviceBytes"/> at the current use.</summary>
    public void ResetPeakDeviceBytes() => _context.ResetPeak();

    /// <summary>Compute dispatches recorded so far.</summary>
    public long Dispatches => _recorder.Dispatches;

    /// <summary>Pipeline barriers recorded so far.</summary>
    public long Barriers => _recorder.Barriers;

    /// <inheritdoc />
    /// <remarks>float16 tensors pack two values per 32-bit word and need an even column count (Whisper's widths are).</remarks>
    public IDeviceTensor Allocate(int rows, int columns, TensorDType dtype = TensorDType.Float32)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        if (dtype is not (TensorDType.Float32 or TensorDType.Float16))
            throw new ArgumentException($"tensors are float32 or float16, not {dtype}", nameof(dtype));
        if (dtype == TensorDType.Float16 && columns % 2 != 0)
            throw new ArgumentException($"a float16 tensor needs an even column count, got {columns}", nameof(columns));
        var words = VulkanTensor.WordsPerRow(dtype, columns);
        lock (_gate)
        {
            var buffer = _context.CreateBuffer((long)rows * words * 4, hostVisible: false);
            _recorder.Zero(buffer);
            return new VulkanTensor(_recorder, buffer, dtype, rows, columns, words, isWeight: false);
        }
    }

    /// <inheritdoc />
    public void Upload(ReadOnlySpan<float> source, TensorView destination)
    {
        var t = Dense(destination.Tensor);
        if (source.Length != (long)destination.Rows * t.Columns)
            throw new ArgumentException($"{source.Length} values do not fill {destination.Rows}×{t.Columns}", nameof(source));
        lock (_gate)
        {
            fixed (float* s = source) _recorder.Upload((byte*)s, source.Length * 4L, t.Buffer, (long)destination.RowOffset * t.Columns * 4);
        }
    }

    /// <inheritdoc />
    public void Download(TensorView source, Span<float> destination)
    {
        var t = Dense(source.Tensor);
        if (destination.Length != (long)source.Rows * t.Columns)
            throw new ArgumentException($"{destination.Length} values do not hold {source.Rows}×{t.Columns}", nameof(destination));
        lock (_gate)
        {
            fixed (float* d = destination) _recorder.Download(t.Buffer, (long)source.RowOffset * t.Columns * 4, destination.Length * 4L, (byte*)d);
        }
    }

    /// <inheritdoc />
    public void Synchronize()
    {
        lock (_gate) _recorder.Flush();
    }

    /// <inheritdoc />
    public IDeviceTensor CreateLinearWeight(ReadOnlySpan<float> weight, int outFeatures, int inFeatures, TensorDType storage)
    {
        if (weight.Length != (long)outFeatures * inFeatures)
            throw new ArgumentException($"linear: {weight.Length} values do not fill [{outFeatures}, {inFeatures}]", nameof(weight));
        return CreateWeight(weight, outFeatures, inFeatures, storage, $"linear [{outFeatures}, {inFeatures}]");
    }

    /// <inheritdoc />
    public IDeviceTensor CreateConv1dWeight(ReadOnlySpan<float> weight, int outChannels, int inChannels, int kernel, TensorDType storage)
    {
        if (kernel != 3) throw new ArgumentException($"conv1d kernel {kernel} is not supported; expected 3", nameof(kernel));
        var linear = Cpu.WeightPacking.Conv1dAsLinear(weight, outChannels, inChannels, kernel);
        return CreateWeight(linear, outChannels, kernel * inChannels, storage, $"conv1d [{outChannels}, {inChannels}, {kernel}]");
    }

    private VulkanTensor CreateWeight(ReadOnlySpan<float> weight, int rows, int columns, TensorDType storage, string what)
    {
        var bytes = VulkanWeightEncoding.Bytes(storage, rows, columns);
        var host = (byte*)System.Runtime.InteropServices.NativeMemory.Alloc((nuint)bytes);
        try
        {
            VulkanWeightEncoding.Encode(weight, rows, columns, storage, new Span<byte>(host, checked((int)bytes)), what);
            lock (_gate)
            {
                var buffer = _context.CreateBuffer(bytes, hostVisible: false);
                _recorder.Upload(host, bytes, buffer, 0);
                return new VulkanTensor(_recorder, buffer, storage, rows, columns, VulkanTensor.WordsPerRow(storage, columns), isWeight: true);
            }
        }
        finally
        {
            System.Runtime.InteropServices.NativeMemory.Free(host);
        }
    }

    /// <inheritdoc />
    public void CopyRows(IDeviceTensor source, ReadOnlySpan<int> sourceStarts, IDeviceTensor destination, ReadOnlySpan<int> destinationStarts, int rowsPerBlock)
    {
        var s = AnyActivation(source);
        var d = AnyActivation(destination);
        if (s.Columns != d.Columns || s.DType != d.DType || sourceStarts.Length != destinationStarts.Length) throw new ArgumentException("copy shapes disagree");
        if (rowsPerBlock <= 0 || s.Columns == 0) return;
        var regions = sourceStarts.Length <= 64 ? stackalloc BufferCopy[sourceStarts.Length] : new BufferCopy[sourceStarts.Length];
        var rowBytes = (ulong)s.RowWords * 4;
        for (var i = 0; i < sourceStarts.Length; i++)
        {
            if (sourceStarts[i] < 0 || sourceStarts[i] + rowsPerBlock > s.Rows || destinationStarts[i] < 0 || destinationStarts[i] + rowsPerBlock > d.Rows)
                throw new ArgumentOutOfRangeException(nameof(sourceStarts), "row block outside the tensor");
            regions[i] = new BufferCopy((ulong)sourceStarts[i] * rowBytes, (ulong)destinationStarts[i] * rowBytes, (ulong)rowsPerBlock * rowBytes);
        }
        lock (_gate) _recorder.Copy(s.Buffer, d.Buffer, regions);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        lock (_gate)
        {
            _halfScratch?.Dispose();
            _recorder.Dispose();
            _pipelines.Dispose();
            _context.Dispose();
        }
    }

    private static VulkanTensor Dense(IDeviceTensor t) =>
        t is VulkanTensor { IsWeight: false, DType: TensorDType.Float32 } v ? v : throw new ArgumentException($"expected a float32 tensor of the Vulkan backend, got {Describe(t)}");

    /// <summary>A float32 or float16 (key/value) activation.</summary>
    private static VulkanTensor AnyActivation(IDeviceTensor t) =>
        t is VulkanTensor { IsWeight: false } v ? v : throw new ArgumentException($"expected a tensor of the Vulkan backend, got {Describe(t)}");

    private static string Describe(IDeviceTensor? t) => t is VulkanTensor v ? $"a {v.DType} {(v.IsWeight ? "weight" : "tensor")}" : t?.GetType().Name ?? "null";

    private static VulkanTensor Weight(IDeviceTensor t) =>
        t is VulkanTensor { IsWeight: true } v ? v : throw new ArgumentException($"expected a weight created by the Vulkan backend, got {t?.GetType().Name ?? "null"}");

    private static VulkanTensor Vector(IDeviceTensor t, int length)
    {
        var d = Dense(t);
        if ((long)d.Rows * d.Columns != length) throw new ArgumentException($"expected a vector of {length} values, got [{d.Rows}, {d.Columns}]");
        return d;
    }
}
