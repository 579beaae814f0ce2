using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Hark.IO;

namespace Hark.Tokenization;

public sealed partial class WhisperTokenizer
{
    private static readonly JsonWriterOptions JsonOptions = new()
    {
        Indented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>
    /// Writes the tokenizer as Hugging Face files, in the layout of current Whisper repositories: <c>vocab.json</c>
    /// (the BPE ranks), <c>merges.txt</c> (the merges this tokenizer encodes with; derived from the ranks for a rank
    /// file) and <c>added_tokens.json</c> (every special and timestamp token). Each file is written to a temporary
    /// name first and then renamed, so a failure leaves no half-written file. <see cref="FromFolder"/> reads them back.
    /// </summary>
    /// <param name="folder">Destination folder; created if absent. Existing files of these names are replaced.</param>
    public void WriteHfFiles(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        Directory.CreateDirectory(folder);
        WriteAtomically(Path.Combine(folder, "vocab.json"), stream => WriteIdMap(stream, 0, Special.EndOfText));
        WriteAtomically(Path.Combine(folder, "merges.txt"), stream =>
        {
            using var writer = new StreamWriter(stream, new UTF8Encoding(false)) { NewLine = "\n" };
            writer.WriteLine("#version: 0.2");
            foreach (var (left, right) in _merges.Value) writer.WriteLine(left + " " + right);
        });
        WriteAtomically(Path.Combine(folder, "added_tokens.json"), stream => WriteIdMap(stream, Special.EndOfText, VocabSize));
    }

    private void WriteIdMap(Stream stream, int from, int to)
    {
        using var json = new Utf8JsonWriter(stream, JsonOptions);
        json.WriteStartObject();
        for (var id = from; id < to; id++) json.WriteNumber(_tokenStrings[id], id);
        json.WriteEndObject();
    }

    private static void WriteAtomically(string path, Action<Stream> write) => AtomicOutput.WriteFile(path, write);
}
