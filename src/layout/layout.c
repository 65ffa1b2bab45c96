/*
 * layout: load = read file -> jsonc (syntax, positions) -> layout_spec
 * (schema) -> semantic checks -> model.  Every check runs even after an
 * earlier one failed, where its inputs are sound, so a technician sees all
 * problems at once.  Render thread only (or the `check` command).
 */
#define LOG_MODULE "layout"
#define PI 3.14159265358979323846
#include "layout/layout.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/file.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "base/xalloc.h"
#include "layout/jsonc.h"
#include "layout/layout_spec.h"

static const struct layout_theme default_theme = {
    .colors = {
        [COLOR_BACKGROUND] = {0.027, 0.059, 0.110, 1},
        [COLOR_PANEL] = {0.051, 0.102, 0.173, 1},
        [COLOR_PANEL_BORDER] = {0.110, 0.192, 0.302, 1},
        [COLOR_TEXT] = {0.937, 0.957, 0.984, 1},
        [COLOR_MUTED] = {0.600, 0.675, 0.776, 1},
        [COLOR_ACCENT] = {0.337, 0.769, 1.000, 1},
        [COLOR_GOOD] = {0.290, 0.835, 0.557, 1},
        [COLOR_BAD] = {1.000, 0.435, 0.408, 1},
        [COLOR_WARN] = {0.973, 0.749, 0.298, 1},
        [COLOR_STALE] = {0.973, 0.749, 0.298, 1},
    },
    .sizes = {
        [TEXT_ROLE_SMALL] = 40,
        [TEXT_ROLE_BODY] = 46,
        [TEXT_ROLE_TITLE] = 42,
        [TEXT_ROLE_VALUE] = 128,
        [TEXT_ROLE_DISPLAY] = 120,
    },
};

static const char *const color_keys[COLOR_COUNT] = {
    "background", "panel", "panel_border", "text", "muted", "accent", "good",
    "bad", "warn", "stale",
};

static const char *const size_keys[TEXT_ROLE_COUNT] = {
    "small", "body", "title", "value", "display",
};

static const cJSON *
get(const cJSON *obj, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(obj, key);
}

static int
get_int(const cJSON *obj, const char *key, int def)
{
    const cJSON *n = get(obj, key);
    return cJSON_IsNumber(n) ? (int)n->valuedouble : def;
}

static double
get_num(const cJSON *obj, const char *key, double def)
{
    const cJSON *n = get(obj, key);
    return cJSON_IsNumber(n) ? n->valuedouble : def;
}

static const char *
get_str(const cJSON *obj, const char *key, const char *def)
{
    const cJSON *n = get(obj, key);
    return cJSON_IsString(n) ? n->valuestring : def;
}

static int64_t
get_duration(const cJSON *obj, const char *key, int64_t def)
{
    int64_t ms;
    const char *s = get_str(obj, key, NULL);
    return s && time_parse_duration(s, &ms) && ms > 0 ? ms : def;
}

static bool
get_bool(const cJSON *obj, const char *key, bool def)
{
    const cJSON *n = get(obj, key);
    return cJSON_IsBool(n) ? cJSON_IsTrue(n) : def;
}

static int scene_ref(const struct layout *l, const cJSON *node,
                     const char *what, struct diag_list *diags);
static void build_scene_changes(struct layout *l, const cJSON *root,
                                struct diag_list *diags);
static void build_cluster(struct layout *l, const cJSON *cl,
                          struct diag_list *diags);
static void build_outputs(struct layout *l, const cJSON *outs,
                          struct diag_list *diags);

static struct rgba
parse_color(const char *s)
{
    unsigned v[4] = {0, 0, 0, 255};
    size_t n = strlen(s);
    for (size_t i = 0; i + 1 < n && i / 2 < 4; i += 2) {
        sscanf(s + 1 + i, "%2x", &v[i / 2]);
    }
    return (struct rgba){v[0] / 255.0, v[1] / 255.0, v[2] / 255.0,
                         v[3] / 255.0};
}

