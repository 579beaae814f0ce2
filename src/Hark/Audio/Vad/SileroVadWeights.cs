using Google.Protobuf;

namespace Hark.Audio.Vad;

/// <summary>
/// The 16 kHz weights of Silero VAD v6, read from the embedded ONNX graph: the branch of the top-level <c>If</c> whose
/// STFT basis is <c>[258, 1, 256]</c> (the other one is the 8 kHz model), whose weights are <c>Constant</c> nodes named
/// after the PyTorch parameters. The file is walked with Google.Protobuf's wire reader rather than the generated ONNX
/// classes, which live in the Formats layer that Audio may not use.
/// </summary>
internal sealed class SileroVadWeights
{
    /// <summary>Frequency bins of the 256-point STFT (real and imaginary halves of the basis).</summary>
    public const int Bins = 129;

    /// <summary>STFT window length and hop.</summary>
    public const int Window = 256, Hop = 128;

    /// <summary>LSTM width.</summary>
    public const int Hidden = 128;

    private readonly Dictionary<string, (long[] Dims, float[] Values)> _constants;

    private SileroVadWeights(Dictionary<string, (long[] Dims, float[] Values)> constants, string file)
    {
        _constants = constants;
        StftBasis = Take("stft.forward_basis_buffer", [2 * Bins, 1, Window], file);
        ConvWeight = new float[4][];
        ConvBias = new float[4][];
        for (var i = 0; i < 4; i++)
        {
            var (o, c) = ConvShapes[i];
            ConvWeight[i] = Take($"encoder.{i}.reparam_conv.weight", [o, c, 3], file);
            ConvBias[i] = Take($"encoder.{i}.reparam_conv.bias", [o], file);
        }
        WeightIh = Take("decoder.rnn.weight_ih", [4 * Hidden, Hidden], file);
        WeightHh = Take("decoder.rnn.weight_hh", [4 * Hidden, Hidden], file);
        BiasIh = Take("decoder.rnn.bias_ih", [4 * Hidden], file);
        BiasHh = Take("decoder.rnn.bias_hh", [4 * Hidden], file);
        HeadWeight = Take("decoder.decoder.2.weight", [1, Hidden, 1], file);
        HeadBias = Take("decoder.decoder.2.bias", [1], file)[0];
    }

    /// <summary>Output and input channels of the four encoder convolutions (kernel 3, padding 1, strides 1, 2, 2, 1).</summary>
    public static IReadOnlyList<(int Out, int In)> ConvShapes { get; } = [(128, Bins), (64, 128), (64, 64), (128, 64)];

    /// <summary>Strides of the four encoder convolutions.</summary>
    public static IReadOnlyList<int> ConvStrides { get; } = [1, 2, 2, 1];

    /// <summary>STFT basis <c>[258, 256]</c>: rows 0..128 give the real part, 129..257 the imaginary part.</summary>
    public float[] StftBasis { get; }

    /// <summary>Encoder convolution weights <c>[out, in, 3]</c>.</summary>
    public float[][] ConvWeight { get; }

    /// <summary>Encoder convolution biases.</summary>
    public float[][] ConvBias { get; }

    /// <summary>LSTMCell input weights <c>[512, 128]</c>, gates in PyTorch's order i, f, g, o.</summary>
    public float[] WeightIh { get; }

    /// <summary>LSTMCell recurrent weights <c>[512, 128]</c>.</summary>
    public float[] WeightHh { get; }

    /// <summary>LSTMCell input bias.</summary>
    public float[] BiasIh { get; }

    /// <summary>LSTMCell recurrent bias.</summary>
    public float[] BiasHh { get; }

    /// <summary>1×1 convolution from the hidden state to the speech logit <c>[1, 128, 1]</c>.</summary>
    public float[] HeadWeight { get; }

    /// <summary>Bias of the speech logit.</summary>
    public float HeadBias { get; }

