using System.Net.Sockets;
using System.Text.Json;

namespace Hark.Hub;

/// <summary>
/// Turns a <c>--model</c> argument into a local folder: a folder as is; an alias or hub repo id through the Hugging
/// Face cache, downloading only the files Hark needs (config, generation, preprocessor and tokenizer files, and the
/// weights: safetensors, sharded or not, in preference to <c>pytorch_model.bin</c>).
/// </summary>
public static class ModelLocator
{
    /// <summary>Small files fetched when the repo has them; <c>config.json</c> is required.</summary>
    public static IReadOnlyList<string> MetadataFiles { get; } =
    [
        "config.json", "generation_config.json", "preprocessor_config.json", "tokenizer.json", "tokenizer_config.json",
        "vocab.json", "merges.txt", "normalizer.json", "added_tokens.json", "special_tokens_map.json",
    ];

    /// <summary>Weight files in order of preference: single file, then sharded index.</summary>
    public static IReadOnlyList<(string File, bool IsIndex)> WeightCandidates { get; } =
    [
        ("model.safetensors", false), ("model.safetensors.index.json", true),
        ("pytorch_model.bin", false), ("pytorch_model.bin.index.json", true),
    ];

    /// <summary>Resolves <paramref name="modelArgument"/> to a folder holding <c>config.json</c> and the weights.</summary>
    /// <param name="modelArgument">A folder, an alias (<c>small</c>), or <c>org/name[@revision]</c>.</param>
    /// <param name="options">Hub settings; default from the environment (<c>HF_HOME</c>, <c>HF_TOKEN</c>, …).</param>
    /// <param name="progress">Download progress, if wanted.</param>
    /// <param name="cancellationToken">Cancels downloads; partial files stay to be resumed.</param>
    /// <returns>The local folder (for hub models, the cache snapshot of the resolved commit).</returns>
    /// <exception cref="HarkInputException">Bad argument, unknown repo or revision, gated repo, or no weights in the repo.</exception>
    /// <exception cref="HarkException">Offline or unreachable hub with the model not cached; failed or corrupted download.</exception>
    public static async Task<string> ResolveAsync(string modelArgument, HubOptions? options, IProgress<DownloadProgress>? progress, CancellationToken cancellationToken)
    {
        var reference = ModelReference.Parse(modelArgument);
        if (reference.IsLocal) return reference.LocalFolder!;
        options ??= HubOptions.FromEnvironment();
        var repo = reference.RepoId!;
        var cache = new HubCacheLayout(options.CacheDirectory, repo);
        if (options.Offline) return FromCache(cache, reference, "HF_HUB_OFFLINE is set");

        try
        {
            using var client = new HubClient(options);
            return await DownloadAsync(client, cache, reference, options, progress, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (Unreachable(ex, cancellationToken))
        {
            return FromCache(cache, reference, $"the hub at {options.Endpoint} is unreachable ({ex.Message})");
        }
        catch (HttpRequestException ex)
        {
            throw new HarkException($"{repo}: the hub at {options.Endpoint} answered {(int?)ex.StatusCode}: {ex.Message}", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new HarkException($"{options.CacheDirectory}: cannot write the hub cache ({ex.Message}); set HF_HUB_CACHE to a writable folder", ex);
        }
    }

    private static bool Unreachable(Exception ex, CancellationToken ct) =>
        ex switch
        {
            HttpRequestException { StatusCode: null or >= System.Net.HttpStatusCode.InternalServerError } => true,
            SocketException => true,
            OperationCanceledException => !ct.IsCancellationRequested,                              // a request timeout
            _ => false,
        };

    private static string FromCache(HubCacheLayout cache, ModelReference reference, string why)
    {
        var name = $"{reference.RepoId}@{reference.Revision}";
        var commit = cache.ResolveCommit(reference.Revision);
        var missing = commit is null ? "it is not in the cache" : MissingFromSnapshot(cache, commit);
        if (missing is null) return cache.SnapshotFolder(commit!);
        throw new HarkException(
            $"{name}: {missing} ({cache.RepoFolder}) and {why}; run once with network access (unset HF_HUB_OFFLINE) or pass a local folder: --model PATH");
    }

    /// <summary>What a cached snapshot lacks, or null when it has config.json and a complete set of weights.</summary>
    private static string? MissingFromSnapshot(HubCacheLayout cache, string commit)
    {
        if (!cache.HasFile(commit, "config.json")) return $"config.json of commit {commit[..8]} is not in the cache";
        foreach (var (file, isIndex) in WeightCandidates)
        {
            if (!cache.HasFile(commit, file)) continue;
            if (!isIndex) return null;
            var shards = ReadShards(cache.SnapshotFile(commit, file));
            var absent = shards.Where(s => !cache.HasFile(commit, s)).ToList();
            return absent.Count == 0 ? null : $"{absent.Count} weight shard(s) of commit {commit[..8]} are not in the cache";
        }
        return $"the weights of commit {commit[..8]} are not in the cache";
    }

    private static async Task<string> DownloadAsync(HubClient client, HubCacheLayout cache, ModelReference reference, HubOptions options,
        IProgress<DownloadProgress>? progress, CancellationToken ct)
    {
        var repo = reference.RepoId!;
        var config = await client.HeadAsync(repo, reference.Revision, "config.json", ct).ConfigureAwait(false)
            ?? throw new HarkInputException($"no config.json at revision '{reference.Revision}': not a Transformers model repo", repo, "--model");
        var commit = config.Commit;
        cache.WriteRef(reference.Revision, commit);

        // Files at a commit never change: what the snapshot holds, or the hub said is absent, needs no request.
        var plan = new List<(string File, HubFileMetadata? Meta)> { ("config.json", config) };
        var optional = await Task.WhenAll(MetadataFiles.Skip(1).Select(f => ProbeAsync(client, cache, repo, commit, f, ct))).ConfigureAwait(false);
        plan.AddRange(optional.Where(p => p.Present).Select(p => (p.File, p.Meta)));
        plan.AddRange(await PlanWeightsAsync(client, cache, repo, commit, options, ct).ConfigureAwait(false));

        var downloader = new BlobDownloader(client, options);
        var total = plan.Count;
        var done = 0;
        using var gate = new SemaphoreSlim(Math.Max(1, options.MaxParallelDownloads));
        await Task.WhenAll(plan.Select(async item =>
        {
            await gate.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                if (item.Meta is { } meta)
                {
                    await downloader.EnsureBlobAsync(cache, item.File, meta,
                        bytes => progress?.Report(new DownloadProgress(item.File, bytes, meta.Size, Volatile.Read(ref done), total)), ct).ConfigureAwait(false);
                    cache.LinkSnapshot(commit, item.File, meta.ETag);
                }
                var finished = Interlocked.Increment(ref done);
                progress?.Report(new DownloadProgress(item.File, item.Meta?.Size ?? 0, item.Meta?.Size, finished, total));
            }
            finally
            {
                gate.Release();
            }
        })).ConfigureAwait(false);
        return cache.SnapshotFolder(commit);
    }

    /// <summary>HEADs one optional file unless the cache already knows; Meta null means "already in the snapshot".</summary>
    private static async Task<(string File, HubFileMetadata? Meta, bool Present)> ProbeAsync(
        HubClient client, HubCacheLayout cache, string repo, string commit, string file, CancellationToken ct)
    {
        if (cache.HasFile(commit, file)) return (file, null, true);
        if (cache.IsKnownMissing(commit, file)) return (file, null, false);
        var meta = await client.HeadAsync(repo, commit, file, ct).ConfigureAwait(false);
        if (meta is null) cache.MarkMissing(commit, file);
        return (file, meta, meta is not null);
    }

    private static async Task<List<(string File, HubFileMetadata? Meta)>> PlanWeightsAsync(
        HubClient client, HubCacheLayout cache, string repo, string commit, HubOptions options, CancellationToken ct)
    {
        foreach (var (file, isIndex) in WeightCandidates)
        {
            var (_, meta, present) = await ProbeAsync(client, cache, repo, commit, file, ct).ConfigureAwait(false);
            if (!present) continue;
            var plan = new List<(string, HubFileMetadata?)> { (file, meta) };
            if (!isIndex) return plan;

            // The index names the shards: fetch it first.
            if (meta is not null)
            {
                await new BlobDownloader(client, options).EnsureBlobAsync(cache, file, meta, _ => { }, ct).ConfigureAwait(false);
                cache.LinkSnapshot(commit, file, meta.ETag);
                plan.Clear();
            }
            foreach (var shard in ReadShards(cache.SnapshotFile(commit, file)))
            {
                var s = await ProbeAsync(client, cache, repo, commit, shard, ct).ConfigureAwait(false);
                if (!s.Present) throw new HarkInputException($"{file} names {shard}, which the repo does not have", repo, "--model");
                plan.Add((shard, s.Meta));
            }
            return plan;
        }
        throw new HarkInputException("the repo has no model.safetensors or pytorch_model.bin (sharded or not)", repo, "--model");
    }

    /// <summary>Shard file names from a Transformers <c>*.index.json</c> (<c>weight_map</c> values).</summary>
    private static List<string> ReadShards(string indexPath)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(indexPath));
            if (!doc.RootElement.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
                throw new HarkInputException("no weight_map object", indexPath, "weight_map");
            var shards = map.EnumerateObject().Select(p => p.Value.GetString() ?? "").Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            foreach (var s in shards)
                if (s.Length == 0 || s.Contains("..", StringComparison.Ordinal) || s.StartsWith('/') || s.Contains('\\', StringComparison.Ordinal))
                    throw new HarkInputException($"shard name '{s}' is not a file inside the repo", indexPath, "weight_map");
            return shards;
        }
        catch (JsonException ex)
        {
            throw new HarkInputException($"not valid JSON ({ex.Message})", indexPath, inner: ex);
        }
    }
}
