/*
 * cluster: one wall over several MPI ranks (Open MPI), from the main
 * thread only (MPI_THREAD_FUNNELED).
 *
 * Rank 0, the master, runs everything a single wall runs (feeds, control
 * API, scenes, clock) and sends one epoch per frame (cluster/epoch.h);
 * ranks 1.. render their region of the canvas from it.  After its frame
 * every rank reports its work time in one collective, which is also the
 * swap lock: no rank swaps before all have finished.  Waiting ranks poll
 * with short sleeps instead of MPI's busy wait, so an idle wall idles.
 *
 * A rank that dies ends the job (MPI's default error handler: mpirun
 * stops every rank); the supervisor (the systemd unit) starts it again.
 */
#ifndef OPSWALL_CLUSTER_H
#define OPSWALL_CLUSTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cluster;

/* MPI_Init_thread; NULL (reason logged) when MPI cannot start. */
struct cluster *cluster_init(int *argc, char ***argv);
/* Ends the whole job at once (MPI_Abort): for a rank that can no longer
 * keep in step, so that nothing waits for it forever. */
void cluster_abort(struct cluster *c, int code);
/* MPI_Finalize. */
void cluster_finish(struct cluster *c);
int cluster_rank(const struct cluster *c);
int cluster_size(const struct cluster *c);

/* Master: sends an epoch to every rank; what it carried, for the stats. */
enum cluster_epoch_kind { EPOCH_PLAIN, EPOCH_DATA, EPOCH_LAYOUT };
void cluster_send(struct cluster *c, const char *buf, size_t len,
                  enum cluster_epoch_kind kind);
/* Render ranks: the next epoch (caller frees). */
char *cluster_receive(struct cluster *c, size_t *len);

/* Every rank, after its frame's work (seconds) and with how far its video
 * pictures were from the master's (seconds, 0 without video): waits for
 * all ranks.  On the master the per-rank figures accumulate. */
void cluster_frame_done(struct cluster *c, double work_s, double video_s);

struct cluster_stats {
    uint64_t frames;
    uint64_t epochs, epoch_bytes;     /* sent by the master, in all */
    uint64_t data_epochs, data_bytes; /* those that carried new data */
    uint64_t layout_epochs, layout_bytes; /* those that carried a layout */
    double *wait_s;             /* per rank: time waiting for the slowest */
    uint64_t *missed;           /* per rank: frames over a 60 Hz refresh */
    double *video_s;            /* per rank: largest distance, last frame,
                                   between its pictures and the master's */
};
const struct cluster_stats *cluster_stats(const struct cluster *c);

/* Gathers each render rank's image (rows of w * 4 bytes) on the master:
 * out[i] for rank i (NULL for the master), freed by the caller. */
void cluster_gather_images(struct cluster *c, const unsigned char *mine,
                           size_t len, unsigned char **out, size_t *lens);

#endif
