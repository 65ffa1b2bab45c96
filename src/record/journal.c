/*
 * journal: segments of checksummed, optionally deflated records; one
 * writer thread; readers that skip damage.  The format is in
 * docs/record.md.
 *
 * Why our own and not a database: what is needed is an append-only log
 * with time-named segments, a sync a second and removal of whole old
 * segments.  SQLite (WAL) would give transactions we do not need, cost a
 * write amplification we do not want on a 24/7 disk, and still need the
 * retention and the sync policy written around it; LMDB is a key-value
 * store.  zlib (already linked through libmicrohttpd) gives the checksum
 * (crc32) and the compression.
 */
#include "record/journal.h"

#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <zlib.h>

#include "base/file.h"
#include "base/timeutil.h"
#include "base/xalloc.h"

#define LOG_MODULE "journal"
#include "base/log.h"

#define SEG_MAGIC "OWJ1"
#define SEG_VERSION 2u /* 1: the same without dictionaries (still read) */
#define SEG_HEADER 16
#define REC_MAGIC "OWRC"
#define REC_HEADER 24
/* A payload is deflated when at least this long and smaller so. */
#define DEFLATE_FROM 256
/* On disk only: deflated with a preset dictionary, the type's window:
 * the last 32 KiB of the records of that type since its last key or
 * record deflated without one (as inflated).  Consecutive records of a
 * type are mostly the same bytes (a series moved on by one point, the
 * KPIs between them): the reference scene's epochs shrink several-fold. */
#define FLAG_DICT 4
/* zlib's window: a dictionary's useful length. */
#define DICT_MAX 32768
/* A record of each type without a dictionary at least this often: a
 * damaged record then costs its type's records until the next one, not
 * the rest of the segment. */
#define DICT_RESTART_MS 60000
/* A stored payload's bound: the largest record, deflate's worst case. */
#define REC_MAX_STORED (JOURNAL_MAX_RECORD + (JOURNAL_MAX_RECORD >> 8) + 64)
/* A segment file read whole: its bytes plus the last record past them. */
#define SEG_MAX_READ ((size_t)1 << 30)
#define SEG_NAME_LEN 25 /* "%016lld-%04u.owj" */

void
journal_opts_default(struct journal_opts *o)
{
    *o = (struct journal_opts){
        .seg_bytes = 16ll << 20,
        .seg_ms = 3600ll * 1000,
        .keep_ms = 31ll * 24 * 3600 * 1000,
        .max_bytes = 2ll << 30,
        .queue_bytes = 64u << 20,
        .sync_ms = 1000,
        .retry_ms = 5000,
    };
}

/* ------------------------------------------------------------- bytes */

static void
put_u32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) {
        p[i] = (unsigned char)(v >> (8 * i));
    }
}

static void
put_i64(unsigned char *p, int64_t v)
{
    uint64_t u = (uint64_t)v;
    for (int i = 0; i < 8; i++) {
        p[i] = (unsigned char)(u >> (8 * i));
    }
}

static uint32_t
get_u32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static int64_t
get_i64(const unsigned char *p)
{
    uint64_t u = 0;
    for (int i = 7; i >= 0; i--) {
        u = u << 8 | p[i];
    }
    return (int64_t)u;
}

static uint32_t
record_crc(const unsigned char *hdr, const unsigned char *payload,
           size_t len)
{
    uLong c = crc32(0L, Z_NULL, 0);
    c = crc32(c, hdr, 20);
    /* crc32 takes a uInt length: payloads are under 4 GiB (bounded). */
    c = crc32(c, payload, (uInt)len);
    return (uint32_t)c;
}

/* Segment names: the first record's time and a number for two segments
 * begun in the same millisecond; fixed width, so names sort by time. */
static bool
seg_name_parse(const char *name, int64_t *start_ms)
{
    if (strlen(name) != SEG_NAME_LEN || name[16] != '-' ||
        strcmp(name + 21, ".owj") != 0) {
        return false;
    }
    int64_t t = 0;
    for (int i = 0; i < 16; i++) {
        if (name[i] < '0' || name[i] > '9') {
            return false;
        }
        t = t * 10 + (name[i] - '0');
    }
    for (int i = 17; i < 21; i++) {
        if (name[i] < '0' || name[i] > '9') {
            return false;
        }
    }
    *start_ms = t;
    return true;
}

struct seg {
    char name[SEG_NAME_LEN + 1];
    int64_t start_ms;
    int64_t bytes;
};

static int
seg_cmp(const void *a, const void *b)
{
    return strcmp(((const struct seg *)a)->name,
                  ((const struct seg *)b)->name);
}

/* The folder's segments, sorted by time; sizes when dirfd allows.
 * Returns the count (*out: caller frees), or -1 (errno). */
