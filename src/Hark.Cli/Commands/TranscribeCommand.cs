using System.CommandLine;
using Hark.Audio.Vad;
using Hark.Decoding;
using Hark.Tokenization;
using Hark.Transcription;
using Hark.Transcription.Writers;

namespace Hark.Cli.Commands;

/// <summary><c>hark transcribe AUDIO... --model DIR</c>: openai-whisper's CLI over Hark's engines.</summary>
internal static class TranscribeCommand
{
    private static readonly Argument<string[]> Audio = new("audio")
    {
        Description = "Audio or video files (WAV natively, anything else through ffmpeg); '-' reads stdin.",
        Arity = ArgumentArity.OneOrMore,
    };
    private static readonly Option<string> Model = ModelArgument.CreateOption();
    private static readonly Option<bool> TokenizerFix = new("--tokenizer-fix")
    {
        Description = "Use Whisper's canonical BPE merges when the model's tokenizer files lack some (fine-tunes saved 2022-09..2024-02 lack 'Ġ t').",
    };
    private static readonly Option<string> Engine = new("--engine") { Description = "managed | onnx.", DefaultValueFactory = _ => "managed" };
    private static readonly Option<string> Device = new("--device") { Description = "cpu, cuda[:N], rocm[:N], vulkan[:N].", DefaultValueFactory = _ => "cpu" };
    private static readonly Option<string> ComputeType = new("--compute-type")
    {
        Description = "default | float32 | float16 | bfloat16 | int8 | int4.",
        DefaultValueFactory = _ => "default",
    };
    private static readonly Option<int> Threads = new("--threads") { Description = "CPU threads (0 = engine's choice)." };
    private static readonly Option<bool> NoCache = new("--no-cache")
    {
        Description = "Pack the weights afresh instead of mapping them from the packed-weight cache (see 'hark cache').",
    };
    private static readonly Option<string?> Language = new("--language") { Description = "Language code or name; detected when omitted." };
    private static readonly Option<string> Task = new("--task") { Description = "transcribe | translate.", DefaultValueFactory = _ => "transcribe" };
    private static readonly Option<int> BeamSize = new("--beam-size") { Description = "Beams at temperature 0 (1 = greedy).", DefaultValueFactory = _ => 5 };
    private static readonly Option<int> BestOf = new("--best-of") { Description = "Samples per window at temperature > 0.", DefaultValueFactory = _ => 5 };
    private static readonly Option<double?> Patience = new("--patience") { Description = "Beam-search patience (default 1)." };
    private static readonly Option<double?> LengthPenalty = new("--length-penalty") { Description = "Google-NMT alpha in [0, 1]; default: divide by length." };
    private static readonly Option<string> Temperature = new("--temperature")
    {
        Description = "Starting temperature, or a comma-separated schedule.",
        DefaultValueFactory = _ => "0",
    };
    private static readonly Option<double> TemperatureIncrement = new("--temperature-increment-on-fallback")
    {
        Description = "Step of the fallback schedule up to 1.0 (0 disables fallback).",
        DefaultValueFactory = _ => 0.2,
    };
    private static readonly Option<string?> InitialPrompt = new("--initial-prompt") { Description = "Text given as the first window's previous text." };
    private static readonly Option<string?> Prefix = new("--prefix") { Description = "Text forced at the start of the first window." };
    private static readonly Option<string?> Hotwords = new("--hotwords") { Description = "Hint phrases for every window (ignored with --prefix)." };
    private static readonly Option<bool> ConditionOnPreviousText = new("--condition-on-previous-text")
    {
        Description = "Feed the previous window's text as the prompt.",
        DefaultValueFactory = _ => true,
    };
    private static readonly Option<double?> NoSpeechThreshold = new("--no-speech-threshold")
    {
        Description = "Skip a window above this no-speech probability when its log-probability is low too.",
        DefaultValueFactory = _ => 0.6,
    };
    private static readonly Option<double?> CompressionRatioThreshold = new("--compression-ratio-threshold")
    {
        Description = "Retry hotter above this zlib compression ratio.",
        DefaultValueFactory = _ => 2.4,
    };
    private static readonly Option<double?> LogProbThreshold = new("--log-prob-threshold", "--logprob-threshold")
    {
        Description = "Retry hotter below this average log-probability.",
        DefaultValueFactory = _ => -1.0,
    };
    private static readonly Option<int?> MaxNewTokens = new("--max-new-tokens") { Description = "Most tokens per window (default 224)." };
    private static readonly Option<float> RepetitionPenalty = new("--repetition-penalty") { Description = "Penalty on repeated tokens (1 = off).", DefaultValueFactory = _ => 1f };
    private static readonly Option<int> NoRepeatNgramSize = new("--no-repeat-ngram-size") { Description = "Forbid repeating n-grams of this size (0 = off)." };
    private static readonly Option<bool> WithoutTimestamps = new("--without-timestamps") { Description = "Sample text only, one segment per window." };
    private static readonly Option<string> SuppressTokens = new("--suppress-tokens")
    {
        Description = "Comma-separated token ids to suppress; -1 = non-speech symbols.",
        DefaultValueFactory = _ => "-1",
    };
    private static readonly Option<string?> ClipTimestamps = new("--clip-timestamps") { Description = "start,end,start,end,… seconds to transcribe." };
    private static readonly Option<bool> VadFilter = new("--vad-filter", "--vad_filter")
    {
        Description = "Transcribe only the speech Silero VAD finds; times stay those of the original audio (ignored with --clip-timestamps). Takes an optional True/False.",
    };
    private static readonly Option<string?> VadParameters = new("--vad-parameters", "--vad_parameters")
    {
        Description = "With --vad-filter: key=value,… of faster-whisper's VadOptions: threshold (0.5), neg_threshold (threshold-0.15), min_speech_duration_ms (0), "
            + "max_speech_duration_s (inf), min_silence_duration_ms (2000), speech_pad_ms (400).",
    };
    private static readonly Option<int> BatchSize = new("--batch-size")
    {
        Description = "Windows decoded together (faster-whisper's batched pipeline; 1 = openai's sequential algorithm). Above 1, windows are "
            + "independent: with --vad-filter, speech chunks joined into windows of at most 30 s (default VAD parameters then: "
            + "min_silence_duration_ms=160, max_speech_duration_s=30), else consecutive 30 s windows. Lost: conditioning on the previous "
            + "window's text and seeking from its last timestamp. Kept per window: temperature fallback, the thresholds, no-speech "
            + "skipping, timestamps or not.",
        DefaultValueFactory = _ => 1,
    };
    private static readonly Option<bool> WordTimestamps = new("--word-timestamps")
    {
        Description = "Time every word (cross-attention alignment, as openai-whisper): JSON words, segment bounds moved to them. Takes an optional True/False.",
    };
    private static readonly Option<string> PrependPunctuations = new("--prepend-punctuations")
    {
        Description = "With --word-timestamps: marks merged with the next word.",
        DefaultValueFactory = _ => new TranscriptionOptions().PrependPunctuations,
    };
    private static readonly Option<string> AppendPunctuations = new("--append-punctuations")
    {
        Description = "With --word-timestamps: marks merged with the previous word.",
        DefaultValueFactory = _ => new TranscriptionOptions().AppendPunctuations,
    };
    private static readonly Option<double?> HallucinationSilenceThreshold = new("--hallucination-silence-threshold")
    {
        Description = "With --word-timestamps: skip silences longer than this (seconds) around a likely hallucination.",
    };
    private static readonly Option<bool> HighlightWords = new("--highlight-words")
    {
        Description = "With --word-timestamps: underline each word as it is spoken in srt and vtt. Takes an optional True/False.",
    };
    private static readonly Option<int?> MaxLineWidth = new("--max-line-width")
    {
        Description = "With --word-timestamps: characters per subtitle line before a break.",
    };
    private static readonly Option<int?> MaxLineCount = new("--max-line-count") { Description = "With --word-timestamps: lines per subtitle cue." };
    private static readonly Option<int?> MaxWordsPerLine = new("--max-words-per-line")
    {
        Description = "With --word-timestamps: words per subtitle cue (no effect with --max-line-width).",
    };
    private static readonly Option<string> OutputFormat = new("--output-format", "-f")
    {
        Description = "txt | srt | vtt | tsv | json | all.",
        DefaultValueFactory = _ => "all",
    };
    private static readonly Option<string> OutputDir = new("--output-dir", "-o") { Description = "Where transcripts are written.", DefaultValueFactory = _ => "." };
    private static readonly Option<bool> Json = new("--json") { Description = "Print machine-readable results on stdout." };

