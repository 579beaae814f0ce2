namespace Hark.Serving;

/// <summary>A request the server refuses, answered with <paramref name="status"/> and an error in OpenAI's shape.</summary>
/// <param name="status">HTTP status.</param>
/// <param name="message">What was wrong, in one line.</param>
/// <param name="param">The form field at fault, if any.</param>
/// <param name="code">OpenAI's error code (<c>model_not_found</c>, <c>invalid_api_key</c>, …).</param>
internal sealed class OpenAiException(int status, string message, string? param = null, string? code = null) : Exception(message)
{
    public int Status { get; } = status;

    public string? Param { get; } = param;

    public string? Code { get; } = code;

    /// <summary>Seconds a client should wait before retrying (429), sent as <c>Retry-After</c>.</summary>
    public int? RetryAfterSeconds { get; init; }

    /// <summary>OpenAI's error type for the status.</summary>
    public string Type => Status switch
    {
        401 => "authentication_error",
        404 or 400 or 413 or 415 => "invalid_request_error",
        429 => "rate_limit_error",
        _ => "server_error",
    };
}
