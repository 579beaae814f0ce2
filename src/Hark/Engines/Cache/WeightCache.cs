namespace Hark.Engines.Cache;

/// <summary>
/// Where the managed CPU engine keeps weights it has already converted and packed, so that a later load of the same
/// source at the same precision maps them instead of converting again (<see cref="ManagedEngineOptions.WeightCache"/>).
/// One file per source content × precision × packing layout, written atomically; a damaged or stale file is rebuilt.
/// </summary>
public sealed class WeightCache
{
    /// <summary>Environment variable that overrides the cache folder.</summary>
    public const string EnvironmentVariable = "HARK_CACHE";

    /// <summary>Sub-folder of the cache folder holding packed weights.</summary>
    internal const string WeightsFolder = "packed-weights";

    /// <summary>File extension of one entry.</summary>
    internal const string Extension = ".hkpw";

    /// <summary>Uses <paramref name="directory"/> as Hark's cache folder (created on first write).</summary>
    public WeightCache(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory = Path.GetFullPath(directory);
    }

    /// <summary>Hark's cache folder; entries live in its <c>packed-weights</c> sub-folder.</summary>
    public string Directory { get; }

    /// <summary>
    /// The cache folder the environment names: <c>HARK_CACHE</c>, else <c>hark</c> beside the Hugging Face hub cache
    /// (<c>$HF_HOME/hark</c>, <c>HF_HOME</c> defaulting to <c>$XDG_CACHE_HOME/huggingface</c> or <c>~/.cache/huggingface</c>).
    /// </summary>
    public static WeightCache FromEnvironment(IReadOnlyDictionary<string, string>? environment = null)
    {
        string? Get(string name) =>
            environment is not null
                ? environment.TryGetValue(name, out var v) && !string.IsNullOrWhiteSpace(v) ? v : null
                : Environment.GetEnvironmentVariable(name) is { Length: > 0 } e ? e : null;
        if (Get(EnvironmentVariable) is { } explicitFolder) return new WeightCache(explicitFolder);
        var home = Get("HF_HOME") ?? Path.Combine(
            Get("XDG_CACHE_HOME") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"), "huggingface");
        return new WeightCache(Path.Combine(home, "hark"));
    }

    /// <summary>
    /// The weights of a model folder as a cache source: a content fingerprint of <c>config.json</c>, every
    /// <c>*.safetensors</c>, the shard index and <c>pytorch_model.bin</c> (a hub blob's SHA-256 name, a whole-file hash up
    /// to 32 MiB, else the header plus 4 KiB sampled from every MiB), for <see cref="ManagedEngineOptions.CacheSource"/>.
    /// </summary>
    /// <exception cref="HarkInputException">The folder holds no weight file, or one cannot be read.</exception>
    public static WeightSource Fingerprint(string folder) => new(Path.GetFullPath(folder), FolderFingerprint.ForFolder(folder));

    /// <summary>The entries present, newest first. Unreadable files are listed with what the file system says.</summary>
    public IReadOnlyList<WeightCacheEntry> List()
    {
        var folder = Path.Combine(Directory, WeightsFolder);
        if (!System.IO.Directory.Exists(folder)) return [];
        var entries = new List<WeightCacheEntry>();
        foreach (var file in new DirectoryInfo(folder).EnumerateFiles("*" + Extension))
        {
            var read = PackedWeightsFile.TryReadHeader(file.FullName);
            entries.Add(new WeightCacheEntry(file.FullName, read?.Header.Source ?? "?", read?.Header.Precision ?? "?", file.Length,
                file.LastWriteTimeUtc, read is { } r && r.Length == file.Length));
        }
        return entries.OrderByDescending(e => e.Written).ToList();
    }

    /// <summary>Deletes every entry (and stray temporary files); returns the bytes freed. A file mapped by a running
    /// process stays readable to it until it closes (Unix), or is skipped where the OS refuses (Windows).</summary>
    public long Clear()
    {
        var folder = Path.Combine(Directory, WeightsFolder);
        if (!System.IO.Directory.Exists(folder)) return 0;
        long freed = 0;
        foreach (var file in new DirectoryInfo(folder).EnumerateFiles())
        {
            try
            {
                var length = file.Length;
                file.Delete();
                freed += length;
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return freed;
    }

    /// <summary>The file of the entry keyed <paramref name="key"/>.</summary>
    internal string EntryPath(string key) => Path.Combine(Directory, WeightsFolder, key + Extension);
}
