/*
 * video_decoder: one stream decoded on a thread of its own with FFmpeg
 * (libavformat + libavcodec): files, HTTP(S) (MPEG-TS, HLS, MJPEG), RTSP
 * over TCP or UDP, RTMP, SRT, UDP multicast — whatever the FFmpeg build
 * opens.  The render thread takes the newest decoded picture when it
 * wants one; a live stream never queues frames to catch up.
 *
 * States: connecting → live; a stream that fails or stalls (no packet for
 * `stall_ms`) becomes lost (the last picture is kept) and is reopened
 * with backoff (1 s · 2^n, at most 30 s), reconnecting until live again.
 *
 * Pictures stay in their decoded YUV layout (planar 4:2:0 / 4:2:2 /
 * 4:4:4, or NV12); anything else is converted to 4:2:0 on the decoder
 * thread.  The GPU turns them into RGB (shaders/yuv.frag).
 *
 * Thread-safety: start/stop/take/status from one thread (the render
 * thread); the decoder thread touches only its own state and the slot.
 */
#ifndef OPSWALL_VIDEO_DECODER_H
#define OPSWALL_VIDEO_DECODER_H

#include <stdbool.h>
#include <stdint.h>

#include "video/video_image.h"

struct video_decoder;

enum video_state {
    VIDEO_CONNECTING,    /* first attempt under way */
    VIDEO_LIVE,          /* frames arriving */
    VIDEO_LOST,          /* failed or stalled; waiting to retry */
    VIDEO_RECONNECTING,  /* a retry under way */
};

#define VIDEO_HISTORY_MAX 16

struct video_opts {
    const char *url;
    bool live;            /* newest frame only; false: files paced by their
                             timestamps (and looped when `loop`) */
    bool loop;            /* files: start again at the end */
    bool still;           /* decode the first picture, then stop (tests,
                             `opswall render`) */
    const char *transport; /* RTSP: "tcp" (default) or "udp" */
    int stall_ms;         /* no packet for this long: lost (default 5000) */
    int open_timeout_ms;  /* opening a stream (default 5000) */
    int show_width;       /* about how wide the picture is shown (px), or
                             0: a picture shown at half its width or less
                             is decoded cheaper (JPEG at reduced size;
                             H.264/HEVC without the deblocking filter,
                             invisible at that scale) */
    void (*wake)(void *arg); /* called (decoder thread) after a new picture
                                or a state change; may be NULL */
    void *wake_arg;
    const char *hwaccel;  /* "auto" (default: NVDEC/CUDA, then VAAPI, when
                             the codec and the machine have one), "none",
                             "cuda" or "vaapi"; falls back to software */
    int history;          /* recent pictures kept for video_decoder_take_at
                             (a cluster rank following the master's
                             clock); 0: none */
    int rgb_w, rgb_h;     /* BGRA copies from the first picture on, as
                             video_decoder_set_rgb_size; 0: none */
};

struct video_status {
    enum video_state state;
    int64_t lost_at_ms;      /* wall-clock time the signal was lost; 0 */
    uint64_t frames;         /* pictures decoded */
    uint64_t skipped;        /* pictures replaced before being taken */
    uint64_t taken;          /* pictures handed to the caller */
    int width, height;
    char decoder[48];        /* "h264 (cuda)", "h264 (software)" */
    char error[160];         /* why it was lost, "" */
};

/* Starts the thread; NULL only when the thread cannot be created. */
struct video_decoder *video_decoder_start(const struct video_opts *o);
/* Stops the thread (interrupting any blocking read) and frees. */
void video_decoder_stop(struct video_decoder *d);

/*
 * If a picture newer than *seq is there, hands it over as `img` (owned by
 * the caller until video_image_release) and updates *seq.  The previous
 * picture the caller holds stays valid until it releases it.
 */
bool video_decoder_take(struct video_decoder *d, uint64_t *seq,
                        struct video_image *img);
void video_decoder_status(struct video_decoder *d, struct video_status *out);
/* The newest kept picture whose time is at or before pts_us (else the
 * oldest kept one), if it is not the one *seq names (history > 0). */
bool video_decoder_take_at(struct video_decoder *d, int64_t pts_us,
                           uint64_t *seq, struct video_image *img);

const char *video_state_name(enum video_state s);

/*
 * Asks for every picture also as BGRA scaled to w x h (the size it is
 * shown at), converted on the decoder thread (swscale, bilinear, the
 * stream's matrix and range).  For walls drawn by a software rasteriser,
 * where a YUV shader pass over the tile costs several times the CPU
 * conversion; 0 x 0: YUV only.  Any thread; takes effect with the next
 * picture.
 */
void video_decoder_set_rgb_size(struct video_decoder *d, int w, int h);

/* Waits (up to timeout_ms) until the decoder has a picture or has failed
 * once; for `opswall render` and tests.  True if a picture is there. */
bool video_decoder_wait_first(struct video_decoder *d, int timeout_ms);

#endif
