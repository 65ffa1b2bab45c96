/*
 * test_epoch: the cluster's epoch packets: a round trip of everything an
 * epoch carries; only changed snapshots are sent, a re-confirmation as
 * "same data"; every truncation of a valid epoch is refused with a
 * reason; applying reproduces the master's snapshots.
 *   test_epoch
 */
#include <stdlib.h>
#include <string.h>

#include "cluster/epoch.h"
#include "layout/layout.h"
#include "testlib.h"

static struct layout *
two_sources(void)
{
    static const char text[] =
        "{\"opswall\": 1, \"sources\": {\"a\": {\"url\": \"http://127.0.0.1/a\"},"
        "\"b\": {\"url\": \"http://127.0.0.1/b\"}},"
        "\"wall\": {\"columns\": 1, \"rows\": 1, \"width\": 1920, "
        "\"height\": 1080}, \"grid\": {\"columns\": 4, \"rows\": 4},"
        "\"scenes\": [{\"id\": \"a\", \"widgets\": []}]}";
    struct diag_list d;
    diag_list_init(&d, "mem.json");
    struct layout *l = layout_load_buffer("mem.json", text, strlen(text),
                                          &d);
    diag_list_fini(&d);
    return l;
}

int
main(void)
{
    struct layout *l = two_sources();
    CHECK(l != NULL, "layout");
    if (!l) {
        return testlib_done();
    }
    struct source_set *master = source_set_create(l);
    source_set_publish(master, 0, snapshot_create(cJSON_Parse(
        "{\"v\": 1.5, \"ten\": \"Đà Nẵng\"}"), 10, 1000, 900, 1000, NULL));
    source_set_publish(master, 1, snapshot_create(NULL, 11, 0, 0, 1000,
                                                  "timeout after 5 s"));
    struct epoch_writer *w = epoch_writer_create();
    struct epoch e = {.frame = 7, .now_ms = 1795000000123LL, .scene = 2,
                      .focus = "m63",
                      .aids = {.highlight = "Huế", .frozen_at_ms = 5,
                               .notice = "Nghỉ giải lao",
                               .notice_until_ms = 6, .banner = NULL},
                      .layout_path = "/etc/opswall/wall.json",
                      .layout_text = "{\"opswall\": 1}", .layout_len = 14};
    char *urls[] = {"rtsp://127.0.0.1/cau-01", "streams/cau-2.mp4"};
    int64_t pts[] = {123456789, -40000};
    e.stream_url = urls;
    e.stream_pts = pts;
    e.nstreams = 2;
    size_t len = 0;
    char *buf = epoch_write(w, &e, source_set_snapshots(master), 2, &len);
    CHECK(epoch_writer_last_count(w) == 2, "the first epoch carries every "
          "source");
    struct epoch r;
    char err[256];
    CHECK(epoch_read(buf, len, &r, err, sizeof(err)), "reads back (%s)",
          err);
    CHECK(r.frame == 7 && r.now_ms == 1795000000123LL && r.scene == 2 &&
          r.focus && strcmp(r.focus, "m63") == 0 && r.aids.highlight &&
          strcmp(r.aids.highlight, "Huế") == 0 && r.aids.frozen_at_ms == 5 &&
          r.aids.notice_until_ms == 6 && !r.aids.banner && r.layout_text &&
          r.layout_len == 14 && !r.quit, "every field round-trips");
    CHECK(r.nstreams == 2 && strcmp(r.stream_url[1], "streams/cau-2.mp4") ==
          0 && r.stream_pts[0] == 123456789 && r.stream_pts[1] == -40000,
          "the master's picture times round-trip");
    /* Every cut of it is refused, with a reason, and never crashes. */
    int refused = 0;
    for (size_t cut = 0; cut < len; cut++) {
        struct epoch t;
        err[0] = 0;
        refused += !epoch_read(buf, cut, &t, err, sizeof(err)) && err[0];
        epoch_free(&t);
    }
    CHECK(refused == (int)len, "all %zu truncations refused (%d)", len,
          refused);
    struct source_set *rank = source_set_create(l);
    CHECK(epoch_apply(&r, rank, err, sizeof(err)), "applies (%s)", err);
    struct snapshot *const *got = source_set_snapshots(rank);
    CHECK(got[0] && got[0]->generation == 10 && got[0]->as_of_ms == 900 &&
          cJSON_GetObjectItem(got[0]->root, "v")->valuedouble == 1.5,
          "data reproduced with its generation and times");
    CHECK(got[1] && !got[1]->root && got[1]->error &&
          strcmp(got[1]->error, "timeout after 5 s") == 0,
          "a failure reproduced with its reason");
    epoch_free(&r);
    free(buf);

    /* Nothing changed: no snapshot sent. */
    struct epoch plain = {.frame = 8, .now_ms = 1795000000140LL};
    buf = epoch_write(w, &plain, source_set_snapshots(master), 2, &len);
    CHECK(epoch_writer_last_count(w) == 0, "an unchanged source is not sent "
          "again (%zu bytes)", len);
    free(buf);
    /* A re-confirmation (HTTP 304): same data, new times, alone in the
     * epoch (the smallest snapshot record there is). */
    source_set_publish(master, 0, snapshot_derive(source_set_snapshots(
                                                      master)[0],
                                                  12, 2000, 900, 2000, NULL));
    buf = epoch_write(w, &plain, source_set_snapshots(master), 2, &len);
    CHECK(epoch_writer_last_count(w) == 1, "the re-confirmed source is sent");
    CHECK(epoch_read(buf, len, &r, err, sizeof(err)) && r.nsnaps == 1 &&
          r.snaps[0].kind == 1, "as \"same data\" (%s)", err);
    CHECK(epoch_apply(&r, rank, err, sizeof(err)) &&
          source_set_snapshots(rank)[0]->generation == 12 &&
          source_set_snapshots(rank)[0]->root ==
              got[0]->root, "the rank keeps its parsed data, new times");
    epoch_free(&r);
    free(buf);
    /* "Same data" for a source the rank has no data for: refused. */
    struct source_set *fresh = source_set_create(l);
    buf = epoch_write(w, &plain, source_set_snapshots(master), 2, &len);
    free(buf);
    source_set_publish(master, 0, snapshot_derive(source_set_snapshots(
                                                      master)[0],
                                                  13, 3000, 900, 3000, NULL));
    buf = epoch_write(w, &plain, source_set_snapshots(master), 2, &len);
    CHECK(epoch_read(buf, len, &r, err, sizeof(err)) &&
          !epoch_apply(&r, fresh, err, sizeof(err)) && strstr(err, "none"),
          "\"same data\" without earlier data is refused: %s", err);
    epoch_free(&r);
    free(buf);
    source_set_destroy(fresh);
    source_set_destroy(rank);
    source_set_destroy(master);
    epoch_writer_destroy(w);
    layout_destroy(l);
    return testlib_done();
}
