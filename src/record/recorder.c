/*
 * recorder: epochs into the journal.  The epoch format is the cluster's
 * (what a render rank needs to draw a frame is what a replay needs), so
 * one writer, one reader and one fuzzer serve both.
 */
#include "record/recorder.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "base/xalloc.h"
#include "cluster/epoch.h"
#include "layout/diag.h"
#include "layout/jsonc.h"

#define LOG_MODULE "recorder"
#include "base/log.h"

/* The wall clock is written at least this often (a replay knows the
 * wall was up, and a power cut loses at most this much). */
#define TICK_MS 1000

#define NOT_RECORDED "(not recorded)"

struct recorder {
    struct journal *j;
    struct epoch_writer *w;
    uint64_t frame;
    uint64_t layout_gen;
    bool have_layout;
    char *layout_path, *layout; /* the layout as recorded (redacted) */
    /* What the last record said, to write only changes. */
    int64_t last_ms;
    uint32_t scene;
    char *focus, *highlight, *notice, *banner;
    int64_t frozen_at, notice_until;
    bool wrote_any;
    uint64_t epochs, keys;
    /* The streams' states last written (urls as the layout has them). */
    struct kept_stream {
        char *url;
        const char *state; /* video_state_name's: static */
        int64_t lost_at_ms;
    } *streams;
    size_t nstreams;
    bool streams_written;
    uint64_t revisions_found; /* the book's count at the last write */
    bool revisions_written;
};

struct recorder *
recorder_create(const char *dir, const struct journal_opts *o, char *msg,
                size_t msglen)
{
    enum journal_error err;
    struct journal *j = journal_create(dir, o, &err, msg, msglen);
    if (!j) {
        return NULL;
    }
    struct recorder *r = xcalloc(1, sizeof(*r));
    r->j = j;
    r->w = epoch_writer_create();
    return r;
}

void
recorder_set_retention(struct recorder *r, int64_t keep_ms,
                        int64_t max_bytes)
{
    journal_set_retention(r->j, keep_ms, max_bytes);
}

void
recorder_destroy(struct recorder *r)
{
    if (!r) {
        return;
    }
    journal_destroy(r->j);
    epoch_writer_destroy(r->w);
    free(r->layout_path);
    free(r->layout);
    free(r->focus);
    free(r->highlight);
    free(r->notice);
    free(r->banner);
    for (size_t i = 0; i < r->nstreams; i++) {
        free(r->streams[i].url);
    }
    free(r->streams);
    free(r);
}

/* "scheme://user:pass@host/..." -> "scheme://(not recorded)@host/...". */
char *
recorder_redact_url(const char *s)
{
    const char *scheme = strstr(s, "://");
    const char *auth = scheme ? scheme + 3 : NULL;
    size_t host_len = auth ? strcspn(auth, "/?#") : 0;
    const char *at = auth ? memchr(auth, '@', host_len) : NULL;
    if (!at) {
        return xstrdup(s);
    }
    return xasprintf("%.*s" NOT_RECORDED "%s", (int)(auth - s), s, at);
}

static void
redact_url(cJSON *url)
{
    if (!cJSON_IsString(url)) {
        return;
    }
    char *v = recorder_redact_url(url->valuestring);
    if (strcmp(v, url->valuestring) != 0) {
        cJSON_SetValuestring(url, v);
    }
    free(v);
}

static void
redact_source(cJSON *src)
{
    cJSON *h = cJSON_GetObjectItemCaseSensitive(src, "headers");
    for (cJSON *e = cJSON_IsObject(h) ? h->child : NULL; e; e = e->next) {
        if (cJSON_IsString(e)) {
            cJSON_SetValuestring(e, NOT_RECORDED);
        }
    }
    redact_url(cJSON_GetObjectItemCaseSensitive(src, "url"));
}

/* Every object with a "url" (sources, videos, conference tiles) is
 * redacted; sources' headers too. */
static void
redact_walk(cJSON *node)
{
    for (cJSON *c = node ? node->child : NULL; c; c = c->next) {
        if (cJSON_IsObject(c) &&
            (cJSON_GetObjectItemCaseSensitive(c, "url") ||
             cJSON_GetObjectItemCaseSensitive(c, "headers"))) {
            redact_source(c);
        }
        if (cJSON_IsObject(c) || cJSON_IsArray(c)) {
            redact_walk(c);
        }
    }
}

