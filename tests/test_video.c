/*
 * test_video: the decoder against streams made at test time with the
 * ffmpeg command line (H.264 and MJPEG, in files and served on loopback
 * over HTTP, RTMP, SRT, UDP; RTSP through GStreamer): picture layout and colour metadata, a missing file, and a
 * stream lost (its server stopped) and recovered (restarted).
 *   test_video
 */
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/timeutil.h"
#include "base/xalloc.h"
#include "testlib.h"
#include "video/video_decoder.h"

extern char **environ;

static void
sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static char dir[] = "/tmp/opswall-video-XXXXXX";

static bool
make(const char *name, const char *args)
{
    char *cmd = xasprintf("ffmpeg -v error -y %s %s/%s", args, dir, name);
    int rc = system(cmd);
    free(cmd);
    CHECK(rc == 0, "ffmpeg made %s", name);
    return rc == 0;
}

static struct video_decoder *
open_still(const char *name)
{
    char *url = xasprintf("%s/%s", dir, name);
    struct video_opts o = {.url = url, .still = true};
    struct video_decoder *d = video_decoder_start(&o);
    free(url);
    return d;
}

static void
test_files(void)
{
    if (!make("h264.mp4", "-f lavfi -i testsrc2=size=640x360:rate=25 -t 1 "
              "-c:v libx264 -pix_fmt yuv420p -colorspace bt709 "
              "-color_range tv") ||
        !make("mjpeg.avi", "-f lavfi -i testsrc2=size=320x180:rate=25 -t 1 "
              "-c:v mjpeg -pix_fmt yuvj422p")) {
        return;
    }
    struct video_decoder *d = open_still("h264.mp4");
    CHECK(video_decoder_wait_first(d, 5000), "H.264 file: a picture");
    uint64_t seq = 0;
    struct video_image img;
    CHECK(video_decoder_take(d, &seq, &img) && seq == 1, "taken once");
    CHECK(img.width == 640 && img.height == 360 && img.cw == 320 &&
          img.ch == 180 && img.layout == VIDEO_PLANAR && !img.full_range &&
          img.bt709, "H.264: 640x360 4:2:0 planar, limited range, BT.709 "
          "(%dx%d, %dx%d, %d, %d)", img.width, img.height, img.cw, img.ch,
          img.full_range, img.bt709);
    struct video_image again;
    CHECK(!video_decoder_take(d, &seq, &again), "no newer picture");
    struct video_status st;
    video_decoder_status(d, &st);
    CHECK(st.state == VIDEO_LIVE && st.frames == 1, "state live, 1 frame "
          "(%s, %llu)", video_state_name(st.state),
          (unsigned long long)st.frames);
    /* Hardware decoding is tried first ("auto"); where the machine has
     * none (CI), the same stream decodes in software. */
    CHECK(strncmp(st.decoder, "h264 (", 6) == 0, "decoder named: %s",
          st.decoder);
    video_image_release(&img);
    video_decoder_stop(d);

    char *path = xasprintf("%s/h264.mp4", dir);
    struct video_opts sw = {.url = path, .still = true, .hwaccel = "none"};
    d = video_decoder_start(&sw);
    free(path);
    CHECK(video_decoder_wait_first(d, 5000), "software decoding on request");
    video_decoder_status(d, &st);
    CHECK(strcmp(st.decoder, "h264 (software)") == 0, "hwaccel none: %s",
          st.decoder);
    video_decoder_stop(d);

    d = open_still("mjpeg.avi");
    CHECK(video_decoder_wait_first(d, 5000), "MJPEG file: a picture");
    seq = 0;
    CHECK(video_decoder_take(d, &seq, &img) && img.width == 320 &&
          img.cw == 160 && img.ch == 180 && img.full_range,
          "MJPEG: 4:2:2, full (JPEG) range (%d, %d, %d)", img.cw, img.ch,
          img.full_range);
    video_image_release(&img);
    video_decoder_stop(d);

    /* Shown at a quarter of its width: a JPEG stream decodes at a
     * quarter size (cheaper); the picture says so. */
    path = xasprintf("%s/mjpeg.avi", dir);
    struct video_opts small = {.url = path, .still = true, .show_width = 80};
    d = video_decoder_start(&small);
    free(path);
    seq = 0;
    CHECK(video_decoder_wait_first(d, 5000) &&
          video_decoder_take(d, &seq, &img) && img.width == 80 &&
          img.height == 45, "MJPEG for an 80 px tile decoded at 80x45 "
          "(%dx%d)", img.width, img.height);
    video_image_release(&img);
    video_decoder_stop(d);

    d = open_still("missing.mp4");
    CHECK(!video_decoder_wait_first(d, 5000), "a missing file: no picture");
    video_decoder_status(d, &st);
    CHECK(st.state == VIDEO_LOST && st.error[0] && st.lost_at_ms > 0,
          "a missing file is lost, with its reason: %s", st.error);
    video_decoder_stop(d);

    /* A file played in real time: pictures keep coming at its pace. */
    char *url = xasprintf("%s/h264.mp4", dir);
    struct video_opts o = {.url = url, .loop = true};
    d = video_decoder_start(&o);
    free(url);
    sleep_ms(600);
    video_decoder_status(d, &st);
    CHECK(st.frames >= 8 && st.frames <= 25, "paced at 25 fps: %llu "
          "pictures in 0.6 s", (unsigned long long)st.frames);
    video_decoder_stop(d);
}

