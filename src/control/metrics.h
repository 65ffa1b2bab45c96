/*
 * metrics: the wall's own health in the Prometheus text format (version
 * 0.0.4): frame times as a histogram, presented and dropped frames, paint
 * and upload time per widget, source states and ages, stream states,
 * memory, control requests, reloads.  The main thread records and renders
 * (on request through the control API).
 */
#ifndef OPSWALL_METRICS_H
#define OPSWALL_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "cluster/cluster.h"
#include "control/control_server.h"
#include "feeds/snapshot.h"
#include "layout/layout.h"
#include "record/journal.h"
#include "render/output.h"
#include "render/wall.h"
#include "text/text.h"

#define METRICS_FRAME_BUCKETS 10
/* A frame's work over this missed a 60 Hz refresh: counted as dropped. */
#define METRICS_FRAME_BUDGET_S (1.0 / 60)

struct metrics {
    uint64_t frame_bucket[METRICS_FRAME_BUCKETS]; /* cumulative on output */
    uint64_t frames;     /* frames presented */
    double frame_sum_s;
    uint64_t dropped;
    uint64_t loops;      /* loop iterations, presented or not */
    uint64_t reloads, reload_errors;
    uint64_t record_cpu_ns; /* the main thread's recorder work */
};

/* A presented frame that took seconds of work (update + present). */
void metrics_frame(struct metrics *m, double seconds);

struct metrics_view {
    const struct metrics *m;
    const struct layout *layout;
    struct snapshot *const *snapshots; /* per layout source */
    int64_t now_ms;
    const struct wall *wall;
    const char *scene;
    int frozen;
    const struct control_counts *control; /* NULL without the API */
    const struct cluster_stats *cluster;  /* NULL when not a cluster */
    const struct output_stats *present;   /* NULL: none */
    int cluster_ranks;                    /* MPI ranks, the master too */
    unsigned long trims;                  /* free pages given back */
    double trim_s;                        /* their time, off the main loop */
    const struct text_stats *text;        /* the mask cache; NULL: none */
    const struct journal_stats *record;   /* NULL: no record kept */
};

/* The whole exposition; caller frees. */
char *metrics_render(const struct metrics_view *v);

#endif
