namespace Hark.Tests.Fuzz;

/// <summary>Refusals name the right thing: the file, the field or tensor, and what to do instead.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class MessageTests
{
    [Fact]
    public async Task A_ct2_folder_given_to_transcribe_is_named_as_a_ctranslate2_model()
    {
        var (code, stderr, _) = await HostileKit.RunAsync("transcribe", FuzzSeeds.Get.WavInt16, "--model", FuzzSeeds.Get.Ct2);
        Assert.Equal(2, code);
        Assert.Contains("CTranslate2", stderr);
        Assert.Contains("Hugging Face folder", stderr);
    }

    [Fact]
    public async Task Nan_weights_are_refused_naming_the_weights_file_and_the_tensor()
    {
        using var dir = Fixtures.TempDir();
        var folder = FuzzSeeds.CopyFolder(FuzzSeeds.Get.Hf, dir.File("hf"));
        var weights = Path.Combine(folder, "model.safetensors");
        var bytes = File.ReadAllBytes(weights);
        var headerLength = (int)BitConverter.ToUInt64(bytes, 0);
        var header = System.Text.Json.Nodes.JsonNode.Parse(bytes.AsSpan(8, headerLength))!.AsObject();
        var entry = header.First(p => p.Key.EndsWith("decoder.layer_norm.weight", StringComparison.Ordinal)).Value!;
        var second = 8 + headerLength + entry["data_offsets"]![0]!.GetValue<long>() + 2;
        FuzzCase.Patch(weights, second, [0x00, 0x7E]); // float16 NaN as the tensor's second element
        var (code, stderr, _) = await HostileKit.RunAsync("convert", folder, "--to", "ggml", "-o", dir.File("out.bin"));
        Assert.Equal(2, code);
        HostileKit.AssertOneCleanLine(stderr, "NaN");
        Assert.Contains("model.safetensors", stderr);
        Assert.Contains("decoder.layer_norm.weight", stderr);
        Assert.Contains("NaN", stderr);
        Assert.False(File.Exists(dir.File("out.bin")));
    }
}