static ssize_t
seg_list(int dirfd, struct seg **out)
{
    int fd = dup(dirfd);
    if (fd < 0) {
        return -1;
    }
    DIR *d = fdopendir(fd);
    if (!d) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    rewinddir(d);
    struct seg *v = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        int64_t t;
        if (!seg_name_parse(de->d_name, &t)) {
            continue;
        }
        if (n == cap) {
            cap = cap ? 2 * cap : 16;
            v = xreallocarray(v, cap, sizeof(*v));
        }
        memcpy(v[n].name, de->d_name, SEG_NAME_LEN + 1);
        v[n].start_ms = t;
        struct stat st;
        v[n].bytes = fstatat(dirfd, de->d_name, &st, 0) == 0 ? st.st_size : 0;
        n++;
    }
    closedir(d);
    if (n > 1) {
        qsort(v, n, sizeof(*v), seg_cmp);
    }
    *out = v;
    return (ssize_t)n;
}

/* ------------------------------------------------------ dictionaries */

/* Each type's window (writer: of what it wrote; reader: of what it
 * read) in the current segment. */
struct dicts {
    unsigned char *b[256];
    size_t len[256];
    int64_t plain_ms[256]; /* writer: the last record without one */
};

static void
dicts_reset(struct dicts *d)
{
    memset(d->len, 0, sizeof(d->len));
}

static void
dicts_free(struct dicts *d)
{
    for (int i = 0; i < 256; i++) {
        free(d->b[i]);
    }
}

/* A record into its type's window: it starts the window (a key, or
 * deflated without a dictionary), else it is appended, the oldest bytes
 * falling out past 32 KiB. */
static void
dicts_keep(struct dicts *d, uint8_t type, bool start, const unsigned char *p,
           size_t n)
{
    if (start) {
        d->len[type] = 0;
    }
    if (n == 0) {
        return;
    }
    if (!d->b[type]) {
        d->b[type] = xmalloc(DICT_MAX);
    }
    unsigned char *b = d->b[type];
    if (n >= DICT_MAX) {
        memcpy(b, p + n - DICT_MAX, DICT_MAX);
        d->len[type] = DICT_MAX;
        return;
    }
    size_t keep = d->len[type];
    if (keep + n > DICT_MAX) {
        size_t drop = keep + n - DICT_MAX;
        memmove(b, b + drop, keep - drop);
        keep -= drop;
    }
    memcpy(b + keep, p, n);
    d->len[type] = keep + n;
}

/* Whether a record (its flags as stored) starts its type's window. */
static bool
starts_window(uint8_t flags)
{
    return (flags & JOURNAL_FLAG_KEY) ||
           ((flags & JOURNAL_FLAG_DEFLATED) && !(flags & FLAG_DICT));
}

/* ------------------------------------------------------------ writer */

struct qrec {
    struct qrec *next;
    uint8_t type, flags;
    int64_t t_ms;
    size_t len;
    unsigned char data[];
};

struct journal {
    char *dir;
    int dirfd; /* locked (flock) for the journal's life */
    struct journal_opts o;
    pthread_t thread;

    pthread_mutex_t mu;
    pthread_cond_t work;         /* mu: records queued, stop, flush */
    pthread_cond_t done;         /* mu: synced_seq advanced */
    struct qrec *head, **tail;   /* mu */
    size_t queued;               /* mu: payload bytes queued */
    bool stop;                   /* mu */
    uint64_t queued_seq;         /* mu: records queued so far */
    uint64_t synced_seq;         /* mu: of them, written and synced */
    uint64_t flush_seq;          /* mu: a flush waits for this */
    struct journal_stats st;     /* mu */

    /* Appending thread only. */
    int64_t last_t;
    bool need_key;     /* the first record, or records were dropped */
    unsigned answered; /* full_gen when the last key was appended */

    /* Set by the writer each time a segment passes its bounds. */
    atomic_uint full_gen;

    /* Writer thread only. */
    int fd;
    int64_t seg_start, seg_written;
    unsigned seg_seq;
    bool full_said; /* full_gen raised for this segment */
    bool error_said;
    int64_t retry_at; /* monotonic ms: after a failure, ask a key again */
    unsigned char *zbuf;
    size_t zcap;
    z_stream zs; /* deflate, reset for each record */
    bool zs_ok;
    struct dicts dict;
};

static void
writer_close_segment(struct journal *j)
{
    if (j->fd >= 0) {
        if (fdatasync(j->fd) != 0) {
            LOG_WARN("%s: sync at the end of a segment: %s", j->dir,
                     strerror(errno));
        }
        close(j->fd);
        j->fd = -1;
    }
}

static void
sync_dir(struct journal *j)
{
    if (fsync(j->dirfd) != 0) {
        LOG_WARN("%s: syncing the folder: %s", j->dir, strerror(errno));
    }
}

void
journal_set_retention(struct journal *j, int64_t keep_ms, int64_t max_bytes)
{
    pthread_mutex_lock(&j->mu);
    j->o.keep_ms = keep_ms;
    j->o.max_bytes = max_bytes;
    pthread_mutex_unlock(&j->mu);
}

