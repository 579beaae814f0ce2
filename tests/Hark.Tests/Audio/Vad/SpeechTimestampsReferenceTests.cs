using System.Text.Json;
using Hark.Audio.Vad;

namespace Hark.Tests.Audio.Vad;

/// <summary>
/// Golden comparison with faster-whisper 1.2.1: <c>speech_timestamps_reference.json</c> holds 240 random probability
/// sequences (runs of speech and silence, two decimals so that many sit exactly on a threshold) with random options,
/// and the chunks that <c>faster_whisper/vad.py</c>'s <c>get_speech_timestamps</c> loop returned for them (its model
/// call replaced by the stored probabilities, compared in float32 as numpy does).
/// </summary>
public class SpeechTimestampsReferenceTests
{
    public static TheoryData<int> Cases() => [.. Enumerable.Range(0, Load().Count / 24).Select(i => i * 24)];

    private static List<JsonElement> Load()
    {
        var path = Path.Combine(Fixtures.RepoRoot, "tests", "Hark.Tests", "Audio", "Vad", "speech_timestamps_reference.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return [.. doc.RootElement.EnumerateArray().Select(e => e.Clone())];
    }

    private static VadOptions Options(JsonElement o) => new()
    {
        Threshold = o.GetProperty("threshold").GetDouble(),
        NegThreshold = o.GetProperty("neg_threshold").ValueKind == JsonValueKind.Null ? null : o.GetProperty("neg_threshold").GetDouble(),
        MinSpeechDurationMs = o.GetProperty("min_speech_duration_ms").GetInt32(),
        MaxSpeechDurationS = o.GetProperty("max_speech_duration_s") is { ValueKind: JsonValueKind.Number } max ? max.GetDouble() : double.PositiveInfinity,
        MinSilenceDurationMs = o.GetProperty("min_silence_duration_ms").GetInt32(),
        SpeechPadMs = o.GetProperty("speech_pad_ms").GetInt32(),
    };

    /// <summary>Each theory row checks 24 consecutive cases, so a failure names where to look without 240 rows.</summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void Chunks_equal_faster_whispers_for_the_same_probabilities_and_options(int first)
    {
        foreach (var (c, index) in Load().Select((c, i) => (c, i)).Skip(first).Take(24))
        {
            var probs = c.GetProperty("probs").EnumerateArray().Select(p => (float)p.GetDouble()).ToArray();
            var options = Options(c.GetProperty("options"));
            var expected = c.GetProperty("expected").EnumerateArray().Select(e => new SpeechChunk(e[0].GetInt64(), e[1].GetInt64())).ToList();
            var actual = SpeechTimestamps.Find(probs, c.GetProperty("length").GetInt64(), options);
            Assert.True(expected.SequenceEqual(actual), $"case {index} ({options}): expected {string.Join(" ", expected)}, got {string.Join(" ", actual)}");
        }
    }
}
