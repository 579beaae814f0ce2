using CsCheck;
using Hark.Audio;
using Hark.Audio.Vad;
using Hark.Transcription;

namespace Hark.Tests.Transcription;

/// <summary>
/// The batched path's windows of speech (faster-whisper's <c>collect_chunks(max_duration=30)</c>) and the VAD parameters
/// each path uses by default.
/// </summary>
public class SpeechWindowsTests
{
    private const int Sr = AudioConstants.SampleRate;

    /// <summary>Chunks of the given lengths in seconds, each after a second of silence.</summary>
    private static List<SpeechChunk> Chunks(params double[] seconds)
    {
        var chunks = new List<SpeechChunk>();
        long at = 0;
        foreach (var s in seconds)
        {
            at += Sr;
            var length = (long)Math.Round(s * Sr);
            chunks.Add(new SpeechChunk(at, at + length));
            at += length;
        }
        return chunks;
    }

    private static int Frames(IEnumerable<SpeechChunk> chunks) => (int)(chunks.Sum(c => c.Length) / AudioConstants.HopLength);

    [Fact]
    public void Consecutive_chunks_are_joined_while_their_speech_fits_30_seconds_exactly_included()
    {
        var chunks = Chunks(10, 10, 10, 12, 17.5, 1);
        Assert.Equal([(0, 3000), (3000, 5950), (5950, 6050)], SpeechWindows.Merge(chunks, Frames(chunks)));
    }

    [Fact]
    public void A_chunk_longer_than_a_window_stays_one_clip_for_the_strategy_to_cut()
    {
        var chunks = Chunks(5, 40, 5);
        Assert.Equal([(0, 500), (500, 4500), (4500, 5000)], SpeechWindows.Merge(chunks, Frames(chunks)));
    }

    [Fact]
    public void No_speech_gives_no_window()
    {
        Assert.Empty(SpeechWindows.Merge([], 0));
    }

    [Fact]
    public void Windows_tile_the_joined_speech_greedily_and_each_fits_a_window()
    {
        var lengths = Gen.Int[AudioConstants.HopLength, 30 * Sr].List[1, 40];
        lengths.Sample(list =>
        {
            long at = 0;
            var chunks = list.Select(n => { var c = new SpeechChunk(at + 7, at + 7 + n); at += 7 + n; return c; }).ToList();
            var joinedEnds = new long[chunks.Count + 1]; // where each chunk starts in the joined speech, then its end
            for (var i = 0; i < chunks.Count; i++) joinedEnds[i + 1] = joinedEnds[i] + chunks[i].Length;
            int ChunkAt(int frame) => Array.FindIndex(joinedEnds, e => e / AudioConstants.HopLength == frame);

            var frames = Frames(chunks);
            var windows = SpeechWindows.Merge(chunks, frames);
            Assert.Equal(0, windows[0].Start);
            Assert.Equal(frames, windows[^1].End);
            for (var i = 0; i < windows.Count; i++)
            {
                Assert.InRange(windows[i].End - windows[i].Start, 1, AudioConstants.FramesPerChunk);
                if (i == 0) continue;
                Assert.Equal(windows[i - 1].End, windows[i].Start);
                // Greedy: a window ends only where the next chunk would take its speech past 30 s.
                var (previous, next) = (ChunkAt(windows[i - 1].Start), ChunkAt(windows[i].Start));
                Assert.True(joinedEnds[next + 1] - joinedEnds[previous] > SpeechWindows.MaxSamples, $"windows {i - 1} and {i} would fit together");
            }
        }, iter: 200);
    }

    [Fact]
    public void Sequential_vad_defaults_are_faster_whispers_vad_options()
    {
        Assert.Equal(new VadOptions(), SpeechFilter.ParametersFor(new TranscriptionOptions { VadFilter = true }));
    }

    [Fact]
    public void Batched_vad_defaults_cap_speech_at_30_seconds_and_end_chunks_after_160_ms_of_silence()
    {
        var batched = SpeechFilter.ParametersFor(new TranscriptionOptions { VadFilter = true, BatchSize = 8 });
        Assert.Equal(new VadOptions { MaxSpeechDurationS = 30, MinSilenceDurationMs = 160 }, batched);
    }

    [Fact]
    public void Given_vad_parameters_are_kept_on_the_batched_path_with_speech_capped_at_30_seconds()
    {
        var given = new VadOptions { MinSilenceDurationMs = 500, SpeechPadMs = 200 };
        Assert.Equal(given with { MaxSpeechDurationS = 30 },
            SpeechFilter.ParametersFor(new TranscriptionOptions { VadFilter = true, BatchSize = 4, VadParameters = given }));
        var shorter = given with { MaxSpeechDurationS = 12 };
        Assert.Equal(shorter, SpeechFilter.ParametersFor(new TranscriptionOptions { VadFilter = true, BatchSize = 4, VadParameters = shorter }));
        Assert.Equal(given, SpeechFilter.ParametersFor(new TranscriptionOptions { VadFilter = true, VadParameters = given }));
    }
}
