/*
 * app_record: which folder the briefing record goes to (--record DIR, else
 * the layout's "record" key) and following it across reloads.  A reload
 * naming another folder opens it while the new layout is prepared, so a
 * folder that cannot be used refuses the reload with the reason and the
 * wall goes on recording where it did; the switch happens when the new
 * layout takes the glass, which is when the record follows it.
 */
#define LOG_MODULE "app"
#include "app/app_internal.h"

#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/xalloc.h"
#include "control/replay_jobs.h"
#include "record/journal.h"
#include "record/recorder.h"

/* The console's replays read where the wall records. */
static void
tell_console(const struct app *a)
{
    if (a->replay_jobs) {
        replay_jobs_set_dir(a->replay_jobs, a->record_dir);
    }
}

/* The folder a layout is recorded into: --record wins. */
static const char *
wanted_dir(const struct app *a, const struct layout *l)
{
    return a->opt.record_dir ? a->opt.record_dir : l->record.dir;
}

static void
opts_of(const struct layout *l, struct journal_opts *o)
{
    journal_opts_default(o);
    if (l->record.keep_ms > 0) {
        o->keep_ms = l->record.keep_ms;
    }
    if (l->record.max_bytes > 0) {
        o->max_bytes = l->record.max_bytes;
    }
}

static struct recorder *
open_dir(const char *dir, const struct layout *l, char *msg, size_t n)
{
    struct journal_opts o;
    opts_of(l, &o);
    return recorder_create(dir, &o, msg, n);
}

bool
app_record_start(struct app *a)
{
    const char *dir = wanted_dir(a, a->layout);
    if (!dir) {
        return true;
    }
    char msg[512];
    a->recorder = open_dir(dir, a->layout, msg, sizeof(msg));
    if (!a->recorder) {
        /* A wall asked to keep a record must not run without one
         * unnoticed. */
        LOG_ERR("%s", msg);
        return false;
    }
    a->record_dir = xstrdup(dir);
    tell_console(a);
    LOG_INFO("recording into %s", dir);
    return true;
}

void
app_record_drop_staged(struct app *a)
{
    recorder_destroy(a->record_next.recorder);
    free(a->record_next.dir);
    a->record_next = (struct record_next){0};
}

bool
app_record_stage(struct app *a, const struct layout *nl, char **err)
{
    app_record_drop_staged(a);
    const char *dir = wanted_dir(a, nl);
    a->record_next.staged = true;
    if (!dir || (a->record_dir && strcmp(dir, a->record_dir) == 0)) {
        return true; /* no record, or the same folder */
    }
    char msg[512];
    a->record_next.recorder = open_dir(dir, nl, msg, sizeof(msg));
    if (!a->record_next.recorder) {
        a->record_next.staged = false;
        *err = xasprintf("%s: record: %s", nl->path, msg);
        return false;
    }
    a->record_next.dir = xstrdup(dir);
    return true;
}

void
app_record_take_over(struct app *a)
{
    if (!a->record_next.staged) {
        return;
    }
    const char *dir = wanted_dir(a, a->layout);
    if (a->record_next.recorder) {
        recorder_destroy(a->recorder); /* syncs what it has */
        free(a->record_dir);
        a->recorder = a->record_next.recorder;
        a->record_dir = a->record_next.dir;
        a->record_next = (struct record_next){0};
        tell_console(a);
        LOG_INFO("recording into %s", a->record_dir);
        return;
    }
    a->record_next.staged = false;
    if (!dir && a->recorder) {
        LOG_WARN("recording stopped: the layout has no \"record\" key");
        recorder_destroy(a->recorder);
        a->recorder = NULL;
        free(a->record_dir);
        a->record_dir = NULL;
        tell_console(a);
    } else if (a->recorder) {
        struct journal_opts o;
        opts_of(a->layout, &o);
        recorder_set_retention(a->recorder, o.keep_ms, o.max_bytes);
    }
}

void
app_record_fini(struct app *a)
{
    app_record_drop_staged(a);
    recorder_destroy(a->recorder); /* writes and syncs what is queued */
    a->recorder = NULL;
    free(a->record_dir);
    a->record_dir = NULL;
    tell_console(a);
}
