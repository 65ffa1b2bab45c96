/*
 * test_replay: the briefing record end to end, with live data.  A wall
 * (`opswall run --record`) is fed by the demo indicator server (feedsim,
 * in this process, on loopback) whose figures change every second; the
 * test takes frames from GET /api/frame.png while data changes, while
 * the data is frozen, while a source fails and after it comes back,
 * after a scene change and after a reload, with a video tile whose
 * stream is lost.  Then, from the record alone:
 *   - each frame drawn again (`opswall replay --at`) equals the one taken,
 *     pixel for pixel;
 *   - the timeline names what happened, in Vietnamese;
 *   - a span becomes a video file;
 *   - a moment outside the record is refused, saying what it holds.
 *   test_replay OPSWALL_BINARY
 */
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "base/file.h"
#include "feedsim/feedsim.h"
#include "wallproc.h"

#define TOKEN "test-token-0123456789abcdef"

static char dir[] = "/tmp/opswall-replay-XXXXXX";
static const char *opswall;

/* A small wall on the simulator: two live sources, a file video that is
 * never there (lost from the start), two scenes, no crossfade. */
static void
write_layout_rec(const char *path, int port, const char *title,
                 const char *record)
{
    char *text = xasprintf(
        "{\"opswall\": 1, \"title\": \"Kiểm thử ghi\", \"locale\": \"vi-VN\","
        " \"timezone\": \"+07:00\","
        " \"wall\": {\"columns\": 1, \"rows\": 1, \"width\": 1920,"
        "  \"height\": 1080},"
        " \"grid\": {\"columns\": 12, \"rows\": 6, \"gap\": 16, \"margin\": 24},"
        " \"errors_on_wall\": true, %s"
        " \"sources\": {"
        "  \"kt\": {\"url\": \"http://127.0.0.1:%d/api/national\","
        "    \"every\": \"1s\", \"timeout\": \"1s\", \"stale_after\": \"5m\","
        "    \"as_of\": \"/updated\", \"label\": \"Tổng cục Thống kê\"},"
        "  \"dvc\": {\"url\": \"http://127.0.0.1:%d/api/services\","
        "    \"every\": \"1s\", \"timeout\": \"1s\", \"stale_after\": \"5m\","
        "    \"as_of\": \"/updated\", \"label\": \"Cổng DVC quốc gia\"}},"
        " \"scenes\": ["
        "  {\"id\": \"so-lieu\", \"title\": \"Số liệu\", \"widgets\": ["
        "   {\"id\": \"tieu-de\", \"type\": \"text\", \"cell\": [0, 0, 8, 1],"
        "    \"text\": \"%s\", \"size\": \"title\", \"panel\": false},"
        "   {\"id\": \"gio\", \"type\": \"clock\", \"cell\": [8, 0, 4, 1]},"
        "   {\"id\": \"gdp\", \"type\": \"kpi\", \"cell\": [0, 1, 4, 3],"
        "    \"title\": \"Tăng trưởng GDP\", \"unit\": \"%%\", \"decimals\": 2,"
        "    \"value\": {\"source\": \"kt\", \"pointer\": \"/gdp_growth/value\"},"
        "    \"period\": {\"source\": \"kt\", \"pointer\": \"/gdp_growth/period\"}},"
        "   {\"id\": \"hs\", \"type\": \"kpi\", \"cell\": [4, 1, 4, 3],"
        "    \"title\": \"Hồ sơ trực tuyến hôm nay\","
        "    \"value\": {\"source\": \"dvc\","
        "               \"pointer\": \"/dossiers_online_today/value\"},"
        "    \"period\": {\"source\": \"dvc\","
        "               \"pointer\": \"/dossiers_online_today/period\"}},"
        "   {\"id\": \"cau\", \"type\": \"video\", \"cell\": [8, 1, 4, 3],"
        "    \"title\": \"Điểm cầu\", \"url\": \"khong-co.mp4\","
        "    \"label\": \"Điểm cầu Hà Giang\"}]},"
        "  {\"id\": \"ghi-chu\", \"title\": \"Ghi chú\", \"widgets\": ["
        "   {\"id\": \"gc\", \"type\": \"text\", \"cell\": [0, 0, 12, 6],"
        "    \"text\": \"Ghi chú điều hành\"}]}]}",
        record, port, port, title);
    char *tmp = xasprintf("%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    CHECK(f != NULL, "layout written");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
    rename(tmp, path); /* as editors save */
    free(tmp);
    free(text);
}

static void
write_layout(const char *path, int port, const char *title)
{
    write_layout_rec(path, port, title, "");
}

struct shot {
    cairo_surface_t *img;
    int64_t ms;
    const char *what;
};
static struct shot shots[16];
static size_t nshots;

static void
take(const char *what)
{
    struct resp r = complete_frame(TOKEN, 50);
    cairo_surface_t *s = resp_png(&r);
    CHECK(s && r.frame_ms > 0 && r.frame_complete, "frame %s taken", what);
    free(r.body);
    if (s && nshots < sizeof(shots) / sizeof(shots[0])) {
        shots[nshots++] = (struct shot){s, r.frame_ms, what};
    } else if (s) {
        cairo_surface_destroy(s);
    }
}

static void
iso(int64_t ms, char *buf, size_t n)
{
    time_t sec = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&sec, &tm);
    snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
             (int)(ms % 1000));
}

