using Hark.Conversion;
using Hark.Formats.Onnx;
using System.Security.Cryptography;
using Hark.Checkpoints;
using Hark.Conversion.Onnx;
using Hark.Engines;
using Hark.IO;

namespace Hark.Benchmarking;

/// <summary>
/// Where the bench gets its models: synthetic (seeded random) folders and ONNX exports, both cached under the bench
/// cache folder so a second bench of the same model starts measuring at once.
/// </summary>
public static class BenchModels
{
    private const string SyntheticMarker = "hark_synthetic.json";

    /// <summary>
    /// A model folder of <paramref name="preset"/> with seeded random weights and the tokenizer files of
    /// <paramref name="tokenizerSource"/>, written once under <c>cache/synthetic</c>.
    /// </summary>
    /// <exception cref="HarkInputException">No tokenizer source, or an unknown preset.</exception>
    public static string Synthetic(string preset, string? tokenizerSource, string cacheDirectory, ulong seed = 0, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(tokenizerSource))
            throw new HarkInputException("--synthetic needs --tokenizer DIR: a folder with Whisper tokenizer files (vocab.json, merges.txt, …) to copy into the random model", field: "--tokenizer");
        if (!Directory.Exists(tokenizerSource) && !File.Exists(tokenizerSource))
            throw new HarkInputException("tokenizer source not found", tokenizerSource, "--tokenizer");
        if (!WhisperPresets.Names.Contains(preset))
            throw new HarkInputException($"unknown preset '{preset}'; expected one of {string.Join(", ", WhisperPresets.Names)}", field: "--synthetic");
        var folder = Path.Combine(cacheDirectory, "synthetic", $"{preset}-seed{seed}-{Fingerprint(TokenizerBytes(tokenizerSource))}");
        if (File.Exists(Path.Combine(folder, SyntheticMarker))) return folder;

        // Written beside the target and renamed, so an interrupted write never looks like a cached model.
        using (var atomic = AtomicOutput.ForFolder(folder, force: true))
        {
            RandomModelWriter.Write(atomic.TempPath, new RandomModelOptions { Preset = preset, Seed = seed, TokenizerSource = tokenizerSource }, null, cancellationToken);
            File.WriteAllText(atomic.PathInside(SyntheticMarker), $"{{\"preset\": \"{preset}\", \"seed\": {seed}}}\n");
            atomic.Commit();
        }
        return folder;
    }

    /// <summary>
    /// A short fingerprint of a model folder: SHA-256 over <c>config.json</c> and, for every weight file, its name,
    /// length and first and last MiB (enough to tell fine-tunes apart without reading gigabytes).
    /// </summary>
    public static string ModelFingerprint(string folder)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var config = Path.Combine(folder, "config.json");
        if (File.Exists(config)) sha.AppendData(File.ReadAllBytes(config));
        var weights = Directory.EnumerateFiles(folder)
            .Where(f => f.EndsWith(".safetensors", StringComparison.Ordinal) || f.EndsWith(".bin", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);
        var buffer = new byte[1 << 20];
        foreach (var file in weights)
        {
            using var stream = File.OpenRead(file);
            sha.AppendData(System.Text.Encoding.UTF8.GetBytes($"{Path.GetFileName(file)}:{stream.Length};"));
            sha.AppendData(buffer, 0, stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false));
            if (stream.Length > buffer.Length)
            {
                stream.Seek(-buffer.Length, SeekOrigin.End);
                sha.AppendData(buffer, 0, stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false));
            }
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset())[..16];
    }

    /// <summary>The ONNX export of <paramref name="checkpoint"/> at <paramref name="precision"/>, converted once per fingerprint.</summary>
    public static string OnnxExport(WhisperCheckpoint checkpoint, string fingerprint, ComputePrecision precision, string cacheDirectory,
        CancellationToken cancellationToken = default)
    {
        var onnxPrecision = precision switch
        {
            ComputePrecision.Default or ComputePrecision.Float32 => OnnxPrecision.Float32,
            ComputePrecision.Float16 => OnnxPrecision.Float16,
            ComputePrecision.Int8 => OnnxPrecision.Int8,
            ComputePrecision.Int4 => OnnxPrecision.Int4,
            _ => throw new HarkInputException(BenchMatrix.UnsupportedPrecision(EngineKind.Onnx, precision) ?? $"no ONNX export for {precision}", field: "--precisions"),
        };
        var folder = Path.Combine(cacheDirectory, "onnx", $"{fingerprint}-{onnxPrecision.ToName()}");
        if (File.Exists(Path.Combine(folder, OnnxExportMarker.FileName))) return folder;
        OnnxExporter.Export(checkpoint, folder, new OnnxExportOptions { Precision = onnxPrecision, Force = true }, null, cancellationToken);
        return folder;
    }

    /// <summary>Why ONNX Runtime cannot run here (native library missing), or null when it can.</summary>
    public static string? OnnxUnavailableReason()
    {
        try
        {
            return Microsoft.ML.OnnxRuntime.OrtEnv.Instance().GetAvailableProviders().Length > 0 ? null : "ONNX Runtime reports no execution provider";
        }
        catch (Exception ex) when (ex is DllNotFoundException or TypeInitializationException or EntryPointNotFoundException or BadImageFormatException)
        {
            return $"ONNX Runtime's native library could not be loaded ({ex.GetType().Name})";
        }
    }

    /// <summary>Loads the engine of a configuration; returns it with the folder it loaded.</summary>
    internal static (IWhisperEngine Engine, string Folder) Load(WhisperCheckpoint checkpoint, string fingerprint, BenchConfiguration configuration,
        BenchOptions options, CancellationToken cancellationToken)
    {
        var folder = configuration.Engine == EngineKind.Onnx
            ? OnnxExport(checkpoint, fingerprint, configuration.Precision, options.CacheDirectory, cancellationToken)
            : checkpoint.Folder;
        // An export computes in the precision it was exported with.
        var precision = configuration.Engine == EngineKind.Onnx ? ComputePrecision.Default : configuration.Precision;
        var engine = EngineRegistry.Default.Load(folder, new EngineLoadOptions
        {
            Engine = configuration.Engine, Device = configuration.Device, Precision = precision, Threads = options.Threads,
        });
        return (engine, folder);
    }

    private static byte[] TokenizerBytes(string source)
    {
        if (File.Exists(source)) return File.ReadAllBytes(source);
        using var stream = new MemoryStream();
        foreach (var name in RandomModelWriter.TokenizerFiles)
        {
            var path = Path.Combine(source, name);
            if (File.Exists(path)) stream.Write(File.ReadAllBytes(path));
        }
        return stream.ToArray();
    }

    private static string Fingerprint(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes))[..8];
}
