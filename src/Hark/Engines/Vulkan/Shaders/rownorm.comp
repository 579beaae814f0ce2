#version 460
// One workgroup per row. op 0: LayerNorm (two-pass mean/variance, affine); op 1: softmax in place (max-subtracted).
// y may alias x: every thread rewrites only the columns it read, after the reductions.
#include "common.glsl"

layout(local_size_x = 256) in;

layout(push_constant) uniform Params
{
    uvec2 x; uvec2 y; uvec2 gamma; uvec2 beta;
    uint columns; uint op; float epsilon;
} p;

shared float partial[256];

float reduce_sum(float v)
{
    uint t = gl_LocalInvocationID.x;
    partial[t] = v;
    barrier();
    for (uint s = 128u; s > 0u; s >>= 1)
    {
        if (t < s) partial[t] += partial[t + s];
        barrier();
    }
    float r = partial[0];
    barrier();
    return r;
}

float reduce_max(float v)
{
    uint t = gl_LocalInvocationID.x;
    partial[t] = v;
    barrier();
    for (uint s = 128u; s > 0u; s >>= 1)
    {
        if (t < s) partial[t] = max(partial[t], partial[t + s]);
        barrier();
    }
    float r = partial[0];
    barrier();
    return r;
}

void main()
{
    uint row = gl_WorkGroupID.x;
    uint t = gl_LocalInvocationID.x;
    uint n = p.columns;
    Floats X = Floats(p.x);
    Floats Y = Floats(p.y);
    uint base = row * n;
    if (p.op == 0u)
    {
        float s = 0.0;
        for (uint c = t; c < n; c += 256u) s += X.v[base + c];
        float mean = reduce_sum(s) / float(n);
        float q = 0.0;
        for (uint c = t; c < n; c += 256u) { float d = X.v[base + c] - mean; q += d * d; }
        float inv = 1.0 / sqrt(reduce_sum(q) / float(n) + p.epsilon);
        Floats G = Floats(p.gamma);
        Floats B = Floats(p.beta);
        for (uint c = t; c < n; c += 256u) Y.v[base + c] = fma((X.v[base + c] - mean) * inv, G.v[c], B.v[c]);
    }
    else
    {
        float m = -3.402823466e38;
        for (uint c = t; c < n; c += 256u) m = max(m, X.v[base + c]);
        m = reduce_max(m);
        float s = 0.0;
        for (uint c = t; c < n; c += 256u) s += exp(X.v[base + c] - m);
        float inv = 1.0 / reduce_sum(s);
        for (uint c = t; c < n; c += 256u) Y.v[base + c] = exp(X.v[base + c] - m) * inv;
    }
}
