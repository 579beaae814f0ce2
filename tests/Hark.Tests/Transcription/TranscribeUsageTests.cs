namespace Hark.Tests.Transcription;

/// <summary>
/// What <c>hark transcribe</c> refuses before any work: every case here names a model folder that does not exist, so
/// an error about the option (and not "folder not found") proves the check ran before the model was looked at.
/// </summary>
public class TranscribeUsageTests
{
    private static Task<HarkProcess.Result> Run(params string[] args) =>
        HarkProcess.RunAsync(["transcribe", Fixtures.Path("audio/jfk.wav"), "--model", Path.Combine(Path.GetTempPath(), "hark-no-such-model"), .. args]);

    private static string OneLine(HarkProcess.Result r)
    {
        Assert.Equal(2, r.ExitCode);
        var lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("hark: ", lines[0]);
        Assert.Empty(r.Stdout);
        return lines[0];
    }

    [Fact]
    public async Task An_unknown_option_exits_2_with_a_suggestion_instead_of_being_read_as_an_audio_file()
    {
        var line = OneLine(await Run("--beam-sise", "1"));
        Assert.Contains("unknown option '--beam-sise'", line, StringComparison.Ordinal);
        Assert.Contains("did you mean --beam-size?", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_option_hark_does_not_implement_is_named_as_such_and_its_value_is_not_taken_as_a_file()
    {
        var line = OneLine(await Run("--model_dir", "models"));
        Assert.Contains("unknown option '--model_dir'", line, StringComparison.Ordinal);
        Assert.Contains("not implemented", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_hallucination_threshold_without_word_timestamps_is_refused_before_any_work()
    {
        var line = OneLine(await Run("--hallucination_silence_threshold", "2"));
        Assert.Contains("--hallucination-silence-threshold requires --word-timestamps", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_hallucination_threshold_with_a_batch_size_above_one_is_refused_before_any_work()
    {
        var line = OneLine(await Run("--word-timestamps", "True", "--batch-size", "4", "--hallucination-silence-threshold", "2"));
        Assert.Contains("hallucination_silence_threshold needs batch_size 1", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--beam_size", "1")]
    [InlineData("--no_speech_threshold", "0.5")]
    [InlineData("--condition_on_previous_text", "False")]
    [InlineData("--temperature_increment_on_fallback", "0.2")]
    [InlineData("--logprob_threshold", "-1")]
    [InlineData("--output_format", "txt")]
    [InlineData("--word_timestamps", "True")]
    [InlineData("--append_punctuations", "\".,")]
    public async Task OpenAi_underscore_spellings_are_accepted_and_parsing_reaches_the_model(string option, string value)
    {
        var line = OneLine(await Run(option, value));
        Assert.Contains("folder not found", line, StringComparison.Ordinal); // parsing passed; the model is the first problem
    }

    [Fact]
    public async Task An_underscore_spelling_is_the_same_option_as_the_hyphenated_one()
    {
        Assert.Contains("--beam-size: must be 1 to 64, got 0", OneLine(await Run("--beam_size", "0")), StringComparison.Ordinal);
        Assert.Contains("--no-speech-threshold: must be a finite number", OneLine(await Run("--no_speech_threshold", "nan")), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("True")]
    [InlineData("False")]
    [InlineData("true")]
    public async Task Boolean_options_take_True_or_False_as_openai_does(string value)
    {
        Assert.Contains("folder not found", OneLine(await Run("--condition-on-previous-text", value)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--threads", "100000", "--threads: must be 0 (automatic) to")]
    [InlineData("--threads", "-1", "--threads: must be 0 (automatic) to")]
    [InlineData("--beam-size", "100000", "--beam-size: must be 1 to 64")]
    [InlineData("--best-of", "100000", "--best-of: must be 1 to 64")]
    [InlineData("--patience", "-1", "--patience: must be above 0")]
    [InlineData("--repetition-penalty", "0", "--repetition-penalty: must be above 0")]
    [InlineData("--temperature", "nan", "--temperature: must be a finite number, got nan")]
    [InlineData("--temperature", "inf", "--temperature: must be a finite number, got inf")]
    [InlineData("--temperature-increment-on-fallback", "nan", "--temperature-increment-on-fallback: must be a finite number")]
    [InlineData("--no-speech-threshold", "nan", "--no-speech-threshold: must be a finite number")]
    [InlineData("--compression-ratio-threshold", "NaN", "--compression-ratio-threshold: must be a finite number")]
    [InlineData("--clip-timestamps", "5,2", "--clip-timestamps: each end must come after its start")]
    [InlineData("--clip-timestamps", "nan", "--clip-timestamps: must be a finite number")]
    [InlineData("--batch-size", "0", "--batch-size: must be 1 (sequential) to 64, got 0")]
    [InlineData("--batch_size", "65", "--batch-size: must be 1 (sequential) to 64, got 65")]
    public async Task Out_of_range_arguments_exit_2_naming_the_option_before_any_work(string option, string value, string expected)
    {
        Assert.Contains(expected, OneLine(await Run(option, value)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Convert_refuses_negative_threads_before_reading_the_model()
    {
        var r = await HarkProcess.RunAsync(["convert", Path.Combine(Path.GetTempPath(), "hark-no-such-model"), "--to", "ct2", "-o",
            Path.Combine(Path.GetTempPath(), "hark-never-written"), "--threads", "-5"]);
        Assert.Contains("--threads: must be 0 (automatic) to", OneLine(r), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_output_dir_that_is_a_file_is_refused_before_the_transcription_runs()
    {
        using var dir = Fixtures.TempDir();
        var file = dir.File("existing.txt");
        File.WriteAllText(file, "mine");
        var line = OneLine(await Run("--output-dir", file));
        Assert.Contains("is a file, expected a folder", line, StringComparison.Ordinal);
        Assert.Equal("mine", File.ReadAllText(file));
    }

    [Fact]
    public async Task An_output_dir_that_cannot_be_written_fails_in_one_line_before_the_transcription_runs()
    {
        if (!OperatingSystem.IsLinux()) return;   // /proc refuses new entries on Linux only
        var r = await Run("--output-dir", "/proc/hark-no-such-folder");
        Assert.Equal(1, r.ExitCode);   // the environment, not the input: exit 1
        var line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("--output-dir: cannot write transcripts there", line, StringComparison.Ordinal);   // not "folder not found"
    }

    [Fact]
    public async Task Two_inputs_that_would_write_the_same_transcript_are_refused_before_any_work()
    {
        using var dir = Fixtures.TempDir();
        Directory.CreateDirectory(dir.File("a"));
        Directory.CreateDirectory(dir.File("b"));
        File.Copy(Fixtures.Path("audio/jfk.wav"), dir.File("a/x.wav"));
        File.Copy(Fixtures.Path("audio/jfk.wav"), dir.File("b/x.wav"));
        var r = await HarkProcess.RunAsync(["transcribe", dir.File("a/x.wav"), dir.File("b/x.wav"), "--model", dir.File("no-model"), "-o", dir.File("out")]);
        Assert.Contains("would both write x.wav.", OneLine(r), StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir.File("out")));
    }

    [Theory]
    [InlineData("transcribe")]
    [InlineData("jobs submit")]
    public async Task Batch_size_is_offered_with_what_batching_loses_and_keeps(string verb)
    {
        var r = await HarkProcess.RunAsync([.. verb.Split(' '), "--help"]);
        Assert.Equal(0, r.ExitCode);
        var help = System.Text.RegularExpressions.Regex.Replace(r.Stdout, @"\s+", " ");
        Assert.Contains("--batch-size", help, StringComparison.Ordinal);
        Assert.Contains("Lost: conditioning on the previous window's text and seeking from its last timestamp", help, StringComparison.Ordinal);
        Assert.Contains("Kept per window: temperature fallback", help, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_names_the_program_hark()
    {
        var r = await HarkProcess.RunAsync(["--help"]);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("hark [command] [options]", r.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Hark.Cli", r.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^\s+serve\s", r.Stdout);
    }
}
