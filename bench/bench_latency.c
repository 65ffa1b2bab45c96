/*
 * bench_latency: how old a picture is when the wall has drawn it.
 *
 * A sender thread encodes 320x180 H.264 at 25 fps (libx264, ultrafast,
 * zerolatency: what a conference encoder is set to) with the moment of
 * capture burned into each picture as 32 black/white blocks (monotonic
 * milliseconds), and sends it as MPEG-TS over UDP to 127.0.0.1.  The wall
 * plays the stream in a `video` widget (live: newest picture only), woken
 * by the decoder as the main loop is; after each frame is drawn
 * (glFinish) the framebuffer is read back and
 * the blocks decoded: latency = now - capture.  This is capture to
 * framebuffer on loopback; a display adds its scan-out (one refresh at
 * most) and a camera its exposure, neither of which exist here.
 *   bench_latency SOURCE_DIR [SECONDS]
 */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>

#include "base/timeutil.h"
#include "base/xalloc.h"
#include "render/output.h"
#include "render/wall.h"

#define W 320
#define H 180
#define BITS 32
#define BLOCK 10 /* px per bit, in the picture's top rows */

static atomic_bool stop;
static char url[64];

/* The decoders' wake-up, as the main loop gets it (an event there): here
 * a condition variable, so the bench measures no polling delay. */
struct waker {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool pending;
};

static void
wake(void *arg)
{
    struct waker *k = arg;
    pthread_mutex_lock(&k->lock);
    k->pending = true;
    pthread_cond_signal(&k->cond);
    pthread_mutex_unlock(&k->lock);
}

static void
wait_wake(struct waker *k, int ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += (long)ms * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&k->lock);
    while (!k->pending &&
           pthread_cond_timedwait(&k->cond, &k->lock, &ts) == 0) {
    }
    k->pending = false;
    pthread_mutex_unlock(&k->lock);
}

static void
stamp_picture(AVFrame *f, uint32_t ms, int n)
{
    /* A moving grey background, then the bits as blocks. */
    for (int y = 0; y < H; y++) {
        memset(f->data[0] + y * f->linesize[0], 60 + (n + y) % 80, W);
    }
    for (int y = 0; y < H / 2; y++) {
        memset(f->data[1] + y * f->linesize[1], 128, W / 2);
        memset(f->data[2] + y * f->linesize[2], 128, W / 2);
    }
    for (int b = 0; b < BITS; b++) {
        unsigned char v = (ms >> (BITS - 1 - b)) & 1 ? 235 : 16;
        for (int y = 0; y < 2 * BLOCK; y++) {
            memset(f->data[0] + y * f->linesize[0] + b * BLOCK, v, BLOCK);
        }
    }
}

static void *
sender(void *arg)
{
    (void)arg;
    const AVCodec *codec = avcodec_find_encoder_by_name("libx264");
    AVCodecContext *c = avcodec_alloc_context3(codec);
    c->width = W;
    c->height = H;
    c->time_base = (AVRational){1, 25};
    c->framerate = (AVRational){25, 1};
    c->pix_fmt = AV_PIX_FMT_YUV420P;
    c->gop_size = 25;
    c->max_b_frames = 0;
    AVDictionary *o = NULL;
    av_dict_set(&o, "preset", "ultrafast", 0);
    av_dict_set(&o, "tune", "zerolatency", 0);
    AVFormatContext *fmt = NULL;
    avformat_alloc_output_context2(&fmt, NULL, "mpegts", url);
    if (!codec || avcodec_open2(c, codec, &o) < 0 || !fmt) {
        fprintf(stderr, "bench_latency: no encoder\n");
        exit(1);
    }
    av_dict_free(&o);
    AVStream *st = avformat_new_stream(fmt, NULL);
    avcodec_parameters_from_context(st->codecpar, c);
    st->time_base = c->time_base;
    if (avio_open(&fmt->pb, url, AVIO_FLAG_WRITE) < 0 ||
        avformat_write_header(fmt, NULL) < 0) {
        fprintf(stderr, "bench_latency: cannot send to %s\n", url);
        exit(1);
    }
    AVFrame *f = av_frame_alloc();
    f->format = c->pix_fmt;
    f->width = W;
    f->height = H;
    av_frame_get_buffer(f, 32);
    AVPacket *pkt = av_packet_alloc();
    int64_t t0 = time_mono_ms();
    for (int n = 0; !atomic_load(&stop); n++) {
        int64_t due = t0 + n * 40;
        int64_t wait = due - time_mono_ms();
        if (wait > 0) {
            struct timespec ts = {0, wait * 1000000L};
            nanosleep(&ts, NULL);
        }
        av_frame_make_writable(f);
        stamp_picture(f, (uint32_t)time_mono_ms(), n);
        f->pts = n;
        avcodec_send_frame(c, f);
        while (avcodec_receive_packet(c, pkt) == 0) {
            av_packet_rescale_ts(pkt, c->time_base, st->time_base);
            pkt->stream_index = st->index;
            av_interleaved_write_frame(fmt, pkt);
            avio_flush(fmt->pb);
        }
    }
    av_write_trailer(fmt);
    avio_closep(&fmt->pb);
    avformat_free_context(fmt);
    av_packet_free(&pkt);
    av_frame_free(&f);
    avcodec_free_context(&c);
    return NULL;
}

static int
cmp_ll(const void *a, const void *b)
{
    long long p = *(const long long *)a, q = *(const long long *)b;
    return p < q ? -1 : p > q;
}

