namespace Hark.Audio.Vad;

/// <summary>
/// Buffers for encoding a block of up to <see cref="Capacity"/> frames (about 16 KB per frame), allocated once on the
/// pinned heap so a block allocates nothing and the products can take pointers.
/// </summary>
internal sealed unsafe class SileroVadWorkspace
{
    private const int Steps = SileroVadNetwork.Steps;
    private readonly List<float[]> _arrays = [];

    public SileroVadWorkspace(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        Input = Allocate(capacity * SileroVadNetwork.Input);
        Magnitude = Allocate(capacity * Steps * SileroVadWeights.Bins);
        Columns = Allocate(capacity * ColumnsPerFrame);
        Conv0 = Allocate(capacity * Steps * 128);
        Conv1 = Allocate(capacity * (Steps / 2) * 64);
        Conv2 = Allocate(capacity * 64);
        Features = Allocate(capacity * SileroVadWeights.Hidden);
        Gates = Allocate(capacity * 4 * SileroVadWeights.Hidden);
    }

    /// <summary>im2col floats per frame: the widest layer's, the first convolution's (4 rows of 3 × 129).</summary>
    public const int ColumnsPerFrame = Steps * 3 * SileroVadWeights.Bins;

    /// <summary>Frames a block holds.</summary>
    public int Capacity { get; }

    /// <summary>Per frame: 64 samples of context, then the 512 samples (zero-padded when short).</summary>
    public float* Input { get; }

    /// <summary>STFT magnitude, 4 × 129 per frame.</summary>
    public float* Magnitude { get; }

    /// <summary>im2col rows of the convolution being computed.</summary>
    public float* Columns { get; }

    /// <summary>First convolution's output, 4 × 128 per frame.</summary>
    public float* Conv0 { get; }

    /// <summary>Second convolution's output, 2 × 64 per frame.</summary>
    public float* Conv1 { get; }

    /// <summary>Third convolution's output, 64 per frame.</summary>
    public float* Conv2 { get; }

    /// <summary>Encoder output, 128 per frame.</summary>
    public float* Features { get; }

    /// <summary>LSTM input gates, 512 per frame.</summary>
    public float* Gates { get; }

    private float* Allocate(int floats)
    {
        // Pinned-heap arrays live as long as this object; the pointers stay valid without a handle.
        var array = GC.AllocateArray<float>(floats, pinned: true);
        _arrays.Add(array);
        return (float*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(array));
    }

}
