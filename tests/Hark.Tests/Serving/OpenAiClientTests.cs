using System.Text.Json;
using Hark.Transcription.Writers;
using OpenAI.Audio;

namespace Hark.Tests.Serving;

/// <summary>
/// The server answers the official OpenAI .NET client in every response format, for transcription, translation and
/// streaming, and each answer is what the same model gives in-process with the same options, token for token.
/// </summary>
[Collection(ServingCollection.Name)]
public class OpenAiClientTests(ServerFixture server)
{
    private static readonly string Jfk = Fixtures.Path("audio/jfk.wav");
    private static readonly string Longform = Fixtures.Path("audio/espeak/longform.wav");

    [Fact]
    public async Task Verbose_json_carries_the_same_segments_and_tokens_as_an_in_process_transcription()
    {
        var (info, expected) = await server.ExpectedAsync(Longform);
        AudioTranscription actual = await server.Audio().TranscribeAudioAsync(Longform, new AudioTranscriptionOptions
        {
            ResponseFormat = AudioTranscriptionFormat.Verbose, Language = "en", TimestampGranularities = AudioTimestampGranularities.Segment,
        });
        Assert.Equal(expected.Text, actual.Text);
        Assert.Equal("english", actual.Language);
        Assert.Equal(info.Duration, actual.Duration!.Value.TotalSeconds, 3);
        Assert.Equal(expected.Segments.Select(s => s.Tokens.ToArray()), actual.Segments.Select(s => s.TokenIds.ToArray()));
        Assert.Equal(expected.Segments.Select(s => (s.Id, s.Seek)), actual.Segments.Select(s => (s.Id, s.SeekOffset)));
        Assert.Equal(expected.Segments.Select(s => s.Start), actual.Segments.Select(s => s.StartTime.TotalSeconds), new ToleranceComparer(1e-3));
    }

    [Theory]
    [InlineData("json")]
    [InlineData("text")]
    [InlineData("srt")]
    [InlineData("vtt")]
    public async Task Each_response_format_is_what_hark_writes_for_the_same_transcript(string format)
    {
        var (_, expected) = await server.ExpectedAsync(Jfk);
        AudioTranscription actual = await server.Audio().TranscribeAudioAsync(Jfk, new AudioTranscriptionOptions
        {
            ResponseFormat = format switch
            {
                "json" => AudioTranscriptionFormat.Simple,
                "text" => AudioTranscriptionFormat.Text,
                "srt" => AudioTranscriptionFormat.Srt,
                _ => AudioTranscriptionFormat.Vtt,
            },
            Language = "en",
        });
        var written = format == "json" ? expected.Text : Written(expected, Enum.Parse<OutputFormat>(format == "text" ? "txt" : format, true));
        Assert.Equal(written, actual.Text);
    }

    [Fact]
    public async Task Translation_decodes_with_the_translate_task()
    {
        var (_, expected) = await server.ExpectedAsync(Jfk, ServerFixture.Options with { Task = Hark.Decoding.WhisperTask.Translate });
        AudioTranslation actual = await server.Audio().TranslateAudioAsync(Jfk, new AudioTranslationOptions { ResponseFormat = AudioTranslationFormat.Verbose });
        Assert.Equal(expected.Text, actual.Text);
        Assert.Equal(expected.Segments.Select(s => s.Tokens.ToArray()), actual.Segments.Select(s => s.TokenIds.ToArray()));
    }

    [Fact]
    public async Task Streaming_sends_one_delta_per_segment_then_the_whole_text()
    {
        var (_, expected) = await server.ExpectedAsync(Longform);
        var deltas = new List<string>();
        string? done = null;
#pragma warning disable OPENAI001 // streaming transcription is marked experimental in the client
        var stream = await server.Audio().TranscribeAudioStreamingAsync(Longform, new AudioTranscriptionOptions { Language = "en" });
        await foreach (var update in stream)
        {
            if (update is StreamingAudioTranscriptionTextDeltaUpdate delta) deltas.Add(delta.Delta);
            else if (update is StreamingAudioTranscriptionTextDoneUpdate final) done = final.Text;
        }
#pragma warning restore OPENAI001
        Assert.Equal(expected.Segments.Select(s => s.Text), deltas);
        Assert.Equal(expected.Text, done);
    }

    [Fact]
    public async Task Concurrent_requests_batched_together_each_get_their_own_transcript()
    {
        string[] files = [Jfk, Longform, Fixtures.Path("audio/espeak/en01.wav"), Fixtures.Path("audio/espeak/en02.wav"), Longform, Jfk];
        var expected = await Task.WhenAll(files.Select(f => server.ExpectedAsync(f)));
        var actual = await Task.WhenAll(files.Select(f => server.Audio().TranscribeAudioAsync(f, new AudioTranscriptionOptions
        {
            ResponseFormat = AudioTranscriptionFormat.Verbose, Language = "en",
        })));
        for (var i = 0; i < files.Length; i++)
            Assert.Equal(expected[i].Result.Segments.Select(s => s.Tokens.ToArray()), actual[i].Value.Segments.Select(s => s.TokenIds.ToArray()));
    }

    [Fact]
    public async Task The_model_list_names_the_served_model()
    {
        var models = server.Client().GetOpenAIModelClient();
        var list = await models.GetModelsAsync();
        Assert.Equal([ServerFixture.ModelName], list.Value.Select(m => m.Id));
        var one = await models.GetModelAsync(ServerFixture.ModelName);
        Assert.Equal("hark", one.Value.OwnedBy);
    }

    [Fact]
    public async Task The_transcript_equals_hark_transcribe_on_the_command_line()
    {
        using var dir = Fixtures.TempDir();
        var cli = await Transcription.HarkProcess.RunAsync(["transcribe", Jfk, "--model", server.Folder, "--language", "en", "--beam-size", "1",
            "--best-of", "2", "--temperature", "0,0.6", "--max-new-tokens", "10", "--threads", "2", "-f", "json", "-o", dir.FullName]);
        Assert.True(cli.ExitCode == 0, cli.Stderr);
        using var json = JsonDocument.Parse(File.ReadAllText(dir.File("jfk.json")));
        var tokens = json.RootElement.GetProperty("segments").EnumerateArray()
            .Select(s => s.GetProperty("tokens").EnumerateArray().Select(t => t.GetInt32()).ToArray()).ToList();
        AudioTranscription actual = await server.Audio().TranscribeAudioAsync(Jfk, new AudioTranscriptionOptions
        {
            ResponseFormat = AudioTranscriptionFormat.Verbose, Language = "en",
        });
        Assert.Equal(tokens, actual.Segments.Select(s => s.TokenIds.ToArray()));
        Assert.Equal(json.RootElement.GetProperty("text").GetString(), actual.Text);
    }

    private static string Written(TranscriptResult result, OutputFormat format)
    {
        using var writer = new StringWriter();
        TranscriptWriter.Write(writer, result, format);
        return writer.ToString();
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}
