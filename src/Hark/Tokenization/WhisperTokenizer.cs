using System.Text;
using Microsoft.ML.Tokenizers;

namespace Hark.Tokenization;

/// <summary>
/// Whisper's tokenizer: byte-level BPE over GPT-2's pre-tokenization, followed by the special tokens
/// (<see cref="SpecialTokens"/>). Loaded from a Hugging Face folder (<see cref="FromFolder"/>) or openai's rank
/// files (<see cref="FromTiktoken"/>). Immutable and safe to share between threads.
/// </summary>
public sealed partial class WhisperTokenizer
{
    private readonly byte[][] _ordinaryBytes;
    private readonly string[] _tokenStrings;
    private readonly Dictionary<string, int> _tokenToId;
    // Building the BPE encoder takes about as long as reading the files, and decoding never needs it: it is built on
    // the thread pool while the engine loads and audio is decoded, and the first Encode waits for it.
    private readonly Task<Tokenizer> _encoder;
    private readonly Lazy<int[]> _nonSpeech;
    private readonly Lazy<IReadOnlyList<(string Left, string Right)>> _merges;

    private WhisperTokenizer(SpecialTokens special, byte[][] ordinaryBytes, IReadOnlyDictionary<int, string> specialNames,
        Func<Tokenizer> createEncoder, IReadOnlyList<(string Left, string Right)>? merges)
    {
        Special = special;
        _ordinaryBytes = ordinaryBytes;
        _tokenStrings = new string[special.VocabSize];
        _tokenToId = new Dictionary<string, int>(special.VocabSize + 1, StringComparer.Ordinal);
        for (var id = 0; id < special.VocabSize; id++)
        {
            var text = id < special.EndOfText
                ? ByteLevelAlphabet.Encode(ordinaryBytes[id])
                : specialNames.TryGetValue(id, out var named) ? named : SpecialTokenNames.Name(special, id);
            _tokenStrings[id] = text;
            if (text.Length > 0) _tokenToId.TryAdd(text, id);
        }
        // Both spellings of the no-speech token resolve, whichever the files used.
        _tokenToId.TryAdd(SpecialTokenNames.Name(special, special.NoSpeech), special.NoSpeech);
        _tokenToId.TryAdd(SpecialTokenNames.NoCaptions, special.NoSpeech);
        _nonSpeech = new Lazy<int[]>(ComputeNonSpeechTokens);
        // Every transcription suppresses the non-speech tokens (openai's "-1"): worked out with the encoder, off the load path.
        _encoder = Task.Run(() =>
        {
            var encoder = createEncoder();
            _ = Task.Run(() => _nonSpeech.Value);
            return encoder;
        });
        // Rank files carry no merges: derive them (only needed to write Hugging Face files).
        _merges = new(() => merges ?? MergeRepair.FromRanks(_tokenStrings.AsSpan(0, special.EndOfText).ToArray()));
    }

    /// <summary>Ids of the special tokens.</summary>
    public SpecialTokens Special { get; }

    /// <summary>Number of ids, special and timestamp tokens included (51864, 51865 or 51866).</summary>
    public int VocabSize => Special.VocabSize;

    /// <summary>Encodes ordinary text; special-token text such as <c>&lt;|en|&gt;</c> is encoded as plain text.</summary>
    /// <remarks>openai prepends a space to prompts and prefixes (<c>" " + text</c>); that is the caller's choice.</remarks>
    public int[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Length == 0 ? [] : [.. _encoder.GetAwaiter().GetResult().EncodeToIds(text)];
    }

    /// <summary>
    /// Text of the ordinary tokens; special and timestamp tokens are dropped. Bytes of a character split across
    /// tokens are joined first; an incomplete sequence (a prefix of a longer output) becomes U+FFFD.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An id is negative or not below <see cref="VocabSize"/>.</exception>
    public string Decode(ReadOnlySpan<int> tokens) => Encoding.UTF8.GetString(DecodeBytes(tokens));

    /// <summary>
    /// Text with timestamps written as <c>&lt;|1.08|&gt;</c> and other special tokens by name, as openai's
    /// <c>decode_with_timestamps</c> does.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An id is negative or not below <see cref="VocabSize"/>.</exception>
    public string DecodeWithTimestamps(ReadOnlySpan<int> tokens)
    {
        var buffer = new List<byte>(tokens.Length * 4);
        foreach (var id in tokens)
        {
            CheckId(id);
            if (id < Special.EndOfText) buffer.AddRange(_ordinaryBytes[id]);
            else buffer.AddRange(Encoding.UTF8.GetBytes(SpecialTokenNames.Name(Special, id)));
        }
        return Encoding.UTF8.GetString([.. buffer]);
    }

    /// <summary>UTF-8 bytes of the ordinary tokens (special and timestamp tokens dropped).</summary>
    /// <exception cref="ArgumentOutOfRangeException">An id is negative or not below <see cref="VocabSize"/>.</exception>
    public byte[] DecodeBytes(ReadOnlySpan<int> tokens)
    {
        var length = 0;
        foreach (var id in tokens)
        {
            CheckId(id);
            if (id < Special.EndOfText) length += _ordinaryBytes[id].Length;
        }
        var bytes = new byte[length];
        var at = 0;
        foreach (var id in tokens)
        {
            if (id >= Special.EndOfText) continue;
            _ordinaryBytes[id].CopyTo(bytes, at);
            at += _ordinaryBytes[id].Length;
        }
        return bytes;
    }

    /// <summary>The token's string: byte-level BPE form for ordinary ids (<c>Ġthe</c>), the name for specials.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The id is negative or not below <see cref="VocabSize"/>.</exception>
    public string IdToToken(int id)
    {
        CheckId(id);
        return _tokenStrings[id];
    }

    /// <summary>Id of a token string (<c>Ġthe</c>, <c>&lt;|en|&gt;</c>, <c>&lt;|1.00|&gt;</c>), or null.</summary>
    public int? TokenToId(string token) =>
        token is not null && _tokenToId.TryGetValue(token, out var id) ? id : null;

    /// <summary>Token of a language given by code (<c>no</c>) or English name (<c>norwegian</c>).</summary>
    /// <exception cref="HarkInputException">Unknown to this model (the message lists the valid codes), or the model is English-only.</exception>
    public int LanguageToken(string codeOrName)
    {
        ArgumentNullException.ThrowIfNull(codeOrName);
        if (!Special.IsMultilingual)
        {
            throw new HarkInputException($"'{codeOrName}': this model is English-only and takes no language token", field: "language");
        }
        var index = WhisperLanguages.IndexOf(codeOrName);
        if (index < 0 || index >= Special.LanguageCount)
        {
            var valid = string.Join(", ", WhisperLanguages.Codes.Take(Special.LanguageCount));
            throw new HarkInputException($"unknown language '{codeOrName}'; this model knows: {valid}", field: "language");
        }
        return Special.LanguageToken(index);
    }

    /// <summary>String of every id in order (byte-level BPE strings, then special names): a CT2 or GGML vocabulary.</summary>
    public IReadOnlyList<string> TokenStrings() => _tokenStrings;

    private void CheckId(int id)
    {
        if ((uint)id >= (uint)Special.VocabSize)
        {
            throw new ArgumentOutOfRangeException(nameof(id), id, $"token ids run from 0 to {Special.VocabSize - 1}");
        }
    }
}
