/*
 * main: the command line (run, check, render, replay, schema, --help,
 * --version).
 * What runs is in app/ (app.h); this file only parses and dispatches.
 */
#define LOG_MODULE "main"
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <SDL2/SDL.h>

#include "app/app.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "layout/diag.h"
#include "layout/layout.h"
#include "layout/layout_spec.h"

static const char usage[] =
    "usage: opswall COMMAND ...\n"
    "\n"
    "  run LAYOUT [--scene ID] [--window SCALE | --fullscreen | --offscreen]\n"
    "             [--display N] [--at ISO-8601] [--duration D]\n"
    "             [--snapshot OUT.png] [--control [ADDR:]PORT]\n"
    "             [--control-token-file FILE] [--control-tls-cert PEM\n"
    "             --control-tls-key PEM] [--audit-log FILE]\n"
    "             [--record DIR] [--cluster]\n"
    "      drive the wall.  Keys: Esc quits, F5 reloads the layout (a bad\n"
    "      layout keeps the old one running; saving the file reloads it\n"
    "      too), 1-9 select a scene, PageUp/PageDown the previous/next.\n"
    "      --duration (e.g. 10s) stops after that long; --snapshot writes\n"
    "      the last frame.  Without a display, use --offscreen.\n"
    "      --control serves the control API (default address 127.0.0.1)\n"
    "      with the bearer tokens of the file (\"ROLE TOKEN\" lines, ROLE\n"
    "      viewer, operator or admin), or $OPSWALL_CONTROL_TOKEN (admin);\n"
    "      --control-tls-cert and --control-tls-key serve it over HTTPS\n"
    "      (TLS 1.2+; re-read on SIGHUP; also $OPSWALL_CONTROL_TLS_CERT\n"
    "      and _KEY); an address other than loopback needs them.\n"
    "      --audit-log appends every change made through it.\n"
    "      --record keeps the briefing record in DIR (mode 0700, the\n"
    "      wall's own): every frame's inputs, not its pixels; it overrides\n"
    "      the layout's \"record\" key.\n"
    "      --cluster: under mpirun, rank 0 runs the wall (feeds, control,\n"
    "      scenes) and ranks 1.. each draw their part of it (the layout's\n"
    "      cluster.ranks), in step.\n"
    "  check LAYOUT\n"
    "      report every problem as FILE:LINE:COL; exit 1 on errors.\n"
    "  render LAYOUT -o OUT.png [--scene ID] [--scale S] [--at ISO-8601]\n"
    "             [--region X,Y,W,H] [--cluster]\n"
    "      render one frame offscreen (deterministic for a fixed --at and\n"
    "      file sources).  --region renders part of the canvas; with\n"
    "      --cluster under mpirun each rank renders its part and rank 0\n"
    "      writes them stitched together.\n"
    "  replay DIR --at ISO-8601 -o FRAME.png [--scale S] [--region X,Y,W,H]\n"
    "  replay DIR [--from ISO-8601] [--to ISO-8601] -o BRIEFING.mp4 [--fps N]\n"
    "  replay DIR --timeline [--json] [--from ISO-8601] [--to ISO-8601]\n"
    "      the briefing record kept with --record DIR: the frame that was\n"
    "      on the wall at a moment (video tiles show their recorded state,\n"
    "      not their pictures), a span as a video, or what happened\n"
    "      (--json: the span and the events, without --from the record's\n"
    "      last day, as the console reads them).\n"
    "  schema\n"
    "      print the layout format's JSON Schema.\n"
    "  --help, --version\n";

static bool
parse_double(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end) {
        return false;
    }
    *out = v;
    return true;
}

static bool
parse_region(const char *s, struct rect *r)
{
    long v[4];
    const char *p = s;
    for (int i = 0; i < 4; i++) {
        char *end;
        errno = 0;
        v[i] = strtol(p, &end, 10);
        if (errno || end == p || v[i] < 0 || v[i] > 1000000 ||
            (i < 3 && *end != ',') || (i == 3 && *end)) {
            return false;
        }
        p = end + 1;
    }
    *r = (struct rect){(int)v[0], (int)v[1], (int)v[2], (int)v[3]};
    return r->w > 0 && r->h > 0;
}

/* --control [ADDR:]PORT; the address defaults to loopback. */
static bool
parse_control(const char *s, struct app_options *o)
{
    const char *colon = strrchr(s, ':');
    const char *port_s = colon ? colon + 1 : s;
    char *addr = o->control_addr;
    int n = snprintf(addr, sizeof(o->control_addr), "%.*s",
                     colon ? (int)(colon - s) : 9, colon ? s : "127.0.0.1");
    double port;
    if (!parse_double(port_s, &port) || port < 1 || port > 65535 ||
        port != (int)port || n <= 0 || (size_t)n >= sizeof(o->control_addr)) {
        addr[0] = '\0';
        return false;
    }
    o->control_port = (int)port;
    return true;
}

