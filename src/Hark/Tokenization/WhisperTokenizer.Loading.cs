using System.Text;
using Microsoft.ML.Tokenizers;

namespace Hark.Tokenization;

public sealed partial class WhisperTokenizer
{
    private const string EndOfTextName = "<|endoftext|>";

    /// <summary>
    /// Loads the tokenizer of a Hugging Face Whisper folder: <c>tokenizer.json</c>, or <c>vocab.json</c> +
    /// <c>merges.txt</c> (+ <c>added_tokens.json</c>). Text encodes as the folder's merges say (as transformers
    /// does); merges the vocabulary implies but the files lack are reported once through
    /// <see cref="TokenizerOptions.Warning"/> and restored with <see cref="TokenizerOptions.UseCanonicalMerges"/>.
    /// </summary>
    /// <exception cref="TokenizerFormatException">Files missing or malformed, or special tokens that disagree with
    /// Whisper's layout for the vocabulary size.</exception>
    public static WhisperTokenizer FromFolder(string folder, TokenizerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(folder);
        options ??= TokenizerOptions.Default;
        if (!Directory.Exists(folder)) throw new TokenizerFormatException("folder not found", folder);
        var files = HfTokenizerFiles.Read(folder);
        var special = DeriveSpecialTokens(files);

        var ordinary = new string?[special.EndOfText];
        foreach (var (token, id) in files.Vocab)
        {
            if (id < ordinary.Length) ordinary[id] = token;
        }
        var bytes = new byte[ordinary.Length][];
        for (var id = 0; id < ordinary.Length; id++)
        {
            var token = ordinary[id] ?? throw new TokenizerFormatException(
                $"no token has id {id}; ids below {EndOfTextName} ({special.EndOfText}) must all be present", files.VocabPath);
            bytes[id] = ByteLevelAlphabet.Decode(token) ?? throw new TokenizerFormatException(
                $"token {id} '{token}' has characters outside GPT-2's byte-level alphabet", files.VocabPath);
        }
        var specialNames = CheckSpecialTokens(files, special);
        var strings = (IReadOnlyList<string>)ordinary!;

        var merges = files.Merges;
        var missing = MergeRepair.FindMissing(strings, merges, out var unrecoverable);
        var defects = new List<string>();
        if (missing.Count > 0)
        {
            if (options.UseCanonicalMerges) merges = MergeRepair.Restore(merges, missing, strings);
            else defects.Add(DescribeMissing(files.MergesPath, missing));
        }
        if (unrecoverable > 0)
        {
            defects.Add($"{unrecoverable} token(s) of {files.VocabPath} can be made by no merge and will never be produced");
        }
        if (files.Dropout is > 0)
        {
            defects.Add($"BPE dropout {files.Dropout} in {files.VocabPath} is ignored: Hark encodes deterministically");
        }
        if (defects.Count > 0) options.Warn(string.Join("; ", defects));

        var vocabulary = new List<KeyValuePair<string, int>>(ordinary.Length);
        for (var id = 0; id < ordinary.Length; id++)
        {
            if (bytes[id].Length > 0) vocabulary.Add(new(strings[id], id));
        }
        var encoderMerges = merges;
        return new WhisperTokenizer(special, bytes, specialNames, () => BpeTokenizer.Create(new BpeOptions(vocabulary)
        {
            Merges = encoderMerges.Select(m => m.Left + " " + m.Right),
            ByteLevel = true,
            PreTokenizer = GptPreTokenizer.Instance,
        }), merges);
    }

