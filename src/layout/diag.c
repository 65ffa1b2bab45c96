/*
 * diag: collects and prints diagnostics.  Messages are formatted once when
 * added; sorting is stable so two problems at one place keep their order.
 */
#include "layout/diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"

void
diag_list_init(struct diag_list *list, const char *file)
{
    memset(list, 0, sizeof(*list));
    list->file = xstrdup(file ? file : "<input>");
}

void
diag_list_fini(struct diag_list *list)
{
    for (size_t i = 0; i < list->count; i++) {
        free(list->items[i].message);
    }
    free(list->items);
    free(list->file);
    memset(list, 0, sizeof(*list));
}

void
diag_add(struct diag_list *list, enum diag_severity severity,
         struct src_pos pos, const char *fmt, ...)
{
    if (list->count == list->cap) {
        list->cap = list->cap ? list->cap * 2 : 16;
        list->items = xreallocarray(list->items, list->cap,
                                    sizeof(*list->items));
    }
    va_list ap;
    va_start(ap, fmt);
    list->items[list->count++] = (struct diag){
        .severity = severity, .pos = pos, .message = xvasprintf(fmt, ap)};
    va_end(ap);
    if (severity == DIAG_ERROR) {
        list->errors++;
    } else {
        list->warnings++;
    }
}

void
diag_list_sort(struct diag_list *list)
{
    /* Insertion sort: stable, and lists are short. */
    for (size_t i = 1; i < list->count; i++) {
        struct diag d = list->items[i];
        size_t j = i;
        while (j > 0) {
            struct src_pos p = list->items[j - 1].pos;
            if (p.line < d.pos.line ||
                (p.line == d.pos.line && p.col <= d.pos.col)) {
                break;
            }
            list->items[j] = list->items[j - 1];
            j--;
        }
        list->items[j] = d;
    }
}

char *
diag_format(const struct diag_list *list, const struct diag *d)
{
    const char *sev = d->severity == DIAG_ERROR ? "error" : "warning";
    return xasprintf("%s:%d:%d: %s: %s", list->file, d->pos.line,
                     d->pos.col, sev, d->message);
}

void
diag_list_write(const struct diag_list *list, FILE *out)
{
    for (size_t i = 0; i < list->count; i++) {
        char *s = diag_format(list, &list->items[i]);
        fprintf(out, "%s\n", s);
        free(s);
    }
}
