using Hark.Conversion;
using Hark.Engines;
using Hark.Tokenization;
using Hark.Transcription;

namespace Hark.Tests.Transcription.Timing;

/// <summary>One word-timestamp transcription of jfk.wav for comparing engines: greedy, English, capped at 48 tokens.</summary>
internal static class WordRuns
{
    /// <summary>The words of jfk.wav on <paramref name="engine"/> (disposed here), with <paramref name="heads"/> as the folder's
    /// <c>alignment_heads</c> (null: openai's fallback).</summary>
    public static async Task<List<WordTiming>> Words(IWhisperEngine engine, IReadOnlyList<(int Layer, int Head)>? heads = null)
    {
        using (engine)
        {
            var generation = GenerationConfigDefaults.ForModel(engine.Config) with { AlignmentHeads = heads };
            await using var model = new WhisperModel(engine, WhisperTokenizer.FromFolder(Fixtures.Path("hf/whisper-base")), generation);
            var options = new TranscriptionOptions { Language = "en", BeamSize = null, Temperatures = [0f], WordTimestamps = true, MaxNewTokens = 48 };
            var result = await model.TranscribeAsync(Fixtures.Path("audio/jfk.wav"), options).ToResultAsync();
            return [.. result.Segments.SelectMany(s => s.Words ?? [])];
        }
    }

    /// <summary>Asserts the same words with starts and ends within 20 ms.</summary>
    public static void AssertClose(List<WordTiming> expected, List<WordTiming> actual)
    {
        Assert.NotEmpty(expected);
        Assert.Equal(expected.Select(w => w.Word), actual.Select(w => w.Word));
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.InRange(actual[i].Start, expected[i].Start - 0.02, expected[i].Start + 0.02);
            Assert.InRange(actual[i].End, expected[i].End - 0.02, expected[i].End + 0.02);
        }
    }
}
