using System.Text;
using Hark;
using Hark.Hub;

namespace Hark.Tests.Hub;

public class ModelLocatorTests
{
    /// <summary>The cache as sorted lines in the format of hub-cache-layout.txt.</summary>
    private static List<string> Tree(string root)
    {
        var lines = new List<string>();
        void Walk(string dir)
        {
            foreach (var entry in Directory.EnumerateFileSystemEntries(dir))
            {
                var rel = Path.GetRelativePath(root, entry).Replace('\\', '/');
                var info = new FileInfo(entry);
                if (info.LinkTarget is { } target) lines.Add($"link  {rel} -> {target}");
                else if (Directory.Exists(entry)) { lines.Add($"dir   {rel}/"); Walk(entry); }
                else if (rel.Contains("/refs/", StringComparison.Ordinal)) lines.Add($"text  {rel} = {File.ReadAllText(entry)}");
                else if (info.Length == 0) lines.Add($"empty {rel}");
                else lines.Add($"file  {rel}");
            }
        }
        Walk(root);
        return lines.OrderBy(l => l[6..].Split(' ')[0], StringComparer.Ordinal).ToList();
    }

    private static List<string> Expected(FakeHub.Repo repo)
    {
        var text = File.ReadAllText(Path.Combine(Fixtures.RepoRoot, "tests", "Hark.Tests", "Hub", "hub-cache-layout.txt"));
        text = text.Replace("{commit}", repo.Commit, StringComparison.Ordinal);
        foreach (var file in repo.Files.Keys) text = text.Replace("{etag:" + file + "}", FakeHub.ETagOf(repo, file), StringComparison.Ordinal);
        return text.Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#')).OrderBy(l => l[6..].Split(' ')[0], StringComparer.Ordinal).ToList();
    }

