/*
 * video_decoder: a thread per stream: open, read, decode, keep the newest
 * picture in a one-slot mailbox; on failure keep the last picture, say
 * why, and reopen with backoff.
 *
 * Latency: live streams are opened with FFmpeg's no-buffering and
 * low-delay flags and a small probe, decoded with slice threads (frame
 * threads add a frame of delay per thread), and the slot holds one
 * picture: a picture not taken before the next arrives is dropped
 * ("skipped"), so the wall always shows the newest.
 *
 * Every blocking FFmpeg call is bounded by an interrupt callback that
 * checks the stop flag and a deadline (opening, and the time since the
 * last packet), so a stream that hangs costs a state change, not a
 * thread stuck forever.
 */
#include "video/video_decoder.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/hwcontext.h>
#include <libavutil/imgutils.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>

#include "base/timeutil.h"
#include "base/xalloc.h"

#define LOG_MODULE "video"
#include "base/log.h"

struct video_decoder {
    pthread_t thread;
    char *url, *transport, *hwaccel;
    enum AVPixelFormat hw_fmt;  /* decoder thread: the hardware format */
    struct video_opts o;
    atomic_bool stop;
    atomic_llong deadline_ms;   /* monotonic; 0: none */
    atomic_llong follow_us;     /* the master's last picture time asked for
                                   (take_at); INT64_MIN: none yet */
    atomic_uint rgb_size;       /* w << 16 | h: BGRA copies wanted; 0: none */

    pthread_mutex_t lock;       /* protects the fields below */
    pthread_cond_t cond;
    AVFrame *slot;              /* newest picture, or NULL */
    uint64_t seq;               /* of the picture in slot */
    /* The last o.history pictures (references), oldest first, for a
     * rank that shows the picture the master's clock chose. */
    AVFrame *hist[VIDEO_HISTORY_MAX];
    uint64_t hist_seq[VIDEO_HISTORY_MAX];
    int nhist;
    struct video_status st;
    bool tried;                 /* one attempt finished (for wait_first) */
};

const char *
video_state_name(enum video_state s)
{
    switch (s) {
    case VIDEO_CONNECTING:
        return "connecting";
    case VIDEO_LIVE:
        return "live";
    case VIDEO_LOST:
        return "lost";
    case VIDEO_RECONNECTING:
        return "reconnecting";
    }
    return "?";
}

static int
interrupt_cb(void *opaque)
{
    struct video_decoder *d = opaque;
    if (atomic_load(&d->stop)) {
        return 1;
    }
    long long dl = atomic_load(&d->deadline_ms);
    return dl && time_mono_ms() > dl;
}

static void
set_state(struct video_decoder *d, enum video_state s, const char *err)
{
    pthread_mutex_lock(&d->lock);
    enum video_state old = d->st.state;
    d->st.state = s;
    if (s == VIDEO_LOST && old != VIDEO_LOST && old != VIDEO_RECONNECTING) {
        d->st.lost_at_ms = time_now_ms();
    }
    if (s == VIDEO_LIVE) {
        d->st.lost_at_ms = 0;
        d->st.error[0] = '\0';
    }
    if (err) {
        snprintf(d->st.error, sizeof(d->st.error), "%s", err);
    }
    if (s == VIDEO_LOST) {
        d->tried = true;
    }
    pthread_cond_broadcast(&d->cond);
    pthread_mutex_unlock(&d->lock);
    if (d->o.wake) {
        d->o.wake(d->o.wake_arg);
    }
    if (old != s) {
        if (s == VIDEO_LOST) {
            LOG_WARN("%s: lost: %s", d->url, err ? err : "");
        } else if (s == VIDEO_LIVE) {
            LOG_INFO("%s: live, decoder %s", d->url, d->st.decoder);
        } else {
            LOG_INFO("%s: %s", d->url, video_state_name(s));
        }
    }
}

/* Sleeps up to ms, waking early on stop. */
static void
nap(struct video_decoder *d, int64_t ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += ms / 1000;
    ts.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&d->lock);
    while (!atomic_load(&d->stop)) {
        if (pthread_cond_timedwait(&d->cond, &d->lock, &ts) != 0) {
            break;
        }
    }
    pthread_mutex_unlock(&d->lock);
}

