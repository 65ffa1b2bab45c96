/*
 * app_control: the control API's requests applied on the main thread
 * (state, scenes, commands, frames, metrics, audit) and starting the
 * server and the layout watcher.
 */
#define LOG_MODULE "app"
#include "app/app_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/file.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "base/xalloc.h"
#include "app/memory.h"
#include "record/recorder.h"
#include "widgets/revisions.h"

static char *
json_print(cJSON *o)
{
    char *s = cJSON_Print(o);
    cJSON_Delete(o);
    return s;
}

static void
add_stream(const struct widget_stream *st, void *arg)
{
    cJSON *s = cJSON_CreateObject();
    cJSON_AddStringToObject(s, "label", st->label);
    cJSON_AddStringToObject(s, "state", st->state);
    cJSON_AddStringToObject(s, "decoder", st->decoder);
    cJSON_AddItemToArray(arg, s);
}

/* The wall's state, and the asking client's role (the console offers
 * only what it may do). */
static char *
state_json(const struct app *a, int64_t now_ms, enum control_role role)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "role", control_role_name(role));
    const struct layout *l = a->layout;
    cJSON_AddStringToObject(o, "layout", l->path);
    cJSON_AddStringToObject(o, "scene", l->scenes[a->scene].id);
    cJSON_AddBoolToObject(o, "rotating", director_rotating(a->director));
    const char *focus = director_focus(a->director);
    cJSON_AddItemToObject(o, "focus", focus ? cJSON_CreateString(focus)
                                            : cJSON_CreateNull());
    const struct frame_aids *ad = director_aids(a->director);
    cJSON_AddItemToObject(o, "highlight", ad->highlight
                                              ? cJSON_CreateString(
                                                    ad->highlight)
                                              : cJSON_CreateNull());
    if (ad->frozen_at_ms) {
        char iso[40];
        time_format_iso8601(ad->frozen_at_ms, l->utc_offset_min, iso,
                            sizeof(iso));
        cJSON_AddStringToObject(o, "frozen_at", iso);
    } else {
        cJSON_AddNullToObject(o, "frozen_at");
    }
    bool notice = ad->notice && (ad->notice_until_ms == 0 ||
                                 now_ms < ad->notice_until_ms);
    cJSON_AddItemToObject(o, "notice", notice ? cJSON_CreateString(
                                                    ad->notice)
                                              : cJSON_CreateNull());
    cJSON_AddItemToObject(o, "reload_error",
                          a->reload_error
                              ? cJSON_CreateString(a->reload_error)
                              : cJSON_CreateNull());
    cJSON *srcs = cJSON_AddArrayToObject(o, "sources");
    struct snapshot *const *snaps = source_set_snapshots(a->sources);
    for (size_t i = 0; i < l->nsources; i++) {
        cJSON *s = cJSON_CreateObject();
        cJSON_AddStringToObject(s, "name", l->sources[i].name);
        cJSON_AddStringToObject(s, "state", snapshot_state_name(
                                    snapshot_state(snaps[i], &l->sources[i],
                                                   now_ms)));
        if (snaps[i] && snaps[i]->root) {
            cJSON_AddNumberToObject(s, "age_s", (double)(now_ms -
                                                         snaps[i]->as_of_ms) /
                                                    1000.0);
        }
        if (snaps[i] && snaps[i]->error) {
            cJSON_AddStringToObject(s, "error", snaps[i]->error);
        }
        cJSON_AddItemToArray(srcs, s);
    }
    cJSON *streams = cJSON_AddArrayToObject(o, "streams");
    wall_each_stream(shown_wall(a), add_stream, streams);
    /* Figures the wall showed and then saw revised: the last day's, the
     * newest 32. */
    cJSON *revs = cJSON_AddArrayToObject(o, "revisions");
    struct revision r[32];
    size_t nr = revision_book_recent(a->revisions, now_ms,
                                     REVISIONS_DEFAULT_MS, r, 32);
    for (size_t i = 0; i < nr; i++) {
        cJSON *e = cJSON_CreateObject();
        char iso[40];
        time_format_iso8601(r[i].at_ms, l->utc_offset_min, iso, sizeof(iso));
        cJSON_AddStringToObject(e, "value", r[i].key);
        cJSON_AddStringToObject(e, "period", r[i].period);
        cJSON_AddNumberToObject(e, "from", r[i].from);
        cJSON_AddNumberToObject(e, "to", r[i].to);
        cJSON_AddStringToObject(e, "seen", iso);
        cJSON_AddItemToArray(revs, e);
    }
    return json_print(o);
}

