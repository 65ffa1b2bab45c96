/*
 * diag: a list of diagnostics (errors and warnings) about one input file,
 * each at a line and column, printed as "FILE:LINE:COL: error: message".
 * Single-threaded; owned by whoever checks the file.
 */
#ifndef OPSWALL_DIAG_H
#define OPSWALL_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct src_pos {
    int line; /* 1-based; 0 means "the file as a whole" */
    int col;  /* 1-based, counted in Unicode code points */
};

enum diag_severity {
    DIAG_ERROR,
    DIAG_WARNING,
};

struct diag {
    enum diag_severity severity;
    struct src_pos pos;
    char *message;
};

struct diag_list {
    char *file;
    struct diag *items;
    size_t count, cap;
    int errors, warnings;
};

void diag_list_init(struct diag_list *list, const char *file);
void diag_list_fini(struct diag_list *list);
void diag_add(struct diag_list *list, enum diag_severity severity,
              struct src_pos pos, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Sorts by position (stable) so output reads top to bottom. */
void diag_list_sort(struct diag_list *list);
/* Writes every diagnostic, one per line. */
void diag_list_write(const struct diag_list *list, FILE *out);
/* Formats one diagnostic; the caller frees the string. */
char *diag_format(const struct diag_list *list, const struct diag *d);

#endif
