/*
 * timeline: see timeline.h.  The replay is walked record by record (its
 * observer); each state is compared with the one before and every
 * difference a person would name becomes a line.
 */
#include "record/timeline.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "base/timeutil.h"
#include "base/xalloc.h"
#include "feeds/source_set.h"

/* As replay.c: the clock is recorded every second at least. */
#define GAP_MS 3000

struct seen_stream {
    char *url, *state;
};

struct walk {
    struct replay *r;
    int64_t from_ms, to_ms;
    void (*fn)(const struct timeline_line *l, void *arg);
    void *arg;
    bool vi;
    bool have;            /* a state seen since the start or a layout */
    bool layouts_seen;
    int64_t last_ms;      /* the last state's time */
    char *scene_id, *focus, *notice, *highlight, *banner;
    int64_t frozen_at;
    enum source_state *src;
    size_t nsrc;
    struct seen_stream *streams;
    size_t nstreams;
    size_t lines;
};

static const char *
T(const struct walk *w, const char *vi, const char *en)
{
    return w->vi ? vi : en;
}

static void
emit(struct walk *w, int64_t t_ms, const char *kind, const char *text)
{
    if (t_ms < w->from_ms || t_ms > w->to_ms) {
        return;
    }
    struct timeline_line l = {t_ms, kind, text};
    w->fn(&l, w->arg);
    w->lines++;
}

static void
emitf(struct walk *w, int64_t t_ms, const char *kind, const char *f, ...)
    __attribute__((format(printf, 4, 5)));

static void
emitf(struct walk *w, int64_t t_ms, const char *kind, const char *f, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, f);
    vsnprintf(buf, sizeof(buf), f, ap);
    va_end(ap);
    emit(w, t_ms, kind, buf);
}

