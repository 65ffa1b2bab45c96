#version 300 es
// Scene transitions: the last frame of the old scene mixed into the new
// one.  Both are wall framebuffers (RGBA already, premultiplied, opaque),
// so no swizzle here; u_t runs 0 -> 1 with an ease chosen on the CPU.
precision mediump float;
in vec2 v_uv;
uniform sampler2D u_from;
uniform sampler2D u_to;
uniform float u_t;
out vec4 o_color;

void main()
{
    o_color = mix(texture(u_from, v_uv), texture(u_to, v_uv), u_t);
}