static char *
scenes_json(const struct app *a)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; i < a->layout->nscenes; i++) {
        const struct layout_scene *sc = &a->layout->scenes[i];
        cJSON *s = cJSON_CreateObject();
        cJSON_AddStringToObject(s, "id", sc->id);
        cJSON_AddStringToObject(s, "title", sc->title ? sc->title : sc->id);
        cJSON_AddBoolToObject(s, "current", i == a->scene);
        cJSON *ws = cJSON_AddArrayToObject(s, "widgets");
        for (size_t k = 0; k < sc->nwidgets; k++) {
            cJSON_AddItemToArray(ws, cJSON_CreateString(sc->widgets[k].id));
        }
        cJSON_AddItemToArray(arr, s);
    }
    return json_print(arr);
}

struct png_buf {
    unsigned char *p;
    size_t len, cap;
};

static cairo_status_t
png_write(void *closure, const unsigned char *data, unsigned int len)
{
    struct png_buf *b = closure;
    if (b->len + len > b->cap) {
        b->cap = (b->len + len) * 2;
        b->p = xrealloc(b->p, b->cap);
    }
    memcpy(b->p + b->len, data, len);
    b->len += len;
    return CAIRO_STATUS_SUCCESS;
}

/* One line per change: time, client, request, outcome. */
static void
audit(struct app *a, const struct control_request *r, const char *what,
      int status, const char *detail)
{
    LOG_INFO("audit: %s %s %s -> %d %s", r->peer,
             control_op_name(r->cmd.op), what, status, detail);
    if (a->audit || a->recorder) {
        int64_t now = time_now_ms() + a->clock_offset_ms; /* --at's clock */
        char iso[40];
        time_format_iso8601(now, a->layout->utc_offset_min, iso,
                            sizeof(iso));
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "time", iso);
        cJSON_AddStringToObject(o, "peer", r->peer);
        cJSON_AddStringToObject(o, "command", control_op_name(r->cmd.op));
        cJSON_AddStringToObject(o, "request", what);
        cJSON_AddNumberToObject(o, "status", status);
        cJSON_AddStringToObject(o, "result", detail);
        char *s = cJSON_PrintUnformatted(o);
        cJSON_Delete(o);
        if (a->audit) {
            fprintf(a->audit, "%s\n", s);
            fflush(a->audit);
        }
        if (a->recorder) {
            recorder_audit(a->recorder, now, s);
        }
        free(s);
    }
}

/* Applies a change; returns the HTTP status, with a message in msg. */
static int
apply(struct app *a, const struct control_cmd *c, int64_t now_ms, char *msg,
      size_t n)
{
    struct director *d = a->director;
    switch (c->op) {
    case CONTROL_SCENE:
        if (c->resume) {
            if (!director_resume(d, now_ms)) {
                snprintf(msg, n, "the layout has no rotation");
                return 409;
            }
        } else if (c->step) {
            director_step(d, c->step, now_ms);
        } else {
            int idx = layout_scene_index(a->layout, c->arg);
            if (idx < 0) {
                snprintf(msg, n, "no scene \"%s\"", c->arg);
                return 404;
            }
            director_pick(d, (size_t)idx, now_ms);
        }
        snprintf(msg, n, "scene %s", a->layout->scenes[director_scene(d)].id);
        return 200;
    case CONTROL_FOCUS:
        if (!director_set_focus(d, c->arg)) {
            snprintf(msg, n, "scene \"%s\" has no widget \"%s\"",
                     a->layout->scenes[a->scene].id, c->arg);
            return 404;
        }
        snprintf(msg, n, c->arg ? "focus on %s" : "focus released",
                 c->arg ? c->arg : "");
        return 200;
    case CONTROL_HIGHLIGHT:
        director_set_highlight(d, c->arg);
        snprintf(msg, n, c->arg ? "highlight %s" : "highlight cleared",
                 c->arg ? c->arg : "");
        return 200;
    case CONTROL_FREEZE:
        if (!a->frozen) {
            a->frozen = source_set_copy(a->sources);
            director_set_frozen(d, now_ms);
        }
        snprintf(msg, n, "data frozen");
        return 200;
    case CONTROL_RELEASE:
        source_set_destroy(a->frozen);
        a->frozen = NULL;
        director_set_frozen(d, 0);
        snprintf(msg, n, "data live");
        return 200;
    case CONTROL_NOTICE:
        director_set_notice(d, c->arg, c->arg ? now_ms + c->seconds * 1000
                                              : 0);
        snprintf(msg, n, c->arg ? "notice for %llds" : "notice cleared",
                 (long long)c->seconds);
        return 200;
    case CONTROL_RELOAD:
        if (!app_reload(a, now_ms)) {
            snprintf(msg, n, "%s", a->reload_error);
            return 422;
        }
        snprintf(msg, n, "layout reloaded");
        return 200;
    default:
        snprintf(msg, n, "not a change");
        return 500;
    }
}