/* Removes the oldest segments past keep_ms or beyond max_bytes; never the
 * one being written (the newest). */
static void
writer_retain(struct journal *j, int64_t now_ms)
{
    struct seg *v = NULL;
    ssize_t n = seg_list(j->dirfd, &v);
    if (n < 0) {
        LOG_WARN("%s: listing segments: %s", j->dir, strerror(errno));
        return;
    }
    pthread_mutex_lock(&j->mu);
    int64_t keep_ms = j->o.keep_ms, max_bytes = j->o.max_bytes;
    pthread_mutex_unlock(&j->mu);
    int64_t total = 0;
    for (ssize_t i = 0; i < n; i++) {
        total += v[i].bytes;
    }
    unsigned removed = 0;
    for (ssize_t i = 0; i + 1 < n; i++) {
        /* A segment ends where the next begins. */
        bool old = v[i + 1].start_ms <= now_ms - keep_ms;
        if (!old && total <= max_bytes) {
            break;
        }
        if (unlinkat(j->dirfd, v[i].name, 0) != 0) {
            LOG_WARN("%s/%s: cannot remove: %s", j->dir, v[i].name,
                     strerror(errno));
            break;
        }
        total -= v[i].bytes;
        removed++;
    }
    free(v);
    if (removed) {
        sync_dir(j);
        pthread_mutex_lock(&j->mu);
        j->st.segments_removed += removed;
        pthread_mutex_unlock(&j->mu);
    }
}

static bool
writer_open_segment(struct journal *j, int64_t t_ms)
{
    char name[48];
    for (int tries = 0; tries < 10000; tries++) {
        snprintf(name, sizeof(name), "%016lld-%04u.owj", (long long)t_ms,
                 j->seg_seq % 10000);
        j->seg_seq++;
        j->fd = openat(j->dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
                       0600);
        if (j->fd >= 0 || errno != EEXIST) {
            break;
        }
    }
    if (j->fd < 0) {
        if (!j->error_said) {
            LOG_ERR("%s: cannot make a segment: %s (recording resumes at "
                    "the next whole state)", j->dir, strerror(errno));
            j->error_said = true;
        }
        j->retry_at = time_mono_ms() + j->o.retry_ms;
        return false;
    }
    unsigned char h[SEG_HEADER];
    memcpy(h, SEG_MAGIC, 4);
    put_u32(h + 4, SEG_VERSION);
    put_i64(h + 8, t_ms);
    if (write(j->fd, h, sizeof(h)) != (ssize_t)sizeof(h) ||
        fdatasync(j->fd) != 0) {
        if (!j->error_said) {
            LOG_ERR("%s/%s: cannot write: %s", j->dir, name, strerror(errno));
            j->error_said = true;
        }
        close(j->fd);
        j->fd = -1;
        unlinkat(j->dirfd, name, 0);
        j->retry_at = time_mono_ms() + j->o.retry_ms;
        return false;
    }
    sync_dir(j);
    dicts_reset(&j->dict); /* a segment is read alone */
    j->seg_start = t_ms;
    j->seg_written = SEG_HEADER;
    j->full_said = false;
    pthread_mutex_lock(&j->mu);
    j->st.segments_made++;
    j->st.bytes_written += SEG_HEADER;
    pthread_mutex_unlock(&j->mu);
    writer_retain(j, t_ms);
    return true;
}

static bool
write_all(int fd, const unsigned char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            return false;
        }
        p += w;
        n -= (size_t)w;
    }
    return true;
}

/* q's payload deflated (level 1: the writer's CPU is the record's cost)
 * into zbuf + 4, with its type's dictionary when dict; its length in
 * *zlen. */
static bool
writer_deflate(struct journal *j, const struct qrec *q, bool dict,
               size_t *zlen)
{
    if (!j->zs_ok) {
        if (deflateInit(&j->zs, 1) != Z_OK) {
            return false;
        }
        j->zs_ok = true;
    } else if (deflateReset(&j->zs) != Z_OK) {
        return false;
    }
    if (dict && deflateSetDictionary(&j->zs, j->dict.b[q->type],
                                     (uInt)j->dict.len[q->type]) != Z_OK) {
        return false;
    }
    size_t bound = deflateBound(&j->zs, (uLong)q->len) + 4;
    if (bound > j->zcap) {
        j->zcap = bound;
        j->zbuf = xrealloc(j->zbuf, j->zcap);
    }
    j->zs.next_in = (Bytef *)q->data;
    j->zs.avail_in = (uInt)q->len;
    j->zs.next_out = j->zbuf + 4;
    j->zs.avail_out = (uInt)(j->zcap - 4);
    if (deflate(&j->zs, Z_FINISH) != Z_STREAM_END) {
        return false;
    }
    *zlen = j->zs.total_out;
    return true;
}

