namespace Hark.Serving;

/// <summary>What every endpoint shares: options, the served models with their schedulers, admission, keys, metrics.</summary>
internal sealed class ServerState : IAsyncDisposable
{
    private readonly Dictionary<string, ModelSlot> _models;

    public ServerState(IReadOnlyList<ServedModel> models, ServerOptions options, ServingMetrics metrics)
    {
        Options = options;
        Metrics = metrics;
        _models = models.ToDictionary(m => m.Name, m => new ModelSlot(m, options.MaxBatch, metrics), StringComparer.Ordinal);
        Models = [.. _models.Values.Select(s => s.Served)];
        Admission = new Admission(options.MaxBatch * models.Count + options.MaxQueue, metrics);
        Keys = new ApiKeys(options.ApiKeys);
        Created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
    }

    public ServerOptions Options { get; }

    public ServingMetrics Metrics { get; }

    public IReadOnlyList<ServedModel> Models { get; }

    public Admission Admission { get; }

    public ApiKeys Keys { get; }

    /// <summary>Unix time the models were loaded (the <c>created</c> of <c>/v1/models</c>).</summary>
    public long Created { get; }

    public ModelSlot? Find(string name) => _models.GetValueOrDefault(name);

    public async ValueTask DisposeAsync()
    {
        foreach (var slot in _models.Values) await slot.DisposeAsync().ConfigureAwait(false);
    }
}