    /// <summary>Model and engine options, shared with <c>hark worker</c>.</summary>
    internal static Option[] EngineOptions => [Model, TokenizerFix, Engine, Device, ComputeType, Threads, NoCache];

    /// <summary>Decoding options, shared with <c>hark jobs submit</c> (job options travel with the job).</summary>
    internal static Option[] DecodingOptions =>
    [
        Language, Task, BeamSize, BestOf, Patience, LengthPenalty, Temperature, TemperatureIncrement, InitialPrompt, Prefix, Hotwords,
        ConditionOnPreviousText, NoSpeechThreshold, CompressionRatioThreshold, LogProbThreshold, MaxNewTokens, RepetitionPenalty,
        NoRepeatNgramSize, WithoutTimestamps, SuppressTokens, ClipTimestamps, VadFilter, VadParameters, BatchSize,
        WordTimestamps, PrependPunctuations, AppendPunctuations, HallucinationSilenceThreshold,
    ];

    public static Command Create()
    {
        var command = new Command("transcribe", "Transcribe audio files with a Whisper model (openai-whisper's algorithm).");
        command.Arguments.Add(Audio);
        foreach (var o in (Option[])[.. EngineOptions, .. DecodingOptions, HighlightWords, MaxLineWidth, MaxLineCount, MaxWordsPerLine, OutputFormat,
            OutputDir, Json]) command.Options.Add(o);
        command.SetAction((parse, ct) => TranscribeRunner.RunAsync(Read(parse), ct));
        return command;
    }

