using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Hark.Transcription.Writers;

/// <summary>Writes transcripts in openai-whisper's formats, to a <see cref="TextWriter"/> or to files beside each other.</summary>
public static class TranscriptWriter
{
    /// <summary>File extension of <paramref name="format"/> (without the dot).</summary>
    public static string Extension(OutputFormat format) => format.ToString().ToLowerInvariant();

    /// <summary>Parses <c>txt|srt|vtt|tsv|json|all</c>.</summary>
    /// <exception cref="HarkInputException">Any other name.</exception>
    public static IReadOnlyList<OutputFormat> Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "all" => Enum.GetValues<OutputFormat>(),
        var n when Enum.TryParse<OutputFormat>(n, ignoreCase: true, out var f) && Enum.IsDefined(f) && !int.TryParse(n, out _) => [f],
        _ => throw new HarkInputException($"unknown output format '{name}'; expected txt, srt, vtt, tsv, json or all", field: "output-format"),
    };

    /// <summary>Writes <paramref name="result"/> as <paramref name="format"/>; with words, SRT and VTT cues are laid out by
    /// <paramref name="subtitles"/> as openai-whisper's writers do.</summary>
    public static void Write(TextWriter writer, TranscriptResult result, OutputFormat format, SubtitleOptions? subtitles = null)
    {
        if (format is OutputFormat.Vtt or OutputFormat.Srt && SubtitleCues.HasWords(result))
        {
            WriteWordCues(writer, result, format, subtitles ?? new SubtitleOptions());
            return;
        }
        switch (format)
        {
            case OutputFormat.Txt:
                foreach (var s in result.Segments) writer.Write(s.Text.Trim() + "\n");
                break;
            case OutputFormat.Vtt:
                writer.Write("WEBVTT\n\n");
                foreach (var s in Cues(result))
                    writer.Write($"{Timestamps.Format(s.Start)} --> {Timestamps.Format(s.End)}\n{SubtitleText(s)}\n\n");
                break;
            case OutputFormat.Srt:
                var index = 1;
                foreach (var s in Cues(result))
                    writer.Write($"{index++}\n{Timestamps.Format(s.Start, true, ',')} --> {Timestamps.Format(s.End, true, ',')}\n{SubtitleText(s)}\n\n");
                break;
            case OutputFormat.Tsv:
                writer.Write("start\tend\ttext\n");
                foreach (var s in result.Segments)
                    writer.Write(string.Create(CultureInfo.InvariantCulture,
                        $"{Math.Round(1000 * s.Start, MidpointRounding.ToEven):0}\t{Math.Round(1000 * s.End, MidpointRounding.ToEven):0}\t{s.Text.Trim().Replace('\t', ' ')}\n"));
                break;
            case OutputFormat.Json:
                writer.Write(ToJson(result));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format, null);
        }
    }

    /// <summary>openai-whisper's JSON result; NaN numbers become <c>null</c> so the output stays valid JSON.</summary>
    public static string ToJson(TranscriptResult result)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("text", result.Text);
            json.WriteStartArray("segments");
            foreach (var s in result.Segments)
            {
                json.WriteStartObject();
                json.WriteNumber("id", s.Id);
                json.WriteNumber("seek", s.Seek);
                Number(json, "start", s.Start);
                Number(json, "end", s.End);
                json.WriteString("text", s.Text);
                json.WriteStartArray("tokens");
                foreach (var t in s.Tokens) json.WriteNumberValue(t);
                json.WriteEndArray();
                Number(json, "temperature", Math.Round((double)s.Temperature, 6)); // 0.2f prints as 0.2
                Number(json, "avg_logprob", s.AvgLogprob);
                Number(json, "compression_ratio", s.CompressionRatio);
                Number(json, "no_speech_prob", s.NoSpeechProb);
                if (s.Words is { } words) WriteWords(json, words);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteString("language", result.Language);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>
    /// Writes one file per format as <c>outputDir/basename.ext</c>, each through a temporary file renamed into place,
    /// so a failure never leaves a half-written transcript.
    /// </summary>
    /// <returns>The files written.</returns>
    public static IReadOnlyList<string> WriteFiles(TranscriptResult result, string audioPath, string outputDir, IEnumerable<OutputFormat> formats,
        SubtitleOptions? subtitles = null)
    {
        Directory.CreateDirectory(outputDir);
        var basename = audioPath == "-" ? "stdin" : Path.GetFileNameWithoutExtension(audioPath);
        var written = new List<string>();
        foreach (var format in formats)
        {
            var path = Path.Combine(outputDir, basename + "." + Extension(format));
            Hark.IO.AtomicOutput.WriteFile(path, stream =>
            {
                using var writer = new StreamWriter(stream, new UTF8Encoding(false));
                Write(writer, result, format, subtitles);
            });
            written.Add(path);
        }
        return written;
    }

    private static void WriteWordCues(TextWriter writer, TranscriptResult result, OutputFormat format, SubtitleOptions subtitles)
    {
        var srt = format == OutputFormat.Srt;
        if (!srt) writer.Write("WEBVTT\n\n");
        var index = 1;
        foreach (var (start, end, text) in SubtitleCues.Iterate(result, subtitles, t => srt ? Timestamps.Format(t, true, ',') : Timestamps.Format(t)))
            writer.Write(srt ? $"{index++}\n{start} --> {end}\n{text}\n\n" : $"{start} --> {end}\n{text}\n\n");
    }

    /// <summary>Subtitle cues: segments with text (an empty cue would end the block early and break SRT/VTT parsers).</summary>
    private static IEnumerable<Segment> Cues(TranscriptResult result) => result.Segments.Where(s => SubtitleText(s).Length > 0);

    private static string SubtitleText(Segment s) => s.Text.Trim().Replace("-->", "->");

    private static void WriteWords(Utf8JsonWriter json, IReadOnlyList<WordTiming> words)
    {
        json.WriteStartArray("words");
        foreach (var w in words)
        {
            json.WriteStartObject();
            json.WriteString("word", w.Word);
            Number(json, "start", w.Start);
            Number(json, "end", w.End);
            Number(json, "probability", w.Probability);
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    private static void Number(Utf8JsonWriter json, string name, double value)
    {
        if (double.IsFinite(value)) json.WriteNumber(name, value);
        else json.WriteNull(name);
    }
}
