namespace Hark.Engines.Backends;

/// <summary>
/// One multi-head attention call: <c>softmax(scale · Q Kᵀ + mask) V</c> for every sequence and head.
/// Sequence <c>s</c> owns query rows <c>s·QueriesPerSequence ..</c> of <see cref="Query"/> and reads keys and values
/// from entry <c>KvIndex[s]</c>, i.e. rows <c>KvIndex[s]·KvStride .. + KvLength</c> of <see cref="Keys"/> and
/// <see cref="Values"/> (a KV cache, or the encoder states of one window). Heads are column blocks of width
/// <c>Columns / Heads</c>.
/// </summary>
public ref struct AttentionArgs
{
    /// <summary>Queries <c>[sequences · QueriesPerSequence, d]</c>.</summary>
    public TensorView Query;
    /// <summary>Keys <c>[entries · KvStride, d]</c>.</summary>
    public IDeviceTensor Keys;
    /// <summary>Values, laid out like <see cref="Keys"/>.</summary>
    public IDeviceTensor Values;
    /// <summary>Output <c>[sequences · QueriesPerSequence, d]</c>.</summary>
    public TensorView Output;
    /// <summary>Rows between consecutive entries of <see cref="Keys"/>.</summary>
    public int KvStride;
    /// <summary>Valid keys per entry.</summary>
    public int KvLength;
    /// <summary>Entry each sequence attends to.</summary>
    public ReadOnlySpan<int> KvIndex;
    /// <summary>New query rows per sequence.</summary>
    public int QueriesPerSequence;
    /// <summary>Attention heads.</summary>
    public int Heads;
    /// <summary>Score scale (Whisper: head_dim^-0.5, the product of openai's q and k scales of head_dim^-0.25).</summary>
    public float Scale;
    /// <summary>Causal: query <c>t</c> sits at absolute position <c>KvLength − QueriesPerSequence + t</c> and sees keys up to it.</summary>
    public bool Causal;
    /// <summary>Heads whose probabilities are copied to <see cref="Recorded"/> (alignment heads); empty for none.</summary>
    public ReadOnlySpan<int> RecordHeads;
    /// <summary>
    /// Float32 rows receiving the recorded probabilities, on the backend (so recording needs no host round trip):
    /// row <c>(slot · sequences + s) · QueriesPerSequence + t</c> of the view holds the <c>KvLength</c> probabilities of
    /// head <c>RecordHeads[slot]</c> for query <c>t</c> of sequence <c>s</c> (masked keys as 0); the tensor needs at least
    /// <c>KvLength</c> columns. Unused when <see cref="RecordHeads"/> is empty.
    /// </summary>
    public TensorView Recorded;

    /// <summary>
    /// Checks the call's shapes against the tensors a backend resolved (every backend runs the same rules).
    /// </summary>
    /// <param name="queryColumns">Width of <see cref="Query"/>'s tensor.</param>
    /// <param name="keys">Columns and rows of <see cref="Keys"/>.</param>
    /// <param name="values">Columns and rows of <see cref="Values"/>.</param>
    /// <param name="outputColumns">Width of <see cref="Output"/>'s tensor.</param>
    /// <exception cref="ArgumentException">Widths or row counts disagree, or a KV entry lies outside the keys/values.</exception>
    public readonly void Validate(int queryColumns, (int Columns, long Rows) keys, (int Columns, long Rows) values, int outputColumns)
    {
        if (Heads <= 0 || queryColumns % Heads != 0 || keys.Columns != queryColumns || values.Columns != queryColumns || outputColumns != queryColumns)
            throw new ArgumentException("attention widths disagree");
        if (Query.Rows != KvIndex.Length * QueriesPerSequence || Output.Rows != Query.Rows)
            throw new ArgumentException("attention query rows disagree with sequences × queries per sequence");
        if (Causal && QueriesPerSequence > KvLength) throw new ArgumentException("causal attention needs the new queries' keys in the cache");
        foreach (var e in KvIndex)
        {
            var end = (long)e * KvStride + KvLength;
            if (e < 0 || end > keys.Rows || end > values.Rows)
                throw new ArgumentOutOfRangeException(nameof(keys), "KV entry outside the key tensor");
        }
    }
}
