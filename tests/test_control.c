/*
 * test_control: the control API end to end.  Starts `opswall run` offscreen
 * on a copy of tests/layouts/good/briefing.json with the API on loopback,
 * drives it over HTTP (libcurl) and checks each command's effect on the
 * frame the wall shows (GET /api/frame.png), against the one-shot render
 * of the same state where there is one, or against the frame before.
 *   test_control OPSWALL_BINARY SOURCE_DIR
 */
#include <ctype.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cairo.h>
#include <cjson/cJSON.h>
#include <curl/curl.h>

#include "base/xalloc.h"
#include "cluster/epoch.h"
#include "feeds/source_set.h"
#include "layout/layout.h"
#include "record/journal.h"
#include "record/recorder.h"
#include "testlib.h"
#include "wallproc.h"

#define TOKEN "test-token-0123456789abcdef"

static char dir[] = "/tmp/opswall-control-XXXXXX";
static const char *opswall, *src;

static long
post(const char *path, const char *body)
{
    return status_of("POST", path, body, TOKEN);
}

/* Every frame taken, with the moment it shows, for the replay. */
struct shot {
    cairo_surface_t *img;
    int64_t ms;
};
static struct shot shots[32];
static size_t nshots;

/* The wall's frame, once it is all of its moment's (a crossfade or a
 * repaint spread over frames is waited out). */
static cairo_surface_t *
frame(void)
{
    struct resp r = complete_frame(TOKEN, 100);
    CHECK(r.frame_ms > 0 && r.frame_complete, "frame.png says its moment "
          "(%lld) and that it is complete", (long long)r.frame_ms);
    cairo_surface_t *s = resp_png(&r);
    CHECK(s != NULL, "frame.png read");
    free(r.body);
    if (s && nshots < sizeof(shots) / sizeof(shots[0])) {
        shots[nshots++] = (struct shot){cairo_surface_reference(s),
                                        r.frame_ms};
    }
    return s;
}

/* Each frame taken, drawn again from the record at its moment: equal
 * pixel for pixel (a scene change, a highlight, a freeze, a notice, a
 * focus, a refused reload's banner, a reload). */
/* The console's "Xem lại" while the wall runs: the record's span and
 * events, and a moment's frame equal to what frame.png gave then. */
static void
check_record_api(void)
{
    sleep_ms(1200); /* the journal syncs within a second */
    struct resp r = call("GET", "/api/record", NULL, TOKEN);
    CHECK(r.status == 200 && r.body && strstr(r.body, "\"events\":[{") &&
              strstr(r.body, "\"kind\":\"freeze\""),
          "GET /api/record: the span and its events (%ld)", r.status);
    free(r.body);
    CHECK(status_of("GET", "/api/record", NULL, NULL) == 401,
          "the record needs the token");
    for (size_t i = 0; i < nshots && i < 3; i++) {
        char *body = xasprintf("{\"at\": %lld, \"scale\": 0.5}",
                               (long long)shots[i].ms);
        r = call("POST", "/api/record/frame", body, TOKEN);
        cairo_surface_t *img = resp_png(&r);
        long d = pixels_differing(shots[i].img, img);
        CHECK(r.status == 200 && d == 0, "frame %zu through the API: %ld "
              "pixels differ (%ld)", i, d, r.status);
        if (img) {
            cairo_surface_destroy(img);
        }
        free(r.body);
        free(body);
    }
    r = call("POST", "/api/record/frame", "{\"at\": 1000000000000}", TOKEN);
    CHECK(r.status == 422 && r.body && strstr(r.body, "outside the record"),
          "a moment outside the record: 422 with the span (%ld)", r.status);
    free(r.body);
    CHECK(post("/api/record/frame", "{\"at\": \"09:14\"}") == 400,
          "a moment must be ms since 1970");
    CHECK(post("/api/record/timeline", "{\"from\": 1796407489238, "
               "\"to\": 1796407489000}") == 400, "a window backwards");
}