/* Luminance of a neutral pixel, -1 for a coloured one (the wall's
 * panels are bluish; the test picture is grey, black and white). */
static int
lum_at(cairo_surface_t *img, int x, int y)
{
    const unsigned char *p = cairo_image_surface_get_data(img) +
                             (size_t)y * (size_t)cairo_image_surface_get_stride(
                                             img) + 4 * (size_t)x;
    if (abs(p[0] - p[1]) > 8 || abs(p[1] - p[2]) > 8) {
        return -1;
    }
    return (p[0] + p[1] + p[2]) / 3;
}

/* Finds the picture in the frame by its grey background (the first row
 * where most pixels are mid-grey lies just under the blocks), measures
 * its scale from its width, and reads the 32 blocks above. */
static bool
read_stamp(cairo_surface_t *img, uint32_t *out)
{
    int w = cairo_image_surface_get_width(img);
    int h = cairo_image_surface_get_height(img);
    for (int y = 0; y < h; y++) {
        int x0 = -1, x1 = -1, grey = 0;
        for (int x = 0; x < w; x++) {
            int l = lum_at(img, x, y);
            if (l >= 50 && l <= 150) {
                grey++;
                x0 = x0 < 0 ? x : x0;
                x1 = x;
            }
        }
        if (grey < W / 2) {
            continue;
        }
        double scale = (x1 - x0 + 1) / (double)W;
        int top = y - (int)lround(2 * BLOCK * scale);
        if (top < 0) {
            return false;
        }
        uint32_t v = 0;
        for (int b = 0; b < BITS; b++) {
            int x = x0 + (int)((b * BLOCK + BLOCK / 2.0) * scale);
            int l = lum_at(img, x, top + (int)(BLOCK * scale));
            v = v << 1 | (l >= 128);
        }
        *out = v;
        return true;
    }
    return false;
}

int
main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_latency SOURCE_DIR [SECONDS]\n");
        return 2;
    }
    const char *src = argv[1];
    double secs = argc > 2 ? atof(argv[2]) : 6; /* NOLINT: bench input */
    int port = 19500 + (int)(getpid() % 400);
    snprintf(url, sizeof(url), "udp://127.0.0.1:%d?pkt_size=1316", port);
    /* The wall: one video widget showing the picture at its own size. */
    char *text = xasprintf(
        "{\"opswall\": 1, \"wall\": {\"columns\": 1, \"rows\": 1, "
        "\"width\": 400, \"height\": 300}, \"grid\": {\"columns\": 1, "
        "\"rows\": 1, \"margin\": 0, \"gap\": 0}, \"scenes\": [{\"id\": "
        "\"v\", \"widgets\": [{\"id\": \"v\", \"type\": \"video\", "
        "\"cell\": [0, 0, 1, 1], \"url\": \"udp://127.0.0.1:%d\", "
        "\"live\": true}]}]}", port);
    struct diag_list d;
    diag_list_init(&d, "latency.json");
    struct layout *l = layout_load_buffer("/tmp/latency.json", text,
                                          strlen(text), &d);
    diag_list_fini(&d);
    free(text);
    struct output *out = output_create(OUTPUT_OFFSCREEN, 0, 64, 64, "bench");
    char *fonts = xasprintf("%s/assets/fonts", src);
    struct text_cache *tc = out ? text_cache_create(fonts) : NULL;
    free(fonts);
    struct wall *w = l && tc ? wall_create(l, tc, src, 1.0, (struct rect){0})
                             : NULL;
    if (!w) {
        return 1;
    }
    struct waker k = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER,
                      false};
    wall_set_wake(w, wake, &k);
    struct frame_state fs = {time_now_ms(), 0, NULL, 0, NULL, NULL, NULL};
    wall_update(w, &fs); /* the decoder starts listening */
    pthread_t th;
    pthread_create(&th, NULL, sender, NULL);
    long long *lat = xcalloc(4096, sizeof(*lat));
    int n = 0, unreadable = 0;
    uint32_t last = 0;
    int64_t warm = time_mono_ms() + 2000;
    int64_t end = warm + (int64_t)(secs * 1000);
    while (time_mono_ms() < end && n < 4096) {
        fs.now_ms = time_now_ms();
        if (wall_update(w, &fs)) {
            glFinish();
            int64_t now = time_mono_ms();
            cairo_surface_t *img = wall_read(w);
            /* Find the picture: the first row, from the top-left, where
             * the blocks are (the widget's padding and letterbox). */
            uint32_t stamp = 0;
            bool found = read_stamp(img, &stamp) &&
                         (uint32_t)now - stamp < 5000;
            cairo_surface_destroy(img);
            if (now < warm) {
                continue;
            }
            if (!found) {
                unreadable++;
            } else if (stamp != last) {
                lat[n++] = (long long)((uint32_t)now - stamp);
                last = stamp;
            }
        }
        wait_wake(&k, 100);
    }
    atomic_store(&stop, true);
    pthread_join(th, NULL);
    qsort(lat, (size_t)n, sizeof(*lat), cmp_ll);
    if (n) {
        printf("latency capture -> framebuffer over %d pictures: median %lld "
               "ms, p95 %lld ms, max %lld ms (%d frames unreadable)\n", n,
               lat[n / 2], lat[n * 95 / 100], lat[n - 1], unreadable);
    } else {
        printf("latency: no picture read back (%d frames)\n", unreadable);
    }
    free(lat);
    wall_destroy(w);
    text_cache_destroy(tc);
    output_destroy(out);
    layout_destroy(l);
    return n ? 0 : 1;
}
