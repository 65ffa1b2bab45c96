/*
 * layout_watch: tells the main thread when the layout file changed
 * (inotify on its directory, so editors that save by writing a new file
 * and renaming it are seen too).  A burst of events (an editor's several
 * writes) becomes one notification after 250 ms of quiet.  Its own
 * thread; `changed` is called from it.
 */
#ifndef OPSWALL_LAYOUT_WATCH_H
#define OPSWALL_LAYOUT_WATCH_H

struct layout_watch;

/* NULL (reason logged) when inotify is unavailable. */
struct layout_watch *layout_watch_start(const char *path,
                                        void (*changed)(void *arg),
                                        void *arg);
void layout_watch_stop(struct layout_watch *w);

#endif