/* Frames, deflates when worth it, and writes one record. */
static void
writer_put(struct journal *j, const struct qrec *q)
{
    bool key = q->flags & JOURNAL_FLAG_KEY;
    if (key && (j->fd < 0 || j->seg_written >= j->o.seg_bytes ||
                q->t_ms - j->seg_start >= j->o.seg_ms)) {
        writer_close_segment(j);
        writer_open_segment(j, q->t_ms);
    }
    if (j->fd < 0) {
        /* After a failure: the record is lost; every few seconds the
         * caller is asked for a key to try a new segment with (not every
         * frame: a key is the whole state). */
        int64_t now = time_mono_ms();
        if (now >= j->retry_at) {
            j->retry_at = now + j->o.retry_ms;
            atomic_fetch_add(&j->full_gen, 1);
        }
        pthread_mutex_lock(&j->mu);
        j->st.dropped++;
        pthread_mutex_unlock(&j->mu);
        return;
    }
    const unsigned char *payload = q->data;
    size_t plen = q->len;
    uint8_t flags = q->flags & JOURNAL_FLAG_KEY;
    /* The type's window as the dictionary: not for keys, and not a
     * minute after the window started (DICT_RESTART_MS). */
    bool dict = !(flags & JOURNAL_FLAG_KEY) && j->dict.len[q->type] &&
                q->t_ms - j->dict.plain_ms[q->type] < DICT_RESTART_MS;
    size_t zlen = 0;
    if (q->len >= DEFLATE_FROM &&
        writer_deflate(j, q, dict, &zlen) && zlen + 4 < q->len) {
        put_u32(j->zbuf, (uint32_t)q->len);
        payload = j->zbuf;
        plen = zlen + 4;
        flags |= JOURNAL_FLAG_DEFLATED | (dict ? FLAG_DICT : 0);
    }
    if (starts_window(flags)) {
        j->dict.plain_ms[q->type] = q->t_ms;
    }
    unsigned char h[REC_HEADER];
    memcpy(h, REC_MAGIC, 4);
    put_u32(h + 4, (uint32_t)plen);
    put_i64(h + 8, q->t_ms);
    h[16] = q->type;
    h[17] = flags;
    h[18] = h[19] = 0;
    put_u32(h + 20, record_crc(h, payload, plen));
    if (!write_all(j->fd, h, sizeof(h)) || !write_all(j->fd, payload, plen)) {
        if (!j->error_said) {
            LOG_ERR("%s: writing a record: %s (recording resumes in a new "
                    "segment at the next whole state)", j->dir,
                    strerror(errno));
            j->error_said = true;
        }
        close(j->fd);
        j->fd = -1;
        j->retry_at = time_mono_ms() + j->o.retry_ms;
        pthread_mutex_lock(&j->mu);
        j->st.write_errors++;
        pthread_mutex_unlock(&j->mu);
        return;
    }
    j->error_said = false;
    dicts_keep(&j->dict, q->type, starts_window(flags), q->data, q->len);
    j->seg_written += (int64_t)(sizeof(h) + plen);
    pthread_mutex_lock(&j->mu);
    j->st.records++;
    j->st.bytes_written += sizeof(h) + plen;
    pthread_mutex_unlock(&j->mu);
    if (!j->full_said && (j->seg_written >= j->o.seg_bytes ||
                          q->t_ms - j->seg_start >= j->o.seg_ms)) {
        j->full_said = true;
        atomic_fetch_add(&j->full_gen, 1);
    }
}

static void *
writer_main(void *arg)
{
    struct journal *j = arg;
    int64_t unsynced_since = -1; /* monotonic ms of the oldest unsynced */
    uint64_t written_seq = 0;
    pthread_mutex_lock(&j->mu);
    for (;;) {
        while (!j->head && !j->stop && j->flush_seq <= j->synced_seq) {
            if (unsynced_since < 0) {
                pthread_cond_wait(&j->work, &j->mu);
                continue;
            }
            int64_t due = unsynced_since + j->o.sync_ms;
            if (time_mono_ms() >= due) {
                break;
            }
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            int64_t wait = due - time_mono_ms();
            wait = wait < 1 ? 1 : wait;
            ts.tv_sec += wait / 1000;
            ts.tv_nsec += (long)(wait % 1000) * 1000000L;
            if (ts.tv_nsec >= 1000000000L) {
                ts.tv_sec++;
                ts.tv_nsec -= 1000000000L;
            }
            pthread_cond_timedwait(&j->work, &j->mu, &ts);
        }
        struct qrec *batch = j->head;
        j->head = NULL;
        j->tail = &j->head;
        j->queued = 0;
        bool stop = j->stop;
        uint64_t seq = j->queued_seq;
        pthread_mutex_unlock(&j->mu);

        for (struct qrec *q = batch, *next; q; q = next) {
            next = q->next;
            writer_put(j, q);
            free(q);
        }
        if (batch && unsynced_since < 0) {
            unsynced_since = time_mono_ms();
        }
        written_seq = seq;

        pthread_mutex_lock(&j->mu);
        bool flush = j->flush_seq > j->synced_seq;
        pthread_mutex_unlock(&j->mu);
        bool synced = false;
        if (unsynced_since >= 0 &&
            (stop || flush ||
             time_mono_ms() - unsynced_since >= j->o.sync_ms)) {
            if (j->fd >= 0 && fdatasync(j->fd) != 0 && !j->error_said) {
                LOG_WARN("%s: sync: %s", j->dir, strerror(errno));
                j->error_said = true;
            }
            unsynced_since = -1;
            synced = true;
        }
        struct timespec cpu;
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu);
        pthread_mutex_lock(&j->mu);
        j->st.cpu_ns = (uint64_t)cpu.tv_sec * 1000000000u +
                       (uint64_t)cpu.tv_nsec;
        if (synced || unsynced_since < 0) {
            if (synced) {
                j->st.syncs++;
            }
            j->synced_seq = written_seq;
            pthread_cond_broadcast(&j->done);
        }
        if (stop && !j->head) {
            break;
        }
    }
    pthread_mutex_unlock(&j->mu);
    writer_close_segment(j);
    return NULL;
}