static char *
slurp(const char *path)
{
    char *s = file_read_all(path, 1 << 20, NULL);
    return s ? s : xstrdup("");
}

/* Waits (up to 20 s) until /api/state says the source has an error, or
 * has none: the feed's retry after an error backs off, so a fixed sleep
 * would race it on a loaded machine. */
static bool
wait_source(const char *name, bool failing)
{
    for (int i = 0; i < 200; i++) {
        struct resp r = call("GET", "/api/state", NULL, TOKEN);
        cJSON *o = r.body ? cJSON_Parse(r.body) : NULL;
        free(r.body);
        const cJSON *s;
        bool found = false;
        cJSON_ArrayForEach(s, cJSON_GetObjectItem(o, "sources")) {
            const cJSON *n = cJSON_GetObjectItem(s, "name");
            if (cJSON_IsString(n) && strcmp(n->valuestring, name) == 0) {
                found = (cJSON_GetObjectItem(s, "error") != NULL) == failing;
            }
        }
        cJSON_Delete(o);
        if (found) {
            return true;
        }
        sleep_ms(100);
    }
    return false;
}

/* The bytes of a folder's files (0 when there is none). */
static long long
folder_bytes(const char *path)
{
    DIR *d = opendir(path);
    long long n = 0;
    struct dirent *e;
    while (d && (e = readdir(d))) {
        struct stat st;
        char *f = xasprintf("%s/%s", path, e->d_name);
        if (e->d_name[0] != '.' && stat(f, &st) == 0) {
            n += st.st_size;
        }
        free(f);
    }
    if (d) {
        closedir(d);
    }
    return n;
}

/* The answer of /api/state's "reload_error", or NULL.  Caller frees. */
static char *
reload_error(void)
{
    struct resp r = call("GET", "/api/state", NULL, TOKEN);
    cJSON *o = r.body ? cJSON_Parse(r.body) : NULL;
    free(r.body);
    const cJSON *e = cJSON_GetObjectItem(o, "reload_error");
    char *s = cJSON_IsString(e) ? xstrdup(e->valuestring) : NULL;
    cJSON_Delete(o);
    return s;
}

/* The layout's "record" key: where the record goes, and following it
 * across reloads (another folder; one that cannot be used, refused;
 * none, recording stops). */
