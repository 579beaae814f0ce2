using Microsoft.ML.OnnxRuntime;

namespace Hark.Engines.Onnx;

/// <summary>
/// The alignment heads' cross-attention of an ONNX decoder session, kept in host memory
/// <c>[heads, sequences, maxLength, positions]</c> in the order the session asked for, filled from each step's
/// <see cref="Formats.Onnx.OptimumNames.CrossAttentions"/> output and following beam reorders.
/// </summary>
internal sealed class OnnxAlignmentHistory(int[] exportedIndex, int exportedHeads, int sequences, int maxLength, int positions)
{
    private int _capacity = sequences;
    private float[] _history = new float[(long)exportedIndex.Length * sequences * maxLength * positions];

    /// <summary>Copies a step's output <c>[sequences, exported heads, tokens, positions]</c> to rows <paramref name="start"/>…</summary>
    public void Record(OrtValue value, int sequences, int tokens, int start)
    {
        var shape = value.GetTensorTypeAndShape().Shape;
        if (shape.Length != 4 || shape[0] != sequences || shape[1] != exportedHeads || shape[2] != tokens || shape[3] != positions)
            throw new HarkException($"the decoder's cross_attentions output has shape [{string.Join(", ", shape)}]; expected [{sequences}, {exportedHeads}, {tokens}, {positions}]");
        var row = new float[positions];
        for (var r = 0; r < exportedIndex.Length; r++)
            for (var s = 0; s < sequences; s++)
                for (var t = 0; t < tokens; t++)
                {
                    OnnxValues.ReadFloats(value, (((long)s * exportedHeads + exportedIndex[r]) * tokens + t) * positions, row);
                    row.CopyTo(_history.AsSpan(checked((int)((((long)r * _capacity + s) * maxLength + start + t) * positions)), positions));
                }
    }

    /// <summary>Sequence <c>i</c> continues from what sequence <c>sourceRows[i]</c> held.</summary>
    public void Reorder(ReadOnlySpan<int> sourceRows, int length)
    {
        var capacity = Math.Max(sourceRows.Length, _capacity);
        var next = new float[(long)exportedIndex.Length * capacity * maxLength * positions];
        for (var h = 0; h < exportedIndex.Length; h++)
            for (var i = 0; i < sourceRows.Length; i++)
                Array.Copy(_history, ((long)h * _capacity + sourceRows[i]) * maxLength * positions,
                    next, ((long)h * capacity + i) * maxLength * positions, (long)length * positions);
        _history = next;
        _capacity = capacity;
    }

    /// <summary><c>[heads, sequences, length, positions]</c>.</summary>
    public float[] Snapshot(int sequences, int length)
    {
        var result = new float[(long)exportedIndex.Length * sequences * length * positions];
        for (var h = 0; h < exportedIndex.Length; h++)
            for (var s = 0; s < sequences; s++)
                Array.Copy(_history, ((long)h * _capacity + s) * maxLength * positions, result, ((long)h * sequences + s) * length * positions, (long)length * positions);
        return result;
    }
}
