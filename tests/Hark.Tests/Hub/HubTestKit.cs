using System.Text;
using Hark.Hub;

namespace Hark.Tests.Hub;

/// <summary>Shared setup: a fake hub with a Whisper-like repo and a temp cache.</summary>
internal sealed class HubTestKit : IDisposable
{
    public HubTestKit()
    {
        Hub = new FakeHub();
        Cache = new TempDir();
        Repo = Hub.AddRepo("openai/whisper-tiny",
            ("config.json", "{\"d_model\": 384}", false),
            ("generation_config.json", "{\"max_length\": 448}", false),
            ("preprocessor_config.json", "{\"feature_size\": 80}", false),
            ("tokenizer.json", "{\"model\": {}}", false),
            ("tokenizer_config.json", "{}", false),
            ("model.safetensors", Weights(200_000), true),
            ("pytorch_model.bin", Weights(150_000), true),
            ("flax_model.msgpack", Weights(1000), true),
            ("tf_model.h5", Weights(1000), true),
            ("README.md", "# whisper", false));
    }

    public FakeHub Hub { get; }

    public TempDir Cache { get; }

    public FakeHub.Repo Repo { get; }

    /// <summary>No proxy: the fake hub is on loopback whatever the machine's proxy settings.</summary>
    private readonly System.Net.Http.SocketsHttpHandler _handler = new() { UseProxy = false, AllowAutoRedirect = false };

    public HubOptions Options(bool offline = false, string? token = null, int parallel = 4) => new()
    {
        Handler = _handler,
        CacheDirectory = Cache.FullName,
        Endpoint = Hub.Endpoint,
        Offline = offline,
        Token = token,
        MaxParallelDownloads = parallel,
        RequestTimeout = TimeSpan.FromSeconds(10),
    };

    public Task<string> ResolveAsync(string model, HubOptions? options = null, IProgress<DownloadProgress>? progress = null) =>
        ModelLocator.ResolveAsync(model, options ?? Options(), progress, CancellationToken.None);

    public static string Weights(int bytes)
    {
        var sb = new StringBuilder(bytes);
        var x = 12345u;
        for (var i = 0; i < bytes; i++) { x = x * 1103515245 + 12345; sb.Append((char)('a' + (x >> 16) % 26)); }
        return sb.ToString();
    }

    public string RepoFolder => Path.Combine(Cache.FullName, "models--openai--whisper-tiny");

    public IEnumerable<string> Requests(string prefix) => Hub.Log.Where(l => l.StartsWith(prefix, StringComparison.Ordinal));

    public void Dispose()
    {
        Hub.Dispose();
        Cache.Dispose();
        _handler.Dispose();
    }
}
