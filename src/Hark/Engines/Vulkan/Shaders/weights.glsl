// Reads element (n, k) of a row-major weight stored as WTYPE (0 f32, 1 f16, 2 bf16, 3 int8) in 32-bit words;
// rows are padded to whole words (stride in words). int8 scales are applied by the caller, per output row.
#ifndef WTYPE
#define WTYPE 0
#endif

float weight_at(Uints w, uint stride, uint n, uint k)
{
#if WTYPE == 0
    return uintBitsToFloat(w.v[n * stride + k]);
#elif WTYPE == 1
    uint u = w.v[n * stride + (k >> 1)];
    return unpackHalf2x16(u)[k & 1u];
#elif WTYPE == 2
    uint u = w.v[n * stride + (k >> 1)];
    return uintBitsToFloat((k & 1u) == 0u ? (u << 16) : (u & 0xFFFF0000u));
#else
    uint u = w.v[n * stride + (k >> 2)];
    return float(bitfieldExtract(int(u), int(8u * (k & 3u)), 8));
#endif
}
