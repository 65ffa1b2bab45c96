/*
 * test_roles: the control API's roles and limits on a running wall, over
 * loopback (clients bound to 127.0.0.N so each has an address of its own):
 *  - every endpoint × {no token, a wrong token, viewer, operator, admin}
 *    answers as its role allows (401, 403, or the endpoint's answer), and
 *    every 403 is in the audit log;
 *  - after 10 failed authentications in a minute an address gets 429 with
 *    Retry-After, even with a right token, and the metrics count them;
 *  - frames are limited per client (429 past 4 a second);
 *  - the console page's security headers, its script and style served,
 *    state marked no-store, and the role in /api/state.
 *   test_roles OPSWALL SOURCE_DIR
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "base/file.h"
#include "control/control_auth.h"
#include "wallproc.h"

#define VIEWER "viewer-token-0123456789abc"
#define OPERATOR "operator-token-0123456789"
#define ADMIN "admin-token-0123456789abcd"

static char dir[] = "/tmp/opswall-roles-XXXXXX";

enum { NONE, VIEW, OPER, ADM };

static const struct endpoint {
    const char *method, *path, *body;
    int need;    /* the least role */
    long ok;     /* the answer for a role that may */
} endpoints[] = {
    {"GET", "/api/state", NULL, VIEW, 200},
    {"GET", "/api/scenes", NULL, VIEW, 200},
    {"GET", "/api/frame.png", NULL, VIEW, 200},
    {"GET", "/metrics", NULL, VIEW, 200},
    {"GET", "/api/record", NULL, VIEW, 200},
    /* A moment before the record: the record's own answer (422), so the
     * role passed; the window's events, 200. */
    {"POST", "/api/record/frame", "{\"at\": 1000000000000}", VIEW, 422},
    {"POST", "/api/record/timeline",
     "{\"from\": 1000000000000, \"to\": 1000000060000}", VIEW, 200},
    {"POST", "/api/scene", "{\"scene\": \"ban-do-34\"}", OPER, 200},
    {"POST", "/api/focus", "{\"widget\": null}", OPER, 200},
    {"POST", "/api/highlight", "{\"province\": null}", OPER, 200},
    {"POST", "/api/freeze", "{}", OPER, 200},
    {"POST", "/api/release", "{}", OPER, 200},
    {"POST", "/api/notice", "{\"text\": null}", OPER, 200},
    {"POST", "/api/reload", "{}", ADM, 200},
};

static void
matrix(void)
{
    static const char *const tokens[] = {NULL, VIEWER, OPERATOR, ADMIN};
    size_t n = sizeof(endpoints) / sizeof(endpoints[0]);
    for (size_t i = 0; i < n; i++) {
        const struct endpoint *e = &endpoints[i];
        /* No token and a wrong one, from an address of their own (two
         * failures each: under the limit). */
        char from[32];
        snprintf(from, sizeof(from), "127.0.0.%zu", 10 + i);
        struct resp r = call_from(from, e->method, e->path, e->body, NULL);
        CHECK(r.status == 401, "%s %s without a token: %ld", e->method,
              e->path, r.status);
        free(r.body);
        r = call_from(from, e->method, e->path, e->body,
                      "wrong-token-0123456789abc");
        CHECK(r.status == 401, "%s %s with a wrong token: %ld", e->method,
              e->path, r.status);
        free(r.body);
        /* The roles from another address each endpoint (frames are
         * limited per client: 4 a second). */
        char as[32];
        snprintf(as, sizeof(as), "127.0.0.%zu", 40 + i);
        for (int role = VIEW; role <= ADM; role++) {
            r = call_from(as, e->method, e->path, e->body, tokens[role]);
            long want = role >= e->need ? e->ok : 403;
            CHECK(r.status == want, "%s %s as %s: %ld, want %ld", e->method,
                  e->path, tokens[role], r.status, want);
            free(r.body);
        }
    }
}

static void
audit_has_403(const char *audit)
{
    size_t len = 0;
    char *text = file_read_all(audit, 1 << 20, &len);
    int denied = 0;
    for (const char *p = text; p && (p = strstr(p, "\"status\":403")); p++) {
        denied++;
    }
    /* Viewer: 6 operator commands and the reload; operator: the reload. */
    CHECK(denied == 8, "the audit log has every 403 (%d)", denied);
    CHECK(text && strstr(text, "the viewer role may not use /api/scene "
                               "(it needs operator)") &&
              strstr(text, "the operator role may not use /api/reload "
                           "(it needs admin)"),
          "with the role and what it needs");
    CHECK(text && !strstr(text, VIEWER) && !strstr(text, OPERATOR) &&
              !strstr(text, ADMIN),
          "and no token");
    free(text);
}

static long
status_of_from(const char *from, const char *method, const char *path,
               const char *token)
{
    struct resp r = call_from(from, method, path, NULL, token);
    free(r.body);
    return r.status;
}