/* A live stream in real time served by ffmpeg itself (one client), H.264
 * with a key frame every second, as conference encoders send them: its
 * HTTP server mode (MPEG-TS), RTMP server mode (FLV) or SRT listener
 * (MPEG-TS). */
struct served {
    const char *name, *fmt;
    bool listen_flag;  /* "-listen 1" (HTTP, RTMP) or in the URL (SRT) */
    const char *scheme, *out, *in;  /* after scheme://127.0.0.1:PORT */
};

static pid_t
serve(const struct served *sv, int port)
{
    char *url = xasprintf("%s://127.0.0.1:%d%s", sv->scheme, port, sv->out);
    char *argv[] = {"ffmpeg", "-v", "quiet", "-re", "-f", "lavfi", "-i",
                    "testsrc2=size=320x180:rate=25", "-c:v", "libx264",
                    "-preset", "ultrafast", "-tune", "zerolatency", "-g",
                    "25", "-pix_fmt", "yuv420p", "-f", (char *)sv->fmt,
                    sv->listen_flag ? "-listen" : url,
                    sv->listen_flag ? "1" : NULL, url, NULL};
    pid_t pid;
    int rc = posix_spawnp(&pid, "ffmpeg", NULL, NULL, argv, environ);
    free(url);
    CHECK(rc == 0, "live %s stream on 127.0.0.1:%d started", sv->name, port);
    return rc == 0 ? pid : -1;
}

static void
stop_server(pid_t pid)
{
    if (pid > 0) {
        kill(pid, SIGTERM);
        waitpid(pid, NULL, 0);
    }
}

static enum video_state
wait_state(struct video_decoder *d, enum video_state want, int ms)
{
    struct video_status st;
    int64_t end = time_mono_ms() + ms;
    do {
        video_decoder_status(d, &st);
        if (st.state == want) {
            break;
        }
        sleep_ms(50);
    } while (time_mono_ms() < end);
    return st.state;
}

/* A rank following the master's clock: the decoder keeps its recent
 * pictures and hands over the one at or before a given time. */
