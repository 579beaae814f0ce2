using Hark.Decoding;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;

namespace Hark.Serving;

/// <summary>
/// An OpenAI-compatible transcription server on Kestrel: <c>POST /v1/audio/transcriptions</c>,
/// <c>/v1/audio/translations</c>, <c>GET /v1/models[/{id}]</c>, <c>/health</c>, <c>/ready</c> and <c>/metrics</c>
/// (Prometheus text). The models are loaded by the caller, shared by every request, and left to the caller to dispose.
/// </summary>
public sealed class HarkServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ServerState _state;

    private HarkServer(WebApplication app, ServerState state)
    {
        _app = app;
        _state = state;
    }

    /// <summary>The addresses the server listens on (after <see cref="StartAsync"/>; port 0 resolved).</summary>
    public IReadOnlyList<string> Urls => [.. _app.Urls];

    /// <summary>Windows whose client went away while they were being decoded (also exported as a metric).</summary>
    public long WindowsCancelled => _state.Metrics.WindowsCancelled;

    /// <summary>Builds the server over loaded <paramref name="models"/>.</summary>
    /// <exception cref="ArgumentException">No model, two with one name, or limits below 1.</exception>
    public static HarkServer Create(IReadOnlyList<ServedModel> models, ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(options);
        if (models.Count == 0) throw new ArgumentException("at least one model is needed", nameof(models));
        if (models.Select(m => m.Name).Distinct(StringComparer.Ordinal).Count() != models.Count)
            throw new ArgumentException("two models have the same name", nameof(models));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBatch, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxQueue);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxUploadBytes, 1);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = options.DrainTimeout);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            // Nothing larger than the upload limit is read; the form reader applies the same bound per file.
            k.Limits.MaxRequestBodySize = options.MaxUploadBytes + TranscriptionEndpoint.FormSlackBytes;
        });
        builder.WebHost.UseUrls($"http://{(options.Host.Contains(':', StringComparison.Ordinal) ? $"[{options.Host}]" : options.Host)}:{options.Port}");
        var metrics = new ServingMetrics();
        builder.Services.AddOpenTelemetry().WithMetrics(m => m.AddMeter(ServingMetrics.MeterName, Hark.Transcription.TranscriptionMetrics.MeterName).AddPrometheusExporter());
        var app = builder.Build();
        var state = new ServerState(models, options, metrics);
        Map(app, state);
        return new HarkServer(app, state);
    }

    /// <summary>Starts listening.</summary>
    public Task StartAsync(CancellationToken cancellationToken = default) => _app.StartAsync(cancellationToken);

    /// <summary>
    /// Waits for SIGTERM/SIGINT (or <paramref name="cancellationToken"/>), then stops accepting and drains the requests in
    /// flight.
    /// </summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    /// <summary>Stops accepting and drains the requests in flight (up to <see cref="ServerOptions.DrainTimeout"/>).</summary>
    public Task StopAsync(CancellationToken cancellationToken = default) => _app.StopAsync(cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync().ConfigureAwait(false);
        await _state.DisposeAsync().ConfigureAwait(false);
        _state.Metrics.Dispose();
    }

    private static void Map(WebApplication app, ServerState state)
    {
        app.Use(async (http, next) =>
        {
            try
            {
                if (http.Request.Path.StartsWithSegments("/v1", StringComparison.Ordinal) && !state.Keys.Allows(http.Request.Headers.Authorization))
                    throw new OpenAiException(401, "missing or wrong API key: send 'Authorization: Bearer KEY'", null, "invalid_api_key");
                await next(http).ConfigureAwait(false);
            }
            catch (OpenAiException e)
            {
                await OpenAiErrors.WriteAsync(http, e).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
            {
                // The client went away; its work was cancelled and there is no one to answer.
            }
            catch (HarkInputException e)
            {
                await OpenAiErrors.WriteAsync(http, new OpenAiException(400, e.Message)).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HarkException or IOException or InvalidOperationException)
            {
                await OpenAiErrors.WriteAsync(http, new OpenAiException(500, e.Message)).ConfigureAwait(false);
            }
            finally
            {
                state.Metrics.Request(http.RequestAborted.IsCancellationRequested && !http.Response.HasStarted ? 499 : http.Response.StatusCode);
            }
        });

        var endpoint = new TranscriptionEndpoint(state);
        app.MapPost("/v1/audio/transcriptions", (HttpContext http) => endpoint.HandleAsync(http, WhisperTask.Transcribe));
        app.MapPost("/v1/audio/translations", (HttpContext http) => endpoint.HandleAsync(http, WhisperTask.Translate));
        app.MapGet("/v1/models", () => Results.Json(new ModelList([.. state.Models.Select(m => Describe(m, state))]), ServingJson.Default.ModelList));
        app.MapGet("/v1/models/{id}", (string id) => state.Find(id) is { } slot
            ? Results.Json(Describe(slot.Served, state), ServingJson.Default.ModelCard)
            : throw new OpenAiException(404, $"the model '{id}' does not exist", "model", "model_not_found"));
        app.MapGet("/health", () => Results.Text("ok\n"));
        app.MapGet("/ready", () => Results.Text("ready\n"));
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapFallback((HttpContext http) => throw new OpenAiException(404, $"no route for {http.Request.Method} {http.Request.Path}", null, "not_found"));
    }

    private static ModelCard Describe(ServedModel model, ServerState state) => new(model.Name, "model", state.Created, "hark");
}
