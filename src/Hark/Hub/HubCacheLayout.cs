using System.Text.RegularExpressions;
using Hark.IO;

namespace Hark.Hub;

/// <summary>
/// One repo's folder in the Hugging Face hub cache, laid out exactly as <c>huggingface_hub</c> does:
/// <c>models--ORG--NAME/blobs/ETAG</c> holds contents, <c>snapshots/COMMIT/FILE</c> are relative symlinks to them,
/// <c>refs/REVISION</c> holds the commit a branch or tag pointed at, <c>.no_exist/COMMIT/FILE</c> records files the
/// hub said are absent; locks live in <c>CACHE/.locks/models--ORG--NAME/ETAG.lock</c>.
/// </summary>
internal sealed partial class HubCacheLayout
{
    public HubCacheLayout(string cacheDirectory, string repoId)
    {
        CacheDirectory = cacheDirectory;
        FolderName = "models--" + repoId.Replace("/", "--", StringComparison.Ordinal);
        RepoFolder = Path.Combine(cacheDirectory, FolderName);
    }

    public string CacheDirectory { get; }

    public string FolderName { get; }

    public string RepoFolder { get; }

    public static bool IsCommitHash(string revision) => CommitPattern().IsMatch(revision);

    public string BlobPath(string etag) => Path.Combine(RepoFolder, "blobs", etag);

    public string IncompletePath(string etag) => BlobPath(etag) + ".incomplete";

    public string SnapshotFolder(string commit) => Path.Combine(RepoFolder, "snapshots", commit);

    public string SnapshotFile(string commit, string file) => Path.Combine(SnapshotFolder(commit), Local(file));

    public string NoExistPath(string commit, string file) => Path.Combine(RepoFolder, ".no_exist", commit, Local(file));

    public string LockPath(string etag) => Path.Combine(CacheDirectory, ".locks", FolderName, etag + ".lock");

    private string RefPath(string revision) => Path.Combine(RepoFolder, "refs", Local(revision));

    private static string Local(string repoPath) => repoPath.Replace('/', Path.DirectorySeparatorChar);

    /// <summary>The commit <paramref name="revision"/> resolves to in the cache: itself for a commit hash, else its ref.</summary>
    public string? ResolveCommit(string revision)
    {
        if (IsCommitHash(revision)) return revision;
        try
        {
            var text = File.ReadAllText(RefPath(revision)).Trim();
            return IsCommitHash(text) ? text : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Records that <paramref name="revision"/> points at <paramref name="commit"/> (no file for a commit hash, as huggingface_hub).</summary>
    public void WriteRef(string revision, string commit)
    {
        if (revision == commit) return;
        var path = RefPath(revision);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (File.Exists(path) && File.ReadAllText(path) == commit) return;
        AtomicOutput.WriteText(path, commit);
    }

    /// <summary>Points <c>snapshots/COMMIT/FILE</c> at <c>blobs/ETAG</c> with a relative symlink; copies where links are not allowed.</summary>
    public void LinkSnapshot(string commit, string file, string etag)
    {
        var link = SnapshotFile(commit, file);
        Directory.CreateDirectory(Path.GetDirectoryName(link)!);
        var blob = BlobPath(etag);
        var target = Path.GetRelativePath(Path.GetDirectoryName(link)!, blob);
        var existing = new FileInfo(link);
        if (existing.LinkTarget == target || (existing.Exists && existing.LinkTarget is null && existing.Length == new FileInfo(blob).Length)) return;

        AtomicOutput.Place(link, temp =>
        {
            try
            {
                File.CreateSymbolicLink(temp, target);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or PlatformNotSupportedException)
            {
                File.Copy(blob, temp);   // Windows without developer mode: huggingface_hub copies too
            }
        });
    }

    /// <summary>Records that <paramref name="file"/> does not exist at <paramref name="commit"/>.</summary>
    public void MarkMissing(string commit, string file)
    {
        var path = NoExistPath(commit, file);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (!File.Exists(path)) File.WriteAllBytes(path, []);
    }

    /// <summary>True when the hub said <paramref name="file"/> is absent at <paramref name="commit"/>.</summary>
    public bool IsKnownMissing(string commit, string file) => File.Exists(NoExistPath(commit, file));

    /// <summary>True when the snapshot holds <paramref name="file"/> and its blob is present.</summary>
    public bool HasFile(string commit, string file)
    {
        var link = new FileInfo(SnapshotFile(commit, file));
        if (link.LinkTarget is null) return link.Exists;
        return File.Exists(Path.Combine(link.DirectoryName!, link.LinkTarget));
    }

    [GeneratedRegex("^[0-9a-f]{40}$")]
    private static partial Regex CommitPattern();
}
