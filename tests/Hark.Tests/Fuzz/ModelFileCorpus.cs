using System.Buffers.Binary;
using Hark.Formats.Onnx.Proto;
using Google.Protobuf;
using static Hark.Tests.Fuzz.FuzzCase;

namespace Hark.Tests.Fuzz;

/// <summary>Hostile converted models as <c>inspect</c> meets them: CTranslate2 model.bin, whisper.cpp files, ONNX folders.</summary>
internal static class ModelFileCorpus
{
    private static FuzzCase InspectFile(string reader, string name, string seed, Action<string> spoil, int[]? codes = null) =>
        new(reader, name, dir =>
        {
            var path = Path.Combine(dir, Path.GetFileName(seed));
            File.Copy(seed, path);
            spoil(path);
            return ["inspect", path];
        }, codes ?? Refused);

    private static byte[] U32(uint v)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, v);
        return b;
    }

    private static byte[] U16(ushort v)
    {
        var b = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(b, v);
        return b;
    }

    /// <summary>Offsets in a CTranslate2 model.bin: spec name length, revision, count, first variable's name length, rank, dtype.</summary>
    private static (int Spec, int Revision, int Count, int Name, int Rank, int DType, int Bytes) Ct2Layout(byte[] f)
    {
        var specLen = BinaryPrimitives.ReadUInt16LittleEndian(f.AsSpan(4));
        var revision = 6 + specLen;
        var name = revision + 8;
        var nameLen = BinaryPrimitives.ReadUInt16LittleEndian(f.AsSpan(name));
        var rank = name + 2 + nameLen;
        var dtype = rank + 1 + 4 * f[rank];
        return (4, revision, revision + 4, name, rank, dtype, dtype + 1);
    }

    /// <summary>CTranslate2 model.bin: versions, string lengths (0, 0xFFFF), ranks, dtypes, sizes, truncation, random flips.</summary>
    public static IEnumerable<FuzzCase> Ct2()
    {
        var seed = Path.Combine(FuzzSeeds.Get.Ct2, "model.bin");
        var l = Ct2Layout(File.ReadAllBytes(seed));
        (string, int, byte[])[] patches =
        [
            ("version 99", 0, U32(99)), ("version 0", 0, U32(0)), ("spec name length 0", l.Spec, U16(0)), ("spec name length 0xFFFF", l.Spec, U16(0xFFFF)),
            ("variable count 2^32-1", l.Count, U32(uint.MaxValue)), ("name length 0", l.Name, U16(0)), ("name length 0xFFFF", l.Name, U16(0xFFFF)),
            ("rank 255", l.Rank, [255]), ("dtype 99", l.DType, [99]), ("payload size 2^32-1", l.Bytes, U32(uint.MaxValue)),
            ("payload size 0", l.Bytes, U32(0)), ("ANSI in the spec name", l.Spec + 2, "\u001b[2J"u8.ToArray()),
            ("name without NUL", l.Rank - 1, [(byte)'x']),
        ];
        foreach (var (name, offset, bytes) in patches)
            yield return InspectFile("ct2", name, seed, p => Patch(p, offset, bytes), name.StartsWith("ANSI", StringComparison.Ordinal) ? ZeroOrRefused : Refused);
        foreach (var cut in new[] { 0, 3, 5, l.Revision + 2, l.Name + 1, l.Rank, l.Bytes + 2, l.Bytes + 100 })
            yield return InspectFile("ct2", $"cut at {cut}", seed, p => Truncate(p, cut));
        for (var i = 0; i < FuzzSeeds.Iterations; i++)
        {
            var s = i;
            yield return InspectFile("ct2", $"random flips #{s}", seed, p => FlipBytes(p, new Random(s), 1 + s % 4, 0, 2048), ZeroOrRefused);
        }
    }

    private static readonly string[] GgmlFields =
        ["n_vocab", "n_audio_ctx", "n_audio_state", "n_audio_head", "n_audio_layer", "n_text_ctx", "n_text_state", "n_text_head", "n_text_layer", "n_mels", "ftype"];

    /// <summary>whisper.cpp files: every hyper-parameter at −1, 0 and 10⁹, ftype 77, filter and vocabulary sizes, truncation, flips.</summary>
    public static IEnumerable<FuzzCase> Ggml()
    {
        var seed = FuzzSeeds.Get.Ggml;
        for (var i = 0; i < GgmlFields.Length; i++)
        {
            var offset = 4 + 4 * i;
            foreach (var value in new[] { -1, 1_000_000_000 } .Concat(i == 10 ? [77] : [0]))
                yield return InspectFile("ggml", $"{GgmlFields[i]} = {value}", seed, p => Patch(p, offset, U32((uint)value)));
        }
        const int Mels = 48, Fft = 52, Filters = 56;
        yield return InspectFile("ggml", "filter n_mel 100000", seed, p => Patch(p, Mels, U32(100_000)));
        yield return InspectFile("ggml", "filter n_fft -1", seed, p => Patch(p, Fft, U32(uint.MaxValue)));
        var f = File.ReadAllBytes(seed);
        var vocab = Filters + 4 * BinaryPrimitives.ReadInt32LittleEndian(f.AsSpan(Mels)) * BinaryPrimitives.ReadInt32LittleEndian(f.AsSpan(Fft));
        yield return InspectFile("ggml", "token count -1", seed, p => Patch(p, vocab, U32(uint.MaxValue)));
        yield return InspectFile("ggml", "token count 0", seed, p => Patch(p, vocab, U32(0)));
        yield return InspectFile("ggml", "first token length -1", seed, p => Patch(p, vocab + 4, U32(uint.MaxValue)));
        yield return InspectFile("ggml", "first token length 10^6", seed, p => Patch(p, vocab + 4, U32(1_000_000)));
        foreach (var cut in new[] { 2, 20, Mels + 2, Filters + 100, vocab + 2, vocab + 1000, f.Length - 10 })
            yield return InspectFile("ggml", $"cut at {cut}", seed, p => Truncate(p, cut));
        for (var i = 0; i < FuzzSeeds.Iterations; i++)
        {
            var s = i;
            yield return InspectFile("ggml", $"random flips #{s}", seed, p => FlipBytes(p, new Random(s), 1 + s % 4, 0, 256), ZeroOrRefused);
        }
    }

    private static FuzzCase InspectOnnx(string name, Action<string> spoil) =>
        new("onnx", name, dir => ["inspect", SpoiledModel(dir, FuzzSeeds.Get.Onnx, spoil)], Refused);

    /// <summary>ONNX folders: empty, garbage, truncated or missing graphs, and graphs without Optimum's names.</summary>
    public static IEnumerable<FuzzCase> Onnx()
    {
        foreach (var file in new[] { "encoder_model.onnx", "decoder_model_merged.onnx" })
        {
            yield return InspectOnnx($"{file} empty", d => File.WriteAllBytes(Path.Combine(d, file), []));
            yield return InspectOnnx($"{file} garbage", d => File.WriteAllText(Path.Combine(d, file), "\u001b[31mnot a model"));
            yield return InspectOnnx($"{file} cut in half", d => Truncate(Path.Combine(d, file), new FileInfo(Path.Combine(d, file)).Length / 2));
            yield return InspectOnnx($"{file} without Optimum's names", d => File.WriteAllBytes(Path.Combine(d, file), OneNodeModel()));
        }
        yield return InspectOnnx("encoder missing", d => File.Delete(Path.Combine(d, "encoder_model.onnx")));
        yield return InspectOnnx("every decoder missing", d =>
        {
            foreach (var f in Directory.EnumerateFiles(d, "decoder*.onnx")) File.Delete(f);
        });
        foreach (var marker in new[] { "garbage", "[1]", "{\"precision\": 5}" })
        {
            yield return new FuzzCase("onnx", $"hark_onnx.json {marker}", dir =>
            {
                var folder = SpoiledModel(dir, FuzzSeeds.Get.Onnx, d => File.WriteAllText(Path.Combine(d, "hark_onnx.json"), marker));
                return ["transcribe", FuzzSeeds.Get.WavInt16, "--model", folder, "--engine", "onnx", "--output-dir", Path.Combine(dir, "out")];
            }, Refused);
        }
    }

    /// <summary>A valid ONNX model (one Identity node) whose input and output names are not Whisper's.</summary>
    private static byte[] OneNodeModel()
    {
        var graph = new GraphProto { Name = "g" };
        graph.Node.Add(new NodeProto { OpType = "Identity", Input = { "x" }, Output = { "y" } });
        graph.Input.Add(new ValueInfoProto { Name = "x" });
        graph.Output.Add(new ValueInfoProto { Name = "y" });
        var model = new ModelProto { IrVersion = 8, Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Version = 17 });
        return model.ToByteArray();
    }
}
