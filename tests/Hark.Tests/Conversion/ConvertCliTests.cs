using System.CommandLine;
using Hark.Checkpoints;
using Hark.Cli;
using Hark.Cli.Commands;
using Hark.Conversion.Inspect;

namespace Hark.Tests.Conversion;

public sealed class ConvertCliTests
{
    /// <summary>A Hugging Face folder of the <c>test</c> preset: config.json, model.safetensors (F16) and the base tokenizer files.</summary>
    private static string WriteHfFolder(TempDir dir, string modelType = "whisper")
    {
        var folder = dir.File("hf");
        Directory.CreateDirectory(folder);
        var config = WhisperPresets.Get("test");
        WhisperConfigFile.Write(Path.Combine(folder, "config.json"), config);
        if (modelType != "whisper")
            File.WriteAllText(Path.Combine(folder, "config.json"),
                File.ReadAllText(Path.Combine(folder, "config.json")).Replace("\"whisper\"", $"\"{modelType}\"").Replace("WhisperForConditionalGeneration", "Wav2Vec2ForCTC"));
        using var weights = new RandomWhisperWeights(config, 5, DType.F16);
        SafetensorsWriter.Write(Path.Combine(folder, "model.safetensors"), weights);
        foreach (var f in new[] { "vocab.json", "added_tokens.json", "merges.txt" })
            File.Copy(Fixtures.Path("hf/whisper-base/" + f), Path.Combine(folder, f));
        return folder;
    }

    private static Task<(int Code, string Stderr)> RunAsync(params string[] args) => RunAsync(json: true, args);

    private static async Task<(int Code, string Stderr)> RunAsync(bool json, params string[] args)
    {
        var root = new RootCommand("hark");
        foreach (var c in CommandCatalog.All()) root.Subcommands.Add(c);
        var stderr = new StringWriter();
        var code = await CliHost.RunAsync(root, json ? [.. args, "--json"] : args, stderr);
        return (code, stderr.ToString());
    }

    [Theory]
    [InlineData("ct2", "int8_float16", "--quantization")]
    [InlineData("ggml", "q5_1", "--type")]
    [InlineData("ct2", "float16", "--precision")]
    public async Task Convert_writes_a_model_that_inspect_reads_back(string target, string quantization, string flag)
    {
        using var dir = Fixtures.TempDir();
        var folder = WriteHfFolder(dir);
        var output = dir.File("out-" + target);
        var (code, stderr) = await RunAsync("convert", folder, "--to", target, "--output", output, flag, quantization);
        Assert.True(code == 0, stderr);
        var report = InspectCommand.Inspect(output);
        var source = ModelInspector.InspectHuggingFace(folder);
        Assert.Equal(target == "ct2" ? ModelFormat.CTranslate2 : ModelFormat.Ggml, report.Format);
        Assert.Equal(WhisperTensorLayout.Enumerate(WhisperPresets.Get("test")).Count, source.Tensors.Count);
        Assert.True(report.Tensors.Count > 50);
        Assert.Contains(report.Tensors, t => t.DType == (target == "ct2" ? quantization[..(quantization.IndexOf('_') is var i and > 0 ? i : quantization.Length)] : quantization));
        Assert.Contains("\"format\": \"" + report.Format + "\"", InspectCommand.ToJson(report));
        // The text tables hold shapes like [64, 80, 3], which must not be read as console markup.
        foreach (var path in new[] { output, folder })
        {
            var (inspectCode, inspectErr) = await RunAsync(json: false, "inspect", path);
            Assert.True(inspectCode == 0, inspectErr);
        }
    }

    [Fact]
    public async Task A_non_whisper_config_is_rejected_naming_the_architecture_found()
    {
        using var dir = Fixtures.TempDir();
        var folder = WriteHfFolder(dir, modelType: "wav2vec2");
        var (code, stderr) = await RunAsync("convert", folder, "--to", "ct2", "--output", dir.File("out"));
        Assert.Equal(2, code);
        Assert.Contains("wav2vec2", stderr);
        Assert.False(Directory.Exists(dir.File("out")));
    }

    [Fact]
    public async Task An_unsupported_quantization_is_rejected_listing_the_accepted_ones()
    {
        using var dir = Fixtures.TempDir();
        var folder = WriteHfFolder(dir);
        var (code, stderr) = await RunAsync("convert", folder, "--to", "ggml", "--output", dir.File("out.bin"), "--quantization", "int8");
        Assert.Equal(2, code);
        Assert.Contains("q5_1", stderr);
        Assert.Contains("q4_0", stderr);
        Assert.False(File.Exists(dir.File("out.bin")));
    }

    [Fact]
    public async Task Inspect_of_a_missing_path_is_an_input_error()
    {
        using var dir = Fixtures.TempDir();
        var (code, stderr) = await RunAsync("inspect", dir.File("nothing"));
        Assert.Equal(2, code);
        Assert.Contains("no such file", stderr);
    }
}
