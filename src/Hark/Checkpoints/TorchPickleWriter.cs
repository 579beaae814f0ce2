using System.Buffers.Binary;
using System.Text;

namespace Hark.Checkpoints;

/// <summary>
/// Writes the <c>data.pkl</c> of a <c>torch.save</c>d state dict (pickle protocol 2): an OrderedDict of tensors rebuilt by
/// <c>torch._utils._rebuild_tensor_v2</c> over storages given by persistent id, one storage per tensor, keys "0", "1", ….
/// </summary>
internal static class TorchPickleWriter
{
    public static byte[] Write(IReadOnlyList<TensorInfo> tensors)
    {
        using var s = new MemoryStream();
        s.Write([0x80, 2]);                             // PROTO 2
        Global(s, "collections", "OrderedDict");
        s.WriteByte((byte)')');
        s.WriteByte((byte)'R');
        s.WriteByte((byte)'(');                         // MARK for SETITEMS
        for (var i = 0; i < tensors.Count; i++)
        {
            var t = tensors[i];
            String(s, t.Name);
            Global(s, "torch._utils", "_rebuild_tensor_v2");
            s.WriteByte((byte)'(');                     // args tuple
            // Persistent id ('storage', torch.XStorage, key, 'cpu', numel) → BINPERSID.
            s.WriteByte((byte)'(');
            String(s, "storage");
            Global(s, "torch", TorchStorageTypes.NameOf(t.DType));
            String(s, i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            String(s, "cpu");
            Int(s, t.ElementCount);
            s.WriteByte((byte)'t');
            s.WriteByte((byte)'Q');
            Int(s, 0);                                  // storage offset
            Tuple(s, t.Shape);
            Tuple(s, ContiguousStrides(t.Shape));
            s.WriteByte(0x89);                          // requires_grad = False
            Global(s, "collections", "OrderedDict");    // backward hooks = OrderedDict()
            s.WriteByte((byte)')');
            s.WriteByte((byte)'R');
            s.WriteByte((byte)'t');
            s.WriteByte((byte)'R');
        }
        s.WriteByte((byte)'u');                         // SETITEMS
        s.WriteByte((byte)'.');                         // STOP
        return s.ToArray();
    }

    /// <summary>Row-major strides of a shape, in elements.</summary>
    public static long[] ContiguousStrides(IReadOnlyList<long> shape)
    {
        var strides = new long[shape.Count];
        long stride = 1;
        for (var i = shape.Count - 1; i >= 0; i--)
        {
            strides[i] = stride;
            stride *= Math.Max(1, shape[i]);
        }
        return strides;
    }

    private static void Global(Stream s, string module, string name)
    {
        s.WriteByte((byte)'c');
        s.Write(Encoding.ASCII.GetBytes(module + "\n" + name + "\n"));
    }

    private static void String(Stream s, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, bytes.Length);
        s.WriteByte((byte)'X');                         // BINUNICODE
        s.Write(length);
        s.Write(bytes);
    }

    private static void Int(Stream s, long value)
    {
        if (value is >= 0 and < 256)
        {
            s.WriteByte((byte)'K');
            s.WriteByte((byte)value);
        }
        else if (value is >= int.MinValue and <= int.MaxValue)
        {
            Span<byte> b = stackalloc byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(b, (int)value);
            s.WriteByte((byte)'J');
            s.Write(b);
        }
        else
        {
            Span<byte> b = stackalloc byte[8];
            BinaryPrimitives.WriteInt64LittleEndian(b, value);
            s.WriteByte(0x8A);                          // LONG1, 8 bytes two's complement
            s.WriteByte(8);
            s.Write(b);
        }
    }

    private static void Tuple(Stream s, IReadOnlyList<long> values)
    {
        s.WriteByte((byte)'(');
        foreach (var v in values) Int(s, v);
        s.WriteByte((byte)'t');
    }
}
