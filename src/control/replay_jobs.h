/*
 * replay_jobs: the console's "Xem lại" answered from the briefing record
 * without touching the live wall.  Each answer is `opswall replay` run as
 * a child process at a lower CPU priority (nice 10): the record is read
 * and the frame drawn with the child's own GL context and memory, so a
 * replay can neither stall the wall's frames nor, if it fails, take the
 * wall with it.  One child at a time (a second request is told to come
 * back), each bounded in time (killed past it).  Called from the control
 * server's connection threads; the folder is set by the main thread.
 */
#ifndef OPSWALL_REPLAY_JOBS_H
#define OPSWALL_REPLAY_JOBS_H

#include <stddef.h>
#include <stdint.h>

struct replay_jobs;

/* exe: the opswall binary to run (the wall's own: "/proc/self/exe"). */
struct replay_jobs *replay_jobs_create(const char *exe);
void replay_jobs_destroy(struct replay_jobs *j);

/* The record's folder, NULL when the wall keeps none.  Any thread. */
void replay_jobs_set_dir(struct replay_jobs *j, const char *dir);

/* The span and the events of the window [from_ms, to_ms] (INT64_MIN /
 * INT64_MAX: the record's ends) as `opswall replay --timeline --json`
 * prints them.  An HTTP status: 200 with *body (malloc'd JSON), else the
 * reason in err (404 no record kept, 503 busy, 500 the child failed). */
int replay_jobs_timeline(struct replay_jobs *j, int64_t from_ms,
                         int64_t to_ms, char **body, size_t *len, char *err,
                         size_t errlen);

/* The frame at at_ms, scaled, as PNG (422 when the record cannot give
 * that moment, with the child's reason). */
int replay_jobs_frame(struct replay_jobs *j, int64_t at_ms, double scale,
                      char **body, size_t *len, char *err, size_t errlen);

#endif
