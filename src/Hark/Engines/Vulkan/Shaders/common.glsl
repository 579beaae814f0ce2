// Shared declarations: every shader reaches its tensors through buffer device addresses passed in push constants
// (no descriptor sets), so recording an op is one push-constant write and one dispatch.
#extension GL_EXT_buffer_reference : require
#extension GL_EXT_buffer_reference_uvec2 : require

layout(buffer_reference, std430, buffer_reference_align = 4) buffer Floats { float v[]; };
layout(buffer_reference, std430, buffer_reference_align = 4) buffer Uints { uint v[]; };
layout(buffer_reference, std430, buffer_reference_align = 4) buffer Ints { int v[]; };

const uint ACT_NONE = 0u;
const uint ACT_GELU = 1u;

// erf by Abramowitz & Stegun 7.1.26 (|error| <= 1.5e-7), the same formula the CPU backend evaluates.
float hark_erf(float x)
{
    float z = abs(x);
    float t = 1.0 / (1.0 + 0.3275911 * z);
    float poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
    float y = 1.0 - poly * exp(-z * z);
    return x < 0.0 ? -y : y;
}

float hark_gelu(float x) { return 0.5 * x * (1.0 + hark_erf(x * 0.70710678118654752)); }

// Keys/values of attention: float32, or float16 pairs packed in 32-bit words (KV16 builds; rows hold an even count).
float kv_load(uvec2 address, uint index)
{
#ifdef KV16
    return unpackHalf2x16(Uints(address).v[index >> 1])[index & 1u];
#else
    return Floats(address).v[index];
#endif
}

// OUT16 builds write a float16 output (keys/values) element by element through 16-bit storage
// (VK_KHR_16bit_storage), instead of a float32 scratch and a packing pass.
#ifdef OUT16
#extension GL_EXT_shader_16bit_storage : require
layout(buffer_reference, std430, buffer_reference_align = 2) buffer Halves { float16_t v[]; };
#endif

// Stores output element `at` (row stride in elements of the output type); accumulate is float32-only.
void store_output(uvec2 y, uint at, float v, bool accumulate)
{
#ifdef OUT16
    Halves(y).v[at] = float16_t(v);
#else
    if (accumulate) Floats(y).v[at] += v;
    else Floats(y).v[at] = v;
#endif
}

