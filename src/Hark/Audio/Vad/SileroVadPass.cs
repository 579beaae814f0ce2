namespace Hark.Audio.Vad;

/// <summary>
/// One recording's pass through <see cref="SileroVadNetwork"/>: frames are queued with their 64 samples of context
/// (the last 64 samples the previous frame was fed, its zero padding included, as Silero's reference does), encoded a
/// block at a time, then stepped through the LSTM cell in order. Allocates nothing after construction when
/// <c>threads</c> is 1. Not thread-safe.
/// </summary>
internal sealed unsafe class SileroVadPass
{
    private const int Hidden = SileroVadWeights.Hidden;
    private const int Context = SileroVadNetwork.Context;
    private const int Frame = SpeechTimestamps.FrameSamples;
    private readonly SileroVadNetwork _network;
    private readonly SileroVadWorkspace _ws;
    private readonly int _threads;
    private readonly float[] _state = GC.AllocateArray<float>(2 * Hidden + 4 * Hidden, pinned: true); // h, c, gates
    private readonly float[] _context = new float[Context];

    public SileroVadPass(SileroVadNetwork network, int blockFrames, int threads)
    {
        _network = network;
        _ws = new SileroVadWorkspace(blockFrames, network.CreateStft());
        _threads = threads;
    }

    /// <summary>Frames a block holds.</summary>
    public int Capacity => _ws.Capacity;

    /// <summary>Frames queued and not yet run.</summary>
    public int Pending { get; private set; }

    /// <summary>Bytes of buffers this pass holds.</summary>
    public long ByteSize => _ws.ByteSize + (_state.Length + _context.Length) * sizeof(float);

    /// <summary>Queues the next frame: 512 samples, or fewer for the last one (zero-padded).</summary>
    public void Add(ReadOnlySpan<float> frame)
    {
        if (frame.Length > Frame)
            throw new ArgumentException($"a frame is at most {Frame} samples, got {frame.Length}", nameof(frame));
        if (Pending == Capacity) throw new InvalidOperationException("the block is full; run it first");
        var input = new Span<float>(_ws.Input + (long)Pending * SileroVadNetwork.Input, SileroVadNetwork.Input);
        _context.CopyTo(input);
        var samples = input[Context..];
        frame.CopyTo(samples);
        samples[frame.Length..].Clear();
        input[^Context..].CopyTo(_context);
        Pending++;
    }

    /// <summary>Runs the queued frames and writes their speech probabilities.</summary>
    public void Run(Span<float> probabilities)
    {
        if (probabilities.Length != Pending)
            throw new ArgumentException($"{Pending} frames are queued, {probabilities.Length} probabilities asked", nameof(probabilities));
        if (Pending == 0) return;
        _network.Encode(_ws, Pending, _threads);
        fixed (float* state = _state)
        {
            for (var f = 0; f < Pending; f++)
                probabilities[f] = _network.Step(_ws.Gates + (long)f * 4 * Hidden, state, state + Hidden, state + 2 * Hidden);
        }
        Pending = 0;
    }

    /// <summary>Back to the start of a recording: zero state and context, nothing queued.</summary>
    public void Reset()
    {
        Array.Clear(_state);
        Array.Clear(_context);
        Pending = 0;
    }
}
