using System.Runtime.CompilerServices;
using Hark.Audio;
using Hark.Decoding;
using Hark.Engines;

namespace Hark.Transcription;

/// <summary>
/// Long-form transcription exactly as openai-whisper's <c>transcribe()</c> does it: sequential 30-second windows,
/// each decoded with temperature fallback, cut into segments at consecutive timestamp tokens, the next window
/// starting at the last complete timestamp. Segments are yielded as soon as their window is done.
/// </summary>
public sealed class Transcriber
{
    private const int InputStride = 2; // mel frames per encoder position / timestamp step
    private readonly IWhisperEngine _engine;
    private readonly IDecodingTokenizer _tokenizer;

    /// <summary>Creates a transcriber over an engine and its tokenizer.</summary>
    public Transcriber(IWhisperEngine engine, IDecodingTokenizer tokenizer)
    {
        _engine = engine;
        _tokenizer = tokenizer;
    }

    /// <summary>
    /// Resolves the language (given, English for English-only models, or detected on the first 30 seconds) and
    /// returns what is known before decoding.
    /// </summary>
    /// <exception cref="HarkInputException">Unknown language, bad clip timestamps, or incompatible options.</exception>
    public TranscriptionInfo Prepare(MelFeatures mel, TranscriptionOptions options, CancellationToken cancellationToken = default)
    {
        Validate(mel, options);
        var special = _tokenizer.Special;
        if (options.Language is { } given)
        {
            if (Tokenization.WhisperLanguages.IndexOf(given) is var index && (index < 0 || (special.IsMultilingual && index >= special.LanguageCount)))
                throw new HarkInputException($"unknown language code '{given}'", field: "language");
            var code = Tokenization.WhisperLanguages.Codes[index];
            return new TranscriptionInfo(special.IsMultilingual ? code : "en", 1.0, mel.Duration, options);
        }
        if (!special.IsMultilingual) return new TranscriptionInfo("en", 1.0, mel.Duration, options);

        // Detect on the first 3000 frames of the padded features, as openai does (silence padding, not zeros).
        var window = new float[mel.NMels * AudioConstants.FramesPerChunk];
        mel.CopyWindow(0, AudioConstants.FramesPerChunk, window);
        cancellationToken.ThrowIfCancellationRequested();
        using var encoded = _engine.Encode(window, 1, cancellationToken);
        var probs = LanguageDetector.Detect(_engine, special, encoded, [0])[0];
        var (language, probability) = LanguageDetector.Best(probs);
        return new TranscriptionInfo(language, probability, mel.Duration, options, probs);
    }

