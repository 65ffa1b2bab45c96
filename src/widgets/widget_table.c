/*
 * widget_table: rows and columns, with formats and threshold colours.
 *
 * Rows that do not fit are paged at a set pace (`page_every`), with
 * "trang 1/3" in the title row, never shrunk: the text stays at the
 * theme's sizes.  The page shown is a function of the frame's time, so
 * every machine of a wall shows the same page, and the widget repaints
 * only when the page or the data changes.  Missing cells are "—".
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text/format.h"
#include "widgets/widget_chart.h"

#define TABLE_MAX_COLUMNS 12

struct column {
    const char *label, *field, *format;
    const char *status; /* pointer to the cell's status within a row */
    int decimals;
    int align; /* -1 left, 0 centre, 1 right */
    double weight;
    const cJSON *thresholds;
};

struct table {
    const struct layout_widget *lw;
    const struct widget_env *env;
    const cJSON *rows, *period;
    struct column cols[TABLE_MAX_COLUMNS];
    int ncols;
    int64_t page_ms;
    int rows_per_page; /* from the last paint's geometry; 0 before */
};

/* Text and period columns are laid out as text (left, sharing the
 * width); numbers take their natural width. */
static bool
textual(const struct column *col)
{
    return strcmp(col->format, "text") == 0 ||
           strcmp(col->format, "period") == 0;
}

/* A cell's publication status (its column's status pointer in the row,
 * through the source's status_map). */
static enum obs_status
cell_status(const struct column *col, const cJSON *row,
            const struct bound *rows)
{
    if (!col->status) {
        return OBS_FINAL;
    }
    const cJSON *st = jsonptr_get(row, col->status);
    return obs_status_of(cJSON_IsString(st) ? st->valuestring : NULL,
                         rows->src ? rows->src->status_map : NULL);
}

static void *
table_create(const struct layout_widget *lw, const struct widget_env *env)
{
    struct table *t = calloc(1, sizeof(*t));
    if (!t) {
        return NULL;
    }
    t->lw = lw;
    t->env = env;
    t->rows = cJSON_GetObjectItemCaseSensitive(lw->config, "rows");
    t->period = cJSON_GetObjectItemCaseSensitive(lw->config, "period");
    t->page_ms = 8000;
    const char *pe = widget_cfg_str(lw, "page_every", NULL);
    if (pe) {
        time_parse_duration(pe, &t->page_ms);
    }
    const cJSON *cols = cJSON_GetObjectItemCaseSensitive(lw->config,
                                                         "columns");
    for (const cJSON *c = cols ? cols->child : NULL;
         c && t->ncols < TABLE_MAX_COLUMNS; c = c->next) {
        struct column *col = &t->cols[t->ncols++];
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(c, "label");
        col->label = cJSON_IsString(v) ? v->valuestring : "";
        v = cJSON_GetObjectItemCaseSensitive(c, "field");
        col->field = cJSON_IsString(v) ? v->valuestring : "";
        v = cJSON_GetObjectItemCaseSensitive(c, "format");
        col->format = cJSON_IsString(v) ? v->valuestring : "text";
        v = cJSON_GetObjectItemCaseSensitive(c, "decimals");
        col->decimals = cJSON_IsNumber(v) ? (int)v->valuedouble : 1;
        v = cJSON_GetObjectItemCaseSensitive(c, "width");
        col->weight = cJSON_IsNumber(v) ? v->valuedouble : 1;
        v = cJSON_GetObjectItemCaseSensitive(c, "align");
        const char *al = cJSON_IsString(v) ? v->valuestring
                         : textual(col) ? "left"
                                        : "right";
        col->align = strcmp(al, "left") == 0 ? -1 : strcmp(al, "right") == 0;
        col->thresholds = cJSON_GetObjectItemCaseSensitive(c, "thresholds");
        v = cJSON_GetObjectItemCaseSensitive(c, "status");
        col->status = cJSON_IsString(v) ? v->valuestring : NULL;
    }
    return t;
}

