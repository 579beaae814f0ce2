using Hark.Checkpoints;
using Hark.Transcription;

namespace Hark.Tests.Transcription;

/// <summary>What reaches transcription besides a file path: audio on a stream, and the model folder's generation defaults.</summary>
public class WhisperModelInputTests
{
    private static readonly TranscriptionOptions Fast = new()
    {
        Language = "en", BeamSize = null, Temperatures = [0f], MaxNewTokens = 8,
    };

    [Fact]
    public async Task Audio_on_a_stream_transcribes_like_the_same_file()
    {
        using var model = RandomModel.Create();
        var path = Fixtures.Path("audio/jfk.wav");
        var fromFile = await model.TranscribeAsync(path, Fast).ToResultAsync();
        var fromStream = await model.TranscribeAsync(File.OpenRead(path), "jfk.wav", Fast).ToResultAsync();
        Assert.Equal(fromFile.Segments.SelectMany(s => s.Tokens), fromStream.Segments.SelectMany(s => s.Tokens));
        Assert.NotEmpty(fromStream.Segments);
    }

    [Fact]
    public async Task Suppress_tokens_of_the_generation_config_are_never_sampled()
    {
        using var plain = RandomModel.Create();
        var mel = RandomModel.LongformMel();
        var (_, before) = await RandomModelTranscriptionTests.Run(plain, mel, Fast);
        var eot = plain.Tokenizer.Special.EndOfText;
        var frequent = before.SelectMany(s => s.Tokens).Where(t => t < eot).GroupBy(t => t).MaxBy(g => g.Count())!.Key;

        using var suppressed = new WhisperModel(plain.Engine, plain.Tokenizer, new GenerationConfig { SuppressTokens = [frequent] });
        var (_, after) = await RandomModelTranscriptionTests.Run(suppressed, mel, Fast);
        Assert.DoesNotContain(frequent, after.SelectMany(s => s.Tokens));
        Assert.Contains(after.SelectMany(s => s.Tokens), t => t < eot);
    }
}