struct rect
layout_cell_rect(const struct layout *l, const int cell[4])
{
    double unit_w = (double)(l->wall.canvas_w - 2 * l->grid_margin -
                             (l->grid_columns - 1) * l->grid_gap) /
                    l->grid_columns;
    double unit_h = (double)(l->wall.canvas_h - 2 * l->grid_margin -
                             (l->grid_rows - 1) * l->grid_gap) /
                    l->grid_rows;
    double x0 = l->grid_margin + cell[0] * (unit_w + l->grid_gap);
    double y0 = l->grid_margin + cell[1] * (unit_h + l->grid_gap);
    double x1 = x0 + cell[2] * unit_w + (cell[2] - 1) * l->grid_gap;
    double y1 = y0 + cell[3] * unit_h + (cell[3] - 1) * l->grid_gap;
    int ix = (int)lround(x0), iy = (int)lround(y0);
    return (struct rect){ix, iy, (int)lround(x1) - ix, (int)lround(y1) - iy};
}

/* ---- semantic checks ------------------------------------------------- */

/* The text roles a widget type draws with; see widgets/. */
static unsigned
roles_used(const char *type, const cJSON *cfg)
{
    if (strcmp(type, "kpi") == 0) {
        return 1u << TEXT_ROLE_SMALL | 1u << TEXT_ROLE_TITLE |
               1u << TEXT_ROLE_VALUE;
    }
    if (strcmp(type, "clock") == 0) {
        return 1u << TEXT_ROLE_DISPLAY | 1u << TEXT_ROLE_BODY;
    }
    if (strcmp(type, "ticker") == 0) {
        return 1u << TEXT_ROLE_BODY;
    }
    if (strcmp(type, "health") == 0 || strcmp(type, "line") == 0 ||
        strcmp(type, "bar") == 0 || strcmp(type, "donut") == 0) {
        return 1u << TEXT_ROLE_SMALL;
    }
    if (strcmp(type, "gauge") == 0 || strcmp(type, "progress") == 0) {
        return 1u << TEXT_ROLE_SMALL | 1u << TEXT_ROLE_VALUE;
    }
    if (strcmp(type, "table") == 0) {
        return 1u << TEXT_ROLE_SMALL | 1u << TEXT_ROLE_BODY;
    }
    if (strcmp(type, "text") == 0) {
        const char *size = get_str(cfg, "size", "body");
        for (int r = 0; r < TEXT_ROLE_COUNT; r++) {
            if (strcmp(size, size_keys[r]) == 0) {
                return 1u << r;
            }
        }
    }
    return 0;
}

static bool
draws_static_text(const char *type)
{
    return strcmp(type, "kpi") == 0 || strcmp(type, "text") == 0 ||
           strcmp(type, "clock") == 0 || strcmp(type, "health") == 0 ||
           strcmp(type, "table") == 0 || strcmp(type, "gauge") == 0 ||
           strcmp(type, "progress") == 0;
}

static void
check_legibility(const struct layout *l, const struct jsonc_doc *doc,
                 const struct layout_widget *w, struct diag_list *diags)
{
    const struct layout_wall *wall = &l->wall;
    if (wall->display_h_mm <= 0 || wall->viewing_distance_m <= 0) {
        return;
    }
    unsigned roles = roles_used(w->type, w->config);
    if (w->title && strcmp(w->type, "ticker") != 0 &&
        strcmp(w->type, "clock") != 0) {
        roles |= 1u << TEXT_ROLE_TITLE;
    }
    int smallest = 0;
    for (int r = 0; r < TEXT_ROLE_COUNT; r++) {
        if ((roles & (1u << r)) &&
            (smallest == 0 || l->theme.sizes[r] < smallest)) {
            smallest = l->theme.sizes[r];
        }
    }
    if (smallest == 0) {
        return;
    }
    double pitch_mm = wall->display_h_mm / wall->height;
    double cap_mm = smallest * LAYOUT_CAP_HEIGHT_RATIO * pitch_mm;
    double dist_mm = wall->viewing_distance_m * 1000.0;
    double arcmin = 2.0 * atan(cap_mm / (2.0 * dist_mm)) * 180.0 / PI * 60.0;
    if (arcmin + 1e-9 < LAYOUT_MIN_ARCMIN) {
        double need_mm = 2.0 * dist_mm * tan(LAYOUT_MIN_ARCMIN / 60.0 *
                                             PI / 180.0 / 2.0);
        int need_px = (int)ceil(need_mm / pitch_mm / LAYOUT_CAP_HEIGHT_RATIO);
        diag_add(diags, DIAG_WARNING, jsonc_pos(doc, w->config),
                 "widget \"%s\": its %d px text subtends %.1f arcminutes at "
                 "%.1f m, below the %.0f needed to read it; use at least "
                 "%d px (theme.sizes)", w->id, smallest, arcmin,
                 wall->viewing_distance_m, LAYOUT_MIN_ARCMIN, need_px);
    }
}

