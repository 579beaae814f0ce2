#version 460
// Fused multi-head attention, one workgroup per (query row, head): keys are visited in tiles of 64 (one key per
// thread), with an online softmax (running max and sum), so any number of positions (1 500 encoder states, a
// causal KV cache) runs in fixed shared memory. Each thread accumulates output channels tid and tid + 64
// (head_dim ≤ 128). Recorded heads re-walk the keys after the final max/sum to write normalised probabilities.
#include "common.glsl"

layout(local_size_x = 64) in;

layout(push_constant) uniform Params
{
    uvec2 q; uvec2 k; uvec2 v; uvec2 o; uvec2 kvIndex; uvec2 recordSlot; uvec2 recorded;
    uint d; uint headDim; uint kvStride; uint kvLength; uint tq; uint sequences;
    float scale; uint causal; uint record; uint recordStride;
} p;

shared float qs[128];
shared float ps[64];

float score(uint keyRow, uint head)
{
    uint base = keyRow * p.d + head * p.headDim;
    float s = 0.0;
    for (uint c = 0u; c < p.headDim; c++) s = fma(qs[c], kv_load(p.k, base + c), s);
    return s;
}

void main()
{
    uint row = gl_WorkGroupID.x;
    uint head = gl_WorkGroupID.y;
    uint tid = gl_LocalInvocationID.x;
    uint seq = row / p.tq;
    uint t = row - seq * p.tq;
    uint entryRow = uint(Ints(p.kvIndex).v[seq]) * p.kvStride;
    uint visible = p.causal != 0u ? p.kvLength - p.tq + t + 1u : p.kvLength;
    Floats Q = Floats(p.q);
    for (uint c = tid; c < p.headDim; c += 64u) qs[c] = Q.v[row * p.d + head * p.headDim + c] * p.scale;
    barrier();

    float m = -3.402823466e38;
    float l = 0.0;
    float acc0 = 0.0;
    float acc1 = 0.0;
    uint c0 = tid;
    uint c1 = tid + 64u;
    for (uint j0 = 0u; j0 < visible; j0 += 64u)
    {
        uint count = min(64u, visible - j0);
        float s = tid < count ? score(entryRow + j0 + tid, head) : -3.402823466e38;
        ps[tid] = s;
        barrier();
        float tileMax = ps[0];
        for (uint j = 1u; j < count; j++) tileMax = max(tileMax, ps[j]);
        float mNew = max(m, tileMax);
        float correction = exp(m - mNew);
        barrier();
        ps[tid] = tid < count ? exp(s - mNew) : 0.0;
        barrier();
        float tileSum = 0.0;
        float a0 = 0.0;
        float a1 = 0.0;
        for (uint j = 0u; j < count; j++)
        {
            float pj = ps[j];
            tileSum += pj;
            uint base = (entryRow + j0 + j) * p.d + head * p.headDim;
            if (c0 < p.headDim) a0 = fma(pj, kv_load(p.v, base + c0), a0);
            if (c1 < p.headDim) a1 = fma(pj, kv_load(p.v, base + c1), a1);
        }
        l = l * correction + tileSum;
        acc0 = acc0 * correction + a0;
        acc1 = acc1 * correction + a1;
        m = mNew;
        barrier();
    }
    Floats O = Floats(p.o);
    float inv = 1.0 / l;
    if (c0 < p.headDim) O.v[row * p.d + head * p.headDim + c0] = acc0 * inv;
    if (c1 < p.headDim) O.v[row * p.d + head * p.headDim + c1] = acc1 * inv;

    if (p.record == 0u) return;
    int slot = Ints(p.recordSlot).v[head];
    if (slot < 0) return;
    Floats R = Floats(p.recorded);
    uint outBase = ((uint(slot) * p.sequences + seq) * p.tq + t) * p.recordStride;
    for (uint j = tid; j < p.kvLength; j += 64u)
        R.v[outBase + j] = j < visible ? exp(score(entryRow + j, head) - m) * inv : 0.0;
}
