#version 460
// y[M, N] = act(x[M, K] · W[N, K]ᵀ + bias) (or y += …). Tiled 64×64 with a 16-deep K slice in shared memory; every
// thread owns a 4×4 block of outputs spread 16 apart. Bounds are checked, so any M, N, K works.
// With convIn > 0 the x operand is the implicit im2col of a kernel-3, padding-1 Conv1d over x[xRows, convIn]:
// element (m, j·convIn + c) = x[m·stride − 1 + j, c] (zero outside), matching the linearised conv weight.
// HALF builds (float16 weights on devices with shaderFloat16) keep the tiles in float16 and multiply in packed float16:
// each 16-deep slice sums into float16 partials that are added to float32 accumulators, which bounds the rounding
// error by the slice depth instead of K.
#include "common.glsl"
#include "weights.glsl"
#ifdef HALF
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require
#define TILE float16_t
#else
#define TILE float
#endif

layout(local_size_x = 16, local_size_y = 16) in;

layout(push_constant) uniform Params
{
    uvec2 x; uvec2 w; uvec2 bias; uvec2 y; uvec2 scales;
    uint m; uint n; uint k; uint ldx; uint ldy; uint wStride;
    uint act; uint accumulate; uint hasBias;
    uint convIn; uint convStride; uint xRows;
} p;

const uint BM = 64u;
const uint BN = 64u;
const uint BK = 16u;

shared TILE As[BK][BM];
shared TILE Bs[BK][BN];

float x_at(Floats x, uint row, uint col)
{
    if (p.convIn == 0u) return x.v[row * p.ldx + col];
    uint j = col / p.convIn;
    uint c = col - j * p.convIn;
    int source = int(row * p.convStride + j) - 1;
    if (source < 0 || source >= int(p.xRows)) return 0.0;
    return x.v[uint(source) * p.ldx + c];
}

void main()
{
    Floats X = Floats(p.x);
    Uints W = Uints(p.w);
    uint tx = gl_LocalInvocationID.x;
    uint ty = gl_LocalInvocationID.y;
    uint tid = ty * 16u + tx;
    uint m0 = gl_WorkGroupID.y * BM;
    uint n0 = gl_WorkGroupID.x * BN;
    float acc[4][4];
    for (int i = 0; i < 4; i++) for (int j = 0; j < 4; j++) acc[i][j] = 0.0;

    for (uint k0 = 0u; k0 < p.k; k0 += BK)
    {
        for (uint e = tid; e < BM * BK; e += 256u)
        {
            uint r = e / BK;
            uint kk = e - r * BK;
            uint gm = m0 + r;
            uint gk = k0 + kk;
            As[kk][r] = TILE((gm < p.m && gk < p.k) ? x_at(X, gm, gk) : 0.0);
            uint gn = n0 + r;
            Bs[kk][r] = TILE((gn < p.n && gk < p.k) ? weight_at(W, p.wStride, gn, gk) : 0.0);
        }
        barrier();
#ifdef HALF
        f16vec4 part[4];
        for (uint i = 0u; i < 4u; i++) part[i] = f16vec4(0.0hf);
        for (uint kk = 0u; kk < BK; kk++)
        {
            f16vec4 b = f16vec4(Bs[kk][tx], Bs[kk][tx + 16u], Bs[kk][tx + 32u], Bs[kk][tx + 48u]);
            for (uint i = 0u; i < 4u; i++) part[i] = fma(f16vec4(As[kk][ty + 16u * i]), b, part[i]);
        }
        for (uint i = 0u; i < 4u; i++)
        {
            vec4 wide = vec4(part[i]);
            for (uint j = 0u; j < 4u; j++) acc[i][j] += wide[j];
        }
#else
        for (uint kk = 0u; kk < BK; kk++)
        {
            float a[4];
            float b[4];
            for (uint i = 0u; i < 4u; i++) a[i] = As[kk][ty + 16u * i];
            for (uint j = 0u; j < 4u; j++) b[j] = Bs[kk][tx + 16u * j];
            for (uint i = 0u; i < 4u; i++)
                for (uint j = 0u; j < 4u; j++) acc[i][j] = fma(a[i], b[j], acc[i][j]);
        }
#endif
        barrier();
    }

    Floats B = Floats(p.bias);
    Floats S = Floats(p.scales);
    for (uint i = 0u; i < 4u; i++)
    {
        uint gm = m0 + ty + 16u * i;
        if (gm >= p.m) continue;
        for (uint j = 0u; j < 4u; j++)
        {
            uint gn = n0 + tx + 16u * j;
            if (gn >= p.n) continue;
            float v = acc[i][j];
#if WTYPE == 3
            v *= S.v[gn];
#endif
            if (p.hasBias != 0u) v += B.v[gn];
            if (p.act == ACT_GELU) v = hark_gelu(v);
            uint at = gm * p.ldy + gn;
            store_output(p.y, at, v, p.accumulate != 0u);
        }
    }
}
