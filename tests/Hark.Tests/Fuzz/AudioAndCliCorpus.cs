using System.Buffers.Binary;
using static Hark.Tests.Fuzz.FuzzCase;

namespace Hark.Tests.Fuzz;

/// <summary>Hostile WAV files as <c>transcribe</c> meets them, and hostile command lines.</summary>
internal static class AudioAndCliCorpus
{
    private static FuzzCase Transcribe(string name, Func<byte[]> wav) =>
        new("wav", name, dir =>
        {
            var path = Path.Combine(dir, "talk.wav");
            File.WriteAllBytes(path, wav());
            return ["transcribe", path, "--model", FuzzSeeds.Get.Hf, "--output-dir", Path.Combine(dir, "out")];
        }, Refused, "out/talk.txt");

    private static byte[] Seed16() => File.ReadAllBytes(FuzzSeeds.Get.WavInt16);

    private static byte[] With(byte[] wav, int offset, byte[] bytes)
    {
        bytes.CopyTo(wav, offset);
        return wav;
    }

    private static byte[] I32(int v)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(b, v);
        return b;
    }

    private static byte[] I16(short v)
    {
        var b = new byte[2];
        BinaryPrimitives.WriteInt16LittleEndian(b, v);
        return b;
    }

    private static byte[] Floats(params float[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();

    /// <summary>WAV: empty, truncated headers, impossible formats, lying sizes, hostile chunk ids, NaN and infinite samples.</summary>
    public static IEnumerable<FuzzCase> Wav()
    {
        yield return Transcribe("empty file", () => []);
        yield return Transcribe("RIFF only", () => "RIFF"u8.ToArray());
        yield return Transcribe("header cut at 30", () => Seed16()[..30]);
        yield return Transcribe("fmt size 0", () => With(Seed16(), 16, I32(0)));
        yield return Transcribe("fmt size 2^31-1", () => With(Seed16(), 16, I32(int.MaxValue)));
        yield return Transcribe("0 channels", () => With(Seed16(), 22, I16(0)));
        yield return Transcribe("sample rate 0", () => With(Seed16(), 24, I32(0)));
        yield return Transcribe("sample rate -1", () => With(Seed16(), 24, I32(-1)));
        yield return Transcribe("7 bits", () => With(Seed16(), 34, I16(7)));
        yield return Transcribe("0 bits", () => With(Seed16(), 34, I16(0)));
        yield return Transcribe("block align 0", () => With(Seed16(), 32, I16(0)));
        yield return Transcribe("data claims 2^31-1 bytes", () => With(Seed16(), 40, I32(int.MaxValue)));
        yield return Transcribe("ANSI data chunk id", () => With(Seed16(), 36, "\u001b[2J"u8.ToArray()));
        yield return Transcribe("ANSI chunk id with a huge size", () => With(With(Seed16(), 36, "\u001b]0;"u8.ToArray()), 40, I32(int.MaxValue)));
        yield return Transcribe("float32 NaN samples", () => FuzzSeeds.Wav(3, 32, 16000, Floats([.. Enumerable.Repeat(float.NaN, 4000)])));
        yield return Transcribe("float32 one NaN in speech", () => FuzzSeeds.Wav(3, 32, 16000, Floats([.. Enumerable.Range(0, 4000).Select(i => i == 1234 ? float.NaN : 0.1f)])));
        yield return Transcribe("float32 infinities", () => FuzzSeeds.Wav(3, 32, 16000, Floats([.. Enumerable.Repeat(float.PositiveInfinity, 4000)])));
        yield return Transcribe("float64 1e300", () => FuzzSeeds.Wav(3, 64, 16000, [.. Enumerable.Repeat(1e300, 2000).SelectMany(BitConverter.GetBytes)]));
        yield return Transcribe("stereo float32 NaN in one channel", () => FuzzSeeds.Wav(3, 32, 16000, Floats([.. Enumerable.Range(0, 8000).Select(i => i % 2 == 0 ? float.NaN : 0f)]), channels: 2));
    }

    private static FuzzCase Cli(string name, Func<string, string[]> args, int[]? codes = null, string? output = null) =>
        new("cli", name, args, codes ?? Refused, output);

    /// <summary>Command lines: unknown commands and options, missing and wrong paths, outputs that cannot exist, hostile text.</summary>
    public static IEnumerable<FuzzCase> CommandLines()
    {
        var hf = FuzzSeeds.Get.Hf;
        var wav = FuzzSeeds.Get.WavInt16;
        yield return Cli("unknown command", _ => ["frobnicate"]);
        yield return Cli("unknown option", _ => ["inspect", hf, "--frobnicate"]);
        yield return Cli("ANSI unknown command", _ => ["\u001b[31mred"]);
        yield return Cli("convert without --to", d => ["convert", hf, "-o", Path.Combine(d, "o")], output: "o");
        yield return Cli("convert --to xyz", d => ["convert", hf, "--to", "xyz", "-o", Path.Combine(d, "o")], output: "o");
        yield return Cli("convert bogus quantization", d => ["convert", hf, "--to", "ct2", "-q", "int3", "-o", Path.Combine(d, "o")], output: "o");
        yield return Cli("convert missing model", d => ["convert", Path.Combine(d, "nothing"), "--to", "ct2", "-o", Path.Combine(d, "o")], output: "o");
        yield return Cli("convert a file as model", d => ["convert", wav, "--to", "ct2", "-o", Path.Combine(d, "o")], output: "o");
        yield return Cli("convert ANSI model path", d => ["convert", Path.Combine(d, "\u001b[31mx"), "--to", "ct2", "-o", Path.Combine(d, "o")], output: "o");
        yield return Cli("convert output under a file", d => ["convert", hf, "--to", "ggml", "-o", Path.Combine(wav, "sub.bin")]);
        yield return Cli("convert output in /proc", _ => ["convert", hf, "--to", "ggml", "-o", "/proc/hark-fuzz.bin"]);
        yield return Cli("convert output in /sys", _ => ["convert", hf, "--to", "ct2", "-o", "/sys/hark-fuzz"]);
        yield return Cli("convert onto the input", _ => ["convert", hf, "--to", "ct2", "-o", hf, "--force"]);
        yield return Cli("inspect missing path", d => ["inspect", Path.Combine(d, "nothing")]);
        yield return Cli("inspect an empty folder", d => ["inspect", Directory.CreateDirectory(Path.Combine(d, "empty")).FullName]);
        yield return Cli("inspect /dev/zero", _ => ["inspect", "/dev/zero"]);
        yield return Cli("inspect a text file", _ => ["inspect", wav]);
        yield return Cli("transcribe missing audio", d => ["transcribe", Path.Combine(d, "none.wav"), "--model", hf]);
        yield return Cli("transcribe a folder as audio", d => ["transcribe", d, "--model", hf]);
        yield return Cli("transcribe /dev/zero", _ => ["transcribe", "/dev/zero", "--model", hf]);
        yield return Cli("transcribe missing model", d => ["transcribe", wav, "--model", Path.Combine(d, "nothing")]);
        yield return Cli("transcribe a CT2 model", _ => ["transcribe", wav, "--model", FuzzSeeds.Get.Ct2]);
    }
}