    /// <summary>Transcribes <paramref name="mel"/> with the language of <paramref name="info"/>.</summary>
    public async IAsyncEnumerable<Segment> RunAsync(MelFeatures mel, TranscriptionInfo info, IProgress<TranscriptionProgress>? progress = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var options = info.Options;
        var special = _tokenizer.Special;
        var contentFrames = mel.ContentFrames;
        var clips = SeekClips(options.ClipTimestamps, contentFrames);
        var baseOptions = new DecodingOptions
        {
            Task = options.Task,
            Language = info.Language,
            SampleLen = options.MaxNewTokens,
            LengthPenalty = options.LengthPenalty,
            SuppressTokens = options.SuppressTokens,
            SuppressBlank = options.SuppressBlank,
            WithoutTimestamps = options.WithoutTimestamps,
            MaxInitialTimestamp = options.MaxInitialTimestamp,
            RepetitionPenalty = options.RepetitionPenalty,
            NoRepeatNgramSize = options.NoRepeatNgramSize,
            Hotwords = string.IsNullOrWhiteSpace(options.Hotwords) ? null : _tokenizer.Encode(" " + options.Hotwords.Trim()),
            Seed = options.Seed,
        };
        var prefix = string.IsNullOrWhiteSpace(options.Prefix) ? null : _tokenizer.Encode(" " + options.Prefix.Trim());

        var allTokens = new List<int>();
        var initialPromptTokens = string.IsNullOrWhiteSpace(options.InitialPrompt) ? [] : _tokenizer.Encode(" " + options.InitialPrompt.Trim());
        allTokens.AddRange(initialPromptTokens);
        var remainingPromptLength = _engine.Config.MaxTargetPositions / 2 - 1 - initialPromptTokens.Length;
        var promptResetSince = 0;
        var segmentCount = 0;
        var window = new float[mel.NMels * AudioConstants.FramesPerChunk];

        var clipIndex = 0;
        var seek = clips[0].Start;
        var firstWindow = true;
        while (clipIndex < clips.Count)
        {
            var (clipStart, clipEnd) = clips[clipIndex];
            if (seek < clipStart) seek = clipStart;
            if (seek >= clipEnd)
            {
                clipIndex++;
                if (clipIndex < clips.Count) seek = clips[clipIndex].Start;
                continue;
            }
            cancellationToken.ThrowIfCancellationRequested();
            var timeOffset = (double)seek * AudioConstants.HopLength / AudioConstants.SampleRate;
            var segmentSize = Math.Min(AudioConstants.FramesPerChunk, Math.Min(contentFrames - seek, clipEnd - seek));
            var segmentDuration = (double)segmentSize * AudioConstants.HopLength / AudioConstants.SampleRate;
            mel.CopyWindow(seek, segmentSize, window);

            IReadOnlyList<int> prompt;
            if (options.CarryInitialPrompt)
            {
                var ignored = Math.Max(initialPromptTokens.Length, promptResetSince);
                var rest = allTokens.Skip(ignored).ToList();
                prompt = [.. initialPromptTokens, .. rest.Skip(Math.Max(0, rest.Count - remainingPromptLength))];
            }
            else
            {
                prompt = allTokens.Skip(promptResetSince).ToList();
            }
            var windowOptions = baseOptions with
            {
                Prompt = prompt,
                Prefix = firstWindow ? prefix : null,
                Seed = unchecked(options.Seed * 1_000_003 + seek), // fresh but reproducible draws per window
            };
            firstWindow = false;

            var currentSeek = seek;
            var result = await Task.Run(() =>
            {
                using var encoded = _engine.Encode(window, 1, cancellationToken);
                return TemperatureFallback.Decode(_engine, _tokenizer, encoded, 0, windowOptions, options, cancellationToken);
            }, cancellationToken).ConfigureAwait(false);

            if (options.NoSpeechThreshold is { } noSpeechThreshold)
            {
                var shouldSkip = result.NoSpeechProb > noSpeechThreshold;
                // A confident decoding is kept despite a high no-speech probability.
                if (options.LogProbThreshold is { } lp && result.AvgLogprob > lp) shouldSkip = false;
                if (shouldSkip)
                {
                    seek += segmentSize;
                    progress?.Report(new TranscriptionProgress(Math.Min(contentFrames, seek) / 100.0, mel.Duration));
                    continue;
                }
            }

            var (current, nextSeek) = SplitSegments(result, currentSeek, timeOffset, segmentSize, segmentDuration, special.TimestampBegin);
            seek = nextSeek;

            var emitted = new List<Segment>(current.Count);
            foreach (var s in current)
            {
                // Instantaneous or textless segments are kept but emptied, as openai does.
                var empty = s.Start == s.End || string.IsNullOrWhiteSpace(s.Text);
                emitted.Add(empty ? s with { Id = segmentCount++, Text = "", Tokens = [] } : s with { Id = segmentCount++ });
            }
            foreach (var s in emitted) allTokens.AddRange(s.Tokens);
            if (!options.ConditionOnPreviousText || result.Temperature > options.PromptResetOnTemperature)
                promptResetSince = allTokens.Count; // do not feed the prompt tokens if a high temperature was used

            foreach (var s in emitted) yield return s;
            progress?.Report(new TranscriptionProgress(Math.Min(contentFrames, seek) / 100.0, mel.Duration));
        }
    }

