/*
 * journal: an append-only, segmented record store on disk, the briefing
 * record's storage (issue 17).  What a record holds is the caller's
 * business (an epoch, an audit line); the journal frames, checksums,
 * compresses, writes, syncs, rotates, expires and reads them back.
 *
 * Writing: journal_append copies a record onto a queue and returns; one
 * writer thread writes the queue, so the render thread never waits on
 * the disk.  The writer syncs (fdatasync) at most a second after a record
 * was queued, so a power cut loses at most the last second; a new
 * segment's file and the folder are synced when it is made, and the
 * folder again when segments are removed.  If the disk falls behind and
 * the queue passes its bound, records are dropped, a GAP is written in
 * their place and journal_wants_key says so: the caller's next record
 * must be a key (a whole state), and a reader starts again from it.
 *
 * Segments: a new one begins at a key record once the current one has
 * passed seg_bytes (or seg_ms); so every segment starts with a key and
 * can be read alone, and a lookup by time reads one segment.  Segments
 * are named by their first record's time (docs/record.md), which is the
 * index by time.  Retention removes the oldest segments first, past
 * keep_ms or while the folder holds more than max_bytes.
 *
 * The folder must be the caller's alone: mode 0700 and owned by this
 * user (made so when missing), refused otherwise, and locked (flock)
 * against a second writer; files are 0600.
 *
 * Reading: a reader lists the segments, seeks to the one holding a time,
 * and returns records in order.  A record whose checksum fails is skipped
 * to the next valid one (counted); a torn tail ends its segment.  All
 * lengths are checked (the reader is fuzzed).
 */
#ifndef OPSWALL_JOURNAL_H
#define OPSWALL_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JOURNAL_MAX_RECORD (64u << 20) /* one record's bytes, inflated */

/* A record's type is the caller's; these two the journal writes itself. */
enum journal_type {
    JOURNAL_TYPE_GAP = 0,   /* records were dropped here (disk behind) */
    JOURNAL_TYPE_USER = 16, /* the first type free for callers */
};

enum journal_flag {
    JOURNAL_FLAG_KEY = 1,      /* a whole state: a segment may start here */
    JOURNAL_FLAG_DEFLATED = 2, /* on disk only: the payload is zlib */
};

struct journal_opts {
    int64_t seg_bytes;  /* a segment ends at the next key past this */
    int64_t seg_ms;     /* ... or past this age */
    int64_t keep_ms;    /* segments older than this are removed */
    int64_t max_bytes;  /* the folder's bound, oldest removed first */
    size_t queue_bytes; /* records waiting beyond this are dropped */
    int64_t sync_ms;    /* the longest a queued record waits for fdatasync */
    int64_t retry_ms;   /* after a failed write, when to ask a key again */
};

/* 31 days, 2 GiB, 16 MiB segments of at most an hour, 64 MiB queue,
 * 1 s sync, a retry after 5 s. */
void journal_opts_default(struct journal_opts *o);

enum journal_error {
    JOURNAL_OK,
    JOURNAL_ERR_FOLDER,      /* cannot make or open the folder */
    JOURNAL_ERR_NOT_FOLDER,  /* the path exists and is not a folder */
    JOURNAL_ERR_OWNER,       /* the folder is another user's */
    JOURNAL_ERR_MODE,        /* group or others may use the folder */
    JOURNAL_ERR_LOCKED,      /* another process writes to it */
    JOURNAL_ERR_EMPTY,       /* reading: no segment in the folder */
};

struct journal;

/* Opens (makes) dir for writing and starts the writer thread; NULL on
 * failure, *err set and a sentence saying why and what to do in msg.
 * The first record appended must be a key. */
struct journal *journal_create(const char *dir, const struct journal_opts *o,
                               enum journal_error *err, char *msg,
                               size_t msglen);

/* Writes what is queued, syncs, stops the thread, unlocks.  NULL: no-op. */
/* New retention bounds (a reloaded layout's "record" key), applied at
 * the writer's next pass.  Any thread. */
void journal_set_retention(struct journal *j, int64_t keep_ms,
                           int64_t max_bytes);
void journal_destroy(struct journal *j);

/* Queues a record (copied) of type (>= JOURNAL_TYPE_USER), flags (KEY or
 * 0) and wall time t_ms; times are clamped to never go back.  Returns
 * false when the record was dropped (queue full, a key is wanted, or the
 * record is over JOURNAL_MAX_RECORD).  Render thread (any one thread). */
bool journal_append(struct journal *j, uint8_t type, uint8_t flags,
                    int64_t t_ms, const void *data, size_t len);

/* True when the next record should be a key: the segment is full or old,
 * or records were dropped. */
bool journal_wants_key(const struct journal *j);

/* Blocks until everything queued so far is written and synced (tests,
 * shutdown). */
void journal_flush(struct journal *j);

struct journal_stats {
    uint64_t records, bytes_written, dropped, segments_made,
        segments_removed, syncs, write_errors;
    uint64_t cpu_ns; /* the writer thread's CPU time (deflate, write) */
    size_t queued_bytes;
};
void journal_stats(const struct journal *j, struct journal_stats *out);

/* ------------------------------------------------------------ reading */

struct journal_record {
    uint8_t type, flags; /* flags without DEFLATED */
    int64_t t_ms;
    const unsigned char *data; /* valid until the next call */
    size_t len;
};

struct journal_reader;

/* Lists dir's segments; NULL with *err and msg when it cannot (no folder,
 * no segment).  Reading needs no lock and refuses nothing the writer
 * would make. */
struct journal_reader *journal_reader_open(const char *dir,
                                           enum journal_error *err,
                                           char *msg, size_t msglen);

/* A reader over one segment's bytes in memory (copied): tests, fuzzing. */
struct journal_reader *journal_reader_open_buffer(const void *buf,
                                                  size_t len);

void journal_reader_destroy(struct journal_reader *r);

/* The first and last record times (the last segment is read to find its
 * end); false when no valid record exists. */
bool journal_reader_span(struct journal_reader *r, int64_t *first_ms,
                         int64_t *last_ms);

/* Positions the reader at the start of the segment holding t_ms: the
 * latest one beginning at or before it (the first when t_ms is earlier
 * than all). */
void journal_reader_seek(struct journal_reader *r, int64_t t_ms);

/* The next record, across segments: 1, 0 at the end, or -1 when a
 * segment file cannot be read (msg says why; the next call goes on with
 * the next segment). */
int journal_reader_next(struct journal_reader *r, struct journal_record *rec,
                        char *msg, size_t msglen);

/* Bytes skipped as damaged (checksum, framing, inflation) so far, and the
 * number of damaged places. */
void journal_reader_damage(const struct journal_reader *r, uint64_t *bytes,
                           uint64_t *places);

#endif