    [Fact]
    public async Task An_alias_downloads_only_the_needed_files_into_huggingface_hub_layout()
    {
        using var kit = new HubTestKit();
        var folder = await kit.ResolveAsync("tiny");

        Assert.Equal(Path.Combine(kit.RepoFolder, "snapshots", kit.Repo.Commit), folder);
        Assert.Equal(Expected(kit.Repo), Tree(kit.Cache.FullName));
        Assert.Equal(kit.Repo.Files["model.safetensors"], await File.ReadAllBytesAsync(Path.Combine(folder, "model.safetensors")));
        Assert.Equal("{\"d_model\": 384}", await File.ReadAllTextAsync(Path.Combine(folder, "config.json")));

        // No flax, TensorFlow or PyTorch weights, no README: not even asked about.
        foreach (var skipped in new[] { "pytorch_model.bin", "flax_model.msgpack", "tf_model.h5", "README.md" })
            Assert.DoesNotContain(kit.Hub.Log, l => l.Contains(skipped, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_cached_model_resolves_again_without_downloading_and_offline()
    {
        using var kit = new HubTestKit();
        var first = await kit.ResolveAsync("openai/whisper-tiny");
        var gets = kit.Requests("GET").Count();

        var logged = kit.Hub.Log.Count;
        Assert.Equal(first, await kit.ResolveAsync("openai/whisper-tiny@main"));
        // Online, only the revision is asked about again; files at a known commit are not.
        Assert.Equal(["HEAD /openai/whisper-tiny/resolve/main/config.json"], kit.Hub.Log.Skip(logged));
        Assert.Equal(gets, kit.Requests("GET").Count());

        var before = kit.Hub.Log.Count;
        Assert.Equal(first, await kit.ResolveAsync("tiny", kit.Options(offline: true)));
        Assert.Equal(before, kit.Hub.Log.Count);
    }

    [Fact]
    public async Task Offline_without_the_model_cached_fails_with_one_clear_line()
    {
        using var kit = new HubTestKit();
        var ex = await Assert.ThrowsAsync<HarkException>(() => kit.ResolveAsync("small", kit.Options(offline: true)));
        Assert.DoesNotContain('\n', ex.Message);
        Assert.Contains("openai/whisper-small@main", ex.Message);
        Assert.Contains("not in the cache", ex.Message);
        Assert.Contains("HF_HUB_OFFLINE", ex.Message);
        Assert.Contains("--model PATH", ex.Message);
        Assert.Empty(kit.Hub.Log);
    }

    [Fact]
    public async Task An_unreachable_hub_falls_back_to_the_cache_or_says_what_is_missing()
    {
        using var kit = new HubTestKit();
        var folder = await kit.ResolveAsync("tiny");
        var dead = kit.Options() with { Endpoint = new Uri("http://127.0.0.1:1") };
        Assert.Equal(folder, await kit.ResolveAsync("tiny", dead));

        var ex = await Assert.ThrowsAsync<HarkException>(() => kit.ResolveAsync("base", dead));
        Assert.Contains("unreachable", ex.Message);
        Assert.Contains("openai/whisper-base@main", ex.Message);
    }

    [Fact]
    public async Task A_revision_is_recorded_in_refs_and_a_commit_hash_needs_no_ref()
    {
        using var kit = new HubTestKit();
        const string v1 = "fedcba9876543210fedcba9876543210fedcba98";
        kit.Repo.Refs["v1.0"] = v1;
        kit.Repo.Commit = v1;   // the fake serves one tree; what matters is which commit each revision names
        var folder = await kit.ResolveAsync("openai/whisper-tiny@v1.0");
        Assert.EndsWith(v1, folder, StringComparison.Ordinal);
        Assert.Equal(v1, await File.ReadAllTextAsync(Path.Combine(kit.RepoFolder, "refs", "v1.0")));

        await kit.ResolveAsync($"openai/whisper-tiny@{v1}");
        Assert.Equal(["v1.0"], Directory.EnumerateFiles(Path.Combine(kit.RepoFolder, "refs")).Select(Path.GetFileName));
    }

    [Fact]
    public async Task An_interrupted_download_resumes_with_a_range_request()
    {
        using var kit = new HubTestKit();
        var sha = FakeHub.Sha256(kit.Repo.Files["model.safetensors"]);
        kit.Hub.AbortOnceAfter["model.safetensors"] = 70_000;
        var folder = await kit.ResolveAsync("tiny");

        Assert.Equal(kit.Repo.Files["model.safetensors"], await File.ReadAllBytesAsync(Path.Combine(folder, "model.safetensors")));
        var cdn = kit.Requests($"GET /cdn/{sha}").ToList();
        Assert.Equal(2, cdn.Count);
        Assert.EndsWith("bytes=70000-", cdn[1], StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(kit.RepoFolder, "blobs"), "*.incomplete"));
    }

    [Fact]
    public async Task A_partial_file_left_by_another_run_is_resumed()
    {
        using var kit = new HubTestKit();
        var data = kit.Repo.Files["model.safetensors"];
        var sha = FakeHub.Sha256(data);
        var blobs = Path.Combine(kit.RepoFolder, "blobs");
        Directory.CreateDirectory(blobs);
        await File.WriteAllBytesAsync(Path.Combine(blobs, sha + ".incomplete"), data[..123_456]);

        var folder = await kit.ResolveAsync("tiny");
        Assert.Equal(data, await File.ReadAllBytesAsync(Path.Combine(folder, "model.safetensors")));
        Assert.Equal([$"GET /cdn/{sha} bytes=123456-"], kit.Requests($"GET /cdn/{sha}"));
    }

    [Fact]
    public async Task A_corrupted_blob_is_rejected_and_fetched_again()
    {
        using var kit = new HubTestKit();
        var sha = FakeHub.Sha256(kit.Repo.Files["model.safetensors"]);
        kit.Hub.CorruptOnce["model.safetensors"] = true;
        var folder = await kit.ResolveAsync("tiny");

        var blob = await File.ReadAllBytesAsync(Path.Combine(folder, "model.safetensors"));
        Assert.Equal(sha, FakeHub.Sha256(blob));
        Assert.Equal(2, kit.Requests($"GET /cdn/{sha}").Count());
    }

    [Fact]
    public async Task A_corrupted_small_file_fails_its_git_sha1()
    {
        using var kit = new HubTestKit();
        var path = Path.Combine(kit.Cache.FullName, "x");
        var data = Encoding.UTF8.GetBytes("{\"d_model\": 384}");
        await File.WriteAllBytesAsync(path, data);
        Assert.True(await BlobDownloader.VerifyAsync(path, FakeHub.GitSha1(data), CancellationToken.None));
        data[3] ^= 1;
        await File.WriteAllBytesAsync(path, data);
        Assert.False(await BlobDownloader.VerifyAsync(path, FakeHub.GitSha1(Encoding.UTF8.GetBytes("{\"d_model\": 384}")), CancellationToken.None));
    }

    [Fact]
    public async Task Concurrent_resolves_share_one_download_and_leave_a_sound_cache()
    {
        using var kit = new HubTestKit();
        kit.Hub.CdnDelay = TimeSpan.FromMilliseconds(150);
        var sha = FakeHub.Sha256(kit.Repo.Files["model.safetensors"]);
        var results = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => kit.ResolveAsync("tiny"))));

