using Hark.Audio;

namespace Hark.Tests.Audio;

public class DecodeTests
{
    private static readonly AudioLoadOptions NoFfmpeg = new() { FfmpegPath = "/nonexistent/bin/ffmpeg" };

    private static double BestSnrDb(float[] ours, float[] reference, int maxLag = 64)
    {
        var best = double.NegativeInfinity;
        for (var lag = -maxLag; lag <= maxLag; lag++)
        {
            double signal = 0, noise = 0;
            for (var i = 0; i < reference.Length; i++)
            {
                var j = i + lag;
                var o = j >= 0 && j < ours.Length ? ours[j] : 0f;
                signal += (double)reference[i] * reference[i];
                noise += (double)(reference[i] - o) * (reference[i] - o);
            }
            best = Math.Max(best, 10 * Math.Log10(signal / noise));
        }
        return best;
    }

    [Theory]
    [InlineData("audio/formats/jfk_44k_stereo.wav")]
    [InlineData("audio/formats/jfk_48k_s24.wav")]
    public void Native_resampling_agrees_with_ffmpeg_above_40_dB(string file)
    {
        var ours = AudioLoader.Load(Fixtures.Path(file), NoFfmpeg);
        var reference = AudioFixtures.ReadF32("reference/jfk.pcm.f32");
        Assert.InRange(ours.Length, reference.Length - 2, reference.Length + 2);
        var snr = BestSnrDb(ours, reference);
        Assert.True(snr >= 40, $"SNR {snr:F1} dB");
    }

    [Theory]
    [InlineData("audio/formats/jfk_8k_u8.wav", 20)]     // 8 kHz u8: the reference's upper band is simply missing
    [InlineData("audio/jfk.wav", 200)]
    public void Every_wav_fixture_decodes_without_ffmpeg(string file, double minSnr)
    {
        var ours = AudioLoader.Load(Fixtures.Path(file), NoFfmpeg);
        var reference = AudioFixtures.ReadF32("reference/jfk.pcm.f32");
        Assert.InRange(ours.Length, reference.Length - 2, reference.Length + 2);
        Assert.True(BestSnrDb(ours, reference) >= minSnr, $"SNR {BestSnrDb(ours, reference):F1} dB");
        Assert.All(ours, v => Assert.InRange(v, -1f, 1f));
    }

    [Theory]
    [InlineData("audio/formats/jfk.mp3")]
    [InlineData("audio/formats/jfk.m4a")]
    [InlineData("audio/formats/jfk.ogg")]
    [InlineData("audio/formats/jfk.opus")]
    [InlineData("audio/jfk.flac")]
    public void Compressed_formats_decode_through_ffmpeg(string file)
    {
        var ours = AudioLoader.Load(Fixtures.Path(file));
        Assert.InRange(ours.Length, 175_000, 178_000);
        var reference = AudioFixtures.ReadF32("reference/jfk.pcm.f32");
        Assert.True(BestSnrDb(ours, reference, 1200) >= 10, "decoded audio does not resemble the recording");
    }

    [Fact]
    public void Video_container_audio_track_decodes_through_ffmpeg()
    {
        var samples = AudioLoader.Load(Fixtures.Path("audio/jeppe.mp4"));
        Assert.InRange(samples.Length, 33 * 16000, 36 * 16000);
        Assert.True(samples.Max(Math.Abs) > 0.05f);
    }

    [Theory]
    [InlineData("audio/formats/jfk.mp3")]
    [InlineData("audio/formats/jfk.opus")]
    public void Without_ffmpeg_compressed_input_names_the_program_and_how_to_install_it(string file)
    {
        var ex = Assert.Throws<FfmpegNotFoundException>(() => AudioLoader.Load(Fixtures.Path(file), NoFfmpeg));
        Assert.Contains("ffmpeg", ex.Message);
        Assert.Contains("apt-get install ffmpeg", ex.Message);
        var empty = new AudioLoadOptions { SearchPath = "" };
        Assert.Throws<FfmpegNotFoundException>(() => AudioLoader.Load(Fixtures.Path(file), empty));
    }

    [Fact]
    public void Truncated_wav_names_the_claimed_and_actual_data_length()
    {
        var ex = Assert.Throws<AudioFormatException>(() => AudioLoader.Load(Fixtures.Path("audio/formats/truncated.wav"), NoFfmpeg));
        Assert.Contains("data chunk claims 1940400 bytes, file holds 1922", ex.Message);
        Assert.Contains("truncated.wav", ex.Message);
    }