static bool
gpu_layout(int fmt)
{
    switch (fmt) {
    case AV_PIX_FMT_YUV420P:
    case AV_PIX_FMT_YUVJ420P:
    case AV_PIX_FMT_YUV422P:
    case AV_PIX_FMT_YUVJ422P:
    case AV_PIX_FMT_YUV444P:
    case AV_PIX_FMT_YUVJ444P:
    case AV_PIX_FMT_NV12:
        return true;
    default:
        return false;
    }
}

/* Pictures in other layouts (RGB, 10-bit...) become 4:2:0 here: the
 * common camera and codec layouts never pass through this. */
static AVFrame *
convert(struct SwsContext **sws, const AVFrame *in)
{
    AVFrame *out = av_frame_alloc();
    out->format = AV_PIX_FMT_YUV420P;
    out->width = in->width;
    out->height = in->height;
    out->color_range = AVCOL_RANGE_MPEG;
    out->colorspace = AVCOL_SPC_BT709;
    if (av_frame_get_buffer(out, 32) < 0) {
        av_frame_free(&out);
        return NULL;
    }
    *sws = sws_getCachedContext(*sws, in->width, in->height, in->format,
                                in->width, in->height, AV_PIX_FMT_YUV420P,
                                SWS_BILINEAR, NULL, NULL, NULL);
    if (!*sws) {
        av_frame_free(&out);
        return NULL;
    }
    sws_scale(*sws, (const uint8_t *const *)in->data, in->linesize, 0,
              in->height, out->data, out->linesize);
    return out;
}

static void image_of(AVFrame *f, struct video_image *img);

/* What a BGRA copy carries with it (at the start of its buffer). */
struct rgb_head {
    int w, h, stride;
};
#define RGB_DATA_OFFSET 64 /* keeps the rows 64-byte aligned */

/* The picture scaled to the size the caller asked for and converted to
 * BGRA, attached to the frame (opaque_ref: it travels with every
 * reference to the frame, into the history too).  Colour as the shader
 * would take it: the stream's matrix and range. */
static void
attach_rgb(struct video_decoder *d, struct SwsContext **sws, AVFrame *f)
{
    unsigned size = atomic_load(&d->rgb_size);
    int dw = (int)(size >> 16), dh = (int)(size & 0xffff);
    if (!size || f->width <= 0 || f->height <= 0 || dw > 8192 ||
        dh > 8192) {
        return;
    }
    struct video_image img;
    image_of(f, &img);
    int stride = (dw * 4 + 63) & ~63;
    AVBufferRef *buf = av_buffer_alloc(RGB_DATA_OFFSET +
                                       (size_t)stride * (size_t)dh);
    *sws = sws_getCachedContext(*sws, f->width, f->height, f->format, dw, dh,
                                AV_PIX_FMT_BGRA, SWS_BILINEAR, NULL, NULL,
                                NULL);
    if (!buf || !*sws) {
        av_buffer_unref(&buf);
        return;
    }
    const int *coef = sws_getCoefficients(img.bt709 ? SWS_CS_ITU709
                                                    : SWS_CS_ITU601);
    sws_setColorspaceDetails(*sws, coef, img.full_range, coef, 1, 0,
                             1 << 16, 1 << 16);
    uint8_t *dst[4] = {buf->data + RGB_DATA_OFFSET, NULL, NULL, NULL};
    int dst_stride[4] = {stride, 0, 0, 0};
    sws_scale(*sws, (const uint8_t *const *)f->data, f->linesize, 0,
              f->height, dst, dst_stride);
    *(struct rgb_head *)buf->data = (struct rgb_head){dw, dh, stride};
    av_buffer_unref(&f->opaque_ref);
    f->opaque_ref = buf;
}