char *
recorder_redact_layout(const char *text, size_t len)
{
    struct diag_list d;
    diag_list_init(&d, "record");
    struct jsonc_doc *doc = jsonc_parse(text, len, &d);
    diag_list_fini(&d);
    if (!doc) {
        return NULL;
    }
    cJSON *root = cJSON_Duplicate(jsonc_root(doc), true);
    jsonc_destroy(doc);
    if (!root) {
        return NULL;
    }
    redact_walk(root);
    char *out = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    return out;
}

static bool
str_eq(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

static void
keep(char **dst, const char *s)
{
    if (!str_eq(*dst, s)) {
        free(*dst);
        *dst = s ? xstrdup(s) : NULL;
    }
}

static bool
streams_same(const struct recorder *r, const struct recorder_frame *f)
{
    if (f->nstreams != r->nstreams) {
        return false;
    }
    for (size_t i = 0; i < f->nstreams; i++) {
        const struct widget_stream *s = &f->streams[i];
        const struct kept_stream *k = &r->streams[i];
        if (!str_eq(s->url, k->url) || !str_eq(s->state, k->state) ||
            s->lost_at_ms != k->lost_at_ms) {
            return false;
        }
    }
    return true;
}

/* The streams' states, as JSON: [{"url", "label", "state", "lost_at"}],
 * urls redacted as in the recorded layout. */
static void
write_streams(struct recorder *r, const struct recorder_frame *f)
{
    for (size_t i = 0; i < r->nstreams; i++) {
        free(r->streams[i].url);
    }
    r->streams = xreallocarray(r->streams, f->nstreams ? f->nstreams : 1,
                               sizeof(*r->streams));
    r->nstreams = f->nstreams;
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; i < f->nstreams; i++) {
        const struct widget_stream *s = &f->streams[i];
        r->streams[i] = (struct kept_stream){
            s->url ? xstrdup(s->url) : NULL, s->state, s->lost_at_ms};
        cJSON *o = cJSON_CreateObject();
        char *url = recorder_redact_url(s->url ? s->url : "");
        cJSON_AddStringToObject(o, "url", url);
        free(url);
        if (s->label && (!s->url || strcmp(s->label, s->url) != 0)) {
            cJSON_AddStringToObject(o, "label", s->label);
        }
        cJSON_AddStringToObject(o, "state", s->state ? s->state : "");
        cJSON_AddNumberToObject(o, "lost_at", (double)s->lost_at_ms);
        cJSON_AddItemToArray(arr, o);
    }
    char *text = cJSON_PrintUnformatted(arr);
    cJSON_Delete(arr);
    r->streams_written = journal_append(r->j, RECORDER_STREAMS, 0, f->now_ms,
                                        text, strlen(text));
    free(text);
}

/* The book's revisions (each value's latest), as JSON: [{"key",
 * "period", "from", "to", "decimals", "at"}], newest first. */
#define REVISIONS_WRITTEN 64

static void
write_revisions(struct recorder *r, const struct recorder_frame *f)
{
    struct revision *rev = xcalloc(REVISIONS_WRITTEN, sizeof(*rev));
    size_t n = revision_book_recent(f->revisions, f->now_ms, INT64_MAX / 4,
                                    rev, REVISIONS_WRITTEN);
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; i < n; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "key", rev[i].key);
        cJSON_AddStringToObject(o, "period", rev[i].period);
        cJSON_AddNumberToObject(o, "from", rev[i].from);
        cJSON_AddNumberToObject(o, "to", rev[i].to);
        cJSON_AddNumberToObject(o, "decimals", rev[i].decimals);
        cJSON_AddNumberToObject(o, "at", (double)rev[i].at_ms);
        cJSON_AddItemToArray(arr, o);
    }
    free(rev);
    char *text = cJSON_PrintUnformatted(arr);
    cJSON_Delete(arr);
    if (journal_append(r->j, RECORDER_REVISIONS, 0, f->now_ms, text,
                       strlen(text))) {
        r->revisions_found = revision_book_found(f->revisions);
        r->revisions_written = true;
    }
    free(text);
}

