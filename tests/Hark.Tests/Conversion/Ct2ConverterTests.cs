using System.Text.Json;
using Hark.Checkpoints;
using Hark.Conversion;
using Hark.Conversion.Ct2;
using Hark.Conversion.Inspect;

namespace Hark.Tests.Conversion;

public sealed class Ct2ConverterTests
{
    private static async Task<string> ConvertAsync(TempDir dir, WhisperCheckpoint model, string quantization)
    {
        var output = dir.File("ct2-" + quantization);
        await new Ct2Converter().ConvertAsync(model, output, new ConversionOptions { Quantization = quantization });
        return output;
    }

    [Theory]
    [InlineData("float32")]
    [InlineData("float16")]
    [InlineData("bfloat16")]
    [InlineData("int8")]
    [InlineData("int8_float32")]
    [InlineData("int8_float16")]
    [InlineData("int8_bfloat16")]
    [InlineData("int16")]
    public async Task Every_spec_variable_round_trips_with_its_name_shape_and_dtype(string quantization)
    {
        using var dir = Fixtures.TempDir();
        using var model = TestModels.Random(dtype: DType.F16);
        var output = await ConvertAsync(dir, model, quantization);
        var q = Ct2Quantizations.Parse(quantization);
        var spec = Ct2WhisperSpec.For(model.Config);
        var plan = Ct2Plan.For(spec, q, _ => Ct2Converter.LoadDType(model.Folder));
        var expected = plan.SelectMany(p => p.Scale is null ? new[] { p.Value } : [p.Value, p.Scale]).ToList();

        using var reader = Ct2ModelReader.Open(output);
        Assert.Equal(6, reader.BinaryVersion);
        Assert.Equal("WhisperSpec", reader.SpecName);
        Assert.Equal(3, reader.SpecRevision);
        Assert.Equal(expected.Select(e => e.Name), reader.Variables.Select(v => v.Name));
        foreach (var (e, v) in expected.Zip(reader.Variables))
        {
            Assert.Equal(e.Shape, v.Shape);
            Assert.Equal(e.DType, v.DType);
        }
        Assert.Equal([("decoder/projection/weight", "decoder/embeddings/weight")], reader.Aliases);
        Assert.Equal(Ct2Plan.ModelBinSize(plan, spec.Aliases), new FileInfo(Path.Combine(output, "model.bin")).Length);
    }

    [Fact]
    public async Task Self_attention_fuses_q_k_v_with_a_zero_key_bias_and_cross_attention_fuses_k_v()
    {
        using var dir = Fixtures.TempDir();
        using var model = TestModels.Random();
        var output = await ConvertAsync(dir, model, "float32");
        using var reader = Ct2ModelReader.Open(output);
        var d = model.Config.DModel;
        float[] Source(string name) { var a = new float[model.Tensors.Tensors[name].ElementCount]; model.Tensors.ReadFloat32(name, a); return a; }

        var qkv = reader.ReadFloat32("encoder/layer_1/self_attention/linear_0/weight");
        Assert.Equal(Source("encoder.layers.1.self_attn.q_proj.weight"), qkv[..(d * d)]);
        Assert.Equal(Source("encoder.layers.1.self_attn.k_proj.weight"), qkv[(d * d)..(2 * d * d)]);
        Assert.Equal(Source("encoder.layers.1.self_attn.v_proj.weight"), qkv[(2 * d * d)..]);
        var bias = reader.ReadFloat32("encoder/layer_1/self_attention/linear_0/bias");
        Assert.Equal(Source("encoder.layers.1.self_attn.q_proj.bias"), bias[..d]);
        Assert.All(bias[d..(2 * d)], v => Assert.Equal(0f, v));
        Assert.Equal(Source("encoder.layers.1.self_attn.v_proj.bias"), bias[(2 * d)..]);

        Assert.Equal(Source("decoder.layers.0.encoder_attn.q_proj.weight"), reader.ReadFloat32("decoder/layer_0/attention/linear_0/weight"));
        var kv = reader.ReadFloat32("decoder/layer_0/attention/linear_1/weight");
        Assert.Equal(Source("decoder.layers.0.encoder_attn.k_proj.weight"), kv[..(d * d)]);
        Assert.Equal(Source("decoder.layers.0.encoder_attn.v_proj.weight"), kv[(d * d)..]);
        Assert.Equal(Source("decoder.layers.0.encoder_attn.out_proj.weight"), reader.ReadFloat32("decoder/layer_0/attention/linear_2/weight"));
        Assert.Equal(Source("decoder.layers.0.fc2.weight"), reader.ReadFloat32("decoder/layer_0/ffn/linear_1/weight"));
        Assert.Equal(Source("encoder.conv2.weight"), reader.ReadFloat32("encoder/conv2/weight"));
        Assert.Equal(Source(WhisperTensorNames.TokenEmbedding), reader.ReadFloat32("decoder/projection/weight"));
        Assert.Equal(model.Config.DecoderAttentionHeads, BitConverter.ToInt16(reader.ReadBytes(reader.Find("decoder/num_heads")!)));
        Assert.Equal(3, (sbyte)reader.ReadBytes(reader.Find("decoder/activation")!)[0]);
    }