    /// <summary>Reads the 16 kHz weights of <paramref name="onnx"/>.</summary>
    /// <exception cref="HarkException">The graph is not Silero VAD v6's layout.</exception>
    public static SileroVadWeights Read(byte[] onnx, string file)
    {
        try
        {
            foreach (var graph in Fields(onnx, 7)) // ModelProto.graph
            {
                foreach (var node in Fields(graph, 1)) // GraphProto.node
                {
                    if (OpType(node) != "If") continue;
                    foreach (var attribute in Fields(node, 5)) // NodeProto.attribute
                    {
                        foreach (var branch in Fields(attribute, 6)) // AttributeProto.g
                        {
                            var constants = Constants(branch);
                            if (constants.Any(c => c.Key.EndsWith("stft.forward_basis_buffer", StringComparison.Ordinal)
                                && c.Value.Dims.SequenceEqual([2L * Bins, 1, Window])))
                                return new SileroVadWeights(constants, file);
                        }
                    }
                }
            }
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new HarkException($"{file}: not a readable ONNX model ({e.Message})");
        }
        throw new HarkException($"{file}: no 16 kHz branch (an If branch with a [258, 1, 256] STFT basis) in the graph");
    }

    private float[] Take(string suffix, long[] dims, string file)
    {
        var match = _constants.Where(c => c.Key.EndsWith(suffix, StringComparison.Ordinal)).ToList();
        if (match.Count != 1)
            throw new HarkException($"{file}: expected one 16 kHz constant named *{suffix}, found {match.Count}");
        var (actual, values) = match[0].Value;
        if (!actual.SequenceEqual(dims))
            throw new HarkException($"{file}: {suffix} is [{string.Join(", ", actual)}], expected [{string.Join(", ", dims)}]");
        return values;
    }

    /// <summary>Float constants of a graph (not of its nested branches), by output name.</summary>
    private static Dictionary<string, (long[] Dims, float[] Values)> Constants(byte[] graph)
    {
        var result = new Dictionary<string, (long[], float[])>(StringComparer.Ordinal);
        foreach (var node in Fields(graph, 1))
        {
            if (OpType(node) != "Constant") continue;
            var output = Strings(node, 2).FirstOrDefault();
            foreach (var attribute in Fields(node, 5))
            {
                if (Strings(attribute, 1).FirstOrDefault() != "value") continue;
                foreach (var tensor in Fields(attribute, 5))
                    if (output is not null && Tensor(tensor) is { } t) result[output] = t;
            }
        }
        return result;
    }

    private static string? OpType(byte[] node) => Strings(node, 4).FirstOrDefault();

    /// <summary>A TensorProto's dims and float32 values; null for other element types.</summary>
    private static (long[] Dims, float[] Values)? Tensor(byte[] tensor)
    {
        var dims = new List<long>();
        var type = 0;
        float[]? values = null;
        var input = new CodedInputStream(tensor);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag), WireFormat.GetTagWireType(tag))
            {
                case (1, WireFormat.WireType.Varint): dims.Add(input.ReadInt64()); break;
                case (1, WireFormat.WireType.LengthDelimited):
                    var packed = new CodedInputStream(input.ReadBytes().ToByteArray());
                    while (!packed.IsAtEnd) dims.Add(packed.ReadInt64());
                    break;
                case (2, _): type = input.ReadInt32(); break;
                case (4, WireFormat.WireType.LengthDelimited):
                    values = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(input.ReadBytes().Span).ToArray();
                    break;
                case (9, _):
                    values = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(input.ReadBytes().Span).ToArray();
                    break;
                default: input.SkipLastField(); break;
            }
        }
        if (type != 1 || values is null) return null; // FLOAT only; little-endian as ONNX stores it
        var count = dims.Aggregate(1L, (a, b) => a * b);
        return count == values.Length ? ([.. dims], values) : null;
    }

    /// <summary>The length-delimited values of field <paramref name="field"/> of a message.</summary>
    private static IEnumerable<byte[]> Fields(byte[] message, int field)
    {
        var input = new CodedInputStream(message);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == field && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
                yield return input.ReadBytes().ToByteArray();
            else
                input.SkipLastField();
        }
    }

    private static IEnumerable<string> Strings(byte[] message, int field) =>
        Fields(message, field).Select(b => System.Text.Encoding.UTF8.GetString(b));
}
