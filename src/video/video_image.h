/*
 * video_image: a decoded picture as the GPU takes it: its planes, their
 * layout and how to turn them into RGB.  Holds a reference on the decoded
 * frame; the planes stay valid until video_image_release.
 */
#ifndef OPSWALL_VIDEO_IMAGE_H
#define OPSWALL_VIDEO_IMAGE_H

#include <stdbool.h>
#include <stdint.h>

enum video_layout {
    VIDEO_PLANAR,  /* Y, U, V planes (4:2:0, 4:2:2 or 4:4:4) */
    VIDEO_NV12,    /* Y plane, interleaved UV plane (4:2:0) */
};

struct video_image {
    void *ref;              /* the decoded frame (AVFrame); NULL: none */
    enum video_layout layout;
    int width, height;      /* luma */
    int cw, ch;             /* chroma plane size */
    const uint8_t *plane[3];
    int stride[3];          /* bytes */
    bool full_range;        /* JPEG range 0-255; else 16-235 / 16-240 */
    bool bt709;             /* BT.709 matrix; else BT.601 */
    int64_t pts_us;         /* presentation time in the stream's own
                               timeline, µs; INT64_MIN: none */
    /* The picture already converted and scaled to the size it is shown
     * at, in Cairo's byte order (BGRA, opaque), when the decoder was
     * asked for it (video_decoder_set_rgb_size); else rgb is NULL. */
    const uint8_t *rgb;
    int rgb_w, rgb_h, rgb_stride;
};

/* Drops the reference; img becomes empty.  Safe on an empty image. */
void video_image_release(struct video_image *img);

#endif
