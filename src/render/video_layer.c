/*
 * video_layer: plane textures per tile and the YUV -> RGB draw.
 */
#define LOG_MODULE "video"
#include "render/video_layer.h"

#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "render/gl.h"
#include "video/video_image.h"

struct video_layer {
    GLuint prog, vao, vbo;
    GLint u_target, u_y, u_u, u_v, u_nv12, u_full, u_bt709, u_dim;
    GLint u_origin, u_size;
};

struct video_layer *
video_layer_create(const char *shader_dir)
{
    GLuint prog = gl_program_load_pair(shader_dir, "composite", "yuv");
    if (!prog) {
        return NULL;
    }
    struct video_layer *vl = calloc(1, sizeof(*vl));
    if (!vl) {
        glDeleteProgram(prog);
        return NULL;
    }
    vl->prog = prog;
    vl->u_target = glGetUniformLocation(prog, "u_target");
    vl->u_y = glGetUniformLocation(prog, "u_y");
    vl->u_u = glGetUniformLocation(prog, "u_u");
    vl->u_v = glGetUniformLocation(prog, "u_v");
    vl->u_nv12 = glGetUniformLocation(prog, "u_nv12");
    vl->u_full = glGetUniformLocation(prog, "u_full");
    vl->u_bt709 = glGetUniformLocation(prog, "u_bt709");
    vl->u_dim = glGetUniformLocation(prog, "u_dim");
    vl->u_origin = glGetUniformLocation(prog, "u_origin");
    vl->u_size = glGetUniformLocation(prog, "u_size");
    gl_quad_buffer(&vl->vao, &vl->vbo);
    return vl;
}

void
video_layer_destroy(struct video_layer *vl)
{
    if (!vl) {
        return;
    }
    glDeleteBuffers(1, &vl->vbo);
    glDeleteVertexArrays(1, &vl->vao);
    glDeleteProgram(vl->prog);
    free(vl);
}

static void
plane_upload(struct video_slot *s, int i, GLenum ifmt, GLenum fmt, int w,
             int h, const uint8_t *data, int stride, int bpp)
{
    if (!s->tex[i] || s->tw[i] != w || s->th[i] != h) {
        if (s->tex[i]) {
            glDeleteTextures(1, &s->tex[i]);
        }
        glGenTextures(1, &s->tex[i]);
        glBindTexture(GL_TEXTURE_2D, s->tex[i]);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
        glTexStorage2D(GL_TEXTURE_2D, 1, ifmt, w, h);
        s->tw[i] = w;
        s->th[i] = h;
    }
    glBindTexture(GL_TEXTURE_2D, s->tex[i]);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    glPixelStorei(GL_UNPACK_ROW_LENGTH, stride / bpp);
    glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, w, h, fmt, GL_UNSIGNED_BYTE,
                    data);
    glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
}

enum video_change
video_slot_update(struct video_slot *s, const struct widget_video_tile *t)
{
    bool changed = false, moved = false;
    const struct video_image *img = t->img;
    bool cpu = img && img->rgb && img->rgb_w == (int)t->dw &&
               img->rgb_h == (int)t->dh && t->dim == 1.0f;
    bool was_cpu = s->cpu;
    s->cpu = cpu;
    s->img = img;
    if (cpu && img->ref && (!s->has || t->seq != s->seq)) {
        s->seq = t->seq;
        s->has = true;
        changed = true;
    } else if (!cpu && img && img->ref &&
               (!s->has || t->seq != s->seq || was_cpu)) {
        /* Planes for the shader: a new picture, or one that was a copy
         * until now (dimmed when its stream was lost). */
        plane_upload(s, 0, GL_R8, GL_RED, img->width, img->height,
                     img->plane[0], img->stride[0], 1);
        if (img->layout == VIDEO_NV12) {
            plane_upload(s, 1, GL_RG8, GL_RG, img->cw, img->ch,
                         img->plane[1], img->stride[1], 2);
        } else {
            plane_upload(s, 1, GL_R8, GL_RED, img->cw, img->ch,
                         img->plane[1], img->stride[1], 1);
            plane_upload(s, 2, GL_R8, GL_RED, img->cw, img->ch,
                         img->plane[2], img->stride[2], 1);
        }
        s->nv12 = img->layout == VIDEO_NV12;
        s->full = img->full_range;
        s->bt709 = img->bt709;
        s->seq = t->seq;
        s->has = true;
        changed = true;
    }
    if (s->dx != t->dx || s->dy != t->dy || s->dw != t->dw ||
        s->dh != t->dh || s->dim != t->dim) {
        s->dx = t->dx;
        s->dy = t->dy;
        s->dw = t->dw;
        s->dh = t->dh;
        s->dim = t->dim;
        moved = true;
    }
    if (!s->has) {
        return VIDEO_SAME;
    }
    return moved ? VIDEO_PLACE : changed ? VIDEO_PICTURE : VIDEO_SAME;
}

void
video_slot_free(struct video_slot *s)
{
    for (int i = 0; i < 3; i++) {
        if (s->tex[i]) {
            glDeleteTextures(1, &s->tex[i]);
        }
    }
    memset(s, 0, sizeof(*s));
}

void
video_layer_draw(struct video_layer *vl, const struct video_slot *s,
                 float x, float y, float tw, float th)
{
    if (!s->has || s->dw <= 0 || s->dh <= 0) {
        return;
    }
    glUseProgram(vl->prog);
    glUniform2f(vl->u_target, tw, th);
    glUniform1i(vl->u_y, 0);
    glUniform1i(vl->u_u, 1);
    glUniform1i(vl->u_v, 2);
    glUniform1i(vl->u_nv12, s->nv12);
    glUniform1i(vl->u_full, s->full);
    glUniform1i(vl->u_bt709, s->bt709);
    glUniform1f(vl->u_dim, s->dim);
    for (int i = 0; i < 3; i++) {
        glActiveTexture(GL_TEXTURE0 + (GLenum)i);
        glBindTexture(GL_TEXTURE_2D, s->tex[i] ? s->tex[i] : s->tex[0]);
    }
    glActiveTexture(GL_TEXTURE0);
    float dx = x + s->dx, dy = y + s->dy;
    /* The shader finds its texture coordinate from the pixel's place in
     * the tile, not from interpolation across the quad, so a tile gets
     * the same pixels whatever part of the canvas this framebuffer holds
     * (a cluster rank's region equals that part of the whole). */
    glUniform2f(vl->u_origin, dx, dy);
    glUniform2f(vl->u_size, s->dw, s->dh);
    float v[16] = {
        dx, dy, 0, 0,
        dx + s->dw, dy, 1, 0,
        dx, dy + s->dh, 0, 1,
        dx + s->dw, dy + s->dh, 1, 1,
    };
    glBindVertexArray(vl->vao);
    glBindBuffer(GL_ARRAY_BUFFER, vl->vbo);
    glBufferSubData(GL_ARRAY_BUFFER, 0, sizeof(v), v);
    glDrawArrays(GL_TRIANGLE_STRIP, 0, 4);
}
