/*
 * snapshot: refcounting with C11 atomics; the data itself is never written
 * after creation, which is what makes sharing it across threads safe.
 */
#include "feeds/snapshot.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"

struct snapshot *
snapshot_create(cJSON *root, uint64_t generation, int64_t fetched_ms,
                int64_t as_of_ms, int64_t attempt_ms, const char *error)
{
    struct snapshot *s = xcalloc(1, sizeof(*s));
    atomic_init((_Atomic int *)&s->refs, 1);
    s->generation = generation;
    if (root) {
        s->data = xcalloc(1, sizeof(*s->data));
        atomic_init((_Atomic int *)&s->data->refs, 1);
        s->data->root = root;
        s->root = root;
    }
    s->fetched_ms = fetched_ms;
    s->as_of_ms = as_of_ms;
    s->attempt_ms = attempt_ms;
    s->error = error ? xstrdup(error) : NULL;
    return s;
}

struct snapshot *
snapshot_derive(const struct snapshot *prev, uint64_t generation,
                int64_t fetched_ms, int64_t as_of_ms, int64_t attempt_ms,
                const char *error)
{
    struct snapshot *s = snapshot_create(NULL, generation, fetched_ms,
                                         as_of_ms, attempt_ms, error);
    if (prev && prev->data) {
        atomic_fetch_add((_Atomic int *)&prev->data->refs, 1);
        s->data = prev->data;
        s->root = prev->data->root;
    }
    return s;
}

struct snapshot *
snapshot_ref(struct snapshot *s)
{
    if (s) {
        atomic_fetch_add((_Atomic int *)&s->refs, 1);
    }
    return s;
}

void
snapshot_unref(struct snapshot *s)
{
    if (!s || atomic_fetch_sub((_Atomic int *)&s->refs, 1) != 1) {
        return;
    }
    if (s->data && atomic_fetch_sub((_Atomic int *)&s->data->refs, 1) == 1) {
        cJSON_Delete(s->data->root);
        free(s->data);
    }
    free(s->error);
    free(s);
}

enum source_state
snapshot_state(const struct snapshot *s, const struct layout_source *src,
               int64_t now_ms)
{
    if (!s || !s->root) {
        return s && s->error ? SOURCE_STATE_ERROR : SOURCE_STATE_NO_DATA;
    }
    if (s->error) {
        return SOURCE_STATE_ERROR;
    }
    if (now_ms - s->as_of_ms > src->stale_after_ms) {
        return SOURCE_STATE_STALE;
    }
    /* Late: the next poll should have landed (1.5 periods, for jitter). */
    if (now_ms - s->attempt_ms > src->every_ms + src->every_ms / 2) {
        return SOURCE_STATE_LATE;
    }
    return SOURCE_STATE_OK;
}

const char *
snapshot_state_name(enum source_state st)
{
    static const char *const names[] = {"no-data", "ok", "late", "stale",
                                        "error"};
    return names[st];
}

bool
jsonptr_has_wildcard(const char *p)
{
    for (; p && *p; p++) {
        if (p[0] == '/' && p[1] == '*' && (p[2] == '/' || p[2] == '\0')) {
            return true;
        }
    }
    return false;
}

static size_t
select_at(const cJSON *node, const char *pattern, const cJSON **out,
          size_t max, size_t n, int depth)
{
    if (!node || n >= max || depth > 32) {
        return n;
    }
    /* Up to the next wildcard segment, resolve as a plain pointer. */
    const char *star = NULL;
    for (const char *p = pattern; *p; p++) {
        if (p[0] == '/' && p[1] == '*' && (p[2] == '/' || p[2] == '\0')) {
            star = p;
            break;
        }
    }
    if (!star) {
        const cJSON *v = jsonptr_get(node, pattern);
        if (v) {
            out[n++] = v;
        }
        return n;
    }
    char prefix[512];
    size_t plen = (size_t)(star - pattern);
    if (plen >= sizeof(prefix)) {
        return n;
    }
    memcpy(prefix, pattern, plen);
    prefix[plen] = '\0';
    const cJSON *base = jsonptr_get(node, prefix);
    if (!cJSON_IsArray(base) && !cJSON_IsObject(base)) {
        return n;
    }
    const char *rest = star + 2;
    for (const cJSON *c = base->child; c && n < max; c = c->next) {
        n = select_at(c, rest, out, max, n, depth + 1);
    }
    return n;
}

size_t
jsonptr_select(const cJSON *root, const char *pattern, const cJSON **out,
               size_t max)
{
    if (!root || !pattern) {
        return 0;
    }
    return select_at(root, pattern, out, max, 0, 0);
}

const cJSON *
jsonptr_get(const cJSON *root, const char *pointer)
{
    if (!root || !pointer) {
        return NULL;
    }
    const cJSON *cur = root;
    const char *p = pointer;
    if (*p == '\0') {
        return cur;
    }
    if (*p != '/') {
        return NULL;
    }
    char token[256];
    while (*p == '/') {
        p++;
        size_t n = 0;
        while (*p && *p != '/') {
            char c = *p++;
            if (c == '~') {
                if (*p == '0') {
                    c = '~';
                } else if (*p == '1') {
                    c = '/';
                } else {
                    return NULL;
                }
                p++;
            }
            if (n + 1 >= sizeof(token)) {
                return NULL;
            }
            token[n++] = c;
        }
        token[n] = '\0';
        if (cJSON_IsArray(cur)) {
            /* Array index: digits only, no leading zeros (RFC 6901 §4). */
            if (n == 0 || (n > 1 && token[0] == '0') ||
                strspn(token, "0123456789") != n || n > 9) {
                return NULL;
            }
            cur = cJSON_GetArrayItem(cur, (int)strtol(token, NULL, 10));
        } else if (cJSON_IsObject(cur)) {
            cur = cJSON_GetObjectItemCaseSensitive(cur, token);
        } else {
            return NULL;
        }
        if (!cur) {
            return NULL;
        }
    }
    return cur;
}
