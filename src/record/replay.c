/*
 * replay: a record's state at a moment.  See replay.h.
 *
 * The state is rebuilt the way a cluster's render rank builds it (the
 * records are the same epochs): a key loads the layout and every source;
 * each epoch after it replaces the sources that changed and sets the
 * scene, focus and aids; a streams record replaces the streams' states.
 */
#include "record/replay.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "base/timeutil.h"
#include "base/xalloc.h"
#include "cluster/epoch.h"
#include "feeds/source_set.h"
#include "layout/diag.h"
#include "record/journal.h"
#include "record/recorder.h"

#define LOG_MODULE "replay"
#include "base/log.h"

/* The wall writes its clock at least every second; a moment further than
 * this from the record before it was not recorded. */
#define GAP_MS 3000
/* Reading on from the current position is faster than seeking up to
 * about this far ahead (a segment holds an hour at most). */
#define READ_ON_MS (10 * 60 * 1000)

struct replay {
    struct journal_reader *jr;
    bool positioned;
    /* The next record, read but later than the moment asked for. */
    bool have_next;
    struct {
        uint8_t type, flags;
        int64_t t_ms;
        unsigned char *data;
        size_t len, cap;
    } next;
    bool at_end;
    /* The state. */
    struct layout *layout;
    char *layout_text;
    size_t layout_len;
    uint64_t gen;
    uint64_t told_gen;   /* the layout last told to the observer */
    struct source_set *set;
    bool valid;          /* a key was applied since the start or a gap */
    int64_t pos_ms;      /* the time of the last record applied */
    int64_t now_ms;      /* the moment of the last replay_at */
    uint32_t scene;
    char *focus;
    struct frame_aids aids; /* strings owned */
    struct recorded_stream *streams; /* strings owned */
    struct recorded_streams recorded;
    struct revision_book *book; /* the revisions marked, as recorded */
    int64_t told_rev_ms;  /* the newest revision told to the observer */
    char why[512];       /* why the state is not valid, when it is not */
    void (*observe)(const struct replay_event *ev, void *arg);
    void *observe_arg;
};

struct replay *
replay_open(const char *dir, char *msg, size_t msglen)
{
    enum journal_error err;
    struct journal_reader *jr = journal_reader_open(dir, &err, msg, msglen);
    if (!jr) {
        return NULL;
    }
    struct replay *r = xcalloc(1, sizeof(*r));
    r->jr = jr;
    r->book = revision_book_create();
    return r;
}

struct replay *
replay_open_buffer(const void *buf, size_t len)
{
    struct replay *r = xcalloc(1, sizeof(*r));
    r->jr = journal_reader_open_buffer(buf, len);
    r->book = revision_book_create();
    return r;
}

/* A recorded moment (ms since 1970): a number in range, else 0 (the
 * record is another program's or damaged; casting a huge double is
 * undefined). */
static int64_t
json_ms(const cJSON *v)
{
    if (!cJSON_IsNumber(v) || !(v->valuedouble >= 0) ||
        v->valuedouble > 1e16) {
        return 0;
    }
    return (int64_t)v->valuedouble;
}

static void
clear_streams(struct replay *r)
{
    for (size_t i = 0; i < r->recorded.n; i++) {
        free((char *)r->streams[i].url);
        free((char *)r->streams[i].label);
        free((char *)r->streams[i].state);
    }
    free(r->streams);
    r->streams = NULL;
    r->recorded = (struct recorded_streams){0};
}

static void
clear_aids(struct replay *r)
{
    free((char *)r->aids.highlight);
    free((char *)r->aids.notice);
    free((char *)r->aids.banner);
    r->aids = (struct frame_aids){0};
    free(r->focus);
    r->focus = NULL;
}

void
replay_destroy(struct replay *r)
{
    if (!r) {
        return;
    }
    journal_reader_destroy(r->jr);
    free(r->next.data);
    source_set_destroy(r->set);
    layout_destroy(r->layout);
    free(r->layout_text);
    clear_aids(r);
    clear_streams(r);
    revision_book_destroy(r->book);
    free(r);
}

bool
replay_span(struct replay *r, int64_t *first_ms, int64_t *last_ms)
{
    return journal_reader_span(r->jr, first_ms, last_ms);
}

void
replay_set_observer(struct replay *r,
                    void (*fn)(const struct replay_event *ev, void *arg),
                    void *arg)
{
    r->observe = fn;
    r->observe_arg = arg;
}