    internal static TranscribeRequest Read(ParseResult p)
    {
        var model = ReadEngine(p);
        var transcription = ReadDecoding(p);
        var audio = p.GetValue(Audio)!;
        var formats = TranscriptWriter.Parse(p.GetValue(OutputFormat)!);
        var outputDir = p.GetValue(OutputDir)!;
        return new TranscribeRequest(audio, p.GetValue(Model)!, model, transcription, formats, outputDir, p.GetValue(Json),
            TranscriptFiles.Plan(audio, outputDir, formats, ReadSubtitles(p, transcription.WordTimestamps)));
    }

    /// <summary>The subtitle layout options, which need word timestamps (openai's rule); openai's warnings for options that
    /// have no effect together.</summary>
    private static SubtitleOptions ReadSubtitles(ParseResult p, bool wordTimestamps)
    {
        var subtitles = new SubtitleOptions
        {
            HighlightWords = p.GetValue(HighlightWords),
            MaxLineWidth = p.GetValue(MaxLineWidth) is { } width ? CliParsing.Positive(width, "max-line-width") : null,
            MaxLineCount = p.GetValue(MaxLineCount) is { } count ? CliParsing.Positive(count, "max-line-count") : null,
            MaxWordsPerLine = p.GetValue(MaxWordsPerLine) is { } words ? CliParsing.Positive(words, "max-words-per-line") : null,
        };
        (string Name, bool Set)[] asked =
        [
            ("highlight-words", subtitles.HighlightWords), ("max-line-count", subtitles.MaxLineCount is not null),
            ("max-line-width", subtitles.MaxLineWidth is not null), ("max-words-per-line", subtitles.MaxWordsPerLine is not null),
        ];
        if (!wordTimestamps && asked.FirstOrDefault(a => a.Set).Name is { } option)
            throw new HarkInputException($"--{option} requires --word-timestamps", field: option);
        if (subtitles.MaxLineCount is not null && subtitles.MaxLineWidth is null)
            Console.Error.WriteLine("warning: --max-line-count has no effect without --max-line-width");
        if (subtitles.MaxWordsPerLine is not null && subtitles.MaxLineWidth is not null)
            Console.Error.WriteLine("warning: --max-words-per-line has no effect with --max-line-width");
        return subtitles;
    }

    /// <summary>The model path or alias given with <c>--model</c>.</summary>
    internal static string ReadModelPath(ParseResult p) => p.GetValue(Model)!;

    /// <summary>Reads <see cref="EngineOptions"/>.</summary>
    internal static ModelOptions ReadEngine(ParseResult p) => new()
    {
        Engine = CliParsing.Engine(p.GetValue(Engine)!),
        Device = CliParsing.Device(p.GetValue(Device)!),
        Precision = CliParsing.Precision(p.GetValue(ComputeType)!),
        Threads = ArgumentRanges.Threads(p.GetValue(Threads)),
        Tokenizer = p.GetValue(TokenizerFix) ? new TokenizerOptions { UseCanonicalMerges = true } : null,
        WeightCache = p.GetValue(NoCache) ? null : Engines.Cache.WeightCache.FromEnvironment(),
    };