static bool
parse_options(int argc, char **argv, struct app_options *o)
{
    *o = (struct app_options){.scale = 1.0, .mode = OUTPUT_WINDOW};
    /* The service's certificate may come from its environment file
     * (/etc/opswall/opswall.env); the options win. */
    const char *cert = getenv("OPSWALL_CONTROL_TLS_CERT");
    const char *key = getenv("OPSWALL_CONTROL_TLS_KEY");
    o->tls_cert = cert && *cert ? cert : NULL;
    o->tls_key = key && *key ? key : NULL;
    bool scale_set = false;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
#define NEED_VALUE()                                                        \
    do {                                                                    \
        if (!v) {                                                           \
            fprintf(stderr, "opswall: %s needs a value\n", a);              \
            return false;                                                   \
        }                                                                   \
        i++;                                                                \
    } while (0)
        if (strcmp(a, "--scene") == 0) {
            NEED_VALUE();
            o->scene = v;
        } else if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
            NEED_VALUE();
            o->out = v;
        } else if (strcmp(a, "--snapshot") == 0) {
            NEED_VALUE();
            o->snapshot = v;
        } else if (strcmp(a, "--scale") == 0 || strcmp(a, "--window") == 0) {
            NEED_VALUE();
            if (!parse_double(v, &o->scale) || o->scale < 0.05 ||
                o->scale > 8) {
                fprintf(stderr, "opswall: %s takes a number between 0.05 "
                        "and 8\n", a);
                return false;
            }
            scale_set = true;
            if (strcmp(a, "--window") == 0) {
                o->mode = OUTPUT_WINDOW;
            }
        } else if (strcmp(a, "--cluster") == 0) {
            o->cluster = true;
        } else if (strcmp(a, "--fullscreen") == 0) {
            o->mode = OUTPUT_FULLSCREEN;
        } else if (strcmp(a, "--offscreen") == 0) {
            o->mode = OUTPUT_OFFSCREEN;
        } else if (strcmp(a, "--display") == 0) {
            NEED_VALUE();
            double d;
            if (!parse_double(v, &d) || d < 0 || d > 64) {
                fprintf(stderr, "opswall: --display takes a display index\n");
                return false;
            }
            o->display = (int)d;
        } else if (strcmp(a, "--at") == 0) {
            NEED_VALUE();
            if (!time_parse_iso8601(v, 7 * 60, &o->at_ms)) {
                fprintf(stderr, "opswall: --at wants ISO 8601, e.g. "
                        "2026-11-22T21:42:00+07:00\n");
                return false;
            }
            o->have_at = true;
        } else if (strcmp(a, "--duration") == 0) {
            NEED_VALUE();
            if (!time_parse_duration(v, &o->duration_ms)) {
                fprintf(stderr, "opswall: --duration wants e.g. 10s, 2m\n");
                return false;
            }
        } else if (strcmp(a, "--control") == 0) {
            NEED_VALUE();
            if (!parse_control(v, o)) {
                fprintf(stderr, "opswall: --control wants [ADDR:]PORT, e.g. "
                        "127.0.0.1:8470\n");
                return false;
            }
        } else if (strcmp(a, "--control-token-file") == 0) {
            NEED_VALUE();
            o->token_file = v;
        } else if (strcmp(a, "--control-tls-cert") == 0) {
            NEED_VALUE();
            o->tls_cert = v;
        } else if (strcmp(a, "--control-tls-key") == 0) {
            NEED_VALUE();
            o->tls_key = v;
        } else if (strcmp(a, "--audit-log") == 0) {
            NEED_VALUE();
            o->audit_log = v;
        } else if (strcmp(a, "--record") == 0) {
            NEED_VALUE();
            o->record_dir = v;
        } else if (strcmp(a, "--region") == 0) {
            NEED_VALUE();
            if (!parse_region(v, &o->region)) {
                fprintf(stderr, "opswall: --region wants X,Y,W,H in canvas "
                        "pixels\n");
                return false;
            }
        } else if (a[0] == '-') {
            fprintf(stderr, "opswall: unknown option %s\n%s", a, usage);
            return false;
        } else if (!o->layout) {
            o->layout = a;
        } else {
            fprintf(stderr, "opswall: unexpected argument %s\n", a);
            return false;
        }
#undef NEED_VALUE
    }
    if (!o->layout) {
        fprintf(stderr, "opswall: which layout?\n%s", usage);
        return false;
    }
    if (o->mode == OUTPUT_WINDOW && !scale_set) {
        o->scale = 0.5;
    }
    o->scale_set = scale_set;
    return true;
}

static bool
parse_time(const char *opt, const char *v, int64_t *out)
{
    if (!v || !time_parse_iso8601(v, 7 * 60, out)) {
        fprintf(stderr, "opswall replay: %s wants ISO 8601, e.g. "
                "2026-11-22T09:14:05+07:00\n", opt);
        return false;
    }
    return true;
}