    [Fact]
    public void Lying_header_fails_fast_without_allocating_the_claimed_gigabytes()
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<AudioFormatException>(() => AudioLoader.Load(Fixtures.Path("audio/formats/lying_header.wav"), NoFfmpeg));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20);
        Assert.Contains("data chunk claims 2147483647 bytes, file holds 0", ex.Message);
    }

    [Fact]
    public void Lying_header_on_a_pipe_fails_when_the_data_runs_out()
    {
        var bytes = File.ReadAllBytes(Fixtures.Path("audio/formats/lying_header.wav")).Concat(new byte[1000]).ToArray();
        var before = GC.GetAllocatedBytesForCurrentThread();
        using var stream = AudioLoader.OpenStream(new NonSeekableStream(bytes), "pipe", NoFfmpeg);
        Assert.Null(stream.LengthHint); // an unverifiable header is not trusted
        var ex = Assert.Throws<AudioFormatException>(() => AudioLoader.ReadAll(stream));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20);
        Assert.Contains("data chunk claims 2147483647 bytes, but the stream ended after 1000", ex.Message);
    }

    /// <summary>Decision: a valid WAV with zero samples loads as empty audio (transcription warns and yields no segments).</summary>
    [Fact]
    public void Empty_wav_loads_as_zero_samples()
    {
        Assert.Empty(AudioLoader.Load(Fixtures.Path("audio/formats/empty.wav"), NoFfmpeg));
        using var stream = AudioLoader.OpenStream(Fixtures.Path("audio/formats/empty.wav"), NoFfmpeg);
        Assert.Equal(0, stream.LengthHint);
        using var hinted = AudioLoader.OpenStream(Fixtures.Path("audio/formats/jfk_44k_stereo.wav"), NoFfmpeg);
        Assert.Equal(176_000, hinted.LengthHint);
    }

    [Fact]
    public void Text_file_named_wav_is_rejected_with_what_was_found()
    {
        var ex = Assert.Throws<AudioFormatException>(() => AudioLoader.Load(Fixtures.Path("audio/formats/not_audio.wav"), NoFfmpeg));
        Assert.Contains("not a WAV file: expected 'RIFF....WAVE' at byte 0, found 'this'", ex.Message);
    }

    [Fact]
    public void Ffmpeg_rejection_is_an_audio_format_error_with_its_reason()
    {
        using var dir = Fixtures.TempDir();
        var path = dir.File("notes.mp3");
        File.WriteAllText(path, "this is not audio either");
        var ex = Assert.Throws<AudioFormatException>(() => AudioLoader.Load(path));
        Assert.Contains("ffmpeg could not decode it", ex.Message);
        Assert.Contains("notes.mp3", ex.Message);
    }

    [Fact]
    public void Missing_file_is_an_input_error_naming_it()
    {
        var ex = Assert.Throws<HarkInputException>(() => AudioLoader.Load("no/such/file.wav"));
        Assert.Contains("no/such/file.wav", ex.Message);
    }

    [Fact]
    public void Wav_on_a_pipe_decodes_like_the_file()
    {
        var path = Fixtures.Path("audio/formats/jfk_48k_s24.wav");
        using var stream = AudioLoader.OpenStream(new NonSeekableStream(File.ReadAllBytes(path)), "-", NoFfmpeg);
        Assert.Equal(AudioLoader.Load(path, NoFfmpeg), AudioLoader.ReadAll(stream));
    }

    [Fact]
    public void Compressed_audio_on_a_pipe_goes_through_ffmpeg_stdin()
    {
        var bytes = File.ReadAllBytes(Fixtures.Path("audio/formats/jfk.ogg"));
        using var stream = AudioLoader.OpenStream(new NonSeekableStream(bytes), "-");
        var samples = AudioLoader.ReadAll(stream);
        Assert.Equal(AudioLoader.Load(Fixtures.Path("audio/formats/jfk.ogg")), samples);
    }

    [Fact]
    public void Raw_pcm_of_a_declared_layout_decodes()
    {
        var reference = AudioFixtures.ReadF32("reference/jfk.pcm.f32");
        var bytes = new byte[reference.Length * 2];
        for (var i = 0; i < reference.Length; i++) BitConverter.TryWriteBytes(bytes.AsSpan(2 * i), (short)Math.Round(reference[i] * 32768));
        using var stream = AudioLoader.OpenPcm(new MemoryStream(bytes), PcmFormat.Whisper);
        Assert.Equal(reference, AudioLoader.ReadAll(stream));
    }

    [Fact]
    public void Extensible_float_with_a_fact_chunk_is_read_bit_exactly_and_clamped()
    {
        // jfk_f32.wav: WAVE_FORMAT_EXTENSIBLE float32 16 kHz, fact + LIST chunks before data, peaks above 1.0
        // (ffmpeg's float down-mix): values pass through untouched except for the clamp to [-1, 1] (what s16 would clip).
        var path = Fixtures.Path("audio/formats/jfk_f32.wav");
        var bytes = File.ReadAllBytes(path);
        var raw = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes.AsSpan(114, 704_000)).ToArray();
        Assert.Equal(0x61746164, BitConverter.ToInt32(bytes, 106)); // "data" at 106, samples from 114
        Assert.Contains(raw, v => v > 1f);
        var ours = AudioLoader.Load(path, NoFfmpeg);
        Assert.Equal(raw.Select(v => Math.Clamp(v, -1f, 1f)).ToArray(), ours);
    }
}

/// <summary>A pipe-like stream: no seeking, no length, short reads.</summary>
internal sealed class NonSeekableStream(byte[] data) : Hark.Audio.ReadOnlyForwardStream
{
    private int _position;
    public override int Read(byte[] buffer, int offset, int count)
    {
        var n = Math.Min(Math.Min(count, 1000), data.Length - _position);
        Array.Copy(data, _position, buffer, offset, n);
        _position += n;
        return n;
    }
}
