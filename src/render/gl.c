/*
 * gl: shader and texture helpers.  Shaders are read from the shaders/
 * directory at start-up; a missing or broken shader stops the program with
 * the compiler's log (fail at start-up).
 */
#define LOG_MODULE "gl"
#include "render/gl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/file.h"
#include "base/log.h"
#include "base/xalloc.h"

static GLuint
compile(GLenum type, const char *path)
{
    char *src = file_read_all(path, 1 << 20, NULL);
    if (!src) {
        LOG_ERR("cannot read shader %s", path);
        return 0;
    }
    GLuint sh = glCreateShader(type);
    const char *srcs[] = {src};
    glShaderSource(sh, 1, srcs, NULL);
    glCompileShader(sh);
    free(src);
    GLint ok = 0;
    glGetShaderiv(sh, GL_COMPILE_STATUS, &ok);
    if (!ok) {
        char log[2048];
        glGetShaderInfoLog(sh, sizeof(log), NULL, log);
        LOG_ERR("shader %s: %s", path, log);
        glDeleteShader(sh);
        return 0;
    }
    return sh;
}

GLuint
gl_program_load(const char *dir, const char *name)
{
    return gl_program_load_pair(dir, name, name);
}

GLuint
gl_program_load_pair(const char *dir, const char *vert, const char *frag)
{
    const char *name = frag;
    char *vp = xasprintf("%s/%s.vert", dir, vert);
    char *fp = xasprintf("%s/%s.frag", dir, frag);
    GLuint vs = compile(GL_VERTEX_SHADER, vp);
    GLuint fs = vs ? compile(GL_FRAGMENT_SHADER, fp) : 0;
    GLuint prog = 0;
    if (vs && fs) {
        prog = glCreateProgram();
        glAttachShader(prog, vs);
        glAttachShader(prog, fs);
        glLinkProgram(prog);
        GLint ok = 0;
        glGetProgramiv(prog, GL_LINK_STATUS, &ok);
        if (!ok) {
            char log[2048];
            glGetProgramInfoLog(prog, sizeof(log), NULL, log);
            LOG_ERR("program %s: %s", name, log);
            glDeleteProgram(prog);
            prog = 0;
        }
    }
    if (vs) {
        glDeleteShader(vs);
    }
    if (fs) {
        glDeleteShader(fs);
    }
    free(vp);
    free(fp);
    return prog;
}

void
gl_quad_buffer(GLuint *vao, GLuint *vbo)
{
    glGenVertexArrays(1, vao);
    glBindVertexArray(*vao);
    glGenBuffers(1, vbo);
    glBindBuffer(GL_ARRAY_BUFFER, *vbo);
    glBufferData(GL_ARRAY_BUFFER, 16 * sizeof(float), NULL, GL_DYNAMIC_DRAW);
    glEnableVertexAttribArray(0);
    glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, 4 * sizeof(float), 0);
    glEnableVertexAttribArray(1);
    glVertexAttribPointer(1, 2, GL_FLOAT, GL_FALSE, 4 * sizeof(float),
                          (void *)(2 * sizeof(float)));
}

GLuint
gl_texture_create(int w, int h, bool linear)
{
    GLuint tex;
    glGenTextures(1, &tex);
    glBindTexture(GL_TEXTURE_2D, tex);
    GLint filter = linear ? GL_LINEAR : GL_NEAREST;
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, filter);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, filter);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    glTexStorage2D(GL_TEXTURE_2D, 1, GL_RGBA8, w, h);
    return tex;
}

bool
gl_is_software(void)
{
    const char *r = (const char *)glGetString(GL_RENDERER);
    return r && (strstr(r, "llvmpipe") || strstr(r, "softpipe") ||
                 strstr(r, "swrast"));
}

GLuint
gl_canvas_texture_create(int w, int h)
{
    GLuint tex;
    glGenTextures(1, &tex);
    glBindTexture(GL_TEXTURE_2D, tex);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    /* EXT_texture_format_BGRA8888: unsized, as that extension has it. */
    glTexImage2D(GL_TEXTURE_2D, 0, GL_BGRA_EXT, w, h, 0, GL_BGRA_EXT,
                 GL_UNSIGNED_BYTE, NULL);
    return tex;
}

void
gl_texture_upload(GLuint tex, cairo_surface_t *surface)
{
    cairo_surface_flush(surface);
    int w = cairo_image_surface_get_width(surface);
    int h = cairo_image_surface_get_height(surface);
    int stride = cairo_image_surface_get_stride(surface);
    glBindTexture(GL_TEXTURE_2D, tex);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
    /* Tight rows (Cairo's ARGB32 stride is width x 4) let drivers take
     * their plain-copy path; only set a row length when it differs. */
    bool tight = stride == w * 4;
    if (!tight) {
        glPixelStorei(GL_UNPACK_ROW_LENGTH, stride / 4);
    }
    glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE,
                    cairo_image_surface_get_data(surface));
    if (!tight) {
        glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
    }
}

bool
gl_check(const char *where)
{
    bool ok = true;
    for (GLenum e = glGetError(); e != GL_NO_ERROR; e = glGetError()) {
        LOG_ERR("GL error 0x%04X in %s", e, where);
        ok = false;
    }
    return ok;
}

cairo_surface_t *
gl_read_framebuffer(GLuint fbo, int w, int h, bool top_down)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(s);
        return NULL;
    }
    size_t row = (size_t)w * 4;
    unsigned char *px = malloc(row * (size_t)h);
    if (!px) {
        cairo_surface_destroy(s);
        return NULL;
    }
    glBindFramebuffer(GL_FRAMEBUFFER, fbo);
    glPixelStorei(GL_PACK_ALIGNMENT, 4);
    glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, px);
    cairo_surface_flush(s);
    unsigned char *dst = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    for (int y = 0; y < h; y++) {
        /* A window's rows run bottom-up, the wall's framebuffers' top
         * down; read as RGBA, written in Cairo's byte order (BGRA). */
        const unsigned char *src =
            px + row * (size_t)(top_down ? y : h - 1 - y);
        unsigned char *d = dst + (size_t)stride * (size_t)y;
        for (int x = 0; x < w; x++) {
            d[4 * x + 0] = src[4 * x + 2];
            d[4 * x + 1] = src[4 * x + 1];
            d[4 * x + 2] = src[4 * x + 0];
            d[4 * x + 3] = 255;
        }
    }
    free(px);
    cairo_surface_mark_dirty(s);
    return s;
}
