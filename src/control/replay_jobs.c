/*
 * replay_jobs: `opswall replay` in a child process for the console (see
 * the header for why a child and not a thread of the wall).
 */
#include "control/replay_jobs.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/file.h"
#include "base/timeutil.h"
#include "base/xalloc.h"

#define LOG_MODULE "replay"
#include "base/log.h"

extern char **environ;

/* A child drawing a frame or reading a day of record: bounded. */
#define JOB_TIMEOUT_MS 20000
/* Below the wall's render thread, which keeps its frames. */
#define JOB_NICE 10
#define JOB_OUT_MAX ((size_t)64 << 20)

struct replay_jobs {
    char *exe;
    pthread_mutex_t mu;
    char *dir;  /* under mu */
    bool busy;  /* under mu: a child is running */
};

struct replay_jobs *
replay_jobs_create(const char *exe)
{
    struct replay_jobs *j = xcalloc(1, sizeof(*j));
    j->exe = xstrdup(exe);
    pthread_mutex_init(&j->mu, NULL);
    return j;
}

void
replay_jobs_destroy(struct replay_jobs *j)
{
    if (!j) {
        return;
    }
    pthread_mutex_destroy(&j->mu);
    free(j->dir);
    free(j->exe);
    free(j);
}

void
replay_jobs_set_dir(struct replay_jobs *j, const char *dir)
{
    pthread_mutex_lock(&j->mu);
    free(j->dir);
    j->dir = dir ? xstrdup(dir) : NULL;
    pthread_mutex_unlock(&j->mu);
}

/* The environment without the control token: the child needs no secret. */
static char **
child_env(void)
{
    size_t n = 0;
    while (environ[n]) {
        n++;
    }
    char **env = xcalloc(n + 1, sizeof(*env));
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (strncmp(environ[i], "OPSWALL_CONTROL_TOKEN=", 22) != 0) {
            env[k++] = environ[i];
        }
    }
    return env;
}

/* Runs exe with args, stdout and stderr into files; its exit status, or
 * -1 when it could not start or ran past the bound (then killed). */
static int
run(const struct replay_jobs *j, char *const args[], const char *out,
    const char *errf)
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, out,
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&fa, 2, errf,
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
    char **env = child_env();
    pid_t pid;
    int rc = posix_spawn(&pid, j->exe, &fa, NULL, args, env);
    posix_spawn_file_actions_destroy(&fa);
    free(env);
    if (rc != 0) {
        LOG_ERR("cannot start %s: %s", j->exe, strerror(rc));
        return -1;
    }
    if (setpriority(PRIO_PROCESS, (id_t)pid, JOB_NICE) != 0) {
        LOG_WARN("replay child %d: cannot lower its priority: %s", (int)pid,
                 strerror(errno));
    }
    int64_t deadline = time_mono_ms() + JOB_TIMEOUT_MS;
    int st = 0;
    for (;;) {
        pid_t w = waitpid(pid, &st, WNOHANG);
        if (w == pid) {
            break;
        }
        if (w < 0 && errno != EINTR) {
            LOG_ERR("replay child %d: %s", (int)pid, strerror(errno));
            return -1;
        }
        if (time_mono_ms() > deadline) {
            LOG_WARN("replay child %d ran past %d s: killed", (int)pid,
                     JOB_TIMEOUT_MS / 1000);
            kill(pid, SIGKILL);
            waitpid(pid, &st, 0);
            return -1;
        }
        nanosleep(&(struct timespec){0, 10000000}, NULL);
    }
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The child's reason: its last line, without "opswall replay: ". */
static void
child_reason(const char *path, char *err, size_t n)
{
    size_t len = 0;
    char *text = file_read_all(path, 1 << 20, &len);
    const char *line = "the replay failed (see the log)";
    if (text) {
        while (len && (text[len - 1] == '\n' || text[len - 1] == '\r')) {
            text[--len] = 0;
        }
        char *nl = strrchr(text, '\n');
        line = nl ? nl + 1 : text;
        const char *pfx = "opswall replay: ";
        if (strncmp(line, pfx, strlen(pfx)) == 0) {
            line += strlen(pfx);
        }
        if (!*line) {
            line = "the replay failed (see the log)";
        }
    }
    snprintf(err, n, "%s", line);
    free(text);
}

static void
iso_utc(int64_t ms, char *buf, size_t n)
{
    struct civil_time ct;
    time_to_civil(ms, 0, &ct);
    snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", ct.year,
             ct.month, ct.day, ct.hour, ct.minute, ct.second,
             ct.millisecond);
}

