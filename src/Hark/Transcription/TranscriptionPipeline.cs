using System.Runtime.CompilerServices;
using Hark.Audio;
using Hark.Checkpoints;
using Hark.Decoding;
using Hark.Engines;
using Hark.Transcription.Timing;

namespace Hark.Transcription;

/// <summary>
/// The window pipeline behind <see cref="WhisperModel"/>: options become a <see cref="TranscriptionPlan"/> once; the
/// language is resolved (given, English for English-only models, or detected on the first 30 seconds, reusing that
/// encoding when it is also the first window decoded); then a <see cref="IWindowStrategy"/> walks the recording
/// (sequential for batch size 1, batched above). Every window is encoded once, and one decoder factory per encoder batch
/// serves detection and every fallback temperature.
/// </summary>
internal sealed class TranscriptionPipeline
{
    private readonly IWhisperEngine _engine;
    private readonly IDecodingTokenizer _tokenizer;
    private readonly GenerationConfig? _generation;
    private int _fallbackWarned;
    private readonly IWindowScheduler? _scheduler;

    /// <summary>
    /// Creates the pipeline over an engine, its tokenizer and the model folder's generation defaults; a
    /// <paramref name="scheduler"/> receives the windows of sequential runs instead of decoding them at once.
    /// </summary>
    public TranscriptionPipeline(IWhisperEngine engine, IDecodingTokenizer tokenizer, GenerationConfig? generation = null,
        IWindowScheduler? scheduler = null)
    {
        _engine = engine;
        _tokenizer = tokenizer;
        _generation = generation;
        _scheduler = scheduler;
        Splitter = new SegmentSplitter(tokenizer);
    }

    /// <summary>Cuts window results into segments.</summary>
    public SegmentSplitter Splitter { get; }

    /// <summary>Plans the run and resolves the language; what <see cref="TranscriptionInfo"/> reports is known after this.</summary>
    /// <exception cref="HarkInputException">Unknown language, bad clip timestamps, or incompatible options.</exception>
    public PreparedTranscription Prepare(MelFeatures mel, TranscriptionOptions options, CancellationToken cancellationToken = default) =>
        Prepare(mel, options, null, cancellationToken);

    /// <summary>Plans the run over <paramref name="clips"/> and resolves the language.</summary>
    /// <param name="mel">The features to transcribe.</param>
    /// <param name="options">How.</param>
    /// <param name="clips">The stretches to transcribe, in frames of <paramref name="mel"/>, when the caller chose them
    /// (voice activity on the batched path); null takes them from the clip timestamps.</param>
    /// <param name="cancellationToken">Cancels language detection.</param>
    /// <exception cref="HarkInputException">Unknown language, bad clip timestamps, or incompatible options.</exception>
    public PreparedTranscription Prepare(MelFeatures mel, TranscriptionOptions options, IReadOnlyList<(int Start, int End)>? clips,
        CancellationToken cancellationToken)
    {
        if (mel.NMels <= 0 || mel.Data.Length < (long)mel.NMels * mel.Frames)
            throw new ArgumentException("mel data is smaller than NMels × Frames", nameof(mel));
        var plan = TranscriptionPlan.Create(options, _tokenizer, _engine.Config, _generation, mel.ContentFrames);
        if (clips is not null) plan = plan with { Clips = clips };
        if (plan.Language is { } language)
            return new PreparedTranscription(mel, plan, new TranscriptionInfo(language, 1.0, mel.Duration, options), null);

        // Detect on the first 3000 frames of the padded features, as openai does (silence padding, not zeros). When the
        // first window decoded is that same stretch, its encoding and decoder factory are kept for decoding.
        AudioWindow detection = new(0, AudioConstants.FramesPerChunk);
        var first = Strategy(plan).FirstBatch(plan, mel);
        var reuse = first.Count > 0 && first[0] == detection;
        var batch = Encode(mel, reuse ? first : [detection], cancellationToken);
        try
        {
            var probs = LanguageDetector.Detect(batch.Decoder, _tokenizer.Special, _engine.Config.VocabSize, [0])[0];
            var (code, probability) = LanguageDetector.Best(probs);
            var info = new TranscriptionInfo(code, probability, mel.Duration, options, probs);
            if (!reuse) batch.Dispose();
            return new PreparedTranscription(mel, plan.WithLanguage(code), info, reuse ? batch : null);
        }
        catch
        {
            batch.Dispose();
            throw;
        }
    }

