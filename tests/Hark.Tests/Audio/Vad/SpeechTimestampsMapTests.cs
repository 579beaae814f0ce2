using Hark.Audio.Vad;

namespace Hark.Tests.Audio.Vad;

/// <summary>Times of the joined speech back on the original timeline (faster-whisper's <c>SpeechTimestampsMap</c>).</summary>
public class SpeechTimestampsMapTests
{
    private const int Sr = 16000;

    // Speech 1–2 s and 4–5.5 s of the original: joined, 0–1 s is the first chunk and 1–2.5 s the second.
    private static readonly SpeechChunk[] Chunks = [new(1 * Sr, 2 * Sr), new(4 * Sr, 5 * Sr + Sr / 2)];

    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(0.5, 1.5)]
    [InlineData(0.999, 2.0)] // rounded to 2 decimals, as faster-whisper
    [InlineData(1.0, 4.0)]   // a start on the boundary belongs to the next chunk
    [InlineData(1.25, 4.25)]
    [InlineData(2.5, 5.5)]
    [InlineData(7.0, 10.0)]  // past the end: the last chunk's offset
    public void A_start_time_moves_by_the_silence_removed_before_its_chunk(double joined, double original) =>
        Assert.Equal(original, new SpeechTimestampsMap(Chunks).GetOriginalTime(joined), 6);

    [Fact]
    public void An_end_time_on_a_chunk_boundary_stays_in_the_chunk_it_ends()
    {
        var map = new SpeechTimestampsMap(Chunks);
        Assert.Equal(2.0, map.GetOriginalTime(1.0, isEnd: true), 6);
        Assert.Equal(4.5, map.GetOriginalTime(1.5, isEnd: true), 6);
        Assert.Equal(0, map.GetChunkIndex(1.0, isEnd: true));
        Assert.Equal(1, map.GetChunkIndex(1.0));
    }

    [Fact]
    public void Silence_before_the_first_chunk_shifts_everything_and_the_kept_length_is_the_speech()
    {
        var map = new SpeechTimestampsMap(Chunks);
        Assert.Equal(Sr + Sr + Sr / 2, map.SpeechSamples);
        Assert.Equal(1.0, map.GetOriginalTime(0.0, chunkIndex: 0), 6);
        Assert.Equal(3.0, map.GetOriginalTime(0.0, chunkIndex: 1), 6);
    }

    [Fact]
    public void Collect_joins_the_chunks_samples_in_order()
    {
        var audio = Enumerable.Range(0, 10).Select(i => (float)i).ToArray();
        var joined = SpeechTimestampsMap.Collect(audio, [new SpeechChunk(1, 3), new SpeechChunk(6, 9)]);
        Assert.Equal([1f, 2f, 6f, 7f, 8f], joined);
        Assert.Empty(SpeechTimestampsMap.Collect(audio, []));
    }

    [Fact]
    public void Overlapping_or_out_of_range_chunks_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => new SpeechTimestampsMap([new SpeechChunk(5, 10), new SpeechChunk(8, 12)]));
        Assert.Throws<ArgumentException>(() => new SpeechTimestampsMap([]));
        Assert.Throws<ArgumentException>(() => SpeechTimestampsMap.Collect(new float[4], [new SpeechChunk(2, 6)]));
    }
}
