/*
 * test_director: scene selection by rotation, schedule and operator, and
 * the briefing aids, on a layout made in memory.
 *   test_director
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/timeutil.h"
#include "control/director.h"
#include "layout/layout.h"
#include "testlib.h"

static const char layout_text[] =
    "{\"opswall\": 1,\n"
    " \"wall\": {\"columns\": 1, \"rows\": 1, \"width\": 1920, "
    "\"height\": 1080},\n"
    " \"grid\": {\"columns\": 4, \"rows\": 4},\n"
    " \"rotation\": [{\"scene\": \"a\", \"dwell\": \"30s\"},\n"
    "              {\"scene\": \"b\", \"dwell\": \"10s\"}],\n"
    " \"schedule\": [{\"at\": \"07:30\", \"scene\": \"giao-ban\"}],\n"
    " \"scenes\": [\n"
    "  {\"id\": \"a\", \"widgets\": [{\"id\": \"x\", \"type\": \"clock\",\n"
    "    \"cell\": [0, 0, 4, 4]}]},\n"
    "  {\"id\": \"b\", \"widgets\": []},\n"
    "  {\"id\": \"giao-ban\", \"widgets\": []}]}\n";

static int64_t
at(const char *iso)
{
    int64_t t = 0;
    CHECK(time_parse_iso8601(iso, 420, &t), "time %s", iso);
    return t;
}

static struct layout *
load(const char *text)
{
    struct diag_list d;
    diag_list_init(&d, "mem.json");
    struct layout *l = layout_load_buffer("mem.json", text, strlen(text), &d);
    for (size_t i = 0; i < d.count; i++) {
        char *s = diag_format(&d, &d.items[i]);
        fprintf(stderr, "%s\n", s);
        free(s);
    }
    diag_list_fini(&d);
    return l;
}

static void
test_rotation_and_schedule(void)
{
    struct layout *l = load(layout_text);
    CHECK(l && l->nrotation == 2 && l->nschedule == 1, "layout loads");
    if (!l) {
        return;
    }
    int64_t t = at("2026-11-23T07:29:00+07:00");
    struct director *d = director_create(l, 0, false, t);
    CHECK(director_rotating(d) && director_scene(d) == 0, "rotation starts "
          "at its first step");
    CHECK(director_next_due(d, t) == t + 30000, "due at the dwell's end");
    CHECK(!director_tick(d, t + 29999), "not before the dwell");
    CHECK(director_tick(d, t + 30000) && director_scene(d) == 1, "then b");
    CHECK(director_tick(d, t + 40000) && director_scene(d) == 0, "b's own "
          "dwell (10 s), then a again");
    /* 07:30 passes: the briefing scene, held. */
    CHECK(director_tick(d, at("2026-11-23T07:30:00.5+07:00")) &&
          director_scene(d) == 2 && !director_rotating(d), "07:30: the "
          "briefing scene, rotation paused");
    CHECK(!director_tick(d, at("2026-11-23T09:00:00+07:00")),
          "it holds");
    /* The operator. */
    director_step(d, 1, t);
    CHECK(director_scene(d) == 0, "next wraps to the first");
    director_step(d, -1, t);
    CHECK(director_scene(d) == 2, "previous wraps to the last");
    int64_t t2 = at("2026-11-23T10:00:00+07:00");
    CHECK(director_resume(d, t2) && director_rotating(d) &&
          director_scene(d) == 0, "resume: the playlist from its start");
    /* Asleep for an hour: one step, not a burst of catching up. */
    CHECK(director_tick(d, t2 + 3600000) && director_scene(d) == 1,
          "after a long gap, one step");
    CHECK(director_next_due(d, t2 + 3600000) == t2 + 3600000 + 10000,
          "the step starts afresh");
    /* The next day's 07:30 fires again, once. */
    CHECK(director_tick(d, at("2026-11-24T07:30:00+07:00")) &&
          director_scene(d) == 2, "next day 07:30");
    director_destroy(d);

    /* Held by --scene: no rotation. */
    d = director_create(l, 1, true, t);
    CHECK(!director_rotating(d) && director_scene(d) == 1, "a chosen scene "
          "holds");
    CHECK(!director_tick(d, t + 50000), "and stays (the schedule would "
          "still switch at 07:30)");
    director_destroy(d);
    layout_destroy(l);
}

