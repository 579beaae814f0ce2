using Hark.Checkpoints;
using Hark.Decoding;
using Hark.Tokenization;

namespace Hark.Transcription;

/// <summary>
/// One run's options translated once: text options tokenized, the model's generation defaults merged, the decoding of
/// every temperature of the schedule built, the thresholds kept. Immutable; the strategies read only this.
/// </summary>
internal sealed record TranscriptionPlan
{
    /// <summary>The options as given (reported in <see cref="TranscriptionInfo"/>).</summary>
    public required TranscriptionOptions Options { get; init; }

    /// <summary>Language code decoded with; null until detected.</summary>
    public string? Language { get; init; }

    /// <summary>One decoding per temperature of the schedule, without prompt, prefix or seed (set per window).</summary>
    public required IReadOnlyList<DecodingOptions> Attempts { get; init; }

    /// <summary>Tokens of <see cref="TranscriptionOptions.InitialPrompt"/>.</summary>
    public required int[] InitialPrompt { get; init; }

    /// <summary>Tokens of <see cref="TranscriptionOptions.Prefix"/>, or null.</summary>
    public int[]? Prefix { get; init; }

    /// <summary>Previous-text tokens a window may carry: half the decoder context, less the initial prompt.</summary>
    public required int PromptBudget { get; init; }

    /// <summary>Clips to transcribe, in mel frames.</summary>
    public required IReadOnlyList<(int Start, int End)> Clips { get; init; }

    /// <summary>Builds the plan; the language is the given one, English for English-only models, else null (to detect).</summary>
    /// <exception cref="HarkInputException">Unknown language, bad clip timestamps, or incompatible options.</exception>
    public static TranscriptionPlan Create(TranscriptionOptions options, IDecodingTokenizer tokenizer, WhisperConfig config,
        GenerationConfig? generation, int contentFrames)
    {
        DecodingRules.Validate(options);
        var special = tokenizer.Special;
        string? language = null;
        if (options.Language is { } given)
        {
            if (WhisperLanguages.IndexOf(given) is var index && (index < 0 || (special.IsMultilingual && index >= special.LanguageCount)))
                throw new HarkInputException($"unknown language code '{given}'", field: "language");
            language = special.IsMultilingual ? WhisperLanguages.Codes[index] : "en";
        }
        else if (!special.IsMultilingual)
        {
            language = "en";
        }

        var baseOptions = new DecodingOptions
        {
            Task = options.Task,
            Language = language,
            SampleLen = options.MaxNewTokens,
            LengthPenalty = options.LengthPenalty,
            SuppressTokens = WithModelDefaults(options.SuppressTokens, generation?.SuppressTokens),
            BeginSuppressTokens = generation?.BeginSuppressTokens ?? [],
            SuppressBlank = options.SuppressBlank,
            WithoutTimestamps = options.WithoutTimestamps,
            MaxInitialTimestamp = options.MaxInitialTimestamp,
            RepetitionPenalty = options.RepetitionPenalty,
            NoRepeatNgramSize = options.NoRepeatNgramSize,
            Hotwords = string.IsNullOrWhiteSpace(options.Hotwords) ? null : tokenizer.Encode(" " + options.Hotwords.Trim()),
            Seed = options.Seed,
        };
        var initialPrompt = string.IsNullOrWhiteSpace(options.InitialPrompt) ? [] : tokenizer.Encode(" " + options.InitialPrompt.Trim());
        return new TranscriptionPlan
        {
            Options = options,
            Language = language,
            Attempts = [.. DecodingRules.Schedule(options).Select(t => DecodingRules.AtTemperature(baseOptions, t, options))],
            InitialPrompt = initialPrompt,
            Prefix = string.IsNullOrWhiteSpace(options.Prefix) ? null : tokenizer.Encode(" " + options.Prefix.Trim()),
            PromptBudget = config.MaxTargetPositions / 2 - 1 - initialPrompt.Length,
            Clips = SeekClips(options.ClipTimestamps, contentFrames),
        };
    }

    /// <summary>The plan with its language resolved (given or detected).</summary>
    public TranscriptionPlan WithLanguage(string language) =>
        this with { Language = language, Attempts = [.. Attempts.Select(a => a with { Language = language })] };

    /// <summary>Whether <paramref name="result"/> should be retried at the next temperature (openai's rule).</summary>
    public bool NeedsFallback(DecodingResult result)
    {
        var o = Options;
        var needs = false;
        if (o.CompressionRatioThreshold is { } cr && result.CompressionRatio > cr) needs = true; // too repetitive
        if (o.LogProbThreshold is { } lp && result.AvgLogprob < lp) needs = true; // too improbable
        if (o.NoSpeechThreshold is { } ns && result.NoSpeechProb > ns && o.LogProbThreshold is { } lp2 && result.AvgLogprob < lp2)
            needs = false; // silence: no retry will help
        return needs;
    }

    /// <summary>Whether a window is skipped as silence: likely no speech and not a confident decoding.</summary>
    public bool IsSilence(DecodingResult result) =>
        Options.NoSpeechThreshold is { } ns && result.NoSpeechProb > ns
        && !(Options.LogProbThreshold is { } lp && result.AvgLogprob > lp);

    /// <summary>Clip boundaries in frames: pairs of (start, end); an odd list ends at the end of the content.</summary>
    internal static List<(int Start, int End)> SeekClips(IReadOnlyList<double> clipTimestamps, int contentFrames)
    {
        // Points past the end of the audio are clamped to it (a clip there would otherwise get a negative length).
        var points = clipTimestamps
            .Select(ts => Math.Min(contentFrames, (int)Math.Min(int.MaxValue, Math.Round(ts * Audio.AudioConstants.FramesPerSecond, MidpointRounding.ToEven))))
            .ToList();
        if (points.Count == 0) points.Add(0);
        if (points.Count % 2 == 1) points.Add(contentFrames);
        var clips = new List<(int, int)>();
        for (var i = 0; i < points.Count; i += 2) clips.Add((points[i], points[i + 1]));
        return clips;
    }

    /// <summary>The model folder's <c>suppress_tokens</c> join the requested ones (as CTranslate2 applies its suppress ids).</summary>
    private static IReadOnlyList<int> WithModelDefaults(IReadOnlyList<int> requested, IReadOnlyList<int>? model) =>
        model is { Count: > 0 } ? [.. requested, .. model.Where(t => !requested.Contains(t))] : requested;
}
