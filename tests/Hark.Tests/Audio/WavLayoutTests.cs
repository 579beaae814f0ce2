using System.Buffers.Binary;
using CsCheck;
using Hark.Audio;

namespace Hark.Tests.Audio;

public class WavLayoutTests
{
    /// <summary>Builds a WAV (optionally EXTENSIBLE, with a LIST chunk of odd size before data) around interleaved samples in [-1, 1).</summary>
    internal static byte[] BuildWav(SampleEncoding encoding, int channels, int rate, double[] interleaved, bool extensible)
    {
        var format = new PcmFormat(encoding, channels, rate);
        var size = format.BytesPerSample;
        var data = new byte[interleaved.Length * size];
        for (var i = 0; i < interleaved.Length; i++)
        {
            var v = interleaved[i];
            var d = data.AsSpan(i * size);
            switch (encoding)
            {
                case SampleEncoding.UInt8: d[0] = (byte)(Math.Round(v * 128) + 128); break;
                case SampleEncoding.Int16: BinaryPrimitives.WriteInt16LittleEndian(d, (short)Math.Round(v * 32768)); break;
                case SampleEncoding.Int24:
                    var x = (int)Math.Round(v * 8388608);
                    (d[0], d[1], d[2]) = ((byte)x, (byte)(x >> 8), (byte)(x >> 16));
                    break;
                case SampleEncoding.Int32: BinaryPrimitives.WriteInt32LittleEndian(d, (int)Math.Round(v * 2147483648.0)); break;
                case SampleEncoding.Float32: BinaryPrimitives.WriteSingleLittleEndian(d, (float)v); break;
                case SampleEncoding.Float64: BinaryPrimitives.WriteDoubleLittleEndian(d, v); break;
            }
        }
        var isFloat = encoding is SampleEncoding.Float32 or SampleEncoding.Float64;
        using var ms = new MemoryStream();
        using var w = new BinaryWriter(ms);
        w.Write("RIFF"u8); w.Write(0); w.Write("WAVE"u8);
        w.Write("fmt "u8); w.Write(extensible ? 40 : 16);
        w.Write((ushort)(extensible ? 0xFFFE : isFloat ? 3 : 1)); w.Write((ushort)channels); w.Write(rate);
        w.Write(rate * format.BytesPerFrame); w.Write((ushort)format.BytesPerFrame); w.Write((ushort)(size * 8));
        if (extensible)
        {
            w.Write((ushort)22); w.Write((ushort)(size * 8)); w.Write(0);
            w.Write((ushort)(isFloat ? 3 : 1)); w.Write(new byte[] { 0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xAA, 0, 0x38, 0x9B, 0x71 });
        }
        w.Write("LIST"u8); w.Write(5); w.Write("INFOx"u8); w.Write((byte)0); // odd size + pad byte
        w.Write("data"u8); w.Write(data.Length); w.Write(data);
        w.Flush();
        return ms.ToArray();
    }

    [Fact]
    public void Every_encoding_and_channel_count_decodes_to_the_channel_average()
    {
        var encodings = Enum.GetValues<SampleEncoding>();
        Gen.Select(Gen.Int[0, encodings.Length - 1], Gen.Int[1, 6], Gen.Int[0, 400], Gen.Bool, Gen.Int[0, 1000])
            .Sample((e, channels, frames, extensible, seed) =>
            {
                var encoding = encodings[e];
                var rng = new Random(seed);
                var interleaved = Enumerable.Range(0, frames * channels).Select(_ => rng.NextDouble() * 1.6 - 0.8).ToArray();
                var bytes = BuildWav(encoding, channels, 16000, interleaved, extensible);
                using var stream = AudioLoader.OpenStream(new MemoryStream(bytes), "mem.wav", new AudioLoadOptions { FfmpegPath = "/none" });
                var decoded = AudioLoader.ReadAll(stream);
                Assert.Equal(frames, decoded.Length);
                var tolerance = encoding == SampleEncoding.UInt8 ? 1 / 128.0 : 1e-4;
                for (var f = 0; f < frames; f++)
                {
                    var expected = interleaved.Skip(f * channels).Take(channels).Average();
                    Assert.True(Math.Abs(decoded[f] - expected) <= tolerance, $"{encoding} x{channels} frame {f}: {decoded[f]} vs {expected}");
                }
            }, iter: 60);
    }

    [Theory]
    [InlineData(12, 8, "PCM with 12 bits per sample is not supported")]
    [InlineData(16, 3, "block align is 3, expected 2")]
    public void Impossible_fmt_fields_name_the_field_and_what_was_expected(int bits, int blockAlign, string expected)
    {
        var bytes = BuildWav(SampleEncoding.Int16, 1, 16000, new double[10], extensible: false);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(34), (ushort)bits);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(32), (ushort)blockAlign);
        var ex = Assert.Throws<AudioFormatException>(() => AudioLoader.OpenStream(new MemoryStream(bytes), "bad.wav"));
        Assert.Contains(expected, ex.Message);
        Assert.StartsWith("bad.wav: fmt.", ex.Message);
    }
}
