/*
 * director: scene selection (rotation, schedule, operator) and the
 * briefing aids.  See director.h for the rules.
 */
#include "control/director.h"

#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"

struct director {
    const struct layout *layout;
    size_t scene;
    bool rotating;
    size_t step;           /* position in the playlist */
    int64_t step_start_ms; /* when the current step began */
    int64_t last_tick_ms;  /* schedule times in (last, now] fire */
    char *focus, *highlight, *notice, *banner;
    struct frame_aids aids;
};

static void
set_str(char **slot, const char *s)
{
    free(*slot);
    *slot = NULL;
    if (s) {
        size_t n = strlen(s);
        if (n > DIRECTOR_TEXT_MAX) {
            n = DIRECTOR_TEXT_MAX;
            /* Never cut inside a UTF-8 sequence. */
            while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) {
                n--;
            }
        }
        *slot = xstrndup(s, n);
    }
}

static void
refresh_aids(struct director *d)
{
    d->aids.highlight = d->highlight;
    d->aids.notice = d->notice;
    d->aids.banner = d->banner;
}

static void
change_scene(struct director *d, size_t scene)
{
    if (scene != d->scene) {
        d->scene = scene;
        set_str(&d->focus, NULL);
    }
}

static void
start_rotation(struct director *d, int64_t now_ms)
{
    d->rotating = d->layout->nrotation > 0;
    d->step = 0;
    d->step_start_ms = now_ms;
    if (d->rotating) {
        change_scene(d, d->layout->rotation[0].scene);
    }
}

struct director *
director_create(const struct layout *l, size_t scene, bool held,
                int64_t now_ms)
{
    struct director *d = xcalloc(1, sizeof(*d));
    d->layout = l;
    d->scene = scene < l->nscenes ? scene : 0;
    d->last_tick_ms = now_ms;
    if (!held) {
        start_rotation(d, now_ms);
    }
    return d;
}

void
director_destroy(struct director *d)
{
    if (!d) {
        return;
    }
    free(d->focus);
    free(d->highlight);
    free(d->notice);
    free(d->banner);
    free(d);
}

static bool
scene_has_widget(const struct layout_scene *s, const char *id)
{
    for (size_t i = 0; i < s->nwidgets; i++) {
        if (strcmp(s->widgets[i].id, id) == 0) {
            return true;
        }
    }
    return false;
}

void
director_relayout(struct director *d, const struct layout *l, int64_t now_ms)
{
    const char *id = d->layout->scenes[d->scene].id;
    int idx = layout_scene_index(l, id);
    bool was_rotating = d->rotating;
    d->layout = l;
    d->scene = idx >= 0 ? (size_t)idx : l->start_scene;
    if (d->focus && (idx < 0 || !scene_has_widget(&l->scenes[d->scene],
                                                  d->focus))) {
        set_str(&d->focus, NULL);
    }
    if (was_rotating || (idx < 0 && l->nrotation > 0)) {
        start_rotation(d, now_ms);
    } else {
        d->rotating = false;
    }
}

/* The latest occurrence of a minute of the day at or before now. */
static int64_t
occurrence(int minute, int utc_offset_min, int64_t now_ms)
{
    const int64_t day = 86400000;
    int64_t local = now_ms + (int64_t)utc_offset_min * 60000;
    int64_t midnight = local - ((local % day) + day) % day;
    int64_t t = midnight + (int64_t)minute * 60000;
    if (t > local) {
        t -= day;
    }
    return t - (int64_t)utc_offset_min * 60000;
}

bool
director_tick(struct director *d, int64_t now_ms)
{
    size_t before = d->scene;
    const struct layout *l = d->layout;
    /* The schedule: the latest time passed since the last tick wins. */
    int64_t best = INT64_MIN;
    size_t best_scene = 0;
    for (size_t i = 0; i < l->nschedule; i++) {
        int64_t t = occurrence(l->schedule[i].minute, l->utc_offset_min,
                               now_ms);
        if (t > d->last_tick_ms && t <= now_ms && t > best) {
            best = t;
            best_scene = l->schedule[i].scene;
        }
    }
    if (now_ms > d->last_tick_ms) {
        d->last_tick_ms = now_ms;
    }
    if (best != INT64_MIN) {
        d->rotating = false; /* a scheduled scene holds, as a pick does */
        change_scene(d, best_scene);
        return d->scene != before;
    }
    if (d->rotating) {
        int64_t dwell = l->rotation[d->step].dwell_ms;
        if (now_ms - d->step_start_ms >= dwell) {
            /* Far behind (the machine slept): start the step afresh. */
            d->step_start_ms = now_ms - d->step_start_ms >= 2 * dwell
                                   ? now_ms
                                   : d->step_start_ms + dwell;
            d->step = (d->step + 1) % l->nrotation;
            change_scene(d, l->rotation[d->step].scene);
        }
    }
    return d->scene != before;
}

int64_t
director_next_due(const struct director *d, int64_t now_ms)
{
    int64_t next = INT64_MAX;
    const struct layout *l = d->layout;
    if (d->rotating) {
        next = d->step_start_ms + l->rotation[d->step].dwell_ms;
    }
    for (size_t i = 0; i < l->nschedule; i++) {
        int64_t t = occurrence(l->schedule[i].minute, l->utc_offset_min,
                               now_ms) + 86400000;
        next = t < next ? t : next;
    }
    if (d->notice && d->aids.notice_until_ms > now_ms &&
        d->aids.notice_until_ms < next) {
        next = d->aids.notice_until_ms;
    }
    return next;
}

size_t
director_scene(const struct director *d)
{
    return d->scene;
}

bool
director_rotating(const struct director *d)
{
    return d->rotating;
}

void
director_pick(struct director *d, size_t scene, int64_t now_ms)
{
    (void)now_ms;
    if (scene < d->layout->nscenes) {
        d->rotating = false;
        change_scene(d, scene);
    }
}

void
director_step(struct director *d, int delta, int64_t now_ms)
{
    size_t n = d->layout->nscenes;
    size_t s = (d->scene + n + (size_t)(delta % (int)n + (int)n)) % n;
    director_pick(d, s, now_ms);
}

bool
director_resume(struct director *d, int64_t now_ms)
{
    if (d->layout->nrotation == 0) {
        return false;
    }
    start_rotation(d, now_ms);
    return true;
}

bool
director_set_focus(struct director *d, const char *widget)
{
    if (widget && !scene_has_widget(&d->layout->scenes[d->scene], widget)) {
        return false;
    }
    set_str(&d->focus, widget);
    return true;
}

const char *
director_focus(const struct director *d)
{
    return d->focus;
}

void
director_set_highlight(struct director *d, const char *name)
{
    set_str(&d->highlight, name);
    refresh_aids(d);
}

void
director_set_frozen(struct director *d, int64_t at_ms)
{
    d->aids.frozen_at_ms = at_ms;
}

void
director_set_notice(struct director *d, const char *text, int64_t until_ms)
{
    set_str(&d->notice, text);
    d->aids.notice_until_ms = text ? until_ms : 0;
    refresh_aids(d);
}

void
director_set_banner(struct director *d, const char *text)
{
    set_str(&d->banner, text);
    refresh_aids(d);
}

const struct frame_aids *
director_aids(const struct director *d)
{
    return &d->aids;
}