    /// <summary>Reads <see cref="DecodingOptions"/>, checking ranges and the library's decoding rules before any audio is read.</summary>
    internal static TranscriptionOptions ReadDecoding(ParseResult p)
    {
        var beam = ArgumentRanges.Candidates(p.GetValue(BeamSize), "--beam-size");
        ArgumentRanges.FiniteList(p.GetValue(Temperature)!, "--temperature");
        var transcription = new TranscriptionOptions
        {
            Language = CliParsing.Language(p.GetValue(Language)),
            Task = CliParsing.Task(p.GetValue(Task)!),
            BeamSize = beam > 1 ? beam : null,
            BestOf = ArgumentRanges.Candidates(p.GetValue(BestOf), "--best-of"),
            Patience = p.GetValue(Patience) is { } patience ? ArgumentRanges.Positive(patience, "--patience") : null,
            LengthPenalty = ArgumentRanges.Finite(p.GetValue(LengthPenalty), "--length-penalty"),
            Temperatures = CliParsing.Temperatures(p.GetValue(Temperature)!, ArgumentRanges.Finite(p.GetValue(TemperatureIncrement), "--temperature-increment-on-fallback")),
            InitialPrompt = p.GetValue(InitialPrompt),
            Prefix = p.GetValue(Prefix),
            Hotwords = p.GetValue(Hotwords),
            ConditionOnPreviousText = p.GetValue(ConditionOnPreviousText),
            NoSpeechThreshold = ArgumentRanges.Finite(p.GetValue(NoSpeechThreshold), "--no-speech-threshold"),
            CompressionRatioThreshold = ArgumentRanges.Finite(p.GetValue(CompressionRatioThreshold), "--compression-ratio-threshold"),
            LogProbThreshold = ArgumentRanges.Finite(p.GetValue(LogProbThreshold), "--log-prob-threshold"),
            MaxNewTokens = p.GetValue(MaxNewTokens) is { } max ? CliParsing.Positive(max, "max-new-tokens") : null,
            RepetitionPenalty = (float)ArgumentRanges.Positive(p.GetValue(RepetitionPenalty), "--repetition-penalty"),
            NoRepeatNgramSize = CliParsing.NonNegative(p.GetValue(NoRepeatNgramSize), "no-repeat-ngram-size"),
            WithoutTimestamps = p.GetValue(WithoutTimestamps),
            SuppressTokens = CliParsing.Integers(p.GetValue(SuppressTokens)!, "suppress-tokens"),
            ClipTimestamps = p.GetValue(ClipTimestamps) is { Length: > 0 } clips
                ? ArgumentRanges.Clips(ArgumentRanges.FiniteList(clips, "--clip-timestamps"), "--clip-timestamps")
                : [],
            VadFilter = p.GetValue(VadFilter),
            VadParameters = p.GetValue(VadParameters) is { } vad ? VadOptions.Parse(vad) : null,
            BatchSize = ArgumentRanges.BatchSize(p.GetValue(BatchSize)),
            WordTimestamps = p.GetValue(WordTimestamps),
            PrependPunctuations = p.GetValue(PrependPunctuations)!,
            AppendPunctuations = p.GetValue(AppendPunctuations)!,
            HallucinationSilenceThreshold = p.GetValue(HallucinationSilenceThreshold) is { } silence
                ? ArgumentRanges.Finite(silence, "--hallucination-silence-threshold") : null,
        };
        if (!transcription.WordTimestamps && transcription.HallucinationSilenceThreshold is not null)
            throw new HarkInputException("--hallucination-silence-threshold requires --word-timestamps", field: "hallucination-silence-threshold");
        DecodingRules.Validate(transcription);
        return transcription;
    }
}

/// <summary>Everything <c>hark transcribe</c> was asked to do, parsed and validated.</summary>
internal sealed record TranscribeRequest(
    IReadOnlyList<string> Audio, string ModelPath, ModelOptions Model, TranscriptionOptions Options,
    IReadOnlyList<OutputFormat> Formats, string OutputDir, bool Json, TranscriptFiles Files);
