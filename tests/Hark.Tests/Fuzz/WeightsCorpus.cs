using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using static Hark.Tests.Fuzz.FuzzCase;

namespace Hark.Tests.Fuzz;

/// <summary>Hostile weights: safetensors headers and data, torch zip archives and their pickles.</summary>
internal static class WeightsCorpus
{
    private const string Safetensors = "model.safetensors";
    private const string Bin = "pytorch_model.bin";

    private static FuzzCase Inspect(string reader, string name, string seed, Action<string> spoil, int[]? codes = null) =>
        new(reader, name, dir => ["inspect", SpoiledModel(dir, seed, spoil)], codes ?? Refused);

    private static FuzzCase ConvertGgml(string reader, string name, string seed, Action<string> spoil, int[]? codes = null) =>
        new(reader, name + " (→ ggml)", dir => ["convert", SpoiledModel(dir, seed, spoil), "--to", "ggml", "-o", Path.Combine(dir, "out.bin")],
            codes ?? Refused, "out.bin");

    /// <summary>Rewrites the safetensors header with <paramref name="edit"/>, keeping the data bytes.</summary>
    private static Action<string> EditHeader(Action<JsonObject> edit) => folder =>
    {
        var path = Path.Combine(folder, Safetensors);
        var (header, data) = Split(File.ReadAllBytes(path));
        var json = JsonNode.Parse(header)!.AsObject();
        edit(json);
        File.WriteAllBytes(path, Join(Encoding.UTF8.GetBytes(json.ToJsonString()), data));
    };

    private static Action<string> RawHeader(byte[] header, ulong? claimed = null) => folder =>
    {
        var path = Path.Combine(folder, Safetensors);
        var (_, data) = Split(File.ReadAllBytes(path));
        var bytes = Join(header, data);
        if (claimed is { } c) BinaryPrimitives.WriteUInt64LittleEndian(bytes, c);
        File.WriteAllBytes(path, bytes);
    };

    private static (byte[] Header, byte[] Data) Split(byte[] file)
    {
        var n = (int)BinaryPrimitives.ReadUInt64LittleEndian(file);
        return (file[8..(8 + n)], file[(8 + n)..]);
    }

