namespace Hark.Audio;

/// <summary>
/// Turns an audio file, or standard input (<c>-</c>), into Whisper's input: 16 kHz mono float32 in [-1, 1].
/// WAV (PCM u8/s16/s24/s32, float32/64, EXTENSIBLE, any channels and rate) is read natively; everything else goes
/// through ffmpeg, invoked like openai-whisper's <c>load_audio</c>.
/// </summary>
/// <remarks>
/// <para><b>Empty audio</b> (a valid file with zero samples) loads successfully as zero samples; it is not an error
/// here. Transcription then produces no segments and warns. A file that is not audio at all, or whose header
/// contradicts its size, is an <see cref="AudioFormatException"/>.</para>
/// <para><b>Truncated WAV</b>: when the <c>data</c> chunk claims more bytes than the file holds (a cut-off copy or a
/// lying header) loading fails with "data chunk claims N bytes, file holds M" before anything is allocated.</para>
/// </remarks>
public static class AudioLoader
{
    /// <summary>The name that means standard input.</summary>
    public const string StandardInput = "-";

    /// <summary>Decodes a whole file (or <c>-</c>) into memory.</summary>
    /// <exception cref="AudioFormatException">The input is not decodable audio.</exception>
    /// <exception cref="FfmpegNotFoundException">A non-WAV input and no ffmpeg.</exception>
    /// <exception cref="HarkInputException">The file does not exist.</exception>
    public static float[] Load(string path, CancellationToken ct = default) => Load(path, AudioLoadOptions.Default, ct);

    /// <inheritdoc cref="Load(string, CancellationToken)"/>
    public static float[] Load(string path, AudioLoadOptions options, CancellationToken ct = default)
    {
        using var stream = OpenStream(path, options);
        return ReadAll(stream, ct);
    }

    /// <summary>Decodes a whole file (or <c>-</c>) into memory on a worker thread.</summary>
    /// <inheritdoc cref="Load(string, CancellationToken)"/>
    public static Task<float[]> LoadAsync(string path, CancellationToken ct = default) => LoadAsync(path, AudioLoadOptions.Default, ct);

    /// <inheritdoc cref="LoadAsync(string, CancellationToken)"/>
    public static Task<float[]> LoadAsync(string path, AudioLoadOptions options, CancellationToken ct = default) =>
        Task.Run(() => Load(path, options, ct), ct);

    /// <summary>Opens a file (or <c>-</c>) for chunked decoding; memory stays bounded however long it is.</summary>
    /// <inheritdoc cref="Load(string, CancellationToken)"/>
    public static IAudioStream OpenStream(string path) => OpenStream(path, AudioLoadOptions.Default);

    /// <inheritdoc cref="OpenStream(string)"/>
    public static IAudioStream OpenStream(string path, AudioLoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(options);
        if (path == StandardInput) return OpenStream(Console.OpenStandardInput(), StandardInput, options);
        if (Directory.Exists(path)) throw new HarkInputException("is a folder, expected an audio file", path);
        if (!File.Exists(path)) throw new HarkInputException("audio file not found", path);
        RegularFiles.ThrowIfSpecial(path);

        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        try
        {
            Span<byte> head = stackalloc byte[12];
            var got = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            file.Position = 0;
            var isWavName = Path.GetExtension(path).ToLowerInvariant() is ".wav" or ".wave";
            var isRf64 = got >= 4 && head[..4].SequenceEqual("RF64"u8); // 64-bit WAV: left to ffmpeg
            if (WavReader.LooksLikeWav(head[..got]) || (isWavName && !isRf64))
            {
                var header = WavReader.ReadHeader(file, path);
                if (header.Format is { } format) return new PcmAudioStream(file, format, path, header.DataBytes, owner: null);
                file.Dispose();
                return Ffmpeg.Open(FindFfmpeg(options, path), path, stdin: null); // compressed WAV (ADPCM, µ-law, …)
            }
            file.Dispose();
            if (got == 0) throw new AudioFormatException("the file is empty (0 bytes)", path);
            return Ffmpeg.Open(FindFfmpeg(options, path), path, stdin: null);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Decodes audio arriving on a stream (an upload, standard input): WAV is recognised by its RIFF header and read
    /// natively; anything else is piped through ffmpeg. The stream is disposed with the result.
    /// </summary>
    /// <param name="input">The encoded bytes.</param>
    /// <param name="name">Names the input in messages.</param>
    /// <param name="options">ffmpeg location.</param>
    public static IAudioStream OpenStream(Stream input, string name, AudioLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        options ??= AudioLoadOptions.Default;
        var head = new byte[12];
        var got = input.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        var whole = new PrefixedStream(head.AsMemory(0, got), input);
        if (got == 0) return new PcmAudioStream(whole, PcmFormat.Whisper, name, dataBytes: 0, owner: null);
        if (WavReader.LooksLikeWav(head.AsSpan(0, got)))
        {
            var header = WavReader.ReadHeader(whole, name);
            if (header.Format is { } format) return new PcmAudioStream(whole, format, name, header.DataBytes, owner: null);
            throw new AudioFormatException($"WAV format tag 0x{header.FormatTag:X4} on a stream is not supported; send PCM or float WAV, or the original file", name, "fmt");
        }
        return Ffmpeg.Open(FindFfmpeg(options, name), name, whole);
    }

    /// <summary>Raw interleaved PCM of a declared layout (for servers and pipes), converted to 16 kHz mono.</summary>
    /// <param name="input">The PCM bytes (no header); disposed with the result.</param>
    /// <param name="format">Their layout.</param>
    /// <param name="name">Names the input in messages.</param>
    public static IAudioStream OpenPcm(Stream input, PcmFormat format, string name = StandardInput)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(format);
        if (format.Channels < 1) throw new HarkInputException($"channels must be at least 1, got {format.Channels}", name, "channels");
        if (format.SampleRate < 1) throw new HarkInputException($"sample rate must be positive, got {format.SampleRate}", name, "sampleRate");
        return new PcmAudioStream(input, format, name, dataBytes: null, owner: null);
    }

    /// <summary>Reads a stream to its end.</summary>
    public static float[] ReadAll(IAudioStream stream, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        // A length hint is verified against the file, so it can size the buffer exactly; otherwise grow by doubling.
        var capacity = (int)Math.Min(Array.MaxLength, (stream.LengthHint ?? 1 << 20) + 1);
        var buffer = new float[capacity];
        var count = 0;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (count == buffer.Length)
            {
                if (buffer.Length >= Array.MaxLength) throw new AudioFormatException("audio is too long to hold in memory; stream it instead", stream.Source);
                Array.Resize(ref buffer, (int)Math.Min(Array.MaxLength, (long)buffer.Length * 2));
            }
            var n = stream.Read(buffer.AsSpan(count, Math.Min(buffer.Length - count, 1 << 16)));
            if (n == 0) break;
            count += n;
        }
        return count == buffer.Length ? buffer : buffer[..count];
    }

    private static string FindFfmpeg(AudioLoadOptions options, string input) =>
        Ffmpeg.Locate(options.FfmpegPath, options.SearchPath ?? Environment.GetEnvironmentVariable("PATH"), input);
}
