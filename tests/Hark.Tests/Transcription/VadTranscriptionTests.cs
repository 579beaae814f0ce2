using System.Text.Json;
using Hark.Audio;
using Hark.Audio.Vad;
using Hark.Tests.Audio;
using Hark.Tests.Audio.Vad;
using Hark.Transcription;

namespace Hark.Tests.Transcription;

/// <summary><see cref="TranscriptionOptions.VadFilter"/>: only the speech is transcribed, on the original timeline.</summary>
public class VadTranscriptionTests(RandomModelFolder folder) : IClassFixture<RandomModelFolder>
{
    private const int Sr = AudioConstants.SampleRate;
    private static readonly TranscriptionOptions Fast = new()
    {
        Language = "en", BeamSize = null, Temperatures = [0f], MaxNewTokens = 12, VadFilter = true,
    };

    public static TheoryData<string> NonSpeech() => ["silence", "noise"];

    [Theory]
    [MemberData(nameof(NonSpeech))]
    public async Task Silence_and_white_noise_transcribe_to_no_segments_without_error(string kind)
    {
        var audio = kind == "silence" ? new float[30 * Sr] : VadOnSpeechTests.WhiteNoise(30);
        using var model = RandomModel.Create();
        var transcription = model.TranscribeAsync(audio, Fast with { Language = null }); // detection on nothing is no error
        var result = await transcription.ToResultAsync();
        var info = await transcription.Info;
        Assert.Empty(result.Segments);
        Assert.Equal(30.0, info.Duration, 6);
        Assert.InRange(info.DurationAfterVad, 0, 1.0);
        Assert.NotNull(info.SpeechChunks);
    }

    [Fact]
    public async Task The_joined_speech_is_transcribed_and_its_segment_times_mapped_back_to_the_original()
    {
        // 3 s of silence, jfk, 4 s of silence, jfk's first 4 s, 3 s of silence.
        var jfk = AudioLoader.Load(Fixtures.Path("audio/jfk.wav"));
        float[] audio = [.. new float[3 * Sr], .. jfk, .. new float[4 * Sr], .. jfk.AsSpan(0, 4 * Sr), .. new float[3 * Sr]];
        using var model = RandomModel.Create();
        var filtered = model.TranscribeAsync(audio, Fast);
        var segments = (await filtered.ToResultAsync()).Segments;
        var info = await filtered.Info;

        var chunks = info.SpeechChunks!;
        Assert.True(chunks.Count >= 2, "the 4 s pause separates two chunks");
        Assert.True(chunks[0].Start > 2 * Sr && chunks[^1].End < audio.Length - 2 * Sr, "leading and trailing silence removed");
        var joined = SpeechTimestampsMap.Collect(audio, chunks);
        Assert.Equal((double)audio.Length / Sr, info.Duration, 6);
        Assert.Equal((double)joined.Length / Sr, info.DurationAfterVad, 6);

        // The same model on the joined speech alone, with the map applied by hand, gives the same segments.
        var plain = await model.TranscribeAsync(joined, Fast with { VadFilter = false }).ToResultAsync();
        var map = new SpeechTimestampsMap(chunks);
        Assert.NotEmpty(segments);
        Assert.Equal(plain.Segments.Select(s => (s.Text, map.GetOriginalTime(s.Start), map.GetOriginalTime(s.End, isEnd: true))),
            segments.Select(s => (s.Text, s.Start, s.End)));
        Assert.All(segments, s => Assert.Contains(chunks, c => c.StartSeconds - 0.01 <= s.Start && s.Start <= c.EndSeconds + 0.01));
    }