        Assert.All(results, r => Assert.Equal(results[0], r));
        Assert.Single(kit.Requests($"GET /cdn/{sha}"));
        Assert.Equal(Expected(kit.Repo), Tree(kit.Cache.FullName));
    }

    [Fact]
    public async Task A_gated_repo_needs_a_token_and_says_so()
    {
        using var kit = new HubTestKit();
        kit.Repo.Token = "hf_secret";
        var ex = await Assert.ThrowsAsync<HubAccessException>(() => kit.ResolveAsync("tiny"));
        Assert.Contains("401", ex.Message);
        Assert.Contains("HF_TOKEN", ex.Message);
        Assert.IsAssignableFrom<HarkInputException>(ex);

        var folder = await kit.ResolveAsync("tiny", kit.Options(token: "hf_secret"));
        Assert.True(File.Exists(Path.Combine(folder, "model.safetensors")));
    }

    [Fact]
    public async Task Unknown_repos_and_revisions_are_named()
    {
        using var kit = new HubTestKit();
        var repo = await Assert.ThrowsAsync<HubAccessException>(() => kit.ResolveAsync("nobody/nothing"));
        Assert.Contains("repository not found", repo.Message);
        Assert.Contains("nobody/nothing", repo.Message);
        var rev = await Assert.ThrowsAsync<HubAccessException>(() => kit.ResolveAsync("tiny@v9"));
        Assert.Contains("revision 'v9' not found", rev.Message);
    }

    [Fact]
    public async Task A_renamed_repo_is_followed()
    {
        using var kit = new HubTestKit();
        kit.Hub.Repos["someone/old-name"] = new FakeHub.Repo { Id = "someone/old-name", RenamedTo = "openai/whisper-tiny" };
        var folder = await kit.ResolveAsync("someone/old-name");
        Assert.Contains("models--someone--old-name", folder, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(folder, "model.safetensors")));
    }

    [Fact]
    public async Task Sharded_safetensors_are_fetched_from_their_index()
    {
        using var kit = new HubTestKit();
        kit.Repo.Files.Remove("model.safetensors");
        kit.Repo.Files["model.safetensors.index.json"] = Encoding.UTF8.GetBytes(
            "{\"metadata\":{},\"weight_map\":{\"a\":\"model-00001-of-00002.safetensors\",\"b\":\"model-00002-of-00002.safetensors\",\"c\":\"model-00001-of-00002.safetensors\"}}");
        kit.Repo.Files["model-00001-of-00002.safetensors"] = Encoding.UTF8.GetBytes(HubTestKit.Weights(5000));
        kit.Repo.Files["model-00002-of-00002.safetensors"] = Encoding.UTF8.GetBytes(HubTestKit.Weights(6000));
        kit.Repo.Lfs.UnionWith(["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"]);

        var folder = await kit.ResolveAsync("tiny");
        Assert.True(File.Exists(Path.Combine(folder, "model-00001-of-00002.safetensors")));
        Assert.True(File.Exists(Path.Combine(folder, "model-00002-of-00002.safetensors")));
        Assert.False(File.Exists(Path.Combine(folder, "pytorch_model.bin")));
        Assert.True(File.Exists(Path.Combine(kit.RepoFolder, ".no_exist", kit.Repo.Commit, "model.safetensors")));
        Assert.Equal(folder, await kit.ResolveAsync("tiny", kit.Options(offline: true)));
    }

    [Fact]
    public async Task Pytorch_weights_are_the_fallback_when_there_is_no_safetensors()
    {
        using var kit = new HubTestKit();
        kit.Repo.Files.Remove("model.safetensors");
        var folder = await kit.ResolveAsync("tiny");
        Assert.Equal(kit.Repo.Files["pytorch_model.bin"], await File.ReadAllBytesAsync(Path.Combine(folder, "pytorch_model.bin")));
    }

    [Fact]
    public async Task A_repo_without_weights_is_refused()
    {
        using var kit = new HubTestKit();
        kit.Repo.Files.Remove("model.safetensors");
        kit.Repo.Files.Remove("pytorch_model.bin");
        var ex = await Assert.ThrowsAsync<HarkInputException>(() => kit.ResolveAsync("tiny"));
        Assert.Contains("no model.safetensors or pytorch_model.bin", ex.Message);
    }

    [Fact]
    public async Task Progress_counts_every_file()
    {
        using var kit = new HubTestKit();
        var reports = new List<DownloadProgress>();
        var progress = new SyncProgress<DownloadProgress>(reports.Add);
        await kit.ResolveAsync("tiny", progress: progress);
        Assert.All(reports, r => Assert.Equal(6, r.FilesTotal));
        Assert.Contains(reports, r => r.FilesDone == 6);
        Assert.Contains(reports, r => r.File == "model.safetensors" && r.FileBytes == 200_000 && r.FileSize == 200_000);
    }

    [Fact]
    public async Task A_local_folder_is_returned_as_is()
    {
        using var kit = new HubTestKit();
        Assert.Equal(kit.Cache.FullName, await kit.ResolveAsync(kit.Cache.FullName));
        Assert.Empty(kit.Hub.Log);
    }

    private sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        private readonly Lock _gate = new();

        public void Report(T value)
        {
            lock (_gate) report(value);
        }
    }
}

