using System.Buffers.Binary;
using System.Text;
using Hark.Checkpoints;

namespace Hark.Tests.Checkpoints;

/// <summary>Builders of small checkpoint files for tests.</summary>
internal static class CheckpointTestFiles
{
    /// <summary>A safetensors file image: 8-byte length, the header text as given, then <paramref name="data"/>.</summary>
    public static byte[] Safetensors(string header, byte[] data, ulong? claimedLength = null)
    {
        var json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, claimedLength ?? (ulong)json.Length);
        json.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + json.Length);
        return bytes;
    }

    /// <summary>A valid two-tensor safetensors image (a: F32 [2, 3], b: F16 [4]).</summary>
    public static byte[] ValidSafetensors() => Safetensors(
        """{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},"b":{"dtype":"F16","shape":[4],"data_offsets":[24,32]}}""",
        [.. Enumerable.Range(0, 32).Select(i => (byte)i)]);

    /// <summary>Writes <paramref name="bytes"/> to a file in <paramref name="dir"/> and returns its path.</summary>
    public static string Save(TempDir dir, string name, byte[] bytes)
    {
        var path = dir.File(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>A small in-memory tensor set with distinct values.</summary>
    public static InMemoryTensorSource SmallTensors()
    {
        var source = new InMemoryTensorSource();
        source.Add("x.weight", [.. Enumerable.Range(0, 12).Select(i => i * 0.5f - 3f)], 3, 4);
        source.Add("x.bias", [1f, -2f, 3.25f], 3);
        source.Add("scalar", [42f]);
        return source;
    }

    /// <summary>Copies the files of <paramref name="source"/> (not sub-folders) into <paramref name="destination"/>, writable.</summary>
    public static void CopyFiles(string source, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (var file in Directory.EnumerateFiles(source))
            File.WriteAllBytes(System.IO.Path.Combine(destination, System.IO.Path.GetFileName(file)), File.ReadAllBytes(file));
    }
}
