using System.Diagnostics;
using Hark.Audio;
using Hark.Checkpoints;
using Hark.Engines;
using Hark.Engines.Instrumentation;
using Hark.Evaluation;
using Hark.Tokenization;
using Hark.Transcription;

namespace Hark.Benchmarking;

/// <summary>
/// Runs the bench: every available configuration of engine × precision × batch, interleaved round by round in this
/// one process (<see cref="BenchSchedule"/>), warm-up runs first, then measured runs summarised as medians and spread.
/// </summary>
public static class BenchRunner
{
    /// <summary>
    /// What a batch size means: <see cref="TranscriptionOptions.BatchSize"/>, the windows of each file decoded
    /// together (faster-whisper's batched pipeline: independent windows, VAD speech windows with
    /// <see cref="BenchOptions.VadFilter"/>); batch 1 is openai's sequential algorithm. Files run one after another.
    /// </summary>
    public const string BatchMeaning = "batch N = --batch-size N: each file's windows decoded N at a time (independent windows); b1 = openai's sequential algorithm";

    /// <summary>How <see cref="BenchResult.PeakRssBytes"/> is attributed.</summary>
    public const string MemoryMethod =
        "baseline RSS before any engine + RSS growth at this engine's load + largest RSS peak above the run's start RSS (peak reset before each run)";

