using System.Text;
using System.Text.Json.Nodes;
using Hark.IO;
using Hark.Transcription.Writers;

namespace Hark.Cli.Commands;

/// <summary>
/// Where <c>hark transcribe</c> writes each input's transcripts, decided before any work: inputs that share a base
/// name (<c>jfk.wav</c>, <c>jfk.mp3</c>) keep their extension in the output name (<c>jfk.wav.txt</c>, <c>jfk.mp3.txt</c>),
/// and inputs that would still collide (<c>a/x.wav</c>, <c>b/x.wav</c>) are refused, so no transcript replaces another.
/// </summary>
internal sealed class TranscriptFiles
{
    private readonly IReadOnlyList<string> _names;

    private TranscriptFiles(string folder, IReadOnlyList<OutputFormat> formats, IReadOnlyList<string> names, SubtitleOptions? subtitles)
    {
        Subtitles = subtitles;
        Folder = folder;
        Formats = formats;
        _names = names;
    }

    /// <summary>The output folder.</summary>
    public string Folder { get; }

    /// <summary>How SRT and VTT lay out words.</summary>
    public SubtitleOptions? Subtitles { get; }

    /// <summary>The formats written per input.</summary>
    public IReadOnlyList<OutputFormat> Formats { get; }

    /// <summary>Plans the output names of <paramref name="audio"/> in <paramref name="folder"/>.</summary>
    /// <exception cref="HarkInputException">The folder is a file, or two inputs would write the same transcript.</exception>
    /// <exception cref="HarkException">The folder cannot be created or written to.</exception>
    public static TranscriptFiles Plan(IReadOnlyList<string> audio, string folder, IReadOnlyList<OutputFormat> formats, SubtitleOptions? subtitles = null)
    {
        if (File.Exists(folder)) throw new HarkInputException("is a file, expected a folder for the transcripts", folder, "--output-dir");
        static string Stem(string a) => a == "-" ? "stdin" : Path.GetFileNameWithoutExtension(a);
        static string FileName(string a) => a == "-" ? "stdin" : Path.GetFileName(a);
        // File systems on Windows and macOS ignore case, so names that differ only in case collide there.
        var shared = audio.GroupBy(Stem, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        var names = audio.Select(a => shared.Contains(Stem(a)) ? FileName(a) : Stem(a)).ToList();
        for (var i = 0; i < names.Count; i++)
        {
            for (var j = 0; j < i; j++)
            {
                if (string.Equals(names[i], names[j], StringComparison.OrdinalIgnoreCase))
                    throw new HarkInputException(
                        $"'{audio[j]}' and '{audio[i]}' would both write {names[i]}.{TranscriptWriter.Extension(formats[0])}; " +
                        "transcribe them in separate runs with different --output-dir", field: "audio");
            }
        }
        EnsureWritable(folder);
        return new TranscriptFiles(folder, formats, names, subtitles);
    }

    // An output folder that cannot be made or written to (read-only, /proc, a full quota) fails before the work, not after it.
    private static void EnsureWritable(string folder)
    {
        try
        {
            Directory.CreateDirectory(folder);
            using var probe = new FileStream(Path.Combine(folder, $".hark-probe-{Environment.ProcessId}"), FileMode.Create,
                FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new HarkException($"{folder}: --output-dir: cannot write transcripts there ({e.Message})", e);
        }
    }

    /// <summary>The output name (without extension) of input number <paramref name="index"/>.</summary>
    public string BaseName(int index) => _names[index];

    /// <summary>
    /// Writes input <paramref name="index"/>'s transcripts, each through a temporary file renamed into place.
    /// A <paramref name="partial"/> transcript (interrupted run) says so in its JSON (<c>"partial": true</c>).
    /// </summary>
    /// <returns>The files written.</returns>
    public IReadOnlyList<string> Write(int index, TranscriptResult result, bool partial)
    {
        var written = new List<string>();
        foreach (var format in Formats)
        {
            var path = Path.Combine(Folder, _names[index] + "." + TranscriptWriter.Extension(format));
            if (Directory.Exists(path)) throw new HarkInputException("is a folder, expected a transcript file (or none)", path, "--output-dir");
            using var output = AtomicOutput.ForFile(path, force: true);
            using (var writer = new StreamWriter(output.TempPath, false, new UTF8Encoding(false)))
            {
                if (format == OutputFormat.Json && partial) writer.Write(PartialJson(result));
                else TranscriptWriter.Write(writer, result, format, Subtitles);
            }
            output.Commit();
            written.Add(path);
        }
        return written;
    }

    /// <summary>openai's JSON with <c>"partial": true</c> added.</summary>
    public static string PartialJson(TranscriptResult result)
    {
        var json = (JsonObject)JsonNode.Parse(TranscriptWriter.ToJson(result))!;
        json["partial"] = true;
        return json.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }
}
