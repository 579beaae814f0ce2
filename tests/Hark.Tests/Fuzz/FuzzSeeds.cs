using System.Buffers.Binary;
using Hark.Checkpoints;
using Hark.Conversion;
using Hark.Conversion.Ct2;
using Hark.Conversion.Ggml;
using Hark.Conversion.Onnx;

namespace Hark.Tests.Fuzz;

/// <summary>
/// Valid inputs of every format, built once per test run from a random-weight <c>test</c> preset model; the fuzz
/// generators spoil copies of them. Nothing binary is committed.
/// </summary>
internal static class FuzzSeeds
{
    private static readonly Lazy<Seeds> Built = new(Build);

    /// <summary>The seed files.</summary>
    public static Seeds Get => Built.Value;

    /// <summary>Paths of the seeds (read-only: cases copy them).</summary>
    internal sealed record Seeds(string Hf, string HfBin, string Ct2, string Ggml, string Onnx, string WavInt16, string WavFloat32);

    /// <summary>How many random mutations each generator adds (<c>HARK_FUZZ_ITERATIONS</c>, default 12).</summary>
    public static int Iterations =>
        int.TryParse(Environment.GetEnvironmentVariable("HARK_FUZZ_ITERATIONS"), out var n) && n > 0 ? n : 12;

    private static Seeds Build()
    {
        var root = Path.Combine(Path.GetTempPath(), "hark-fuzz-seeds-" + Environment.ProcessId);
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        Directory.CreateDirectory(root);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        };
        var hf = HostileKit.WriteHfFolder(root, "hf");
        var hfBin = HostileKit.WriteHfFolder(root, "hfbin", DType.F32, pytorchBin: true);
        using (var checkpoint = WhisperCheckpoint.Open(hf))
        {
            new Ct2Converter().ConvertAsync(checkpoint, Path.Combine(root, "ct2"), new ConversionOptions()).GetAwaiter().GetResult();
            new GgmlConverter().ConvertAsync(checkpoint, Path.Combine(root, "model.ggml.bin"), new ConversionOptions()).GetAwaiter().GetResult();
            OnnxExporter.Export(checkpoint, Path.Combine(root, "onnx"), new OnnxExportOptions());
        }
        var wav16 = Path.Combine(root, "tone16.wav");
        File.WriteAllBytes(wav16, Wav(1, 16, 16000, Tone(8000).SelectMany(s => BitConverter.GetBytes((short)(s * 20000))).ToArray()));
        var wav32 = Path.Combine(root, "tone32.wav");
        File.WriteAllBytes(wav32, Wav(3, 32, 16000, Tone(8000).SelectMany(BitConverter.GetBytes).ToArray()));
        return new Seeds(hf, hfBin, Path.Combine(root, "ct2"), Path.Combine(root, "model.ggml.bin"), Path.Combine(root, "onnx"), wav16, wav32);
    }

    private static IEnumerable<float> Tone(int n) => Enumerable.Range(0, n).Select(i => MathF.Sin(i * 0.1f) * 0.5f);

    /// <summary>A canonical 44-byte-header WAV (format tag 1 = PCM, 3 = IEEE float), mono.</summary>
    public static byte[] Wav(short formatTag, short bits, int rate, byte[] data, short channels = 1)
    {
        var b = new byte[44 + data.Length];
        "RIFF"u8.CopyTo(b);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(4), 36 + data.Length);
        "WAVEfmt "u8.CopyTo(b.AsSpan(8));
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(16), 16);
        BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(20), formatTag);
        BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(22), channels);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(24), rate);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(28), rate * channels * bits / 8);
        BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(32), (short)(channels * bits / 8));
        BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(34), bits);
        "data"u8.CopyTo(b.AsSpan(36));
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(40), data.Length);
        data.CopyTo(b, 44);
        return b;
    }

    /// <summary>Copies a seed folder's files (not sub-folders) into <paramref name="destination"/>.</summary>
    public static string CopyFolder(string seed, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (var f in Directory.EnumerateFiles(seed)) File.Copy(f, Path.Combine(destination, Path.GetFileName(f)));
        return destination;
    }
}