static void
check_replay(const char *rdir)
{
    char *out = xasprintf("%s/replayed.png", dir);
    for (size_t i = 0; i < nshots; i++) {
        char at[64];
        time_t sec = (time_t)(shots[i].ms / 1000);
        struct tm tm;
        gmtime_r(&sec, &tm);
        snprintf(at, sizeof(at), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                 tm.tm_min, tm.tm_sec, (int)(shots[i].ms % 1000));
        char *argv[] = {(char *)opswall, "replay", (char *)rdir, "--at", at,
                        "--scale", "0.5", "-o", out, NULL};
        int rc = run_to(argv, NULL, NULL);
        cairo_surface_t *img = cairo_image_surface_create_from_png(out);
        long d = pixels_differing(shots[i].img, img);
        CHECK(rc == 0 && d == 0,
              "frame %zu (%s) replayed from the record: %ld pixels differ",
              i, at, d);
        if (d != 0) {
            char *keep = xasprintf("%s/replayed-%zu.png", dir, i);
            rename(out, keep);
            free(keep);
        }
        cairo_surface_destroy(img);
        cairo_surface_destroy(shots[i].img);
        remove(out);
    }
    free(out);
}

/* Share of pixels that differ by more than 24 in a channel, in a box
 * (x0, y0, x1, y1 as fractions of the frame), and outside it. */
static void
diff_share(cairo_surface_t *a, cairo_surface_t *b, const double box[4],
           double *inside, double *outside)
{
    *inside = *outside = 1;
    if (!a || !b) {
        return;
    }
    int w = cairo_image_surface_get_width(a);
    int h = cairo_image_surface_get_height(a);
    if (w != cairo_image_surface_get_width(b) ||
        h != cairo_image_surface_get_height(b)) {
        return;
    }
    int st = cairo_image_surface_get_stride(a);
    const unsigned char *pa = cairo_image_surface_get_data(a);
    const unsigned char *pb = cairo_image_surface_get_data(b);
    long in = 0, nin = 0, out = 0, nout = 0;
    for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
            int worst = 0;
            for (int c = 0; c < 3; c++) {
                int d = abs(pa[y * st + 4 * x + c] - pb[y * st + 4 * x + c]);
                worst = d > worst ? d : worst;
            }
            bool inbox = x >= box[0] * w && x < box[2] * w &&
                         y >= box[1] * h && y < box[3] * h;
            if (inbox) {
                nin++;
                in += worst > 24;
            } else {
                nout++;
                out += worst > 24;
            }
        }
    }
    *inside = nin ? (double)in / nin : 0;
    *outside = nout ? (double)out / nout : 0;
}

static const double none[4] = {0, 0, 0, 0};

static double
differs(cairo_surface_t *a, cairo_surface_t *b)
{
    double in, out;
    diff_share(a, b, none, &in, &out);
    return out;
}

static cJSON *
state(void)
{
    struct resp r = call("GET", "/api/state", NULL, TOKEN);
    cJSON *o = r.status == 200 ? cJSON_Parse(r.body) : NULL;
    free(r.body);
    CHECK(o != NULL, "state is JSON");
    return o;
}

