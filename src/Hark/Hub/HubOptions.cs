namespace Hark.Hub;

/// <summary>
/// Where and how models are fetched from a Hugging Face hub. Defaults follow <c>huggingface_hub</c>'s environment
/// variables so the cache is shared with Python tools both ways.
/// </summary>
public sealed record HubOptions
{
    /// <summary>Hub base address (<c>HF_ENDPOINT</c>, default <c>https://huggingface.co</c>).</summary>
    public Uri Endpoint { get; init; } = new("https://huggingface.co");

    /// <summary>Access token for gated or private repos (<c>HF_TOKEN</c>, else the file <c>$HF_HOME/token</c>).</summary>
    public string? Token { get; init; }

    /// <summary>The hub cache folder (<c>HF_HUB_CACHE</c>, else <c>$HF_HOME/hub</c>, else <c>~/.cache/huggingface/hub</c>).</summary>
    public required string CacheDirectory { get; init; }

    /// <summary>Never touch the network; use the cache only (<c>HF_HUB_OFFLINE=1</c>).</summary>
    public bool Offline { get; init; }

    /// <summary>Files downloaded at once.</summary>
    public int MaxParallelDownloads { get; init; } = 4;

    /// <summary>Attempts per file: an interrupted transfer resumes from where it stopped (HTTP Range).</summary>
    public int Attempts { get; init; } = 3;

    /// <summary>How long to wait for another process downloading the same file.</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Per-request timeout of metadata requests.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// HTTP handler to send requests through (tests, proxies); it must not follow redirects itself (Hark follows them
    /// so that HEAD sees the hub's headers and the token never reaches a CDN). Default: a new <see cref="SocketsHttpHandler"/>.
    /// </summary>
    public HttpMessageHandler? Handler { get; init; }

    /// <summary>Options from environment variables (default: this process's).</summary>
    public static HubOptions FromEnvironment(IReadOnlyDictionary<string, string>? environment = null)
    {
        string? Get(string name) =>
            environment is not null
                ? environment.TryGetValue(name, out var v) && !string.IsNullOrWhiteSpace(v) ? v : null
                : System.Environment.GetEnvironmentVariable(name) is { Length: > 0 } e ? e : null;

        var home = Get("HF_HOME") ?? Path.Combine(
            Get("XDG_CACHE_HOME") ?? Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".cache"),
            "huggingface");
        var cache = Get("HF_HUB_CACHE") ?? Path.Combine(home, "hub");
        var token = Get("HF_TOKEN");
        if (token is null)
        {
            var file = Get("HF_TOKEN_PATH") ?? Path.Combine(home, "token");
            try
            {
                if (File.Exists(file)) token = File.ReadAllText(file).Trim() is { Length: > 0 } t ? t : null;
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        var offline = Get("HF_HUB_OFFLINE")?.Trim().ToUpperInvariant() is "1" or "ON" or "YES" or "TRUE";
        var endpoint = Get("HF_ENDPOINT") is { } ep && Uri.TryCreate(ep.TrimEnd('/'), UriKind.Absolute, out var uri) ? uri : new Uri("https://huggingface.co");
        return new HubOptions { CacheDirectory = cache, Token = token, Offline = offline, Endpoint = endpoint };
    }
}

/// <summary>Download progress of a model: one report per chunk written.</summary>
/// <param name="File">File being transferred (repo-relative).</param>
/// <param name="FileBytes">Bytes of that file on disk so far.</param>
/// <param name="FileSize">Its size, when the hub said.</param>
/// <param name="FilesDone">Files complete (downloaded or already cached).</param>
/// <param name="FilesTotal">Files the model needs.</param>
public sealed record DownloadProgress(string File, long FileBytes, long? FileSize, int FilesDone, int FilesTotal);