void
recorder_frame(struct recorder *r, const struct recorder_frame *f)
{
    if (f->layout_text && (!r->have_layout || f->layout_gen != r->layout_gen)) {
        char *red = recorder_redact_layout(f->layout_text, f->layout_len);
        if (!red) {
            /* The wall loaded it, so it parses; kept safe regardless. */
            LOG_WARN("the layout could not be recorded (it did not parse "
                     "again); recording waits for the next layout");
            return;
        }
        free(r->layout);
        r->layout = red;
        keep(&r->layout_path, f->layout_path);
        r->layout_gen = f->layout_gen;
        r->have_layout = true;
        /* A new layout: the next record is a whole state. */
        r->wrote_any = false;
    }
    if (!r->have_layout) {
        return;
    }
    const struct frame_aids none = {0};
    const struct frame_aids *aids = f->aids ? f->aids : &none;
    bool key = !r->wrote_any || journal_wants_key(r->j);
    /* The streams' states: after each key (so a key and what follows
     * it hold everything), and when one changes. */
    bool streams = key || !r->streams_written || !streams_same(r, f);
    /* The revisions marked: after a key that has any, and when the book
     * found one. */
    bool revisions =
        f->revisions &&
        (revision_book_found(f->revisions) != r->revisions_found ||
         (key && revision_book_found(f->revisions) > 0) ||
         (!r->revisions_written && revision_book_found(f->revisions) > 0));
    bool changed = key || f->scene != r->scene ||
                   !str_eq(f->focus, r->focus) ||
                   !str_eq(aids->highlight, r->highlight) ||
                   !str_eq(aids->notice, r->notice) ||
                   !str_eq(aids->banner, r->banner) ||
                   aids->frozen_at_ms != r->frozen_at ||
                   aids->notice_until_ms != r->notice_until ||
                   f->now_ms - r->last_ms >= TICK_MS;
    /* Which snapshots changed is the epoch writer's to know: it keeps a
     * reference to each one it wrote.  Without a change in anything else,
     * look before writing. */
    if (!changed) {
        for (size_t i = 0; i < f->nsnaps && !changed; i++) {
            changed = f->snaps[i] && !epoch_writer_has(r->w, i, f->snaps[i]);
        }
        if (!changed) {
            if (streams) {
                write_streams(r, f);
            }
            if (revisions) {
                write_revisions(r, f);
            }
            return;
        }
    }
    if (key) {
        epoch_writer_reset(r->w); /* every source in full */
    }
    struct epoch e = {
        .frame = ++r->frame,
        .now_ms = f->now_ms,
        .scene = f->scene,
        .focus = (char *)f->focus,
        .aids = *aids,
    };
    if (key) {
        e.layout_path = r->layout_path ? r->layout_path : "";
        e.layout_text = r->layout;
        e.layout_len = strlen(r->layout);
    }
    size_t len = 0;
    char *buf = epoch_write(r->w, &e, f->snaps, f->nsnaps, &len);
    if (journal_append(r->j, RECORDER_EPOCH, key ? JOURNAL_FLAG_KEY : 0,
                       f->now_ms, buf, len)) {
        r->epochs++;
        r->keys += key;
        r->wrote_any = true;
    } else if (key) {
        r->wrote_any = false; /* dropped: the next one is a key again */
    }
    free(buf);
    if (streams && r->wrote_any) {
        write_streams(r, f);
    }
    if (revisions && r->wrote_any) {
        write_revisions(r, f);
    }
    r->last_ms = f->now_ms;
    r->scene = f->scene;
    keep(&r->focus, f->focus);
    keep(&r->highlight, aids->highlight);
    keep(&r->notice, aids->notice);
    keep(&r->banner, aids->banner);
    r->frozen_at = aids->frozen_at_ms;
    r->notice_until = aids->notice_until_ms;
}

void
recorder_audit(struct recorder *r, int64_t now_ms, const char *line)
{
    if (r->wrote_any) {
        journal_append(r->j, RECORDER_AUDIT, 0, now_ms, line, strlen(line));
    }
}

void
recorder_stats(const struct recorder *r, struct journal_stats *out,
               uint64_t *epochs, uint64_t *keys)
{
    journal_stats(r->j, out);
    *epochs = r->epochs;
    *keys = r->keys;
}