static void
test_aids(void)
{
    struct layout *l = load(layout_text);
    if (!l) {
        return;
    }
    int64_t t = at("2026-11-23T09:00:00+07:00");
    struct director *d = director_create(l, 0, true, t);
    CHECK(!director_set_focus(d, "khong-co"), "focus on a missing widget "
          "refused");
    CHECK(director_set_focus(d, "x") && strcmp(director_focus(d), "x") == 0,
          "focus on x");
    director_pick(d, 1, t);
    CHECK(director_focus(d) == NULL, "a scene change drops the focus");
    director_set_highlight(d, "Đà Nẵng");
    director_set_frozen(d, t);
    director_set_notice(d, "Họp trực tuyến lúc 10:00", t + 60000);
    const struct frame_aids *a = director_aids(d);
    CHECK(a->highlight && strcmp(a->highlight, "Đà Nẵng") == 0 &&
          a->frozen_at_ms == t && a->notice_until_ms == t + 60000 &&
          a->notice, "aids in the frame state");
    CHECK(director_next_due(d, t) == t + 60000, "due when the notice ends");
    /* Long text is cut on a character boundary. */
    char big[400];
    for (size_t i = 0; i + 2 < sizeof(big); i += 2) {
        memcpy(big + i, "\xC3\xA2", 2); /* â */
    }
    big[sizeof(big) - 2] = 'x';
    big[sizeof(big) - 1] = 0;
    director_set_notice(d, big, 0);
    a = director_aids(d);
    size_t n = strlen(a->notice);
    CHECK(n <= DIRECTOR_TEXT_MAX && n % 2 == 0, "cut at %zu bytes, whole "
          "characters", n);
    director_set_notice(d, NULL, 0);
    director_set_highlight(d, NULL);
    director_set_frozen(d, 0);
    a = director_aids(d);
    CHECK(!a->notice && !a->highlight && a->frozen_at_ms == 0, "cleared");
    director_destroy(d);
    layout_destroy(l);
}

static void
test_bad_layouts(void)
{
    static const char *const bad[] = {
        "\"rotation\": [{\"scene\": \"a\", \"dwell\": \"30s\"}, "
        "{\"scene\": \"bb\", \"dwell\": \"1m\"}],",
        "\"schedule\": [{\"at\": \"7:30\", \"scene\": \"a\"}],",
        "\"schedule\": [{\"at\": \"24:00\", \"scene\": \"a\"}],",
        "\"schedule\": [{\"at\": \"07:30\", \"scene\": \"a\"}, "
        "{\"at\": \"07:30\", \"scene\": \"b\"}],",
        "\"transition\": {\"duration\": \"5s\"},",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char text[2048];
        snprintf(text, sizeof(text),
                 "{\"opswall\": 1, %s\n"
                 " \"wall\": {\"columns\": 1, \"rows\": 1, \"width\": 1920, "
                 "\"height\": 1080},\n"
                 " \"grid\": {\"columns\": 4, \"rows\": 4},\n"
                 " \"scenes\": [{\"id\": \"a\", \"widgets\": []},\n"
                 "  {\"id\": \"b\", \"widgets\": []}]}\n", bad[i]);
        struct layout *l = load(text);
        CHECK(l == NULL, "refused: %s", bad[i]);
        layout_destroy(l);
    }
}

int
main(void)
{
    test_rotation_and_schedule();
    test_aids();
    test_bad_layouts();
    return testlib_done();
}