static void
publish(struct video_decoder *d, AVFrame *f)
{
    pthread_mutex_lock(&d->lock);
    if (d->o.history > 0) {
        if (d->nhist == d->o.history) {
            av_frame_free(&d->hist[0]);
            memmove(d->hist, d->hist + 1, sizeof(d->hist[0]) *
                                              (size_t)(d->nhist - 1));
            memmove(d->hist_seq, d->hist_seq + 1,
                    sizeof(d->hist_seq[0]) * (size_t)(d->nhist - 1));
            d->nhist--;
        }
        d->hist[d->nhist] = av_frame_clone(f); /* a reference, no copy */
        d->hist_seq[d->nhist] = d->seq + 1;
        d->nhist += d->hist[d->nhist] != NULL;
    }
    if (d->slot) {
        d->st.skipped++; /* never taken: the newest wins */
        av_frame_free(&d->slot);
    }
    d->slot = f;
    d->seq++;
    d->st.frames++;
    d->st.width = f->width;
    d->st.height = f->height;
    pthread_cond_broadcast(&d->cond);
    pthread_mutex_unlock(&d->lock);
    if (d->o.wake) {
        d->o.wake(d->o.wake_arg);
    }
}

/* A hardware device being tried on this thread: FFmpeg's complaints
 * that it is not there ("Cannot load libcuda.so.1") are the expected
 * answer of a probe, not a problem.  (Thread-local: FFmpeg's log is one
 * callback for the whole process.) */
static _Thread_local bool probing;

/* A stream joined mid-way (UDP, a restarted sender) makes the H.264
 * decoder complain at every picture until the next key frame ("non-
 * existing PPS", "no frame!"): hundreds of lines a minute in the journal
 * of a 24/7 wall.  Each decoder thread may write FFMPEG_LOG_BURST warnings
 * per FFMPEG_LOG_WINDOW_MS; the rest are counted and the count is said
 * with the next window's first, or when the connection ends.  (FFmpeg's
 * own frame threads, where a codec uses them, keep budgets of their own
 * and say their count with their next warning.) */
#define FFMPEG_LOG_BURST 5
#define FFMPEG_LOG_WINDOW_MS 10000
static _Thread_local int64_t log_window_start;
static _Thread_local int log_in_window;
static _Thread_local unsigned long log_dropped;

/* Says how many were left out, and starts a new window. */
static void
log_budget_flush(int64_t now)
{
    if (log_dropped) {
        log_msg(LOG_LEVEL_WARNING, "ffmpeg", "%lu more warnings of this "
                "stream left out (at most %d per %d s)", log_dropped,
                FFMPEG_LOG_BURST, FFMPEG_LOG_WINDOW_MS / 1000);
    }
    log_window_start = now;
    log_in_window = 0;
    log_dropped = 0;
}

static bool
log_budget_take(void)
{
    int64_t now = time_mono_ms();
    if (now - log_window_start >= FFMPEG_LOG_WINDOW_MS) {
        log_budget_flush(now);
    }
    if (log_in_window < FFMPEG_LOG_BURST) {
        log_in_window++;
        return true;
    }
    log_dropped++;
    return false;
}

/* FFmpeg's log into opswall's, at its level: errors are warnings of the
 * "ffmpeg" module (the decoder carries on or reconnects), warnings and
 * a probe's errors only in a debug log.  Replaces FFmpeg's own writing
 * to stderr, which bypassed the journal's priorities. */
static void
ffmpeg_log(void *avcl, int level, const char *fmt, va_list ap)
{
    if (level > AV_LOG_WARNING) {
        return;
    }
    char msg[512];
    vsnprintf(msg, sizeof(msg), fmt, ap);
    size_t n = strlen(msg);
    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == '\r')) {
        msg[--n] = '\0';
    }
    if (n == 0) {
        return;
    }
    const AVClass *cls = avcl ? *(const AVClass *const *)avcl : NULL;
    const char *who = cls && cls->item_name ? cls->item_name(avcl) : "";
    enum log_level lv = level <= AV_LOG_FATAL ? LOG_LEVEL_ERROR
                        : level <= AV_LOG_ERROR && !probing
                            ? LOG_LEVEL_WARNING
                            : LOG_LEVEL_DEBUG;
    if (lv == LOG_LEVEL_WARNING && !log_budget_take()) {
        return;
    }
    log_msg(lv, "ffmpeg", "%s%s%s", who, who[0] ? ": " : "", msg);
}