static int
cmd_replay(int argc, char **argv)
{
    struct replay_options o = {.scale = 1.0, .fps = 5};
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        bool takes = strcmp(a, "--at") == 0 || strcmp(a, "--from") == 0 ||
                     strcmp(a, "--to") == 0 || strcmp(a, "-o") == 0 ||
                     strcmp(a, "--output") == 0 ||
                     strcmp(a, "--scale") == 0 ||
                     strcmp(a, "--region") == 0 || strcmp(a, "--fps") == 0;
        if (takes && !v) {
            fprintf(stderr, "opswall replay: %s needs a value\n", a);
            return 2;
        }
        i += takes;
        double d;
        if (strcmp(a, "--at") == 0) {
            if (!parse_time(a, v, &o.at_ms)) {
                return 2;
            }
            o.have_at = true;
        } else if (strcmp(a, "--from") == 0) {
            if (!parse_time(a, v, &o.from_ms)) {
                return 2;
            }
            o.have_from = true;
        } else if (strcmp(a, "--to") == 0) {
            if (!parse_time(a, v, &o.to_ms)) {
                return 2;
            }
            o.have_to = true;
        } else if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
            o.out = v;
        } else if (strcmp(a, "--scale") == 0) {
            if (!parse_double(v, &o.scale) || o.scale < 0.05 ||
                o.scale > 8) {
                fprintf(stderr, "opswall replay: --scale takes a number "
                        "between 0.05 and 8\n");
                return 2;
            }
        } else if (strcmp(a, "--region") == 0) {
            if (!parse_region(v, &o.region)) {
                fprintf(stderr, "opswall replay: --region wants X,Y,W,H in "
                        "canvas pixels\n");
                return 2;
            }
        } else if (strcmp(a, "--fps") == 0) {
            if (!parse_double(v, &d) || d < 1 || d > 60 || d != (int)d) {
                fprintf(stderr, "opswall replay: --fps takes a whole number "
                        "from 1 to 60\n");
                return 2;
            }
            o.fps = (int)d;
        } else if (strcmp(a, "--timeline") == 0) {
            o.timeline = true;
        } else if (strcmp(a, "--json") == 0) {
            o.json = true;
        } else if (a[0] == '-') {
            fprintf(stderr, "opswall replay: unknown option %s\n%s", a,
                    usage);
            return 2;
        } else if (!o.dir) {
            o.dir = a;
        } else {
            fprintf(stderr, "opswall replay: unexpected argument %s\n", a);
            return 2;
        }
    }
    const char *err = !o.dir ? "which record folder?"
        : o.json && !o.timeline ? "--json is for --timeline"
        : o.timeline && (o.have_at || o.out)
            ? "--timeline prints; it takes neither --at nor -o"
        : !o.timeline && !o.out ? "-o OUT is required (a .png with --at, a "
                                  "video with --from/--to)"
        : o.have_at && (o.have_from || o.have_to)
            ? "--at is one moment; --from/--to a span: not both"
        : o.have_from && o.have_to && o.to_ms <= o.from_ms
            ? "--to must be after --from"
            : NULL;
    if (err) {
        fprintf(stderr, "opswall replay: %s\n", err);
        return 2;
    }
    return app_replay(&o);
}

static int
cmd_check(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: opswall check LAYOUT\n");
        return 2;
    }
    const char *path = argv[2];
    struct diag_list diags;
    diag_list_init(&diags, path);
    struct layout *l = layout_load(path, &diags);
    diag_list_write(&diags, stdout);
    if (l) {
        printf("%s: ok: %zu scene(s), %zu source(s), canvas %d x %d px, "
               "%d warning(s)\n", path, l->nscenes, l->nsources,
               l->wall.canvas_w, l->wall.canvas_h, diags.warnings);
    } else {
        printf("%s: %d error(s), %d warning(s)\n", path, diags.errors,
               diags.warnings);
    }
    layout_destroy(l);
    diag_list_fini(&diags);
    return l ? 0 : 1;
}

int
main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage, stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 ||
        strcmp(cmd, "help") == 0) {
        fputs(usage, stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("opswall %s\n", OPSWALL_VERSION);
        return 0;
    }
    if (strcmp(cmd, "check") == 0) {
        return cmd_check(argc, argv);
    }
    if (strcmp(cmd, "replay") == 0) {
        return cmd_replay(argc, argv);
    }
    if (strcmp(cmd, "schema") == 0) {
        char *s = layout_spec_json_schema();
        fputs(s, stdout);
        free(s);
        return 0;
    }
    if (strcmp(cmd, "render") == 0 || strcmp(cmd, "run") == 0) {
        struct app_options o;
        if (!parse_options(argc, argv, &o)) {
            return 2;
        }
        if (cmd[1] == 'u') {
            return app_run(&o, argc, argv);
        }
        if (!o.out) {
            fprintf(stderr, "opswall render: -o OUT.png is required\n");
            return 2;
        }
        if (o.record_dir) {
            fprintf(stderr, "opswall render: --record is for run (a "
                    "render is one frame of a layout, not a briefing)\n");
            return 2;
        }
        if (!o.scale_set) {
            o.scale = 1.0; /* render's default is the wall's full size */
        }
        return app_render(&o, argc, argv);
    }
    fprintf(stderr, "opswall: unknown command \"%s\"\n%s", cmd, usage);
    return 2;
}
