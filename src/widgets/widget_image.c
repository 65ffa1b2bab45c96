/*
 * widget_image: a PNG, loaded once at creation (Cairo's PNG reader), drawn
 * contained, covering or stretched.  A missing or broken file is reported
 * by `check` and drawn as an empty panel, never a crash.
 */
#define LOG_MODULE "image"
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/xalloc.h"
#include "widgets/widget.h"

struct image {
    const struct widget_env *env;
    const struct layout_widget *lw;
    cairo_surface_t *png;
    int fit; /* 0 contain, 1 cover, 2 stretch */
    bool panel;
};

static void *
image_create(const struct layout_widget *lw, const struct widget_env *env)
{
    struct image *im = xcalloc(1, sizeof(*im));
    im->env = env;
    im->lw = lw;
    const cJSON *path = cJSON_GetObjectItemCaseSensitive(lw->config, "path");
    const cJSON *fit = cJSON_GetObjectItemCaseSensitive(lw->config, "fit");
    im->panel = widget_cfg_bool(lw, "panel", true);
    if (cJSON_IsString(fit)) {
        im->fit = strcmp(fit->valuestring, "cover") == 0     ? 1
                  : strcmp(fit->valuestring, "stretch") == 0 ? 2
                                                             : 0;
    }
    if (cJSON_IsString(path)) {
        char *p = layout_resolve_path(env->layout, path->valuestring);
        im->png = cairo_image_surface_create_from_png(p);
        if (cairo_surface_status(im->png) != CAIRO_STATUS_SUCCESS) {
            LOG_WARN("widget \"%s\": cannot load %s: %s", lw->id, p,
                     cairo_status_to_string(cairo_surface_status(im->png)));
            cairo_surface_destroy(im->png);
            im->png = NULL;
        }
        free(p);
    }
    return im;
}

static void
image_destroy(void *self)
{
    struct image *im = self;
    if (im && im->png) {
        cairo_surface_destroy(im->png);
    }
    free(im);
}

static uint64_t
image_stamp(void *self, const struct frame_state *fs)
{
    (void)self;
    (void)fs;
    return 1;
}

static void
image_paint(void *self, cairo_t *cr, int w, int h,
            const struct frame_state *fs)
{
    (void)fs;
    struct image *im = self;
    int pad = im->panel ? widget_panel(cr, im->env, w, h) : 0;
    if (!im->png) {
        return;
    }
    double iw = cairo_image_surface_get_width(im->png);
    double ih = cairo_image_surface_get_height(im->png);
    double bw = w - 2 * pad, bh = h - 2 * pad;
    if (iw <= 0 || ih <= 0 || bw <= 0 || bh <= 0) {
        return;
    }
    double sx = bw / iw, sy = bh / ih;
    if (im->fit == 0) {
        sx = sy = sx < sy ? sx : sy;
    } else if (im->fit == 1) {
        sx = sy = sx > sy ? sx : sy;
    }
    cairo_save(cr);
    cairo_rectangle(cr, pad, pad, bw, bh);
    cairo_clip(cr);
    cairo_translate(cr, pad + (bw - iw * sx) / 2, pad + (bh - ih * sy) / 2);
    cairo_scale(cr, sx, sy);
    cairo_set_source_surface(cr, im->png, 0, 0);
    cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);
    cairo_paint(cr);
    cairo_restore(cr);
}

const struct widget_class widget_image_class = {
    .type = "image",
    .create = image_create,
    .destroy = image_destroy,
    .stamp = image_stamp,
    .paint = image_paint,
};
