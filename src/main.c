/*
 * main: the command line (run, check, render, schema), wiring and the main
 * loop.  Runs on the main thread, which is the render thread.
 */
#define LOG_MODULE "main"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "layout/diag.h"
#include "layout/layout.h"
#include "layout/layout_spec.h"

static int
cmd_check(const char *path)
{
    struct diag_list diags;
    diag_list_init(&diags, path);
    struct layout *l = layout_load(path, &diags);
    diag_list_write(&diags, stdout);
    int rc = l ? 0 : 1;
    if (l) {
        printf("%s: ok: %zu scene(s), %zu source(s), canvas %d x %d "
               "(%d warning(s))\n", path, l->nscenes, l->nsources,
               l->wall.canvas_w, l->wall.canvas_h, diags.warnings);
    }
    layout_destroy(l);
    diag_list_fini(&diags);
    return rc;
}

int
main(int argc, char **argv)
{
    if (argc >= 3 && strcmp(argv[1], "check") == 0) {
        return cmd_check(argv[2]);
    }
    if (argc >= 2 && strcmp(argv[1], "schema") == 0) {
        char *s = layout_spec_json_schema();
        fputs(s, stdout);
        free(s);
        return 0;
    }
    fprintf(stderr, "usage: opswall check LAYOUT | schema\n");
    return 2;
}