static void
table_destroy(void *self)
{
    free(self);
}

static int
row_count(const struct table *t, const struct frame_state *fs)
{
    struct bound b = widget_resolve(t->env, fs, t->rows);
    return cJSON_IsArray(b.value) ? cJSON_GetArraySize(b.value) : 0;
}

static int
page_count(const struct table *t, int nrows)
{
    if (t->rows_per_page <= 0 || nrows <= t->rows_per_page) {
        return 1;
    }
    return (nrows + t->rows_per_page - 1) / t->rows_per_page;
}

static int
page_at(const struct table *t, int pages, int64_t now_ms)
{
    if (pages <= 1 || t->page_ms <= 0) {
        return 0;
    }
    int64_t slot = now_ms / t->page_ms;
    return (int)(((slot % pages) + pages) % pages);
}

static uint64_t
table_stamp(void *self, const struct frame_state *fs)
{
    struct table *t = self;
    uint64_t h = widget_stamp_spec(t->env, fs, t->rows, 0x544142);
    h = widget_stamp_spec(t->env, fs, t->period, h);
    int pages = page_count(t, row_count(t, fs));
    return widget_stamp_mix(h, (uint64_t)page_at(t, pages, fs->now_ms));
}

static int64_t
table_next_change(void *self, const struct frame_state *fs)
{
    struct table *t = self;
    struct bound b = widget_resolve(t->env, fs, t->rows);
    int64_t next = b.src ? widget_source_next_change(b.snap, b.src,
                                                     fs->now_ms)
                         : INT64_MAX;
    if (page_count(t, row_count(t, fs)) > 1 && t->page_ms > 0) {
        int64_t turn = (fs->now_ms / t->page_ms + 1) * t->page_ms;
        next = turn < next ? turn : next;
    }
    return next;
}

static void
cell_text(const struct table *t, const struct column *col, const cJSON *v,
          const struct bound *rows, enum obs_status st, char *buf, size_t n,
          double *num, bool *is_num)
{
    const enum layout_locale loc = t->env->layout->locale;
    *is_num = false;
    if (st == OBS_MISSING) {
        snprintf(buf, n, "\xE2\x80\x94"); /* never the number that came */
        return;
    }
    if (strcmp(col->format, "period") == 0 && cJSON_IsString(v) &&
        chart_period_write(buf, n, v->valuestring,
                           t->env->layout->utc_offset_min, loc)) {
        return;
    }
    if (textual(col)) {
        if (cJSON_IsString(v)) {
            snprintf(buf, n, "%s", v->valuestring);
        } else if (cJSON_IsNumber(v)) {
            format_number(buf, n, v->valuedouble, col->decimals, loc);
        } else {
            snprintf(buf, n, "\xE2\x80\x94");
        }
        return;
    }
    struct bound b = {.value = v, .snap = rows->snap, .src = rows->src};
    if (!widget_bound_number(&b, num)) {
        snprintf(buf, n, "\xE2\x80\x94");
        return;
    }
    *is_num = true;
    format_number(buf, n, *num, col->decimals, loc);
    if (strcmp(col->format, "percent") == 0) {
        size_t len = strlen(buf);
        snprintf(buf + len, n - len, "%%");
    }
}