static void
test_record_key(struct feedsim *sim, int port)
{
    char *layout = xasprintf("%s/keyed.json", dir);
    char *a = xasprintf("%s/rec-a", dir), *b = xasprintf("%s/rec-b", dir);
    char *open = xasprintf("%s/open", dir);
    int sp = feedsim_port(sim);
    write_layout_rec(layout, sp, "Khoá record",
                     "\"record\": {\"dir\": \"rec-a\", \"keep\": \"7d\", "
                     "\"max_size\": \"500MB\"},");
    char portarg[32];
    snprintf(portarg, sizeof(portarg), "127.0.0.1:%d", port);
    snprintf(base, sizeof(base), "http://127.0.0.1:%d", port);
    char *args[] = {(char *)opswall, "run", layout, "--offscreen", "--scale",
                    "0.25", "--control", portarg, NULL};
    pid_t wall = spawn(args);
    long hz = wait_healthz();
    CHECK(hz == 200, "the keyed wall answers");
    sleep_ms(1500);
    struct stat st;
    CHECK(stat(a, &st) == 0 && (st.st_mode & 0777) == 0700,
          "the layout's folder is made, mode 0700");
    CHECK(folder_bytes(a) > 0, "and recorded into");

    write_layout_rec(layout, sp, "Khoá record",
                     "\"record\": {\"dir\": \"rec-b\"},");
    for (int i = 0; i < 100 && folder_bytes(b) == 0; i++) {
        sleep_ms(100);
    }
    CHECK(folder_bytes(b) > 0, "a reload naming another folder records "
          "there");
    long long was = folder_bytes(a);
    sleep_ms(1500);
    CHECK(folder_bytes(a) == was, "and no more into the first");

    CHECK(mkdir(open, 0755) == 0, "a folder others may read");
    write_layout_rec(layout, sp, "Khoá record",
                     "\"record\": {\"dir\": \"open\"},");
    char *e = NULL;
    for (int i = 0; i < 100 && !e; i++) {
        sleep_ms(100);
        e = reload_error();
    }
    CHECK(e && strstr(e, "record:") && strstr(e, "open"),
          "a folder that cannot be used refuses the reload: %s",
          e ? e : "(none)");
    free(e);
    was = folder_bytes(b);
    sleep_ms(1500);
    CHECK(folder_bytes(b) > was, "and the record goes on where it was");

    write_layout_rec(layout, sp, "Khoá record", "");
    sleep_ms(1500);
    was = folder_bytes(b);
    sleep_ms(1500);
    CHECK(folder_bytes(b) == was, "a layout without the key stops "
          "recording");
    kill(wall, SIGTERM);
    int ws = 0;
    waitpid(wall, &ws, 0);
    CHECK(WIFEXITED(ws) && WEXITSTATUS(ws) == 0, "the keyed wall stopped "
          "cleanly");

    char *out = xasprintf("%s/keyed.txt", dir);
    char *targs[] = {(char *)opswall, "replay", b, "--timeline", NULL};
    CHECK(run_to(targs, out, NULL) == 0, "the second folder replays");
    char *tl = slurp(out);
    CHECK(tl && strstr(tl, "Bố cục: Kiểm thử ghi"), "with its layout");
    free(tl);
    free(out);
    free(open);
    free(a);
    free(b);
    free(layout);
}

