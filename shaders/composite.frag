#version 300 es
// Widget textures hold Cairo ARGB32 pixels uploaded as RGBA bytes, i.e.
// B,G,R,A on little-endian machines: swizzle back.  Premultiplied alpha.
precision mediump float;
in vec2 v_uv;
uniform sampler2D u_tex;
uniform float u_alpha;
out vec4 o_color;

void main()
{
    o_color = texture(u_tex, v_uv).bgra * u_alpha;
}