    /// <summary>Transcribes a prepared run, yielding segments as soon as their window is done.</summary>
    public async IAsyncEnumerable<Segment> RunAsync(PreparedTranscription run, IProgress<TranscriptionProgress>? progress = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        try
        {
            await foreach (var s in Strategy(run.Plan).RunAsync(run, progress, cancellationToken).ConfigureAwait(false)) yield return s;
        }
        finally
        {
            run.Dispose();
        }
    }

    /// <summary>The batched strategy, for callers that choose the windows themselves (voice activity, servers).</summary>
    public BatchedStrategy Batched(int batchSize) => new(this, batchSize);

    /// <summary>Encodes <paramref name="windows"/> of <paramref name="mel"/> as one batch.</summary>
    public EncodedBatch Encode(MelFeatures mel, IReadOnlyList<AudioWindow> windows, CancellationToken cancellationToken) =>
        EncodedBatch.Encode(_engine, mel, windows, cancellationToken);

    /// <summary>Temperature fallback over windows of <paramref name="batch"/>.</summary>
    public Decoding.DecodingResult[] DecodeWithFallback(TranscriptionPlan plan, EncodedBatch batch, IReadOnlyList<int> windows,
        Func<DecodingOptions, DecodingOptions> perWindow, CancellationToken cancellationToken) =>
        TemperatureFallback.Decode(_engine, _tokenizer, plan, batch, windows, perWindow, cancellationToken);

    /// <summary>What adds words to a window's segments when <see cref="TranscriptionOptions.WordTimestamps"/> is on (the
    /// plan's language resolved), else null. The fallback alignment heads are announced once per pipeline.</summary>
    /// <exception cref="HarkInputException">The tokenizer cannot split tokens into words.</exception>
    public WindowWordTimer? WordTimer(TranscriptionPlan plan)
    {
        if (!plan.Options.WordTimestamps) return null;
        if (_tokenizer is not IWordSplitter splitter)
            throw new HarkInputException("word timestamps need a WhisperTokenizer (its word splitting)", field: "word_timestamps");
        var heads = AlignmentHeads.For(_engine.Config, _generation);
        if (heads.IsFallback && Interlocked.Exchange(ref _fallbackWarned, 1) == 0)
            Console.Error.WriteLine("warning: " + AlignmentHeads.FallbackWarning);
        var sot = PromptBuilder.Build(_tokenizer.Special, plan.Attempts[0] with { Prompt = null, Prefix = null, Hotwords = null, WithoutTimestamps = false },
            _engine.Config.MaxTargetPositions, 0, out _);
        var aligner = new WordAligner(_tokenizer, splitter, heads, _engine.Config.VocabSize, _engine.Description.Threads);
        return new WindowWordTimer(aligner, sot, plan.Language, _tokenizer.Special.EndOfText, plan.Options.PrependPunctuations, plan.Options.AppendPunctuations);
    }

    /// <summary>
    /// Encodes and decodes one window of a sequential run with temperature fallback: at once on the thread pool, or
    /// through the scheduler, which may decode it beside other runs' windows with the same result.
    /// </summary>
    public Task<Decoding.DecodingResult> DecodeWindowAsync(WindowWork work, CancellationToken cancellationToken)
    {
        if (_scheduler is { } scheduler) return scheduler.DecodeAsync(work, cancellationToken);
        return Task.Run(() =>
        {
            using var batch = work.Run.Encode(this, [work.Window], cancellationToken);
            return DecodeWithFallback(work.Run.Plan, batch, [0], work.PerWindow, cancellationToken)[0];
        }, cancellationToken);
    }

    /// <summary>Windows of concurrent runs encoded as one batch and decoded together (<see cref="SharedWindowDecoding"/>).</summary>
    public Decoding.DecodingResult[] DecodeTogether(IReadOnlyList<WindowWork> work, CancellationToken cancellationToken)
    {
        // A window that language detection already encoded keeps that encoding (decoded alone, as without a scheduler).
        var results = new Decoding.DecodingResult[work.Count];
        var fresh = new List<int>();
        for (var i = 0; i < work.Count; i++)
        {
            if (work[i].Run.TakePending(work[i].Window) is { } pending)
            {
                using (pending) results[i] = DecodeWithFallback(work[i].Run.Plan, pending, [0], work[i].PerWindow, cancellationToken)[0];
            }
            else
            {
                fresh.Add(i);
            }
        }
        var decoded = SharedWindowDecoding.Decode(_engine, _tokenizer, [.. fresh.Select(i => work[i])], cancellationToken);
        for (var j = 0; j < fresh.Count; j++) results[fresh[j]] = decoded[j];
        return results;
    }

    private IWindowStrategy Strategy(TranscriptionPlan plan) =>
        plan.Options.BatchSize > 1 ? new BatchedStrategy(this, plan.Options.BatchSize) : new SequentialStrategy(this);
}
