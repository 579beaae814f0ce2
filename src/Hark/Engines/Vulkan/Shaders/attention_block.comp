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

const uint TK = 32u;
#ifndef HD
#define HD 64u
#endif

shared float Ks[TK][HD];
shared float Vs[TK][HD];

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
    Floats K = Floats(p.k);
    Floats V = Floats(p.v);
    uint column0 = head * p.headDim;

    float q[HD];
    float acc[HD];
    for (uint c = 0u; c < HD; c++)
    {
        q[c] = valid && c < p.headDim ? Q.v[row * p.d + column0 + c] * p.scale : 0.0;
        acc[c] = 0.0;
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
            Ks[jj][c] = inside ? K.v[at] : 0.0;
            Vs[jj][c] = inside ? V.v[at] : 0.0;
        }
        barrier();
        if (j0 >= visible) continue;
        float s[TK];
        float tileMax = m;
        for (uint jj = 0u; jj < TK; jj++)
        {
            float dot = 0.0;
            for (uint c = 0u; c < HD; c++) dot = fma(q[c], Ks[jj][c], dot);
            s[jj] = dot;
            if (j0 + jj < visible) tileMax = max(tileMax, dot);
        }
        float correction = exp(m - tileMax);
        l *= correction;
        for (uint c = 0u; c < HD; c++) acc[c] *= correction;
        for (uint jj = 0u; jj < TK; jj++)
        {
            float pj = j0 + jj < visible ? exp(s[jj] - tileMax) : 0.0;
            l += pj;
            for (uint c = 0u; c < HD; c++) acc[c] = fma(pj, Vs[jj][c], acc[c]);
        }
        m = tileMax;
    }
    if (!valid) return;
    float inv = 1.0 / l;
    Floats O = Floats(p.o);
    for (uint c = 0u; c < HD; c++)
    {
        if (c < p.headDim) O.v[row * p.d + column0 + c] = acc[c] * inv;
    }
}
