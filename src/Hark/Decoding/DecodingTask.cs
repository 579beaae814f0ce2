using Hark.Engines;
using Hark.Tokenization;

namespace Hark.Decoding;

/// <summary>
/// Decodes one or more 30-second windows with the same options (openai-whisper <c>DecodingTask</c>): builds the
/// prompt, runs every sequence of every window (beams or samples) through one
/// <see cref="IDecoderSession.Step"/> per token, applies the logit filters, and ranks the candidates.
/// Not thread-safe; create one per decoding call.
/// </summary>
public sealed class DecodingTask
{
    private readonly IWhisperEngine _engine;
    private readonly IDecodingTokenizer _tokenizer;
    private readonly DecodingOptions _options;
    private readonly SpecialTokens _special;
    private readonly int _groupSize;
    private readonly int _contextLength;
    private readonly int _sampleLen;
    private readonly int[] _initialTokens;
    private readonly int _sotIndex;
    private readonly ILogitFilter[] _filters;
    private readonly ISequenceRanker _ranker;

    /// <summary>Validates <paramref name="options"/> and prepares the prompt and the filters.</summary>
    /// <exception cref="HarkInputException">Incompatible options (beam size with best-of, …) or an unknown language.</exception>
    public DecodingTask(IWhisperEngine engine, IDecodingTokenizer tokenizer, DecodingOptions options)
    {
        _engine = engine;
        _tokenizer = tokenizer;
        _special = tokenizer.Special;
        _options = Verify(options);
        _groupSize = options.BeamSize ?? options.BestOf ?? 1;
        _contextLength = engine.Config.MaxTargetPositions;
        _sampleLen = options.SampleLen ?? _contextLength / 2;
        _initialTokens = PromptBuilder.Build(_special, options, _contextLength, _sampleLen, out _sotIndex);
        SampleBegin = _initialTokens.Length;
        _filters = BuildFilters();
        _ranker = new MaximumLikelihoodRanker(options.LengthPenalty);
    }

    /// <summary>The prompt every sequence starts from.</summary>
    public IReadOnlyList<int> InitialTokens => _initialTokens;

    /// <summary>Index of the first sampled token.</summary>
    public int SampleBegin { get; }

    /// <summary>The logit filters, in the order they run.</summary>
    internal IReadOnlyList<ILogitFilter> Filters => _filters;

    /// <summary>Decodes windows <paramref name="windows"/> of <paramref name="audio"/>, one result per window.</summary>
    public IReadOnlyList<DecodingResult> Run(IEncodedAudio audio, ReadOnlySpan<int> windows, CancellationToken cancellationToken = default)
    {
        using var decoder = _engine.PrepareDecoder(audio);
        return Run(decoder, windows, cancellationToken);
    }

    /// <summary>
    /// Decodes windows <paramref name="windows"/> through <paramref name="decoder"/> (whose per-window state, such as
    /// cross-attention K/V, is shared with other decodings of the same windows), one result per window.
    /// </summary>
    public IReadOnlyList<DecodingResult> Run(IDecoderSessionFactory decoder, ReadOnlySpan<int> windows, CancellationToken cancellationToken = default)
        => Run(decoder, windows, null, cancellationToken);

    /// <summary>
    /// As <see cref="Run(IDecoderSessionFactory, ReadOnlySpan{int}, CancellationToken)"/>, with one sampler seed per
    /// window (instead of <see cref="DecodingOptions.Seed"/> for all), so that a window samples the same tokens
    /// whichever windows it is decoded with.
    /// </summary>
    internal IReadOnlyList<DecodingResult> Run(IDecoderSessionFactory decoder, ReadOnlySpan<int> windows, IReadOnlyList<int>? seeds,
        CancellationToken cancellationToken)
        => Run(decoder, windows, seeds, null, cancellationToken);

