using Hark.Checkpoints;
using Hark.Engines;
using Hark.Engines.Backends;
using Hark.Engines.Cache;
using Hark.Tests.Transcription;

namespace Hark.Tests.Engines;

/// <summary>The managed engine's packed-weight cache: hits, misses, keys, damaged entries, concurrent writers.</summary>
[Collection(EngineCollection.Name)]
public sealed class WeightCacheTests : IDisposable
{
    private readonly RandomModelFolder _model = new();
    private readonly TempDir _cacheDir = Fixtures.TempDir();

    private WeightCache Cache => new(_cacheDir.FullName);

    private string[] Entries => Directory.Exists(Path.Combine(_cacheDir.FullName, WeightCache.WeightsFolder))
        ? Directory.GetFiles(Path.Combine(_cacheDir.FullName, WeightCache.WeightsFolder))
        : [];

    public void Dispose()
    {
        _model.Dispose();
        _cacheDir.Dispose();
    }

    private ManagedEngine Load(ComputePrecision precision, bool cached = true, bool convertAtLoad = false, string? folder = null)
    {
        folder ??= _model.Folder;
        using var checkpoint = WhisperCheckpoint.Open(folder);
        // The engine copies or maps what it needs: a cached load must not depend on the checkpoint staying open.
        return ManagedEngine.Load(checkpoint.Config, checkpoint.Tensors, new ManagedEngineOptions
        {
            Precision = precision,
            Threads = 2,
            ConvertWeightsAtLoad = convertAtLoad,
            WeightCache = cached ? Cache : null,
            CacheSource = cached ? WeightCache.Fingerprint(folder) : null,
        });
    }

    [Fact]
    public void The_first_load_packs_and_writes_one_entry_and_the_next_maps_it()
    {
        using (var first = Load(ComputePrecision.Float16)) Assert.False(first.WeightsFromCache);
        var entry = Assert.Single(Entries);
        Assert.EndsWith(WeightCache.Extension, entry);
        using var second = Load(ComputePrecision.Float16);
        Assert.True(second.WeightsFromCache);
        var listed = Assert.Single(Cache.List());
        Assert.True(listed.Complete);
        Assert.Equal(Path.GetFullPath(_model.Folder), listed.Source);
    }

