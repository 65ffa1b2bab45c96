/*
 * video_layer: decoded pictures on the GPU.  Each tile keeps one texture
 * per plane (R8 for Y, U, V; RG8 for NV12's UV), re-uploaded only when
 * the tile's picture changes (glTexSubImage2D with the decoder's row
 * stride: no CPU copy or conversion); shaders/yuv.frag turns YUV into RGB
 * while the quad is drawn at its place and size.  Render thread only.
 */
#ifndef OPSWALL_VIDEO_LAYER_H
#define OPSWALL_VIDEO_LAYER_H

#include <stdbool.h>

#include <GLES3/gl3.h>

#include "widgets/widget.h"

struct video_layer;

/* One tile's GPU state; zero-initialised. */
struct video_slot {
    GLuint tex[3];
    int tw[3], th[3];
    bool nv12, full, bt709, has;
    uint64_t seq;
    float dx, dy, dw, dh, dim;
    /* The picture came as BGRA at its shown size, undimmed: the wall
     * copies img->rgb into the canvas instead of drawing the planes
     * (which are then not uploaded).  img: the widget's, valid until its
     * next video_tiles. */
    bool cpu;
    const struct video_image *img;
};

/* NULL (reason logged) when the shader cannot be built. */
struct video_layer *video_layer_create(const char *shader_dir);
void video_layer_destroy(struct video_layer *vl);

/* What changed in a slot. */
enum video_change {
    VIDEO_SAME,       /* nothing */
    VIDEO_PICTURE,    /* a new picture in the same place (opaque: only the
                         picture needs drawing again) */
    VIDEO_PLACE,      /* its place or dimming changed: the area around it
                         must be drawn again too */
};
/* Brings the slot up to the tile: uploads a new picture, keeps its
 * place. */
enum video_change video_slot_update(struct video_slot *s,
                                    const struct widget_video_tile *t);
void video_slot_free(struct video_slot *s);

/* Draws the slot at (x + dx, y + dy) into a target of tw x th pixels, into
 * the bound framebuffer.  Leaves its own program bound. */
void video_layer_draw(struct video_layer *vl, const struct video_slot *s,
                      float x, float y, float tw, float th);

#endif
