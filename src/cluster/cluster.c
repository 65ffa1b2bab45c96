/*
 * cluster: MPI collectives with polite waiting.  Every collective is
 * non-blocking (MPI_Ibcast, MPI_Iallgather, ...) followed by a loop of
 * MPI_Test and short sleeps: Open MPI's blocking collectives spin a
 * core at 100 % for as long as they wait, and a render rank waits for the
 * master most of the time.
 */
#define LOG_MODULE "cluster"
#include "cluster/cluster.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mpi.h>

#include "base/log.h"
#include "base/xalloc.h"

struct cluster {
    int rank, size;
    struct cluster_stats stats;
    double *work; /* per rank, this frame */
};

/* Sleeps grow from 20 µs to 1 ms: a frame's collectives finish within
 * microseconds of each other, an idle wall's rank wakes 1000 times a
 * second at most. */
static void
wait_req(MPI_Request *req)
{
    int done = 0;
    long ns = 20000;
    for (;;) {
        MPI_Test(req, &done, MPI_STATUS_IGNORE);
        if (done) {
            return;
        }
        struct timespec ts = {0, ns};
        nanosleep(&ts, NULL);
        ns = ns < 1000000 ? ns * 2 : 1000000;
    }
}

struct cluster *
cluster_init(int *argc, char ***argv)
{
    int provided = 0;
    if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) !=
        MPI_SUCCESS) {
        LOG_ERR("MPI could not start");
        return NULL;
    }
    if (provided < MPI_THREAD_FUNNELED) {
        LOG_ERR("MPI gives no MPI_THREAD_FUNNELED (our feed and decoder "
                "threads exist beside the main thread)");
        MPI_Finalize();
        return NULL;
    }
    struct cluster *c = xcalloc(1, sizeof(*c));
    MPI_Comm_rank(MPI_COMM_WORLD, &c->rank);
    MPI_Comm_size(MPI_COMM_WORLD, &c->size);
    c->stats.wait_s = xcalloc((size_t)c->size, sizeof(double));
    c->stats.missed = xcalloc((size_t)c->size, sizeof(uint64_t));
    c->stats.video_s = xcalloc((size_t)c->size, sizeof(double));
    c->work = xcalloc((size_t)c->size * 2, sizeof(double));
    return c;
}

void
cluster_abort(struct cluster *c, int code)
{
    (void)c;
    MPI_Abort(MPI_COMM_WORLD, code);
}

void
cluster_finish(struct cluster *c)
{
    if (!c) {
        return;
    }
    MPI_Finalize();
    free(c->stats.wait_s);
    free(c->stats.missed);
    free(c->stats.video_s);
    free(c->work);
    free(c);
}

int
cluster_rank(const struct cluster *c)
{
    return c->rank;
}

int
cluster_size(const struct cluster *c)
{
    return c->size;
}

void
cluster_send(struct cluster *c, const char *buf, size_t len,
             enum cluster_epoch_kind kind)
{
    unsigned long long n = len;
    MPI_Request req;
    MPI_Ibcast(&n, 1, MPI_UNSIGNED_LONG_LONG, 0, MPI_COMM_WORLD, &req);
    wait_req(&req);
    MPI_Ibcast((void *)buf, (int)len, MPI_BYTE, 0, MPI_COMM_WORLD, &req);
    wait_req(&req);
    c->stats.epochs++;
    c->stats.epoch_bytes += len;
    if (kind == EPOCH_DATA) {
        c->stats.data_epochs++;
        c->stats.data_bytes += len;
    } else if (kind == EPOCH_LAYOUT) {
        c->stats.layout_epochs++;
        c->stats.layout_bytes += len;
    }
}

char *
cluster_receive(struct cluster *c, size_t *len)
{
    (void)c;
    unsigned long long n = 0;
    MPI_Request req;
    MPI_Ibcast(&n, 1, MPI_UNSIGNED_LONG_LONG, 0, MPI_COMM_WORLD, &req);
    wait_req(&req);
    char *buf = xmalloc(n ? (size_t)n : 1);
    MPI_Ibcast(buf, (int)n, MPI_BYTE, 0, MPI_COMM_WORLD, &req);
    wait_req(&req);
    *len = (size_t)n;
    return buf;
}

void
cluster_frame_done(struct cluster *c, double work_s, double video_s)
{
    double mine[2] = {work_s, video_s};
    MPI_Request req;
    MPI_Iallgather(mine, 2, MPI_DOUBLE, c->work, 2, MPI_DOUBLE,
                   MPI_COMM_WORLD, &req);
    wait_req(&req);
    double slowest = 0;
    for (int i = 0; i < c->size; i++) {
        slowest = c->work[2 * i] > slowest ? c->work[2 * i] : slowest;
    }
    for (int i = 0; i < c->size; i++) {
        c->stats.wait_s[i] += slowest - c->work[2 * i];
        c->stats.missed[i] += c->work[2 * i] > 1.0 / 60;
        c->stats.video_s[i] = c->work[2 * i + 1];
    }
    c->stats.frames++;
}

const struct cluster_stats *
cluster_stats(const struct cluster *c)
{
    return &c->stats;
}

void
cluster_gather_images(struct cluster *c, const unsigned char *mine,
                      size_t len, unsigned char **out, size_t *lens)
{
    int n = (int)len;
    int *counts = c->rank == 0 ? xcalloc((size_t)c->size, sizeof(int))
                               : NULL;
    MPI_Request req;
    MPI_Igather(&n, 1, MPI_INT, counts, 1, MPI_INT, 0, MPI_COMM_WORLD, &req);
    wait_req(&req);
    int *displs = NULL;
    unsigned char *all = NULL;
    if (c->rank == 0) {
        displs = xcalloc((size_t)c->size, sizeof(int));
        size_t total = 0;
        for (int i = 0; i < c->size; i++) {
            displs[i] = (int)total;
            total += (size_t)counts[i];
        }
        all = xmalloc(total ? total : 1);
    }
    MPI_Igatherv(mine, n, MPI_BYTE, all, counts, displs, MPI_BYTE, 0,
                 MPI_COMM_WORLD, &req);
    wait_req(&req);
    if (c->rank == 0) {
        for (int i = 0; i < c->size; i++) {
            lens[i] = (size_t)counts[i];
            out[i] = counts[i] ? xmalloc((size_t)counts[i]) : NULL;
            if (counts[i]) {
                memcpy(out[i], all + displs[i], (size_t)counts[i]);
            }
        }
    }
    free(all);
    free(displs);
    free(counts);
}
