using System.IO.Compression;
using System.Text.Json.Nodes;
using Hark.Audio;
using Hark.Checkpoints;

namespace Hark.Tests.Fuzz;

/// <summary>Sizes declared by a file are bounded before anything is allocated from them; pipes never hang a run.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class StructuralLimitTests
{
    private static void SetConfig(string folder, string field, long value)
    {
        var path = Path.Combine(folder, "config.json");
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        json[field] = value;
        File.WriteAllText(path, json.ToJsonString());
    }

    [Theory]
    [InlineData("encoder_layers", 1_000_000_000L, "expected at most")]
    [InlineData("decoder_layers", 1_000_000L, "expected at most")]
    [InlineData("encoder_layers", 1000L, "holds 2")]
    [InlineData("vocab_size", 2_000_000_000L, "expected at most")]
    [InlineData("d_model", 1_000_000L, "expected at most")]
    public async Task A_config_claiming_huge_sizes_fails_in_one_line_before_allocating(string field, long value, string expected)
    {
        using var dir = Fixtures.TempDir();
        var folder = HostileKit.WriteHfFolder(dir);
        SetConfig(folder, field, value);
        var before = GC.GetTotalAllocatedBytes(precise: false);
        var e = Assert.ThrowsAny<HarkInputException>(() => WhisperCheckpoint.Open(folder).Dispose());
        Assert.True(GC.GetTotalAllocatedBytes(precise: false) - before < 64L << 20);
        Assert.Contains(field, e.Message);
        Assert.Contains(expected, e.Message);
        Assert.Contains("config.json", e.Message);
        foreach (var args in new[] { new[] { "inspect", folder }, ["convert", folder, "--to", "ct2", "-o", dir.File("out")] })
        {
            var (code, stderr, _) = await HostileKit.RunAsync(args);
            Assert.Equal(2, code);
            HostileKit.AssertOneCleanLine(stderr, string.Join(' ', args));
        }
    }

    [UnixFact]
    public async Task A_fifo_nobody_writes_is_refused_by_inspect_transcribe_and_the_audio_loader()
    {
        using var dir = Fixtures.TempDir();
        var fifo = dir.File("talk.wav");
        HostileKit.MakeFifo(fifo);
        var e = Assert.Throws<HarkInputException>(() => AudioLoader.OpenStream(fifo).Dispose());
        Assert.Contains("FIFO", e.Message);
        var folder = HostileKit.WriteHfFolder(dir);
        foreach (var args in new[] { new[] { "inspect", fifo }, ["transcribe", fifo, "--model", folder] })
        {
            var (code, stderr, _) = await HostileKit.RunAsync(args);
            Assert.Equal(2, code);
            Assert.Contains("FIFO", stderr);
            HostileKit.AssertOneCleanLine(stderr, args[0]);
        }
    }

    [UnixFact]
    public async Task A_fifo_in_place_of_config_json_is_refused()
    {
        using var dir = Fixtures.TempDir();
        var folder = HostileKit.WriteHfFolder(dir);
        File.Delete(Path.Combine(folder, "config.json"));
        HostileKit.MakeFifo(Path.Combine(folder, "config.json"));
        var (code, stderr, _) = await HostileKit.RunAsync("inspect", folder);
        Assert.Equal(2, code);
        Assert.Contains("FIFO", stderr);
    }

    [Fact]
    public void A_zip_record_inflating_beyond_its_declared_size_is_refused()
    {
        using var dir = Fixtures.TempDir();
        var folder = HostileKit.WriteHfFolder(dir, dtype: DType.F32, pytorchBin: true);
        InflateRecordsBeyondTheirSize(Path.Combine(folder, PytorchBinWriter.FileName));
        using var checkpoint = WhisperCheckpoint.Open(folder);
        const string Name = "encoder.conv1.weight";
        var buffer = new float[checkpoint.Tensors.Tensors[Name].ElementCount];
        var e = Assert.ThrowsAny<HarkInputException>(() => checkpoint.Tensors.ReadFloat32(Name, buffer));
        Assert.Contains("declared size", e.Message);
    }

    /// <summary>
    /// Re-deflates the archive with 1 MiB appended to every storage record while keeping its declared (central and
    /// local) size: what a zip bomb or a bad-CRC record looks like to a reader.
    /// </summary>
    private static void InflateRecordsBeyondTheirSize(string bin)
    {
        var copy = bin + ".src";
        File.Move(bin, copy);
        var sizes = new Dictionary<string, uint>();
        using (var input = ZipFile.OpenRead(copy))
        using (var output = ZipFile.Open(bin, ZipArchiveMode.Create))
        {
            foreach (var entry in input.Entries)
            {
                using var from = entry.Open();
                var data = new MemoryStream();
                from.CopyTo(data);
                if (entry.FullName.Contains("/data/", StringComparison.Ordinal))
                {
                    sizes[entry.FullName] = (uint)data.Length;
                    data.Write(new byte[1 << 20]);
                }
                var to = output.CreateEntry(entry.FullName, CompressionLevel.Fastest);
                using var w = to.Open();
                data.Position = 0;
                data.CopyTo(w);
            }
        }
        File.Delete(copy);
        var bytes = File.ReadAllBytes(bin);
        foreach (var (name, size) in sizes) PatchDeclaredSize(bytes, name, size);
        File.WriteAllBytes(bin, bytes);
    }

    private static void PatchDeclaredSize(byte[] bytes, string name, uint size)
    {
        var nameBytes = System.Text.Encoding.UTF8.GetBytes(name);
        for (var i = 0; i + 46 + nameBytes.Length < bytes.Length; i++)
        {
            var sig = BitConverter.ToUInt32(bytes, i);
            if (sig == 0x04034b50 && BitConverter.ToUInt16(bytes, i + 26) == nameBytes.Length && bytes.AsSpan(i + 30, nameBytes.Length).SequenceEqual(nameBytes))
                BitConverter.TryWriteBytes(bytes.AsSpan(i + 22), size);
            if (sig == 0x02014b50 && BitConverter.ToUInt16(bytes, i + 28) == nameBytes.Length && bytes.AsSpan(i + 46, nameBytes.Length).SequenceEqual(nameBytes))
                BitConverter.TryWriteBytes(bytes.AsSpan(i + 24), size);
        }
    }
}
