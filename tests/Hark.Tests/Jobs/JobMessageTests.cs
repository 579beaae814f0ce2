using Hark.Decoding;
using Hark.Jobs;
using Hark.Transcription;

namespace Hark.Tests.Jobs;

public class JobMessageTests
{
    [Fact]
    public void Transcription_options_travel_with_the_job_unchanged()
    {
        var options = new TranscriptionOptions
        {
            Language = "no", Task = WhisperTask.Translate, BeamSize = null, BestOf = 3, Patience = 1.5, LengthPenalty = 0.2,
            Temperatures = [0f, 0.3f, 0.7f], CompressionRatioThreshold = null, LogProbThreshold = -0.7, NoSpeechThreshold = null,
            ConditionOnPreviousText = false, InitialPrompt = "Hei", Prefix = "Så", Hotwords = "Hark", SuppressTokens = [-1, 50],
            WithoutTimestamps = true, MaxNewTokens = 17, ClipTimestamps = [0.5, 2.25], RepetitionPenalty = 1.1f, NoRepeatNgramSize = 3, Seed = 9,
        };
        var message = new JobMessage("id", "a.wav", options, DateTimeOffset.UnixEpoch);
        var back = JobJson.Deserialize<JobMessage>(JobJson.Serialize(message), "job message");
        Assert.Equal(JobJson.Serialize(message), JobJson.Serialize(back));
        Assert.Equal(options.Temperatures, back.Options.Temperatures);
        Assert.Equal(options.ClipTimestamps, back.Options.ClipTimestamps);
        Assert.Equal(options with { Temperatures = back.Options.Temperatures, SuppressTokens = back.Options.SuppressTokens, ClipTimestamps = back.Options.ClipTimestamps }, back.Options);
    }

    [Fact]
    public void A_job_message_that_is_not_json_is_bad_input()
    {
        var e = Assert.Throws<HarkInputException>(() => JobJson.Deserialize<JobMessage>("nonsense"u8, "job message"));
        Assert.StartsWith("job message: ", e.Message);
    }
}