static void
test_history(void)
{
    char *url = xasprintf("%s/h264.mp4", dir);
    struct video_opts o = {.url = url, .loop = true, .history = 8};
    struct video_decoder *d = video_decoder_start(&o);
    free(url);
    sleep_ms(800); /* 25 fps, paced: well over 8 pictures */
    uint64_t seq = 0;
    struct video_image now, back, again;
    bool ok = video_decoder_take(d, &seq, &now);
    CHECK(ok && now.pts_us != INT64_MIN, "newest picture with its time "
          "(%lld us)", ok ? (long long)now.pts_us : -1LL);
    uint64_t s2 = 0;
    int64_t want = now.pts_us - 80000; /* two pictures earlier */
    bool ok2 = ok && video_decoder_take_at(d, want, &s2, &back);
    CHECK(ok2 && back.pts_us <= want && back.pts_us > want - 40000,
          "the picture at the master's time: %lld for %lld",
          ok2 ? (long long)back.pts_us : -1LL, (long long)want);
    uint64_t s3 = s2;
    CHECK(!(ok2 && video_decoder_take_at(d, want, &s3, &again)),
          "the same picture is not handed over twice");
    uint64_t s4 = 0;
    bool ok4 = video_decoder_take_at(d, INT64_MIN + 1, &s4, &again);
    CHECK(ok4 && again.pts_us >= back.pts_us - 400000, "a time older than "
          "all kept gives the oldest kept");
    if (ok4) {
        video_image_release(&again);
    }
    if (ok2) {
        video_image_release(&back);
    }
    if (ok) {
        video_image_release(&now);
    }
    video_decoder_stop(d);
}

static void
test_served_loss(const struct served *sv, int port)
{
    pid_t srv = serve(sv, port);
    char *url = xasprintf("%s://127.0.0.1:%d%s", sv->scheme, port, sv->in);
    struct video_opts o = {.url = url, .live = true, .stall_ms = 1500,
                           .open_timeout_ms = 1500};
    struct video_decoder *d = video_decoder_start(&o);
    free(url);
    CHECK(wait_state(d, VIDEO_LIVE, 8000) == VIDEO_LIVE, "%s: live",
          sv->name);
    struct video_status st;
    video_decoder_status(d, &st);
    CHECK(st.width == 320 && st.height == 180, "%s: 320x180", sv->name);
    sleep_ms(500);
    /* The server goes away: the stream is lost, its last picture kept. */
    stop_server(srv);
    enum video_state s = wait_state(d, VIDEO_LOST, 6000);
    video_decoder_status(d, &st);
    CHECK((s == VIDEO_LOST || s == VIDEO_RECONNECTING) && st.lost_at_ms > 0 &&
          st.error[0], "%s server stopped: lost (%s: %s)", sv->name,
          video_state_name(s), st.error);
    uint64_t seq = 0;
    struct video_image img;
    CHECK(video_decoder_take(d, &seq, &img), "%s: the last picture is kept",
          sv->name);
    video_image_release(&img);
    /* Back: reconnected with backoff, live again. */
    srv = serve(sv, port);
    CHECK(wait_state(d, VIDEO_LIVE, 12000) == VIDEO_LIVE, "%s server back: "
          "live again", sv->name);
    video_decoder_stop(d);
    stop_server(srv);
}

static void
test_served(void)
{
    static const struct served kinds[] = {
        {"HTTP MPEG-TS", "mpegts", true, "http", "/live.ts", "/live.ts"},
        {"RTMP", "flv", true, "rtmp", "/live/cau", "/live/cau"},
        {"SRT", "mpegts", false, "srt", "?mode=listener", "?mode=caller"},
    };
    int base = 18000 + (int)(getpid() % 600) * 3;
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        test_served_loss(&kinds[i], base + (int)i);
    }
}

static pid_t
spawn(char *const argv[])
{
    pid_t pid;
    int rc = posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ);
    CHECK(rc == 0, "%s started", argv[0]);
    return rc == 0 ? pid : -1;
}

/* A live encoder in real time sending to url with format fmt. */
static pid_t
push(const char *fmt, const char *url)
{
    char *argv[] = {"ffmpeg", "-v", "quiet", "-re", "-f", "lavfi", "-i",
                    "testsrc2=size=320x180:rate=25", "-c:v", "libx264",
                    "-preset", "ultrafast", "-tune", "zerolatency", "-g",
                    "25", "-pix_fmt", "yuv420p", "-f", (char *)fmt,
                    (char *)url, NULL};
    return spawn(argv);
}

