/*
 * memory: how the running wall gives memory back to the system.
 *
 * The wall allocates picture-sized buffers (decoded and converted video
 * pictures, widget surfaces, feed bodies: 0.3 to 32 MB) on many threads
 * and frees them at every scene change, reload and reconnection.  Left to
 * its defaults, glibc keeps what it was once given: its mmap threshold
 * rises to the largest block freed, after which such buffers come from the
 * arenas, and the free pages left inside the arenas stay resident.  Over a
 * soak (tools/soak.sh) RSS then crept with every scene change while the
 * heap in use stayed flat.
 *
 * memory_set_policy fixes the threshold (every large buffer its own
 * mapping, unmapped when freed).  A memory_trimmer returns the free pages
 * inside the arenas (malloc_trim) after a scene's widgets are gone, on a
 * thread of its own: it takes 1 to 12 ms on a wall of this size, which
 * the main thread cannot spare at the start of a crossfade.  Without
 * glibc, or under a sanitizer (its own allocator), both do nothing.
 */
#ifndef OPSWALL_MEMORY_H
#define OPSWALL_MEMORY_H

struct memory_trimmer;

/* Once, at start-up, before the threads that allocate. */
void memory_set_policy(void);

/* The trimmer's thread waits until asked.  NULL (reason logged) if the
 * thread cannot start; the functions below accept NULL. */
struct memory_trimmer *memory_trimmer_create(void);
/* Joins the thread. */
void memory_trimmer_destroy(struct memory_trimmer *t);
/* Asks for one trim soon; never blocks (requests while one runs merge). */
void memory_trimmer_ask(struct memory_trimmer *t);
/* Trims done so far, and their total time in seconds. */
unsigned long memory_trimmer_count(struct memory_trimmer *t, double *secs);

#endif
