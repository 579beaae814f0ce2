using System.Diagnostics.Metrics;

namespace Hark.Serving;

/// <summary>
/// The server's instruments (meter <c>Hark.Serving</c>), exported at <c>/metrics</c> in Prometheus text: requests by
/// status, queue depth, active batch size, audio and processing seconds, decoder batches.
/// </summary>
internal sealed class ServingMetrics : IDisposable
{
    /// <summary>The meter's name (what an OpenTelemetry pipeline subscribes to).</summary>
    public const string MeterName = "Hark.Serving";

    private readonly Meter _meter;
    private readonly Counter<long> _requests;
    private readonly Counter<double> _audioSeconds;
    private readonly Counter<double> _processingSeconds;
    private readonly Histogram<int> _batchSize;
    private int _queued;
    private int _activeBatch;
    private long _windowsCancelled;

    public ServingMetrics(IMeterFactory? factory = null)
    {
        _meter = factory?.Create(MeterName) ?? new Meter(MeterName);
        _requests = _meter.CreateCounter<long>("hark.server.requests", "{request}", "Requests answered, by HTTP status.");
        _audioSeconds = _meter.CreateCounter<double>("hark.server.audio", "s", "Seconds of audio transcribed.");
        _processingSeconds = _meter.CreateCounter<double>("hark.server.processing", "s", "Seconds spent transcribing (admission to last segment).");
        _batchSize = _meter.CreateHistogram<int>("hark.server.batch.windows", "{window}", "Windows per shared encoder/decoder batch.",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64] });
        _meter.CreateObservableGauge("hark.server.queue.depth", () => Volatile.Read(ref _queued), "{request}", "Requests admitted and waiting for a slot.");
        _meter.CreateObservableGauge("hark.server.batch.active", () => Volatile.Read(ref _activeBatch), "{window}", "Windows in the batch being decoded now.");
        _meter.CreateObservableCounter("hark.server.windows.cancelled", () => Interlocked.Read(ref _windowsCancelled), "{window}",
            "Windows whose client went away while they were being decoded.");
    }

    /// <summary>Windows dropped because their client went away (a test hook as well as a metric).</summary>
    public long WindowsCancelled => Interlocked.Read(ref _windowsCancelled);

    public void Request(int status) => _requests.Add(1, new KeyValuePair<string, object?>("status", status));

    public void Queued(int delta) => Interlocked.Add(ref _queued, delta);

    public void Transcribed(double audioSeconds, double processingSeconds)
    {
        _audioSeconds.Add(audioSeconds);
        _processingSeconds.Add(processingSeconds);
    }

    public void BatchStarted(int windows)
    {
        _batchSize.Record(windows);
        Volatile.Write(ref _activeBatch, windows);
    }

    public void BatchEnded() => Volatile.Write(ref _activeBatch, 0);

    public void Cancelled(int windows) => Interlocked.Add(ref _windowsCancelled, windows);

    public void Dispose() => _meter.Dispose();
}