/* MPEG-TS over UDP (as multicast senders do, here to 127.0.0.1): live,
 * then lost when the sender stops (no data: the stall deadline), then
 * live again. */
static void
test_udp(void)
{
    int port = 20000 + (int)(getpid() % 2000);
    char *out = xasprintf("udp://127.0.0.1:%d?pkt_size=1316", port);
    char *in = xasprintf("udp://127.0.0.1:%d", port);
    struct video_opts o = {.url = in, .live = true, .stall_ms = 1500,
                           .open_timeout_ms = 3000};
    struct video_decoder *d = video_decoder_start(&o);
    pid_t tx = push("mpegts", out);
    CHECK(wait_state(d, VIDEO_LIVE, 8000) == VIDEO_LIVE, "UDP MPEG-TS: live");
    stop_server(tx);
    enum video_state s = wait_state(d, VIDEO_LOST, 6000);
    struct video_status st;
    video_decoder_status(d, &st);
    CHECK((s == VIDEO_LOST || s == VIDEO_RECONNECTING) &&
          strstr(st.error, "no data"), "sender stopped: lost after the "
          "stall deadline (%s: %s)", video_state_name(s), st.error);
    tx = push("mpegts", out);
    CHECK(wait_state(d, VIDEO_LIVE, 12000) == VIDEO_LIVE, "sender back: "
          "live again");
    video_decoder_stop(d);
    stop_server(tx);
    free(in);
    free(out);
}

/* RTSP on loopback: GStreamer's RTSP server (tests/rtsp_server.py, run by
 * Debian's python3, which has the GObject bindings) serves a live H.264
 * stream; the decoder plays it interleaved over TCP and over RTP/UDP,
 * loses it when the server stops and plays again when it is back. */
static pid_t
rtsp_server(const char *src, int port)
{
    char *script = xasprintf("%s/tests/rtsp_server.py", src);
    char portstr[16];
    snprintf(portstr, sizeof(portstr), "%d", port);
    char *argv[] = {"/usr/bin/python3", script, portstr, NULL};
    pid_t pid = spawn(argv);
    free(script);
    sleep_ms(1500);
    return pid;
}

static void
test_rtsp(const char *src)
{
    int port = 24000 + (int)(getpid() % 1000);
    pid_t srv = rtsp_server(src, port);
    char *url = xasprintf("rtsp://127.0.0.1:%d/cau", port);
    static const char *const transports[] = {"tcp", "udp"};
    for (int t = 0; t < 2; t++) {
        struct video_opts o = {.url = url, .live = true,
                               .transport = transports[t], .stall_ms = 2000,
                               .open_timeout_ms = 3000};
        struct video_decoder *d = video_decoder_start(&o);
        CHECK(wait_state(d, VIDEO_LIVE, 10000) == VIDEO_LIVE, "RTSP over "
              "%s: live", transports[t]);
        struct video_status st;
        video_decoder_status(d, &st);
        CHECK(st.width == 320 && st.height == 180, "RTSP over %s: 320x180",
              transports[t]);
        if (t == 0) {
            stop_server(srv);
            enum video_state s = wait_state(d, VIDEO_LOST, 8000);
            CHECK(s == VIDEO_LOST || s == VIDEO_RECONNECTING, "RTSP server "
                  "stopped: lost (%s)", video_state_name(s));
            srv = rtsp_server(src, port);
            CHECK(wait_state(d, VIDEO_LIVE, 15000) == VIDEO_LIVE, "RTSP "
                  "server back: live again");
        }
        video_decoder_stop(d);
    }
    stop_server(srv);
    free(url);
}

int
main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: test_video SOURCE_DIR\n");
        return 2;
    }
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    test_files();
    test_history();
    test_served();
    test_udp();
    test_rtsp(argv[1]);
    char *rm = xasprintf("rm -rf %s", dir);
    CHECK(system(rm) == 0, "cleaned up");
    free(rm);
    return testlib_done();
}
