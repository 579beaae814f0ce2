using System.CommandLine;
using System.Text.Json;
using Hark.Cli;
using Hark.Cli.Commands;
using Hark.Tests.Vulkan;

namespace Hark.Tests.Benchmarking;

public sealed class BenchCommandTests
{
    private static async Task<(int Code, string Stderr)> RunAsync(params string[] args)
    {
        var root = new RootCommand("hark");
        foreach (var c in CommandCatalog.All()) root.Subcommands.Add(c);
        var stderr = new StringWriter();
        var code = await CliHost.RunAsync(root, args, stderr);
        return (code, stderr.ToString());
    }

    [Fact]
    public async Task A_tiny_bench_of_the_test_preset_writes_the_json_report_and_a_png_plot()
    {
        using var dir = Fixtures.TempDir();
        var json = dir.File("out.json");
        var png = dir.File("out.png");

        var (code, stderr) = await RunAsync("bench", "--synthetic", "test", "--tokenizer", Fixtures.Path("hf/whisper-base"),
            "--audio", Fixtures.Path("audio/espeak/en01.wav"), "--engines", "managed,onnx", "--precisions", "fp32,bf16",
            "--runs", "1", "--warmup", "0", "--max-new-tokens", "8", "--threads", "1", "--cache", dir.File("cache"), "--json", json, "--plot", png);

        Assert.True(code == 0, stderr);
        Assert.True(new FileInfo(png).Length > 1000);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(png)[..4]);

        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var root = doc.RootElement;
        var results = root.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(["managed fp32 b1", "managed bf16 b1", "onnx fp32 b1"], results.Select(r => r.GetProperty("name").GetString()));
        Assert.Equal("onnx bf16 b1", Assert.Single(root.GetProperty("skipped").EnumerateArray()).GetProperty("name").GetString());
        foreach (var r in results)
        {
            Assert.Equal(1, r.GetProperty("real_time_factor").GetProperty("count").GetInt32());
            Assert.True(r.GetProperty("real_time_factor").GetProperty("median").GetDouble() > 0);
            Assert.True(r.GetProperty("encoder_ms_per_window").GetProperty("median").GetDouble() > 0);
            Assert.True(r.GetProperty("decoder_ms_per_token").GetProperty("median").GetDouble() > 0);
            Assert.True(r.GetProperty("peak_rss_bytes").GetInt64() >= root.GetProperty("machine").GetProperty("baseline_rss_bytes").GetInt64());
            Assert.Equal(JsonValueKind.Number, r.GetProperty("wer").ValueKind); // en01.txt is the reference
            Assert.InRange(r.GetProperty("token_agreement_fp32").GetDouble(), 0, 1);
        }
        // fp32 agrees with itself.
        Assert.Equal(1.0, results[0].GetProperty("token_agreement_fp32").GetDouble());
        Assert.Equal(3, root.GetProperty("recommendations").GetArrayLength());
    }

    [Fact]
    public async Task The_batch_axis_is_transcribes_batch_size_and_the_commands_carry_it_with_the_vad_filter()
    {
        using var dir = Fixtures.TempDir();
        var json = dir.File("out.json");

        var (code, stderr) = await RunAsync("bench", "--synthetic", "test", "--tokenizer", Fixtures.Path("hf/whisper-base"),
            "--audio", Fixtures.Path("audio/espeak/longform.wav"), "--engines", "managed", "--precisions", "fp32", "--batch-sizes", "1,4",
            "--vad-filter", "--runs", "1", "--warmup", "0", "--max-new-tokens", "4", "--threads", "1", "--cache", dir.File("cache"), "--json", json);

        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var root = doc.RootElement;
        Assert.True(root.GetProperty("options").GetProperty("vad_filter").GetBoolean());
        Assert.Contains("--batch-size N", root.GetProperty("batch_meaning").GetString(), StringComparison.Ordinal);
        var results = root.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(["managed fp32 b1", "managed fp32 b4"], results.Select(r => r.GetProperty("name").GetString()));
        Assert.EndsWith("--vad-filter", results[0].GetProperty("command").GetString(), StringComparison.Ordinal);
        Assert.EndsWith("--vad-filter --batch-size 4", results[1].GetProperty("command").GetString(), StringComparison.Ordinal);
        Assert.All(root.GetProperty("recommendations").EnumerateArray(),
            r => Assert.Contains(r.GetProperty("command").GetString(), results.Select(x => x.GetProperty("command").GetString())));
    }

    [Fact]
    public async Task A_batch_size_above_the_transcribe_limit_is_refused_naming_the_option()
    {
        var (code, stderr) = await RunAsync("bench", "--synthetic", "test", "--tokenizer", Fixtures.Path("hf/whisper-base"),
            "--audio", Fixtures.Path("audio/espeak/en01.wav"), "--batch-sizes", "1,65");
        Assert.Equal(2, code);
        Assert.Contains("--batch-sizes: must be 1 (sequential) to 64, got 65", stderr, StringComparison.Ordinal);
    }

    [VulkanFact]   // skipped, with the reason, where no Vulkan driver is installed (CI installs lavapipe)
    public async Task Vulkan_is_a_column_of_the_bench_matrix_beside_the_cpu_engine()
    {
        using var dir = Fixtures.TempDir();
        var json = dir.File("out.json");

        var (code, stderr) = await RunAsync("bench", "--synthetic", "test", "--tokenizer", Fixtures.Path("hf/whisper-base"),
            "--audio", Fixtures.Path("audio/espeak/en01.wav"), "--engines", "managed,vulkan", "--precisions", "fp32",
            "--runs", "1", "--warmup", "0", "--max-new-tokens", "8", "--threads", "1", "--cache", dir.File("cache"), "--json", json);

        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var results = doc.RootElement.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(["managed fp32 b1", "vulkan fp32 b1"], results.Select(r => r.GetProperty("name").GetString()));
        Assert.Equal("vulkan", results[1].GetProperty("engine_device").GetString());
        // Same model, same greedy decoding: the GPU backend reproduces the CPU's tokens.
        Assert.Equal(1.0, results[1].GetProperty("token_agreement_fp32").GetDouble());
    }

    [Fact]
    public async Task Synthetic_without_a_tokenizer_is_an_input_error_that_says_what_to_pass()
    {
        using var dir = Fixtures.TempDir();
        var (code, stderr) = await RunAsync("bench", "--synthetic", "test", "--audio", Fixtures.Path("audio/espeak/en01.wav"), "--cache", dir.File("cache"));

        Assert.Equal(2, code);
        Assert.Contains("--tokenizer", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_plot_with_an_unknown_extension_is_refused_before_measuring()
    {
        using var dir = Fixtures.TempDir();
        var (code, stderr) = await RunAsync("bench", "--model", dir.FullName, "--audio", Fixtures.Path("audio/espeak/en01.wav"), "--plot", dir.File("x.gif"));

        Assert.Equal(2, code);
        Assert.Contains(".png", stderr, StringComparison.Ordinal);
    }
}