static void say(char *msg, size_t msglen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
say(char *msg, size_t msglen, const char *fmt, ...)
{
    if (msg && msglen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, msglen, fmt, ap);
        va_end(ap);
    }
}

struct journal *
journal_create(const char *dir, const struct journal_opts *o,
               enum journal_error *err, char *msg, size_t msglen)
{
    enum journal_error e = JOURNAL_OK;
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        say(msg, msglen, "record folder %s: cannot make it: %s", dir,
            strerror(errno));
        e = JOURNAL_ERR_FOLDER;
        goto fail;
    }
    int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0) {
        e = errno == ENOTDIR ? JOURNAL_ERR_NOT_FOLDER : JOURNAL_ERR_FOLDER;
        say(msg, msglen, "record folder %s: cannot open it: %s", dir,
            strerror(errno));
        goto fail;
    }
    struct stat st;
    if (fstat(dirfd, &st) != 0) {
        say(msg, msglen, "record folder %s: %s", dir, strerror(errno));
        e = JOURNAL_ERR_FOLDER;
        goto fail_fd;
    }
    if (st.st_uid != geteuid()) {
        char who[64];
        snprintf(who, sizeof(who), "uid %u, this process runs as uid %u",
                 (unsigned)st.st_uid, (unsigned)geteuid());
        say(msg, msglen, "record folder %s belongs to %s; the record holds "
            "what the wall showed, so its folder must be the wall's own "
            "(chown it to the service user)", dir, who);
        e = JOURNAL_ERR_OWNER;
        goto fail_fd;
    }
    if (st.st_mode & 077) {
        char mode[64];
        snprintf(mode, sizeof(mode), "%04o", (unsigned)(st.st_mode & 07777));
        say(msg, msglen, "record folder %s has mode %s: group or others "
            "may read it, and the record may hold confidential figures "
            "(chmod 700 it)", dir, mode);
        e = JOURNAL_ERR_MODE;
        goto fail_fd;
    }
    if (flock(dirfd, LOCK_EX | LOCK_NB) != 0) {
        say(msg, msglen, "record folder %s: %s", dir,
            errno == EWOULDBLOCK ? "another process records into it"
                                 : strerror(errno));
        e = JOURNAL_ERR_LOCKED;
        goto fail_fd;
    }
    struct journal *j = xcalloc(1, sizeof(*j));
    j->dir = xstrdup(dir);
    j->dirfd = dirfd;
    if (o) {
        j->o = *o;
    } else {
        journal_opts_default(&j->o);
    }
    j->fd = -1;
    j->tail = &j->head;
    j->need_key = true;
    j->last_t = INT64_MIN;
    atomic_init(&j->full_gen, 0);
    pthread_mutex_init(&j->mu, NULL);
    pthread_cond_init(&j->work, NULL);
    pthread_cond_init(&j->done, NULL);
    if (pthread_create(&j->thread, NULL, writer_main, j) != 0) {
        say(msg, msglen, "record folder %s: %s", dir,
            "cannot start the writer thread");
        pthread_cond_destroy(&j->done);
        pthread_cond_destroy(&j->work);
        pthread_mutex_destroy(&j->mu);
        free(j->dir);
        free(j);
        e = JOURNAL_ERR_FOLDER;
        goto fail_fd;
    }
    if (err) {
        *err = JOURNAL_OK;
    }
    return j;

fail_fd:
    close(dirfd);
fail:
    if (err) {
        *err = e;
    }
    return NULL;
}