static void
check_mullions(const struct layout *l, const struct jsonc_doc *doc,
               const struct layout_widget *w, struct diag_list *diags)
{
    const struct layout_wall *wall = &l->wall;
    if (!draws_static_text(w->type)) {
        return; /* charts, tickers, images survive a mullion */
    }
    const cJSON *cell = get(w->config, "cell");
    for (int k = 1; k < wall->columns; k++) {
        int s0 = k * wall->width + (k - 1) * wall->mullion_x;
        int s1 = s0 + (wall->mullion_x > 0 ? wall->mullion_x : 1);
        if (w->rect.x < s1 && w->rect.x + w->rect.w > s0) {
            diag_add(diags, DIAG_WARNING, jsonc_pos(doc, cell),
                     "widget \"%s\" crosses the mullion between display "
                     "columns %d and %d: its text would be cut", w->id, k,
                     k + 1);
            return;
        }
    }
    for (int k = 1; k < wall->rows; k++) {
        int s0 = k * wall->height + (k - 1) * wall->mullion_y;
        int s1 = s0 + (wall->mullion_y > 0 ? wall->mullion_y : 1);
        if (w->rect.y < s1 && w->rect.y + w->rect.h > s0) {
            diag_add(diags, DIAG_WARNING, jsonc_pos(doc, cell),
                     "widget \"%s\" crosses the mullion between display "
                     "rows %d and %d: its text would be cut", w->id, k, k + 1);
            return;
        }
    }
}

static bool
file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Checks ${NAME} references in a header value; never prints a value. */
static void
check_env_refs(const struct layout *l, const struct jsonc_doc *doc,
               const cJSON *value, const char *source,
               struct diag_list *diags)
{
    const char *s = value->valuestring;
    for (const char *p = strstr(s, "${"); p; p = strstr(p, "${")) {
        const char *end = strchr(p + 2, '}');
        if (!end) {
            diag_add(diags, DIAG_ERROR, jsonc_pos(doc, value),
                     "source \"%s\": unterminated ${ in header", source);
            return;
        }
        char name[128];
        size_t n = (size_t)(end - p - 2);
        if (n == 0 || n >= sizeof(name)) {
            diag_add(diags, DIAG_ERROR, jsonc_pos(doc, value),
                     "source \"%s\": bad variable name in header", source);
            return;
        }
        memcpy(name, p + 2, n);
        name[n] = '\0';
        if (strncmp(name, "file:", 5) == 0) {
            char *path = layout_resolve_path(l, name + 5);
            if (access(path, R_OK) != 0) {
                diag_add(diags, DIAG_ERROR, jsonc_pos(doc, value),
                         "source \"%s\": secret file %s cannot be read",
                         source, name + 5);
            }
            free(path);
        } else if (!getenv(name)) {
            diag_add(diags, DIAG_ERROR, jsonc_pos(doc, value),
                     "source \"%s\": environment variable %s is not set",
                     source, name);
        }
        p = end + 1;
    }
}

