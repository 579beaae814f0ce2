namespace Hark.Checkpoints;

/// <summary>Name, element type and shape of one stored tensor.</summary>
/// <param name="Name">Canonical name (Hugging Face Whisper naming without the <c>model.</c> prefix).</param>
/// <param name="DType">Element type as stored.</param>
/// <param name="Shape">Dimensions, outermost first.</param>
public sealed record TensorInfo(string Name, DType DType, IReadOnlyList<long> Shape)
{
    /// <summary>Number of elements (product of <see cref="Shape"/>).</summary>
    public long ElementCount
    {
        get
        {
            long n = 1;
            foreach (var d in Shape) n = checked(n * d);
            return n;
        }
    }

    /// <summary>Bytes the tensor occupies as stored.</summary>
    public long ByteCount => checked(ElementCount * DType.SizeInBytes());

    /// <summary>Shape written as <c>[a, b]</c> for messages.</summary>
    public string ShapeText => "[" + string.Join(", ", Shape) + "]";
}