    /// <summary>
    /// As <see cref="Run(IDecoderSessionFactory, ReadOnlySpan{int}, IReadOnlyList{int}?, CancellationToken)"/>, each window
    /// starting from its own prompt (built by <see cref="PromptBuilder"/> from options that differ from this task's in the
    /// previous text only), all of the length of <see cref="InitialTokens"/>, so that windows of different recordings share
    /// every decoder step and each still gets the tokens it gets alone.
    /// </summary>
    internal IReadOnlyList<DecodingResult> Run(IDecoderSessionFactory decoder, ReadOnlySpan<int> windows, IReadOnlyList<int>? seeds,
        IReadOnlyList<int[]>? initialTokens, CancellationToken cancellationToken)
    {
        var n = windows.Length;
        if (seeds is not null && seeds.Count != n) throw new ArgumentException("one seed per window is needed", nameof(seeds));
        if (initialTokens is not null)
        {
            if (initialTokens.Count != n) throw new ArgumentException("one prompt per window is needed", nameof(initialTokens));
            foreach (var prompt in initialTokens)
            {
                if (prompt.Length != _initialTokens.Length || prompt[_sotIndex] != _special.StartOfTranscript)
                    throw new ArgumentException($"every prompt must be {_initialTokens.Length} tokens with start-of-transcript at {_sotIndex}", nameof(initialTokens));
            }
        }
        if (n == 0) return [];
        var language = _options.Language ?? "en";
        var rows = n * _groupSize;
        var tokens = new int[rows][];
        var audioIndex = new int[rows];
        for (var r = 0; r < rows; r++)
        {
            tokens[r] = initialTokens?[r / _groupSize] ?? _initialTokens;
            audioIndex[r] = windows[r / _groupSize];
        }

        Random[] samplers = seeds is null ? [new Random(_options.Seed)] : [.. seeds.Select(s => new Random(s))];
        var (finalTokens, sumLogprobs, noSpeech, tokenDecoder) = MainLoop(decoder, audioIndex, tokens, samplers, cancellationToken);

        var candidates = tokenDecoder.Finalize(finalTokens, sumLogprobs, n);
        var results = new DecodingResult[n];
        for (var i = 0; i < n; i++)
        {
            var group = candidates[i];
            var sampled = new List<int[]>(group.Count);
            foreach (var c in group)
            {
                var end = Array.IndexOf(c.Tokens, _special.EndOfText, SampleBegin);
                sampled.Add(c.Tokens[SampleBegin..(end < 0 ? c.Tokens.Length : end)]);
            }
            var chosen = _ranker.Rank(sampled, [.. group.Select(c => c.SumLogprob)]);
            var text = _tokenizer.Decode(sampled[chosen]).Trim();
            results[i] = new DecodingResult
            {
                Language = language,
                Tokens = sampled[chosen],
                Text = text,
                AvgLogprob = group[chosen].SumLogprob / (sampled[chosen].Length + 1),
                NoSpeechProb = noSpeech[i * _groupSize],
                Temperature = _options.Temperature,
                CompressionRatio = CompressionRatio.Of(text),
            };
        }
        return results;
    }

    private (int[][] Tokens, double[] SumLogprobs, double[] NoSpeech, ITokenDecoder Decoder) MainLoop(
        IDecoderSessionFactory factory, int[] audioIndex, int[][] tokens, Random[] samplers, CancellationToken cancellationToken)
    {
        var rows = tokens.Length;
        var vocab = _engine.Config.VocabSize;
        ITokenDecoder decoder = _options.BeamSize is { } beam
            ? new BeamSearchDecoder(beam, _special.EndOfText, _options.Patience)
            : new GreedyDecoder(_options.Temperature, _special.EndOfText, samplers);
        var sumLogprobs = new double[rows];
        var noSpeech = new double[rows];
        Array.Fill(noSpeech, double.NaN);

        using var session = factory.StartDecoder(audioIndex, new DecoderSessionOptions { MaxLength = _contextLength });
        var promptLength = tokens[0].Length;
        var last = new float[rows * vocab];
        var probs = new float[vocab];
        for (var i = 0; i < _sampleLen; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (i == 0)
            {
                // The whole prompt at once; also read the logits at SOT for the no-speech probability.
                var feed = new int[rows * promptLength];
                for (var r = 0; r < rows; r++) tokens[r].CopyTo(feed, r * promptLength);
                int[] positions = _sotIndex == promptLength - 1 ? [promptLength - 1] : [_sotIndex, promptLength - 1];
                var logits = new float[rows * positions.Length * vocab];
                session.Step(feed, promptLength, logits, positions);
                for (var r = 0; r < rows; r++)
                {
                    var at = logits.AsSpan(r * positions.Length * vocab, vocab);
                    LogMath.LogSoftmax(at, probs);
                    noSpeech[r] = Math.Exp(probs[_special.NoSpeech]);
                    logits.AsSpan((r * positions.Length + positions.Length - 1) * vocab, vocab).CopyTo(last.AsSpan(r * vocab));
                }
            }
            else
            {
                var feed = new int[rows];
                for (var r = 0; r < rows; r++) feed[r] = tokens[r][^1];
                session.Step(feed, 1, last);
            }

            for (var r = 0; r < rows; r++)
            {
                var row = last.AsSpan(r * vocab, vocab);
                foreach (var filter in _filters) filter.Apply(row, tokens[r]);
            }

            var step = decoder.Update(tokens, last, sumLogprobs);
            if (step.SourceRows is { } sources && !IsIdentity(sources)) session.Reorder(sources);
            tokens = step.Tokens;
            if (step.Completed || tokens[0].Length > _contextLength) break;
        }
        return (tokens, sumLogprobs, noSpeech, decoder);
    }

