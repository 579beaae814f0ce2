using Hark.Transcription;

namespace Hark.Serving;

/// <summary>How <see cref="HarkServer"/> listens and how much work it admits.</summary>
public sealed record ServerOptions
{
    /// <summary>Address to listen on (<c>0.0.0.0</c> for every interface).</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>TCP port; 0 picks a free one (see <see cref="HarkServer.Urls"/>).</summary>
    public int Port { get; init; } = 8000;

    /// <summary>Keys accepted as <c>Authorization: Bearer KEY</c>; none means no authentication.</summary>
    public IReadOnlyList<string> ApiKeys { get; init; } = [];

    /// <summary>Most windows of concurrent requests encoded and decoded together, per model.</summary>
    public int MaxBatch { get; init; } = 8;

    /// <summary>Most requests waiting for a slot beyond those being transcribed; more are answered 429.</summary>
    public int MaxQueue { get; init; } = 32;

    /// <summary>Largest uploaded file in bytes; a larger one is refused (413) while it streams in.</summary>
    public long MaxUploadBytes { get; init; } = 25L << 20;

    /// <summary>Decoding options of a request before its form fields apply (the defaults of <c>hark transcribe</c>).</summary>
    public TranscriptionOptions Defaults { get; init; } = new();

    /// <summary>How long shutdown waits for requests in flight.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(60);
}
