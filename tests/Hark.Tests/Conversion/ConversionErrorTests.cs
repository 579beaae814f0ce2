using Hark.Checkpoints;
using Hark.Conversion;

namespace Hark.Tests.Conversion;

public sealed class ConversionErrorTests
{
    public static TheoryData<string> Targets => ["ct2", "ggml"];

    [Theory]
    [InlineData("ct2", "q5_1")]
    [InlineData("ggml", "int8_float16")]
    public async Task Unsupported_quantization_names_the_accepted_ones(string target, string quantization)
    {
        using var dir = Fixtures.TempDir();
        using var model = TestModels.Random();
        var converter = ConverterCatalog.Get(target);
        var e = await Assert.ThrowsAsync<HarkInputException>(() =>
            converter.ConvertAsync(model, dir.File("out"), new ConversionOptions { Quantization = quantization }));
        Assert.Contains(quantization, e.Message);
        foreach (var accepted in converter.Quantizations) Assert.Contains(accepted, e.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.FullName));
    }

    [Fact]
    public void Unknown_target_lists_ct2_and_ggml()
    {
        var e = Assert.Throws<HarkInputException>(() => ConverterCatalog.Get("tflite"));
        Assert.Contains("ct2", e.Message);
        Assert.Contains("ggml", e.Message);
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Missing_tensors_are_all_named_in_one_error(string target)
    {
        using var dir = Fixtures.TempDir();
        var config = WhisperPresets.Get("test");
        var full = InMemoryTensorSource.CopyOf(new RandomWhisperWeights(config, 1));
        var partial = new InMemoryTensorSource();
        string[] dropped = ["encoder.layers.0.self_attn.k_proj.weight", "decoder.layers.1.fc2.bias", "decoder.embed_tokens.weight"];
        foreach (var (name, info) in full.Tensors)
            if (!dropped.Contains(name)) partial.Add(name, full.Get(name), [.. info.Shape]);
        using var model = TestModels.FromTensors(config, partial);
        var e = await Assert.ThrowsAsync<HarkInputException>(() =>
            ConverterCatalog.Get(target).ConvertAsync(model, dir.File("out"), new ConversionOptions()));
        foreach (var name in dropped) Assert.Contains(name, e.Message);
        Assert.Contains("3 problems", e.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.FullName));
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Existing_output_needs_force_and_is_replaced_with_it(string target)
    {
        using var dir = Fixtures.TempDir();
        using var model = TestModels.Random();
        var output = dir.File("out");
        File.WriteAllText(output, "old");
        var converter = ConverterCatalog.Get(target);
        var e = await Assert.ThrowsAsync<HarkInputException>(() => converter.ConvertAsync(model, output, new ConversionOptions()));
        Assert.Contains("--force", e.Message);
        Assert.Equal("old", File.ReadAllText(output));

        await converter.ConvertAsync(model, output, new ConversionOptions { Force = true });
        Assert.True(Directory.Exists(output) || new FileInfo(output).Length > 1000);
        Assert.Single(Directory.EnumerateFileSystemEntries(dir.FullName));
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Unwritable_output_fails_with_an_input_error_and_leaves_nothing(string target)
    {
        using var dir = Fixtures.TempDir();
        using var model = TestModels.Random();
        File.WriteAllText(dir.File("afile"), "x");
        var output = Path.Combine(dir.File("afile"), "model"); // parent is a file
        var e = await Assert.ThrowsAsync<HarkInputException>(() =>
            ConverterCatalog.Get(target).ConvertAsync(model, output, new ConversionOptions()));
        Assert.Contains("--output", e.Message);
        Assert.Equal(["afile"], Directory.EnumerateFileSystemEntries(dir.FullName).Select(Path.GetFileName));
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task A_failure_while_writing_leaves_no_partial_output(string target)
    {
        using var dir = Fixtures.TempDir();
        var config = WhisperPresets.Get("test");
        using var model = TestModels.FromTensors(config, new FailingSource(new RandomWhisperWeights(config, 1), "decoder.layers.1.fc1.weight"));
        var e = await Assert.ThrowsAsync<HarkException>(() =>
            ConverterCatalog.Get(target).ConvertAsync(model, dir.File("out"), new ConversionOptions()));
        Assert.Contains("no space left on device", e.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.FullName));
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Cancellation_leaves_no_partial_output(string target)
    {
        using var dir = Fixtures.TempDir();
        using var model = TestModels.Random();
        using var cts = new CancellationTokenSource();
        var progress = new SyncProgress(p => { if (p.TensorsDone == 3) cts.Cancel(); });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            ConverterCatalog.Get(target).ConvertAsync(model, dir.File("out"), new ConversionOptions(), progress, cts.Token));
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.FullName));
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Progress_counts_every_tensor_once(string target)
    {
        using var dir = Fixtures.TempDir();
        using var model = TestModels.Random();
        var seen = new List<ConversionProgress>();
        await ConverterCatalog.Get(target).ConvertAsync(model, dir.File("out"), new ConversionOptions(), new SyncProgress(seen.Add));
        Assert.Equal(Enumerable.Range(1, seen.Count), seen.Select(p => p.TensorsDone));
        Assert.All(seen, p => Assert.Equal(seen.Count, p.TensorsTotal));
    }

    private sealed class SyncProgress(Action<ConversionProgress> onReport) : IProgress<ConversionProgress>
    {
        public void Report(ConversionProgress value) => onReport(value);
    }

    /// <summary>Simulates a disk or source failure midway through a conversion.</summary>
    private sealed class FailingSource(ITensorSource inner, string failOn) : ITensorSource
    {
        public IReadOnlyDictionary<string, TensorInfo> Tensors => inner.Tensors;
        public void ReadBytes(string name, Span<byte> destination) => inner.ReadBytes(name, destination);
        public void ReadFloat32(string name, Span<float> destination)
        {
            if (name == failOn) throw new IOException("simulated: no space left on device");
            inner.ReadFloat32(name, destination);
        }
        public void Dispose() => inner.Dispose();
    }
}