    [Theory]
    [InlineData(ComputePrecision.Float32, false)]
    [InlineData(ComputePrecision.Float16, false)]
    [InlineData(ComputePrecision.Float16, true)]
    [InlineData(ComputePrecision.BFloat16, false)]
    [InlineData(ComputePrecision.Int8, false)]
    public void Cached_weights_give_bit_identical_logits_to_packing_afresh(ComputePrecision precision, bool convertAtLoad)
    {
        float[][] expected;
        using (var uncached = Load(precision, cached: false, convertAtLoad)) expected = EngineTestData.TeacherForced(uncached, out _);
        using (var writing = Load(precision, convertAtLoad: convertAtLoad)) Assert.False(writing.WeightsFromCache);
        using var mapped = Load(precision, convertAtLoad: convertAtLoad);
        Assert.True(mapped.WeightsFromCache);

        var actual = EngineTestData.TeacherForced(mapped, out _);

        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i]);
    }

    [Fact]
    public void Each_precision_has_its_own_entry()
    {
        using (Load(ComputePrecision.Float32)) { }
        using (Load(ComputePrecision.Int8)) { }
        using (var again = Load(ComputePrecision.Int8)) Assert.True(again.WeightsFromCache);
        Assert.Equal(2, Entries.Length);
        var fingerprint = WeightCache.Fingerprint(_model.Folder).Fingerprint;
        var config = WhisperPresets.Get("test");
        Assert.NotEqual(CachedWeightStore.Key(fingerprint, config, TensorDType.Float16, TensorDType.Float16),
            CachedWeightStore.Key(fingerprint, config, TensorDType.Float32, TensorDType.Float16));
    }

    [Fact]
    public void The_key_follows_the_weights_content_not_their_path_or_timestamp()
    {
        var before = WeightCache.Fingerprint(_model.Folder).Fingerprint;
        using var copy = Fixtures.TempDir();
        foreach (var file in Directory.GetFiles(_model.Folder)) File.Copy(file, Path.Combine(copy.FullName, Path.GetFileName(file)));
        var weights = Path.Combine(copy.FullName, WhisperCheckpoint.SafetensorsFileName);
        File.SetLastWriteTimeUtc(weights, DateTime.UtcNow.AddDays(-3));
        Assert.Equal(before, WeightCache.Fingerprint(copy.FullName).Fingerprint);

        FlipByte(weights, new FileInfo(weights).Length / 2);

        Assert.NotEqual(before, WeightCache.Fingerprint(copy.FullName).Fingerprint);
    }

    [Fact]
    public void A_large_file_is_fingerprinted_by_header_and_samples_from_every_mebibyte()
    {
        using var dir = Fixtures.TempDir();
        var file = dir.File("model.safetensors");
        var bytes = new byte[40 << 20];
        new Random(1).NextBytes(bytes);
        File.WriteAllBytes(file, bytes);
        var before = WeightCache.Fingerprint(dir.FullName).Fingerprint;

        FlipByte(file, (17L << 20) + 100);   // inside the sample taken at 17 MiB

        Assert.NotEqual(before, WeightCache.Fingerprint(dir.FullName).Fingerprint);
    }

    [Fact]
    public void A_changed_source_misses_and_writes_a_new_entry()
    {
        using (Load(ComputePrecision.Float32)) { }
        var weights = Path.Combine(_model.Folder, WhisperCheckpoint.SafetensorsFileName);
        File.Delete(weights);
        using (var other = new RandomWhisperWeights(WhisperPresets.Get("test"), 8)) SafetensorsWriter.Write(weights, other);

        using var reloaded = Load(ComputePrecision.Float32);

        Assert.False(reloaded.WeightsFromCache);
        Assert.Equal(2, Entries.Length);
    }

    [Theory]
    [InlineData("truncated")]
    [InlineData("garbage")]
    [InlineData("empty")]
    public void A_damaged_entry_is_detected_and_rebuilt(string damage)
    {
        using (Load(ComputePrecision.Int8)) { }
        var entry = Assert.Single(Entries);
        var length = new FileInfo(entry).Length;
        switch (damage)
        {
            case "truncated":
                using (var stream = new FileStream(entry, FileMode.Open)) stream.SetLength(length - 4096);
                break;
            case "garbage":
                File.WriteAllBytes(entry, Enumerable.Range(0, 5000).Select(i => (byte)i).ToArray());
                break;
            default:
                File.WriteAllBytes(entry, []);
                break;
        }

        using (var rebuilt = Load(ComputePrecision.Int8)) Assert.False(rebuilt.WeightsFromCache);

        Assert.Equal(length, new FileInfo(Assert.Single(Entries)).Length);
        using var mapped = Load(ComputePrecision.Int8);
        Assert.True(mapped.WeightsFromCache);
    }

    [Fact]
    public async Task Two_loads_at_once_both_succeed_and_leave_one_complete_entry()
    {
        using var start = new Barrier(2);
        var loads = Enumerable.Range(0, 2).Select(i => Task.Run(() =>
        {
            start.SignalAndWait();
            using var engine = Load(ComputePrecision.Float16);
            return EngineTestData.TeacherForced(engine, out _);
        })).ToArray();

        var results = await Task.WhenAll(loads);

        Assert.Equal(results[0], results[1]);
        var entry = Assert.Single(Entries);   // no temporary file left behind either
        Assert.EndsWith(WeightCache.Extension, entry);
        using var mapped = Load(ComputePrecision.Float16);
        Assert.True(mapped.WeightsFromCache);
    }

    [Fact]
    public void A_temporary_entry_left_by_a_killed_load_is_removed_by_the_next_write_and_a_live_writers_is_kept()
    {
        using (Load(ComputePrecision.Int8)) { }
        var entry = Assert.Single(Entries);
        File.Delete(entry);
        // No process has id int.MaxValue (Linux caps ids at 2^22); this process is alive, however old its file.
        var prefix = Path.Combine(Path.GetDirectoryName(entry)!, "." + Path.GetFileName(entry) + ".hark-tmp-");
        var orphan = prefix + int.MaxValue + "-deadbeef";
        var live = prefix + Environment.ProcessId + "-0123abcd";
        File.WriteAllBytes(orphan, new byte[4096]);
        File.WriteAllBytes(live, new byte[4096]);
        File.SetLastWriteTimeUtc(live, DateTime.UtcNow.AddDays(-2));

        using (Load(ComputePrecision.Int8)) { }

        Assert.False(File.Exists(orphan));
        Assert.True(File.Exists(live));
        Assert.True(File.Exists(entry));
    }

    [Fact]
    public void Clear_removes_every_entry()
    {
        using (Load(ComputePrecision.Float32)) { }
        using (Load(ComputePrecision.Int8)) { }

        var freed = Cache.Clear();

        Assert.True(freed > 0);
        Assert.Empty(Entries);
        Assert.Empty(Cache.List());
    }

    [Fact]
    public void The_folder_comes_from_HARK_CACHE_else_beside_the_hub_cache()
    {
        Assert.Equal(Path.GetFullPath("/x/y"), WeightCache.FromEnvironment(new Dictionary<string, string> { ["HARK_CACHE"] = "/x/y", ["HF_HOME"] = "/h" }).Directory);
        Assert.Equal(Path.GetFullPath("/h/hark"), WeightCache.FromEnvironment(new Dictionary<string, string> { ["HF_HOME"] = "/h" }).Directory);
        Assert.Equal(Path.GetFullPath("/c/huggingface/hark"), WeightCache.FromEnvironment(new Dictionary<string, string> { ["XDG_CACHE_HOME"] = "/c" }).Directory);
    }

    private static void FlipByte(string path, long offset)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        stream.Position = offset;
        var b = stream.ReadByte();
        stream.Position = offset;
        stream.WriteByte((byte)(b ^ 0x5A));
    }
}