static void
tell(struct replay *r, enum replay_event_kind kind, int64_t t_ms,
     const char *text)
{
    if (r->observe) {
        struct replay_event ev = {kind, t_ms, text, NULL};
        r->observe(&ev, r->observe_arg);
    }
}

void
replay_damage(const struct replay *r, uint64_t *bytes, uint64_t *places)
{
    journal_reader_damage(r->jr, bytes, places);
}

static int
utc_offset(const struct replay *r)
{
    return r->layout ? r->layout->utc_offset_min : 7 * 60;
}

/* ISO 8601 on the wall's offset, with milliseconds when there are any
 * (a record begins at 09:15:00.224, not at 09:15:00). */
static void
fmt(const struct replay *r, int64_t ms, char *buf, size_t n)
{
    int off = utc_offset(r);
    struct civil_time ct;
    time_to_civil(ms, off, &ct);
    int a = off < 0 ? -off : off;
    char frac[8] = "";
    if (ct.millisecond) {
        snprintf(frac, sizeof(frac), ".%03d", ct.millisecond);
    }
    snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02d%s%c%02d:%02d", ct.year,
             ct.month, ct.day, ct.hour, ct.minute, ct.second, frac,
             off < 0 ? '-' : '+', a / 60, a % 60);
}

static char *
dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

/* A key's layout: loaded when it is not the one in use. */
static bool
take_layout(struct replay *r, const struct epoch *e)
{
    if (r->layout && e->layout_len == r->layout_len &&
        memcmp(e->layout_text, r->layout_text, e->layout_len) == 0) {
        return true;
    }
    struct diag_list d;
    diag_list_init(&d, e->layout_path);
    struct layout *l = layout_load_buffer(e->layout_path, e->layout_text,
                                          e->layout_len, &d);
    diag_list_fini(&d);
    if (!l) {
        snprintf(r->why, sizeof(r->why), "the layout recorded at this time "
                 "does not load in this version of opswall");
        return false;
    }
    source_set_destroy(r->set);
    layout_destroy(r->layout);
    free(r->layout_text);
    r->layout = l;
    r->layout_text = xmalloc(e->layout_len + 1);
    memcpy(r->layout_text, e->layout_text, e->layout_len);
    r->layout_text[e->layout_len] = '\0';
    r->layout_len = e->layout_len;
    r->set = source_set_create(l);
    r->gen++;
    return true;
}

static void
apply_epoch(struct replay *r, const struct journal_record *rec)
{
    struct epoch e;
    char err[200];
    bool key = (rec->flags & JOURNAL_FLAG_KEY) != 0;
    if (!epoch_read((const char *)rec->data, rec->len, &e, err,
                    sizeof(err))) {
        /* It passed its checksum, so a writer made it: not ours to
         * guess at.  Nothing after it applies until the next key. */
        snprintf(r->why, sizeof(r->why), "a record could not be read (%s)",
                 err);
        r->valid = false;
        epoch_free(&e);
        return;
    }
    if (key) {
        r->valid = e.layout_text && take_layout(r, &e);
        if (!e.layout_text) {
            snprintf(r->why, sizeof(r->why), "a key without its layout");
        }
        if (r->valid && r->told_gen != r->gen) {
            r->told_gen = r->gen;
            tell(r, REPLAY_EV_LAYOUT, rec->t_ms, r->layout->path);
        }
    }
    if (r->valid && !epoch_apply(&e, r->set, err, sizeof(err))) {
        snprintf(r->why, sizeof(r->why), "a record does not fit its layout "
                 "(%s)", err);
        r->valid = false;
    }
    if (r->valid && e.scene >= r->layout->nscenes) {
        snprintf(r->why, sizeof(r->why), "a record names scene %u of %zu",
                 e.scene, r->layout->nscenes);
        r->valid = false;
    }
    if (r->valid) {
        clear_aids(r);
        r->scene = e.scene;
        r->focus = dup_or_null(e.focus);
        r->aids.highlight = dup_or_null(e.aids.highlight);
        r->aids.notice = dup_or_null(e.aids.notice);
        r->aids.banner = dup_or_null(e.aids.banner);
        r->aids.frozen_at_ms = e.aids.frozen_at_ms;
        r->aids.notice_until_ms = e.aids.notice_until_ms;
        r->now_ms = rec->t_ms;
        tell(r, REPLAY_EV_FRAME, rec->t_ms, NULL);
    }
    epoch_free(&e);
}

