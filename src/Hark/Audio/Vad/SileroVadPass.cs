using System.Runtime.CompilerServices;

namespace Hark.Audio.Vad;

/// <summary>
/// One recording's pass through <see cref="SileroVadNetwork"/>. Frames are queued with their 64 samples of context (the
/// last 64 samples the previous frame was fed, its zero padding included, as Silero's reference does) and encoded a
/// block at a time, then stepped through the LSTM cell in order; probabilities are appended to <see cref="Output"/>.
/// On several threads the block is encoded in slices of frames shared out dynamically, and while the calling thread
/// steps one block through the cell the others already encode the next (two workspaces). Every frame is computed the
/// same way whichever thread takes it, so the thread count never changes a result. With one thread nothing is
/// allocated after construction. Not thread-safe.
/// </summary>
internal sealed unsafe class SileroVadPass
{
    private const int Hidden = SileroVadWeights.Hidden;
    private const int Context = SileroVadNetwork.Context;
    private const int Frame = SpeechTimestamps.FrameSamples;

    /// <summary>Frames per slice of a block's encoding: the unit the threads share out.</summary>
    private const int SliceFrames = 32;

    private readonly SileroVadNetwork _network;
    private readonly SileroVadWorkspace[] _ws;
    private readonly SileroVadStft[] _stft; // one per thread
    private readonly float[] _state = GC.AllocateArray<float>(2 * Hidden + 4 * Hidden, pinned: true); // h, c, gates
    private readonly float[] _context = new float[Context];
    private int _filling; // workspace being filled
    private int _encoded = -1; // workspace encoded and not yet stepped, or -1
    private int _encodedFrames;
    private int _nextSlice;

    public SileroVadPass(SileroVadNetwork network, int blockFrames, int threads)
    {
        _network = network;
        threads = Math.Max(1, threads);
        _ws = threads == 1 ? [new SileroVadWorkspace(blockFrames)] : [new SileroVadWorkspace(blockFrames), new SileroVadWorkspace(blockFrames)];
        _stft = new SileroVadStft[threads];
        for (var i = 0; i < threads; i++) _stft[i] = network.CreateStft();
        Output = new List<float>(blockFrames);
    }

    /// <summary>Frames a block holds.</summary>
    public int Capacity => _ws[0].Capacity;

    /// <summary>Frames queued in the block being filled.</summary>
    public int Pending { get; private set; }

    /// <summary>Probabilities of the frames stepped so far, in order (the caller may take and clear them).</summary>
    public List<float> Output { get; }

    /// <summary>Queues the next frame: 512 samples, or fewer for the last one (zero-padded). A full block is encoded
    /// (and the one before it stepped) at once.</summary>
    public void Add(ReadOnlySpan<float> frame)
    {
        if (frame.Length > Frame)
            throw new ArgumentException($"a frame is at most {Frame} samples, got {frame.Length}", nameof(frame));
        var input = new Span<float>(_ws[_filling].Input + (long)Pending * SileroVadNetwork.Input, SileroVadNetwork.Input);
        _context.CopyTo(input);
        var samples = input[Context..];
        frame.CopyTo(samples);
        samples[frame.Length..].Clear();
        input[^Context..].CopyTo(_context);
        if (++Pending == Capacity) Submit();
    }

    /// <summary>Runs everything queued: afterwards <see cref="Output"/> holds a probability for every frame added.</summary>
    public void Complete()
    {
        if (Pending > 0) Submit();
        if (_encoded >= 0) StepEncoded();
    }

    /// <summary>Back to the start of a recording: zero state and context, nothing queued.</summary>
    public void Reset()
    {
        Array.Clear(_state);
        Array.Clear(_context);
        Pending = 0;
        _filling = 0;
        _encoded = -1;
        Output.Clear();
    }

    private void Submit()
    {
        var ws = _ws[_filling];
        var frames = Pending;
        var slices = (frames + SliceFrames - 1) / SliceFrames;
        _nextSlice = 0;
        if (_stft.Length == 1 || slices == 1)
        {
            if (_encoded >= 0) StepEncoded();
            EncodeSlices(ws, frames, slices, 0);
        }
        else
        {
            EncodeWhileStepping(ws, frames, slices);
        }
        Pending = 0;
        if (_ws.Length == 1)
        {
            _encoded = 0;
            _encodedFrames = frames;
            StepEncoded();
        }
        else
        {
            _encoded = _filling;
            _encodedFrames = frames;
            _filling ^= 1;
        }
    }

    /// <summary>Encodes a block on every thread, the calling one first stepping the previous block (apart from
    /// <see cref="Submit"/> so that the one-thread path does not allocate the lambdas' closure).</summary>
    private void EncodeWhileStepping(SileroVadWorkspace ws, int frames, int slices)
    {
        var helpers = new Task[Math.Min(_stft.Length - 1, slices)];
        for (var i = 0; i < helpers.Length; i++)
        {
            var executor = i + 1;
            helpers[i] = Task.Run(() => EncodeSlices(ws, frames, slices, executor));
        }
        if (_encoded >= 0) StepEncoded();
        EncodeSlices(ws, frames, slices, 0);
        Task.WaitAll(helpers);
    }

    /// <summary>Takes slices until none is left; <paramref name="executor"/> picks the STFT scratch.</summary>
    private void EncodeSlices(SileroVadWorkspace ws, int frames, int slices, int executor)
    {
        int slice;
        while ((slice = Interlocked.Increment(ref _nextSlice) - 1) < slices)
        {
            var from = slice * SliceFrames;
            _network.Encode(ws, from, Math.Min(SliceFrames, frames - from), _stft[executor]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void StepEncoded()
    {
        var gates = _ws[_encoded].Gates;
        fixed (float* state = _state)
        {
            for (var f = 0; f < _encodedFrames; f++)
                Output.Add(_network.Step(gates + (long)f * 4 * Hidden, state, state + Hidden, state + 2 * Hidden));
        }
        _encoded = -1;
    }
}
