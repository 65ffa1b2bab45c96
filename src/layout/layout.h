/*
 * layout: the wall's declarative description, loaded and validated.
 *
 * layout_load() reads a file, checks it completely (syntax, schema,
 * references, geometry, legibility) and either returns a model or NULL with
 * every problem in `diags`.  A model is immutable once loaded: a reload
 * builds a new one aside and swaps it in.  Strings in the model borrow from
 * the parsed document the layout owns.  Render thread only.
 */
#ifndef OPSWALL_LAYOUT_H
#define OPSWALL_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "layout/diag.h"

/* Legibility: the smallest visual angle for a character's cap height. */
#define LAYOUT_MIN_ARCMIN 20.0
/* Cap height / font pixel size of the shipped font (Be Vietnam Pro);
 * test_text checks this against the font itself. */
#define LAYOUT_CAP_HEIGHT_RATIO 0.74

struct rect {
    int x, y, w, h;
};

struct rgba {
    double r, g, b, a;
};

enum layout_locale {
    LAYOUT_LOCALE_VI_VN,
    LAYOUT_LOCALE_EN_US,
};

enum text_role {
    TEXT_ROLE_SMALL,
    TEXT_ROLE_BODY,
    TEXT_ROLE_TITLE,
    TEXT_ROLE_VALUE,
    TEXT_ROLE_DISPLAY,
    TEXT_ROLE_COUNT,
};

enum color_role {
    COLOR_BACKGROUND,
    COLOR_PANEL,
    COLOR_PANEL_BORDER,
    COLOR_TEXT,
    COLOR_MUTED,
    COLOR_ACCENT,
    COLOR_GOOD,
    COLOR_BAD,
    COLOR_WARN,
    COLOR_STALE,
    COLOR_COUNT,
};

struct layout_wall {
    int columns, rows;        /* displays */
    int width, height;        /* pixels of one display */
    int mullion_x, mullion_y; /* hidden canvas pixels between displays */
    double display_w_mm, display_h_mm; /* 0 when not declared */
    double viewing_distance_m;         /* 0 when not declared */
    int canvas_w, canvas_h;   /* displays plus mullions */
};

struct layout_theme {
    struct rgba colors[COLOR_COUNT];
    int sizes[TEXT_ROLE_COUNT]; /* canvas pixels, font_scale applied */
};

struct layout_source {
    const char *name;
    const char *url;
    int64_t every_ms, timeout_ms, stale_after_ms;
    const char *as_of_pointer; /* NULL when the payload has no timestamp */
    const char *label;         /* display name; defaults to name */
    const cJSON *headers;      /* object of strings, or NULL */
    const char *ca_file, *client_cert, *client_key; /* as written, or NULL */
    const char *format;        /* "json" (default), "prometheus", ... */
    const char *number_locale; /* NULL: numbers in strings are C-style */
    const cJSON *status_map;   /* its status codes -> SDMX codes, or NULL */
};

struct layout_widget {
    const char *id;
    const char *type;
    const char *title; /* NULL when none */
    int cell[4];
    struct rect rect;  /* on the canvas, at scale 1 */
    const cJSON *config; /* the widget's whole object, for its own keys */
};

struct layout_scene {
    const char *id;
    const char *title;
    struct layout_widget *widgets;
    size_t nwidgets;
};

struct layout_output {
    int display;      /* SDL display index */
    struct rect region; /* the canvas part it shows (a display block) */
};

struct layout_rotation_step {
    size_t scene;
    int64_t dwell_ms;
};

struct layout_schedule_item {
    int minute;   /* of the day on the wall's clock */
    size_t scene;
};

/* The layout's "record" key (opswall replay reads what it keeps). */
struct layout_record {
    char *dir;         /* resolved against the layout's folder; NULL: none */
    int64_t keep_ms;   /* 0: the journal's default (31 days) */
    int64_t max_bytes; /* 0: the journal's default (2 GiB) */
};

struct layout {
    char *path;
    char *dir;           /* directory of the file, for relative paths */
    const char *title;
    struct layout_wall wall;
    int grid_columns, grid_rows, grid_gap, grid_margin;
    enum layout_locale locale;
    int utc_offset_min;
    struct layout_theme theme;
    struct layout_source *sources;
    size_t nsources;
    struct layout_scene *scenes;
    size_t nscenes;
    size_t start_scene;
    int transition_ms;  /* 0: cut */
    struct layout_rotation_step *rotation; /* NULL: no playlist */
    size_t nrotation;
    struct layout_schedule_item *schedule;
    size_t nschedule;
    bool errors_on_wall;
    struct layout_record record;
    struct layout_output *outputs; /* several outputs; NULL: one window */
    size_t noutputs;
    struct rect *cluster; /* canvas region of render rank i+1; NULL: none */
    size_t ncluster;
    struct jsonc_doc *doc;
};

/* Loads and checks a file; NULL on any error (all in diags, warnings too). */
struct layout *layout_load(const char *path, struct diag_list *diags);
/* Same, from memory; `path` names it in messages and anchors relative
 * paths.  Used by the fuzzer and tests. */
struct layout *layout_load_buffer(const char *path, const char *text,
                                  size_t len, struct diag_list *diags);
void layout_destroy(struct layout *layout);

/* Index of a scene by id, or -1. */
int layout_scene_index(const struct layout *layout, const char *id);
/* Index of a source by name, or -1. */
int layout_source_index(const struct layout *layout, const char *name);
/* A path from the layout, resolved against its directory; caller frees. */
char *layout_resolve_path(const struct layout *layout, const char *rel);

/* The canvas rectangle of a cell [col,row,colspan,rowspan]. */
struct rect layout_cell_rect(const struct layout *layout, const int cell[4]);

#endif