/* Hardware decoders are probed once per process and type: a machine
 * without CUDA is told so once, not at every stream and reconnection. */
enum { HW_UNKNOWN, HW_PRESENT, HW_ABSENT };
/* Indexed as attach_hw's order: CUDA, VAAPI. */
static _Atomic int hw_known[2];

/* The hardware format when the decoder offers it, else the first
 * software one (FFmpeg then decodes in software: the fallback). */
static enum AVPixelFormat
get_format(AVCodecContext *ctx, const enum AVPixelFormat *fmts)
{
    const struct video_decoder *d = ctx->opaque;
    for (const enum AVPixelFormat *p = fmts; *p != AV_PIX_FMT_NONE; p++) {
        if (*p == d->hw_fmt) {
            return *p;
        }
    }
    for (const enum AVPixelFormat *p = fmts; *p != AV_PIX_FMT_NONE; p++) {
        const AVPixFmtDescriptor *desc = av_pix_fmt_desc_get(*p);
        if (desc && !(desc->flags & AV_PIX_FMT_FLAG_HWACCEL)) {
            return *p;
        }
    }
    return fmts[0];
}

/* Tries the hardware decoders the options allow, in order; true when one
 * is attached to ctx (its name in `name`). */
static bool
attach_hw(struct video_decoder *d, AVCodecContext *ctx, const AVCodec *codec,
          char *name, size_t n)
{
    static const enum AVHWDeviceType order[] = {AV_HWDEVICE_TYPE_CUDA,
                                                AV_HWDEVICE_TYPE_VAAPI};
    if (strcmp(d->hwaccel, "none") == 0) {
        return false;
    }
    for (size_t t = 0; t < sizeof(order) / sizeof(order[0]); t++) {
        const char *tn = av_hwdevice_get_type_name(order[t]);
        if (strcmp(d->hwaccel, "auto") != 0 && strcmp(d->hwaccel, tn) != 0) {
            continue;
        }
        enum AVPixelFormat fmt = AV_PIX_FMT_NONE;
        for (int i = 0;; i++) {
            const AVCodecHWConfig *cfg = avcodec_get_hw_config(codec, i);
            if (!cfg) {
                break;
            }
            if ((cfg->methods & AV_CODEC_HW_CONFIG_METHOD_HW_DEVICE_CTX) &&
                cfg->device_type == order[t]) {
                fmt = cfg->pix_fmt;
                break;
            }
        }
        AVBufferRef *dev = NULL;
        if (fmt == AV_PIX_FMT_NONE ||
            atomic_load(&hw_known[t]) == HW_ABSENT) {
            continue;
        }
        probing = true;
        int rc = av_hwdevice_ctx_create(&dev, order[t], NULL, NULL, 0);
        probing = false;
        int was = atomic_exchange(&hw_known[t],
                                  rc < 0 ? HW_ABSENT : HW_PRESENT);
        if (rc < 0) {
            if (was == HW_UNKNOWN) {
                LOG_INFO("no %s device on this machine (probed once per "
                         "process)", tn);
            }
            continue;
        }
        ctx->hw_device_ctx = dev; /* the context owns the reference */
        d->hw_fmt = fmt;
        ctx->opaque = d;
        ctx->get_format = get_format;
        snprintf(name, n, "%s", tn);
        return true;
    }
    return false;
}

/* One connection: returns when it ends (error, stall, EOF without loop,
 * stop, or `still` done).  *got: whether any picture was decoded. */