int
main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: test_replay OPSWALL\n");
        return 2;
    }
    opswall = argv[1];
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    struct feedsim *sim = feedsim_start(0, 0);
    CHECK(sim != NULL, "feedsim listens");
    if (!sim) {
        return testlib_done();
    }
    feedsim_set_step(sim, 1000); /* new figures every second */
    int port = 23000 + (int)(getpid() % 2000);
    snprintf(base, sizeof(base), "http://127.0.0.1:%d", port);
    char *layout = xasprintf("%s/wall.json", dir);
    char *record = xasprintf("%s/record", dir);
    write_layout(layout, feedsim_port(sim), "Theo dõi trực tuyến");
    char portarg[32];
    snprintf(portarg, sizeof(portarg), "127.0.0.1:%d", port);
    setenv("OPSWALL_CONTROL_TOKEN", TOKEN, 1);
    char *args[] = {(char *)opswall, "run", layout, "--offscreen", "--scale",
                    "0.25", "--control", portarg, "--record", record, NULL};
    pid_t wall = spawn(args);
    long hz = wait_healthz();
    CHECK(hz == 200, "the wall answers");

    sleep_ms(2500);
    take("with live data");
    sleep_ms(1500);
    take("after the data changed");
    CHECK(status_of("POST", "/api/freeze", NULL, TOKEN) == 200, "freeze");
    sleep_ms(300);
    take("frozen");
    sleep_ms(1500);
    take("frozen, the feeds going on underneath");
    CHECK(status_of("POST", "/api/release", "{}", TOKEN) == 200, "release");
    CHECK(feedsim_set_fault(sim, "/api/services", "500"), "a source fails");
    CHECK(wait_source("dvc", true), "the source's failure is seen");
    sleep_ms(500);
    take("with a source failing");
    feedsim_set_fault(sim, "/api/services", "ok");
    CHECK(wait_source("dvc", false), "the source comes back");
    sleep_ms(500);
    take("the source back");
    CHECK(status_of("POST", "/api/scene", "{\"scene\": \"ghi-chu\"}", TOKEN) ==
              200, "scene change");
    sleep_ms(800);
    take("another scene");
    CHECK(status_of("POST", "/api/scene", "{\"scene\": \"so-lieu\"}", TOKEN) ==
              200, "scene back");
    write_layout(layout, feedsim_port(sim), "Tiêu đề sau khi nạp lại");
    sleep_ms(3000);
    take("after a reload");

    kill(wall, SIGTERM);
    int st = 0;
    waitpid(wall, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the wall stopped cleanly");

    /* Each frame again, from the record alone. */
    char *png = xasprintf("%s/replayed.png", dir);
    char *err = xasprintf("%s/err.txt", dir);
    char *out = xasprintf("%s/out.txt", dir);
    for (size_t i = 0; i < nshots; i++) {
        char at[64];
        iso(shots[i].ms, at, sizeof(at));
        char *rargs[] = {(char *)opswall, "replay", record, "--at", at,
                         "--scale", "0.25", "-o", png, NULL};
        int rc = run_to(rargs, NULL, err);
        cairo_surface_t *img = cairo_image_surface_create_from_png(png);
        long d = pixels_differing(shots[i].img, img);
        CHECK(rc == 0 && d == 0, "the frame %s (%s), replayed: %ld pixels "
              "differ", shots[i].what, at, d);
        if (d != 0) {
            char *keep = xasprintf("%s/replayed-%zu.png", dir, i);
            char *live = xasprintf("%s/live-%zu.png", dir, i);
            rename(png, keep);
            cairo_surface_write_to_png(shots[i].img, live);
            fprintf(stderr, "kept %s and %s\n", keep, live);
            free(keep);
            free(live);
        }
        cairo_surface_destroy(img);
        remove(png);
    }

    /* What happened, in the wall's language. */
    char *targs[] = {(char *)opswall, "replay", record, "--timeline", NULL};
    CHECK(run_to(targs, out, err) == 0, "the timeline");
    char *tl = slurp(out);
    static const char *const want[] = {
        "Bố cục: Kiểm thử ghi",
        "Cảnh: Số liệu",
        "Điểm cầu Hà Giang: mất tín hiệu",
        "Lệnh /api/freeze từ 127.0.0.1",
        "Dừng số liệu tại",
        "Số liệu trực tiếp trở lại",
        "Nguồn Cổng DVC quốc gia: HTTP 500",
        "Nguồn Cổng DVC quốc gia: trở lại bình thường",
        "Cảnh: Ghi chú",
        "Bố cục mới: Kiểm thử ghi",
    };
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        CHECK(strstr(tl, want[i]) != NULL, "the timeline says \"%s\"",
              want[i]);
    }
    CHECK(!strstr(tl, "Tổng cục Thống kê:"), "a source that never failed "
          "is not in it");
    if (!strstr(tl, "Số liệu trực tiếp trở lại")) {
        fprintf(stderr, "%s", tl);
    }
    free(tl);

    /* A span as a video. */
    if (nshots >= 2) {
        char from[64], to[64];
        iso(shots[0].ms, from, sizeof(from));
        iso(shots[0].ms + 2000, to, sizeof(to));
        char *mp4 = xasprintf("%s/briefing.mp4", dir);
        char *vargs[] = {(char *)opswall, "replay", record, "--from", from,
                         "--to", to, "--fps", "2", "--scale", "0.25", "-o",
                         mp4, NULL};
        CHECK(run_to(vargs, out, err) == 0, "a span to a video");
        size_t len = 0;
        char *v = file_read_all(mp4, 64u << 20, &len);
        CHECK(v && len > 1000 && memcmp(v + 4, "ftyp", 4) == 0,
              "an MP4 file (%zu bytes)", len);
        char *said = slurp(out);
        CHECK(strstr(said, "5 frames at 2 a second") != NULL, "5 frames "
              "(%s)", said);
        free(said);
        free(v);
        free(mp4);
    }

    test_record_key(sim, port + 1);
    feedsim_stop(sim);

    /* Outside the record. */
    char *oargs[] = {(char *)opswall, "replay", record, "--at",
                     "2001-01-01T00:00:00+07:00", "-o", png, NULL};
    CHECK(run_to(oargs, out, err) == 1, "a moment outside the record fails");
    char *e = slurp(err);
    CHECK(strstr(e, "is outside the record, which holds") != NULL,
          "and says what the record holds: %s", e);
    free(e);

    for (size_t i = 0; i < nshots; i++) {
        cairo_surface_destroy(shots[i].img);
    }
    clean_or_keep(dir);
    free(png);
    free(err);
    free(out);
    free(layout);
    free(record);
    curl_global_cleanup();
    return testlib_done();
}
