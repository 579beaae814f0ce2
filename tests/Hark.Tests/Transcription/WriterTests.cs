using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Hark.Transcription;
using Hark.Transcription.Writers;

namespace Hark.Tests.Transcription;

public partial class WriterTests
{
    private static readonly TranscriptResult Sample = new(
    [
        new Segment(0, 0, 0.0, 2.5, " And so, my fellow Americans,", [50364, 1, 2, 50489], 0f, -0.25, 1.2, 0.01),
        new Segment(1, 250, 2.5, 3726.0125, " ask not --> what\tyour country", [50364, 3, 50400], 0.2f, -0.5, 1.4, 0.02),
        new Segment(2, 250, 3726.02, 3727, "", [], 0.2f, double.NaN, 1.4, 0.02),
    ], "en");

    private static string Render(OutputFormat format)
    {
        using var w = new StringWriter(CultureInfo.InvariantCulture);
        TranscriptWriter.Write(w, Sample, format);
        return w.ToString();
    }

    [Theory]
    [InlineData(0.0, false, '.', "00:00.000")]
    [InlineData(2.5, true, ',', "00:00:02,500")]
    [InlineData(3726.0125, false, '.', "01:02:06.012")]
    [InlineData(59.9996, false, '.', "01:00.000")]
    public void Timestamps_format_like_openai(double seconds, bool hours, char marker, string expected)
        => Assert.Equal(expected, Timestamps.Format(seconds, hours, marker));

    [GeneratedRegex(@"^(\d+)\n(\d\d):(\d\d):(\d\d),(\d\d\d) --> (\d\d):(\d\d):(\d\d),(\d\d\d)\n(.*)$", RegexOptions.Singleline)]
    private static partial Regex SrtCue();

    [GeneratedRegex(@"^(?:(\d\d):)?(\d\d):(\d\d)\.(\d\d\d) --> (?:(\d\d):)?(\d\d):(\d\d)\.(\d\d\d)\n(.*)$", RegexOptions.Singleline)]
    private static partial Regex VttCue();

    private static double Seconds(string h, string m, string s, string ms) =>
        (h.Length > 0 ? int.Parse(h, CultureInfo.InvariantCulture) * 3600 : 0) + int.Parse(m, CultureInfo.InvariantCulture) * 60
        + int.Parse(s, CultureInfo.InvariantCulture) + int.Parse(ms, CultureInfo.InvariantCulture) / 1000.0;

    [Fact]
    public void Srt_parses_back_to_the_segments()
    {
        var cues = Render(OutputFormat.Srt).Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, cues.Length); // the empty segment makes no cue
        for (var i = 0; i < cues.Length; i++)
        {
            var m = SrtCue().Match(cues[i]);
            Assert.True(m.Success, cues[i]);
            Assert.Equal(i + 1, int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
            Assert.Equal(Sample.Segments[i].Start, Seconds(m.Groups[2].Value, m.Groups[3].Value, m.Groups[4].Value, m.Groups[5].Value), 3);
            Assert.Equal(Sample.Segments[i].End, Seconds(m.Groups[6].Value, m.Groups[7].Value, m.Groups[8].Value, m.Groups[9].Value), 3);
            Assert.Equal(Sample.Segments[i].Text.Trim().Replace("-->", "->"), m.Groups[10].Value);
        }
    }

    [Fact]
    public void Vtt_parses_back_to_the_segments()
    {
        var text = Render(OutputFormat.Vtt);
        Assert.StartsWith("WEBVTT\n\n", text);
        var cues = text["WEBVTT\n\n".Length..].Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, cues.Length); // the empty segment makes no cue
        for (var i = 0; i < cues.Length; i++)
        {
            var m = VttCue().Match(cues[i]);
            Assert.True(m.Success, cues[i]);
            Assert.Equal(Sample.Segments[i].Start, Seconds(m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value, m.Groups[4].Value), 3);
            Assert.Equal(Sample.Segments[i].End, Seconds(m.Groups[5].Value, m.Groups[6].Value, m.Groups[7].Value, m.Groups[8].Value), 3);
            Assert.DoesNotContain("-->", m.Groups[9].Value);
        }
    }

    [Fact]
    public void Tsv_has_integer_milliseconds_and_no_tabs_in_text()
    {
        var lines = Render(OutputFormat.Tsv).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("start\tend\ttext", lines[0]);
        Assert.Equal("0\t2500\tAnd so, my fellow Americans,", lines[1]);
        Assert.Equal("2500\t3726012\task not --> what your country", lines[2]);
    }

    [Fact]
    public void Txt_has_one_trimmed_line_per_segment()
        => Assert.Equal("And so, my fellow Americans,\nask not --> what\tyour country\n\n", Render(OutputFormat.Txt));

    [Fact]
    public void Json_has_openai_shape()
    {
        using var doc = JsonDocument.Parse(Render(OutputFormat.Json));
        var root = doc.RootElement;
        Assert.Equal(["text", "segments", "language"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(" And so, my fellow Americans, ask not --> what\tyour country", root.GetProperty("text").GetString());
        Assert.Equal("en", root.GetProperty("language").GetString());
        var s1 = root.GetProperty("segments")[1];
        Assert.Equal(["id", "seek", "start", "end", "text", "tokens", "temperature", "avg_logprob", "compression_ratio", "no_speech_prob"],
            s1.EnumerateObject().Select(p => p.Name));
        Assert.Equal(0.2, s1.GetProperty("temperature").GetDouble());
        Assert.Equal([50364, 3, 50400], s1.GetProperty("tokens").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(JsonValueKind.Null, root.GetProperty("segments")[2].GetProperty("avg_logprob").ValueKind);
    }

    [Fact]
    public void All_writes_every_format_beside_each_other_without_temp_files()
    {
        using var dir = Fixtures.TempDir();
        var files = TranscriptWriter.WriteFiles(Sample, "/some/where/talk.wav", dir.FullName, TranscriptWriter.Parse("all"));
        Assert.Equal(["talk.txt", "talk.srt", "talk.vtt", "talk.tsv", "talk.json"], files.Select(Path.GetFileName));
        Assert.Equal(5, Directory.GetFiles(dir.FullName).Length);
    }

    [Fact]
    public void Unknown_format_is_an_input_error()
        => Assert.Equal("output-format", Assert.Throws<HarkInputException>(() => TranscriptWriter.Parse("docx")).Field);
}
