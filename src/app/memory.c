/*
 * memory: glibc's mmap threshold fixed, and malloc_trim on a thread.
 */
#define LOG_MODULE "memory"
#include "app/memory.h"

#include <malloc.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include "base/log.h"
#include "base/timeutil.h"
#include "base/xalloc.h"

#if defined(__GLIBC__) && !defined(OPSWALL_SANITIZED)
#define MEMORY_GLIBC 1
#else
#define MEMORY_GLIBC 0
#endif

struct memory_trimmer {
    pthread_t thread;
    pthread_mutex_t lock;  /* protects the fields below */
    pthread_cond_t cond;
    bool asked, quit;
    unsigned long count;
    double secs;
};

void
memory_set_policy(void)
{
#if MEMORY_GLIBC
    /* 256 KiB: a video tile's picture or a widget's surface and above. */
    if (mallopt(M_MMAP_THRESHOLD, 256 * 1024) != 1) {
        LOG_WARN("mallopt(M_MMAP_THRESHOLD) refused");
    }
#endif
}

static void *
run(void *arg)
{
    struct memory_trimmer *t = arg;
    pthread_mutex_lock(&t->lock);
    while (!t->quit) {
        if (!t->asked) {
            pthread_cond_wait(&t->cond, &t->lock);
            continue;
        }
        t->asked = false;
        pthread_mutex_unlock(&t->lock);
        double t0 = time_mono_s();
#if MEMORY_GLIBC
        malloc_trim(0);
#endif
        double spent = time_mono_s() - t0;
        pthread_mutex_lock(&t->lock);
        t->count++;
        t->secs += spent;
    }
    pthread_mutex_unlock(&t->lock);
    return NULL;
}

struct memory_trimmer *
memory_trimmer_create(void)
{
    struct memory_trimmer *t = xcalloc(1, sizeof(*t));
    pthread_mutex_init(&t->lock, NULL);
    pthread_cond_init(&t->cond, NULL);
    if (pthread_create(&t->thread, NULL, run, t) != 0) {
        LOG_WARN("cannot start the memory trimmer's thread");
        pthread_cond_destroy(&t->cond);
        pthread_mutex_destroy(&t->lock);
        free(t);
        return NULL;
    }
    return t;
}

void
memory_trimmer_destroy(struct memory_trimmer *t)
{
    if (!t) {
        return;
    }
    pthread_mutex_lock(&t->lock);
    t->quit = true;
    pthread_cond_signal(&t->cond);
    pthread_mutex_unlock(&t->lock);
    pthread_join(t->thread, NULL);
    pthread_cond_destroy(&t->cond);
    pthread_mutex_destroy(&t->lock);
    free(t);
}

void
memory_trimmer_ask(struct memory_trimmer *t)
{
    if (!t) {
        return;
    }
    pthread_mutex_lock(&t->lock);
    t->asked = true;
    pthread_cond_signal(&t->cond);
    pthread_mutex_unlock(&t->lock);
}

unsigned long
memory_trimmer_count(struct memory_trimmer *t, double *secs)
{
    if (!t) {
        *secs = 0;
        return 0;
    }
    pthread_mutex_lock(&t->lock);
    unsigned long n = t->count;
    *secs = t->secs;
    pthread_mutex_unlock(&t->lock);
    return n;
}
