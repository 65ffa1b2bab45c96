/*
 * layout_watch: inotify + poll in a thread, with a pipe to stop it.
 */
#define LOG_MODULE "watch"
#include "control/layout_watch.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "base/log.h"
#include "base/xalloc.h"

struct layout_watch {
    int ifd, stop[2];
    char *name; /* the file's name in its directory */
    void (*changed)(void *arg);
    void *arg;
    pthread_t thread;
};

/* Reads the pending events; true if one names our file. */
static bool
ours(struct layout_watch *w)
{
    char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
    bool hit = false;
    for (;;) {
        ssize_t n = read(w->ifd, buf, sizeof(buf));
        if (n <= 0) {
            return hit;
        }
        for (char *p = buf; p < buf + n;) {
            const struct inotify_event *ev = (const void *)p;
            if (ev->len && strcmp(ev->name, w->name) == 0) {
                hit = true;
            }
            p += sizeof(*ev) + ev->len;
        }
    }
}

static void *
run(void *arg)
{
    struct layout_watch *w = arg;
    bool pending = false;
    for (;;) {
        struct pollfd p[2] = {{w->ifd, POLLIN, 0}, {w->stop[0], POLLIN, 0}};
        int r = poll(p, 2, pending ? 250 : -1);
        if (r < 0 && errno != EINTR) {
            LOG_ERR("poll: %s", strerror(errno));
            return NULL;
        }
        if (p[1].revents) {
            return NULL;
        }
        if (r > 0 && (p[0].revents & POLLIN)) {
            pending |= ours(w);
            continue; /* quiet for 250 ms first */
        }
        if (r == 0 && pending) {
            pending = false;
            w->changed(w->arg);
        }
    }
}

struct layout_watch *
layout_watch_start(const char *path, void (*changed)(void *arg), void *arg)
{
    struct layout_watch *w = xcalloc(1, sizeof(*w));
    w->changed = changed;
    w->arg = arg;
    const char *slash = strrchr(path, '/');
    char *dir = slash ? xstrndup(path, (size_t)(slash - path + 1))
                      : xstrdup(".");
    w->name = xstrdup(slash ? slash + 1 : path);
    w->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    bool ok = w->ifd >= 0 &&
              inotify_add_watch(w->ifd, dir, IN_CLOSE_WRITE | IN_MOVED_TO |
                                                 IN_CREATE) >= 0 &&
              pipe(w->stop) == 0;
    if (!ok) {
        LOG_ERR("cannot watch %s for changes: %s (F5 or the control API "
                "still reload)", path, strerror(errno));
    }
    free(dir);
    if (ok && pthread_create(&w->thread, NULL, run, w) != 0) {
        ok = false;
        close(w->stop[0]);
        close(w->stop[1]);
    }
    if (!ok) {
        if (w->ifd >= 0) {
            close(w->ifd);
        }
        free(w->name);
        free(w);
        return NULL;
    }
    return w;
}

void
layout_watch_stop(struct layout_watch *w)
{
    if (!w) {
        return;
    }
    if (write(w->stop[1], "x", 1) != 1) {
        LOG_ERR("cannot stop the watcher thread");
    }
    pthread_join(w->thread, NULL);
    close(w->stop[0]);
    close(w->stop[1]);
    close(w->ifd);
    free(w->name);
    free(w);
}