    /// <summary>Measures the model in <paramref name="modelFolder"/> on <paramref name="inputs"/>.</summary>
    /// <param name="modelFolder">Hugging Face layout folder (config, weights, tokenizer).</param>
    /// <param name="inputs">Audio files with optional references.</param>
    /// <param name="options">Matrix, runs and cache.</param>
    /// <param name="progress">Receives one line per step (loading, conversion, each run).</param>
    /// <param name="cancellationToken">Stops between and inside runs.</param>
    /// <exception cref="HarkInputException">Bad inputs or options.</exception>
    public static async Task<BenchReport> RunAsync(string modelFolder, IReadOnlyList<BenchInput> inputs, BenchOptions options,
        IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        options.Validate();
        if (inputs.Count == 0) throw new HarkInputException("give audio to transcribe with --audio FILE or --manifest TSV", field: "--audio");
        var clock = Stopwatch.StartNew();
        var loadAverage = ReadLoadAverage();

        using var checkpoint = WhisperCheckpoint.Open(modelFolder);
        var tokenizer = new TokenizerAdapter(WhisperTokenizer.FromFolder(modelFolder));
        var fingerprint = BenchModels.ModelFingerprint(modelFolder);
        var mels = new MelFeatures[inputs.Count];
        var audio = new ReadOnlyMemory<float>[inputs.Count];
        for (var i = 0; i < inputs.Count; i++)
        {
            progress?.Report($"features of {Path.GetFileName(inputs[i].Path)}");
            var samples = await AudioLoader.LoadAsync(inputs[i].Path, cancellationToken).ConfigureAwait(false);
            var spec = LogMel.Compute(samples, checkpoint.Config.NumMelBins, AudioConstants.SamplesPerChunk, options.Threads);
            mels[i] = new MelFeatures(spec.Data, spec.NMels, spec.Frames);
            if (options.VadFilter) audio[i] = samples; // VAD runs on the samples, inside each measured run
        }

        var plan = BenchMatrix.Plan(checkpoint.Config, options,
            kind => kind == EngineKind.Onnx ? BenchModels.OnnxUnavailableReason() : null,
            options.AvailableMemoryBytes ?? BenchMatrix.AvailableMemoryBytes());
        var skipped = plan.Skipped.ToList();
        var baseline = SettledRss();

        // One engine per (engine, precision), shared by its batch sizes; loaded up front so rounds can interleave.
        var loaded = new Dictionary<(EngineKind, ComputePrecision, EngineDevice), Loaded>();
        var runnable = new List<BenchConfiguration>();
        try
        {
            foreach (var configuration in plan.Runnable)
            {
                var key = (configuration.Engine, configuration.Precision, configuration.Device);
                if (!loaded.TryGetValue(key, out var prepared))
                {
                    progress?.Report($"loading {configuration.Label} {BenchPrecisions.ToName(key.Precision)}");
                    prepared = TryLoad(checkpoint, fingerprint, configuration, options, tokenizer, cancellationToken);
                    loaded[key] = prepared;
                    if (prepared.Error is not null)
                        skipped.AddRange(plan.Runnable.Where(c => (c.Engine, c.Precision, c.Device) == key).Select(c => new SkippedConfiguration(c, prepared.Error)));
                }
                if (prepared.Error is null) runnable.Add(configuration);
            }

            var runs = runnable.Select(_ => new List<RunMeasurement>()).ToArray();
            var transient = new long[runnable.Count];
            var schedule = BenchSchedule.Interleave(runnable.Count, options.Warmup, options.Runs);
            foreach (var slot in schedule)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var configuration = runnable[slot.Configuration];
                var engine = loaded[(configuration.Engine, configuration.Precision, configuration.Device)];
                progress?.Report($"round {slot.Round + 1}/{options.Warmup + options.Runs}{(slot.Warmup ? " (warm-up)" : "")}: {configuration.Name}");
                var start = SettledRss();
                ProcessMemory.ResetPeak();
                engine.Timed!.Reset();
                var measurement = await RunOnceAsync(engine, configuration.BatchSize, inputs, mels, audio, options, cancellationToken).ConfigureAwait(false);
                transient[slot.Configuration] = Math.Max(transient[slot.Configuration], Math.Max(0, ProcessMemory.PeakBytes - start));
                if (!slot.Warmup) runs[slot.Configuration].Add(measurement);
            }

            var results = new List<BenchResult>();
            for (var i = 0; i < runnable.Count; i++)
            {
                var configuration = runnable[i];
                var engine = loaded[(configuration.Engine, configuration.Precision, configuration.Device)];
                results.Add(Summarise(configuration, engine, runs[i], inputs, options, baseline + engine.LoadBytes + transient[i]));
            }
            results = AddTokenAgreement(results, runnable, runs);
            skipped.Sort((a, b) => string.CompareOrdinal(a.Configuration.Name, b.Configuration.Name));
            return new BenchReport
            {
                Model = modelFolder,
                Inputs = inputs,
                AudioSeconds = mels.Sum(m => m.Duration),
                Options = options,
                BatchMeaning = BatchMeaning,
                MemoryMethod = MemoryMethod,
                LogicalCores = Environment.ProcessorCount,
                LoadAverage = loadAverage,
                BaselineRssBytes = baseline,
                Results = results,
                Skipped = skipped,
                Recommendations = BenchRecommender.Recommend(results),
                WallSeconds = clock.Elapsed.TotalSeconds,
            };
        }
        finally
        {
            foreach (var l in loaded.Values) l.Timed?.Dispose();
        }
    }

    private static Loaded TryLoad(WhisperCheckpoint checkpoint, string fingerprint, BenchConfiguration configuration,
        BenchOptions options, TokenizerAdapter tokenizer, CancellationToken cancellationToken)
    {
        try
        {
            // Convert first, so the export's own memory is not counted as the engine's.
            if (configuration.Engine == EngineKind.Onnx)
                BenchModels.OnnxExport(checkpoint, fingerprint, configuration.Precision, options.CacheDirectory, cancellationToken);
            var before = SettledRss();
            var (engine, folder) = BenchModels.Load(checkpoint, fingerprint, configuration, options, cancellationToken);
            var timed = new TimedEngine(engine);
            return new Loaded(timed, new WhisperModel(timed, tokenizer), folder, Math.Max(0, SettledRss() - before), null);
        }
        catch (Exception ex) when (ex is HarkException or NotSupportedException or DllNotFoundException or TypeInitializationException
                                       or Microsoft.ML.OnnxRuntime.OnnxRuntimeException)
        {
            return new Loaded(null, null, "", 0, $"could not load: {ex.Message}");
        }
    }

    private static async Task<RunMeasurement> RunOnceAsync(Loaded engine, int batch, IReadOnlyList<BenchInput> inputs, MelFeatures[] mels,
        ReadOnlyMemory<float>[] audio, BenchOptions options, CancellationToken cancellationToken)
    {
        var latencies = new double[inputs.Count];
        var texts = new string[inputs.Count];
        var tokens = new int[inputs.Count][];
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < inputs.Count; i++)
        {
            var transcription = new TranscriptionOptions
            {
                Language = inputs[i].Language ?? options.Language,
                BeamSize = options.BeamSize,
                MaxNewTokens = options.MaxNewTokens,
                Temperatures = [0f], // one decoding per window: fallback retries would make run times data-dependent
                BatchSize = batch,
                VadFilter = options.VadFilter,
            };
            var start = Stopwatch.GetTimestamp();
            var run = options.VadFilter
                ? engine.Model!.TranscribeAsync(audio[i], transcription, null, cancellationToken)
                : engine.Model!.TranscribeAsync(mels[i], transcription, null, cancellationToken);
            var result = await run.ToResultAsync(cancellationToken).ConfigureAwait(false);
            latencies[i] = Stopwatch.GetElapsedTime(start).TotalSeconds;
            texts[i] = result.Text;
            tokens[i] = [.. result.Segments.SelectMany(s => s.Tokens)];
        }
        var wall = clock.Elapsed.TotalSeconds;
        var seconds = mels.Sum(m => m.Duration);
        var timings = engine.Timed!.Timings;
        return new RunMeasurement(
            latencies.Average(), latencies.Sum() / Math.Max(seconds, 1e-9), seconds / Math.Max(wall, 1e-9),
            timings.EncoderMsPerWindow, timings.DecoderMsPerToken, tokens.Sum(t => t.Length), texts, tokens);
    }

    private static BenchResult Summarise(BenchConfiguration configuration, Loaded engine, List<RunMeasurement> runs,
        IReadOnlyList<BenchInput> inputs, BenchOptions options, long peak)
    {
        var last = runs[^1];
        var english = new EnglishTextNormalizer(options.SpellingMapPath is null ? null : EnglishSpellingNormalizer.Load(options.SpellingMapPath));
        var basic = new BasicTextNormalizer();
        EditCounts? words = null, chars = null;
        for (var i = 0; i < inputs.Count; i++)
        {
            if (inputs[i].Reference is not { } reference) continue;
            ITextNormalizer normalizer = (inputs[i].Language ?? options.Language) == "en" ? english : basic;
            words = (words ?? default) + ErrorRate.Words(reference, last.Texts[i], normalizer);
            chars = (chars ?? default) + ErrorRate.Characters(reference, last.Texts[i], normalizer);
        }
        return new BenchResult
        {
            Configuration = configuration,
            Engine = engine.Timed!.Description,
            ModelPath = engine.Folder,
            LatencySeconds = SampleStatistics.Of(runs.Select(r => r.Latency)),
            RealTimeFactor = SampleStatistics.Of(runs.Select(r => r.RealTimeFactor)),
            AudioSecondsPerSecond = SampleStatistics.Of(runs.Select(r => r.Throughput)),
            EncoderMsPerWindow = SampleStatistics.Of(runs.Select(r => r.EncoderMs)),
            DecoderMsPerToken = SampleStatistics.Of(runs.Select(r => r.DecoderMs)),
            PeakRssBytes = peak,
            LoadRssBytes = engine.LoadBytes,
            TokensPerRun = SampleStatistics.Of(runs.Select(r => (double)r.TokenCount)).Median,
            WordErrorRate = words?.Rate,
            CharacterErrorRate = chars?.Rate,
            Texts = last.Texts,
            Command = BenchRecommender.CommandLine(configuration, engine.Folder, options.BeamSize, options.Threads, options.VadFilter),
        };
    }

    /// <summary>Agreement with the fp32 tokens of the same engine, device and batch size (batching changes the windows).</summary>
    private static List<BenchResult> AddTokenAgreement(List<BenchResult> results, List<BenchConfiguration> runnable, List<RunMeasurement>[] runs)
    {
        var output = new List<BenchResult>(results.Count);
        for (var i = 0; i < results.Count; i++)
        {
            var reference = runnable.FindIndex(c => c.Engine == runnable[i].Engine && c.Device == runnable[i].Device
                && c.BatchSize == runnable[i].BatchSize && c.Precision == ComputePrecision.Float32);
            if (reference < 0)
            {
                output.Add(results[i]);
                continue;
            }
            output.Add(results[i] with { TokenAgreement = TokenAgreement(runs[reference][^1].InputTokens, runs[i][^1].InputTokens) });
        }
        return output;
    }

    /// <summary>1 − token edit distance / reference length over all inputs, clamped to [0, 1].</summary>
    internal static double TokenAgreement(IReadOnlyList<int[]> reference, IReadOnlyList<int[]> hypothesis)
    {
        var counts = default(EditCounts);
        for (var i = 0; i < reference.Count; i++) counts += ErrorRate.Align<int>(reference[i], hypothesis[i]);
        return Math.Clamp(1 - counts.Rate, 0, 1);
    }

    private static long SettledRss()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return ProcessMemory.CurrentBytes;
    }

    private static double? ReadLoadAverage()
    {
        try
        {
            var text = File.ReadAllText("/proc/loadavg");
            return double.Parse(text.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    private sealed record Loaded(TimedEngine? Timed, WhisperModel? Model, string Folder, long LoadBytes, string? Error);

    private sealed record RunMeasurement(double Latency, double RealTimeFactor, double Throughput, double EncoderMs, double DecoderMs,
        int TokenCount, IReadOnlyList<string> Texts, IReadOnlyList<int[]> InputTokens);
}
