/*
 * gl: small OpenGL ES 3.0 helpers: shader programs from files, textures
 * from Cairo surfaces.  Render thread only, with a current context.
 */
#ifndef OPSWALL_GL_H
#define OPSWALL_GL_H

#include <stdbool.h>

#include <GLES3/gl3.h>
#include <GLES2/gl2ext.h>
#include <cairo.h>

/* Compiles dir/name.vert + dir/name.frag; 0 (reason logged) on failure. */
GLuint gl_program_load(const char *dir, const char *name);
/* The same with dir/vert.vert and dir/frag.frag. */
GLuint gl_program_load_pair(const char *dir, const char *vert,
                            const char *frag);
/* A vertex array and buffer for one quad of 4 vertices (x, y, u, v),
 * attributes 0 and 1, updated per draw with glBufferSubData. */
void gl_quad_buffer(GLuint *vao, GLuint *vbo);
/* An RGBA8 texture of w x h, uninitialised; linear or nearest filtering. */
GLuint gl_texture_create(int w, int h, bool linear);
/* Uploads a whole ARGB32 Cairo surface of the texture's size. */
/* A framebuffer's texture for the canvas, in Cairo's byte order (BGRA,
 * EXT_texture_format_BGRA8888), so a widget's surface rows can be copied
 * into it as they are. */
GLuint gl_canvas_texture_create(int w, int h);
/* The current context rasterises on the CPU (llvmpipe, softpipe): every
 * pixel a shader draws costs CPU time, so CPU-side paths pay there. */
bool gl_is_software(void);
void gl_texture_upload(GLuint tex, cairo_surface_t *surface);
/* Logs and clears pending GL errors; returns false if there were any. */
bool gl_check(const char *where);
/* The pixels of framebuffer fbo (0: the current window's) as a Cairo
 * image, rows top-down, opaque; NULL when out of memory.  top_down: the
 * framebuffer holds its top row first (the wall's); a window does not. */
cairo_surface_t *gl_read_framebuffer(GLuint fbo, int w, int h,
                                     bool top_down);

#endif
