using System.Diagnostics;
using CsCheck;
using Hark.Audio;
using Hark.Checkpoints;
using Hark.Conversion;
using Hark.Conversion.Inspect;
using Hark.Tokenization;

namespace Hark.Tests.Fuzz;

/// <summary>
/// Law for every reader: a valid file with bytes changed, inserted or cut either still reads or fails with a Hark
/// error (never another exception), quickly, and without allocating more than 64 MB beyond twice the file's size.
/// Iterations per reader: 5 × <c>HARK_FUZZ_ITERATIONS</c> (default 60).
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class ReaderMutationProperties
{
    private static int Iter => 5 * FuzzSeeds.Iterations;

    /// <summary>A mutation: up to four byte changes inside the first <c>window</c> bytes, an insertion, or a cut.</summary>
    private static Gen<Func<byte[], byte[]>> Mutation(int window) =>
        Gen.OneOf(
            Gen.Select(Gen.Int[0, int.MaxValue].Array[1, 4], Gen.Byte[1, 255], (ps, x) => (Func<byte[], byte[]>)(b =>
            {
                var c = (byte[])b.Clone();
                foreach (var p in ps) c[p % Math.Min(window, c.Length)] ^= x;
                return c;
            })),
            Gen.Select(Gen.Int[0, int.MaxValue], Gen.Byte, (p, x) => (Func<byte[], byte[]>)(b =>
            {
                var at = p % Math.Min(window, b.Length);
                return [.. b[..at], x, .. b[at..]];
            })),
            Gen.Int[0, int.MaxValue].Select(p => (Func<byte[], byte[]>)(b => b[..(p % b.Length)])));

    /// <summary>Checks the law for <paramref name="read"/> over mutations of <paramref name="valid"/>, written to <paramref name="path"/>.</summary>
    /// <param name="path">Where each mutant is written.</param>
    /// <param name="valid">The valid file.</param>
    /// <param name="window">Byte changes and insertions fall in the first <paramref name="window"/> bytes.</param>
    /// <param name="read">The reader under test.</param>
    /// <param name="iterations">Mutants to try (default 5 × <c>HARK_FUZZ_ITERATIONS</c>).</param>
    /// <param name="companions">Bytes of the other files the reader also reads (they justify allocation too).</param>
    private static void Law(string path, byte[] valid, int window, Action<string> read, int? iterations = null, long companions = 0)
    {
        Mutation(window).Sample(mutate =>
        {
            var bytes = mutate(valid);
            File.WriteAllBytes(path, bytes);
            var before = GC.GetAllocatedBytesForCurrentThread();
            var sw = Stopwatch.StartNew();
            try
            {
                read(path);
            }
            catch (HarkException)
            {
                // The accepted way to refuse.
            }
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10), $"took {sw.Elapsed}");
            Assert.True(allocated < (64L << 20) + 2L * (bytes.Length + companions), $"allocated {allocated >> 20} MB for a {bytes.Length}-byte file");
        }, iter: iterations ?? Iter, threads: 1);
    }

    [Fact]
    public void Safetensors_reader()
    {
        using var dir = Fixtures.TempDir();
        using var source = Hark.Tests.Checkpoints.CheckpointTestFiles.SmallTensors();
        SafetensorsWriter.Write(dir.File("seed.safetensors"), source);
        Law(dir.File("m.safetensors"), File.ReadAllBytes(dir.File("seed.safetensors")), 4096, path =>
        {
            using var r = SafetensorsReader.Open(path);
            foreach (var (name, info) in r.Tensors) r.ReadFloat32(name, new float[info.ElementCount]);
        });
    }

    [Fact]
    public void Pytorch_zip_and_pickle_reader()
    {
        using var dir = Fixtures.TempDir();
        using var source = Hark.Tests.Checkpoints.CheckpointTestFiles.SmallTensors();
        PytorchBinWriter.Write(dir.File("seed.bin"), source);
        Law(dir.File("m.bin"), File.ReadAllBytes(dir.File("seed.bin")), int.MaxValue, path =>
        {
            using var r = PytorchBinReader.Open(path);
            foreach (var (name, info) in r.Tensors) r.ReadFloat32(name, new float[info.ElementCount]);
        });
    }

    [Fact]
    public void Config_and_generation_config_readers()
    {
        using var dir = Fixtures.TempDir();
        var config = WhisperPresets.Get("test");
        Law(dir.File("config.json"), Hark.Tests.Fuzz.CheckpointCorpus.Utf8(WhisperConfigFile.ToJson(config)), int.MaxValue, p => WhisperConfigFile.Read(p));
        Law(dir.File("generation_config.json"), CheckpointCorpus.Utf8(GenerationConfigFile.ToJson(Hark.Conversion.GenerationConfigDefaults.ForModel(config), config)), int.MaxValue,
            p => GenerationConfigFile.Validate(GenerationConfigFile.Read(p), config, p));
    }

    [Fact]
    public void Tokenizer_readers()
    {
        using var dir = Fixtures.TempDir();
        var folder = FuzzSeeds.CopyFolder(FuzzSeeds.Get.Hf, dir.File("tok"));
        var vocab = Path.Combine(folder, "vocab.json");
        var merges = Path.Combine(folder, "merges.txt");
        var validVocab = File.ReadAllBytes(vocab);
        Law(vocab, validVocab, 2048, _ =>
        {
            WhisperVocabularyFiles.ReadBpeTokenBytes(folder);
            WhisperVocabularyFiles.ReadTokens(folder, 51865);
        }, Iter / 2);
        File.WriteAllBytes(vocab, validVocab);
        Law(merges, File.ReadAllBytes(merges), 2048, _ => HfTokenizerFiles.Read(folder), Iter / 2);
    }

    [Fact]
    public void Wav_reader()
    {
        using var dir = Fixtures.TempDir();
        var noFfmpeg = new AudioLoadOptions { FfmpegPath = dir.File("no-ffmpeg") };
        foreach (var seed in new[] { FuzzSeeds.Get.WavInt16, FuzzSeeds.Get.WavFloat32 })
            Law(dir.File("m.wav"), File.ReadAllBytes(seed), 64, p => AudioLoader.Load(p, noFfmpeg), Iter / 2);
    }

    [Fact]
    public void Ct2_reader()
    {
        using var dir = Fixtures.TempDir();
        Law(dir.File("model.bin"), File.ReadAllBytes(Path.Combine(FuzzSeeds.Get.Ct2, "model.bin")), 4096, p =>
        {
            using var r = Ct2ModelReader.Open(p);
            foreach (var v in r.Variables.Take(8)) r.ReadBytes(v);
        });
    }

    [Fact]
    public void Ggml_reader()
    {
        using var dir = Fixtures.TempDir();
        Law(dir.File("m.bin"), File.ReadAllBytes(FuzzSeeds.Get.Ggml), 4096, p =>
        {
            using var r = GgmlModelReader.Open(p);
            foreach (var t in r.Tensors.Take(8)) r.ReadBytes(t);
        });
    }

    [Fact]
    public void Onnx_folder_check()
    {
        using var dir = Fixtures.TempDir();
        var folder = FuzzSeeds.CopyFolder(FuzzSeeds.Get.Onnx, dir.File("onnx"));
        var encoder = Path.Combine(folder, "encoder_model.onnx");
        // A mutant that still parses lets the check go on to parse the decoders, whose size justifies what that takes.
        var decoders = Directory.EnumerateFiles(folder, "decoder*.onnx").Sum(f => new FileInfo(f).Length);
        Law(encoder, File.ReadAllBytes(encoder), int.MaxValue, _ => OnnxFolderCheck.Validate(folder), companions: decoders);
    }
}