static void
build_sources(struct layout *l, const cJSON *sources, struct diag_list *diags)
{
    l->nsources = (size_t)cJSON_GetArraySize(sources);
    l->sources = xcalloc(l->nsources, sizeof(*l->sources));
    size_t i = 0;
    for (const cJSON *s = sources ? sources->child : NULL; s; s = s->next) {
        struct layout_source *src = &l->sources[i++];
        src->name = s->string;
        src->url = get_str(s, "url", "");
        src->every_ms = get_duration(s, "every", 60000);
        src->timeout_ms = get_duration(s, "timeout", 10000);
        src->stale_after_ms = get_duration(s, "stale_after",
                                           3 * src->every_ms);
        src->as_of_pointer = get_str(s, "as_of", NULL);
        src->label = get_str(s, "label", src->name);
        src->headers = get(s, "headers");
        src->ca_file = get_str(s, "ca_file", NULL);
        src->format = get_str(s, "format", "json");
        src->number_locale = get_str(s, "number_locale", NULL);
        src->status_map = get(s, "status_map");
        src->client_cert = get_str(s, "client_cert", NULL);
        src->client_key = get_str(s, "client_key", NULL);
        const cJSON *url = get(s, "url");
        if (strncmp(src->url, "file:", 5) == 0) {
            char *path = layout_resolve_path(l, src->url + 5);
            if (!file_exists(path)) {
                diag_add(diags, DIAG_WARNING, jsonc_pos(l->doc, url),
                         "source \"%s\": file \"%s\" does not exist (yet); "
                         "its widgets will show no data", src->name,
                         src->url + 5);
            }
            free(path);
        } else if (strncmp(src->url, "http://", 7) != 0 &&
                   strncmp(src->url, "https://", 8) != 0) {
            diag_add(diags, DIAG_ERROR, jsonc_pos(l->doc, url),
                     "source \"%s\": url must start with http://, https:// "
                     "or file:", src->name);
        }
        for (const cJSON *h = src->headers ? src->headers->child : NULL; h;
             h = h->next) {
            check_env_refs(l, l->doc, h, src->name, diags);
        }
    }
}

static void
build_scenes(struct layout *l, const cJSON *scenes, struct diag_list *diags)
{
    l->nscenes = (size_t)cJSON_GetArraySize(scenes);
    l->scenes = xcalloc(l->nscenes, sizeof(*l->scenes));
    size_t si = 0;
    for (const cJSON *sc = scenes->child; sc; sc = sc->next, si++) {
        struct layout_scene *scene = &l->scenes[si];
        scene->id = get_str(sc, "id", "");
        scene->title = get_str(sc, "title", scene->id);
        for (size_t k = 0; k < si; k++) {
            if (strcmp(l->scenes[k].id, scene->id) == 0) {
                diag_add(diags, DIAG_ERROR, jsonc_pos(l->doc, get(sc, "id")),
                         "duplicate scene id \"%s\"", scene->id);
            }
        }
        const cJSON *widgets = get(sc, "widgets");
        scene->nwidgets = (size_t)cJSON_GetArraySize(widgets);
        scene->widgets = xcalloc(scene->nwidgets, sizeof(*scene->widgets));
        size_t wi = 0;
        for (const cJSON *w = widgets->child; w; w = w->next, wi++) {
            struct layout_widget *lw = &scene->widgets[wi];
            lw->config = w;
            lw->id = get_str(w, "id", "");
            lw->type = get_str(w, "type", "");
            lw->title = get_str(w, "title", NULL);
            const cJSON *cell = get(w, "cell");
            for (int k = 0; k < 4; k++) {
                lw->cell[k] = (int)cJSON_GetArrayItem(cell, k)->valuedouble;
            }
            struct src_pos cpos = jsonc_pos(l->doc, cell);
            if (lw->cell[0] + lw->cell[2] > l->grid_columns ||
                lw->cell[1] + lw->cell[3] > l->grid_rows) {
                diag_add(diags, DIAG_ERROR, cpos,
                         "widget \"%s\" lies outside the %dx%d grid (cell "
                         "[%d, %d, %d, %d] ends at column %d, row %d)",
                         lw->id, l->grid_columns, l->grid_rows, lw->cell[0],
                         lw->cell[1], lw->cell[2], lw->cell[3],
                         lw->cell[0] + lw->cell[2], lw->cell[1] + lw->cell[3]);
                continue;
            }
            lw->rect = layout_cell_rect(l, lw->cell);
            for (size_t k = 0; k < wi; k++) {
                const struct layout_widget *o = &scene->widgets[k];
                if (strcmp(o->id, lw->id) == 0) {
                    diag_add(diags, DIAG_ERROR, jsonc_pos(l->doc, get(w, "id")),
                             "duplicate widget id \"%s\" in scene \"%s\" "
                             "(first at line %d)", lw->id, scene->id,
                             jsonc_pos(l->doc, o->config).line);
                }
                if (o->rect.w > 0 &&
                    lw->cell[0] < o->cell[0] + o->cell[2] &&
                    o->cell[0] < lw->cell[0] + lw->cell[2] &&
                    lw->cell[1] < o->cell[1] + o->cell[3] &&
                    o->cell[1] < lw->cell[1] + lw->cell[3]) {
                    diag_add(diags, DIAG_ERROR, cpos,
                             "widget \"%s\" overlaps widget \"%s\" (line %d)",
                             lw->id, o->id, jsonc_pos(l->doc, o->config).line);
                }
            }
            check_mullions(l, l->doc, lw, diags);
            check_legibility(l, l->doc, lw, diags);
            if (strcmp(lw->type, "image") == 0) {
                char *path = layout_resolve_path(l, get_str(w, "path", ""));
                if (!file_exists(path)) {
                    diag_add(diags, DIAG_ERROR, jsonc_pos(l->doc,
                                                          get(w, "path")),
                             "widget \"%s\": image \"%s\" not found (paths "
                             "are relative to the layout file)", lw->id,
                             get_str(w, "path", ""));
                }
                free(path);
            }
            /* A map file of the layout's own must exist; the shipped
             * names are found in the data directory at run time. */
            const char *map = get_str(w, "map", "vn63");
            if (strcmp(lw->type, "map") == 0 && strcmp(map, "vn63") != 0 &&
                strcmp(map, "vn34") != 0) {
                char *path = layout_resolve_path(l, map);
                if (!file_exists(path)) {
                    diag_add(diags, DIAG_ERROR, jsonc_pos(l->doc,
                                                          get(w, "map")),
                             "widget \"%s\": map \"%s\" is neither \"vn63\" "
                             "nor \"vn34\" nor a file that exists (paths are "
                             "relative to the layout file)", lw->id, map);
                }
                free(path);
            }
        }
    }
}