static void
answer_json(struct app *a, struct control_request *r, int status,
            const char *key, const char *msg)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, key, msg);
    char *s = json_print(o);
    control_server_answer(a->ctl, r, status,
                          "application/json;charset=utf-8", s, strlen(s));
}

void
serve_requests(struct app *a, int64_t now_ms)
{
    waker_taken(&a->requests);
    struct control_request *r;
    while (a->ctl && (r = control_server_next(a->ctl))) {
        const struct control_cmd *c = &r->cmd;
        char *body = NULL;
        if (r->denied) {
            char msg[160];
            snprintf(msg, sizeof(msg), "the %s role may not use %s (it "
                     "needs %s)", control_role_name(r->role),
                     control_op_name(c->op),
                     control_role_name(control_op_role(c->op)));
            audit(a, r, "-", 403, msg);
            answer_json(a, r, 403, "error", msg);
            continue;
        }
        switch (c->op) {
        case CONTROL_STATE:
            body = state_json(a, now_ms, r->role);
            break;
        case CONTROL_SCENES:
            body = scenes_json(a);
            break;
        case CONTROL_METRICS: {
            struct control_counts cc = control_server_counts(a->ctl);
            struct output_stats ps = output_get_stats(a->out);
            struct metrics_view v = {
                .m = &a->metrics, .layout = a->layout, .present = &ps,
                .snapshots = source_set_snapshots(a->sources),
                .now_ms = now_ms, .wall = shown_wall(a),
                .scene = a->layout->scenes[a->scene].id,
                .frozen = a->frozen != NULL, .control = &cc,
                .cluster = a->cluster ? cluster_stats(a->cluster) : NULL,
                .cluster_ranks = a->cluster ? cluster_size(a->cluster) : 0};
            v.trims = memory_trimmer_count(a->trimmer, &v.trim_s);
            struct text_stats ts = text_cache_stats(a->text);
            v.text = &ts;
            struct journal_stats js;
            if (a->recorder) {
                uint64_t epochs, keys;
                recorder_stats(a->recorder, &js, &epochs, &keys);
                v.record = &js;
            }
            body = metrics_render(&v);
            control_server_answer(a->ctl, r, 200, "text/plain; "
                                  "version=0.0.4; charset=utf-8", body,
                                  strlen(body));
            continue;
        }
        case CONTROL_FRAME: {
            cairo_surface_t *img = wall_read(shown_wall(a));
            struct png_buf b = {0};
            if (img) {
                cairo_surface_write_to_png_stream(img, png_write, &b);
                cairo_surface_destroy(img);
            }
            control_server_answer_frame(a->ctl, r, b.len ? 200 : 500,
                                        "image/png", (char *)b.p, b.len,
                                        wall_frame_complete(shown_wall(a))
                                            ? wall_frame_ms(shown_wall(a))
                                            : -wall_frame_ms(shown_wall(a)));
            continue;
        }
        default: {
            char msg[512];
            char *what = c->arg ? xasprintf("\"%s\"", c->arg)
                                : xstrdup(c->step > 0 ? "next"
                                          : c->step < 0 ? "previous"
                                          : c->resume ? "rotation" : "-");
            int status = apply(a, c, now_ms, msg, sizeof(msg));
            audit(a, r, what, status, msg);
            free(what);
            answer_json(a, r, status, status == 200 ? "ok" : "error", msg);
            continue;
        }
        }
        control_server_answer(a->ctl, r, 200,
                              "application/json;charset=utf-8", body,
                              strlen(body));
    }
}

/* Watcher thread: the layout file changed. */
static void
watch_wake(void *ctx)
{
    struct app *a = ctx;
    waker_post(&a->watched);
}

