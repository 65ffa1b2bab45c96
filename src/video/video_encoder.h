/*
 * video_encoder: frames (Cairo ARGB32, as the wall reads back) into a
 * video file with FFmpeg's libraries: H.264 through libx264 where the
 * library has it (Debian's does), else FFmpeg's own MPEG-4 part 2; the
 * container from the file name (.mp4, .mkv, ...).  For `opswall replay
 * --from --to -o briefing.mp4`.  One thread.
 */
#ifndef OPSWALL_VIDEO_ENCODER_H
#define OPSWALL_VIDEO_ENCODER_H

#include <stdbool.h>
#include <stddef.h>

#include <cairo.h>

struct video_encoder;

/* A w x h video at fps frames a second (w and h made even).  NULL with
 * a sentence in msg. */
struct video_encoder *video_encoder_open(const char *path, int w, int h,
                                         int fps, char *msg, size_t msglen);
/* The next frame, scaled to the video's size if it differs.  false with
 * msg on an error (the file is then unusable). */
bool video_encoder_add(struct video_encoder *e, cairo_surface_t *img,
                       char *msg, size_t msglen);
/* Flushes and writes the trailer; false with msg on an error.  Frees e
 * in any case. */
bool video_encoder_close(struct video_encoder *e, char *msg, size_t msglen);
/* The encoder's name ("libx264", "mpeg4"). */
const char *video_encoder_codec(const struct video_encoder *e);

#endif