static void
build_theme(struct layout *l, const cJSON *theme)
{
    l->theme = default_theme;
    for (int c = 0; c < COLOR_COUNT; c++) {
        const char *s = get_str(theme, color_keys[c], NULL);
        if (s) {
            l->theme.colors[c] = parse_color(s);
        }
    }
    double scale = get_num(theme, "font_scale", 1.0);
    const cJSON *sizes = get(theme, "sizes");
    for (int r = 0; r < TEXT_ROLE_COUNT; r++) {
        int px = get_int(sizes, size_keys[r], default_theme.sizes[r]);
        l->theme.sizes[r] = (int)lround(px * scale);
        if (l->theme.sizes[r] < 1) {
            l->theme.sizes[r] = 1;
        }
    }
}

static bool
build(struct layout *l, struct diag_list *diags)
{
    const cJSON *root = jsonc_root(l->doc);
    const cJSON *sources = get(root, "sources");
    int errors_before = diags->errors;
    layout_spec_check(l->doc, root, &layout_spec_root, sources, "layout",
                      diags);
    if (diags->errors != errors_before) {
        return false; /* the model cannot be built from a malformed tree */
    }

    l->title = get_str(root, "title", "opswall");
    const cJSON *wall = get(root, "wall");
    struct layout_wall *w = &l->wall;
    w->columns = get_int(wall, "columns", 1);
    w->rows = get_int(wall, "rows", 1);
    w->width = get_int(wall, "width", 1920);
    w->height = get_int(wall, "height", 1080);
    w->mullion_x = get_int(get(wall, "mullion"), "x", 0);
    w->mullion_y = get_int(get(wall, "mullion"), "y", 0);
    w->display_w_mm = get_num(get(wall, "display_mm"), "width", 0);
    w->display_h_mm = get_num(get(wall, "display_mm"), "height", 0);
    w->viewing_distance_m = get_num(wall, "viewing_distance_m", 0);
    w->canvas_w = w->columns * w->width + (w->columns - 1) * w->mullion_x;
    w->canvas_h = w->rows * w->height + (w->rows - 1) * w->mullion_y;
    if ((int64_t)w->canvas_w * w->canvas_h > (int64_t)32768 * 32768) {
        diag_add(diags, DIAG_ERROR, jsonc_pos(l->doc, wall),
                 "wall is %d x %d pixels: larger than opswall supports "
                 "(32768 x 32768)", w->canvas_w, w->canvas_h);
        return false;
    }

    build_outputs(l, get(wall, "outputs"), diags);

    const cJSON *grid = get(root, "grid");
    l->grid_columns = get_int(grid, "columns", 1);
    l->grid_rows = get_int(grid, "rows", 1);
    l->grid_gap = get_int(grid, "gap", 16);
    l->grid_margin = get_int(grid, "margin", 24);
    double unit_w = (double)(w->canvas_w - 2 * l->grid_margin -
                             (l->grid_columns - 1) * l->grid_gap) /
                    l->grid_columns;
    double unit_h = (double)(w->canvas_h - 2 * l->grid_margin -
                             (l->grid_rows - 1) * l->grid_gap) /
                    l->grid_rows;
    if (unit_w < 8 || unit_h < 8) {
        diag_add(diags, DIAG_ERROR, jsonc_pos(l->doc, grid),
                 "grid cells would be %.1f x %.1f px: too small for the "
                 "%d x %d canvas (fewer columns/rows, or less gap and margin)",
                 unit_w, unit_h, w->canvas_w, w->canvas_h);
        return false;
    }

    l->locale = strcmp(get_str(root, "locale", "vi-VN"), "en-US") == 0
                    ? LAYOUT_LOCALE_EN_US
                    : LAYOUT_LOCALE_VI_VN;
    const cJSON *tz = get(root, "timezone");
    l->utc_offset_min = 7 * 60;
    if (tz && !time_parse_offset(tz->valuestring, &l->utc_offset_min)) {
        diag_add(diags, DIAG_ERROR, jsonc_pos(l->doc, tz),
                 "timezone must be a UTC offset such as \"+07:00\"");
    }
    build_theme(l, get(root, "theme"));
    build_sources(l, sources, diags);
    build_scenes(l, get(root, "scenes"), diags);

    l->start_scene = 0;
    int idx = scene_ref(l, get(root, "start_scene"), "start_scene", diags);
    l->start_scene = idx >= 0 ? (size_t)idx : 0;
    build_scene_changes(l, root, diags);
    return diags->errors == errors_before;
}