static void
table_paint(void *self, cairo_t *cr, int w, int h,
            const struct frame_state *fs)
{
    struct table *t = self;
    const struct widget_env *env = t->env;
    const bool vi = env->layout->locale == LAYOUT_LOCALE_VI_VN;
    int pad = widget_panel(cr, env, w, h);
    /* The title is drawn once the page count is known: a page
     * indicator keeps its place and a long title is shortened. */
    int y = widget_title_bottom(env, t->lw->title, pad);
    int px = widget_px(env, TEXT_ROLE_SMALL);
    int pb = widget_px(env, TEXT_ROLE_BODY);
    int line_s = text_measure(env->text, "Ag", FONT_REGULAR, px).height;
    int line_b = text_measure(env->text, "Ag", FONT_REGULAR, pb).height;

    struct bound rows = widget_resolve(env, fs, t->rows);
    int nrows = cJSON_IsArray(rows.value) ? cJSON_GetArraySize(rows.value)
                                          : 0;
    double alpha = widget_state_alpha(widget_bound_state(&rows,
                                                         fs->now_ms));
    char period[128];
    widget_text_of(period, sizeof(period), env, fs, t->period);
    int footer_y = widget_footer(cr, env, w, h, pad, period, &rows,
                                 nrows > 0, fs);
    int top = y + (int)(pad * 0.3);
    int bottom = footer_y - (int)(pad * 0.3);
    /* What hatched cells mean, over every row (the layout does not move
     * from page to page), on a line above the footer. */
    unsigned marks = 0;
    for (int r = 0; r < nrows; r++) {
        const cJSON *row = cJSON_GetArrayItem(rows.value, r);
        for (int c = 0; c < t->ncols; c++) {
            enum obs_status st = cell_status(&t->cols[c], row, &rows);
            marks |= obs_status_preliminary(st) ? 1u << st : 0;
        }
    }
    if (marks) {
        struct chart_set cs = {.n = 1};
        cs.s[0].statuses = marks;
        if (widget_chart_legend(cr, env, &cs, w - pad, bottom - line_s,
                                w - 2 * pad, CHART_LEGEND_STATUS_BAR)) {
            bottom -= line_s + (int)(px * 0.2);
        }
    }
    if (nrows == 0) {
        widget_title(cr, env, t->lw->title, pad, w);
        struct chart_set cs = {.n = 1, .b = {rows}};
        char msg[128];
        widget_chart_no_data(msg, sizeof(msg), env, &cs, fs);
        widget_chart_message(cr, env, pad, top, w - 2 * pad, bottom - top,
                             msg, COLOR_MUTED);
        return;
    }

    /* Column geometry: number columns take their natural width (header
     * or widest cell over every row, so paging does not move them); text
     * columns share the rest by weight; if that leaves them too little,
     * every column is sized by weight instead. */
    double gap = px * 0.6;
    double avail = w - 2 * pad - gap * (t->ncols - 1);
    double x[TABLE_MAX_COLUMNS], cw[TABLE_MAX_COLUMNS];
    double fixed = 0, text_weight = 0, total = 0;
    for (int c = 0; c < t->ncols; c++) {
        const struct column *col = &t->cols[c];
        total += col->weight;
        if (textual(col)) {
            text_weight += col->weight;
            cw[c] = -1;
            continue;
        }
        int nat = text_measure(env->text, col->label, FONT_MEDIUM, px).width;
        for (int r = 0; r < nrows; r++) {
            const cJSON *row = cJSON_GetArrayItem(rows.value, r);
            const cJSON *v = jsonptr_get(row, col->field);
            char buf[128];
            double num;
            bool is_num;
            cell_text(t, col, v, &rows, cell_status(col, row, &rows), buf,
                      sizeof(buf), &num, &is_num);
            int tw = text_measure(env->text, buf, FONT_MEDIUM, pb).width;
            nat = tw > nat ? tw : nat;
        }
        cw[c] = nat;
        fixed += nat;
    }
    bool natural = text_weight > 0 && avail - fixed >= avail * 0.22;
    for (int c = 0; c < t->ncols; c++) {
        if (!natural) {
            cw[c] = avail * t->cols[c].weight / (total > 0 ? total : 1);
        } else if (cw[c] < 0) {
            cw[c] = (avail - fixed) * t->cols[c].weight / text_weight;
        }
    }
    double cx = pad;
    for (int c = 0; c < t->ncols; c++) {
        x[c] = cx;
        cx += cw[c] + gap;
    }
    /* Header. */
    for (int c = 0; c < t->ncols; c++) {
        char *fit = text_ellipsize(env->text, t->cols[c].label, FONT_MEDIUM,
                                   px, (int)cw[c]);
        int tw = text_measure(env->text, fit, FONT_MEDIUM, px).width;
        double tx = t->cols[c].align < 0   ? x[c]
                    : t->cols[c].align > 0 ? x[c] + cw[c] - tw
                                           : x[c] + (cw[c] - tw) / 2;
        widget_text(cr, env, fit, FONT_MEDIUM, px, tx, top, COLOR_MUTED, 1);
        free(fit);
    }
    int ry = top + line_s + (int)(px * 0.2);
    widget_set_color(cr, env, COLOR_PANEL_BORDER, 1);
    cairo_set_line_width(cr, fmax(1, px * 0.04));
    cairo_move_to(cr, pad, ry - px * 0.1);
    cairo_line_to(cr, w - pad, ry - px * 0.1);
    cairo_stroke(cr);

    double row_h = line_b * 1.08;
    int per_page = (int)((bottom - ry) / row_h);
    if (per_page < 1) {
        per_page = 1;
    }
    t->rows_per_page = per_page;
    int pages = (nrows + per_page - 1) / per_page;
    int page = page_at(t, pages, fs->now_ms);
    if (pages > 1) {
        char pg[64];
        snprintf(pg, sizeof(pg), vi ? "trang %d/%d" : "page %d/%d", page + 1,
                 pages);
        int tw = text_measure(env->text, pg, FONT_MEDIUM, px).width;
        widget_title_fit(cr, env, t->lw->title, pad, w, tw + px);
        widget_text(cr, env, pg, FONT_MEDIUM, px, w - pad - tw,
                    widget_title_row_y(pad, y, line_s), COLOR_ACCENT, 1);
    } else {
        widget_title(cr, env, t->lw->title, pad, w);
    }
    int first = page * per_page;
    for (int r = first; r < nrows && r < first + per_page; r++) {
        const cJSON *row = cJSON_GetArrayItem(rows.value, r);
        double yy = ry + (r - first) * row_h;
        if ((r - first) % 2 == 1) {
            widget_set_color(cr, env, COLOR_PANEL_BORDER, 0.35);
            cairo_rectangle(cr, pad - px * 0.2, yy, w - 2 * pad + px * 0.4,
                            row_h);
            cairo_fill(cr);
        }
        for (int c = 0; c < t->ncols; c++) {
            const struct column *col = &t->cols[c];
            const cJSON *v = jsonptr_get(row, col->field);
            char buf[256];
            double num = 0;
            bool is_num = false;
            enum obs_status st = cell_status(col, row, &rows);
            cell_text(t, col, v, &rows, st, buf, sizeof(buf), &num, &is_num);
            if (obs_status_preliminary(st)) {
                /* Not final: the cell is hatched, the legend says why. */
                widget_set_color(cr, env, COLOR_MUTED, 0.35);
                widget_hatch(cr, x[c] - gap * 0.3, yy, cw[c] + gap * 0.6,
                             row_h, fmax(4, px * 0.35), fmax(1, px * 0.06));
            }
            enum color_role role = is_num
                ? widget_threshold_color(col->thresholds, num, COLOR_TEXT)
                : (strcmp(buf, "\xE2\x80\x94") == 0 ? COLOR_MUTED
                                                    : COLOR_TEXT);
            char *fit = text_ellipsize(env->text, buf, FONT_REGULAR, pb,
                                       (int)cw[c]);
            int tw = text_measure(env->text, fit, FONT_REGULAR, pb).width;
            double tx = col->align < 0   ? x[c]
                        : col->align > 0 ? x[c] + cw[c] - tw
                                         : x[c] + (cw[c] - tw) / 2;
            widget_text(cr, env, fit, is_num ? FONT_MEDIUM : FONT_REGULAR,
                        pb, tx, yy + (row_h - line_b) / 2, role, alpha);
            free(fit);
        }
    }
}

const struct widget_class widget_table_class = {
    .type = "table",
    .create = table_create,
    .destroy = table_destroy,
    .stamp = table_stamp,
    .paint = table_paint,
    .next_change = table_next_change,
};