public class ConcurrentProcessTests
{
    [Fact]
    public async Task Two_hark_processes_fetching_the_same_model_download_each_blob_once()
    {
        using var kit = new HubTestKit();
        kit.Hub.CdnDelay = TimeSpan.FromMilliseconds(300);
        var cli = Path.Combine(AppContext.BaseDirectory, "Hark.Cli.dll");

        async Task<(int Code, string Out, string Err)> RunAsync()
        {
            var start = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { cli, "dev", "fetch", "tiny" }) start.ArgumentList.Add(a);
            start.Environment["HF_HUB_CACHE"] = kit.Cache.FullName;
            start.Environment["HF_ENDPOINT"] = kit.Hub.Endpoint.ToString();
            start.Environment.Remove("HF_HUB_OFFLINE");
            start.Environment.Remove("HF_TOKEN");
            foreach (var proxy in new[] { "http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY" }) start.Environment.Remove(proxy);
            using var p = System.Diagnostics.Process.Start(start)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            await p.WaitForExitAsync();
            return (p.ExitCode, (await stdout).Trim(), await stderr);
        }

        var runs = await Task.WhenAll(RunAsync(), RunAsync());
        Assert.All(runs, r => Assert.True(r.Code == 0, r.Err));
        Assert.Equal(runs[0].Out, runs[1].Out);
        Assert.Equal(Path.Combine(kit.RepoFolder, "snapshots", kit.Repo.Commit), runs[0].Out);
        var sha = FakeHub.Sha256(kit.Repo.Files["model.safetensors"]);
        Assert.Single(kit.Requests($"GET /cdn/{sha}"));
        Assert.Equal(kit.Repo.Files["model.safetensors"], await File.ReadAllBytesAsync(Path.Combine(runs[0].Out, "model.safetensors")));
    }
}

public class HubErrorTests
{
    [Fact]
    public async Task A_redirect_loop_is_refused_in_one_line()
    {
        using var kit = new HubTestKit();
        kit.Hub.Repos["openai/whisper-tiny"].RenamedTo = "openai/whisper-tiny";   // a redirect loop
        var ex = await Assert.ThrowsAsync<HubAccessException>(() => kit.ResolveAsync("tiny"));
        Assert.Contains("too many redirects", ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }
}