static const char *
json_str(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void
apply_streams(struct replay *r, const struct journal_record *rec)
{
    cJSON *arr = cJSON_ParseWithLength((const char *)rec->data, rec->len);
    if (!cJSON_IsArray(arr)) {
        cJSON_Delete(arr);
        return; /* not ours: the streams keep their last known states */
    }
    clear_streams(r);
    int n = cJSON_GetArraySize(arr);
    r->streams = xcalloc(n ? (size_t)n : 1, sizeof(*r->streams));
    size_t k = 0;
    for (const cJSON *o = arr->child; o; o = o->next) {
        const char *url = json_str(o, "url");
        const char *state = json_str(o, "state");
        const cJSON *lost = cJSON_GetObjectItemCaseSensitive(o, "lost_at");
        if (!url || !state) {
            continue;
        }
        r->streams[k++] = (struct recorded_stream){
            xstrdup(url), dup_or_null(json_str(o, "label")), xstrdup(state),
            json_ms(lost)};
    }
    r->recorded = (struct recorded_streams){k, r->streams};
    cJSON_Delete(arr);
    if (r->valid) {
        r->now_ms = rec->t_ms;
        tell(r, REPLAY_EV_FRAME, rec->t_ms, NULL);
    }
}

static void
apply_revisions(struct replay *r, const struct journal_record *rec)
{
    cJSON *arr = cJSON_ParseWithLength((const char *)rec->data, rec->len);
    int64_t newest = r->told_rev_ms;
    /* Oldest first, so that each value ends with its latest. */
    int n = cJSON_IsArray(arr) ? cJSON_GetArraySize(arr) : 0;
    for (int i = n - 1; i >= 0; i--) {
        const cJSON *o = cJSON_GetArrayItem(arr, i);
        const char *key = json_str(o, "key"), *period = json_str(o, "period");
        const cJSON *from = cJSON_GetObjectItemCaseSensitive(o, "from");
        const cJSON *to = cJSON_GetObjectItemCaseSensitive(o, "to");
        const cJSON *dec = cJSON_GetObjectItemCaseSensitive(o, "decimals");
        const cJSON *at = cJSON_GetObjectItemCaseSensitive(o, "at");
        if (!key || !period || !cJSON_IsNumber(from) || !cJSON_IsNumber(to) ||
            !cJSON_IsNumber(dec) || dec->valueint < 0 ||
            dec->valueint > 6 || json_ms(at) == 0) {
            continue; /* not the recorder's: skipped */
        }
        struct revision rv = {.from = from->valuedouble,
                              .to = to->valuedouble,
                              .decimals = dec->valueint,
                              .at_ms = json_ms(at)};
        snprintf(rv.key, sizeof(rv.key), "%s", key);
        snprintf(rv.period, sizeof(rv.period), "%s", period);
        revision_book_restore(r->book, &rv);
        if (rv.at_ms > r->told_rev_ms && r->observe) {
            struct replay_event ev = {REPLAY_EV_REVISION, rec->t_ms, NULL,
                                      &rv};
            r->observe(&ev, r->observe_arg);
        }
        newest = rv.at_ms > newest ? rv.at_ms : newest;
    }
    r->told_rev_ms = newest;
    cJSON_Delete(arr);
}

static void
apply(struct replay *r, const struct journal_record *rec)
{
    switch (rec->type) {
    case JOURNAL_TYPE_GAP:
        r->valid = false;
        snprintf(r->why, sizeof(r->why), "records were dropped here (the "
                 "disk fell behind)");
        tell(r, REPLAY_EV_GAP, rec->t_ms, r->why);
        break;
    case RECORDER_EPOCH:
        apply_epoch(r, rec);
        break;
    case RECORDER_STREAMS:
        apply_streams(r, rec);
        break;
    case RECORDER_REVISIONS:
        apply_revisions(r, rec);
        break;
    case RECORDER_AUDIT: {
        char *line = xmalloc(rec->len + 1);
        memcpy(line, rec->data, rec->len);
        line[rec->len] = '\0';
        tell(r, REPLAY_EV_AUDIT, rec->t_ms, line);
        free(line);
        break;
    }
    default:
        break; /* a later version's record: not needed for the frame */
    }
    r->pos_ms = rec->t_ms;
}

static void
reset(struct replay *r, int64_t t_ms)
{
    journal_reader_seek(r->jr, t_ms);
    r->positioned = true;
    r->have_next = false;
    r->at_end = false;
    r->valid = false;
    r->pos_ms = INT64_MIN;
    r->told_gen = 0;
    /* The segment's key and what follows it hold the revisions. */
    revision_book_clear(r->book);
    r->told_rev_ms = INT64_MIN;
    snprintf(r->why, sizeof(r->why), "nothing recorded before it");
    clear_aids(r);
    clear_streams(r);
}

/* The next record into *rec: the one held back, else the reader's.
 * false at the end. */
static bool
next_record(struct replay *r, struct journal_record *rec)
{
    if (r->have_next) {
        r->have_next = false;
        *rec = (struct journal_record){r->next.type, r->next.flags,
                                       r->next.t_ms, r->next.data,
                                       r->next.len};
        return true;
    }
    for (;;) {
        char msg[256];
        int got = journal_reader_next(r->jr, rec, msg, sizeof(msg));
        if (got > 0) {
            return true;
        }
        if (got == 0) {
            r->at_end = true;
            return false;
        }
        LOG_WARN("%s", msg); /* a segment that cannot be read: the next */
    }
}

static void
hold_back(struct replay *r, const struct journal_record *rec)
{
    if (rec->len > r->next.cap) {
        r->next.cap = rec->len;
        r->next.data = xrealloc(r->next.data, r->next.cap);
    }
    if (rec->len) {
        memcpy(r->next.data, rec->data, rec->len);
    }
    r->next.type = rec->type;
    r->next.flags = rec->flags;
    r->next.t_ms = rec->t_ms;
    r->next.len = rec->len;
    r->have_next = true;
}

bool
replay_at(struct replay *r, int64_t t_ms, char *msg, size_t msglen)
{
    /* With an observer every record on the way is wanted: no skipping
     * ahead. */
    if (!r->positioned ||
        (r->pos_ms != INT64_MIN &&
         (t_ms < r->pos_ms ||
          (!r->observe && t_ms - r->pos_ms > READ_ON_MS)))) {
        reset(r, t_ms);
    }
    struct journal_record rec;
    while (next_record(r, &rec)) {
        if (rec.t_ms > t_ms) {
            hold_back(r, &rec);
            break;
        }
        apply(r, &rec);
    }
    r->now_ms = t_ms;
    int64_t first = 0, last = 0;
    char a[40], b[40];
    if (!r->valid || r->pos_ms == INT64_MIN || t_ms - r->pos_ms > GAP_MS) {
        if (!replay_span(r, &first, &last)) {
            snprintf(msg, msglen, "the record holds nothing readable");
            return false;
        }
        fmt(r, first, a, sizeof(a));
        fmt(r, last, b, sizeof(b));
        char at[40];
        fmt(r, t_ms, at, sizeof(at));
        if (t_ms < first || t_ms > last + GAP_MS) {
            snprintf(msg, msglen, "%s is outside the record, which holds "
                     "%s to %s", at, a, b);
        } else if (r->valid || r->pos_ms == INT64_MIN) {
            char p[40], q[40];
            fmt(r, r->pos_ms == INT64_MIN ? first : r->pos_ms, p, sizeof(p));
            if (r->have_next) {
                fmt(r, r->next.t_ms, q, sizeof(q));
            } else {
                snprintf(q, sizeof(q), "the end");
            }
            snprintf(msg, msglen, "nothing was recorded at %s: the record "
                     "has a gap from %s to %s (the wall was off or not "
                     "recording); it holds %s to %s", at, p, q, a, b);
        } else {
            snprintf(msg, msglen, "%s cannot be replayed: %s; the record "
                     "holds %s to %s", at, r->why, a, b);
        }
        return false;
    }
    return true;
}

const struct layout *
replay_layout(const struct replay *r)
{
    return r->layout;
}

uint64_t
replay_layout_gen(const struct replay *r)
{
    return r->gen;
}

struct frame_state
replay_frame_state(const struct replay *r)
{
    return (struct frame_state){
        .now_ms = r->now_ms,
        .scene = r->scene,
        .snapshots = r->set ? source_set_snapshots(r->set) : NULL,
        .nsnapshots = r->set ? source_set_count(r->set) : 0,
        .aids = &r->aids,
        .recorded = &r->recorded,
    };
}

struct revision_book *
replay_revisions(const struct replay *r)
{
    return r->book;
}

const char *
replay_focus(const struct replay *r)
{
    return r->focus;
}
