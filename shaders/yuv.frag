#version 300 es
// A decoded picture from its YUV planes to RGB: planar 4:2:0 / 4:2:2 /
// 4:4:4 (Y, U, V textures) or NV12 (Y, interleaved UV).  Limited range
// (16-235 luma, 16-240 chroma) or full (JPEG) range; BT.601 or BT.709
// matrix.  Scaling is the texture sampler's (linear).  Output: opaque,
// darkened by u_dim (a lost stream's last picture).  The texture
// coordinate comes from the pixel's place in the tile (u_origin, u_size in
// framebuffer pixels, y down like the framebuffer's rows), so any region
// of the canvas renders the same pixels as the whole.
precision highp float;
in vec2 v_uv;
uniform vec2 u_origin;
uniform vec2 u_size;
uniform sampler2D u_y;
uniform sampler2D u_u;
uniform sampler2D u_v;
uniform int u_nv12;
uniform int u_full;
uniform int u_bt709;
uniform float u_dim;
out vec4 o_color;

void main()
{
    vec2 uv = (gl_FragCoord.xy - u_origin) / u_size;
    float y = texture(u_y, uv).r;
    vec2 c = u_nv12 == 1 ? texture(u_u, uv).rg
                         : vec2(texture(u_u, uv).r, texture(u_v, uv).r);
    if (u_full == 1) {
        c -= vec2(128.0 / 255.0);
    } else {
        y = (y - 16.0 / 255.0) * (255.0 / 219.0);
        c = (c - vec2(128.0 / 255.0)) * (255.0 / 224.0);
    }
    vec3 rgb;
    if (u_bt709 == 1) {
        rgb = vec3(y + 1.5748 * c.y,
                   y - 0.187324 * c.x - 0.468124 * c.y,
                   y + 1.8556 * c.x);
    } else {
        rgb = vec3(y + 1.402 * c.y,
                   y - 0.344136 * c.x - 0.714136 * c.y,
                   y + 1.772 * c.x);
    }
    o_color = vec4(clamp(rgb, 0.0, 1.0) * u_dim, 1.0);
}
