#version 460
// y[i, :] = table[rows[i], :] (or y[i, :] += …); the table is a weight of any storage (a tied token embedding).
#include "common.glsl"
#include "weights.glsl"

layout(local_size_x = 256) in;

layout(push_constant) uniform Params
{
    uvec2 table; uvec2 rows; uvec2 y; uvec2 scales;
    uint columns; uint wStride; uint count; uint accumulate;
} p;

void main()
{
    uint i = gl_WorkGroupID.y;
    if (i >= p.count) return;
    uint row = uint(Ints(p.rows).v[i]);
    Floats Y = Floats(p.y);
    for (uint c = gl_GlobalInvocationID.x; c < p.columns; c += gl_NumWorkGroups.x * 256u)
    {
        float v = weight_at(Uints(p.table), p.wStride, row, c);
#if WTYPE == 3
        v *= Floats(p.scales).v[row];
#endif
        uint at = i * p.columns + c;
        if (p.accumulate != 0u) Y.v[at] += v;
        else Y.v[at] = v;
    }
}
