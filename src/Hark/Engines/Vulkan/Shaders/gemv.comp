#version 460
// y[M, N] = act(x · Wᵀ + bias) (or y += …) for few rows (M ≤ 8: decoder steps, beams). One subgroup per output
// feature walks K with coalesced weight reads, keeps one partial sum per row and reduces them with subgroupAdd, so
// each weight is read once for all rows and no barrier is needed. Same push constants as linear.comp.
#extension GL_KHR_shader_subgroup_basic : require
#extension GL_KHR_shader_subgroup_arithmetic : require
#include "common.glsl"
#include "weights.glsl"

layout(local_size_x = 64) in;

layout(push_constant) uniform Params
{
    uvec2 x; uvec2 w; uvec2 bias; uvec2 y; uvec2 scales;
    uint m; uint n; uint k; uint ldx; uint ldy; uint wStride;
    uint act; uint accumulate; uint hasBias;
    uint convIn; uint convStride; uint xRows;
} p;

const uint MAXM = 8u;

void main()
{
    Floats X = Floats(p.x);
    Uints W = Uints(p.w);
    uint perGroup = gl_NumSubgroups;
    for (uint n = gl_WorkGroupID.x * perGroup + gl_SubgroupID; n < p.n; n += gl_NumWorkGroups.x * perGroup)
    {
        float acc[MAXM];
        for (uint r = 0u; r < MAXM; r++) acc[r] = 0.0;
        for (uint k = gl_SubgroupInvocationID; k < p.k; k += gl_SubgroupSize)
        {
            float w = weight_at(W, p.wStride, n, k);
            for (uint r = 0u; r < MAXM; r++)
            {
                if (r < p.m) acc[r] = fma(X.v[r * p.ldx + k], w, acc[r]);
            }
        }
        for (uint r = 0u; r < MAXM; r++)
        {
            float v = subgroupAdd(acc[r]);
            if (r >= p.m || !subgroupElect()) continue;
#if WTYPE == 3
            v *= Floats(p.scales).v[n];
#endif
            if (p.hasBias != 0u) v += Floats(p.bias).v[n];
            if (p.act == ACT_GELU) v = hark_gelu(v);
            uint at = r * p.ldy + n;
            store_output(p.y, at, v, p.accumulate != 0u);
        }
    }
}
