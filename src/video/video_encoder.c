/*
 * video_encoder: see video_encoder.h.  The usual libavformat muxing
 * sequence (FFmpeg's doc/examples/encode_video.c and mux.c describe it):
 * an output context from the file name, one video stream, frames
 * converted from BGRA to YUV 4:2:0 by swscale, packets written
 * interleaved, the encoder drained at the end.
 */
#include "video/video_encoder.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/opt.h>
#include <libswscale/swscale.h>

#include "base/xalloc.h"

struct video_encoder {
    AVFormatContext *fmt;
    AVCodecContext *ctx;
    AVStream *st;
    AVFrame *frame;
    AVPacket *pkt;
    struct SwsContext *sws;
    int64_t next_pts;
    bool header_written;
};

static void
av_msg(char *msg, size_t msglen, const char *what, int err)
{
    char e[AV_ERROR_MAX_STRING_SIZE] = "";
    av_strerror(err, e, sizeof(e));
    snprintf(msg, msglen, "%s: %s", what, e);
}

static void
encoder_free(struct video_encoder *e)
{
    if (!e) {
        return;
    }
    if (e->fmt && e->fmt->pb) {
        avio_closep(&e->fmt->pb);
    }
    avformat_free_context(e->fmt);
    avcodec_free_context(&e->ctx);
    av_frame_free(&e->frame);
    av_packet_free(&e->pkt);
    sws_freeContext(e->sws);
    free(e);
}

struct video_encoder *
video_encoder_open(const char *path, int w, int h, int fps, char *msg,
                   size_t msglen)
{
    /* Its own chatter (x264's settings and statistics) is not for the
     * terminal; errors still are. */
    av_log_set_level(AV_LOG_ERROR);
    struct video_encoder *e = xcalloc(1, sizeof(*e));
    w += w & 1; /* 4:2:0 wants even sizes */
    h += h & 1;
    int err = avformat_alloc_output_context2(&e->fmt, NULL, NULL, path);
    if (err < 0 || !e->fmt) {
        av_msg(msg, msglen, "no video container for this file name (use "
               ".mp4 or .mkv)", err);
        encoder_free(e);
        return NULL;
    }
    const AVCodec *codec = avcodec_find_encoder_by_name("libx264");
    if (!codec) {
        codec = avcodec_find_encoder(AV_CODEC_ID_MPEG4);
    }
    if (!codec) {
        snprintf(msg, msglen, "this FFmpeg has neither libx264 nor its "
                 "MPEG-4 encoder");
        encoder_free(e);
        return NULL;
    }
    e->st = avformat_new_stream(e->fmt, NULL);
    e->ctx = avcodec_alloc_context3(codec);
    e->frame = av_frame_alloc();
    e->pkt = av_packet_alloc();
    if (!e->st || !e->ctx || !e->frame || !e->pkt) {
        snprintf(msg, msglen, "out of memory for the video encoder");
        encoder_free(e);
        return NULL;
    }
    AVCodecContext *c = e->ctx;
    c->width = w;
    c->height = h;
    c->time_base = (AVRational){1, fps};
    c->framerate = (AVRational){fps, 1};
    c->pix_fmt = AV_PIX_FMT_YUV420P;
    c->gop_size = fps * 2;
    if (e->fmt->oformat->flags & AVFMT_GLOBALHEADER) {
        c->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    }
    if (strcmp(codec->name, "libx264") == 0) {
        /* A wall is text and flat colour: a constant quality that keeps
         * small figures sharp; "stillimage" spends bits on edges. */
        av_opt_set(c->priv_data, "preset", "veryfast", 0);
        av_opt_set(c->priv_data, "tune", "stillimage", 0);
        av_opt_set(c->priv_data, "crf", "20", 0);
    } else {
        c->flags |= AV_CODEC_FLAG_QSCALE;
        c->global_quality = FF_QP2LAMBDA * 3;
    }
    err = avcodec_open2(c, codec, NULL);
    if (err < 0) {
        av_msg(msg, msglen, "the video encoder does not open", err);
        encoder_free(e);
        return NULL;
    }
    avcodec_parameters_from_context(e->st->codecpar, c);
    e->st->time_base = c->time_base;
    e->frame->format = c->pix_fmt;
    e->frame->width = w;
    e->frame->height = h;
    if ((err = av_frame_get_buffer(e->frame, 0)) < 0) {
        av_msg(msg, msglen, "no frame for the encoder", err);
        encoder_free(e);
        return NULL;
    }
    if (!(e->fmt->oformat->flags & AVFMT_NOFILE) &&
        (err = avio_open(&e->fmt->pb, path, AVIO_FLAG_WRITE)) < 0) {
        av_msg(msg, msglen, path, err);
        encoder_free(e);
        return NULL;
    }
    if ((err = avformat_write_header(e->fmt, NULL)) < 0) {
        av_msg(msg, msglen, "the video file's header", err);
        encoder_free(e);
        return NULL;
    }
    e->header_written = true;
    return e;
}

/* Sends f (NULL: the end) and writes what comes out. */
static bool
drain(struct video_encoder *e, AVFrame *f, char *msg, size_t msglen)
{
    int err = avcodec_send_frame(e->ctx, f);
    if (err < 0) {
        av_msg(msg, msglen, "encoding", err);
        return false;
    }
    for (;;) {
        err = avcodec_receive_packet(e->ctx, e->pkt);
        if (err == AVERROR(EAGAIN) || err == AVERROR_EOF) {
            return true;
        }
        if (err < 0) {
            av_msg(msg, msglen, "encoding", err);
            return false;
        }
        av_packet_rescale_ts(e->pkt, e->ctx->time_base, e->st->time_base);
        e->pkt->stream_index = e->st->index;
        err = av_interleaved_write_frame(e->fmt, e->pkt);
        if (err < 0) {
            av_msg(msg, msglen, "writing the video", err);
            return false;
        }
    }
}

bool
video_encoder_add(struct video_encoder *e, cairo_surface_t *img, char *msg,
                  size_t msglen)
{
    cairo_surface_flush(img);
    int sw = cairo_image_surface_get_width(img);
    int sh = cairo_image_surface_get_height(img);
    const uint8_t *src[1] = {cairo_image_surface_get_data(img)};
    const int stride[1] = {cairo_image_surface_get_stride(img)};
    /* Cairo's ARGB32 is B, G, R, A in memory on a little-endian CPU. */
    e->sws = sws_getCachedContext(e->sws, sw, sh, AV_PIX_FMT_BGRA,
                                  e->ctx->width, e->ctx->height,
                                  AV_PIX_FMT_YUV420P, SWS_BICUBIC, NULL,
                                  NULL, NULL);
    int err = av_frame_make_writable(e->frame);
    if (!e->sws || err < 0 || !src[0]) {
        snprintf(msg, msglen, "cannot convert the frame for the encoder");
        return false;
    }
    sws_scale(e->sws, src, stride, 0, sh, e->frame->data,
              e->frame->linesize);
    e->frame->pts = e->next_pts++;
    return drain(e, e->frame, msg, msglen);
}

bool
video_encoder_close(struct video_encoder *e, char *msg, size_t msglen)
{
    bool ok = drain(e, NULL, msg, msglen);
    int err = av_write_trailer(e->fmt);
    if (ok && err < 0) {
        av_msg(msg, msglen, "the video file's end", err);
        ok = false;
    }
    encoder_free(e);
    return ok;
}

const char *
video_encoder_codec(const struct video_encoder *e)
{
    return e->ctx->codec->name;
}
