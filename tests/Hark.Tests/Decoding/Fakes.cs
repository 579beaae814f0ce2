using Hark.Checkpoints;
using Hark.Decoding;
using Hark.Engines;
using Hark.Tokenization;

namespace Hark.Tests.Decoding;

/// <summary>
/// A tokenizer where text token <c>t</c> is the word <c>w{t}</c> (or, with <c>hashedWords</c>, a 10-letter word derived
/// from <c>t</c>, so that distinct tokens make text that compresses poorly); <c>" "</c> is token 220.
/// </summary>
internal sealed class FakeTokenizer : IDecodingTokenizer
{
    private readonly bool _hashedWords;

    public FakeTokenizer(int vocabSize = 51865, bool hashedWords = false)
    {
        Special = SpecialTokens.ForVocabSize(vocabSize);
        _hashedWords = hashedWords;
    }

    public SpecialTokens Special { get; }

    public IReadOnlyList<int> NonSpeechTokens { get; } = [1, 2, 3];

    public int[] Encode(string text)
    {
        if (text == " ") return [220];
        return [.. text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => w.StartsWith('w') && int.TryParse(w[1..], out var id) ? id : 1000 + Math.Abs(w.GetHashCode(StringComparison.Ordinal) % 1000))];
    }

    public string Decode(ReadOnlySpan<int> tokens)
    {
        var parts = new List<string>();
        foreach (var t in tokens)
        {
            if (t < Special.EndOfText) parts.Add(_hashedWords ? " " + HashedWord(t) : " w" + t);
        }
        return string.Concat(parts);
    }

    private static string HashedWord(int token)
    {
        var state = (ulong)token * 0x9E3779B97F4A7C15UL + 12345;
        var chars = new char[10];
        for (var i = 0; i < chars.Length; i++)
        {
            state ^= state >> 29;
            state *= 0xBF58476D1CE4E5B9UL;
            chars[i] = (char)('a' + (int)(state % 26));
        }
        return new string(chars);
    }
}

/// <summary>What a scripted model sees when asked for the next-token distribution.</summary>
/// <param name="Window">The encoded mel window (its first value identifies it in tests).</param>
/// <param name="Tokens">Every token of the sequence up to and including the current position.</param>
internal sealed record ScriptContext(float[] Window, int[] Tokens);

/// <summary>
/// An engine whose "model" is a function from (window, tokens so far) to logits. Records every step, so tests can
/// check batching, reordering and prompts.
/// </summary>
internal sealed class ScriptedEngine : IWhisperEngine
{
    private readonly Func<ScriptContext, float[]> _script;

    public ScriptedEngine(Func<ScriptContext, float[]> script, int vocabSize = 51865)
    {
        _script = script;
        Config = WhisperPresets.Get("test") with { VocabSize = vocabSize };
    }

    public WhisperConfig Config { get; }

    public EngineDescription Description { get; } = new("scripted", EngineDevice.Cpu, ComputePrecision.Float32, 1, 0);

    public List<int[]> Prompts { get; } = [];

    public List<int> StepRows { get; } = [];

    public int Encodes { get; private set; }

    public int Reorders { get; set; }

    public IEncodedAudio Encode(ReadOnlySpan<float> mel, int batch, CancellationToken cancellationToken = default)
    {
        Encodes++;
        var per = mel.Length / batch;
        var windows = new float[batch][];
        for (var b = 0; b < batch; b++) windows[b] = mel.Slice(b * per, per).ToArray();
        return new Encoded(windows);
    }

    public IDecoderSession StartDecoder(IEncodedAudio audio, ReadOnlySpan<int> audioIndex, DecoderSessionOptions? options = null)
        => new Session(this, (Encoded)audio, audioIndex.ToArray(), options?.MaxLength ?? Config.MaxTargetPositions);

    public IDecoderSessionFactory PrepareDecoder(IEncodedAudio audio)
    {
        Factories++;
        return new Factory(this, (Encoded)audio);
    }

    /// <summary>Decoder factories prepared (one per encoded batch in the pipeline).</summary>
    public int Factories { get; private set; }

    public void Dispose() { }

    internal float[] Logits(float[] window, int[] tokens) => _script(new ScriptContext(window, tokens));

    private sealed class Factory(ScriptedEngine engine, Encoded audio) : IDecoderSessionFactory
    {
        public int Windows => audio.Batch;
        public IDecoderSession StartDecoder(ReadOnlySpan<int> audioIndex, DecoderSessionOptions? options = null)
            => new Session(engine, audio, audioIndex.ToArray(), options?.MaxLength ?? engine.Config.MaxTargetPositions);
        public void Dispose() { }
    }

    private sealed class Encoded(float[][] windows) : IEncodedAudio
    {
        public float[][] Windows { get; } = windows;
        public int Batch => Windows.Length;
        public void CopyTo(int index, Span<float> destination) => Windows[index].CopyTo(destination);
        public void Dispose() { }
    }

    private sealed class Session(ScriptedEngine engine, Encoded audio, int[] audioIndex, int maxLength) : IDecoderSession
    {
        private List<int>[] _history = [.. audioIndex.Select(_ => new List<int>())];
        private int[] _audioIndex = audioIndex;

        public int SequenceCount => _history.Length;
        public int Length => _history.Length == 0 ? 0 : _history[0].Count;
        public ReadOnlyMemory<float> AlignmentWeights => ReadOnlyMemory<float>.Empty;

        public void Step(ReadOnlySpan<int> tokens, int tokensPerSequence, Span<float> logits, ReadOnlySpan<int> positions = default)
        {
            int[] pos = positions.IsEmpty ? [tokensPerSequence - 1] : positions.ToArray();
            var vocab = engine.Config.VocabSize;
            engine.StepRows.Add(_history.Length);
            for (var s = 0; s < _history.Length; s++)
            {
                var before = _history[s].Count;
                if (before == 0) engine.Prompts.Add(tokens.Slice(s * tokensPerSequence, tokensPerSequence).ToArray());
                _history[s].AddRange(tokens.Slice(s * tokensPerSequence, tokensPerSequence).ToArray());
                if (_history[s].Count > maxLength) throw new InvalidOperationException($"sequence longer than {maxLength}");
                for (var p = 0; p < pos.Length; p++)
                {
                    var upTo = _history[s].Take(before + pos[p] + 1).ToArray();
                    var row = engine.Logits(audio.Windows[_audioIndex[s]], upTo);
                    row.CopyTo(logits.Slice((s * pos.Length + p) * vocab, vocab));
                }
            }
        }

        public void Reorder(ReadOnlySpan<int> sourceRows)
        {
            engine.Reorders++;
            var src = sourceRows.ToArray();
            _history = [.. src.Select(r => new List<int>(_history[r]))];
            _audioIndex = [.. src.Select(r => _audioIndex[r])];
        }

        public void Dispose() { }
    }
}

/// <summary>Builders for logits rows.</summary>
internal static class Logits
{
    public static float[] Flat(int vocab = 51865, float value = 0f)
    {
        var row = new float[vocab];
        Array.Fill(row, value);
        return row;
    }

    /// <summary>A row where <paramref name="peaks"/> get the given logits and everything else −20.</summary>
    public static float[] Peaked(params (int Token, float Logit)[] peaks)
    {
        var row = Flat(51865, -20f);
        foreach (var (t, l) in peaks) row[t] = l;
        return row;
    }
}