static void
run_once(struct video_decoder *d, bool *got)
{
    char err[160] = "";
    AVFormatContext *fmt = avformat_alloc_context();
    fmt->interrupt_callback.callback = interrupt_cb;
    fmt->interrupt_callback.opaque = d;
    AVDictionary *opt = NULL;
    if (d->o.live) {
        av_dict_set(&opt, "fflags", "nobuffer", 0);
        av_dict_set(&opt, "flags", "low_delay", 0);
        av_dict_set(&opt, "probesize", "262144", 0);
        av_dict_set(&opt, "analyzeduration", "500000", 0);
    }
    if (strncmp(d->url, "rtsp:", 5) == 0) {
        av_dict_set(&opt, "rtsp_transport", d->transport, 0);
    }
    atomic_store(&d->deadline_ms, time_mono_ms() + d->o.open_timeout_ms);
    int rc = avformat_open_input(&fmt, d->url, NULL, &opt);
    av_dict_free(&opt);
    AVCodecContext *ctx = NULL;
    AVPacket *pkt = NULL;
    AVFrame *frame = NULL;
    struct SwsContext *sws = NULL, *rgb_sws = NULL;
    int vs = -1;
    if (rc < 0) {
        av_strerror(rc, err, sizeof(err));
        fmt = NULL; /* freed by avformat_open_input on failure */
        goto done;
    }
    if ((rc = avformat_find_stream_info(fmt, NULL)) < 0) {
        av_strerror(rc, err, sizeof(err));
        goto done;
    }
    const AVCodec *codec = NULL;
    vs = av_find_best_stream(fmt, AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
    if (vs < 0 || !codec) {
        snprintf(err, sizeof(err), "no video stream");
        goto done;
    }
    ctx = avcodec_alloc_context3(codec);
    avcodec_parameters_to_context(ctx, fmt->streams[vs]->codecpar);
    char hw[24] = "software";
    d->hw_fmt = AV_PIX_FMT_NONE;
    if (!attach_hw(d, ctx, codec, hw, sizeof(hw))) {
        snprintf(hw, sizeof(hw), "software");
    }
    pthread_mutex_lock(&d->lock);
    snprintf(d->st.decoder, sizeof(d->st.decoder), "%s (%s)", codec->name,
             hw);
    pthread_mutex_unlock(&d->lock);
    /* Small tiles cost less where the codec allows. */
    int sw_w = fmt->streams[vs]->codecpar->width;
    if (d->o.show_width > 0 && sw_w >= 2 * d->o.show_width) {
        if (codec->max_lowres > 0) {
            int lr = 1;
            while (lr < codec->max_lowres && sw_w >> (lr + 1) >=
                                                 d->o.show_width) {
                lr++;
            }
            ctx->lowres = lr;
        } else {
            ctx->skip_loop_filter = AVDISCARD_ALL;
        }
    }
    /* Small streams (tiles) decode on their thread alone: a conference
     * already runs one decoder per core and more, and frame or slice
     * threads would only add hand-overs. */
    ctx->thread_count = sw_w <= 1280 ? 1 : 2;
    if (d->o.live) {
        ctx->thread_type = FF_THREAD_SLICE;
        ctx->flags |= AV_CODEC_FLAG_LOW_DELAY;
    }
    if ((rc = avcodec_open2(ctx, codec, NULL)) < 0) {
        av_strerror(rc, err, sizeof(err));
        goto done;
    }
    pkt = av_packet_alloc();
    frame = av_frame_alloc();
    AVRational tb = fmt->streams[vs]->time_base;
    int64_t t0_mono = 0, pts0 = AV_NOPTS_VALUE;
    bool draining = false;
    for (;;) {
        atomic_store(&d->deadline_ms, time_mono_ms() + d->o.stall_ms);
        rc = draining ? AVERROR_EOF : av_read_frame(fmt, pkt);
        if (rc == AVERROR_EOF && !draining) {
            /* The decoder may still hold pictures (reordering, frame
             * threads): drain them before ending or looping. */
            draining = true;
            avcodec_send_packet(ctx, NULL);
            goto receive;
        }
        draining = false;
        if (rc == AVERROR_EOF && !d->o.live && d->o.loop && *got) {
            av_seek_frame(fmt, vs, 0, AVSEEK_FLAG_BACKWARD);
            avcodec_flush_buffers(ctx);
            pts0 = AV_NOPTS_VALUE;
            continue;
        }
        if (rc < 0) {
            if (atomic_load(&d->stop)) {
                break;
            }
            if (rc == AVERROR_EXIT) {
                snprintf(err, sizeof(err), "no data for %d s",
                         d->o.stall_ms / 1000);
            } else if (rc == AVERROR_EOF) {
                snprintf(err, sizeof(err), "the stream ended");
            } else {
                av_strerror(rc, err, sizeof(err));
            }
            break;
        }
        if (pkt->stream_index != vs) {
            av_packet_unref(pkt);
            continue;
        }
        rc = avcodec_send_packet(ctx, pkt);
        av_packet_unref(pkt);
        if (rc < 0 && rc != AVERROR(EAGAIN)) {
            continue; /* a damaged packet: the next key frame mends it */
        }
    receive:
        while (avcodec_receive_frame(ctx, frame) == 0) {
            int64_t follow = d->o.history > 0 ? atomic_load(&d->follow_us)
                                               : INT64_MIN;
            if (!d->o.live && !d->o.still && follow != INT64_MIN &&
                frame->best_effort_timestamp != AV_NOPTS_VALUE) {
                /* A file on a cluster rank: paced by the master's picture
                 * time, not by this machine's start.  Behind it, decode
                 * on; ahead by less than 2 s, wait (more is the master's
                 * loop wrapping: run on to ours). */
                int64_t p = av_rescale_q(frame->best_effort_timestamp, tb,
                                         AV_TIME_BASE_Q);
                for (;;) {
                    int64_t ahead = p - atomic_load(&d->follow_us);
                    if (ahead <= 80000 || ahead > 2000000 ||
                        atomic_load(&d->stop)) {
                        break;
                    }
                    nap(d, 5);
                }
            } else if (!d->o.live && !d->o.still) {
                /* Files play at their own pace, by timestamps. */
                int64_t pts = frame->best_effort_timestamp;
                if (pts != AV_NOPTS_VALUE) {
                    if (pts0 == AV_NOPTS_VALUE) {
                        pts0 = pts;
                        t0_mono = time_mono_ms();
                    }
                    int64_t due = t0_mono + av_rescale_q(pts - pts0, tb,
                                                         (AVRational){1, 1000});
                    int64_t wait = due - time_mono_ms();
                    if (wait > 0) {
                        nap(d, wait > 1000 ? 1000 : wait);
                    }
                }
            }
            /* The stream's own time in µs, for following a clock. */
            int64_t pts_us = frame->best_effort_timestamp != AV_NOPTS_VALUE
                                 ? av_rescale_q(frame->best_effort_timestamp,
                                                tb, AV_TIME_BASE_Q)
                                 : AV_NOPTS_VALUE;
            if (frame->format == d->hw_fmt && d->hw_fmt != AV_PIX_FMT_NONE) {
                /* Decoded on the hardware: fetch it (NV12 for 8-bit
                 * streams), a copy, not a conversion. */
                AVFrame *sw = av_frame_alloc();
                if (av_hwframe_transfer_data(sw, frame, 0) < 0) {
                    av_frame_free(&sw);
                    av_frame_unref(frame);
                    continue;
                }
                av_frame_copy_props(sw, frame);
                av_frame_unref(frame);
                av_frame_move_ref(frame, sw);
                av_frame_free(&sw);
            }
            AVFrame *keep;
            if (gpu_layout(frame->format)) {
                keep = av_frame_alloc();
                av_frame_move_ref(keep, frame);
            } else {
                keep = convert(&sws, frame);
                av_frame_unref(frame);
                if (!keep) {
                    continue;
                }
            }
            keep->pts = pts_us;
            if (!*got) {
                /* Whoever sees it live sees its size too. */
                pthread_mutex_lock(&d->lock);
                d->st.width = keep->width;
                d->st.height = keep->height;
                pthread_mutex_unlock(&d->lock);
                set_state(d, VIDEO_LIVE, NULL);
            }
            *got = true;
            attach_rgb(d, &rgb_sws, keep);
            publish(d, keep);
            if (d->o.still) {
                goto done;
            }
        }
        if (atomic_load(&d->stop)) {
            break;
        }
    }
done:
    atomic_store(&d->deadline_ms, 0);
    if (err[0] && !atomic_load(&d->stop)) {
        set_state(d, VIDEO_LOST, err);
    }
    sws_freeContext(sws);
    sws_freeContext(rgb_sws);
    av_frame_free(&frame);
    av_packet_free(&pkt);
    avcodec_free_context(&ctx);
    avformat_close_input(&fmt);
}

static void *
thread_main(void *arg)
{
    struct video_decoder *d = arg;
    int attempt = 0;
    while (!atomic_load(&d->stop)) {
        bool got = false;
        run_once(d, &got);
        log_budget_flush(time_mono_ms()); /* this connection's count */
        if (atomic_load(&d->stop) || (d->o.still && got)) {
            break;
        }
        attempt = got ? 0 : attempt + 1;
        /* Backoff: 1 s, 2 s, 4 s ... at most 30 s. */
        int64_t wait = 1000LL << (attempt < 5 ? attempt : 5);
        nap(d, wait > 30000 ? 30000 : wait);
        if (!atomic_load(&d->stop)) {
            set_state(d, VIDEO_RECONNECTING, NULL);
        }
    }
    return NULL;
}

static void
decoder_free(struct video_decoder *d)
{
    av_frame_free(&d->slot);
    for (int i = 0; i < d->nhist; i++) {
        av_frame_free(&d->hist[i]);
    }
    pthread_cond_destroy(&d->cond);
    pthread_mutex_destroy(&d->lock);
    free(d->hwaccel);
    free(d->transport);
    free(d->url);
    free(d);
}

static void
init_once(void)
{
    avformat_network_init();
    av_log_set_level(AV_LOG_WARNING);
    av_log_set_callback(ffmpeg_log);
}



struct video_decoder *
video_decoder_start(const struct video_opts *o)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, init_once);
    struct video_decoder *d = xcalloc(1, sizeof(*d));
    d->o = *o;
    atomic_store(&d->follow_us, INT64_MIN);
    video_decoder_set_rgb_size(d, o->rgb_w, o->rgb_h);
    if (d->o.history > VIDEO_HISTORY_MAX) {
        d->o.history = VIDEO_HISTORY_MAX;
    }
    d->url = xstrdup(o->url ? o->url : "");
    d->transport = xstrdup(o->transport ? o->transport : "tcp");
    d->hwaccel = xstrdup(o->hwaccel ? o->hwaccel : "auto");
    d->o.hwaccel = d->hwaccel;
    d->o.url = d->url;
    d->o.transport = d->transport;
    if (d->o.stall_ms <= 0) {
        d->o.stall_ms = 5000;
    }
    if (d->o.open_timeout_ms <= 0) {
        d->o.open_timeout_ms = 5000;
    }
    pthread_mutex_init(&d->lock, NULL);
    pthread_cond_init(&d->cond, NULL);
    d->st.state = VIDEO_CONNECTING;
    if (pthread_create(&d->thread, NULL, thread_main, d) != 0) {
        LOG_ERR("%s: cannot start a decoder thread", d->url);
        decoder_free(d);
        return NULL;
    }
    return d;
}

