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
