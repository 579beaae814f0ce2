#version 460
// y[c, r] = x[r, c] through a 16×16 shared tile (padded against bank conflicts).
#include "common.glsl"

layout(local_size_x = 16, local_size_y = 16) in;

layout(push_constant) uniform Params
{
    uvec2 x; uvec2 y;
    uint rows; uint columns;
} p;

shared float tile[16][17];

void main()
{
    uint c = gl_WorkGroupID.x * 16u + gl_LocalInvocationID.x;
    uint r = gl_WorkGroupID.y * 16u + gl_LocalInvocationID.y;
    if (r < p.rows && c < p.columns) tile[gl_LocalInvocationID.y][gl_LocalInvocationID.x] = Floats(p.x).v[r * p.columns + c];
    barrier();
    uint outRow = gl_WorkGroupID.x * 16u + gl_LocalInvocationID.y;
    uint outCol = gl_WorkGroupID.y * 16u + gl_LocalInvocationID.x;
    if (outRow < p.columns && outCol < p.rows) Floats(p.y).v[outRow * p.rows + outCol] = tile[gl_LocalInvocationID.x][gl_LocalInvocationID.y];
}