static void
free_pem(char *p)
{
    if (p) {
        memset(p, 0, strlen(p)); /* a key: not left in freed memory */
        free(p);
    }
}

/* The certificate and key files (both or neither; 1 MiB each at most).
 * Without them the API is plain HTTP, which only loopback may carry:
 * tokens and what the wall shows would cross the network in the clear. */
static bool
control_tls_read(const struct app *a, char **cert, char **key)
{
    const char *addr = a->opt.control_addr;
    bool loopback = strncmp(addr, "127.", 4) == 0;
    if (!a->opt.tls_cert != !a->opt.tls_key) {
        LOG_ERR("--control-tls-cert and --control-tls-key go together");
        return false;
    }
    if (!a->opt.tls_cert) {
        if (!loopback) {
            LOG_ERR("the control API on %s would carry its tokens and the "
                    "wall's data to other machines in the clear: give it a "
                    "certificate (--control-tls-cert FILE --control-tls-key "
                    "FILE, README \"Control API and operator console\"), or "
                    "bind 127.0.0.1 behind a proxy of your own", addr);
            return false;
        }
        return true;
    }
    size_t len;
    *cert = file_read_all(a->opt.tls_cert, 1 << 20, &len);
    *key = file_read_all(a->opt.tls_key, 1 << 20, &len);
    if (!*cert || !*key) {
        LOG_ERR("control API: cannot read %s: %s",
                !*cert ? a->opt.tls_cert : a->opt.tls_key, strerror(errno));
        free_pem(*cert);
        free_pem(*key);
        *cert = *key = NULL;
        return false;
    }
    return true;
}

void
app_renew_tls(struct app *a)
{
    if (!a->ctl || !a->opt.tls_cert) {
        LOG_INFO("SIGHUP: no certificate to re-read");
        return;
    }
    char *cert = NULL, *key = NULL;
    if (control_tls_read(a, &cert, &key)) {
        control_server_renew_tls(a->ctl, cert, key);
    }
    free_pem(cert);
    free_pem(key);
}

/* Starts the control API and the layout watcher (opswall run). */
bool
app_start_control(struct app *a)
{
    a->watched.event = SDL_RegisterEvents(1);
    a->watched.wait = a->wait;
    a->watch = layout_watch_start(a->opt.layout, watch_wake, a);
    if (a->opt.audit_log) {
        a->audit = fopen(a->opt.audit_log, "a");
        if (!a->audit) {
            LOG_ERR("cannot open the audit log %s: %s", a->opt.audit_log,
                    strerror(errno));
            return false;
        }
    }
    if (!a->opt.control_addr[0]) {
        return true;
    }
    char *cert = NULL, *key = NULL;
    if (!control_tls_read(a, &cert, &key)) {
        return false;
    }
    a->tokens = control_tokens_load(a->opt.token_file);
    if (!a->tokens) {
        free_pem(cert);
        free_pem(key);
        return false;
    }
    char *page = NULL, *js = NULL, *css = NULL;
    char **parts[] = {&page, &js, &css};
    const char *names[] = {"index.html", "console.js", "console.css"};
    for (int i = 0; i < 3; i++) {
        char *path = xasprintf("%s/assets/console/%s", a->data_dir,
                               names[i]);
        *parts[i] = file_read_all(path, 1 << 20, NULL);
        if (!*parts[i]) {
            LOG_WARN("no operator console: %s: %s", path, strerror(errno));
        }
        free(path);
    }
    if (!page || !js || !css) {
        free(page); /* all three or none */
        free(js);
        free(css);
        page = js = css = NULL;
    }
    a->requests.event = SDL_RegisterEvents(1);
    a->requests.wait = a->wait;
    /* The console's "Xem lại": `opswall replay` run as a child of this
     * very binary (the one running, even if an upgrade replaced the
     * file). */
    a->replay_jobs = replay_jobs_create("/proc/self/exe");
    struct control_opts co = {.address = a->opt.control_addr,
                              .port = a->opt.control_port,
                              .tokens = a->tokens, .console = page,
                              .console_js = js, .console_css = css,
                              .replay = a->replay_jobs,
                              .tls_cert_pem = cert, .tls_key_pem = key,
                              .answer_ms = 3000, .wake = waker_post,
                              .wake_arg = &a->requests};
    a->ctl = control_server_start(&co);
    free_pem(cert);
    free_pem(key);
    free(page);
    free(js);
    free(css);
    return a->ctl != NULL;
}