static const char *
state_str(cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void
write_layout(const char *path, const char *from, const char *to)
{
    char *orig = xasprintf("%s/tests/layouts/good/briefing.json", src);
    FILE *f = fopen(orig, "r");
    char *text = xmalloc(1 << 16);
    size_t n = f ? fread(text, 1, (1 << 16) - 1, f) : 0;
    text[n] = 0;
    if (f) {
        fclose(f);
    }
    free(orig);
    /* Every version lets the wall show a refused reload's error. */
    char *tr = strstr(text, "\"transition\"");
    if (tr) {
        static const char ins[] = "\"errors_on_wall\": true, ";
        memmove(tr + sizeof(ins) - 1, tr, strlen(tr) + 1);
        memcpy(tr, ins, sizeof(ins) - 1);
    }
    char *hit = from ? strstr(text, from) : NULL;
    char *tmp = xasprintf("%s.tmp", path);
    FILE *o = fopen(tmp, "w");
    if (hit) {
        fwrite(text, 1, (size_t)(hit - text), o);
        fputs(to, o);
        fputs(hit + strlen(from), o);
    } else {
        fputs(text, o);
    }
    fclose(o);
    rename(tmp, path); /* as editors save */
    free(tmp);
    free(text);
}

/* The one-shot render of a scene, for comparison. */
static cairo_surface_t *
render(const char *layout, const char *scene)
{
    char *out = xasprintf("%s/render.png", dir);
    char *argv[] = {(char *)opswall, "render", (char *)layout, "--at",
                    "2026-11-22T09:15:00+07:00", "--scale", "0.5",
                    "--scene", (char *)scene, "-o", out, NULL};
    pid_t pid = spawn(argv);
    int st = 0;
    waitpid(pid, &st, 0);
    cairo_surface_t *s = cairo_image_surface_create_from_png(out);
    free(out);
    return s;
}

static bool
metrics_valid(const char *text, char *why, size_t n)
{
    /* Each line: a comment (# HELP/# TYPE name ...) or
     * name{label="value",...} number. */
    int line = 0;
    for (const char *p = text; *p;) {
        line++;
        const char *end = strchr(p, '\n');
        if (!end) {
            snprintf(why, n, "line %d does not end with a newline", line);
            return false;
        }
        if (*p == '#') {
            if (strncmp(p, "# HELP ", 7) != 0 && strncmp(p, "# TYPE ", 7)) {
                snprintf(why, n, "line %d: unknown comment", line);
                return false;
            }
        } else {
            const char *q = p;
            while (q < end && (isalnum((unsigned char)*q) || *q == '_' ||
                               *q == ':')) {
                q++;
            }
            if (q == p) {
                snprintf(why, n, "line %d: no metric name", line);
                return false;
            }
            if (*q == '{') {
                while (q < end && *q != '}') {
                    if (*q == '"') {
                        for (q++; q < end && *q != '"'; q++) {
                            q += *q == '\\';
                        }
                    }
                    q++;
                }
                if (q >= end) {
                    snprintf(why, n, "line %d: labels not closed", line);
                    return false;
                }
                q++;
            }
            char *num_end;
            if (*q != ' ' || (strtod(q + 1, &num_end), num_end != end)) {
                snprintf(why, n, "line %d: value not a number", line);
                return false;
            }
        }
        p = end + 1;
    }
    return line > 10;
}

/* The briefing record of the run: read back, every epoch applies in
 * order to the layout its key carries, and it holds what was done. */
static void
check_record(const char *rdir, int audited)
{
    struct stat st;
    CHECK(stat(rdir, &st) == 0 && (st.st_mode & 0777) == 0700,
          "the record's folder is 0700");
    char msg[512] = "";
    struct journal_reader *r = journal_reader_open(rdir, NULL, msg,
                                                   sizeof(msg));
    CHECK(r != NULL, "the record opens: %s", msg);
    if (!r) {
        return;
    }
    struct journal_record rec;
    int got, epochs = 0, keys = 0, layouts = 0, audits = 0, bad = 0;
    bool frozen = false, notice = false, highlight = false, focus = false;
    uint32_t scenes = 0; /* a bit per scene seen */
    int64_t last = 0, worst_gap = 0;
    struct layout *l = NULL;
    struct source_set *set = NULL;
    while ((got = journal_reader_next(r, &rec, msg, sizeof(msg))) != 0) {
        if (got < 0) {
            bad++;
            continue;
        }
        if (rec.type == RECORDER_STREAMS) {
            /* This wall plays no video: an empty list after each key. */
            bad += rec.len != 2 || memcmp(rec.data, "[]", 2) != 0;
            continue;
        }
        if (rec.type == RECORDER_AUDIT) {
            audits += strstr((const char *)rec.data,
                             "\"peer\":\"127.0.0.1\"") != NULL;
            continue;
        }
        struct epoch e;
        char err[256];
        if (rec.type != RECORDER_EPOCH ||
            !epoch_read((const char *)rec.data, rec.len, &e, err,
                        sizeof(err))) {
            bad++;
            continue;
        }
        epochs++;
        keys += (rec.flags & JOURNAL_FLAG_KEY) != 0;
        CHECK(epochs > 1 || ((rec.flags & JOURNAL_FLAG_KEY) && e.layout_text),
              "the record begins with a key that carries the layout");
        if (e.layout_text) {
            layouts++;
            source_set_destroy(set);
            layout_destroy(l);
            struct diag_list d;
            diag_list_init(&d, e.layout_path);
            l = layout_load_buffer(e.layout_path, e.layout_text,
                                   e.layout_len, &d);
            diag_list_fini(&d);
            set = l ? source_set_create(l) : NULL;
            CHECK(l != NULL, "the recorded layout loads");
        }
        if (set && !epoch_apply(&e, set, err, sizeof(err))) {
            bad++;
        }
        if (e.scene < 32) {
            scenes |= 1u << e.scene;
        }
        frozen |= e.aids.frozen_at_ms != 0;
        notice |= e.aids.notice &&
                  strcmp(e.aids.notice, "Nghỉ giải lao 10 phút") == 0;
        highlight |= e.aids.highlight &&
                     strcmp(e.aids.highlight, "Đà Nẵng") == 0;
        focus |= e.focus && strcmp(e.focus, "m34") == 0;
        if (epochs > 1 && rec.t_ms - last > worst_gap) {
            worst_gap = rec.t_ms - last;
        }
        last = rec.t_ms;
        epoch_free(&e);
    }
    source_set_destroy(set);
    layout_destroy(l);
    journal_reader_destroy(r);
    CHECK(bad == 0, "every record reads and applies in order (%d did not)",
          bad);
    CHECK(layouts >= 3 && keys == layouts,
          "a key with the layout at the start and at each reload (%d keys, "
          "%d layouts)", keys, layouts);
    CHECK(__builtin_popcount(scenes) >= 2, "scene changes recorded");
    CHECK(frozen && notice && highlight && focus,
          "the aids recorded: freeze %d, notice %d, highlight %d, focus %d",
          frozen, notice, highlight, focus);
    CHECK(audits == audited, "every audited change recorded (%d of %d)",
          audits, audited);
    /* A tick is due after a second and the loop sleeps a second at
     * most: two seconds and a slow turn (frame.png under ASan). */
    CHECK(worst_gap <= 3500, "the clock recorded about every second "
          "(longest gap %lld ms over %d epochs)", (long long)worst_gap,
          epochs);
}

int
main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: test_control OPSWALL SOURCE_DIR\n");
        return 2;
    }
    opswall = argv[1];
    static char src_abs[4096];
    src = realpath(argv[2], src_abs) ? src_abs : argv[2];
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int port = 21000 + (int)(getpid() % 2000);
    snprintf(base, sizeof(base), "http://127.0.0.1:%d", port);
    char *layout = xasprintf("%s/wall.json", dir);
    char *data = xasprintf("%s/tests/layouts/good/data", src);
    char *link = xasprintf("%s/data", dir);
    CHECK(symlink(data, link) == 0, "data linked");
    write_layout(layout, NULL, NULL);
    char *audit = xasprintf("%s/audit.jsonl", dir);
    char *record = xasprintf("%s/record", dir);
    char portarg[32];
    snprintf(portarg, sizeof(portarg), "127.0.0.1:%d", port);
    setenv("OPSWALL_CONTROL_TOKEN", TOKEN, 1);
    char *args[] = {(char *)opswall, "run", layout, "--offscreen", "--scale",
                    "0.5", "--at", "2026-11-22T09:15:00+07:00", "--control",
                    portarg, "--audit-log", audit, "--record", record,
                    NULL};
    pid_t wall = spawn(args);
    long hz = wait_healthz();
    CHECK(hz == 200, "healthz answers 200 without a token");

    /* Refusals. */
    CHECK(status_of("GET", "/api/state", NULL, NULL) == 401, "no token: 401");
    CHECK(status_of("GET", "/api/state", NULL, "wrong-token-0123456789") ==
          401, "wrong token: 401");
    CHECK(status_of("GET", "/metrics", NULL, NULL) == 401, "metrics need the "
          "token");
    CHECK(status_of("POST", "/api/scene", "{\"scene\": \"ban-do-34\"}",
                    "x") == 401, "a change with a wrong token: 401");
    char *big = xmalloc(20001);
    memset(big, ' ', 20000);
    big[0] = '{';
    big[19999] = '}';
    big[20000] = 0;
    CHECK(post("/api/notice", big) == 413, "a 20 kB body: 413");
    free(big);
    CHECK(post("/api/scene", "{\"scene\": ") == 400, "broken JSON: 400");
    CHECK(post("/api/scene", "{\"scen\": \"a\"}") == 400, "unknown key: 400");
    CHECK(post("/api/scene", "{\"scene\": \"khong-co\"}") == 404,
          "unknown scene: 404");
    CHECK(status_of("GET", "/api/scene", NULL, TOKEN) == 405, "GET on a "
          "change: 405");
    CHECK(status_of("GET", "/api/nothing", NULL, TOKEN) == 404, "unknown "
          "path: 404");
    CHECK(post("/api/focus", "{\"widget\": \"khong-co\"}") == 404,
          "focus on a missing widget: 404");

    /* Scene: the running wall equals the one-shot render of that scene. */
    cairo_surface_t *f0 = frame();
    cairo_surface_t *r0 = render(layout, "ban-do");
    CHECK(differs(f0, r0) < 0.001, "the running wall equals the render of "
          "its scene (%.4f differ)", differs(f0, r0));
    CHECK(post("/api/scene", "{\"scene\": \"ban-do-34\"}") == 200,
          "switch scene");
    sleep_ms(1200); /* the 600 ms crossfade */
    cairo_surface_t *f1 = frame();
    cairo_surface_t *r1 = render(layout, "ban-do-34");
    CHECK(differs(f1, r1) < 0.001, "after the switch the wall equals the "
          "render of the new scene (%.4f differ)", differs(f1, r1));
    cJSON *s = state();
    CHECK(s && strcmp(state_str(s, "scene"), "ban-do-34") == 0, "state "
          "says ban-do-34");
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(s,
                                                              "revisions")) ==
              0 && cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(
                       s, "revisions")),
          "state lists revisions (none: file sources never change)");
    cJSON_Delete(s);

    /* Highlight: only the map changes; cleared, it is as before. */
    CHECK(post("/api/highlight", "{\"province\": \"Đà Nẵng\"}") == 200,
          "highlight");
    sleep_ms(300);
    cairo_surface_t *f2 = frame();
    const double map[4] = {0, 0.17, 1, 1};
    double in, out;
    diff_share(f1, f2, map, &in, &out);
    CHECK(in > 0.001 && out == 0, "highlight changes the map alone (%.4f "
          "in, %.4f outside)", in, out);
    CHECK(post("/api/highlight", "{\"province\": null}") == 200, "clear");
    sleep_ms(300);
    cairo_surface_t *f3 = frame();
    CHECK(differs(f1, f3) < 0.0005, "cleared: as before");

    /* Freeze: the band is there, the data frozen; released, gone. */
    CHECK(post("/api/freeze", NULL) == 200, "freeze");
    sleep_ms(300);
    cairo_surface_t *f4 = frame();
    const double band[4] = {0.1, 0, 0.9, 0.12};
    diff_share(f1, f4, band, &in, &out);
    CHECK(in > 0.05 && out < 0.0005, "freeze draws the band at the top "
          "(%.3f in, %.4f outside)", in, out);
    s = state();
    CHECK(s && state_str(s, "frozen_at"), "state has frozen_at");
    cJSON_Delete(s);
    CHECK(post("/api/release", "{}") == 200, "release");
    sleep_ms(300);
    cairo_surface_t *f5 = frame();
    CHECK(differs(f1, f5) < 0.0005, "released: as before");

    /* A notice for 1 s: shown, then gone by itself. */
    CHECK(post("/api/notice", "{\"text\": \"Nghỉ giải lao 10 phút\", "
               "\"seconds\": 1}") == 200, "notice");
    sleep_ms(300);
    cairo_surface_t *f6 = frame();
    CHECK(differs(f1, f6) > 0.002, "the notice shows");
    sleep_ms(1500);
    cairo_surface_t *f7 = frame();
    CHECK(differs(f1, f7) < 0.0005, "the notice went at its time");

    /* Focus on the map and back. */
    CHECK(post("/api/focus", "{\"widget\": \"m34\"}") == 200, "focus");
    sleep_ms(1200);
    cairo_surface_t *f8 = frame();
    CHECK(differs(f1, f8) > 0.01, "focus changes the frame");
    CHECK(post("/api/focus", "{\"widget\": null}") == 200, "unfocus");
    sleep_ms(1200);
    cairo_surface_t *f9 = frame();
    CHECK(differs(f1, f9) < 0.0005, "unfocused: as before");

    /* Reload: invalid keeps the wall and reports FILE:LINE:COL. */
    write_layout(layout, "\"grid\": {\"columns\": 12",
                 "\"grid\": {\"colums\": 12");
    struct resp rr = call("POST", "/api/reload", "{}", TOKEN);
    CHECK(rr.status == 422 && rr.body && strstr(rr.body, "wall.json:8:") &&
          strstr(rr.body, "layout.grid"), "invalid reload: 422 with the place "
          "(%ld %s)", rr.status, rr.body ? rr.body : "");
    free(rr.body);
    sleep_ms(300);
    cairo_surface_t *f10 = frame();
    const double overlay[4] = {0.1, 0, 0.9, 0.36};
    diff_share(f1, f10, overlay, &in, &out);
    CHECK(in > 0.01 && out < 0.0005, "the wall kept its layout and shows "
          "the error in the banner at the top (%.3f in, %.4f outside)", in,
          out);
    s = state();
    CHECK(s && state_str(s, "reload_error") &&
          strstr(state_str(s, "reload_error"), ":8:"), "state has the "
          "error with its line");
    cJSON_Delete(s);
    /* Saving a valid change: the watcher reloads it, the scene kept. */
    write_layout(layout, "Thay đổi so với cùng kỳ, 34 đơn vị",
                 "Tiêu đề đã sửa khi tường đang chạy");
    sleep_ms(2500);
    s = state();
    CHECK(s && !state_str(s, "reload_error") &&
          strcmp(state_str(s, "scene"), "ban-do-34") == 0, "saved file "
          "reloaded, same scene, error cleared");
    cJSON_Delete(s);
    cairo_surface_t *f11 = frame();
    const double title[4] = {0, 0, 1, 0.17};
    diff_share(f1, f11, title, &in, &out);
    CHECK(in > 0.005 && out < 0.0005, "the new title shows, the rest as "
          "before (%.4f in, %.4f out)", in, out);
    CHECK(post("/api/reload", NULL) == 200, "reload by the API");

    /* Metrics. */
    struct resp m = call("GET", "/metrics", NULL, TOKEN);
    char why[128] = "";
    CHECK(m.status == 200 && m.body && metrics_valid(m.body, why,
                                                     sizeof(why)),
          "metrics are Prometheus text (%s)", why);
    /* And by the Prometheus project's own parser (python3-prometheus-
     * client), which must read every family without error. */
    char *mfile = xasprintf("%s/metrics.txt", dir);
    FILE *mf = fopen(mfile, "w");
    if (mf && m.body) {
        fputs(m.body, mf);
    }
    if (mf) {
        fclose(mf);
    }
    char *py = xasprintf(
        "/usr/bin/python3 -c 'import sys\n"
        "from prometheus_client.parser import text_string_to_metric_families "
        "as p\n"
        "fams = list(p(open(sys.argv[1]).read()))\n"
        "names = {f.name for f in fams}\n"
        "need = {\"opswall_frame_seconds\", \"opswall_source_state\", "
        "\"opswall_widget_paint_seconds\", \"opswall_resident_memory_bytes\"}\n"
        "sys.exit(0 if need <= names and len(fams) > 12 else 1)' %s",
        mfile);
    CHECK(system(py) == 0, "prometheus_client parses the metrics");
    free(py);
    free(mfile);
    CHECK(m.body && strstr(m.body, "opswall_frame_seconds_bucket") &&
          strstr(m.body, "opswall_source_state{source=\"t63\",state=\"ok\"} "
                 "1") && strstr(m.body, "opswall_layout_reload_errors_total "),
          "metrics content");
    /* The process's own account: a wall with a control server and a
     * watcher has threads beyond main, descriptors, and a heap (0 only
     * under a sanitizer's allocator). */
    const char *th = m.body ? strstr(m.body, "\nopswall_threads ") : NULL;
    const char *fd = m.body ? strstr(m.body, "\nopswall_open_fds ") : NULL;
    const char *hp = m.body ? strstr(m.body, "\nopswall_heap_bytes ") : NULL;
    CHECK(th && atol(th + 17) >= 3 && fd && atol(fd + 18) > 3 && hp,
          "threads, descriptors and heap in the metrics");
