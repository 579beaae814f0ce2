using System.Buffers;
using System.Runtime.InteropServices;
using System.Numerics.Tensors;
using Hark.Decoding;
using Hark.Engines;

namespace Hark.Transcription.Timing;

/// <summary>
/// openai-whisper's <c>find_alignment</c>: one extra decoder pass over <c>SOT-sequence, no-timestamps, text, EOT</c> of a
/// window records the alignment heads' cross-attention and the text tokens' probabilities; the cost matrix
/// (<see cref="AlignmentMatrix"/>) goes through <see cref="Dtw"/>, and the path's jumps to the next token give each
/// token's start, grouped into the tokenizer's words.
/// </summary>
internal sealed class WordAligner(IDecodingTokenizer tokenizer, IWordSplitter splitter, AlignmentHeads heads, int vocabSize, int threads = 1)
{
    /// <summary>Time of one encoder position: 20 ms.</summary>
    private const double TokensPerSecond = 50.0;

    /// <summary>Aligns <paramref name="textTokens"/> (no timestamps or specials) with window <paramref name="window"/> of
    /// <paramref name="decoder"/>, whose first <paramref name="numFrames"/> mel frames hold audio.</summary>
    public List<AlignedWord> Align(IDecoderSessionFactory decoder, int window, IReadOnlyList<int> sotSequence, IReadOnlyList<int> textTokens,
        int numFrames, string? language, CancellationToken cancellationToken)
    {
        var frames = numFrames / 2;
        if (textTokens.Count == 0 || frames < 1) return [];
        cancellationToken.ThrowIfCancellationRequested();
        var special = tokenizer.Special;
        int[] tokens = [.. sotSequence, special.NoTimestamps, .. textTokens, special.EndOfText];
        var length = tokens.Length;
        var sot = sotSequence.Count;
        var texts = textTokens.Count;
        var positions = Enumerable.Range(sot, texts).ToArray();
        // Pooled: a window's logits are tens of MB, needed only until the probabilities are read.
        var logits = ScratchArrays<float>.Rent(checked(texts * vocabSize));
        ReadOnlyMemory<float> weights;
        double[] probabilities;
        try
        {
            using (var session = decoder.StartDecoder([window], new DecoderSessionOptions { AlignmentHeads = heads.Pairs, MaxLength = length }))
            {
                session.Step(tokens, length, logits.AsSpan(0, texts * vocabSize), positions);
                weights = session.AlignmentWeights; // a snapshot the session no longer needs
            }
            probabilities = TokenProbabilities(logits, texts * vocabSize, textTokens, special.EndOfText, threads);
        }
        finally
        {
            ScratchArrays<float>.Return(logits);
        }
        var recorded = weights.Length / (heads.Pairs.Count * length);
        var cells = (texts + 1) * frames;
        var matrix = ScratchArrays<float>.Rent(cells);
        int[] rows, columns;
        try
        {
            AlignmentMatrix.Build(weights.Span, heads.Pairs.Count, length, recorded, frames, sot, texts + 1, matrix.AsSpan(0, cells), threads: threads);
            // The history is ours now (a snapshot the session gave up): back to the pool for the next window.
            if (MemoryMarshal.TryGetArray(weights, out var history) && history.Array is { } array) ScratchArrays<float>.Return(array);
            var cost = matrix.AsSpan(0, cells);
            TensorPrimitives.Negate(cost, cost); // DTW finds the cheapest path; the matrix scores alignment
            (rows, columns) = Dtw.Path((ReadOnlySpan<float>)cost, texts + 1, frames);
        }
        finally
        {
            ScratchArrays<float>.Return(matrix);
        }
        var (words, wordTokens) = splitter.SplitToWordTokens([.. textTokens, special.EndOfText], language);
        return FromPath(rows, columns, words, wordTokens, probabilities);
    }

    /// <summary>
    /// Word times from a DTW path: a token starts where the path first reaches its row; a word spans from its first
    /// token's start to the next word's. The last word is the end-of-text token and only bounds the one before it.
    /// </summary>
    public static List<AlignedWord> FromPath(int[] textIndices, int[] timeIndices, IReadOnlyList<string> words, IReadOnlyList<List<int>> wordTokens,
        IReadOnlyList<double> tokenProbabilities)
    {
        if (wordTokens.Count <= 1) return []; // end-of-text only
        var jumpTimes = new List<double>(textIndices.Length);
        for (var k = 0; k < textIndices.Length; k++)
        {
            if (k == 0 || textIndices[k] != textIndices[k - 1]) jumpTimes.Add(timeIndices[k] / TokensPerSecond);
        }
        var result = new List<AlignedWord>(wordTokens.Count - 1);
        var start = 0;
        for (var w = 0; w < wordTokens.Count - 1; w++)
        {
            var end = start + wordTokens[w].Count;
            if (end >= jumpTimes.Count || end > tokenProbabilities.Count)
                throw new InvalidOperationException($"the alignment path reaches {jumpTimes.Count} tokens; word {w} ends at token {end}");
            double sum = 0;
            for (var t = start; t < end; t++) sum += tokenProbabilities[t];
            result.Add(new AlignedWord(words[w], [.. wordTokens[w]], jumpTimes[start], jumpTimes[end], sum / (end - start)));
            start = end;
        }
        return result;
    }

    // Softmax over the text vocabulary (ids below end-of-text) at each position, read at the token that follows; in
    // single precision with vectorised exponentials, as openai's float32 softmax (224 rows × 50 257 per window), rows
    // shared between threads.
    private static double[] TokenProbabilities(float[] logits, int count, IReadOnlyList<int> textTokens, int eot, int threads)
    {
        var vocab = count / textTokens.Count;
        var result = new double[textTokens.Count];
        var parts = Math.Clamp(threads, 1, textTokens.Count);
        Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, part =>
        {
            var exponentials = ArrayPool<float>.Shared.Rent(eot);
            try
            {
                var e = exponentials.AsSpan(0, eot);
                for (var i = part * textTokens.Count / parts; i < (part + 1) * textTokens.Count / parts; i++)
                {
                    var row = logits.AsSpan(i * vocab, eot);
                    TensorPrimitives.Subtract(row, TensorPrimitives.Max(row), e);
                    TensorPrimitives.Exp(e, e);
                    result[i] = e[textTokens[i]] / TensorPrimitives.Sum(e);
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(exponentials);
            }
        });
        return result;
    }
}