    private static bool IsIdentity(int[] sources)
    {
        for (var i = 0; i < sources.Length; i++)
        {
            if (sources[i] != i) return false;
        }
        return true;
    }

    private ILogitFilter[] BuildFilters()
    {
        var filters = new List<ILogitFilter>();
        if (_options.SuppressBlank)
            filters.Add(new SuppressBlank(_tokenizer.Encode(" "), _special.EndOfText, SampleBegin));
        if (_options.BeginSuppressTokens.Count > 0)
            filters.Add(new SuppressBlank(CheckedTokens(_options.BeginSuppressTokens, "begin_suppress_tokens"), _special.EndOfText, SampleBegin));
        if (_options.SuppressTokens.Count > 0)
            filters.Add(new SuppressTokens(ResolveSuppressTokens(_options.SuppressTokens, _tokenizer)));
        if (!_options.WithoutTimestamps)
        {
            int? maxInitial = _options.MaxInitialTimestamp is { } seconds && seconds > 0
                ? (int)Math.Round(seconds / Audio.AudioConstants.TimePrecision, MidpointRounding.ToEven)
                : null;
            filters.Add(new ApplyTimestampRules(_special, SampleBegin, maxInitial));
        }
        if (_options.RepetitionPenalty != 1f) filters.Add(new RepetitionPenalty(_options.RepetitionPenalty, SampleBegin));
        if (_options.NoRepeatNgramSize > 0) filters.Add(new NoRepeatNGram(_options.NoRepeatNgramSize, SampleBegin));
        return [.. filters];
    }

    /// <summary>
    /// openai <c>_get_suppress_tokens</c>: <c>-1</c> expands to the non-speech set; the task, SOT, previous-text,
    /// LM and no-speech tokens are always added.
    /// </summary>
    public static int[] ResolveSuppressTokens(IReadOnlyList<int> requested, IDecodingTokenizer tokenizer)
    {
        var special = tokenizer.Special;
        var set = new SortedSet<int>(requested.Where(t => t >= 0));
        foreach (var t in set)
        {
            if (t >= special.VocabSize)
                throw new HarkInputException($"token {t} is outside the vocabulary of {special.VocabSize}", field: "suppress_tokens");
        }
        if (requested.Contains(-1)) set.UnionWith(tokenizer.NonSpeechTokens);
        set.UnionWith([special.Transcribe, special.Translate, special.StartOfTranscript, special.StartOfPrev, special.StartOfLm, special.NoSpeech]);
        return [.. set];
    }

    private int[] CheckedTokens(IReadOnlyList<int> tokens, string field)
    {
        foreach (var t in tokens)
        {
            if (t < 0 || t >= _special.VocabSize)
                throw new HarkInputException($"token {t} is outside the vocabulary of {_special.VocabSize}", field: field);
        }
        return [.. tokens];
    }

    private DecodingOptions Verify(DecodingOptions o)
    {
        if (o.BeamSize is not null && o.BestOf is not null)
            throw new HarkInputException("beam_size and best_of can't be given together", field: "beam_size");
        if (o.Temperature == 0 && o.BestOf is not null)
            throw new HarkInputException("best_of with greedy sampling (temperature 0) is not compatible", field: "best_of");
        if (o.Patience is not null && o.BeamSize is null)
            throw new HarkInputException("patience requires beam_size to be given", field: "patience");
        if (o.LengthPenalty is { } lp && !(lp >= 0 && lp <= 1))
            throw new HarkInputException($"length_penalty (alpha) should be a value between 0 and 1, got {lp}", field: "length_penalty");
        if (o.BeamSize is < 1) throw new HarkInputException($"beam_size must be at least 1, got {o.BeamSize}", field: "beam_size");
        if (o.BestOf is < 1) throw new HarkInputException($"best_of must be at least 1, got {o.BestOf}", field: "best_of");
        if (o.SampleLen is < 1) throw new HarkInputException($"max_new_tokens must be at least 1, got {o.SampleLen}", field: "max_new_tokens");
        if (o.Temperature < 0 || float.IsNaN(o.Temperature))
            throw new HarkInputException($"temperature must be 0 or positive, got {o.Temperature}", field: "temperature");
        if (o.Language is { } language && WhisperLanguages.IndexOf(language) < 0)
            throw new HarkInputException($"unknown language code '{language}'", field: "language");
        if (o.Language is null && _tokenizer.Special.IsMultilingual)
            throw new HarkInputException("a multilingual model decodes with a given language; detect it first (LanguageDetector)", field: "language");
        return o;
    }
}