/* One replay: the slot taken, the folder's name copied, a private
 * temporary folder for the child's files. */
struct job {
    char *dir;
    char tmp[64];
    char *out, *err, *png;
};

static void
release(struct replay_jobs *j)
{
    pthread_mutex_lock(&j->mu);
    j->busy = false;
    pthread_mutex_unlock(&j->mu);
}

/* An HTTP status: 0 when k is ready (the one slot is this job's), else
 * the reason in err. */
static int
job_open(struct replay_jobs *j, struct job *k, char *err, size_t n)
{
    *k = (struct job){0};
    pthread_mutex_lock(&j->mu);
    int status = 0;
    if (!j->dir) {
        snprintf(err, n, "this wall keeps no briefing record (--record "
                 "DIR, or the layout's \"record\" key)");
        status = 404;
    } else if (j->busy) {
        snprintf(err, n, "a replay is being drawn; try again in a moment");
        status = 503;
    } else {
        j->busy = true;
        k->dir = xstrdup(j->dir);
    }
    pthread_mutex_unlock(&j->mu);
    if (status) {
        return status;
    }
    const char *t = getenv("TMPDIR");
    snprintf(k->tmp, sizeof(k->tmp), "%s/opswall-xem-lai-XXXXXX",
             t && *t && strlen(t) < 32 ? t : "/tmp");
    if (!mkdtemp(k->tmp)) {
        LOG_ERR("replay: cannot make a temporary folder: %s",
                strerror(errno));
        free(k->dir);
        release(j);
        snprintf(err, n, "cannot make a temporary folder");
        return 500;
    }
    k->out = xasprintf("%s/out", k->tmp);
    k->err = xasprintf("%s/err", k->tmp);
    k->png = xasprintf("%s/frame.png", k->tmp);
    return 0;
}

static void
job_close(struct replay_jobs *j, struct job *k)
{
    unlink(k->out);
    unlink(k->err);
    unlink(k->png);
    rmdir(k->tmp);
    free(k->out);
    free(k->err);
    free(k->png);
    free(k->dir);
    release(j);
}

/* Runs the child and takes the file `take` as the answer's body. */
static int
answer(struct replay_jobs *j, char *const args[], struct job *k,
       const char *take, char **body, size_t *len, char *err, size_t n)
{
    int rc = run(j, args, k->out, k->err);
    if (rc == 0) {
        *body = file_read_all(take, JOB_OUT_MAX, len);
        if (*body) {
            return 200;
        }
        snprintf(err, n, "the replay wrote nothing");
        return 500;
    }
    if (rc == 1) {
        child_reason(k->err, err, n); /* the record cannot give it */
        return 422;
    }
    if (rc < 0) {
        snprintf(err, n, "the replay did not finish within %d s",
                 JOB_TIMEOUT_MS / 1000);
    } else {
        child_reason(k->err, err, n);
    }
    return 500;
}

int
replay_jobs_timeline(struct replay_jobs *j, int64_t from_ms, int64_t to_ms,
                     char **body, size_t *len, char *err, size_t errlen)
{
    struct job k;
    int status = job_open(j, &k, err, errlen);
    if (status) {
        return status;
    }
    char from[40], to[40];
    char *args[10] = {j->exe, "replay", k.dir, "--timeline", "--json"};
    int n = 5;
    if (from_ms != INT64_MIN) {
        iso_utc(from_ms, from, sizeof(from));
        args[n++] = "--from";
        args[n++] = from;
    }
    if (to_ms != INT64_MAX) {
        iso_utc(to_ms, to, sizeof(to));
        args[n++] = "--to";
        args[n++] = to;
    }
    status = answer(j, args, &k, k.out, body, len, err, errlen);
    job_close(j, &k);
    return status;
}

int
replay_jobs_frame(struct replay_jobs *j, int64_t at_ms, double scale,
                  char **body, size_t *len, char *err, size_t errlen)
{
    struct job k;
    int status = job_open(j, &k, err, errlen);
    if (status) {
        return status;
    }
    char at[40], sc[32];
    iso_utc(at_ms, at, sizeof(at));
    snprintf(sc, sizeof(sc), "%g", scale);
    char *args[] = {j->exe, "replay", k.dir, "--at", at, "--scale", sc,
                    "-o", k.png, NULL};
    status = answer(j, args, &k, k.png, body, len, err, errlen);
    job_close(j, &k);
    return status;
}
