/*
 * epoch: a hand-written binary framing rather than JSON for the packet
 * itself, because the data it carries is already JSON text (sent as is)
 * and the rest is a handful of integers; MPI moves the bytes.
 */
#include "cluster/epoch.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"

struct epoch_writer {
    struct snapshot **sent; /* per source: the last one sent (a ref) */
    size_t n;
    size_t last_count;
};

bool
epoch_writer_has(const struct epoch_writer *w, size_t i,
                 const struct snapshot *s)
{
    return i < w->n && w->sent[i] == s;
}

size_t
epoch_writer_last_count(const struct epoch_writer *w)
{
    return w->last_count;
}

struct epoch_writer *
epoch_writer_create(void)
{
    return xcalloc(1, sizeof(struct epoch_writer));
}

void
epoch_writer_reset(struct epoch_writer *w)
{
    for (size_t i = 0; i < w->n; i++) {
        if (w->sent[i]) {
            snapshot_unref(w->sent[i]);
        }
    }
    free(w->sent);
    w->sent = NULL;
    w->n = 0;
}

void
epoch_writer_destroy(struct epoch_writer *w)
{
    if (w) {
        epoch_writer_reset(w);
        free(w);
    }
}

struct buf {
    char *p;
    size_t len, cap;
};

static void
put(struct buf *b, const void *data, size_t n)
{
    if (b->len + n > b->cap) {
        b->cap = (b->len + n) * 2 + 256;
        b->p = xrealloc(b->p, b->cap);
    }
    memcpy(b->p + b->len, data, n);
    b->len += n;
}

/* Little-endian on the wire whatever the host. */
static void
put_u64(struct buf *b, uint64_t v)
{
    unsigned char c[8];
    for (int i = 0; i < 8; i++) {
        c[i] = (unsigned char)(v >> (8 * i));
    }
    put(b, c, 8);
}

static void
put_u32(struct buf *b, uint32_t v)
{
    unsigned char c[4];
    for (int i = 0; i < 4; i++) {
        c[i] = (unsigned char)(v >> (8 * i));
    }
    put(b, c, 4);
}

static void
put_str(struct buf *b, const char *s, size_t n)
{
    put_u32(b, (uint32_t)n);
    put(b, s ? s : "", n);
}

static void
put_cstr(struct buf *b, const char *s)
{
    put_str(b, s, s ? strlen(s) : 0);
}

char *
epoch_write(struct epoch_writer *w, const struct epoch *e,
            struct snapshot *const *snaps, size_t nsnaps, size_t *len)
{
    struct buf b = {0};
    put(&b, "OWE1", 4);
    put_u64(&b, e->frame);
    put_u64(&b, (uint64_t)e->now_ms);
    put_u32(&b, e->scene);
    put_cstr(&b, e->focus);
    put_cstr(&b, e->aids.highlight);
    put_u64(&b, (uint64_t)e->aids.frozen_at_ms);
    put_cstr(&b, e->aids.notice);
    put_u64(&b, (uint64_t)e->aids.notice_until_ms);
    put_cstr(&b, e->aids.banner);
    unsigned char flags = (e->quit ? 1 : 0) | (e->layout_text ? 2 : 0);
    put(&b, &flags, 1);
    if (e->layout_text) {
        put_cstr(&b, e->layout_path);
        put_str(&b, e->layout_text, e->layout_len);
    }
    put_u32(&b, (uint32_t)e->nstreams);
    for (size_t i = 0; i < e->nstreams; i++) {
        put_cstr(&b, e->stream_url[i]);
        put_u64(&b, (uint64_t)e->stream_pts[i]);
    }
    if (w->n != nsnaps) {
        epoch_writer_reset(w);
        w->sent = xcalloc(nsnaps ? nsnaps : 1, sizeof(*w->sent));
        w->n = nsnaps;
    }
    size_t count_at = b.len;
    put_u32(&b, 0);
    uint32_t count = 0;
    for (size_t i = 0; i < nsnaps; i++) {
        struct snapshot *s = snaps ? snaps[i] : NULL;
        if (!s || s == w->sent[i]) {
            continue;
        }
        put_u32(&b, (uint32_t)i);
        put_u64(&b, s->generation);
        put_u64(&b, (uint64_t)s->fetched_ms);
        put_u64(&b, (uint64_t)s->as_of_ms);
        put_u64(&b, (uint64_t)s->attempt_ms);
        bool same = w->sent[i] && s->data && w->sent[i]->data == s->data;
        unsigned char kind = !s->root ? 0 : same ? 1 : 2;
        put(&b, &kind, 1);
        put_cstr(&b, s->error);
        if (kind == 2) {
            char *json = cJSON_PrintUnformatted(s->root);
            put_cstr(&b, json);
            free(json);
        }
        if (w->sent[i]) {
            snapshot_unref(w->sent[i]);
        }
        w->sent[i] = snapshot_ref(s);
        count++;
    }
    for (int k = 0; k < 4; k++) {
        b.p[count_at + (size_t)k] = (char)(count >> (8 * k));
    }
    w->last_count = count;
    *len = b.len;
    return b.p;
}