    [Fact]
    public async Task With_batching_speech_windows_of_at_most_30_s_are_decoded_and_their_segments_land_on_the_original_timeline()
    {
        // 2 s of silence, then jfk three times (11 s each) after 5 s of silence: 33 s of speech, more than one window.
        var jfk = AudioLoader.Load(Fixtures.Path("audio/jfk.wav"));
        var gap = new float[5 * Sr];
        float[] audio = [.. new float[2 * Sr], .. jfk, .. gap, .. jfk, .. gap, .. jfk, .. new float[2 * Sr]];
        using var model = RandomModel.Create();
        var options = Fast with { BatchSize = 4, NoSpeechThreshold = null }; // every window gives segments
        var filtered = model.TranscribeAsync(audio, options);
        var segments = (await filtered.ToResultAsync()).Segments;
        var info = await filtered.Info;

        Assert.Equal(new VadOptions { MaxSpeechDurationS = 30, MinSilenceDurationMs = 160 }, info.Options.VadParameters);
        var chunks = info.SpeechChunks!;
        var joined = SpeechTimestampsMap.Collect(audio, chunks);
        Assert.Equal((double)audio.Length / Sr, info.Duration, 6);
        Assert.Equal((double)joined.Length / Sr, info.DurationAfterVad, 6);
        Assert.True(info.Duration - info.DurationAfterVad > 10, "most of the 14 s of silence removed");
        var windows = SpeechWindows.Merge(chunks, joined.Length / AudioConstants.HopLength);
        Assert.True(windows.Count >= 2, $"{windows.Count} windows for {info.DurationAfterVad:F1} s of speech");

        // The same windows of the joined speech given as clips, decoded batched, then moved by hand: the same segments.
        var clips = windows.SelectMany(w => new[] { w.Start / 100.0, w.End / 100.0 }).ToList();
        var plain = await model.TranscribeAsync(joined, options with { VadFilter = false, ClipTimestamps = clips }).ToResultAsync();
        var map = new SpeechTimestampsMap(chunks);
        Assert.NotEmpty(segments);
        Assert.Equal(windows.Select(w => w.Start), segments.Select(s => s.Seek).Distinct());
        Assert.Equal(plain.Segments.Select(s => (s.Seek, s.Text, map.GetOriginalTime(s.Start), map.GetOriginalTime(s.End, isEnd: true))),
            segments.Select(s => (s.Seek, s.Text, s.Start, s.End)));
        Assert.All(segments, s => Assert.Contains(chunks, c => c.StartSeconds - 0.01 <= s.Start && s.Start <= c.EndSeconds + 0.01));
        Assert.All(segments, s => Assert.InRange(s.End, s.Start, info.Duration));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public async Task Clip_timestamps_take_precedence_over_the_vad_filter_as_in_faster_whisper(int batchSize)
    {
        using var model = RandomModel.Create();
        var transcription = model.TranscribeAsync(new float[5 * Sr], Fast with { ClipTimestamps = [0, 2], BatchSize = batchSize });
        await transcription.ToResultAsync();
        var info = await transcription.Info;
        Assert.Null(info.SpeechChunks);
        Assert.Equal(info.Duration, info.DurationAfterVad);
    }

    [Fact]
    public async Task Cli_vad_filter_on_silence_writes_no_segments_and_reports_the_duration_after_vad()
    {
        using var dir = Fixtures.TempDir();
        var wav = dir.File("silence.wav");
        File.WriteAllBytes(wav, WavLayoutTests.BuildWav(SampleEncoding.Int16, 1, Sr, new double[30 * Sr], extensible: false));
        var r = await HarkProcess.RunAsync(["transcribe", wav, "--model", folder.Folder, "--output-dir", dir.FullName,
            "--language", "en", "--beam-size", "1", "--temperature", "0", "--max-new-tokens", "6", "--vad_filter", "True",
            "--vad-parameters", "threshold=0.6,min_silence_duration_ms=500", "--json"]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var json = JsonDocument.Parse(r.Stdout);
        var entry = json.RootElement[0];
        Assert.Equal(0, entry.GetProperty("segments").GetArrayLength());
        Assert.Equal(30.0, entry.GetProperty("duration").GetDouble(), 6);
        Assert.Equal(0.0, entry.GetProperty("duration_after_vad").GetDouble(), 6);
    }

    [Fact]
    public async Task Cli_bad_vad_parameters_exit_2_with_one_line_naming_the_parameter()
    {
        using var dir = Fixtures.TempDir();
        var r = await HarkProcess.RunAsync(["transcribe", Fixtures.Path("audio/jfk.wav"), "--model", folder.Folder,
            "--output-dir", dir.FullName, "--vad-filter", "--vad-parameters", "speech_pad=30"]);
        Assert.Equal(2, r.ExitCode);
        var line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("speech_pad", line, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(dir.FullName));
    }
}
