using System.Runtime.InteropServices;

namespace Hark.Engines.Vulkan;

// Push-constant blocks, field for field as the shaders declare them (uvec2 addresses first, so no padding).
#pragma warning disable CA1051 // plain interop structs

[StructLayout(LayoutKind.Sequential)]
internal struct LinearParameters
{
    public ulong X, W, Bias, Y, Scales;
    public uint M, N, K, Ldx, Ldy, WStride, Act, Accumulate, HasBias, ConvIn, ConvStride, XRows;
}

[StructLayout(LayoutKind.Sequential)]
internal struct GatherParameters
{
    public ulong Table, Rows, Y, Scales;
    public uint Columns, WStride, Count, Accumulate;
}

[StructLayout(LayoutKind.Sequential)]
internal struct ElementwiseParameters
{
    public ulong A, B, Y;
    public uint N, Op;
}

[StructLayout(LayoutKind.Sequential)]
internal struct TransposeParameters
{
    public ulong X, Y;
    public uint Rows, Columns;
}

[StructLayout(LayoutKind.Sequential)]
internal struct ToHalfParameters
{
    public ulong X, Y;
    public uint Rows, Columns, RowWords;
}

[StructLayout(LayoutKind.Sequential)]
internal struct RowNormParameters
{
    public ulong X, Y, Gamma, Beta;
    public uint Columns, Op;
    public float Epsilon;
}

[StructLayout(LayoutKind.Sequential)]
internal struct AttentionParameters
{
    public ulong Q, K, V, O, KvIndex, RecordSlot, Recorded;
    public uint D, HeadDim, KvStride, KvLength, Tq, Sequences;
    public float Scale;
    public uint Causal, Record, RecordStride;
}
#pragma warning restore CA1051
