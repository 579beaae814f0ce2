#version 460
// Fused attention for many queries (the encoder's 1 500, long prompts): a workgroup takes 64 queries of one sequence
// and one head, one query per thread. Keys and values stream through shared memory in tiles of 32 that all 64
// queries reuse; each thread keeps its query, running max/sum and output row in registers (online softmax), so
// scores never reach memory. Built for HD = 16, 32 and 64 (head_dim ≤ HD). Same push constants as attention.comp (recording is not done here).
#include "common.glsl"

layout(local_size_x = 64) in;

layout(push_constant) uniform Params
{
    uvec2 q; uvec2 k; uvec2 v; uvec2 o; uvec2 kvIndex; uvec2 recordSlot; uvec2 recorded;
    uint d; uint headDim; uint kvStride; uint kvLength; uint tq; uint sequences;
    float scale; uint causal; uint record; uint recordStride;
} p;

#ifndef TK
#define TK 32u
#endif
#ifndef HD
#define HD 64u
#endif

const uint H4 = HD / 4u;

shared vec4 Ks[TK][H4];
shared vec4 Vs[TK][H4];

float at_or_zero(Floats x, uint index, bool inside) { return inside ? x.v[index] : 0.0; }

void main()
{
    uint blocksPerSequence = (p.tq + 63u) / 64u;
    uint seq = gl_WorkGroupID.x / blocksPerSequence;
    uint block = gl_WorkGroupID.x - seq * blocksPerSequence;
    uint head = gl_WorkGroupID.y;
    uint tid = gl_LocalInvocationID.x;
    uint t = block * 64u + tid;
    bool valid = t < p.tq;
    uint row = seq * p.tq + t;
    uint entryRow = uint(Ints(p.kvIndex).v[seq]) * p.kvStride;
    uint lastInBlock = min(p.tq, block * 64u + 64u);
    uint blockVisible = p.causal != 0u ? p.kvLength - p.tq + lastInBlock : p.kvLength;
    uint visible = !valid ? 0u : (p.causal != 0u ? p.kvLength - p.tq + t + 1u : p.kvLength);
    Floats Q = Floats(p.q);
    uint column0 = head * p.headDim;

    vec4 q[H4];
    vec4 acc[H4];
    for (uint c = 0u; c < H4; c++)
    {
        uint base = row * p.d + column0 + 4u * c;
        q[c] = vec4(at_or_zero(Q, base, valid && 4u * c < p.headDim), at_or_zero(Q, base + 1u, valid && 4u * c + 1u < p.headDim),
                    at_or_zero(Q, base + 2u, valid && 4u * c + 2u < p.headDim), at_or_zero(Q, base + 3u, valid && 4u * c + 3u < p.headDim)) * p.scale;
        acc[c] = vec4(0.0);
    }
    float m = -3.402823466e38;
    float l = 0.0;

    for (uint j0 = 0u; j0 < blockVisible; j0 += TK)
    {
        barrier();
        for (uint e = tid; e < TK * HD; e += 64u)
        {
            uint jj = e / HD;
            uint c = e - jj * HD;
            uint key = j0 + jj;
            bool inside = key < p.kvLength && c < p.headDim;
            uint at = (entryRow + key) * p.d + column0 + c;
            Ks[jj][c >> 2][c & 3u] = inside ? kv_load(p.k, at) : 0.0;
            Vs[jj][c >> 2][c & 3u] = inside ? kv_load(p.v, at) : 0.0;
        }
        barrier();
        if (j0 >= visible) continue;
        float s[TK];
        float tileMax = m;
        for (uint jj = 0u; jj < TK; jj++)
        {
            float sum = 0.0;
            for (uint c = 0u; c < H4; c++) sum += dot(q[c], Ks[jj][c]);
            s[jj] = sum;
            if (j0 + jj < visible) tileMax = max(tileMax, sum);
        }
        float correction = exp(m - tileMax);
        l *= correction;
        for (uint c = 0u; c < H4; c++) acc[c] *= correction;
        for (uint jj = 0u; jj < TK; jj++)
        {
            float pj = j0 + jj < visible ? exp(s[jj] - tileMax) : 0.0;
            l += pj;
            for (uint c = 0u; c < H4; c++) acc[c] = fma(vec4(pj), Vs[jj][c], acc[c]);
        }
        m = tileMax;
    }
    if (!valid) return;
    float inv = 1.0 / l;
    Floats O = Floats(p.o);
    for (uint c = 0u; c < HD; c++)
    {
        if (c < p.headDim) O.v[row * p.d + column0 + c] = acc[c >> 2][c & 3u] * inv;
    }
}
