/*
 * wallproc: what the tests that drive a running wall share: starting
 * processes, HTTP calls to the control API over loopback (libcurl), and
 * frames from GET /api/frame.png with the moment they show.
 * Included by one test file each (static functions and state; inline,
 * so a test that needs only some does not warn about the rest).
 */
#ifndef OPSWALL_TEST_WALLPROC_H
#define OPSWALL_TEST_WALLPROC_H

#include <fcntl.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <time.h>

#include <cairo.h>
#include <curl/curl.h>

#include "base/xalloc.h"
#include "testlib.h"

extern char **environ;

/* http://127.0.0.1:PORT of the wall's control API. */
static char base[64];

static inline void
sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

struct resp {
    long status;
    char *body;
    size_t len;
    int64_t frame_ms;    /* X-Opswall-Frame-Time, else 0 */
    bool frame_complete; /* X-Opswall-Frame-Complete: yes */
    int retry_after;     /* Retry-After, else 0 */
    /* Security headers' values, "" when absent. */
    char csp[512], frame_options[32], referrer[32], cache[32];
};

/* A header's value into out when the line is that header. */
static inline void
header_value(const char *p, size_t len, const char *name, char *out,
             size_t n)
{
    size_t k = strlen(name);
    if (len > k + 1 && strncasecmp(p, name, k) == 0 && p[k] == ':') {
        const char *v = p + k + 1;
        size_t vl = len - k - 1;
        while (vl && (*v == ' ')) {
            v++;
            vl--;
        }
        while (vl && (v[vl - 1] == '\r' || v[vl - 1] == '\n')) {
            vl--;
        }
        snprintf(out, n, "%.*s", (int)vl, v);
    }
}

static inline size_t
collect(char *p, size_t size, size_t n, void *arg)
{
    struct resp *r = arg;
    r->body = xrealloc(r->body, r->len + size * n + 1);
    memcpy(r->body + r->len, p, size * n);
    r->len += size * n;
    r->body[r->len] = 0;
    return size * n;
}

static inline size_t
header(char *p, size_t size, size_t n, void *arg)
{
    struct resp *r = arg;
    size_t len = size * n;
    static const char t[] = "X-Opswall-Frame-Time:";
    static const char c[] = "X-Opswall-Frame-Complete:";
    if (len > sizeof(t) && strncasecmp(p, t, sizeof(t) - 1) == 0) {
        r->frame_ms = strtoll(p + sizeof(t) - 1, NULL, 10);
    } else if (len > sizeof(c) && strncasecmp(p, c, sizeof(c) - 1) == 0) {
        r->frame_complete = strstr(p + sizeof(c) - 1, "yes") != NULL;
    } else if (len > 12 && strncasecmp(p, "Retry-After:", 12) == 0) {
        r->retry_after = atoi(p + 12);
    }
    header_value(p, len, "Content-Security-Policy", r->csp, sizeof(r->csp));
    header_value(p, len, "X-Frame-Options", r->frame_options,
                 sizeof(r->frame_options));
    header_value(p, len, "Referrer-Policy", r->referrer, sizeof(r->referrer));
    header_value(p, len, "Cache-Control", r->cache, sizeof(r->cache));
    return len;
}

/* method "GET" or "POST"; body NULL for none; token NULL for none; from
 * a loopback address of the client's (127.0.0.N: per-address limits), or
 * NULL. */
static inline struct resp
call_from(const char *from, const char *method, const char *path,
          const char *body, const char *token)
{
    struct resp r = {0};
    CURL *c = curl_easy_init();
    if (from) {
        curl_easy_setopt(c, CURLOPT_INTERFACE, from);
    }
    char *url = xasprintf("%s%s", base, path);
    struct curl_slist *h = NULL;
    char *auth = token ? xasprintf("Authorization: Bearer %s", token) : NULL;
    if (auth) {
        h = curl_slist_append(h, auth);
    }
    h = curl_slist_append(h, "Content-Type: application/json");
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &r);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
    if (strcmp(method, "POST") == 0) {
        curl_easy_setopt(c, CURLOPT_POST, 1L);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body ? body : "");
    }
    if (curl_easy_perform(c) == CURLE_OK) {
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
    }
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    free(url);
    free(auth);
    return r;
}

static inline struct resp
call(const char *method, const char *path, const char *body,
     const char *token)
{
    return call_from(NULL, method, path, body, token);
}

