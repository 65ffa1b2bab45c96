#version 300 es
// Places a textured quad given in target pixels (y down, origin top-left).
// The wall's framebuffers hold the canvas top row first (GL's row 0), as
// Cairo's surfaces do: widget rows are copied in as they are, and the
// present's blit to the window (whose rows run the other way) is a flip
// that drivers do as a plain copy.
layout(location = 0) in vec2 a_pos;
layout(location = 1) in vec2 a_uv;
uniform vec2 u_target;
out vec2 v_uv;

void main()
{
    vec2 ndc = a_pos / u_target * 2.0 - 1.0;
    gl_Position = vec4(ndc.x, ndc.y, 0.0, 1.0);
    v_uv = a_uv;
}
