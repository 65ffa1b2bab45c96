/*
 * testlib: the smallest harness that does the job.  Each test program
 * counts checks and ends with "N passed, N failed" (read by CI), exiting
 * non-zero on any failure.  Single-threaded.
 */
#ifndef OPSWALL_TESTLIB_H
#define OPSWALL_TESTLIB_H

#include <stdio.h>
#include <string.h>

static int testlib_pass, testlib_fail;

#define CHECK(cond, ...)                                                    \
    do {                                                                    \
        if (cond) {                                                         \
            testlib_pass++;                                                 \
        } else {                                                            \
            testlib_fail++;                                                 \
            fprintf(stderr, "%s:%d: FAIL: ", __FILE__, __LINE__);           \
            fprintf(stderr, __VA_ARGS__);                                   \
            fputc('\n', stderr);                                            \
        }                                                                   \
    } while (0)

#define CHECK_STR(got, want)                                                \
    CHECK(strcmp((got), (want)) == 0, "got \"%s\", want \"%s\"", (got),     \
          (want))

static inline int
testlib_done(void)
{
    printf("%d passed, %d failed\n", testlib_pass, testlib_fail);
    return testlib_fail ? 1 : 0;
}

#endif
