/*
 * fuzz_epoch: libFuzzer target for the cluster's epoch packets: any bytes
 * are refused with a reason or parsed; a parsed epoch written again by a
 * fresh writer parses to the same values; applying it to a source set of
 * 4 sources never crashes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cluster/epoch.h"
#include "layout/layout.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(bool cond)
{
    if (!cond) {
        abort();
    }
}

static struct layout *
four_sources(void)
{
    static const char text[] =
        "{\"opswall\": 1, \"sources\": {\"a\": {\"url\": \"http://127.0.0.1/a\"},"
        "\"b\": {\"url\": \"http://127.0.0.1/b\"},"
        "\"c\": {\"url\": \"http://127.0.0.1/c\"},"
        "\"d\": {\"url\": \"http://127.0.0.1/d\"}},"
        "\"wall\": {\"columns\": 1, \"rows\": 1, \"width\": 1920, "
        "\"height\": 1080}, \"grid\": {\"columns\": 4, \"rows\": 4},"
        "\"scenes\": [{\"id\": \"a\", \"widgets\": []}]}";
    struct diag_list d;
    diag_list_init(&d, "fuzz.json");
    struct layout *l = layout_load_buffer("fuzz.json", text, strlen(text),
                                          &d);
    diag_list_fini(&d);
    return l;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct layout *l;
    if (!l) {
        l = four_sources();
        check(l != NULL);
    }
    struct epoch e;
    char err[256] = "";
    if (!epoch_read((const char *)data, size, &e, err, sizeof(err))) {
        check(err[0] != 0);
        epoch_free(&e);
        return 0;
    }
    struct source_set *set = source_set_create(l);
    char err2[256];
    if (epoch_apply(&e, set, err2, sizeof(err2))) {
        /* Round trip of what the set now holds. */
        struct epoch_writer *w = epoch_writer_create();
        size_t len = 0;
        char *buf = epoch_write(w, &e, source_set_snapshots(set),
                                source_set_count(set), &len);
        struct epoch back;
        check(epoch_read(buf, len, &back, err, sizeof(err)));
        check(back.frame == e.frame && back.now_ms == e.now_ms &&
              back.scene == e.scene && back.quit == e.quit);
        check((!back.focus && !e.focus) ||
              (back.focus && e.focus && strcmp(back.focus, e.focus) == 0));
        epoch_free(&back);
        free(buf);
        epoch_writer_destroy(w);
    }
    source_set_destroy(set);
    epoch_free(&e);
    return 0;
}