void
journal_destroy(struct journal *j)
{
    if (!j) {
        return;
    }
    pthread_mutex_lock(&j->mu);
    j->stop = true;
    pthread_cond_signal(&j->work);
    pthread_mutex_unlock(&j->mu);
    pthread_join(j->thread, NULL);
    for (struct qrec *q = j->head, *next; q; q = next) {
        next = q->next;
        free(q);
    }
    flock(j->dirfd, LOCK_UN);
    close(j->dirfd);
    pthread_cond_destroy(&j->done);
    pthread_cond_destroy(&j->work);
    pthread_mutex_destroy(&j->mu);
    free(j->zbuf);
    if (j->zs_ok) {
        deflateEnd(&j->zs);
    }
    dicts_free(&j->dict);
    free(j->dir);
    free(j);
}

/* Under mu: queues q. */
static void
enqueue_locked(struct journal *j, struct qrec *q)
{
    q->next = NULL;
    *j->tail = q;
    j->tail = &q->next;
    j->queued += q->len;
    j->queued_seq++;
    pthread_cond_signal(&j->work);
}

bool
journal_append(struct journal *j, uint8_t type, uint8_t flags,
               int64_t t_ms, const void *data, size_t len)
{
    bool key = flags & JOURNAL_FLAG_KEY;
    if (type < JOURNAL_TYPE_USER || len > JOURNAL_MAX_RECORD ||
        (j->need_key && !key)) {
        pthread_mutex_lock(&j->mu);
        j->st.dropped++;
        pthread_mutex_unlock(&j->mu);
        return false;
    }
    /* Records never go back in time: a clock stepped back is written as
     * the last time until it passes it (segment names stay in order). */
    if (t_ms < j->last_t) {
        t_ms = j->last_t;
    }
    struct qrec *q = xmalloc(sizeof(*q) + len);
    q->type = type;
    q->flags = flags & JOURNAL_FLAG_KEY;
    q->t_ms = t_ms;
    q->len = len;
    if (len) {
        memcpy(q->data, data, len);
    }
    pthread_mutex_lock(&j->mu);
    if (j->queued + len > j->o.queue_bytes && j->head) {
        /* The disk is behind: drop, mark the gap, want a key. */
        j->st.dropped++;
        if (!j->need_key) {
            struct qrec *gap = xmalloc(sizeof(*gap));
            *gap = (struct qrec){.type = JOURNAL_TYPE_GAP, .t_ms = t_ms};
            enqueue_locked(j, gap);
            LOG_WARN("%s: the disk is behind (%zu bytes waiting): records "
                     "dropped until the next whole state", j->dir,
                     j->queued);
        }
        pthread_mutex_unlock(&j->mu);
        free(q);
        j->need_key = true;
        return false;
    }
    enqueue_locked(j, q);
    pthread_mutex_unlock(&j->mu);
    j->last_t = t_ms;
    if (key) {
        j->need_key = false;
        j->answered = atomic_load(&j->full_gen);
    }
    return true;
}

bool
journal_wants_key(const struct journal *j)
{
    return j->need_key ||
           atomic_load(&((struct journal *)j)->full_gen) != j->answered;
}

void
journal_flush(struct journal *j)
{
    pthread_mutex_lock(&j->mu);
    uint64_t want = j->queued_seq;
    if (want > j->flush_seq) {
        j->flush_seq = want;
    }
    pthread_cond_signal(&j->work);
    while (j->synced_seq < want) {
        pthread_cond_wait(&j->done, &j->mu);
    }
    pthread_mutex_unlock(&j->mu);
}

void
journal_stats(const struct journal *j, struct journal_stats *out)
{
    struct journal *m = (struct journal *)j; /* the lock, not the data */
    pthread_mutex_lock(&m->mu);
    *out = m->st;
    out->queued_bytes = m->queued;
    pthread_mutex_unlock(&m->mu);
}

/* ------------------------------------------------------------ reader */

struct journal_reader {
    char *dir; /* NULL: a buffer */
    int dirfd;
    struct seg *segs;
    size_t nsegs;
    size_t cur;   /* the segment to read or being read */
    bool loaded;
    unsigned char *buf;
    size_t len, pos;
    unsigned char *out;
    size_t outcap;
    unsigned version; /* the loaded segment's */
    z_stream zs;      /* inflate, reset for each record */
    bool zs_ok;
    struct dicts dict;
    uint64_t dmg_bytes, dmg_places;
    unsigned char *mem; /* a buffer reader's segment */
    size_t memlen;
};

struct journal_reader *
journal_reader_open(const char *dir, enum journal_error *err, char *msg,
                    size_t msglen)
{
    int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0) {
        if (err) {
            *err = errno == ENOTDIR ? JOURNAL_ERR_NOT_FOLDER
                                    : JOURNAL_ERR_FOLDER;
        }
        say(msg, msglen, "record folder %s: %s", dir, strerror(errno));
        return NULL;
    }
    struct seg *v = NULL;
    ssize_t n = seg_list(dirfd, &v);
    if (n <= 0) {
        if (err) {
            *err = n < 0 ? JOURNAL_ERR_FOLDER : JOURNAL_ERR_EMPTY;
        }
        say(msg, msglen, "record folder %s: %s", dir,
            n < 0 ? strerror(errno) : "no recording in it");
        free(v);
        close(dirfd);
        return NULL;
    }
    struct journal_reader *r = xcalloc(1, sizeof(*r));
    r->dir = xstrdup(dir);
    r->dirfd = dirfd;
    r->segs = v;
    r->nsegs = (size_t)n;
    if (err) {
        *err = JOURNAL_OK;
    }
    return r;
}

