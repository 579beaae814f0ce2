using System.IO.Compression;

namespace Hark.Checkpoints;

/// <summary>Turns an unpickled state dict into validated tensors over zip storage records.</summary>
internal static class TorchStateDict
{
    /// <summary>
    /// Maps every tensor of <paramref name="root"/> (a dict of name → tensor, or one wrapped under <c>state_dict</c>)
    /// to its storage record, checking dtype size, contiguity and bounds. Non-tensor values are skipped.
    /// </summary>
    public static Dictionary<string, (TensorInfo, PyTensor, ZipArchiveEntry)> Resolve(
        object root, IReadOnlyDictionary<string, ZipArchiveEntry> storages, string path)
    {
        if (root is PyDict wrapper && wrapper.Get("state_dict") is PyDict inner) root = inner;
        if (root is not PyDict dict)
            throw new CheckpointFormatException("data.pkl does not hold a dict of tensors (a state dict)", path, "data.pkl");
        var result = new Dictionary<string, (TensorInfo, PyTensor, ZipArchiveEntry)>(StringComparer.Ordinal);
        foreach (var (key, value) in dict.Items)
        {
            if (value is not PyTensor tensor) continue;
            if (key is not string name) throw new CheckpointFormatException($"state dict key {key} is not a string", path, "data.pkl");
            var storage = tensor.Storage;
            if (!storages.TryGetValue(storage.Key, out var entry))
                throw new CheckpointFormatException($"storage record 'data/{storage.Key}' is missing from the archive", path, name);
            var size = storage.DType.SizeInBytes();
            if (storage.ElementCount > long.MaxValue / size || entry.Length != storage.ElementCount * size)
                throw new CheckpointFormatException(
                    $"storage 'data/{storage.Key}' should hold {storage.ElementCount} × {size} bytes, the record holds {entry.Length}", path, name);
            var info = new TensorInfo(name, storage.DType, tensor.Shape);
            long count;
            try
            {
                count = info.ElementCount;
                _ = info.ByteCount;
            }
            catch (OverflowException)
            {
                throw new CheckpointFormatException($"shape {info.ShapeText} is too large", path, name);
            }
            if (count > 0 && !IsContiguous(tensor.Shape, tensor.Stride))
                throw new CheckpointFormatException(
                    $"tensor is not contiguous (shape {info.ShapeText}, stride [{string.Join(", ", tensor.Stride)}]); save it with .contiguous()", path, name);
            if (tensor.Offset > storage.ElementCount || count > storage.ElementCount - tensor.Offset)
                throw new CheckpointFormatException(
                    $"elements [{tensor.Offset}, {tensor.Offset} + {count}) lie outside storage 'data/{storage.Key}' of {storage.ElementCount}", path, name);
            if (!result.TryAdd(name, (info, tensor, entry)))
                throw new CheckpointFormatException("tensor listed twice in the state dict", path, name);
        }
        return result;
    }

    private static bool IsContiguous(long[] shape, long[] stride)
    {
        long expected = 1;
        for (var i = shape.Length - 1; i >= 0; i--)
        {
            // Dimensions of size 1 may carry any stride.
            if (shape[i] != 1 && stride[i] != expected) return false;
            expected *= shape[i];
        }
        return true;
    }
}