void
video_decoder_stop(struct video_decoder *d)
{
    if (!d) {
        return;
    }
    atomic_store(&d->stop, true);
    pthread_mutex_lock(&d->lock);
    pthread_cond_broadcast(&d->cond);
    pthread_mutex_unlock(&d->lock);
    pthread_join(d->thread, NULL);
    decoder_free(d);
}

static void
image_of(AVFrame *f, struct video_image *img)
{
    /* (also used above, on the decoder thread, for the colour) */
    memset(img, 0, sizeof(*img));
    img->ref = f;
    img->pts_us = f->pts != AV_NOPTS_VALUE ? f->pts : INT64_MIN;
    img->width = f->width;
    img->height = f->height;
    img->layout = f->format == AV_PIX_FMT_NV12 ? VIDEO_NV12 : VIDEO_PLANAR;
    int sx = 1, sy = 1;
    switch (f->format) {
    case AV_PIX_FMT_YUV420P:
    case AV_PIX_FMT_YUVJ420P:
    case AV_PIX_FMT_NV12:
        sx = sy = 2;
        break;
    case AV_PIX_FMT_YUV422P:
    case AV_PIX_FMT_YUVJ422P:
        sx = 2;
        break;
    default:
        break;
    }
    img->cw = (f->width + sx - 1) / sx;
    img->ch = (f->height + sy - 1) / sy;
    for (int i = 0; i < 3; i++) {
        img->plane[i] = f->data[i];
        img->stride[i] = f->linesize[i];
    }
    if (f->opaque_ref) {
        const struct rgb_head *h = (const void *)f->opaque_ref->data;
        img->rgb = f->opaque_ref->data + RGB_DATA_OFFSET;
        img->rgb_w = h->w;
        img->rgb_h = h->h;
        img->rgb_stride = h->stride;
    }
    img->full_range = f->color_range == AVCOL_RANGE_JPEG ||
                      f->format == AV_PIX_FMT_YUVJ420P ||
                      f->format == AV_PIX_FMT_YUVJ422P ||
                      f->format == AV_PIX_FMT_YUVJ444P;
    /* Unspecified: HD and larger are BT.709, SD is BT.601 (what players
     * assume). */
    switch (f->colorspace) {
    case AVCOL_SPC_BT709:
        img->bt709 = true;
        break;
    case AVCOL_SPC_BT470BG:
    case AVCOL_SPC_SMPTE170M:
        img->bt709 = false;
        break;
    default:
        img->bt709 = f->height >= 720;
        break;
    }
}

