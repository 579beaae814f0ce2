namespace Hark.Checkpoints;

/// <summary>The legacy storage classes <c>torch.save</c> names in persistent ids, and their dtypes.</summary>
internal static class TorchStorageTypes
{
    private static readonly (string Name, DType DType)[] All =
    [
        ("FloatStorage", DType.F32), ("HalfStorage", DType.F16), ("BFloat16Storage", DType.BF16),
        ("DoubleStorage", DType.F64), ("CharStorage", DType.I8), ("ByteStorage", DType.U8),
        ("ShortStorage", DType.I16), ("IntStorage", DType.I32), ("LongStorage", DType.I64), ("BoolStorage", DType.Bool),
    ];

    /// <summary>The dtype of <c>torch.{name}</c>, if it is a storage class.</summary>
    public static bool TryGetDType(string name, out DType dtype)
    {
        foreach (var (n, t) in All)
        {
            if (n == name)
            {
                dtype = t;
                return true;
            }
        }
        dtype = default;
        return false;
    }

    /// <summary>The class name for a dtype (<c>FloatStorage</c> for F32).</summary>
    public static string NameOf(DType dtype)
    {
        foreach (var (n, t) in All)
        {
            if (t == dtype) return n;
        }
        throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "no torch storage class");
    }
}