static bool
same(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

static void
keep(char **dst, const char *s)
{
    free(*dst);
    *dst = s ? xstrdup(s) : NULL;
}

static void
hms(const struct walk *w, int64_t ms, char *buf, size_t n)
{
    const struct layout *l = replay_layout(w->r);
    struct civil_time ct;
    time_to_civil(ms, l ? l->utc_offset_min : 7 * 60, &ct);
    snprintf(buf, n, "%02d:%02d:%02d", ct.hour, ct.minute, ct.second);
}

static const char *
scene_name(const struct layout *l, size_t i)
{
    return l->scenes[i].title ? l->scenes[i].title : l->scenes[i].id;
}

static const char *
widget_name(const struct layout *l, size_t scene, const char *id)
{
    const struct layout_scene *s = &l->scenes[scene];
    for (size_t i = 0; i < s->nwidgets; i++) {
        if (strcmp(s->widgets[i].id, id) == 0) {
            return s->widgets[i].title ? s->widgets[i].title : id;
        }
    }
    return id;
}

static const char *
source_name(const struct layout_source *s)
{
    return s->label ? s->label : s->name;
}

/* Streams: a state change of a stream already seen. */
static void
streams_diff(struct walk *w, int64_t t, const struct recorded_streams *rs)
{
    for (size_t i = 0; rs && i < rs->n; i++) {
        const struct recorded_stream *s = &rs->s[i];
        struct seen_stream *seen = NULL;
        for (size_t k = 0; k < w->nstreams && !seen; k++) {
            seen = strcmp(w->streams[k].url, s->url) == 0 ? &w->streams[k]
                                                         : NULL;
        }
        if (!seen) {
            w->streams = xreallocarray(w->streams, w->nstreams + 1,
                                       sizeof(*w->streams));
            seen = &w->streams[w->nstreams++];
            *seen = (struct seen_stream){xstrdup(s->url), NULL};
        }
        bool lost = strcmp(s->state, "lost") == 0 ||
                    strcmp(s->state, "reconnecting") == 0;
        bool was_lost = seen->state && (strcmp(seen->state, "lost") == 0 ||
                                        strcmp(seen->state,
                                               "reconnecting") == 0);
        const char *name = s->label ? s->label : s->url;
        if (lost && !was_lost) {
            char at[16] = "";
            if (s->lost_at_ms) {
                hms(w, s->lost_at_ms, at, sizeof(at));
            }
            emitf(w, t, "stream", "%s: %s%s%s", name,
                  T(w, "mất tín hiệu", "signal lost"), at[0] ? " " : "",
                  at);
        } else if (was_lost && strcmp(s->state, "live") == 0) {
            emitf(w, t, "stream", "%s: %s", name,
                  T(w, "có tín hiệu trở lại", "signal back"));
        }
        keep(&seen->state, s->state);
    }
}

static void
sources_diff(struct walk *w, int64_t t, const struct frame_state *fs,
             const struct layout *l)
{
    if (w->nsrc != l->nsources) {
        free(w->src);
        w->nsrc = l->nsources;
        w->src = xcalloc(w->nsrc ? w->nsrc : 1, sizeof(*w->src));
        for (size_t i = 0; i < w->nsrc; i++) {
            w->src[i] = SOURCE_STATE_NO_DATA;
        }
    }
    for (size_t i = 0; i < l->nsources && i < fs->nsnapshots; i++) {
        const struct snapshot *s = fs->snapshots[i];
        enum source_state st = snapshot_state(s, &l->sources[i], t);
        /* Before its first answer a live source is waited for, not
         * failing. */
        if (s && !s->root && s->error &&
            strcmp(s->error, SOURCE_NOT_FETCHED) == 0) {
            st = SOURCE_STATE_NO_DATA;
        }
        /* A poll overdue is not news; failing and going stale are. */
        if (st == SOURCE_STATE_LATE) {
            st = SOURCE_STATE_OK;
        }
        enum source_state was = w->src[i];
        w->src[i] = st;
        if (st == was) {
            continue;
        }
        const char *name = source_name(&l->sources[i]);
        if (st == SOURCE_STATE_ERROR) {
            emitf(w, t, "source", "%s %s: %s", T(w, "Nguồn", "Source"), name,
                  s && s->error ? s->error : T(w, "lỗi", "error"));
        } else if (st == SOURCE_STATE_STALE) {
            emitf(w, t, "source", "%s %s: %s", T(w, "Nguồn", "Source"), name,
                  T(w, "số liệu quá hạn", "data stale"));
        } else if (st == SOURCE_STATE_OK && was != SOURCE_STATE_NO_DATA) {
            emitf(w, t, "source", "%s %s: %s", T(w, "Nguồn", "Source"), name,
                  T(w, "trở lại bình thường", "back to normal"));
        }
    }
}

static void
on_frame(struct walk *w, int64_t t)
{
    const struct layout *l = replay_layout(w->r);
    struct frame_state fs = replay_frame_state(w->r);
    const struct frame_aids *a = fs.aids;
    if (w->have && t - w->last_ms > GAP_MS) {
        char p[16], q[16];
        hms(w, w->last_ms, p, sizeof(p));
        hms(w, t, q, sizeof(q));
        emitf(w, t, "gap", "%s %s %s %s (%s)",
              T(w, "Không có bản ghi từ", "Nothing recorded from"), p,
              T(w, "đến", "to"), q,
              T(w, "tường tắt hoặc không ghi", "the wall was off or not "
                "recording"));
    }
    const char *scene_id = l->scenes[fs.scene].id;
    if (!same(scene_id, w->scene_id)) {
        emitf(w, t, "scene", "%s: %s", T(w, "Cảnh", "Scene"),
              scene_name(l, fs.scene));
        keep(&w->scene_id, scene_id);
    }
    const char *focus = replay_focus(w->r);
    if (!same(focus, w->focus)) {
        if (focus) {
            emitf(w, t, "focus", "%s: %s", T(w, "Phóng to", "Focus"),
                  widget_name(l, fs.scene, focus));
        } else if (w->have) {
            emit(w, t, "focus", T(w, "Trở về toàn cảnh", "Whole scene again"));
        }
        keep(&w->focus, focus);
    }
    if (a->frozen_at_ms != w->frozen_at) {
        if (a->frozen_at_ms) {
            char at[16];
            hms(w, a->frozen_at_ms, at, sizeof(at));
            emitf(w, t, "freeze", "%s %s", T(w, "Dừng số liệu tại",
                                              "Data frozen at"), at);
        } else if (w->have) {
            emit(w, t, "release", T(w, "Số liệu trực tiếp trở lại",
                                    "Live data again"));
        }
        w->frozen_at = a->frozen_at_ms;
    }
    if (!same(a->notice, w->notice)) {
        if (a->notice) {
            emitf(w, t, "notice", "%s: %s", T(w, "Thông báo", "Notice"),
                  a->notice);
        } else if (w->have) {
            emit(w, t, "notice", T(w, "Hết thông báo", "Notice ended"));
        }
        keep(&w->notice, a->notice);
    }
    if (!same(a->highlight, w->highlight)) {
        if (a->highlight) {
            emitf(w, t, "highlight", "%s: %s", T(w, "Làm nổi bật",
                                                  "Highlight"), a->highlight);
        } else if (w->have) {
            emit(w, t, "highlight", T(w, "Bỏ làm nổi bật",
                                      "Highlight cleared"));
        }
        keep(&w->highlight, a->highlight);
    }
    if (!same(a->banner, w->banner)) {
        if (a->banner) {
            emitf(w, t, "reload", "%s: %s", T(w, "Bố cục mới bị từ chối",
                                              "New layout refused"),
                  a->banner);
        }
        keep(&w->banner, a->banner);
    }
    sources_diff(w, t, &fs, l);
    streams_diff(w, t, fs.recorded);
    w->have = true;
    w->last_ms = t;
}

static void
on_audit(struct walk *w, int64_t t, const char *line)
{
    cJSON *o = cJSON_Parse(line);
    const cJSON *cmd = cJSON_GetObjectItemCaseSensitive(o, "command");
    const cJSON *req = cJSON_GetObjectItemCaseSensitive(o, "request");
    const cJSON *peer = cJSON_GetObjectItemCaseSensitive(o, "peer");
    const cJSON *status = cJSON_GetObjectItemCaseSensitive(o, "status");
    const cJSON *res = cJSON_GetObjectItemCaseSensitive(o, "result");
    if (cJSON_IsString(cmd) && cJSON_IsNumber(status)) {
        bool ok = status->valueint == 200;
        const char *c = cmd->valuestring;
        const char *rq = cJSON_IsString(req) ? req->valuestring : "-";
        const char *who = cJSON_IsString(peer) ? peer->valuestring : "?";
        const char *why = cJSON_IsString(res) ? res->valuestring : "";
        if (strcmp(c, "reload") == 0 && !ok) {
            emitf(w, t, "reload", "%s (%s): %s",
                  T(w, "Nạp lại bố cục bị từ chối", "Reload refused"), who,
                  why);
        } else {
            bool arg = strcmp(rq, "-") != 0;
            emitf(w, t, "command", "%s %s%s%s %s %s%s%s",
                  T(w, "Lệnh", "Command"), c, arg ? " " : "", arg ? rq : "",
                  T(w, "từ", "from"), who,
                  ok ? "" : T(w, ": bị từ chối, ", ": refused, "),
                  ok ? "" : why);
        }
    }
    cJSON_Delete(o);
}

/* A figure as the wall wrote it: its decimals, a decimal comma in
 * Vietnamese. */
static void
figure(const struct walk *w, double v, int decimals, char *buf, size_t n)
{
    snprintf(buf, n, "%.*f", decimals, v);
    char *dot = w->vi ? strchr(buf, '.') : NULL;
    if (dot) {
        *dot = ',';
    }
}

static void
observe(const struct replay_event *ev, void *arg)
{
    struct walk *w = arg;
    switch (ev->kind) {
    case REPLAY_EV_FRAME:
        on_frame(w, ev->t_ms);
        break;
    case REPLAY_EV_LAYOUT: {
        const struct layout *l = replay_layout(w->r);
        w->vi = l->locale == LAYOUT_LOCALE_VI_VN;
        emitf(w, ev->t_ms, "layout", "%s: %s (%s)",
              w->layouts_seen ? T(w, "Bố cục mới", "New layout")
                              : T(w, "Bố cục", "Layout"),
              l->title ? l->title : "-", ev->text);
        w->layouts_seen = true;
        free(w->src);
        w->src = NULL;
        w->nsrc = 0;
        break;
    }
    case REPLAY_EV_AUDIT:
        on_audit(w, ev->t_ms, ev->text);
        break;
    case REPLAY_EV_REVISION: {
        char a[48], b[48];
        figure(w, ev->rev->from, ev->rev->decimals, a, sizeof(a));
        figure(w, ev->rev->to, ev->rev->decimals, b, sizeof(b));
        emitf(w, ev->t_ms, "revision", "%s: %s, %s %s: %s → %s",
              T(w, "Số liệu điều chỉnh", "Figure revised"), ev->rev->key,
              T(w, "kỳ", "period"), ev->rev->period, a, b);
        break;
    }
    case REPLAY_EV_GAP:
        emitf(w, ev->t_ms, "gap", "%s",
              T(w, "Bản ghi bị gián đoạn (đĩa ghi không kịp)",
                "Records dropped (the disk fell behind)"));
        w->have = false;
        break;
    }
}

bool
timeline_walk(struct replay *r, int64_t from_ms, int64_t to_ms,
              void (*fn)(const struct timeline_line *l, void *arg),
              void *arg, char *msg, size_t msglen)
{
    int64_t first, last;
    if (!replay_span(r, &first, &last)) {
        snprintf(msg, msglen, "the record holds nothing readable");
        return false;
    }
    from_ms = from_ms == INT64_MIN ? first : from_ms;
    to_ms = to_ms == INT64_MAX ? last : to_ms;
    struct walk w = {.r = r, .from_ms = from_ms, .to_ms = to_ms, .fn = fn,
                     .arg = arg, .vi = true};
    /* The state just before the span is the baseline: read up to it
     * quietly (one segment), then every record in the span is told. */
    char quiet[256];
    replay_set_observer(r, observe, &w);
    int64_t lead = from_ms > first ? from_ms - 1 : first - 1;
    struct walk *wp = &w;
    wp->from_ms = INT64_MAX; /* nothing is emitted while leading in */
    (void)replay_at(r, lead, quiet, sizeof(quiet));
    wp->from_ms = from_ms;
    (void)replay_at(r, to_ms, quiet, sizeof(quiet));
    replay_set_observer(r, NULL, NULL);
    free(w.scene_id);
    free(w.focus);
    free(w.notice);
    free(w.highlight);
    free(w.banner);
    free(w.src);
    for (size_t i = 0; i < w.nstreams; i++) {
        free(w.streams[i].url);
        free(w.streams[i].state);
    }
    free(w.streams);
    return true;
}