bool
video_decoder_take_at(struct video_decoder *d, int64_t pts_us,
                      uint64_t *seq, struct video_image *img)
{
    atomic_store(&d->follow_us, pts_us);
    pthread_mutex_lock(&d->lock);
    int pick = -1;
    for (int i = d->nhist - 1; i >= 0 && pick < 0; i--) {
        if (d->hist[i]->pts != AV_NOPTS_VALUE && d->hist[i]->pts <= pts_us) {
            pick = i;
        }
    }
    if (pick < 0 && d->nhist > 0) {
        pick = 0; /* all newer than the master's: the closest */
    }
    AVFrame *f = NULL;
    if (pick >= 0 && d->hist_seq[pick] != *seq) {
        f = av_frame_clone(d->hist[pick]);
        *seq = d->hist_seq[pick];
        d->st.taken++;
    }
    pthread_mutex_unlock(&d->lock);
    if (!f) {
        return false;
    }
    image_of(f, img);
    return true;
}

bool
video_decoder_take(struct video_decoder *d, uint64_t *seq,
                   struct video_image *img)
{
    pthread_mutex_lock(&d->lock);
    AVFrame *f = NULL;
    if (d->slot && d->seq != *seq) {
        f = d->slot;
        d->slot = NULL;
        *seq = d->seq;
        d->st.taken++;
    }
    pthread_mutex_unlock(&d->lock);
    if (!f) {
        return false;
    }
    image_of(f, img);
    return true;
}

void
video_image_release(struct video_image *img)
{
    if (img->ref) {
        AVFrame *f = img->ref;
        av_frame_free(&f);
    }
    memset(img, 0, sizeof(*img));
}

void
video_decoder_set_rgb_size(struct video_decoder *d, int w, int h)
{
    bool ok = w > 0 && h > 0 && w < 0x10000 && h < 0x10000;
    atomic_store(&d->rgb_size, ok ? (unsigned)w << 16 | (unsigned)h : 0u);
}

void
video_decoder_status(struct video_decoder *d, struct video_status *out)
{
    pthread_mutex_lock(&d->lock);
    *out = d->st;
    pthread_mutex_unlock(&d->lock);
}

bool
video_decoder_wait_first(struct video_decoder *d, int timeout_ms)
{
    int64_t end = time_mono_ms() + timeout_ms;
    pthread_mutex_lock(&d->lock);
    while (d->st.frames == 0 && !d->tried && time_mono_ms() < end) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 20 * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&d->cond, &d->lock, &ts);
    }
    bool have = d->st.frames > 0;
    pthread_mutex_unlock(&d->lock);
    return have;
}
