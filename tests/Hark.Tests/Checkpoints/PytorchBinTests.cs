using System.IO.Compression;
using System.Text;
using Hark.Checkpoints;

namespace Hark.Tests.Checkpoints;

public class PytorchBinTests
{
    /// <summary>A torch-style zip with the given data.pkl and storage records.</summary>
    internal static byte[] Zip(byte[] pickle, params (string Name, byte[] Bytes)[] records) =>
        Zip(CompressionLevel.NoCompression, pickle, records);

    internal static byte[] Zip(CompressionLevel level, byte[] pickle, params (string Name, byte[] Bytes)[] records)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, bytes) in records.Prepend(("archive/data.pkl", pickle)))
            {
                using var s = zip.CreateEntry(name, level).Open();
                s.Write(bytes);
            }
        }
        return buffer.ToArray();
    }

    private static CheckpointFormatException OpenFails(byte[] bytes)
    {
        using var dir = Fixtures.TempDir();
        var path = CheckpointTestFiles.Save(dir, "pytorch_model.bin", bytes);
        var ex = Assert.Throws<CheckpointFormatException>(() => PytorchBinReader.Open(path).Dispose());
        Assert.True(ex.Message.Contains("pytorch_model.bin", StringComparison.Ordinal), ex.Message);
        return ex;
    }

    [Fact]
    public void Writer_output_reads_back_every_tensor_with_stored_records_in_torch_layout()
    {
        using var dir = Fixtures.TempDir();
        using var source = CheckpointTestFiles.SmallTensors();
        var path = dir.File("pytorch_model.bin");
        PytorchBinWriter.Write(path, source);
        using (var zip = ZipFile.OpenRead(path))
        {
            Assert.Equal("archive/data.pkl", zip.Entries[0].FullName);
            Assert.Contains(zip.Entries, e => e.FullName == "archive/version");
            Assert.All(zip.Entries, e => Assert.Equal(e.Length, e.CompressedLength)); // stored, as torch.save writes
        }
        using var reader = PytorchBinReader.Open(path);
        Assert.Equal(source.Tensors.Count, reader.MappedTensorCount); // stored records are read by offset
        Assert.Equal(source.Tensors.Keys, reader.Tensors.Keys);
        foreach (var (name, info) in source.Tensors)
        {
            Assert.Equal(info.Shape, reader.Tensors[name].Shape);
            var values = new float[info.ElementCount];
            reader.ReadFloat32(name, values);
            Assert.Equal(source.Get(name), values);
        }
    }

    /// <summary>
    /// What CPython's pickler emits (protocol 2, memo BINPUT/BINGET, TUPLE2/3, BUILD of the state dict's _metadata) for
    /// an OrderedDict whose embedding and tied output projection share storage "0" — the layout of a transformers
    /// <c>pytorch_model.bin</c>. Generated with stand-ins named like torch's classes.
    /// </summary>
    private const string CPythonTiedStateDict =
        "800263636f6c6c656374696f6e730a4f726465726564446963740a7100295271012858210000006d6f64656c2e6465636f6465722e656d62"
        + "65645f746f6b656e732e776569676874710263746f7263682e5f7574696c730a5f72656275696c645f74656e736f725f76320a7103282858"
        + "0700000073746f72616765710463746f7263680a466c6f617453746f726167650a71055801000000307106580300000063707571074b0674"
        + "7108514b004b024b038671094b034b0186710a8968002952710b74710c52710d580f00000070726f6a5f6f75742e776569676874710e6803"
        + "282868046805680668074b0674710f514b006809680a89680029527110747111527112757d711358090000005f6d65746164617461711468"
        + "0029527115580000000071167d7117580700000076657273696f6e71184b01737373622e";

    [Fact]
    public void CPython_pickle_with_memo_and_a_shared_storage_reads_both_views()
    {
        var values = new float[] { 1, 2, 3, 4, 5, 6 };
        var storage = System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
        using var dir = Fixtures.TempDir();
        var path = CheckpointTestFiles.Save(dir, "pytorch_model.bin", Zip(Convert.FromHexString(CPythonTiedStateDict), ("archive/data/0", storage)));
        using var reader = PytorchBinReader.Open(path);
        Assert.Equal(["model.decoder.embed_tokens.weight", "proj_out.weight"], reader.Tensors.Keys);
        Assert.True(reader.SharesBytes("model.decoder.embed_tokens.weight", "proj_out.weight"));
        var read = new float[6];
        reader.ReadFloat32("proj_out.weight", read);
        Assert.Equal(values, read);
        Assert.Equal([2L, 3L], reader.Tensors["proj_out.weight"].Shape);
    }

    [Fact]
    public void Compressed_records_are_streamed_instead_of_mapped()
    {
        using var source = CheckpointTestFiles.SmallTensors();
        var infos = source.Tensors.Values.ToList();
        var records = infos.Select((info, i) =>
        {
            var bytes = new byte[info.ByteCount];
            source.ReadBytes(info.Name, bytes);
            return ($"other/data/{i}", bytes);
        }).ToArray();
        var pickle = TorchPickleWriter.Write(infos);
        using var dir = Fixtures.TempDir();
        var zipBytes = Zip(CompressionLevel.Optimal, pickle, records);
        // Rename the archive folder: readers must take the prefix from data.pkl's entry, as torch does.
        var path = CheckpointTestFiles.Save(dir, "compressed.bin", zipBytes);
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Update))
        {
            var entry = zip.GetEntry("archive/data.pkl")!;
            var moved = zip.CreateEntry("other/data.pkl");
            using (var from = entry.Open()) using (var to = moved.Open()) from.CopyTo(to);
            entry.Delete();
        }
        using var reader = PytorchBinReader.Open(path);
        Assert.Equal(0, reader.MappedTensorCount);
        var weight = new float[12];
        reader.ReadFloat32("x.weight", weight);
        Assert.Equal(source.Get("x.weight"), weight);
    }

    [Theory]
    [InlineData("cos\nsystem\n", "os.system")]
    [InlineData("cbuiltins\neval\n", "builtins.eval")]
    [InlineData("ctorch\nload\n", "torch.load")]
    [InlineData("c__builtin__\nopen\n", "__builtin__.open")]
    public void Pickle_with_a_forbidden_global_is_refused_without_running_it(string global, string name)
    {
        var pickle = Encoding.Latin1.GetBytes("\u0080\u0002" + global + "X\u0002\u0000\u0000\u0000lst\u0085R.");
        var ex = OpenFails(Zip(pickle));
        Assert.Contains($"forbidden global '{name}'", ex.Message, StringComparison.Ordinal);
        Assert.Equal("data.pkl", ex.Field);
    }

    [Fact]
    public void Stack_global_forbidden_names_are_refused_too()
    {
        var pickle = Encoding.Latin1.GetBytes("\u0080\u0004\u008c\u000asubprocess\u008c\u0005Popen\u0093)R.");
        var ex = Assert.Throws<CheckpointFormatException>(() => RestrictedUnpickler.Load(pickle, "p"));
        Assert.Contains("subprocess.Popen", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Storage_record_shorter_than_declared_is_reported_with_the_tensor_name()
    {
        using var source = new InMemoryTensorSource();
        source.Add("w", [1f, 2f, 3f, 4f], 4);
        var pickle = TorchPickleWriter.Write([.. source.Tensors.Values]);
        var ex = OpenFails(Zip(pickle, ("archive/data/0", new byte[12])));
        Assert.Equal("w", ex.Field);
        Assert.Contains("the record holds 12", ex.Message, StringComparison.Ordinal);
        Assert.Contains("missing", OpenFails(Zip(pickle)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[] { 0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc }, "legacy")]
    [InlineData(new byte[] { (byte)'h', (byte)'i' }, "not a torch.save zip")]
    public void Non_zip_files_are_typed_errors(byte[] bytes, string expected) =>
        Assert.Contains(expected, OpenFails(bytes).Message, StringComparison.Ordinal);

    [Fact]
    public void Zip_without_data_pkl_is_not_a_torch_file()
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true)) zip.CreateEntry("x/other.txt");
        Assert.Contains("data.pkl", OpenFails(buffer.ToArray()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Non_contiguous_and_out_of_bounds_views_are_refused()
    {
        // _rebuild_tensor_v2(storage(4 floats), offset, size, stride, False, OrderedDict())
        static byte[] Pickle(int offset, string size, string stride) => Encoding.Latin1.GetBytes(
            "\u0080\u0002ccollections\nOrderedDict\n)R(X\u0001\u0000\u0000\u0000w" + "ctorch._utils\n_rebuild_tensor_v2\n("
            + "(X\u0007\u0000\u0000\u0000storagectorch\nFloatStorage\nX\u0001\u0000\u0000\u00000X\u0003\u0000\u0000\u0000cpuK\u0004tQ"
            + $"K{(char)offset}{size}{stride}\u0089ccollections\nOrderedDict\n)RtRu.");
        var storage = ("archive/data/0", new byte[16]);
        var message = OpenFails(Zip(Pickle(0, "(K\u0002K\u0002t", "(K\u0001K\u0002t"), storage)).Message;
        Assert.True(message.Contains("not contiguous", StringComparison.Ordinal), message);
        Assert.Contains("outside storage", OpenFails(Zip(Pickle(2, "(K\u0004t", "(K\u0001t"), storage)).Message, StringComparison.Ordinal);
        using var dir = Fixtures.TempDir();
        var path = CheckpointTestFiles.Save(dir, "ok.bin", Zip(Pickle(1, "(K\u0003t", "(K\u0001t"), storage));
        using var reader = PytorchBinReader.Open(path);
        Assert.Equal([3L], reader.Tensors["w"].Shape);
    }
}