struct rd {
    const unsigned char *p;
    size_t left;
    char *err;
    size_t errlen;
    bool ok;
};

static bool
fail(struct rd *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static bool
fail(struct rd *r, const char *fmt, ...)
{
    if (r->ok) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(r->err, r->errlen, fmt, ap);
        va_end(ap);
    }
    r->ok = false;
    return false;
}

static bool
take(struct rd *r, void *out, size_t n, const char *what)
{
    if (!r->ok) {
        return false;
    }
    if (r->left < n) {
        return fail(r, "epoch cut short in %s", what);
    }
    memcpy(out, r->p, n);
    r->p += n;
    r->left -= n;
    return true;
}

static uint64_t
get_u64(struct rd *r, const char *what)
{
    unsigned char c[8] = {0};
    take(r, c, 8, what);
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) {
        v = (v << 8) | c[i];
    }
    return v;
}

static uint32_t
get_u32(struct rd *r, const char *what)
{
    unsigned char c[4] = {0};
    take(r, c, 4, what);
    return (uint32_t)c[0] | (uint32_t)c[1] << 8 | (uint32_t)c[2] << 16 |
           (uint32_t)c[3] << 24;
}

/* A NUL-terminated copy; NULL for the empty string when empty_null. */
static char *
get_str(struct rd *r, const char *what, bool empty_null, size_t *len_out)
{
    uint32_t n = get_u32(r, what);
    if (!r->ok) {
        return NULL;
    }
    if (n > r->left) {
        fail(r, "%s: length %u, only %zu bytes left", what, n, r->left);
        return NULL;
    }
    if (memchr(r->p, 0, n)) {
        fail(r, "%s: a NUL byte inside", what);
        return NULL;
    }
    char *s = NULL;
    if (n > 0 || !empty_null) {
        s = xstrndup((const char *)r->p, n);
    }
    r->p += n;
    r->left -= n;
    if (len_out) {
        *len_out = n;
    }
    return s;
}

