#version 460
// Element-wise ops over n floats: op 0 y = a + b, op 1 y = gelu(a). Grid-stride, so any n fits the dispatch limit.
#include "common.glsl"

layout(local_size_x = 256) in;

layout(push_constant) uniform Params
{
    uvec2 a; uvec2 b; uvec2 y;
    uint n; uint op;
} p;

void main()
{
    Floats A = Floats(p.a);
    Floats B = Floats(p.b);
    Floats Y = Floats(p.y);
    for (uint i = gl_GlobalInvocationID.x; i < p.n; i += gl_NumWorkGroups.x * 256u)
    {
        float v = A.v[i];
        Y.v[i] = p.op == 0u ? v + B.v[i] : hark_gelu(v);
    }
}
