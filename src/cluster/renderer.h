/*
 * renderer: what MPI ranks 1.. of a cluster run instead of the usual main
 * loop: receive an epoch, apply it (a layout, the data that changed, the
 * scene, the aids), render this rank's region of the canvas, report the
 * frame's work (the swap lock), swap.  No feeds, no control API, no clock
 * of its own: everything comes from the master.  Main thread only.
 */
#ifndef OPSWALL_RENDERER_H
#define OPSWALL_RENDERER_H

#include <stdbool.h>

#include "cluster/cluster.h"
#include "render/output.h"

struct renderer_opts {
    const char *data_dir;     /* shaders/, assets/ */
    enum output_mode mode;
    int display;
    double scale;
    bool still;               /* render: one frame, gathered to the master */
};

/* Runs until the master says quit (run) or for one frame (still).
 * Returns a process exit status. */
int renderer_run(struct cluster *c, const struct renderer_opts *o);

#endif