    /// <summary>
    /// Cuts one window's tokens into segments at consecutive timestamps and returns where the next window starts
    /// (openai's logic: after the last complete pair, or the whole window when it ends on a single timestamp or has
    /// no pair at all).
    /// </summary>
    internal (List<Segment> Segments, int NextSeek) SplitSegments(DecodingResult result, int seek, double timeOffset,
        int segmentSize, double segmentDuration, int timestampBegin)
    {
        var tokens = result.Tokens;
        var segments = new List<Segment>();
        // Timestamps past the audio in a short last window (or past a clip's end) are clamped to it, so segments
        // always lie inside what was transcribed; seeking is unaffected.
        // (Computed from frames, like the duration, so the last segment ends exactly at the end of the audio.)
        var windowEnd = (double)(seek + segmentSize) * AudioConstants.HopLength / AudioConstants.SampleRate;
        var isTimestamp = tokens.Select(t => t >= timestampBegin).ToArray();
        var singleTimestampEnding = tokens.Length >= 2 && !isTimestamp[^2] && isTimestamp[^1];
        var consecutive = new List<int>();
        for (var i = 1; i < tokens.Length; i++)
        {
            if (isTimestamp[i - 1] && isTimestamp[i]) consecutive.Add(i);
        }

        if (consecutive.Count > 0)
        {
            var slices = new List<int>(consecutive);
            if (singleTimestampEnding) slices.Add(tokens.Length);
            var lastSlice = 0;
            foreach (var currentSlice in slices)
            {
                var sliced = tokens[lastSlice..currentSlice];
                var startPos = sliced[0] - timestampBegin;
                var endPos = sliced[^1] - timestampBegin;
                segments.Add(NewSegment(seek, Math.Min(windowEnd, timeOffset + startPos * AudioConstants.TimePrecision),
                    Math.Min(windowEnd, timeOffset + endPos * AudioConstants.TimePrecision), sliced, result));
                lastSlice = currentSlice;
            }
            if (singleTimestampEnding) return (segments, seek + segmentSize); // no speech after the last timestamp
            // Ignore the unfinished segment and start the next window at the last timestamp.
            var lastTimestampPos = tokens[lastSlice - 1] - timestampBegin;
            return (segments, seek + lastTimestampPos * InputStride);
        }

        var duration = segmentDuration;
        var lastTimestamp = -1;
        for (var i = tokens.Length - 1; i >= 0; i--)
        {
            if (isTimestamp[i])
            {
                lastTimestamp = tokens[i];
                break;
            }
        }
        // No pair, but a timestamp other than <|0.00|>: it marks the end of the speech.
        if (lastTimestamp >= 0 && lastTimestamp != timestampBegin)
            duration = (lastTimestamp - timestampBegin) * AudioConstants.TimePrecision;
        segments.Add(NewSegment(seek, timeOffset, Math.Min(windowEnd, timeOffset + duration), tokens, result));
        return (segments, seek + segmentSize);
    }

    private Segment NewSegment(int seek, double start, double end, int[] tokens, DecodingResult result)
    {
        var eot = _tokenizer.Special.EndOfText;
        var text = _tokenizer.Decode([.. tokens.Where(t => t < eot)]);
        return new Segment(0, seek, start, end, text, tokens, result.Temperature, result.AvgLogprob, result.CompressionRatio, result.NoSpeechProb);
    }

    /// <summary>Clip boundaries in frames: pairs of (start, end); an odd list ends at the end of the content.</summary>
    internal static List<(int Start, int End)> SeekClips(IReadOnlyList<double> clipTimestamps, int contentFrames)
    {
        // Points past the end of the audio are clamped to it (a clip there would otherwise get a negative length).
        var points = clipTimestamps
            .Select(ts => Math.Min(contentFrames, (int)Math.Min(int.MaxValue, Math.Round(ts * AudioConstants.FramesPerSecond, MidpointRounding.ToEven))))
            .ToList();
        if (points.Count == 0) points.Add(0);
        if (points.Count % 2 == 1) points.Add(contentFrames);
        var clips = new List<(int, int)>();
        for (var i = 0; i < points.Count; i += 2) clips.Add((points[i], points[i + 1]));
        return clips;
    }

    private static void Validate(MelFeatures mel, TranscriptionOptions options)
    {
        if (options.ClipTimestamps.Any(t => t < 0 || double.IsNaN(t)))
            throw new HarkInputException("clip timestamps must be non-negative seconds", field: "clip_timestamps");
        if (options.Temperatures.Any(t => t < 0 || float.IsNaN(t)))
            throw new HarkInputException("temperatures must be 0 or positive", field: "temperature");
        if (mel.NMels <= 0 || mel.Data.Length < (long)mel.NMels * mel.Frames)
            throw new ArgumentException("mel data is smaller than NMels × Frames", nameof(mel));
    }
}