#if !defined(OPSWALL_SANITIZED)
    CHECK(hp && atol(hp + 20) > 1 << 20, "heap in use is glibc's account");
#endif
    /* The wall drew text: the cache holds drawn strings' pixels. */
    const char *te = m.body ? strstr(m.body, "\nopswall_text_cache_entries ")
                            : NULL;
    const char *tb = m.body ? strstr(m.body, "\nopswall_text_cache_bytes ")
                            : NULL;
    const char *tr = m.body ? strstr(m.body, "\nopswall_text_renders_total ")
                            : NULL;
    CHECK(te && atol(te + 28) > 10 && tb && atol(tb + 26) > 10000 && tr &&
              atol(tr + 28) > 0 &&
              strstr(m.body, "\nopswall_text_cache_expired_total "),
          "the text cache's entries, bytes, renders and expiries");
    /* The refused file was seen by the watcher and by the API call. */
    const char *re = m.body ? strstr(m.body, "\nopswall_layout_reload_"
                                     "errors_total ") : NULL;
    CHECK(re && atoi(re + strlen("\nopswall_layout_reload_errors_total ")) >=
                    1,
          "refused reloads counted");
    const char *rb = m.body ? strstr(m.body, "\nopswall_record_bytes_total ")
                            : NULL;
    CHECK(rb && atol(rb + 28) > 1000 &&
              strstr(m.body, "opswall_record_cpu_seconds_total{part=\"frame\"}") &&
              strstr(m.body, "opswall_record_cpu_seconds_total{part=\"writer\"}"),
          "the record's bytes and CPU time in the metrics");
    free(m.body);

    /* The audit log has every change, with the peer. */
    FILE *af = fopen(audit, "r");
    int changes = 0;
    char line[1024];
    while (af && fgets(line, sizeof(line), af)) {
        changes += strstr(line, "\"peer\":\"127.0.0.1\"") != NULL;
    }
    if (af) {
        fclose(af);
    }
    CHECK(changes >= 12, "audit log: %d changes", changes);
    check_record_api();

    kill(wall, SIGTERM);
    int st = 0;
    waitpid(wall, &st, 0);
    CHECK(WIFEXITED(st) || WIFSIGNALED(st), "wall stopped");
    check_record(record, changes);
    check_replay(record);
    free(record);
    cairo_surface_t *all[] = {f0, r0, f1, r1, f2, f3, f4, f5, f6, f7, f8, f9,
                              f10, f11};
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
        if (all[i]) {
            cairo_surface_destroy(all[i]);
        }
    }
    char *rm = xasprintf("rm -rf %s", dir);
    CHECK(system(rm) == 0, "cleaned up");
    free(rm);
    free(layout);
    free(data);
    free(link);
    free(audit);
    curl_global_cleanup();
    return testlib_done();
}
