namespace Hark.Engines.Backends;

/// <summary>
/// The ops Whisper's forward pass is written over. Model code (<see cref="Whisper.WhisperEncoder"/>,
/// <see cref="Whisper.WhisperDecoderSession"/>) calls only this interface, so a new device is a new backend, not a new model.
/// Tensors are created by and belong to the backend; activations are float32 row-major matrices, weights may be
/// packed and stored as fp32, fp16, bf16 or int8 with per-row scales. Ops may run concurrently from several threads
/// only if the backend says so; the CPU backend serialises them.
/// </summary>
public interface IOpBackend : IDisposable
{
    /// <summary>Where the ops run.</summary>
    EngineDevice Device { get; }

    /// <summary>Host threads the backend computes with (0 when not applicable).</summary>
    int Threads { get; }

    /// <summary>
    /// A zero-filled tensor <c>[rows, columns]</c>: float32 (every activation), or float16 for compact key/value
    /// storage, which <see cref="Linear"/> (without accumulate), <see cref="CopyRows"/> and <see cref="Attention"/>
    /// (keys and values) accept.
    /// </summary>
    IDeviceTensor Allocate(int rows, int columns, TensorDType dtype = TensorDType.Float32);

    /// <summary>Copies host floats into rows of a float32 tensor (<c>source.Length = view.Rows · Columns</c>).</summary>
    void Upload(ReadOnlySpan<float> source, TensorView destination);

    /// <summary>Copies rows of a float32 tensor to the host.</summary>
    void Download(TensorView source, Span<float> destination);

    /// <summary>
    /// Creates a linear weight <c>[outFeatures, inFeatures]</c> (PyTorch layout) stored as <paramref name="storage"/>;
    /// int8 quantises each output row symmetrically with its own scale.
    /// </summary>
    /// <exception cref="HarkInputException">A weight is NaN or infinite.</exception>
    IDeviceTensor CreateLinearWeight(ReadOnlySpan<float> weight, int outFeatures, int inFeatures, TensorDType storage);

    /// <summary>
    /// Creates a Conv1d weight from PyTorch's <c>[outChannels, inChannels, kernel]</c>, for <see cref="Conv1d"/>.
    /// </summary>
    IDeviceTensor CreateConv1dWeight(ReadOnlySpan<float> weight, int outChannels, int inChannels, int kernel, TensorDType storage);

    /// <summary><c>y = act(x · Wᵀ + bias)</c>, or <c>y += …</c> when <paramref name="accumulate"/> (residual connections).</summary>
    void Linear(TensorView x, IDeviceTensor weight, IDeviceTensor? bias, TensorView y, Activation activation = Activation.None, bool accumulate = false);

    /// <summary>
    /// Conv1d with kernel 3 and padding 1 over time-major input <c>x [T, inChannels]</c>, writing
    /// <c>y [T / stride, outChannels]</c> (rounded up), then <paramref name="activation"/>.
    /// </summary>
    void Conv1d(TensorView x, IDeviceTensor weight, IDeviceTensor bias, TensorView y, int stride, Activation activation);

    /// <summary><c>y = xᵀ</c> (<c>x [r, c]</c> → <c>y [c, r]</c>): channel-major mel to time-major.</summary>
    void Transpose(TensorView x, TensorView y);

    /// <summary>Row-wise LayerNorm with affine parameters (1-row tensors); <paramref name="y"/> may be <paramref name="x"/>.</summary>
    void LayerNorm(TensorView x, IDeviceTensor gamma, IDeviceTensor beta, TensorView y, float epsilon);

    /// <summary>Element-wise GELU (erf form); <paramref name="y"/> may be <paramref name="x"/>.</summary>
    void Gelu(TensorView x, TensorView y);

    /// <summary>Row-wise softmax in place.</summary>
    void Softmax(TensorView x);

    /// <summary><c>y = a + b</c>; any of them may alias.</summary>
    void Add(TensorView a, TensorView b, TensorView y);

    /// <summary>
    /// Embedding lookup: <c>y[i] = table[rows[i]]</c>, or <c>y[i] += …</c> when <paramref name="accumulate"/>.
    /// The table may be a linear weight of any storage (a tied token embedding).
    /// </summary>
    void Gather(IDeviceTensor table, ReadOnlySpan<int> rows, TensorView y, bool accumulate);

    /// <summary>
    /// Copies blocks of <paramref name="rowsPerBlock"/> rows: block <c>i</c> goes from row <c>sourceStarts[i]</c> of
    /// <paramref name="source"/> to row <c>destinationStarts[i]</c> of <paramref name="destination"/> (cache writes, beam reorders,
    /// picking rows). Source and destination must not overlap.
    /// </summary>
    void CopyRows(IDeviceTensor source, ReadOnlySpan<int> sourceStarts, IDeviceTensor destination, ReadOnlySpan<int> destinationStarts, int rowsPerBlock);

    /// <summary>Fused multi-head attention (scaled scores, causal mask, softmax, weighted values).</summary>
    void Attention(in AttentionArgs args);
}
