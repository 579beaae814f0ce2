using System.Text.Json;
using Hark.Checkpoints;
using Hark.Conversion;
using Hark.Engines;
using Hark.Tokenization;
using Hark.Transcription;

namespace Hark.Tests.Transcription.Timing;

/// <summary>
/// Word timestamps against openai-whisper itself: <c>bench/reference/word-timestamps.sh</c> ran openai's
/// <c>transcribe(..., word_timestamps=True)</c> (greedy, temperature 0, English) on the <c>test</c> preset's random weights
/// (seed 7), once with the folder's <c>alignment_heads</c> and once without (openai's fallback heads), and kept the segments
/// in <c>Data/word-timestamps/</c>; and once more on longform with <c>hallucination_silence_threshold=2</c> (random weights
/// make every word improbable, so the anomaly rules fire). Hark transcribes the same audio with the same weights: the same tokens, the same
/// words, and every start and end within 0.02 s.
/// </summary>
public sealed class OpenAiWordTimestampGoldenTests
{
    private const double Tolerance = 0.02;

    public static TheoryData<string, string> Cases => new()
    {
        { "with-heads", "jfk.wav" },
        { "with-heads", "longform.wav" },
        { "without-heads", "jfk.wav" },
        { "without-heads", "longform.wav" },
        { "hallucination-silence", "longform.wav" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Words_and_their_times_match_openai_whisper(string golden, string audio)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Fixtures.RepoRoot, "tests", "Hark.Tests", "Transcription", "Data",
            "word-timestamps", golden + ".json")));
        var heads = document.RootElement.GetProperty("alignment_heads");
        IReadOnlyList<(int, int)>? pairs = heads.ValueKind == JsonValueKind.Null ? null
            : [.. heads.EnumerateArray().Select(p => (p[0].GetInt32(), p[1].GetInt32()))];
        double? threshold = document.RootElement.TryGetProperty("hallucination_silence_threshold", out var t) && t.ValueKind == JsonValueKind.Number
            ? t.GetDouble() : null;
        var expected = document.RootElement.GetProperty("runs").GetProperty(audio).EnumerateArray().ToList();

        var config = WhisperPresets.Get("test");
        using var engine = ManagedEngine.Load(config, new RandomWhisperWeights(config, 7), new ManagedEngineOptions { Threads = 2 });
        var generation = GenerationConfigDefaults.ForModel(config) with { AlignmentHeads = pairs };
        await using var model = new WhisperModel(engine, WhisperTokenizer.FromFolder(Fixtures.Path("hf/whisper-base")), generation);
        var path = Fixtures.Path(audio == "jfk.wav" ? "audio/jfk.wav" : "audio/espeak/longform.wav");
        var options = new TranscriptionOptions { Language = "en", BeamSize = null, Temperatures = [0f], WordTimestamps = true,
            HallucinationSilenceThreshold = threshold };
        var actual = (await model.TranscribeAsync(path, options).ToResultAsync()).Segments;

        Assert.Equal(expected.Select(s => s.GetProperty("tokens").EnumerateArray().Select(t => t.GetInt32()).ToArray()), actual.Select(s => s.Tokens.ToArray()));
        for (var i = 0; i < expected.Count; i++)
        {
            var words = expected[i].GetProperty("words").EnumerateArray().ToList();
            var got = actual[i].Words!;
            Assert.Equal(words.Select(w => w[0].GetString()), got.Select(w => w.Word));
            for (var w = 0; w < words.Count; w++)
            {
                // [word, start, end, probability]
                Assert.InRange(got[w].Start, words[w][1].GetDouble() - Tolerance, words[w][1].GetDouble() + Tolerance);
                Assert.InRange(got[w].End, words[w][2].GetDouble() - Tolerance, words[w][2].GetDouble() + Tolerance);
                Assert.InRange(got[w].Probability, words[w][3].GetDouble() - 1e-3, words[w][3].GetDouble() + 1e-3);
            }
            Assert.InRange(actual[i].Start, expected[i].GetProperty("start").GetDouble() - Tolerance, expected[i].GetProperty("start").GetDouble() + Tolerance);
            Assert.InRange(actual[i].End, expected[i].GetProperty("end").GetDouble() - Tolerance, expected[i].GetProperty("end").GetDouble() + Tolerance);
        }
    }
}