/* A scene named by id at node: its index, or -1 with an error (and the
 * nearest id as a suggestion).  -1 silently when node is NULL. */
static int
scene_ref(const struct layout *l, const cJSON *node, const char *what,
          struct diag_list *diags)
{
    if (!node || !cJSON_IsString(node)) {
        return -1;
    }
    int idx = layout_scene_index(l, node->valuestring);
    if (idx >= 0) {
        return idx;
    }
    const char *names[256];
    int count = 0;
    for (size_t i = 0; i < l->nscenes && count < 256; i++) {
        names[count++] = l->scenes[i].id;
    }
    const char *hint = layout_spec_suggest(node->valuestring, names, count);
    if (hint) {
        diag_add(diags, DIAG_ERROR, jsonc_pos(l->doc, node),
                 "%s \"%s\" is not a scene; did you mean \"%s\"?", what,
                 node->valuestring, hint);
    } else {
        diag_add(diags, DIAG_ERROR, jsonc_pos(l->doc, node),
                 "%s \"%s\" is not a scene", what, node->valuestring);
    }
    return -1;
}

/* [column, row, columns, rows] of displays: their canvas rectangle,
 * with the mullions between them.  false (error added) past the wall. */
static bool
display_block(const struct layout *l, const cJSON *cell, struct rect *out,
              struct diag_list *diags)
{
    const struct layout_wall *w = &l->wall;
    int v[4];
    for (int k = 0; k < 4; k++) {
        v[k] = (int)cJSON_GetArrayItem(cell, k)->valuedouble;
    }
    if (v[2] < 1 || v[3] < 1 || v[0] + v[2] > w->columns ||
        v[1] + v[3] > w->rows) {
        diag_add(diags, DIAG_ERROR, jsonc_pos(l->doc, cell), "displays "
                 "[%d, %d, %d, %d] are not a block of the %d x %d wall", v[0],
                 v[1], v[2], v[3], w->columns, w->rows);
        return false;
    }
    int sx = w->width + w->mullion_x, sy = w->height + w->mullion_y;
    *out = (struct rect){v[0] * sx, v[1] * sy, v[2] * sx - w->mullion_x,
                         v[3] * sy - w->mullion_y};
    return true;
}

