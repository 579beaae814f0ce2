namespace Hark.Engines.Cache;

/// <summary>One packed-weight cache file.</summary>
/// <param name="Path">The file.</param>
/// <param name="Source">The model folder it was packed from.</param>
/// <param name="Precision">The compute precision it serves.</param>
/// <param name="Bytes">File size.</param>
/// <param name="Written">When it was written (UTC).</param>
/// <param name="Complete">False for a truncated or unreadable file (the next load rebuilds it).</param>
public sealed record WeightCacheEntry(string Path, string Source, string Precision, long Bytes, DateTime Written, bool Complete);