static void
auth_limit(void)
{
    const char *from = "127.0.0.3";
    int unauth = 0;
    for (int i = 0; i < CONTROL_AUTH_FAILS; i++) {
        unauth += status_of_from(from, "GET", "/api/state",
                                 "guess-0123456789abcdef") == 401;
    }
    CHECK(unauth == CONTROL_AUTH_FAILS, "10 wrong tokens: 401 (%d)",
          unauth);
    struct resp r = call_from(from, "GET", "/api/state", NULL,
                              "guess-0123456789abcdeg");
    CHECK(r.status == 429 && r.retry_after >= 1 && r.retry_after <= 60,
          "the 11th: 429, Retry-After %d (%ld)", r.retry_after, r.status);
    free(r.body);
    r = call_from(from, "GET", "/api/state", NULL, ADMIN);
    CHECK(r.status == 429, "even a right token from there, for the rest of "
          "the minute (%ld)", r.status);
    free(r.body);
    CHECK(status_of("GET", "/api/state", NULL, VIEWER) == 200,
          "other addresses are not held back");
    r = call("GET", "/metrics", NULL, ADMIN);
    static const char fk[] = "\nopswall_control_auth_failures_total ";
    static const char lk[] = "opswall_control_limited_total{reason=\"auth\"} ";
    const char *f = r.body ? strstr(r.body, fk) : NULL;
    const char *l = r.body ? strstr(r.body, lk) : NULL;
    CHECK(f && atol(f + sizeof(fk) - 1) >= 38 && l &&
              atol(l + sizeof(lk) - 1) >= 2,
          "the metrics count failures and refusals");
    free(r.body);
}

struct frame_try {
    long status;
    int retry_after;
};

static void *
frame_thread(void *arg)
{
    struct frame_try *t = arg;
    struct resp r = call_from("127.0.0.4", "GET", "/api/frame.png", NULL,
                              VIEWER);
    t->status = r.status;
    t->retry_after = r.retry_after;
    free(r.body);
    return NULL;
}

static void
frame_limit(void)
{
    enum { N = 10 };
    struct frame_try t[N];
    pthread_t th[N];
    for (int i = 0; i < N; i++) {
        pthread_create(&th[i], NULL, frame_thread, &t[i]);
    }
    int ok = 0, limited = 0;
    for (int i = 0; i < N; i++) {
        pthread_join(th[i], NULL);
        ok += t[i].status == 200;
        limited += t[i].status == 429 && t[i].retry_after == 1;
    }
    CHECK(ok >= 1 && ok + limited == N && limited >= 1,
          "10 frames at once from one client: %d served, %d refused (429, "
          "Retry-After 1)", ok, limited);
}

static void
headers(void)
{
    struct resp r = call("GET", "/", NULL, NULL);
    CHECK(r.status == 200 && strstr(r.csp, "script-src 'self'") &&
              strstr(r.csp, "default-src 'none'") &&
              strstr(r.csp, "frame-ancestors 'none'") &&
              !strstr(r.csp, "unsafe-inline") &&
              strcmp(r.frame_options, "DENY") == 0 &&
              strcmp(r.referrer, "no-referrer") == 0,
          "the console's headers: CSP \"%s\", X-Frame-Options \"%s\", "
          "Referrer-Policy \"%s\"", r.csp, r.frame_options, r.referrer);
    CHECK(r.body && !strstr(r.body, "<script>") &&
              strstr(r.body, "<script src=\"/console.js\">") &&
              !strstr(r.body, "style=\""),
          "no inline script or style in the page");
    free(r.body);
    r = call("GET", "/console.js", NULL, NULL);
    CHECK(r.status == 200 && r.body && strstr(r.body, "recordLoad"),
          "its script");
    free(r.body);
    r = call("GET", "/console.css", NULL, NULL);
    CHECK(r.status == 200 && r.len > 100, "its style");
    free(r.body);
    static const char *const who[] = {VIEWER, "viewer", OPERATOR, "operator",
                                      ADMIN, "admin"};
    for (int i = 0; i < 6; i += 2) {
        r = call("GET", "/api/state", NULL, who[i]);
        cJSON *o = r.body ? cJSON_Parse(r.body) : NULL;
        const cJSON *role = cJSON_GetObjectItem(o, "role");
        CHECK(r.status == 200 && strcmp(r.cache, "no-store") == 0 &&
                  cJSON_IsString(role) &&
                  strcmp(role->valuestring, who[i + 1]) == 0,
              "state: no-store, and the client's role, %s", who[i + 1]);
        cJSON_Delete(o);
        free(r.body);
    }
}

int
main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: test_roles OPSWALL SOURCE_DIR\n");
        return 2;
    }
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    unsetenv("OPSWALL_CONTROL_TOKEN"); /* the file's tokens, then */
    char *tokens = xasprintf("%s/tokens", dir);
    FILE *f = fopen(tokens, "w");
    CHECK(f != NULL, "token file");
    if (!f) {
        return testlib_done();
    }
    fprintf(f, "# roles\nviewer %s\noperator %s\nadmin %s\n", VIEWER,
            OPERATOR, ADMIN);
    fclose(f);
    chmod(tokens, 0600);
    char *layout = xasprintf("%s/tests/layouts/good/briefing.json", argv[2]);
    char *audit = xasprintf("%s/audit.log", dir);
    char *record = xasprintf("%s/record", dir);
    int port = 25000 + (int)(getpid() % 2000);
    snprintf(base, sizeof(base), "http://127.0.0.1:%d", port);
    char portarg[32];
    snprintf(portarg, sizeof(portarg), "127.0.0.1:%d", port);
    setenv("OPSWALL_DATADIR", argv[2], 1);
    char *args[] = {argv[1], "run", layout, "--offscreen", "--scale", "0.25",
                    "--at", "2026-11-22T09:15:00+07:00", "--control",
                    portarg, "--control-token-file", tokens, "--audit-log",
                    audit, "--record", record, NULL};
    pid_t wall = spawn(args);
    long hz = wait_healthz();
    CHECK(hz == 200, "the wall answers");
    sleep_ms(1500); /* the record's first second on disk */

    headers();
    matrix();
    audit_has_403(audit);
    auth_limit();
    frame_limit();

    kill(wall, SIGTERM);
    int st = 0;
    waitpid(wall, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the wall stopped cleanly");
    clean_or_keep(dir);
    free(tokens);
    free(layout);
    free(audit);
    free(record);
    curl_global_cleanup();
    return testlib_done();
}
