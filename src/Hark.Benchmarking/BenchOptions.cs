using Hark.Engines;

namespace Hark.Benchmarking;

/// <summary>What <see cref="BenchRunner"/> measures and how.</summary>
public sealed record BenchOptions
{
    /// <summary>Engine families to try.</summary>
    public IReadOnlyList<EngineKind> Engines { get; init; } = [EngineKind.Managed, EngineKind.Onnx];

    /// <summary>Devices the managed engine runs on (the CPU, Vulkan devices); ONNX Runtime runs on the CPU here.</summary>
    public IReadOnlyList<EngineDevice> ManagedDevices { get; init; } = [EngineDevice.Cpu];

    /// <summary>Weight precisions to try.</summary>
    public IReadOnlyList<ComputePrecision> Precisions { get; init; } = [ComputePrecision.Float32, ComputePrecision.Int8];

    /// <summary>Batch sizes to try: <see cref="Transcription.TranscriptionOptions.BatchSize"/> (windows decoded together).</summary>
    public IReadOnlyList<int> BatchSizes { get; init; } = [1];

    /// <summary>Beams at temperature 0; 1 decodes greedily (the bench default, to keep runs short).</summary>
    public int BeamSize { get; init; } = 1;

    /// <summary>Measured runs per configuration.</summary>
    public int Runs { get; init; } = 3;

    /// <summary>Unmeasured warm-up runs per configuration (JIT, page faults, allocator growth).</summary>
    public int Warmup { get; init; } = 1;

    /// <summary>CPU threads per engine; 0 lets each engine choose.</summary>
    public int Threads { get; init; }

    /// <summary>Folder for conversions (ONNX exports) and synthetic models, keyed by model fingerprint and precision.</summary>
    public required string CacheDirectory { get; init; }

    /// <summary>Whisper's English spelling map (<c>english.json</c>) for WER/CER; null normalises without it.</summary>
    public string? SpellingMapPath { get; init; }

    /// <summary>Memory a configuration may use; null reads what the machine has available now.</summary>
    public long? AvailableMemoryBytes { get; init; }

    /// <summary>Most tokens decoded per window; null for the transcription default (random-weight models rarely stop early).</summary>
    public int? MaxNewTokens { get; init; }

    /// <summary>Transcribe only the speech Silero VAD finds (<c>--vad-filter</c>), VAD time included in each run.</summary>
    public bool VadFilter { get; init; }

    /// <summary>Default language when an input does not name one.</summary>
    public string Language { get; init; } = "en";

    /// <summary>Checks the values.</summary>
    /// <exception cref="HarkInputException">A value is out of range.</exception>
    public void Validate()
    {
        if (Engines.Count == 0) throw new HarkInputException("name at least one engine", field: "--engines");
        if (Precisions.Count == 0) throw new HarkInputException("name at least one precision", field: "--precisions");
        if (BatchSizes.Count == 0 || BatchSizes.Any(b => b < 1)) throw new HarkInputException("batch sizes must be 1 or more", field: "--batch-sizes");
        if (BeamSize < 1) throw new HarkInputException("must be 1 or more", field: "--beam-size");
        if (Runs < 1) throw new HarkInputException("must be 1 or more", field: "--runs");
        if (Warmup < 0) throw new HarkInputException("must be 0 or more", field: "--warmup");
        if (MaxNewTokens < 1) throw new HarkInputException("must be 1 or more", field: "--max-new-tokens");
        if (Threads < 0) throw new HarkInputException("must be 0 (engine default) or more", field: "--threads");
    }
}