static inline long
status_of(const char *method, const char *path, const char *body,
          const char *token)
{
    struct resp r = call(method, path, body, token);
    free(r.body);
    return r.status;
}

/* Polls /healthz until the wall answers (10 s at most); its status. */
static inline long
wait_healthz(void)
{
    long hz = 0;
    for (int i = 0; i < 100 && hz != 200; i++) {
        sleep_ms(100);
        hz = status_of("GET", "/healthz", NULL, NULL);
    }
    return hz;
}

/* GET /api/frame.png until the frame is all of its moment's (a crossfade
 * or a repaint spread over frames waited out, pause_ms between tries, 50
 * tries), or an error. */
static inline struct resp
complete_frame(const char *token, long pause_ms)
{
    struct resp r = {0};
    for (int i = 0; i < 50; i++) {
        free(r.body);
        r = call("GET", "/api/frame.png", NULL, token);
        if (r.status != 200 || r.frame_complete) {
            break;
        }
        sleep_ms(pause_ms);
    }
    return r;
}

/* The test's folder removed when everything passed, else kept and said. */
static inline void
clean_or_keep(const char *dir)
{
    if (testlib_fail == 0) {
        char *rm = xasprintf("rm -rf %s", dir);
        CHECK(system(rm) == 0, "cleaned up");
        free(rm);
    } else {
        fprintf(stderr, "kept %s\n", dir);
    }
}

struct png_in {
    const unsigned char *p;
    size_t len, at;
};

static inline cairo_status_t
png_read(void *closure, unsigned char *data, unsigned int len)
{
    struct png_in *in = closure;
    if (in->at + len > in->len) {
        return CAIRO_STATUS_READ_ERROR;
    }
    memcpy(data, in->p + in->at, len);
    in->at += len;
    return CAIRO_STATUS_SUCCESS;
}

/* A 200 response's PNG body as an image, else NULL. */
static inline cairo_surface_t *
resp_png(const struct resp *r)
{
    struct png_in in = {(const unsigned char *)r->body, r->len, 0};
    cairo_surface_t *s = r->status == 200
        ? cairo_image_surface_create_from_png_stream(png_read, &in)
        : NULL;
    if (s && cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(s);
        s = NULL;
    }
    return s;
}

static inline pid_t
spawn(char *const argv[])
{
    pid_t pid;
    int rc = posix_spawn(&pid, argv[0], NULL, NULL, argv, environ);
    CHECK(rc == 0, "%s started", argv[0]);
    return rc == 0 ? pid : -1;
}

/* Runs argv to its end with stdout and stderr into files (NULL: kept);
 * its exit status, or -1. */
static inline int
run_to(char *const argv[], const char *out, const char *err)
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    if (out) {
        posix_spawn_file_actions_addopen(&fa, 1, out,
                                         O_WRONLY | O_CREAT | O_TRUNC, 0600);
    }
    if (err) {
        posix_spawn_file_actions_addopen(&fa, 2, err,
                                         O_WRONLY | O_CREAT | O_TRUNC, 0600);
    }
    pid_t pid;
    int rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    int st = 0;
    if (rc != 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st)) {
        return -1;
    }
    return WEXITSTATUS(st);
}

/* Pixels whose colour differs at all (the frames' sizes must match:
 * -1 when they do not). */
static inline long
pixels_differing(cairo_surface_t *a, cairo_surface_t *b)
{
    if (!a || !b) {
        return -1;
    }
    int w = cairo_image_surface_get_width(a);
    int h = cairo_image_surface_get_height(a);
    if (w != cairo_image_surface_get_width(b) ||
        h != cairo_image_surface_get_height(b)) {
        return -1;
    }
    cairo_surface_flush(a);
    cairo_surface_flush(b);
    const unsigned char *pa = cairo_image_surface_get_data(a);
    const unsigned char *pb = cairo_image_surface_get_data(b);
    int sa = cairo_image_surface_get_stride(a);
    int sb = cairo_image_surface_get_stride(b);
    long n = 0;
    for (int y = 0; y < h; y++) {
        const uint32_t *ra = (const uint32_t *)(pa + (size_t)y * sa);
        const uint32_t *rb = (const uint32_t *)(pb + (size_t)y * sb);
        for (int x = 0; x < w; x++) {
            n += (ra[x] & 0xffffff) != (rb[x] & 0xffffff);
        }
    }
    return n;
}

#endif
