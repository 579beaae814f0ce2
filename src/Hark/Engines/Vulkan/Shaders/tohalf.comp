#version 460
// Packs float32 rows [rows, columns] into float16 rows of rowWords 32-bit words (two values per word), so one
// thread writes a whole word: a Linear into a float16 key/value tensor runs into float32 scratch, then through this.
#include "common.glsl"

layout(local_size_x = 256) in;

layout(push_constant) uniform Params
{
    uvec2 x; uvec2 y;
    uint rows; uint columns; uint rowWords;
} p;

void main()
{
    Floats X = Floats(p.x);
    Uints Y = Uints(p.y);
    uint total = p.rows * p.rowWords;
    for (uint i = gl_GlobalInvocationID.x; i < total; i += gl_NumWorkGroups.x * 256u)
    {
        uint r = i / p.rowWords;
        uint c = 2u * (i - r * p.rowWords);
        float a = X.v[r * p.columns + c];
        float b = c + 1u < p.columns ? X.v[r * p.columns + c + 1u] : 0.0;
        Y.v[i] = packHalf2x16(vec2(a, b));
    }
}