bool
epoch_read(const char *buf, size_t len, struct epoch *e, char *err,
           size_t errlen)
{
    *e = (struct epoch){0};
    struct rd r = {(const unsigned char *)buf, len, err, errlen, true};
    char magic[4] = {0};
    if (len > EPOCH_MAX_BYTES) {
        return fail(&r, "epoch of %zu bytes is over the limit", len);
    }
    take(&r, magic, 4, "magic");
    if (r.ok && memcmp(magic, "OWE1", 4) != 0) {
        return fail(&r, "not an epoch (bad magic)");
    }
    e->frame = get_u64(&r, "frame");
    e->now_ms = (int64_t)get_u64(&r, "time");
    e->scene = get_u32(&r, "scene");
    e->focus = get_str(&r, "focus", true, NULL);
    e->aids.highlight = get_str(&r, "highlight", true, NULL);
    e->aids.frozen_at_ms = (int64_t)get_u64(&r, "frozen_at");
    e->aids.notice = get_str(&r, "notice", true, NULL);
    e->aids.notice_until_ms = (int64_t)get_u64(&r, "notice_until");
    e->aids.banner = get_str(&r, "banner", true, NULL);
    unsigned char flags = 0;
    take(&r, &flags, 1, "flags");
    if (r.ok && (flags & ~3u)) {
        fail(&r, "unknown flags 0x%x", flags);
    }
    e->quit = flags & 1;
    if (r.ok && (flags & 2)) {
        e->layout_path = get_str(&r, "layout path", false, NULL);
        e->layout_text = get_str(&r, "layout", false, &e->layout_len);
    }
    uint32_t ns = get_u32(&r, "stream count");
    /* Each stream takes at least 12 bytes. */
    if (r.ok && ns > r.left / 12) {
        fail(&r, "%u streams cannot fit in %zu bytes", ns, r.left);
    }
    if (r.ok && ns) {
        e->stream_url = xcalloc(ns, sizeof(*e->stream_url));
        e->stream_pts = xcalloc(ns, sizeof(*e->stream_pts));
    }
    for (uint32_t i = 0; r.ok && i < ns; i++) {
        e->stream_url[i] = get_str(&r, "stream url", false, NULL);
        e->nstreams++; /* freed with the epoch, even if cut short */
        e->stream_pts[i] = (int64_t)get_u64(&r, "stream time");
    }
    uint32_t count = get_u32(&r, "snapshot count");
    /* Each snapshot takes at least 41 bytes (index, generation, three
     * times, kind, an empty error): no huge allocation from a lying
     * count. */
    if (r.ok && count > r.left / 41) {
        fail(&r, "%u snapshots cannot fit in %zu bytes", count, r.left);
    }
    if (r.ok && count) {
        e->snaps = xcalloc(count, sizeof(*e->snaps));
    }
    for (uint32_t i = 0; r.ok && i < count; i++) {
        struct epoch_snap *s = &e->snaps[e->nsnaps++];
        s->index = get_u32(&r, "snapshot index");
        s->generation = get_u64(&r, "generation");
        s->fetched_ms = (int64_t)get_u64(&r, "fetched");
        s->as_of_ms = (int64_t)get_u64(&r, "as_of");
        s->attempt_ms = (int64_t)get_u64(&r, "attempt");
        unsigned char kind = 9;
        take(&r, &kind, 1, "kind");
        if (r.ok && kind > 2) {
            fail(&r, "snapshot %u: unknown kind %u", i, kind);
        }
        s->kind = kind;
        s->error = get_str(&r, "error", true, NULL);
        if (r.ok && kind == 2) {
            size_t n = 0;
            char *json = get_str(&r, "data", false, &n);
            s->root = json ? cJSON_ParseWithLength(json, n) : NULL;
            if (r.ok && !s->root) {
                fail(&r, "snapshot %u: its data is not JSON", i);
            }
            free(json);
        }
    }
    if (r.ok && r.left) {
        fail(&r, "%zu bytes after the epoch", r.left);
    }
    return r.ok;
}

void
epoch_free(struct epoch *e)
{
    free(e->focus);
    free((char *)e->aids.highlight);
    free((char *)e->aids.notice);
    free((char *)e->aids.banner);
    free(e->layout_path);
    free(e->layout_text);
    for (size_t i = 0; i < e->nstreams; i++) {
        free(e->stream_url[i]);
    }
    free(e->stream_url);
    free(e->stream_pts);
    for (size_t i = 0; i < e->nsnaps; i++) {
        cJSON_Delete(e->snaps[i].root);
        free(e->snaps[i].error);
    }
    free(e->snaps);
    *e = (struct epoch){0};
}

bool
epoch_apply(struct epoch *e, struct source_set *set, char *err,
            size_t errlen)
{
    size_t n = source_set_count(set);
    for (size_t i = 0; i < e->nsnaps; i++) {
        struct epoch_snap *s = &e->snaps[i];
        if (s->index >= n) {
            snprintf(err, errlen, "snapshot for source %u of %zu", s->index,
                     n);
            return false;
        }
        struct snapshot *prev = source_set_snapshots(set)[s->index];
        struct snapshot *snap;
        if (s->kind == 1) {
            if (!prev || !prev->root) {
                snprintf(err, errlen, "source %u: \"same data\" with none "
                         "before", s->index);
                return false;
            }
            snap = snapshot_derive(prev, s->generation, s->fetched_ms,
                                   s->as_of_ms, s->attempt_ms, s->error);
        } else {
            snap = snapshot_create(s->root, s->generation, s->fetched_ms,
                                   s->as_of_ms, s->attempt_ms, s->error);
            s->root = NULL; /* the snapshot owns it now */
        }
        source_set_publish(set, s->index, snap);
    }
    return true;
}
