/*
 * app: the running wall and the one-frame render, as the command line
 * asks for them.  main.c parses the command line into app_options; the
 * rest of the program is behind these two calls.  Main thread only.
 */
#ifndef OPSWALL_APP_H
#define OPSWALL_APP_H

#include <stdbool.h>
#include <stdint.h>

#include "layout/layout.h"
#include "render/output.h"

struct app_options {
    const char *layout;
    const char *scene;
    const char *out;
    const char *snapshot;
    double scale;
    enum output_mode mode;
    int display;
    bool have_at;
    int64_t at_ms;
    int64_t duration_ms;
    struct rect region;
    char control_addr[64]; /* with --control, else "" */
    int control_port;
    const char *token_file;
    const char *tls_cert, *tls_key; /* --control-tls-cert/-key (PEM files) */
    const char *audit_log;
    const char *record_dir; /* --record DIR, else NULL */
    bool scale_set;
    bool cluster;
};

/* opswall replay: a moment, a span or the timeline of a record. */
struct replay_options {
    const char *dir;
    bool have_at, have_from, have_to;
    int64_t at_ms, from_ms, to_ms;
    const char *out;        /* .png for --at, a video for --from/--to */
    double scale;           /* default 1: the wall's full size */
    struct rect region;     /* {0}: the whole canvas */
    int fps;                /* a video's frames per second (default 5) */
    bool timeline;
    bool json;              /* --timeline as JSON (the console's) */
};

/* opswall run: the wall until Esc, SIGTERM (SDL_QUIT) or --duration.
 * argc/argv are passed on to MPI with --cluster.  The exit status. */
int app_run(const struct app_options *opt, int argc, char **argv);
/* opswall render: one frame into opt->out.  The exit status. */
int app_render(const struct app_options *opt, int argc, char **argv);
/* opswall replay.  The exit status (1: the record cannot give it, with
 * the reason on stderr). */
int app_replay(const struct replay_options *opt);

#endif
