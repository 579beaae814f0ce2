using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Compression;
using Hark.Checkpoints;

namespace Hark.Tests.Checkpoints;

/// <summary>
/// Mutation tests: random byte flips, truncations, insertions and length edits thrown at a valid safetensors header
/// and a valid torch pickle must end in success or a <see cref="HarkInputException"/>: never another exception type,
/// a hang or a large allocation.
/// </summary>
public class CorruptionTests
{
    private const int Cases = 2000;
    private const long MaxAllocationPerCase = 8 << 20;

    private static byte[] Mutate(byte[] valid, Random rng, int protectedPrefix = 0)
    {
        var bytes = (byte[])valid.Clone();
        switch (rng.Next(6))
        {
            case 0: // flip a few bytes anywhere
            case 1:
                for (var i = rng.Next(1, 4); i > 0; i--) bytes[rng.Next(protectedPrefix, bytes.Length)] ^= (byte)rng.Next(1, 256);
                return bytes;
            case 2: // truncate
                return bytes[..rng.Next(0, bytes.Length)];
            case 3: // insert random bytes
                var at = rng.Next(protectedPrefix, bytes.Length);
                var insert = new byte[rng.Next(1, 9)];
                rng.NextBytes(insert);
                return [.. bytes[..at], .. insert, .. bytes[at..]];
            case 4: // set a byte to a boundary value (lengths, counts)
                bytes[rng.Next(protectedPrefix, bytes.Length)] = (byte)(rng.Next(2) == 0 ? 0xFF : 0x00);
                return bytes;
            default: // delete a span
                var from = rng.Next(protectedPrefix, bytes.Length);
                var to = Math.Min(bytes.Length, from + rng.Next(1, 16));
                return [.. bytes[..from], .. bytes[to..]];
        }
    }

    private static void ExpectOnlyInputErrors(Action action, byte[] input, int seed)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            action();
        }
        catch (HarkInputException)
        {
        }
        catch (Exception ex)
        {
            Assert.Fail($"case {seed}: {ex.GetType().Name}: {ex.Message}\ninput: {Convert.ToHexString(input)}");
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < MaxAllocationPerCase, $"case {seed} allocated {allocated} bytes");
    }

    [Fact]
    public void Corrupted_safetensors_headers_raise_only_typed_errors()
    {
        using var source = CheckpointTestFiles.SmallTensors();
        using var dir = Fixtures.TempDir();
        var path = dir.File("valid.safetensors");
        SafetensorsWriter.Write(path, source);
        var valid = File.ReadAllBytes(path);
        var headerEnd = 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(valid);
        var rng = new Random(20261124);
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < Cases; i++)
        {
            byte[] bytes;
            if (i % 5 == 0)
            {
                // Edit the length prefix itself: off by a little, or wildly.
                bytes = (byte[])valid.Clone();
                var length = rng.Next(3) switch
                {
                    0 => (ulong)(headerEnd - 8 + rng.Next(-16, 17)),
                    1 => (ulong)rng.NextInt64(),
                    _ => ulong.MaxValue - (ulong)rng.Next(100),
                };
                BinaryPrimitives.WriteUInt64LittleEndian(bytes, length);
            }
            else
            {
                // Mostly corrupt the header region, where the parser works.
                bytes = Mutate(valid[..headerEnd], rng);
                bytes = [.. bytes, .. valid[headerEnd..]];
            }
            ExpectOnlyInputErrors(() =>
            {
                using var stream = new MemoryStream(bytes, writable: false);
                var header = SafetensorsHeader.Read(stream, "mutant.safetensors");
                Assert.All(header.Entries.Values, e => Assert.InRange(e.Begin + e.Info.ByteCount, 0, bytes.Length - header.DataStart));
            }, bytes, i);
            if (i % 100 == 0)
            {
                // The full reader (memory map, reads) on a real file now and then.
                File.WriteAllBytes(path, bytes);
                ExpectOnlyInputErrors(() =>
                {
                    using var reader = SafetensorsReader.Open(path);
                    foreach (var (name, info) in reader.Tensors) reader.ReadBytes(name, new byte[info.ByteCount]);
                }, bytes, i);
            }
        }
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"{Cases} cases took {watch.Elapsed}");
    }

    [Fact]
    public void Corrupted_torch_pickles_raise_only_typed_errors()
    {
        using var source = CheckpointTestFiles.SmallTensors();
        var infos = source.Tensors.Values.ToList();
        var valid = TorchPickleWriter.Write(infos);
        // Real storage records for the keys the valid pickle names, so surviving mutants are resolved against a zip.
        using var buffer = new MemoryStream();
        using (var writer = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            for (var i = 0; i < infos.Count; i++)
            {
                using var s = writer.CreateEntry($"archive/data/{i}", CompressionLevel.NoCompression).Open();
                s.Write(new byte[infos[i].ByteCount]);
            }
        }
        buffer.Position = 0;
        using var zip = new ZipArchive(buffer, ZipArchiveMode.Read);
        var storages = zip.Entries.ToDictionary(e => e.FullName["archive/data/".Length..], e => e);

        Assert.Equal(infos.Count, TorchStateDict.Resolve(RestrictedUnpickler.Load(valid, "valid"), storages, "valid").Count);
        var rng = new Random(1124);
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < Cases; i++)
        {
            var bytes = Mutate(valid, rng, protectedPrefix: 2);
            ExpectOnlyInputErrors(() =>
            {
                var root = RestrictedUnpickler.Load(bytes, "mutant.bin");
                TorchStateDict.Resolve(root, storages, "mutant.bin");
            }, bytes, i);
        }
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"{Cases} cases took {watch.Elapsed}");
    }
}
