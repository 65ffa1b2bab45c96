/*
 * source_file: file sources, and the payload parsing every source shares:
 * size cap, JSON parse (cJSON, depth-capped by cJSON itself), and the
 * payload's own timestamp through the source's `as_of` pointer.
 */
#define LOG_MODULE "source"
#include "feeds/source_file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/timeutil.h"
#include "base/xalloc.h"
#include "feeds/adapter.h"

struct snapshot *
source_parse_payload(const struct layout_source *src, const char *body,
                     size_t len, uint64_t generation, int64_t now_ms,
                     int utc_offset_min)
{
    if (len > SOURCE_MAX_BODY) {
        return snapshot_create(NULL, generation, 0, 0, now_ms,
                               "payload larger than 8 MiB");
    }
    cJSON *root = cJSON_ParseWithLength(body, len);
    if (!root) {
        return snapshot_create(NULL, generation, 0, 0, now_ms,
                               "payload is not valid JSON");
    }
    return source_adapt_tree(src, root, generation, now_ms, utc_offset_min);
}

struct snapshot *
source_adapt_tree(const struct layout_source *src, cJSON *root,
                  uint64_t generation, int64_t now_ms, int utc_offset_min)
{
    enum feed_format fmt = FEED_FORMAT_JSON;
    if (src->format && !adapter_format_from_name(src->format, &fmt)) {
        cJSON_Delete(root);
        return snapshot_create(NULL, generation, 0, 0, now_ms,
                               "unknown payload format");
    }
    char why[256];
    root = adapter_apply(fmt, root, why, sizeof(why));
    if (!root) {
        return snapshot_create(NULL, generation, 0, 0, now_ms, why);
    }
    int64_t as_of = now_ms;
    if (src->as_of_pointer) {
        const cJSON *t = jsonptr_get(root, src->as_of_pointer);
        int64_t parsed;
        if (cJSON_IsString(t) &&
            time_parse_iso8601(t->valuestring, utc_offset_min, &parsed)) {
            as_of = parsed;
        } else {
            /* Without its time the data cannot claim to be current. */
            cJSON_Delete(root);
            return snapshot_create(NULL, generation, 0, 0, now_ms,
                                   "payload has no valid as_of timestamp");
        }
    }
    return snapshot_create(root, generation, now_ms, as_of, now_ms, NULL);
}

struct snapshot *
source_file_load(const struct layout *layout, const struct layout_source *src,
                 uint64_t generation, int64_t now_ms)
{
    char *path = layout_resolve_path(layout, src->url + 5);
    FILE *f = fopen(path, "rb");
    if (!f) {
        char *why = xasprintf("cannot open %s: %s", path, strerror(errno));
        LOG_WARN("source \"%s\": %s", src->name, why);
        struct snapshot *s = snapshot_create(NULL, generation, 0, 0, now_ms,
                                             why);
        free(why);
        free(path);
        return s;
    }
    char *buf = xmalloc(SOURCE_MAX_BODY + 1);
    size_t len = fread(buf, 1, SOURCE_MAX_BODY + 1, f);
    bool failed = ferror(f);
    fclose(f);
    struct snapshot *s;
    if (failed) {
        s = snapshot_create(NULL, generation, 0, 0, now_ms, "read error");
    } else {
        s = source_parse_payload(src, buf, len, generation, now_ms,
                                 layout->utc_offset_min);
    }
    if (s->error) {
        LOG_WARN("source \"%s\" (%s): %s", src->name, path, s->error);
    }
    free(buf);
    free(path);
    return s;
}
