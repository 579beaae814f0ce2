using System.Text.Encodings.Web;
using System.Text.Json;
using Hark.Checkpoints;
using Hark.Tokenization;

namespace Hark.Conversion.Ct2;

/// <summary>
/// The two files faster-whisper reads beside a CTranslate2 model besides the converter's own:
/// <c>preprocessor_config.json</c> (without it faster-whisper assumes 80 mel bins, wrong for large-v3) and
/// <c>tokenizer.json</c> (without it faster-whisper downloads openai's tokenizer from the Hub). Both are copied from the
/// source folder when present (as <c>--copy_files</c> would), else written from what the checkpoint holds.
/// </summary>
internal static class Ct2CompanionFiles
{
    /// <summary>Feature-extractor settings file.</summary>
    public const string PreprocessorFile = "preprocessor_config.json";
    /// <summary>Fast-tokenizer file.</summary>
    public const string TokenizerFile = "tokenizer.json";

    private static readonly JsonWriterOptions WriterOptions = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes both files into <paramref name="folder"/>; tokenizer.json is left out when the source has neither it
    /// nor a consistent vocab.json + merges.txt pair.</summary>
    public static void Write(WhisperCheckpoint source, string folder)
    {
        var preprocessor = Path.Combine(source.Folder, PreprocessorFile);
        if (File.Exists(preprocessor)) File.Copy(preprocessor, Path.Combine(folder, PreprocessorFile));
        else File.WriteAllText(Path.Combine(folder, PreprocessorFile), PreprocessorConfigFile.ToJson(source.Preprocessor));

        // Read (and so validate) what the output will carry: a garbage tokenizer.json is never copied verbatim.
        var files = ReadTokenizer(source.Folder);
        var tokenizer = Path.Combine(source.Folder, TokenizerFile);
        if (File.Exists(tokenizer)) File.Copy(tokenizer, Path.Combine(folder, TokenizerFile));
        else File.WriteAllBytes(Path.Combine(folder, TokenizerFile), TokenizerJson(files));
    }

    /// <summary>
    /// The source's tokenizer (tokenizer.json, or vocab.json + merges.txt), validated before anything is written: a
    /// CTranslate2 model without a usable tokenizer.json would make faster-whisper fetch openai's from the Hub.
    /// </summary>
    /// <exception cref="HarkInputException">Neither is present, or the one present is malformed (naming file and field).</exception>
    internal static HfTokenizerFiles ReadTokenizer(string folder) => HfTokenizerFiles.Read(folder);

    /// <summary>A Hugging Face <c>tokenizer.json</c> (byte-level BPE, Whisper's added tokens) for the files read.</summary>
    internal static byte[] TokenizerJson(HfTokenizerFiles files)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("version", "1.0");
            w.WriteNull("truncation");
            w.WriteNull("padding");
            w.WriteStartArray("added_tokens");
            // <|endoftext|> sits in vocab.json of multilingual folders; it is special all the same.
            var specials = files.Vocab.Where(kv => kv.Key.StartsWith("<|", StringComparison.Ordinal) && kv.Key.EndsWith("|>", StringComparison.Ordinal))
                .Select(kv => (Content: kv.Key, Id: kv.Value))
                .Concat(files.Added).DistinctBy(a => a.Id).OrderBy(a => a.Id);
            foreach (var (content, id) in specials)
            {
                w.WriteStartObject();
                w.WriteNumber("id", id);
                w.WriteString("content", content);
                w.WriteBoolean("single_word", false);
                w.WriteBoolean("lstrip", false);
                w.WriteBoolean("rstrip", false);
                w.WriteBoolean("normalized", false);
                w.WriteBoolean("special", true);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteNull("normalizer");
            ByteLevel(w, "pre_tokenizer", addPrefixSpace: false);
            w.WriteNull("post_processor");
            ByteLevel(w, "decoder", addPrefixSpace: true);
            w.WriteStartObject("model");
            w.WriteString("type", "BPE");
            w.WriteNull("dropout");
            w.WriteNull("unk_token");
            w.WriteString("continuing_subword_prefix", "");
            w.WriteString("end_of_word_suffix", "");
            w.WriteBoolean("fuse_unk", false);
            w.WriteBoolean("byte_fallback", false);
            w.WriteStartObject("vocab");
            foreach (var (token, id) in files.Vocab.OrderBy(kv => kv.Value)) w.WriteNumber(token, id);
            w.WriteEndObject();
            w.WriteStartArray("merges");
            foreach (var (left, right) in files.Merges) w.WriteStringValue(left + " " + right);
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return ms.ToArray();
    }

    private static void ByteLevel(Utf8JsonWriter w, string name, bool addPrefixSpace)
    {
        w.WriteStartObject(name);
        w.WriteString("type", "ByteLevel");
        w.WriteBoolean("add_prefix_space", addPrefixSpace);
        w.WriteBoolean("trim_offsets", true);
        w.WriteBoolean("use_regex", true);
        w.WriteEndObject();
    }
}