    [Theory]
    [InlineData("int8_float16")]
    [InlineData("int8")]
    public async Task Dequantized_int8_weights_are_within_1_over_127_of_each_rows_absmax(string quantization)
    {
        using var dir = Fixtures.TempDir();
        using var model = TestModels.Random();
        var output = await ConvertAsync(dir, model, quantization);
        using var reader = Ct2ModelReader.Open(output);
        var spec = Ct2WhisperSpec.For(model.Config);
        foreach (var v in spec.Variables.Where(v => v.Role == Ct2Role.Weight))
        {
            var source = new float[v.ElementCount];
            SourceParts.Read(model.Tensors, v.Parts, source, Ct2Quantizations.Parse(quantization).LoadsAsFloat16());
            Assert.Equal(Ct2DType.Int8, reader.Find(v.Name)!.DType);
            var back = reader.ReadFloat32(v.Name);
            var rows = (int)v.Shape[0];
            var cols = source.Length / rows;
            for (var r = 0; r < rows; r++)
            {
                var row = source.AsSpan(r * cols, cols);
                var amax = 0f;
                foreach (var x in row) amax = Math.Max(amax, Math.Abs(x));
                for (var j = 0; j < cols; j++)
                    Assert.True(Math.Abs(back[r * cols + j] - row[j]) <= amax / 127f, $"{v.Name} row {r} col {j}");
            }
        }
    }

    [Fact]
    public void Int8_rows_scale_to_127_over_absmax_round_half_to_even_and_zero_rows_get_scale_1()
    {
        float[] values = [0.5f, -1f, 0.25f, 1f / 254f * 3, 0f, 0f, 0f, 0f];
        var q = new sbyte[8];
        var scales = new float[2];
        Ct2Quantizer.QuantizeInt8(values, 2, q, scales);
        Assert.Equal([127f, 1f], scales); // an all-zero row's absmax counts as 127
        Assert.Equal(64, q[0]);   // 63.5 rounds to even
        Assert.Equal(-127, q[1]);
        Assert.Equal(32, q[2]);   // 31.75
        Assert.Equal(2, q[3]);    // 1.5 rounds to even
        Assert.All(q[4..], v => Assert.Equal(0, v));
    }

    [Fact]
    public async Task Config_and_vocabulary_carry_the_fields_faster_whisper_reads()
    {
        using var dir = Fixtures.TempDir();
        var generation = new GenerationConfig
        {
            SuppressTokens = [1, 2, 7],
            BeginSuppressTokens = [220, 50257],
            LangToId = new Dictionary<string, int> { ["<|de|>"] = 50261, ["<|en|>"] = 50259 },
            AlignmentHeads = [(1, 0), (1, 1)],
        };
        using var model = TestModels.Random(generation: generation);
        var output = await ConvertAsync(dir, model, "float16");
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "config.json")));
        var root = config.RootElement;
        Assert.Equal(["alignment_heads", "lang_ids", "suppress_ids", "suppress_ids_begin"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("[[1,0],[1,1]]", JsonSerializer.Serialize(root.GetProperty("alignment_heads")).Replace(" ", "").Replace("\n", "").Replace("\r", ""));
        Assert.Equal([50259, 50261], root.GetProperty("lang_ids").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal([1, 2, 7], root.GetProperty("suppress_ids").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal([220, 50257], root.GetProperty("suppress_ids_begin").EnumerateArray().Select(e => e.GetInt32()));

        var vocabulary = JsonSerializer.Deserialize<string[]>(File.ReadAllText(Path.Combine(output, "vocabulary.json")))!;
        Assert.Equal(51865, vocabulary.Length);
        Assert.Equal("!", vocabulary[0]);
        Assert.Equal("<|endoftext|>", vocabulary[50257]);
        Assert.Equal("<|startoftranscript|>", vocabulary[50258]);
        Assert.Equal("<|0.00|>", vocabulary[50364]);
        Assert.Equal("<|30.00|>", vocabulary[51864]);
        Assert.Contains("\"\\u0120the\"", File.ReadAllText(Path.Combine(output, "vocabulary.json")));
    }

    [Fact]
    public void Without_generation_config_the_alignment_heads_are_the_last_half_of_the_decoder()
    {
        using var model = TestModels.Random();
        using var doc = JsonDocument.Parse(Ct2ConfigFiles.ConfigJson(model));
        var heads = doc.RootElement.GetProperty("alignment_heads").EnumerateArray()
            .Select(e => (e[0].GetInt32(), e[1].GetInt32())).ToList();
        Assert.Equal([(1, 0), (1, 1)], heads);
        Assert.Equal(99, doc.RootElement.GetProperty("lang_ids").GetArrayLength());
    }

    [Theory]
    [InlineData("tiny", "float16", 75_538_270)]
    public void Tiny_model_bin_sizes_match_the_published_faster_whisper_ones(string preset, string quantization, long published)
    {
        var config = WhisperPresets.Get(preset);
        var spec = Ct2WhisperSpec.For(config);
        var plan = Ct2Plan.For(spec, Ct2Quantizations.Parse(quantization), _ => DType.F32);
        var size = Ct2Plan.ModelBinSize(plan, spec.Aliases);
        Assert.InRange(size, published * 0.97, published * 1.03);
    }
}
