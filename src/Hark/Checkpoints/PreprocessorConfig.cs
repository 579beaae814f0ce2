namespace Hark.Checkpoints;

/// <summary>The feature-extractor settings of <c>preprocessor_config.json</c>.</summary>
public sealed record PreprocessorConfig
{
    /// <summary>Mel bins (<c>feature_size</c>).</summary>
    public int FeatureSize { get; init; } = 80;
    /// <summary>Sampling rate (16000).</summary>
    public int SamplingRate { get; init; } = 16000;
    /// <summary>Hop length (160).</summary>
    public int HopLength { get; init; } = 160;
    /// <summary>FFT size (400).</summary>
    public int NFft { get; init; } = 400;
    /// <summary>Seconds per window (30).</summary>
    public int ChunkLength { get; init; } = 30;
}