    /// <summary>
    /// Loads openai's rank file (<c>gpt2.tiktoken</c> for English-only models, <c>multilingual.tiktoken</c>
    /// otherwise): one <c>base64 rank</c> line per ordinary token.
    /// </summary>
    /// <param name="ranksFile">The <c>.tiktoken</c> file.</param>
    /// <param name="vocabSize">The model's vocabulary size (51864, 51865 or 51866): decides the special tokens.</param>
    /// <param name="options">Unused by rank files (their ranks are canonical); accepted for symmetry.</param>
    /// <exception cref="TokenizerFormatException">Malformed file, or a rank count that does not fit the size.</exception>
    public static WhisperTokenizer FromTiktoken(string ranksFile, int vocabSize, TokenizerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(ranksFile);
        _ = options;
        if (!File.Exists(ranksFile)) throw new TokenizerFormatException("file not found", ranksFile);
        SpecialTokens special;
        try
        {
            special = SpecialTokens.ForVocabSize(vocabSize);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new TokenizerFormatException(e.Message, ranksFile, "vocab size", e);
        }

        var bytes = new byte[special.EndOfText][];
        var lineNumber = 0;
        foreach (var line in File.ReadLines(ranksFile))
        {
            lineNumber++;
            if (line.Length == 0) continue;
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            byte[] token;
            int rank;
            try
            {
                token = Convert.FromBase64String(line[..Math.Max(space, 0)] is { Length: > 0 } b64 && b64 != "=" ? b64 : "");
                rank = int.Parse(line.AsSpan(space + 1), provider: System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (Exception e) when (e is FormatException or OverflowException or ArgumentOutOfRangeException)
            {
                throw new TokenizerFormatException("expected 'base64 rank'", ranksFile, $"line {lineNumber}", e);
            }
            if (space < 0 || rank < 0 || rank >= bytes.Length || bytes[rank] is not null)
            {
                throw new TokenizerFormatException(
                    $"rank {rank} is out of 0…{bytes.Length - 1} or repeated (a {vocabSize}-token vocabulary has {bytes.Length} ranks)",
                    ranksFile, $"line {lineNumber}");
            }
            bytes[rank] = token;
        }
        var gap = Array.IndexOf(bytes, null);
        if (gap >= 0)
        {
            throw new TokenizerFormatException(
                $"rank {gap} is missing: a {vocabSize}-token vocabulary needs ranks 0…{bytes.Length - 1}", ranksFile);
        }

        // The empty token (multilingual rank 50256, written "=") can never be produced; the encoder does not take it.
        var text = new StringBuilder(bytes.Length * 12);
        for (var rank = 0; rank < bytes.Length; rank++)
        {
            if (bytes[rank].Length > 0) text.Append(Convert.ToBase64String(bytes[rank])).Append(' ').Append(rank).Append('\n');
        }
        var ranks = Encoding.ASCII.GetBytes(text.ToString());
        return new WhisperTokenizer(special, bytes, new Dictionary<int, string>(),
            () => TiktokenTokenizer.Create(new MemoryStream(ranks), GptPreTokenizer.Instance, normalizer: null), merges: null);
    }

    private static SpecialTokens DeriveSpecialTokens(HfTokenizerFiles files)
    {
        int? eot = files.Vocab.TryGetValue(EndOfTextName, out var v) ? v : null;
        var hasCantonese = files.Vocab.ContainsKey("<|yue|>");
        foreach (var (content, id) in files.Added)
        {
            if (content == EndOfTextName) eot ??= id;
            hasCantonese |= content == "<|yue|>";
        }
        if (eot is null)
        {
            throw new TokenizerFormatException($"{EndOfTextName} is in neither the vocabulary nor the added tokens",
                files.AddedPath ?? files.VocabPath);
        }
        // Ranks, then <|endoftext|>, <|startoftranscript|>, the languages, 6 task/control tokens and 1501 timestamps.
        var size = eot.Value + 2 + (hasCantonese ? WhisperLanguages.CountV3 : WhisperLanguages.CountV1) + 6 + SpecialTokens.TimestampCount;
        if (files.ConfigVocabSize is { } configured && configured != size)
        {
            throw new TokenizerFormatException(
                $"config.json has vocab_size {configured} but the tokenizer files make {size} tokens " +
                $"({EndOfTextName} = {eot}, {(hasCantonese ? "100 languages" : "99 languages")})",
                files.VocabPath, "vocab_size");
        }
        try
        {
            var special = SpecialTokens.ForVocabSize(size);
            if (special.EndOfText == eot) return special;
        }
        catch (ArgumentOutOfRangeException)
        {
        }
        throw new TokenizerFormatException(
            $"{EndOfTextName} has id {eot}; Whisper vocabularies put it at 50256 (English-only) or 50257 (multilingual)",
            files.AddedPath ?? files.VocabPath, EndOfTextName);
    }

    // Every special token the files name must sit where Whisper's layout puts it; returns the files' spellings.
    private static Dictionary<int, string> CheckSpecialTokens(HfTokenizerFiles files, SpecialTokens special)
    {
        var names = new Dictionary<int, string>();
        var entries = files.Vocab.Where(kv => kv.Value >= special.EndOfText).Select(kv => (kv.Key, kv.Value, files.VocabPath))
            .Concat(files.Added.Select(a => (a.Content, a.Id, files.AddedPath ?? files.VocabPath)));
        foreach (var (content, id, path) in entries)
        {
            if (id < special.EndOfText)
            {
                if (files.Vocab.TryGetValue(content, out var vocabId) && vocabId == id) continue;
                throw new TokenizerFormatException(
                    $"added token '{content}' has id {id}, inside the BPE ranks (below {EndOfTextName} = {special.EndOfText})",
                    path, content);
            }
            if (id >= special.VocabSize)
            {
                throw new TokenizerFormatException(
                    $"token '{content}' has id {id}, past the end of a {special.VocabSize}-token Whisper vocabulary", path, content);
            }
            if (!SpecialTokenNames.Matches(special, id, content))
            {
                var expected = SpecialTokenNames.Name(special, id);
                throw new TokenizerFormatException(
                    $"token '{content}' has id {id}, where Whisper's layout for a {special.VocabSize}-token vocabulary " +
                    $"puts '{expected}'", path, content);
            }
            names[id] = content;
        }
        return names;
    }

    private static string DescribeMissing(string path, List<MergeRepair.Merge> missing)
    {
        var listed = string.Join(", ", missing.Take(5).Select(m => $"rank {m.Id - 256} \"{m}\""));
        var more = missing.Count > 5 ? $" and {missing.Count - 5} more" : "";
        var example = missing.Any(m => m is { Left: "Ġ", Right: "t" })
            ? " (\" the\" → [220, 3322] instead of [264]: every word starting in 't' after a space takes an extra token)"
            : "";
        return $"{path} lacks {missing.Count} BPE merge(s) of the canonical Whisper vocabulary: {listed}{more}. " +
            "Text is tokenized as these files say (as transformers does), so prompts, prefixes and hotwords encode to " +
            $"different, longer id sequences than openai's tokenizer gives{example}. " +
            "Use the canonical merges instead with TokenizerOptions.UseCanonicalMerges (--tokenizer-fix)";
    }
}