/* wall.outputs: several outputs of one machine, each a display block. */
static void
build_outputs(struct layout *l, const cJSON *outs, struct diag_list *diags)
{
    int n = outs ? cJSON_GetArraySize(outs) : 0;
    if (n <= 0) {
        return;
    }
    l->outputs = xcalloc((size_t)n, sizeof(*l->outputs));
    const cJSON *o;
    cJSON_ArrayForEach(o, outs) {
        struct layout_output *lo = &l->outputs[l->noutputs];
        lo->display = get_int(o, "display", 0);
        if (display_block(l, get(o, "displays"), &lo->region, diags)) {
            l->noutputs++;
        }
    }
}

/* cluster.ranks: each a block of displays (whole displays with the
 * mullions between them) or a canvas region, inside the canvas. */
static void
build_cluster(struct layout *l, const cJSON *cl, struct diag_list *diags)
{
    const cJSON *ranks = cl ? get(cl, "ranks") : NULL;
    int n = ranks ? cJSON_GetArraySize(ranks) : 0;
    if (n <= 0) {
        return;
    }
    const struct layout_wall *w = &l->wall;
    l->cluster = xcalloc((size_t)n, sizeof(*l->cluster));
    const cJSON *r;
    cJSON_ArrayForEach(r, ranks) {
        const cJSON *d = get(r, "displays"), *g = get(r, "region");
        int v[4] = {0};
        const cJSON *which = d ? d : g;
        if ((d != NULL) == (g != NULL)) {
            diag_add(diags, DIAG_ERROR, jsonc_pos(l->doc, r), "a cluster "
                     "rank needs \"displays\" or \"region\" (one of them)");
            continue;
        }
        for (int k = 0; k < 4; k++) {
            v[k] = (int)cJSON_GetArrayItem(which, k)->valuedouble;
        }
        struct rect rc;
        if (d) {
            if (!display_block(l, d, &rc, diags)) {
                continue;
            }
        } else {
            rc = (struct rect){v[0], v[1], v[2], v[3]};
            if (rc.w <= 0 || rc.h <= 0 || rc.x + rc.w > w->canvas_w ||
                rc.y + rc.h > w->canvas_h) {
                diag_add(diags, DIAG_ERROR, jsonc_pos(l->doc, g), "region "
                         "[%d, %d, %d, %d] is not inside the %d x %d canvas",
                         v[0], v[1], v[2], v[3], w->canvas_w, w->canvas_h);
                continue;
            }
        }
        l->cluster[l->ncluster++] = rc;
    }
}

/* "HH:MM" -> minute of the day, or -1. */
static int
parse_hhmm(const char *s)
{
    int h, m;
    char end;
    if (strlen(s) != 5 || sscanf(s, "%2d:%2d%c", &h, &m, &end) != 2 ||
        s[2] != ':' || h < 0 || h > 23 || m < 0 || m > 59) {
        return -1;
    }
    return h * 60 + m;
}

