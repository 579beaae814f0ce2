using System.Buffers.Binary;
using Hark.Checkpoints;

namespace Hark.Tests.Checkpoints;

public class SafetensorsTests
{
    private static CheckpointFormatException OpenFails(byte[] bytes, string name = "bad.safetensors")
    {
        using var dir = Fixtures.TempDir();
        var path = CheckpointTestFiles.Save(dir, name, bytes);
        var ex = Assert.Throws<CheckpointFormatException>(() => SafetensorsReader.Open(path).Dispose());
        Assert.Contains(name, ex.Message, StringComparison.Ordinal);
        return ex;
    }

    [Fact]
    public void Valid_file_exposes_tensors_lazily_and_reads_their_bytes()
    {
        using var dir = Fixtures.TempDir();
        var path = CheckpointTestFiles.Save(dir, "ok.safetensors", CheckpointTestFiles.ValidSafetensors());
        using var reader = SafetensorsReader.Open(path);
        Assert.Equal(2, reader.Tensors.Count); // __metadata__ is not a tensor
        Assert.Equal(DType.F16, reader.Tensors["b"].DType);
        Assert.Equal([2L, 3L], reader.Tensors["a"].Shape);
        var bytes = new byte[8];
        reader.ReadBytes("b", bytes);
        Assert.Equal(Enumerable.Range(24, 8).Select(i => (byte)i), bytes);
        Assert.Throws<HarkInputException>(() => reader.ReadBytes("a", new byte[3]));
        Assert.Throws<HarkInputException>(() => reader.ReadBytes("nope", new byte[3]));
    }

    [Fact]
    public void Truncated_file_names_the_file_and_the_expected_length()
    {
        var ex = OpenFails([1, 2, 3]);
        Assert.Contains("expected at least 8", ex.Message, StringComparison.Ordinal);
        Assert.Equal("header length", ex.Field);
    }

    [Fact]
    public void Header_length_past_the_end_of_the_file_is_refused()
    {
        var ex = OpenFails(CheckpointTestFiles.Safetensors("{}", [], claimedLength: 1000));
        Assert.Contains("runs past the end of the file", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Huge_header_length_is_refused_before_allocating()
    {
        var bytes = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, ulong.MaxValue - 5);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var ex = OpenFails(bytes);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
        Assert.Contains("exceeds", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_data_section_reports_offsets_out_of_range()
    {
        var valid = CheckpointTestFiles.ValidSafetensors();
        var ex = OpenFails(valid[..^4]);
        Assert.Equal("b", ex.Field);
        Assert.Contains("run past the data section (28 bytes)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_json_header_is_a_typed_error()
    {
        var ex = OpenFails(CheckpointTestFiles.Safetensors("{\"a\": {\"dtype\": ", []));
        Assert.Contains("malformed JSON header", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Overlapping_offsets_name_both_tensors()
    {
        var ex = OpenFails(CheckpointTestFiles.Safetensors(
            """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", new byte[12]));
        Assert.Equal("b", ex.Field);
        Assert.Contains("overlap those of 'a'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Byte_count_must_equal_shape_times_dtype_size()
    {
        var ex = OpenFails(CheckpointTestFiles.Safetensors(
            """{"a":{"dtype":"F16","shape":[2,3],"data_offsets":[0,8]}}""", new byte[8]));
        Assert.Equal("a", ex.Field);
        Assert.Contains("needs 12 bytes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_dtype_is_named()
    {
        var ex = OpenFails(CheckpointTestFiles.Safetensors("""{"a":{"dtype":"F8_E4M3","shape":[2],"data_offsets":[0,2]}}""", new byte[2]));
        Assert.Contains("unknown dtype 'F8_E4M3'", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}""", "shape entry 0")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}""", "end before they begin")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1]}}""", "data_offsets")]
    [InlineData("""{"a":[1,2]}""", "expected an object")]
    [InlineData("""[1]""", "must be a JSON object")]
    [InlineData("""{"a":{"dtype":"F32","shape":[4294967296,4294967296,4294967296],"data_offsets":[0,4]}}""", "too large")]
    public void Malformed_entries_are_typed_errors(string header, string expected)
    {
        var ex = OpenFails(CheckpointTestFiles.Safetensors(header, new byte[4]));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Writer_round_trips_names_dtypes_shapes_and_bytes_with_an_aligned_data_section()
    {
        using var dir = Fixtures.TempDir();
        using var source = CheckpointTestFiles.SmallTensors();
        var path = dir.File("w.safetensors");
        SafetensorsWriter.Write(path, source);
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(File.ReadAllBytes(path).AsSpan(0, 8));
        Assert.Equal(0UL, headerLength % 8);
        using var reader = SafetensorsReader.Open(path);
        Assert.Equal(source.Tensors.Keys, reader.Tensors.Keys);
        foreach (var (name, info) in source.Tensors)
        {
            Assert.Equal(info.Shape, reader.Tensors[name].Shape);
            var values = new float[info.ElementCount];
            reader.ReadFloat32(name, values);
            Assert.Equal(source.Get(name), values);
        }
        Assert.Empty(Directory.GetFiles(dir.FullName, ".*tmp*")); // no temp file left behind
    }

    [Fact]
    public void Sharded_writer_and_reader_agree_and_the_index_is_checked()
    {
        using var dir = Fixtures.TempDir();
        using var source = CheckpointTestFiles.SmallTensors();
        var files = SafetensorsWriter.WriteSharded(dir.FullName, source, 3);
        Assert.Equal(["model-00001-of-00003.safetensors", "model-00002-of-00003.safetensors", "model-00003-of-00003.safetensors"], files);
        var index = dir.File(SafetensorsWriter.IndexFileName);
        using (var reader = ShardedSafetensorsReader.Open(index))
        {
            Assert.Equal(source.Tensors.Keys.Order(), reader.Tensors.Keys.Order());
            var bias = new float[3];
            reader.ReadFloat32("x.bias", bias);
            Assert.Equal(source.Get("x.bias"), bias);
        }
        File.WriteAllText(index, """{"weight_map":{"x.bias":"model-00001-of-00003.safetensors"}}""");
        var ex = Assert.Throws<CheckpointFormatException>(() => ShardedSafetensorsReader.Open(index));
        Assert.Equal("x.bias", ex.Field);
        File.WriteAllText(index, """{"weight_map":{"x.bias":"../elsewhere.safetensors"}}""");
        Assert.Throws<CheckpointFormatException>(() => ShardedSafetensorsReader.Open(index));
        File.WriteAllText(index, """{"weight_map":{"x.bias":"model-00009-of-00009.safetensors"}}""");
        Assert.Contains("does not exist", Assert.Throws<CheckpointFormatException>(() => ShardedSafetensorsReader.Open(index)).Message, StringComparison.Ordinal);
    }
}
