using System.ClientModel;
using System.Net.Http.Headers;
using Hark.Engines.Instrumentation;
using Hark.Serving;
using Hark.Tests.Transcription;
using Hark.Transcription;
using OpenAI;
using OpenAI.Audio;

namespace Hark.Tests.Serving;

/// <summary>
/// A real <c>hark serve</c> server (Kestrel on a loopback port) over the <c>test</c> preset's random model, shared by
/// the serving tests, with an API key, small limits and short decoding so that every request is quick.
/// </summary>
public sealed class ServerFixture : IAsyncLifetime, IDisposable
{
    public const string ModelName = "whisper-test";
    public const string Key = "sk-test-key";

    /// <summary>Short decoding with one fallback temperature, so fallback is exercised but runs stay fast.</summary>
    public static readonly TranscriptionOptions Options = new()
    {
        Language = "en", BeamSize = null, BestOf = 2, Temperatures = [0f, 0.6f], MaxNewTokens = 10,
    };

    private readonly RandomModelFolder _folder = new("test");
    private WhisperModel? _loaded;
    private HarkServer? _server;

    public string Folder => _folder.Folder;

    /// <summary>The engine behind the served model, counting decoder steps.</summary>
    internal TimedEngine Engine { get; private set; } = null!;

    /// <summary>The served model (used in-process for expected results: the same engine and tokenizer).</summary>
    public WhisperModel Model { get; private set; } = null!;

    public HarkServer Server => _server!;

    public Uri BaseUrl { get; private set; } = null!;

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromMinutes(2) };

    public AudioClient Audio(string? key = Key) =>
        new OpenAIClient(new ApiKeyCredential(key ?? "none"), new OpenAIClientOptions { Endpoint = new Uri(BaseUrl, "v1") }).GetAudioClient(ModelName);

    public OpenAIClient Client() => new(new ApiKeyCredential(Key), new OpenAIClientOptions { Endpoint = new Uri(BaseUrl, "v1") });

    public async Task InitializeAsync()
    {
        _loaded = await WhisperModel.LoadAsync(_folder.Folder, new ModelOptions { Threads = 2 });
        Engine = new TimedEngine(_loaded.Engine);
        Model = new WhisperModel(Engine, _loaded.Tokenizer, _loaded.Generation);
        _server = HarkServer.Create([new ServedModel(ModelName, Model, _folder.Folder)], new ServerOptions
        {
            Port = 0, ApiKeys = [Key], MaxBatch = 4, MaxQueue = 16, MaxUploadBytes = 25L << 20, Defaults = Options,
        });
        await _server.StartAsync();
        BaseUrl = new Uri(_server.Urls[0].TrimEnd('/') + "/");
        Http.BaseAddress = BaseUrl;
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
    }

    /// <summary>What the same model gives in-process for <paramref name="path"/> with <paramref name="options"/>.</summary>
    public async Task<(TranscriptionInfo Info, Hark.Transcription.Writers.TranscriptResult Result)> ExpectedAsync(string path, TranscriptionOptions? options = null)
    {
        var transcription = _loaded!.TranscribeAsync(path, options ?? Options);
        var result = await transcription.ToResultAsync();
        return (await transcription.Info, result);
    }

    /// <summary>A multipart form with <paramref name="file"/> and fields.</summary>
    public static MultipartFormDataContent Form(string file, params (string Name, string Value)[] fields)
    {
        var form = new MultipartFormDataContent();
        var bytes = new ByteArrayContent(File.ReadAllBytes(file));
        bytes.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(bytes, "file", Path.GetFileName(file));
        foreach (var (name, value) in fields) form.Add(new StringContent(value), name);
        return form;
    }

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
        Model?.Dispose();
        _loaded?.Dispose();
        Dispose();
    }

    public void Dispose()
    {
        Http.Dispose();
        _folder.Dispose();
    }
}
