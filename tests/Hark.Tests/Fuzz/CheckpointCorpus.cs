using System.Text;
using System.Text.Json.Nodes;
using static Hark.Tests.Fuzz.FuzzCase;

namespace Hark.Tests.Fuzz;

/// <summary>Hostile Hugging Face folders: config.json, generation_config.json, preprocessor_config.json and tokenizer files.</summary>
internal static class CheckpointCorpus
{
    private static readonly string[] Dimensions =
    [
        "d_model", "encoder_layers", "decoder_layers", "encoder_attention_heads", "decoder_attention_heads", "encoder_ffn_dim",
        "decoder_ffn_dim", "num_mel_bins", "max_source_positions", "max_target_positions", "vocab_size",
    ];

    private static readonly (string Label, JsonNode? Value)[] BadNumbers =
    [
        ("-1", -1), ("0", 0), ("1e9", 1_000_000_000), ("2^31", 2147483648L), ("string", "12"), ("null", null), ("1.5", 1.5), ("3", 3),
    ];

    private static FuzzCase Inspect(string reader, string name, Action<string> spoil, int[]? codes = null) =>
        new(reader, name, dir => ["inspect", SpoiledModel(dir, FuzzSeeds.Get.Hf, spoil)], codes ?? Refused);

    private static FuzzCase Convert(string reader, string name, string target, Action<string> spoil, int[]? codes = null)
    {
        var output = target == "ggml" ? "out.bin" : "out";
        return new(reader, $"{name} (→ {target})", dir => ["convert", SpoiledModel(dir, FuzzSeeds.Get.Hf, spoil), "--to", target, "-o", Path.Combine(dir, output)],
            codes ?? Refused, output);
    }

    private static Action<string> SetConfig(string field, JsonNode? value) =>
        folder => EditJson(Path.Combine(folder, "config.json"), o => o[field] = value?.DeepClone());

    private static Action<string> WriteFile(string file, string text) => folder => File.WriteAllText(Path.Combine(folder, file), text);

    private static Action<string> WriteBytes(string file, byte[] bytes) => folder => File.WriteAllBytes(Path.Combine(folder, file), bytes);

    /// <summary>config.json: every dimension set to absurd values, token ids outside the vocabulary, broken files.</summary>
    public static IEnumerable<FuzzCase> Config()
    {
        foreach (var field in Dimensions)
            foreach (var (label, value) in BadNumbers)
                yield return Inspect("config", $"{field} = {label}", SetConfig(field, value));
        foreach (var field in new[] { "decoder_start_token_id", "eos_token_id", "pad_token_id" })
        {
            yield return Inspect("config", $"{field} = -1", SetConfig(field, -1));
            yield return Inspect("config", $"{field} = 1e9", SetConfig(field, 1_000_000_000));
        }
        yield return Inspect("config", "empty file", WriteFile("config.json", ""));
        yield return Inspect("config", "array", WriteFile("config.json", "[]"));
        yield return Inspect("config", "unterminated", WriteFile("config.json", "{\"d_model\": "));
        yield return Inspect("config", "0xFF byte", WriteBytes("config.json", [(byte)'{', 0xFF, (byte)'}']));
        yield return Inspect("config", "null", WriteFile("config.json", "null"));
        yield return Inspect("config", "deep nesting", WriteFile("config.json", new string('[', 100_000)));
        yield return Inspect("config", "ANSI in model_type", SetConfig("model_type", "\u001b[31mbert\u001b[0m"));
        yield return Inspect("config", "relu activation", SetConfig("activation_function", "relu"));
    }

    /// <summary>generation_config.json: ids outside the vocabulary, impossible alignment heads, wrong types.</summary>
    public static IEnumerable<FuzzCase> Generation()
    {
        (string, string)[] bad =
        [
            ("suppress_tokens", "[1000000000]"), ("suppress_tokens", "[-1]"), ("suppress_tokens", "\"x\""),
            ("begin_suppress_tokens", "[99999999]"), ("lang_to_id", "{\"<|en|>\": 99999999}"), ("lang_to_id", "{\"<|en|>\": \"x\"}"),
            ("task_to_id", "[1]"), ("alignment_heads", "[[99, 0]]"), ("alignment_heads", "[[0, 99]]"), ("alignment_heads", "[[0]]"),
            ("alignment_heads", "\"x\""), ("forced_decoder_ids", "[[1, -5]]"), ("forced_decoder_ids", "[[1, 99999999]]"),
            ("no_timestamps_token_id", "-1"), ("decoder_start_token_id", "1e9"), ("max_length", "\"x\""), ("is_multilingual", "5"),
        ];
        foreach (var (field, json) in bad)
            yield return Inspect("generation", $"{field} = {json}", WriteFile("generation_config.json", $"{{\"{field}\": {json}}}"));
        yield return Inspect("generation", "empty file", WriteFile("generation_config.json", ""));
        yield return Inspect("generation", "array", WriteFile("generation_config.json", "[1, 2]"));
        yield return Inspect("generation", "0xFF byte", WriteBytes("generation_config.json", [0xFF]));
    }

