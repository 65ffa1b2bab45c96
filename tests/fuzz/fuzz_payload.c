/*
 * fuzz_payload: libFuzzer target for feed payloads: parse, find the as_of
 * timestamp, resolve pointers and read numbers as widgets do.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "feeds/source_file.h"
#include "widgets/widget.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const ptrs[] = {"", "/a", "/a/0", "/a/b/c", "/0",
                                       "/~0/~1", "/value", "/data/0/value"};
    struct layout_source src = {.name = "f", .as_of_pointer = "/t",
                                .every_ms = 1000, .stale_after_ms = 5000};
    struct snapshot *s = source_parse_payload(&src, (const char *)data, size,
                                              1, 0, 420);
    if (!s->root) {
        /* Without an as_of the same bytes may still be data. */
        snapshot_unref(s);
        src.as_of_pointer = NULL;
        s = source_parse_payload(&src, (const char *)data, size, 1, 0, 420);
    }
    for (size_t i = 0; i < sizeof(ptrs) / sizeof(ptrs[0]); i++) {
        const cJSON *v = jsonptr_get(s->root, ptrs[i]);
        double d;
        (void)widget_number(v, &d);
    }
    static const char *const patterns[] = {"/*", "/*/*", "/a/*/b", "/*/0",
                                           "/*/*/*/*"};
    const cJSON *out[64];
    for (size_t i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++) {
        (void)jsonptr_select(s->root, patterns[i], out, 64);
    }
    (void)snapshot_state(s, &src, 10000);
    snapshot_unref(s);
    /* The same bytes through the Prometheus adapter. */
    static const char *const formats[] = {"prometheus", "worldbank", "sdmx"};
    for (size_t i = 0; i < 3; i++) {
        src.format = formats[i];
        s = source_parse_payload(&src, (const char *)data, size, 1, 0, 420);
        snapshot_unref(s);
    }
    return 0;
}