/* transition, rotation, schedule (the schema checked their shape). */
static void
build_scene_changes(struct layout *l, const cJSON *root,
                    struct diag_list *diags)
{
    const cJSON *tr = get(root, "transition");
    l->transition_ms = 500;
    if (tr) {
        l->transition_ms = (int)get_duration(tr, "duration", 500);
        if (strcmp(get_str(tr, "type", "crossfade"), "cut") == 0) {
            l->transition_ms = 0;
        }
    }
    const cJSON *rot = get(root, "rotation");
    int n = rot ? cJSON_GetArraySize(rot) : 0;
    if (n > 0) {
        l->rotation = xcalloc((size_t)n, sizeof(*l->rotation));
        const cJSON *step;
        cJSON_ArrayForEach(step, rot) {
            int idx = scene_ref(l, get(step, "scene"), "rotation scene",
                                diags);
            if (idx >= 0) {
                l->rotation[l->nrotation++] = (struct layout_rotation_step){
                    (size_t)idx, get_duration(step, "dwell", 60000)};
            }
        }
    }
    const cJSON *sch = get(root, "schedule");
    n = sch ? cJSON_GetArraySize(sch) : 0;
    if (n > 0) {
        l->schedule = xcalloc((size_t)n, sizeof(*l->schedule));
        const cJSON *item;
        cJSON_ArrayForEach(item, sch) {
            const cJSON *at = get(item, "at");
            int minute = at ? parse_hhmm(at->valuestring) : -1;
            if (at && minute < 0) {
                diag_add(diags, DIAG_ERROR, jsonc_pos(l->doc, at),
                         "schedule time \"%s\" must be HH:MM on the wall's "
                         "clock, e.g. \"07:30\"", at->valuestring);
            }
            int idx = scene_ref(l, get(item, "scene"), "schedule scene",
                                diags);
            for (size_t k = 0; minute >= 0 && k < l->nschedule; k++) {
                if (l->schedule[k].minute == minute) {
                    diag_add(diags, DIAG_ERROR, jsonc_pos(l->doc, at),
                             "two schedule entries at %s", at->valuestring);
                    minute = -1;
                }
            }
            if (minute >= 0 && idx >= 0) {
                l->schedule[l->nschedule++] = (struct layout_schedule_item){
                    minute, (size_t)idx};
            }
        }
    }
    l->errors_on_wall = get_bool(root, "errors_on_wall", false);
    build_cluster(l, get(root, "cluster"), diags);
    const cJSON *rec = get(root, "record");
    const char *dir = get_str(rec, "dir", NULL);
    if (dir && *dir) {
        l->record.dir = layout_resolve_path(l, dir);
        l->record.keep_ms = get_duration(rec, "keep", 0);
        const char *size = get_str(rec, "max_size", NULL);
        if (!size || !file_parse_size(size, &l->record.max_bytes)) {
            l->record.max_bytes = 0;
        }
    }
}

struct layout *
layout_load_buffer(const char *path, const char *text, size_t len,
                   struct diag_list *diags)
{
    struct layout *l = xcalloc(1, sizeof(*l));
    l->path = xstrdup(path);
    const char *slash = strrchr(path, '/');
    l->dir = slash ? xstrndup(path, (size_t)(slash - path)) : xstrdup(".");
    l->doc = jsonc_parse(text, len, diags);
    if (!l->doc || !build(l, diags)) {
        diag_list_sort(diags);
        layout_destroy(l);
        return NULL;
    }
    diag_list_sort(diags);
    return l;
}

struct layout *
layout_load(const char *path, struct diag_list *diags)
{
    size_t len = 0;
    char *buf = file_read_all(path, JSONC_MAX_BYTES, &len);
    if (!buf) {
        diag_add(diags, DIAG_ERROR, (struct src_pos){0, 0}, "cannot open: %s",
                 errno == EFBIG ? "file too large (over 4 MiB)"
                                : strerror(errno));
        return NULL;
    }
    struct layout *l = layout_load_buffer(path, buf, len, diags);
    free(buf);
    return l;
}

void
layout_destroy(struct layout *l)
{
    if (!l) {
        return;
    }
    for (size_t i = 0; i < l->nscenes; i++) {
        free(l->scenes[i].widgets);
    }
    free(l->scenes);
    free(l->sources);
    free(l->rotation);
    free(l->schedule);
    free(l->cluster);
    free(l->outputs);
    free(l->record.dir);
    jsonc_destroy(l->doc);
    free(l->dir);
    free(l->path);
    free(l);
}

int
layout_scene_index(const struct layout *l, const char *id)
{
    for (size_t i = 0; i < l->nscenes; i++) {
        if (strcmp(l->scenes[i].id, id) == 0) {
            return (int)i;
        }
    }
    return -1;
}

int
layout_source_index(const struct layout *l, const char *name)
{
    for (size_t i = 0; i < l->nsources; i++) {
        if (strcmp(l->sources[i].name, name) == 0) {
            return (int)i;
        }
    }
    return -1;
}

char *
layout_resolve_path(const struct layout *l, const char *rel)
{
    if (rel[0] == '/') {
        return xstrdup(rel);
    }
    return xasprintf("%s/%s", l->dir, rel);
}