    /// <summary>preprocessor_config.json: mel bins disagreeing with the model, non-positive sizes, broken files.</summary>
    public static IEnumerable<FuzzCase> Preprocessor()
    {
        foreach (var field in new[] { "feature_size", "sampling_rate", "hop_length", "n_fft", "chunk_length" })
        {
            yield return Inspect("preprocessor", $"{field} = -1", WriteFile("preprocessor_config.json", $"{{\"{field}\": -1}}"));
            yield return Inspect("preprocessor", $"{field} = \"x\"", WriteFile("preprocessor_config.json", $"{{\"{field}\": \"x\"}}"));
        }
        yield return Inspect("preprocessor", "feature_size 3", WriteFile("preprocessor_config.json", "{\"feature_size\": 3}"));
        yield return Inspect("preprocessor", "garbage", WriteFile("preprocessor_config.json", "\u001b[2J"));
    }

    /// <summary>vocab.json, merges.txt, added_tokens.json and tokenizer.json broken in the ways converters meet.</summary>
    public static IEnumerable<FuzzCase> Tokenizer()
    {
        foreach (var target in new[] { "ct2", "ggml" })
        {
            yield return Convert("tokenizer", "empty vocab.json file", target, WriteFile("vocab.json", ""));
            yield return Convert("tokenizer", "vocab.json {}", target, WriteFile("vocab.json", "{}"));
            yield return Convert("tokenizer", "vocab.json array", target, WriteFile("vocab.json", "[]"));
            yield return Convert("tokenizer", "vocab.json with one 0xFF byte", target, folder => InjectByte(Path.Combine(folder, "vocab.json"), 0xFF));
            yield return Convert("tokenizer", "vocab.json negative id", target, folder => EditJson(Path.Combine(folder, "vocab.json"), o => o["!"] = -1));
            yield return Convert("tokenizer", "vocab.json string id", target, folder => EditJson(Path.Combine(folder, "vocab.json"), o => o["!"] = "x"));
            yield return Convert("tokenizer", "vocab.json duplicate id", target, folder => EditJson(Path.Combine(folder, "vocab.json"), o => o["\u0120zzzz"] = 5));
            yield return Convert("tokenizer", "vocab.json gap", target, folder => EditJson(Path.Combine(folder, "vocab.json"), o => o.Remove("\"")));
            yield return Convert("tokenizer", "vocab.json missing", target, folder => File.Delete(Path.Combine(folder, "vocab.json")));
            yield return Convert("tokenizer", "vocab.json ANSI token id clash", target, folder => EditJson(Path.Combine(folder, "vocab.json"), o => o["\u001b[31m"] = 7));
        }
        yield return Convert("tokenizer", "merges.txt missing", "ct2", folder => File.Delete(Path.Combine(folder, "merges.txt")));
        yield return Convert("tokenizer", "merges.txt garbage line", "ct2", folder => File.AppendAllText(Path.Combine(folder, "merges.txt"), "onlyone\n"));
        yield return Convert("tokenizer", "added_tokens.json conflicting id", "ct2", WriteFile("added_tokens.json", "{\"<|endoftext|>\": 5}"));
        yield return Convert("tokenizer", "added_tokens.json garbage", "ct2", WriteFile("added_tokens.json", "{{{"));
        yield return Convert("tokenizer", "added_tokens.json 0xFF", "ct2", WriteBytes("added_tokens.json", [(byte)'{', 0xFF]));
        yield return Convert("tokenizer", "tokenizer.json garbage", "ct2", WriteFile("tokenizer.json", "garbage"));
        yield return Convert("tokenizer", "tokenizer.json {}", "ct2", WriteFile("tokenizer.json", "{}"));
        yield return Convert("tokenizer", "tokenizer.json without merges", "ct2", WriteFile("tokenizer.json", "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}}}"));
    }

    private static void InjectByte(string path, byte value)
    {
        var bytes = File.ReadAllBytes(path).ToList();
        var at = bytes.IndexOf((byte)'"', 10) + 1;
        bytes.Insert(at, value);
        File.WriteAllBytes(path, [.. bytes]);
    }

    /// <summary>Text that a file may carry, for cases that need one: an ANSI colour and a terminal title change.</summary>
    public static readonly string Ansi = "\u001b[31m\u001b]0;pwned\u0007";

    /// <summary>UTF-8 bytes of <paramref name="s"/>.</summary>
    public static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);
}