    private static byte[] Join(byte[] header, byte[] data)
    {
        var bytes = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
        header.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + header.Length);
        return bytes;
    }

    /// <summary>The first tensor of the header whose name ends with <paramref name="suffix"/>.</summary>
    private static JsonObject Tensor(JsonObject header, string suffix) =>
        header.First(p => p.Key.EndsWith(suffix, StringComparison.Ordinal)).Value!.AsObject();

    /// <summary>Writes float16 <paramref name="bits"/> over the first element of the conv1 weight.</summary>
    private static Action<string> PoisonWeight(ushort bits) => folder =>
    {
        var path = Path.Combine(folder, Safetensors);
        var file = File.ReadAllBytes(path);
        var (header, _) = Split(file);
        var start = (long)Tensor(JsonNode.Parse(header)!.AsObject(), "encoder.conv1.weight")["data_offsets"]![0]!;
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan((int)(8 + header.Length + start)), bits);
        File.WriteAllBytes(path, file);
    };

    /// <summary>safetensors: lying lengths, broken JSON, bad offsets, dtypes and shapes, NaN weights, random flips.</summary>
    public static IEnumerable<FuzzCase> SafetensorsCases()
    {
        var hf = FuzzSeeds.Get.Hf;
        yield return Inspect("safetensors", "header length 2^63", hf, RawHeader(Encoding.UTF8.GetBytes("{}"), 1UL << 63));
        yield return Inspect("safetensors", "header length beyond the file", hf, RawHeader(Encoding.UTF8.GetBytes("{}"), 1UL << 40));
        yield return Inspect("safetensors", "header length 0", hf, RawHeader([], 0));
        yield return Inspect("safetensors", "header garbage", hf, RawHeader(Encoding.UTF8.GetBytes("\u001b[31m not json")));
        yield return Inspect("safetensors", "header 0xFF", hf, RawHeader([(byte)'{', 0xFF, (byte)'}']));
        yield return Inspect("safetensors", "header array", hf, RawHeader(Encoding.UTF8.GetBytes("[1, 2]")));
        yield return Inspect("safetensors", "empty file", hf, folder => File.WriteAllBytes(Path.Combine(folder, Safetensors), []));
        yield return Inspect("safetensors", "7-byte file", hf, folder => File.WriteAllBytes(Path.Combine(folder, Safetensors), new byte[7]));
        yield return Inspect("safetensors", "ANSI dtype", hf, EditHeader(h => Tensor(h, "conv1.weight")["dtype"] = CheckpointCorpus.Ansi + "F16"));
        yield return Inspect("safetensors", "unknown dtype", hf, EditHeader(h => Tensor(h, "conv1.weight")["dtype"] = "F128"));
        yield return Inspect("safetensors", "negative shape", hf, EditHeader(h => Tensor(h, "conv1.weight")["shape"] = new JsonArray(-1, 64, 3)));
        yield return Inspect("safetensors", "overflowing shape", hf, EditHeader(h => Tensor(h, "conv1.weight")["shape"] = new JsonArray(1L << 40, 1L << 40, 1L << 40)));
        yield return Inspect("safetensors", "offsets beyond the data", hf, EditHeader(h => Tensor(h, "conv1.weight")["data_offsets"] = new JsonArray(0, 1L << 40)));
        yield return Inspect("safetensors", "offsets reversed", hf, EditHeader(h => Tensor(h, "conv1.weight")["data_offsets"] = new JsonArray(100, 0)));
        yield return Inspect("safetensors", "offsets of the wrong size", hf, EditHeader(h => Tensor(h, "conv1.weight")["data_offsets"] = new JsonArray(0, 2)));
        yield return Inspect("safetensors", "offsets as strings", hf, EditHeader(h => Tensor(h, "conv1.weight")["data_offsets"] = new JsonArray("0", "2")));
        yield return Inspect("safetensors", "tensor removed", hf, EditHeader(h => h.Remove(h.First(p => p.Key.EndsWith("conv1.weight", StringComparison.Ordinal)).Key)));
        yield return Inspect("safetensors", "ANSI tensor name", hf, EditHeader(h =>
        {
            var key = h.First(p => p.Key.EndsWith("conv1.weight", StringComparison.Ordinal)).Key;
            var value = h[key]!.DeepClone();
            h.Remove(key);
            h[CheckpointCorpus.Ansi + key] = value;
        }));
        yield return Inspect("safetensors", "ANSI metadata", hf, EditHeader(h => h["__metadata__"] = new JsonObject { ["format"] = CheckpointCorpus.Ansi }), ZeroOrRefused);
        yield return ConvertGgml("safetensors", "NaN weight", hf, PoisonWeight(0x7E00));
        yield return ConvertGgml("safetensors", "infinite weight", hf, PoisonWeight(0x7C00));
        yield return new FuzzCase("safetensors", "NaN weight (→ ct2)",
            dir => ["convert", SpoiledModel(dir, hf, PoisonWeight(0xFE00)), "--to", "ct2", "-o", Path.Combine(dir, "out")], Refused, "out");
        for (var i = 0; i < FuzzSeeds.Iterations; i++)
        {
            var seed = i;
            yield return Inspect("safetensors", $"random header flips #{seed}", hf,
                folder => FlipBytes(Path.Combine(folder, Safetensors), new Random(seed), 1 + seed % 4, 0, 4096), ZeroOrRefused);
            if (i % 2 == 0)
                yield return ConvertGgml("safetensors", $"random data flips #{seed}", hf,
                    folder => FlipBytes(Path.Combine(folder, Safetensors), new Random(seed), 64, 8192), ZeroOrRefused);
        }
    }

    /// <summary>pytorch_model.bin: truncated, not a zip, code-running pickles, lying records, random flips.</summary>
    public static IEnumerable<FuzzCase> PickleCases()
    {
        var bin = FuzzSeeds.Get.HfBin;
        foreach (var fraction in new[] { 0.0, 0.1, 0.5, 0.99 })
            yield return Inspect("pickle", $"cut to {fraction:P0}", bin, folder =>
            {
                var path = Path.Combine(folder, Bin);
                Truncate(path, (long)(new FileInfo(path).Length * fraction));
            });
        yield return Inspect("pickle", "legacy magic", bin, folder => Patch(Path.Combine(folder, Bin), 0, [0x80, 0x02]));
        yield return Inspect("pickle", "os.system pickle", bin, ReplacePickle("cos\nsystem\n(S'echo pwned'\ntR."u8.ToArray()));
        yield return Inspect("pickle", "ANSI global", bin, ReplacePickle(Encoding.UTF8.GetBytes("c" + CheckpointCorpus.Ansi + "\nsystem\n(tR.")));
        yield return Inspect("pickle", "eval via STACK_GLOBAL", bin, ReplacePickle("\u0080\u0004\u0095\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u008c\bbuiltins\u008c\u0004eval\u0093\u008c\u00041+1\u0085R."u8.ToArray()));
        yield return Inspect("pickle", "empty pickle", bin, ReplacePickle([]));
        yield return Inspect("pickle", "pickle of a list", bin, ReplacePickle("]."u8.ToArray()));
        for (var i = 0; i < FuzzSeeds.Iterations; i++)
        {
            var seed = i;
            yield return Inspect("pickle", $"random flips #{seed}", bin,
                folder => FlipBytes(Path.Combine(folder, Bin), new Random(seed), 1 + seed % 8), ZeroOrRefused);
        }
    }

    private static Action<string> ReplacePickle(byte[] pickle) => folder =>
    {
        using var zip = ZipFile.Open(Path.Combine(folder, Bin), ZipArchiveMode.Update);
        var entry = zip.Entries.First(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal));
        var name = entry.FullName;
        entry.Delete();
        using var s = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
        s.Write(pickle);
    };
}
