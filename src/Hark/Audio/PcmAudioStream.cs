using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Hark.Audio;

/// <summary>
/// Interleaved PCM bytes from any <see cref="Stream"/> → 16 kHz mono float32: channels averaged, rate converted by
/// <see cref="Resampler"/>, values clamped to [-1, 1] (as ffmpeg's s16 output would be). Reads a bounded block at a
/// time, so memory stays constant however long the input is.
/// </summary>
internal sealed class PcmAudioStream : IAudioStream
{
    private const int BlockBytes = 1 << 16;

    private readonly Stream _input;
    private readonly PcmFormat _format;
    private readonly long? _dataBytes;   // what the header promised; null = until the end of the stream
    private readonly Resampler? _resampler;
    private readonly IDisposable? _owner;
    private readonly byte[] _bytes;
    private readonly float[] _mono;
    private int _carry;                  // bytes of an incomplete frame kept from the previous block
    private long _consumed;
    private long _framesDecoded;
    private bool _ended;
    private int _pending, _pendingOffset; // native-rate samples not yet handed out (no resampler)

    /// <summary>Wraps <paramref name="input"/> (positioned at the first sample).</summary>
    /// <param name="input">The PCM bytes.</param>
    /// <param name="format">Their layout.</param>
    /// <param name="source">Name for messages.</param>
    /// <param name="dataBytes">Byte count the container promised (a shorter stream is an error), or null to read to the end.</param>
    /// <param name="owner">Disposed with this stream (the input itself, or a process).</param>
    public PcmAudioStream(Stream input, PcmFormat format, string source, long? dataBytes, IDisposable? owner)
    {
        _input = input;
        _format = format;
        _dataBytes = dataBytes;
        _owner = owner;
        Source = source;
        var frame = format.BytesPerFrame;
        _bytes = new byte[Math.Max(frame, BlockBytes / frame * frame) + frame];
        _mono = new float[_bytes.Length / frame + 1];
        if (format.SampleRate != AudioConstants.SampleRate) _resampler = new Resampler(format.SampleRate, AudioConstants.SampleRate);
        if (dataBytes is { } n && input.CanSeek) // only a header already checked against the file's size is trusted
        {
            var frames = n / frame;
            LengthHint = _resampler?.OutputLength(frames) ?? frames;
        }
    }

    /// <inheritdoc />
    public string Source { get; }

    /// <inheritdoc />
    public long? LengthHint { get; }

    /// <inheritdoc />
    public int Read(Span<float> destination)
    {
        if (destination.IsEmpty) return 0;
        while (true)
        {
            if (_resampler is not null)
            {
                var got = _resampler.Read(destination);
                if (got > 0) return Clamp(destination[..got]);
                if (_ended) return 0;
                var frames = DecodeBlock();
                if (frames > 0) _resampler.Write(_mono.AsSpan(0, frames));
                else _resampler.Complete();
            }
            else
            {
                if (_pending > 0)
                {
                    var n = Math.Min(_pending, destination.Length);
                    _mono.AsSpan(_pendingOffset, n).CopyTo(destination);
                    _pending -= n;
                    _pendingOffset += n;
                    return Clamp(destination[..n]);
                }
                if (_ended) return 0;
                _pending = DecodeBlock();
                _pendingOffset = 0;
            }
        }
    }

    private static int Clamp(Span<float> values)
    {
        foreach (ref var v in values) v = Math.Clamp(v, -1f, 1f);
        return values.Length;
    }

    // Reads one block and decodes whole frames into _mono; returns 0 and sets _ended at the end of the data.
    private int DecodeBlock()
    {
        var frame = _format.BytesPerFrame;
        var want = _bytes.Length - frame - _carry;
        if (_dataBytes is { } limit) want = (int)Math.Min(want, limit - _consumed);
        var filled = _carry;
        while (want > 0)
        {
            var n = _input.Read(_bytes, filled, want);
            if (n == 0) break;
            filled += n;
            want -= n;
            _consumed += n;
            if (filled - _carry >= frame && filled % frame == 0) break; // a whole number of frames is enough to go on
        }
        var frames = filled / frame;
        if (frames == 0)
        {
            if (_dataBytes is { } promised && _consumed < promised - promised % frame)
                throw new AudioFormatException($"data chunk claims {promised} bytes, but the stream ended after {_consumed}", Source, "data");
            _ended = true;
            return 0;
        }
        DecodeFrames(_bytes.AsSpan(0, frames * frame), _mono.AsSpan(0, frames));
        _carry = filled - frames * frame;
        _bytes.AsSpan(frames * frame, _carry).CopyTo(_bytes);
        return frames;
    }

    private void DecodeFrames(ReadOnlySpan<byte> src, Span<float> dst)
    {
        var channels = _format.Channels;
        if (_format.Encoding == SampleEncoding.Int16 && BitConverter.IsLittleEndian && channels <= 2)
        {
            // Hot path (CD-style WAV): no per-sample dispatch.
            var s = MemoryMarshal.Cast<byte, short>(src);
            if (channels == 1) for (var f = 0; f < dst.Length; f++) dst[f] = s[f] * (1f / 32768f);
            else for (var f = 0; f < dst.Length; f++) dst[f] = (s[2 * f] + s[2 * f + 1]) * (1f / 65536f);
            return;
        }
        var size = _format.BytesPerSample;
        var scale = 1f / channels;
        var offset = 0;
        for (var f = 0; f < dst.Length; f++)
        {
            float sum = 0;
            for (var c = 0; c < channels; c++, offset += size) sum += Sample(src.Slice(offset, size));
            dst[f] = channels == 1 ? sum : sum * scale;
        }
        if (_format.Encoding is SampleEncoding.Float32 or SampleEncoding.Float64)
        {
            // NaN or infinite samples would pass the clamp as NaN and decode to nonsense text: refuse them.
            var bad = FirstNonFinite(dst);
            if (bad >= 0)
                throw new AudioFormatException($"sample frame {_framesDecoded + bad} is {dst[bad]}; expected finite float samples", Source, "data");
        }
        _framesDecoded += dst.Length;
    }

    private static int FirstNonFinite(ReadOnlySpan<float> values)
    {
        for (var i = 0; i < values.Length; i++)
            if (!float.IsFinite(values[i])) return i;
        return -1;
    }

    private float Sample(ReadOnlySpan<byte> b) => _format.Encoding switch
    {
        SampleEncoding.UInt8 => (b[0] - 128) / 128f,
        SampleEncoding.Int16 => BinaryPrimitives.ReadInt16LittleEndian(b) / 32768f,
        SampleEncoding.Int24 => ((b[0] | (b[1] << 8) | (b[2] << 16)) << 8 >> 8) / 8388608f,
        SampleEncoding.Int32 => (float)(BinaryPrimitives.ReadInt32LittleEndian(b) / 2147483648.0),
        SampleEncoding.Float32 => BinaryPrimitives.ReadSingleLittleEndian(b),
        SampleEncoding.Float64 => (float)BinaryPrimitives.ReadDoubleLittleEndian(b),
        _ => throw new InvalidOperationException("unknown sample encoding"),
    };

    /// <inheritdoc />
    public void Dispose()
    {
        _input.Dispose();
        _owner?.Dispose();
    }
}