struct journal_reader *
journal_reader_open_buffer(const void *buf, size_t len)
{
    struct journal_reader *r = xcalloc(1, sizeof(*r));
    r->dirfd = -1;
    r->segs = xcalloc(1, sizeof(*r->segs));
    r->nsegs = 1;
    r->mem = xmalloc(len ? len : 1);
    if (len) {
        memcpy(r->mem, buf, len);
    }
    r->memlen = len;
    if (len >= SEG_HEADER) {
        r->segs[0].start_ms = get_i64(r->mem + 8);
    }
    return r;
}

static void
unload(struct journal_reader *r)
{
    if (r->buf != r->mem) {
        free(r->buf);
    }
    r->buf = NULL;
    r->len = r->pos = 0;
    r->loaded = false;
}

void
journal_reader_destroy(struct journal_reader *r)
{
    if (!r) {
        return;
    }
    unload(r);
    if (r->dirfd >= 0) {
        close(r->dirfd);
    }
    if (r->zs_ok) {
        inflateEnd(&r->zs);
    }
    dicts_free(&r->dict);
    free(r->mem);
    free(r->out);
    free(r->segs);
    free(r->dir);
    free(r);
}

/* Loads segment cur; false (msg) when it cannot be read or is not one. */
static bool
load(struct journal_reader *r, char *msg, size_t msglen)
{
    if (r->mem) {
        r->buf = r->mem;
        r->len = r->memlen;
    } else {
        char *path = xasprintf("%s/%s", r->dir, r->segs[r->cur].name);
        size_t len = 0;
        r->buf = (unsigned char *)file_read_all(path, SEG_MAX_READ, &len);
        r->len = len;
        if (!r->buf) {
            if (msg && msglen) {
                snprintf(msg, msglen, "%s: %s", path, strerror(errno));
            }
            free(path);
            return false;
        }
        free(path);
    }
    r->version = r->len >= SEG_HEADER ? get_u32(r->buf + 4) : 0;
    if (r->len < SEG_HEADER || memcmp(r->buf, SEG_MAGIC, 4) != 0 ||
        r->version < 1 || r->version > SEG_VERSION) {
        if (msg && msglen) {
            snprintf(msg, msglen, "%s: not a journal segment (version 1 to "
                     "%u expected)", r->mem ? "buffer"
                                           : r->segs[r->cur].name,
                     SEG_VERSION);
        }
        r->dmg_bytes += r->len;
        r->dmg_places++;
        unload(r);
        return false;
    }
    r->pos = SEG_HEADER;
    r->loaded = true;
    dicts_reset(&r->dict);
    return true;
}

/* Inflates a stored payload (after its u32 length) into out: raw bytes,
 * with its type's dictionary when the stream asks for one (and the record
 * says so; zlib checks it is the right one).  false when damaged. */
static bool
reader_inflate(struct journal_reader *r, uint8_t type, bool dict,
               const unsigned char *p, size_t n, uint32_t raw)
{
    if (!r->zs_ok) {
        if (inflateInit(&r->zs) != Z_OK) {
            return false;
        }
        r->zs_ok = true;
    } else if (inflateReset(&r->zs) != Z_OK) {
        return false;
    }
    r->zs.next_in = (Bytef *)p;
    r->zs.avail_in = (uInt)n;
    r->zs.next_out = r->out;
    r->zs.avail_out = raw;
    int rc = inflate(&r->zs, Z_FINISH);
    if (rc == Z_NEED_DICT) {
        const unsigned char *d = r->dict.b[type];
        size_t dl = r->dict.len[type];
        /* A record of the type in the window was lost (damage): the
         * dictionary is not the one it was made with. */
        if (!dict || !dl ||
            r->zs.adler != adler32(adler32(0L, Z_NULL, 0), d, (uInt)dl) ||
            inflateSetDictionary(&r->zs, d, (uInt)dl) != Z_OK) {
            return false;
        }
        rc = inflate(&r->zs, Z_FINISH);
    }
    return rc == Z_STREAM_END && r->zs.total_out == raw &&
           r->zs.avail_in == 0;
}

/* The next place at or after from where REC_MAGIC begins, or len. */
static size_t
find_magic(const unsigned char *b, size_t len, size_t from)
{
    for (size_t i = from; i + 4 <= len; i++) {
        const unsigned char *p = memchr(b + i, REC_MAGIC[0], len - i);
        if (!p) {
            break;
        }
        i = (size_t)(p - b);
        if (i + 4 <= len && memcmp(p, REC_MAGIC, 4) == 0) {
            return i;
        }
    }
    return len;
}

