using System.Net;
using System.Net.Http.Headers;

namespace Hark.Hub;

/// <summary>What a HEAD on <c>/{repo}/resolve/{revision}/{file}</c> says about a file.</summary>
/// <param name="Commit">Commit the revision resolved to (<c>X-Repo-Commit</c>).</param>
/// <param name="ETag">Content id: the sha256 for LFS files (<c>X-Linked-Etag</c>), the git blob sha1 otherwise.</param>
/// <param name="Size">Bytes (<c>X-Linked-Size</c> or <c>Content-Length</c>), when given.</param>
/// <param name="Location">Where to GET the content (the CDN for LFS files).</param>
internal sealed record HubFileMetadata(string Commit, string ETag, long? Size, Uri Location);

/// <summary>The two hub requests Hark needs: HEAD for metadata and a ranged GET for content.</summary>
internal sealed class HubClient : IDisposable
{
    private const int MaxRedirects = 5;
    private readonly HttpClient _http;
    private readonly HubOptions _options;

    public HubClient(HubOptions options)
    {
        _options = options;
        // Redirects are followed by hand: HEAD must see the hub's own headers, and the token must not reach a CDN.
        _http = options.Handler is not null
            ? new HttpClient(options.Handler, disposeHandler: false)
            : new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, AutomaticDecompression = DecompressionMethods.None });
        _http.Timeout = Timeout.InfiniteTimeSpan;
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("hark", "0.1"));
    }

    public Uri ResolveUri(string repoId, string revision, string file) =>
        new(_options.Endpoint, $"{_options.Endpoint.AbsolutePath.TrimEnd('/')}/{repoId}/resolve/{Uri.EscapeDataString(revision)}/{string.Join('/', file.Split('/').Select(Uri.EscapeDataString))}");

    /// <summary>Metadata of one file; null when the hub says it does not exist (404 entry not found).</summary>
    /// <exception cref="HubAccessException">401/403 (gated or private), or the repo or revision does not exist.</exception>
    public async Task<HubFileMetadata?> HeadAsync(string repoId, string revision, string file, CancellationToken ct)
    {
        var uri = ResolveUri(repoId, revision, file);
        for (var hop = 0; hop <= MaxRedirects; hop++)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(_options.RequestTimeout);
            using var request = new HttpRequestMessage(HttpMethod.Head, uri);
            Authorize(request, uri);
            request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("identity"));
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;

            if (status is 401 or 403)
                throw new HubAccessException(repoId, $"the hub refused access ({status}): the repo is gated or private; accept its terms on the hub and set HF_TOKEN" +
                    (_options.Token is null ? "" : " to a token that has access"));
            if (status == 404)
            {
                var code = Header(response, "X-Error-Code");
                if (code is "RepoNotFound" or "RevisionNotFound")
                    throw new HubAccessException(repoId, code == "RepoNotFound"
                        ? "repository not found on the hub (check the id, or set HF_TOKEN for a private repo)"
                        : $"revision '{revision}' not found");
                return null;
            }

            var commit = Header(response, "X-Repo-Commit");
            var etag = Normalize(Header(response, "X-Linked-Etag") ?? Header(response, "ETag"));
            var size = long.TryParse(Header(response, "X-Linked-Size"), out var linked) ? linked : response.Content.Headers.ContentLength;

            if (status is >= 300 and < 400 && response.Headers.Location is { } location)
            {
                var next = location.IsAbsoluteUri ? location : new Uri(uri, location);
                // A redirect that carries the file's metadata points at the content (LFS CDN); otherwise the repo moved.
                if (commit is not null && etag is not null) return new HubFileMetadata(commit, etag, size, next);
                uri = next;
                continue;
            }
            if (!response.IsSuccessStatusCode)
                throw new HttpRequestException($"HEAD {uri} returned {status}", null, response.StatusCode);
            if (commit is null || etag is null)
                throw new HubAccessException(repoId, $"the server at {_options.Endpoint} did not send X-Repo-Commit and ETag for {file}; is HF_ENDPOINT a Hugging Face hub?");
            return new HubFileMetadata(commit, etag, size, uri);
        }
        throw new HubAccessException(repoId, $"too many redirects for {file}");
    }

    /// <summary>GETs <paramref name="uri"/> from byte <paramref name="offset"/>; the response says whether the range was honoured.</summary>
    public async Task<HttpResponseMessage> GetAsync(Uri uri, long offset, CancellationToken ct)
    {
        for (var hop = 0; hop <= MaxRedirects; hop++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            Authorize(request, uri);
            request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("identity"));
            if (offset > 0) request.Headers.Range = new RangeHeaderValue(offset, null);
            var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            if ((int)response.StatusCode is >= 300 and < 400 && response.Headers.Location is { } location)
            {
                uri = location.IsAbsoluteUri ? location : new Uri(uri, location);
                response.Dispose();
                continue;
            }
            return response;
        }
        throw new HttpRequestException($"too many redirects for {uri}");
    }

    private void Authorize(HttpRequestMessage request, Uri uri)
    {
        // The token goes to the hub only, never to a CDN it redirects to.
        if (_options.Token is { } token && uri.Host == _options.Endpoint.Host && uri.Port == _options.Endpoint.Port)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    private static string? Header(HttpResponseMessage r, string name) =>
        r.Headers.TryGetValues(name, out var v) || r.Content.Headers.TryGetValues(name, out v) ? v.FirstOrDefault() : null;

    /// <summary>Strips a weak prefix and quotes, as huggingface_hub does.</summary>
    private static string? Normalize(string? etag)
    {
        if (etag is null) return null;
        if (etag.StartsWith("W/", StringComparison.Ordinal)) etag = etag[2..];
        return etag.Trim('"');
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>The hub refused or does not know the repo: gated/private without a token, missing repo or revision.</summary>
public sealed class HubAccessException : HarkInputException
{
    /// <summary>Creates the error for <paramref name="repoId"/>.</summary>
    public HubAccessException(string repoId, string message) : base(message, path: repoId, field: "--model")
    {
        RepoId = repoId;
    }

    /// <summary>The repo asked for.</summary>
    public string RepoId { get; }
}
