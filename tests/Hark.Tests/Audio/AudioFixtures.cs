using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text;

namespace Hark.Tests.Audio;

/// <summary>Readers for the raw float32 reference files and openai's <c>mel_filters.npz</c>.</summary>
internal static class AudioFixtures
{
    public static float[] ReadF32(string relative)
    {
        var bytes = File.ReadAllBytes(Path.IsPathRooted(relative) ? relative : Fixtures.Path(relative));
        return MemoryMarshal.Cast<byte, float>(bytes).ToArray();
    }

    /// <summary>One float32 array from a numpy .npz (zip of .npy, version 1/2 header, little-endian, C order).</summary>
    public static float[] ReadNpz(string relative, string name)
    {
        using var zip = ZipFile.OpenRead(Fixtures.Path(relative));
        var entry = zip.GetEntry(name + ".npy") ?? throw new InvalidOperationException($"{name}.npy not in {relative}");
        using var s = entry.Open();
        using var ms = new MemoryStream();
        s.CopyTo(ms);
        var npy = ms.ToArray();
        int major = npy[6];
        var headerLength = major == 1 ? BitConverter.ToUInt16(npy, 8) : (int)BitConverter.ToUInt32(npy, 8);
        var dataStart = (major == 1 ? 10 : 12) + headerLength;
        var header = Encoding.ASCII.GetString(npy, major == 1 ? 10 : 12, headerLength);
        Assert.Contains("'<f4'", header);
        Assert.Contains("'fortran_order': False", header);
        return MemoryMarshal.Cast<byte, float>(npy.AsSpan(dataStart)).ToArray();
    }

    public static float MaxAbsDiff(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Assert.Equal(a.Length, b.Length);
        var max = 0f;
        for (var i = 0; i < a.Length; i++) max = Math.Max(max, Math.Abs(a[i] - b[i]));
        return max;
    }
}
