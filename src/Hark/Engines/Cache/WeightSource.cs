namespace Hark.Engines.Cache;

/// <summary>What a <see cref="WeightCache"/> entry was packed from: keyed by the content fingerprint, described for listings.</summary>
/// <param name="Description">Where the weights come from (a model folder), shown by <c>hark cache list</c>.</param>
/// <param name="Fingerprint">A hash of the source's content (<see cref="WeightCache.Fingerprint"/>).</param>
public sealed record WeightSource(string Description, string Fingerprint);