/* The next valid record of the loaded segment: 1, or 0 at its end. */
static int
parse(struct journal_reader *r, struct journal_record *rec)
{
    while (r->pos < r->len) {
        size_t at = r->pos;
        const unsigned char *h = r->buf + at;
        size_t left = r->len - at;
        bool ok = left >= REC_HEADER && memcmp(h, REC_MAGIC, 4) == 0;
        uint32_t plen = ok ? get_u32(h + 4) : 0;
        ok = ok && plen <= REC_MAX_STORED && plen <= left - REC_HEADER &&
             h[18] == 0 && h[19] == 0 &&
             (h[17] & ~(JOURNAL_FLAG_KEY | JOURNAL_FLAG_DEFLATED |
                        (r->version >= 2 ? FLAG_DICT : 0))) == 0 &&
             ((h[17] & FLAG_DICT) == 0 ||
              (h[17] & JOURNAL_FLAG_DEFLATED)) &&
             record_crc(h, h + REC_HEADER, plen) == get_u32(h + 20);
        if (!ok) {
            /* Damage or a torn tail: on to the next record's magic. */
            size_t next = find_magic(r->buf, r->len, at + 1);
            r->dmg_bytes += next - at;
            r->dmg_places++;
            r->pos = next;
            continue;
        }
        r->pos = at + REC_HEADER + plen;
        const unsigned char *p = h + REC_HEADER;
        size_t n = plen;
        if (h[17] & JOURNAL_FLAG_DEFLATED) {
            uint32_t raw = n >= 4 ? get_u32(p) : UINT32_MAX;
            if (raw > JOURNAL_MAX_RECORD) {
                r->dmg_bytes += REC_HEADER + plen;
                r->dmg_places++;
                continue;
            }
            if (raw + 1 > r->outcap) {
                r->outcap = raw + 1;
                r->out = xrealloc(r->out, r->outcap);
            }
            if (!reader_inflate(r, h[16], h[17] & FLAG_DICT, p + 4, n - 4,
                                raw)) {
                r->dmg_bytes += REC_HEADER + plen;
                r->dmg_places++;
                continue;
            }
            r->out[raw] = 0;
            p = r->out;
            n = raw;
        }
        dicts_keep(&r->dict, h[16], starts_window(h[17]), p, n);
        rec->type = h[16];
        rec->flags = h[17] & JOURNAL_FLAG_KEY;
        rec->t_ms = get_i64(h + 8);
        rec->data = p;
        rec->len = n;
        return 1;
    }
    return 0;
}

int
journal_reader_next(struct journal_reader *r, struct journal_record *rec,
                    char *msg, size_t msglen)
{
    for (;;) {
        if (!r->loaded) {
            if (r->cur >= r->nsegs) {
                return 0;
            }
            if (!load(r, msg, msglen)) {
                r->cur++;
                return -1;
            }
        }
        if (parse(r, rec)) {
            return 1;
        }
        unload(r);
        r->cur++;
    }
}

void
journal_reader_seek(struct journal_reader *r, int64_t t_ms)
{
    size_t i = 0;
    while (i + 1 < r->nsegs && r->segs[i + 1].start_ms <= t_ms) {
        i++;
    }
    unload(r);
    r->cur = i;
}

bool
journal_reader_span(struct journal_reader *r, int64_t *first_ms,
                    int64_t *last_ms)
{
    struct journal_record rec;
    bool any = false;
    uint64_t dmg_bytes = r->dmg_bytes, dmg_places = r->dmg_places;
    unload(r);
    r->cur = 0;
    int got;
    while ((got = journal_reader_next(r, &rec, NULL, 0)) != 0) {
        if (got > 0) {
            *first_ms = rec.t_ms;
            any = true;
            break;
        }
    }
    if (!any) {
        unload(r);
        r->cur = 0;
        r->dmg_bytes = dmg_bytes; /* what reading finds, not a look */
        r->dmg_places = dmg_places;
        return false;
    }
    /* The last: the newest segment with a valid record, read to its end. */
    for (size_t s = r->nsegs; s-- > 0;) {
        unload(r);
        r->cur = s;
        bool found = false;
        if (load(r, NULL, 0)) {
            while (parse(r, &rec)) {
                *last_ms = rec.t_ms;
                found = true;
            }
        }
        if (found) {
            break;
        }
    }
    unload(r);
    r->cur = 0;
    r->dmg_bytes = dmg_bytes;
    r->dmg_places = dmg_places;
    return true;
}

void
journal_reader_damage(const struct journal_reader *r, uint64_t *bytes,
                      uint64_t *places)
{
    *bytes = r->dmg_bytes;
    *places = r->dmg_places;
}
