using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Hark.Tests.Hub;

/// <summary>
/// An in-process HTTP server on 127.0.0.1 that answers like the Hugging Face hub for the endpoints Hark uses:
/// HEAD/GET <c>/{repo}/resolve/{rev}/{file}</c> (X-Repo-Commit, ETag, X-Linked-Etag/Size, 302 to a CDN for LFS files,
/// 307 for renamed repos, 401 for gated repos, 404 with X-Error-Code) and a CDN honouring Range. Faults can be injected.
/// </summary>
internal sealed class FakeHub : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public FakeHub()
    {
        // Pick a free port, then listen on it (a tiny race, acceptable in tests).
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Endpoint = new Uri($"http://127.0.0.1:{port}");
        _listener.Prefixes.Add(Endpoint + "/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public Uri Endpoint { get; }

    public sealed class Repo
    {
        public required string Id { get; init; }
        public string Commit { get; set; } = "0123456789abcdef0123456789abcdef01234567";
        public Dictionary<string, string> Refs { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, byte[]> Files { get; } = new(StringComparer.Ordinal);
        public HashSet<string> Lfs { get; } = new(StringComparer.Ordinal);
        public string? Token { get; set; }
        public string? RenamedTo { get; set; }
    }

    public ConcurrentDictionary<string, Repo> Repos { get; } = new(StringComparer.Ordinal);

    /// <summary>Every request: "METHOD path [range]".</summary>
    public ConcurrentQueue<string> Log { get; } = new();

    /// <summary>Files whose next CDN transfer stops after this many bytes (connection aborted).</summary>
    public ConcurrentDictionary<string, long> AbortOnceAfter { get; } = new(StringComparer.Ordinal);

    /// <summary>Files whose next CDN transfer has one byte flipped.</summary>
    public ConcurrentDictionary<string, bool> CorruptOnce { get; } = new(StringComparer.Ordinal);

    /// <summary>Delay before each CDN body, to make concurrent downloads overlap.</summary>
    public TimeSpan CdnDelay { get; set; }

    public Repo AddRepo(string id, params (string File, string Text, bool Lfs)[] files)
    {
        var repo = new Repo { Id = id };
        repo.Refs["main"] = repo.Commit;
        foreach (var (file, text, lfs) in files)
        {
            repo.Files[file] = Encoding.UTF8.GetBytes(text);
            if (lfs) repo.Lfs.Add(file);
        }
        Repos[id] = repo;
        return repo;
    }

    public static string Sha256(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));

    /// <summary>git's blob id (SHA-1 is git's choice, not a security measure here).</summary>
    public static string GitSha1(byte[] data)
    {
        using var sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        sha1.AppendData(Encoding.ASCII.GetBytes($"blob {data.Length}\0"));
        sha1.AppendData(data);
        return Convert.ToHexStringLower(sha1.GetHashAndReset());
    }

    /// <summary>The ETag huggingface_hub keys the blob by: sha256 for LFS files, git sha1 otherwise.</summary>
    public static string ETagOf(Repo repo, string file) => repo.Lfs.Contains(file) ? Sha256(repo.Files[file]) : GitSha1(repo.Files[file]);

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception) when (_stop.IsCancellationRequested) { return; }
            catch (HttpListenerException) { return; }
            catch (ObjectDisposedException) { return; }
            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext ctx)
    {
        var req = ctx.Request;
        var res = ctx.Response;
        var path = Uri.UnescapeDataString(req.Url!.AbsolutePath);
        Log.Enqueue($"{req.HttpMethod} {path} {req.Headers["Range"]}".TrimEnd());
        try
        {
            if (path.StartsWith("/cdn/", StringComparison.Ordinal)) { await ServeCdnAsync(ctx, path[5..]).ConfigureAwait(false); return; }
            var marker = path.IndexOf("/resolve/", StringComparison.Ordinal);
            if (marker < 0) { Status(res, 404); return; }
            var id = path[1..marker];
            var rest = path[(marker + 9)..];
            var slash = rest.IndexOf('/', StringComparison.Ordinal);
            var rev = rest[..slash];
            var file = rest[(slash + 1)..];

            if (!Repos.TryGetValue(id, out var repo)) { Status(res, 404, "RepoNotFound"); return; }
            if (repo.RenamedTo is { } newId)
            {
                res.StatusCode = 307;
                res.Headers["Location"] = $"/{newId}/resolve/{rev}/{file}";
                res.Close();
                return;
            }
            if (repo.Token is { } token && req.Headers["Authorization"] != $"Bearer {token}") { Status(res, 401, "GatedRepo"); return; }
            var commit = rev == repo.Commit ? repo.Commit : repo.Refs.GetValueOrDefault(rev);
            if (commit is null) { Status(res, 404, "RevisionNotFound"); return; }
            if (!repo.Files.TryGetValue(file, out var data)) { res.Headers["X-Repo-Commit"] = commit; Status(res, 404, "EntryNotFound"); return; }

            res.Headers["X-Repo-Commit"] = commit;
            if (repo.Lfs.Contains(file))
            {
                var sha = Sha256(data);
                var pointer = Encoding.UTF8.GetBytes($"version https://git-lfs.github.com/spec/v1\noid sha256:{sha}\nsize {data.Length}\n");
                res.Headers["ETag"] = $"\"{GitSha1(pointer)}\"";
                res.Headers["X-Linked-Etag"] = $"\"{sha}\"";
                res.Headers["X-Linked-Size"] = data.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
                res.StatusCode = 302;
                res.Headers["Location"] = $"{Endpoint}cdn/{sha}";
                res.Close();
                return;
            }
            res.Headers["ETag"] = $"\"{GitSha1(data)}\"";
            await WriteBodyAsync(ctx, data, file).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException)
        {
            // client went away
        }
    }

    private async Task ServeCdnAsync(HttpListenerContext ctx, string sha)
    {
        foreach (var repo in Repos.Values)
            foreach (var (file, data) in repo.Files)
                if (repo.Lfs.Contains(file) && Sha256(data) == sha)
                {
                    if (CdnDelay > TimeSpan.Zero) await Task.Delay(CdnDelay).ConfigureAwait(false);
                    await WriteBodyAsync(ctx, data, file).ConfigureAwait(false);
                    return;
                }
        Status(ctx.Response, 404);
    }

    private async Task WriteBodyAsync(HttpListenerContext ctx, byte[] data, string file)
    {
        var res = ctx.Response;
        long start = 0;
        if (ctx.Request.Headers["Range"] is { } range && range.StartsWith("bytes=", StringComparison.Ordinal) && range.EndsWith('-'))
        {
            start = long.Parse(range[6..^1], System.Globalization.CultureInfo.InvariantCulture);
            if (start >= data.Length) { Status(res, 416); return; }
            res.StatusCode = 206;
            res.Headers["Content-Range"] = $"bytes {start}-{data.Length - 1}/{data.Length}";
        }
        res.ContentLength64 = data.Length - start;
        if (ctx.Request.HttpMethod == "HEAD") { res.Close(); return; }

        var body = data[(int)start..];
        if (CorruptOnce.TryRemove(file, out _)) { body = (byte[])body.Clone(); body[body.Length / 2] ^= 0xFF; }
        if (AbortOnceAfter.TryRemove(file, out var cut) && cut - start < body.Length)
        {
            await res.OutputStream.WriteAsync(body.AsMemory(0, (int)(cut - start))).ConfigureAwait(false);
            await res.OutputStream.FlushAsync().ConfigureAwait(false);
            res.Abort();
            return;
        }
        await res.OutputStream.WriteAsync(body).ConfigureAwait(false);
        res.Close();
    }

    private static void Status(HttpListenerResponse res, int code, string? errorCode = null)
    {
        res.StatusCode = code;
        if (errorCode is not null) res.Headers["X-Error-Code"] = errorCode;
        res.Close();
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Close();
        try { _loop.Wait(TimeSpan.FromSeconds(2)); } catch (AggregateException) { }
        _stop.Dispose();
    }
}
