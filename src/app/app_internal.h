/*
 * What the app's files share: the running wall's state.  Not for other
 * modules (they get app.h).
 */
#ifndef OPSWALL_APP_INTERNAL_H
#define OPSWALL_APP_INTERNAL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <SDL2/SDL.h>

#include "app/app.h"
#include "cluster/cluster.h"
#include "control/control_server.h"
#include "control/director.h"
#include "control/layout_watch.h"
#include "control/metrics.h"
#include "feeds/feed_http.h"
#include "feeds/source_set.h"
#include "layout/layout.h"
#include "render/output.h"
#include "render/wall.h"
#include "text/text.h"

/* An SDL user event that another thread posts at most once until the
 * main loop has taken it (the flag coalesces a burst of wake-ups). */
struct waker {
    Uint32 event;
    _Atomic bool woken;
    struct loop_wait *wait; /* the main loop's sleep, woken too */
};

struct app {
    struct app_options opt;
    char *data_dir;
    struct layout *layout;
    struct source_set *sources;
    struct feed_engine *feeds;
    /* Other threads wake the loop with one SDL user event per burst. */
    struct waker feed;  /* "snapshots are waiting" */
    struct waker video; /* "a new video picture" */
    int64_t clock_offset_ms; /* --at minus the real clock */
    struct text_cache *text;
    struct geo_cache *maps;  /* map boundaries, parsed once per process */
    struct revision_book *revisions; /* figures shown, for revisions */
    struct output *out;
    struct wall *wall;
    size_t scene;
    struct director *director;
    struct source_set *frozen;  /* the data shown while frozen, or NULL */
    struct control_server *ctl;
    struct control_tokens *tokens;   /* the control API's, with ctl */
    struct replay_jobs *replay_jobs; /* the console's replays, with ctl */
    struct waker requests;      /* "requests are queued" */
    struct layout_watch *watch;
    struct waker watched;       /* "the layout file changed" */
    struct loop_wait *wait;     /* how the main loop sleeps */
    char *reload_error;         /* the last failed reload's first error */
    FILE *audit;
    struct metrics metrics;
    struct memory_trimmer *trimmer;
    struct recorder *recorder;  /* the briefing record, or NULL */
    char *record_dir;           /* its folder */
    struct record_next {
        bool staged;              /* a reload's record waits for take-over */
        struct recorder *recorder; /* another folder, opened; else NULL */
        char *dir;
    } record_next;
    uint64_t layout_gen;        /* +1 whenever a layout is taken */
    unsigned long trimmed_at;   /* the wall's retired sets at the last trim */
    /* A cluster's master: what the render ranks are sent. */
    struct cluster *cluster;
    struct epoch_writer *epochs;
    uint64_t sent_gen;   /* the layout_gen the ranks have */
    uint64_t frame;
    /* The layout as loaded (the ranks and the record take it as text). */
    char *layout_text;
    size_t layout_len;
    struct outgoing {
        struct layout *layout;
        struct wall *wall;
        struct source_set *sources, *frozen;
        size_t scene;
        uint64_t gen;    /* its layout_gen (what the record has) */
    } old; /* A reload in progress: the wall being replaced stays on
            * screen, with its layout and data, while the new one is
            * painted a few widgets per frame (wall_prepare); then the
            * new one crossfades from it. */
};


/* Where shaders/ and assets/ are (caller frees). */
char *app_data_dir(void);

/* Any thread: wakes the main loop once per burst; never blocks. */
void waker_post(void *ctx);
/* Main thread: cleared before the work it announces is done, so work
 * arriving meanwhile posts again. */
void waker_taken(struct waker *k);

/* The wall on the screen: the outgoing one while a reload is prepared. */
struct wall *shown_wall(const struct app *a);
/* The frame state of the current layout: live or frozen data. */
struct frame_state frame_state_for(const struct app *a, int64_t now_ms);
bool write_png(struct wall *wall, const char *path);
/* F5, a saved file, the control API; false (reason kept) when the
 * layout in use stays. */
bool app_reload(struct app *a, int64_t now_ms);

/* app_control.c */
bool app_start_control(struct app *a);
/* SIGHUP: the control API's certificate and key read again. */
void app_renew_tls(struct app *a);

/* app_record.c: the record's folder, --record DIR else the layout's
 * "record" key.  start: at start (false: it cannot be used, logged).
 * stage: a reload's layout, before it is committed (false: its folder
 * cannot be used, the reason in *err; the reload must be refused).
 * take_over: when the new layout takes the glass. */
bool app_record_start(struct app *a);
bool app_record_stage(struct app *a, const struct layout *nl, char **err);
void app_record_take_over(struct app *a);
void app_record_drop_staged(struct app *a);
void app_record_fini(struct app *a);
void serve_requests(struct app *a, int64_t now_ms);

#endif
