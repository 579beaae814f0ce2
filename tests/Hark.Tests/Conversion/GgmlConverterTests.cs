using System.IO.Compression;
using Hark.Checkpoints;
using Hark.Conversion;
using Hark.Conversion.Ggml;
using Hark.Conversion.Inspect;

namespace Hark.Tests.Conversion;

public sealed class GgmlConverterTests
{
    private static async Task<string> ConvertAsync(TempDir dir, WhisperCheckpoint model, string type)
    {
        var output = dir.File($"ggml-{type}.bin");
        await new GgmlConverter().ConvertAsync(model, output, new ConversionOptions { Quantization = type });
        return output;
    }

    [Theory]
    [InlineData("f32")]
    [InlineData("f16")]
    [InlineData("q8_0")]
    [InlineData("q5_0")]
    [InlineData("q5_1")]
    [InlineData("q4_0")]
    public async Task Every_tensor_round_trips_with_its_whisper_cpp_name_dims_and_type(string type)
    {
        using var dir = Fixtures.TempDir();
        using var model = TestModels.Random();
        var output = await ConvertAsync(dir, model, type);
        var fileType = GgmlFileTypes.Parse(type);
        var spec = GgmlWhisperSpec.For(model.Config);

        using var reader = GgmlModelReader.Open(output);
        Assert.Equal(GgmlConverter.HeaderFields(model.Config, fileType), reader.Header);
        Assert.Equal(spec.Select(t => t.Name), reader.Tensors.Select(t => t.Name));
        foreach (var (e, t) in spec.Zip(reader.Tensors))
        {
            Assert.Equal(e.Ne, t.Ne);
            Assert.Equal(e.TypeIn(fileType), t.Type);
            var source = new float[e.ElementCount];
            model.Tensors.ReadFloat32(e.Source, source);
            var back = reader.ReadFloat32(t.Name);
            var amax = source.Max(Math.Abs);
            var tolerance = t.Type switch
            {
                GgmlType.F32 => 0f,
                GgmlType.F16 => amax / 1024f,
                GgmlType.Q8_0 => amax / 100f,
                GgmlType.Q5_0 or GgmlType.Q5_1 => amax / 12f,
                _ => amax / 6f,
            };
            for (var i = 0; i < source.Length; i++)
                Assert.True(Math.Abs(back[i] - source[i]) <= tolerance, $"{t.Name}[{i}]: {source[i]} -> {back[i]}");
        }
        Assert.Equal(GgmlConverter.FileSize(model.Config, fileType, reader.Tokens.Select(b => b.Length)), new FileInfo(output).Length);
    }

    [Fact]
    public async Task Quantized_tensors_hold_ggml_blocks_of_the_float16_rounded_weights()
    {
        using var dir = Fixtures.TempDir();
        using var model = TestModels.Random();
        var output = await ConvertAsync(dir, model, "q5_1");
        using var reader = GgmlModelReader.Open(output);
        var stored = reader.Find("decoder.blocks.1.cross_attn.value.weight")!;
        var source = new float[stored.ElementCount];
        model.Tensors.ReadFloat32("decoder.layers.1.encoder_attn.v_proj.weight", source);
        SourceParts.RoundThroughFloat16(source);
        var expected = new byte[GgmlType.Q5_1.ByteCount(source.Length)];
        GgmlQuants.Quantize(GgmlType.Q5_1, source, expected);
        Assert.Equal(expected, reader.ReadBytes(stored));
    }

    [Fact]
    public async Task The_header_holds_the_mel_filters_and_the_byte_level_vocabulary()
    {
        using var dir = Fixtures.TempDir();
        using var model = TestModels.Random();
        var output = await ConvertAsync(dir, model, "f16");
        using var reader = GgmlModelReader.Open(output);
        Assert.Equal(80, reader.FilterMels);
        Assert.Equal(201, reader.FilterBins);
        Assert.Equal(Hark.Audio.MelFilterBank.Create(80), reader.Filters);
        Assert.Equal(50258, reader.Tokens.Count);
        using var vocab = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(model.Folder, "vocab.json")));
        Assert.Equal(" the"u8.ToArray(), reader.Tokens[vocab.RootElement.GetProperty("\u0120the").GetInt32()]);
        Assert.Equal("!"u8.ToArray(), reader.Tokens[0]);
        Assert.Equal("<|endoftext|>"u8.ToArray(), reader.Tokens[50257]);
    }

    [Theory]
    [InlineData("test", 80)]
    [InlineData("large-v3", 128)]
    public async Task The_embedded_mel_filters_match_openais_mel_filters_npz(string preset, int nMels)
    {
        var expected = ReadNpy(Fixtures.Path("whisper-assets/mel_filters.npz"), $"mel_{nMels}.npy");
        using var dir = Fixtures.TempDir();
        var config = WhisperPresets.Get("test") with { NumMelBins = nMels, VocabSize = WhisperPresets.Get(preset).VocabSize };
        using var model = TestModels.FromTensors(config, new RandomWhisperWeights(config, 2));
        var output = dir.File("m.bin");
        await new GgmlConverter().ConvertAsync(model, output, new ConversionOptions());
        using var reader = GgmlModelReader.Open(output);
        Assert.Equal((nMels, 201), (reader.FilterMels, reader.FilterBins));
        var actual = reader.Filters;
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < actual.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-7f + 1e-6f * Math.Abs(expected[i]), $"[{i}] {expected[i]} vs {actual[i]}");
    }

    [Theory]
    [InlineData("tiny", "f16", 77_691_713)]
    [InlineData("tiny", "q5_1", 32_152_673)]
    [InlineData("tiny", "q8_0", 43_537_433)]
    public void Tiny_file_sizes_match_the_published_whisper_cpp_ones(string preset, string type, long published)
    {
        var config = WhisperPresets.Get(preset);
        var tokens = WhisperVocabularyFiles.ReadBpeTokenBytes(TestModels.TokenizerFolder(config.VocabSize));
        var size = GgmlConverter.FileSize(config, GgmlFileTypes.Parse(type), tokens.Select(t => t.Length));
        Assert.InRange(size, published * 0.97, published * 1.03);
    }

    private static float[] ReadNpy(string npz, string entry)
    {
        using var zip = ZipFile.OpenRead(npz);
        using var s = zip.GetEntry(entry)!.Open();
        using var ms = new MemoryStream();
        s.CopyTo(ms);
        var bytes = ms.ToArray();
        var headerLen = BitConverter.ToUInt16(bytes, 8);
        var header = System.Text.Encoding.ASCII.GetString(bytes, 10, headerLen);
        Assert.Contains("'<f4'", header);
        var data = bytes.AsSpan(10 + headerLen);
        return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(data).ToArray();
    }
}
