/*
 * wall: widgets -> Cairo surfaces -> textures -> framebuffer, with damage.
 *
 * Damage rectangles collect per update (one per repainted or animated
 * widget); more than MAX_DAMAGE collapse into their bounding box.  Each
 * damaged rectangle is cleared and every widget that overlaps it is drawn
 * again from its texture, under a scissor, so overlapping and animated
 * widgets stay correct without repainting their Cairo surfaces.
 */
#define LOG_MODULE "wall"
#include "render/wall.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/log.h"
#include "base/timeutil.h"
#include "base/xalloc.h"
#include "geo/geo_cache.h"
#include "widgets/revisions.h"
#include "render/gl.h"
#include "render/video_layer.h"
#include "video/video_image.h"

#define MAX_DAMAGE 32

extern const struct widget_class widget_overlay_class;

struct wall_widget {
    const struct layout_widget *lw;
    const struct widget_class *cls;
    void *self;
    struct rect rect; /* framebuffer pixels */
    cairo_surface_t *surface;
    GLuint tex;      /* made when drawn by GL (see composite) */
    bool tex_ok;     /* tex holds the surface as last painted */
    /* Painted over the background: no other widget of the scene
     * overlaps it (the overlay band may, when it shows something). */
    bool opaque;
    bool blank;      /* the overlay band: painted nothing */
    /* Its own surface is kept (the ticker lays its strip over it each
     * frame); the others paint into the wall's scratch and their pixels
     * go at once into the canvas (or their texture), so a 4K wall holds
     * one copy of its pixels, not two.  surface is then non-NULL only
     * between a staged or full-damage paint and the composite. */
    bool keeps;
    bool fresh;      /* painted this update, already in the canvas */
    uint64_t stamp;
    bool painted;
    GLuint aux_tex;
    int aux_w, aux_h;
    cairo_surface_t *aux_surface; /* the quads' source, as aux_tex */
    struct widget_quad quads[WIDGET_MAX_QUADS];
    int nquads;
    struct video_slot *vslots; /* WIDGET_MAX_VIDEO, for video widgets */
    unsigned long paints;
    double paint_s, upload_s;
};

struct wall {
    const struct layout *layout;
    struct widget_env env;
    struct rect region;
    int fb_w, fb_h;
    GLuint fbo, fb_tex, prog, vbo, vao;
    GLint u_target, u_tex, u_alpha;
    unsigned char bg[3]; /* the background, as 8-bit the canvas holds */
    bool canvas_bgra;    /* the canvas takes widget rows as they are */
    int deferred;        /* repaints left for the next frame (budget) */
    int64_t frame_ms;    /* the frame state's time at the last update */
    struct geo_cache *own_maps; /* when nobody shares one with the wall */
    struct revision_book *own_revisions; /* likewise */
    unsigned char *scratch; /* compose_into_canvas's rows */
    size_t scratch_size;
    unsigned char *paint_buf; /* widgets paint here (see keeps) */
    size_t paint_size;
    struct video_layer *video;  /* made when a widget has video */
    struct wall_widget *widgets;
    size_t nwidgets;
    size_t scene, want_scene;
    bool built, full_damage;
    struct rect damage[MAX_DAMAGE];
    int ndamage;
    /* What the last update changed, for the present: rectangles of the
     * framebuffer, or all of it. */
    struct rect changed[WALL_MAX_CHANGED];
    int nchanged;
    bool changed_all;
    /* Tiles whose picture alone changed: drawn again by themselves (the
     * picture is opaque and covers its rectangle). */
    struct video_redraw {
        struct wall_widget *ww;
        struct video_slot *slot;
        struct rect r;
    } *vredraw;
    int nvredraw, cap_vredraw;
    /* The operator's focus: one widget of the scene over the whole grid
     * (a copy of its layout entry with the larger rectangle, on the heap
     * so that it moves with its widget set). */
    char *focus, *want_focus;
    struct layout_widget *focus_lw;
    /* The next scene (or focus), made and painted a few widgets per frame
     * while the current one stays on the wall; swapped in when complete,
     * so a change never costs one long frame of painting. */
    struct wall_widget *stage;
    size_t nstage, stage_scene, stage_next;
    char *stage_focus;
    struct layout_widget *stage_focus_lw;
    bool staging;
    /* The overlay band (frozen data, notices, reload errors). */
    struct layout_widget overlay_lw;
    /* Transitions: the old frame is kept in `from`; while one runs the
     * shown picture is `out` = crossfade(from, fb). */
    int trans_ms;
    bool in_trans, shows_from;
    bool no_staging; /* cluster ranks: change at once, in step */
    int64_t trans_start;
    GLuint from_fbo, from_tex, out_fbo, out_tex, xprog;
    GLint xu_target, xu_from, xu_to, xu_t;
    struct wall_stats stats;
};

static void draw_quad(struct wall *w, GLuint tex, float tw, float th,
                      float sx, float sy, float sw, float sh, float dx,
                      float dy, float dw, float dh);

static int
scaled(double v, double s)
{
    return (int)lround(v * s);
}

static struct rect
scale_rect(const struct wall *w, struct rect r)
{
    double s = w->env.scale;
    int x0 = scaled(r.x, s) - scaled(w->region.x, s);
    int y0 = scaled(r.y, s) - scaled(w->region.y, s);
    int x1 = scaled(r.x + r.w, s) - scaled(w->region.x, s);
    int y1 = scaled(r.y + r.h, s) - scaled(w->region.y, s);
    return (struct rect){x0, y0, x1 - x0, y1 - y0};
}

static bool
intersects(struct rect a, struct rect b)
{
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h &&
           b.y < a.y + a.h;
}

static void
destroy_set(struct wall_widget *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct wall_widget *ww = &v[i];
        if (ww->cls && ww->self) {
            ww->cls->destroy(ww->self);
        }
        if (ww->surface) {
            cairo_surface_destroy(ww->surface);
        }
        if (ww->tex) {
            glDeleteTextures(1, &ww->tex);
        }
        if (ww->aux_tex) {
            glDeleteTextures(1, &ww->aux_tex);
        }
        if (ww->aux_surface) {
            cairo_surface_destroy(ww->aux_surface);
        }
        if (ww->vslots) {
            for (int k = 0; k < WIDGET_MAX_VIDEO; k++) {
                video_slot_free(&ww->vslots[k]);
            }
            free(ww->vslots);
        }
    }
    free(v);
}

static void
destroy_widgets(struct wall *w)
{
    w->stats.retired += w->nwidgets > 0;
    destroy_set(w->widgets, w->nwidgets);
    w->widgets = NULL;
    w->nwidgets = 0;
    w->nvredraw = 0; /* they pointed into the widgets */
    free(w->focus_lw);
    w->focus_lw = NULL;
}

static void
destroy_stage(struct wall *w)
{
    destroy_set(w->stage, w->nstage);
    w->stage = NULL;
    w->nstage = 0;
    free(w->stage_focus_lw);
    w->stage_focus_lw = NULL;
    free(w->stage_focus);
    w->stage_focus = NULL;
    w->staging = false;
}

/* Makes a widget for lw if it shows in this wall's region; false when it
 * does not (another output draws it) or could not be made (logged). */
static bool
add_widget(struct wall *w, struct wall_widget *set, size_t *n,
           const struct layout_widget *lw, const struct widget_class *cls,
           bool opaque)
{
    struct rect r = scale_rect(w, lw->rect);
    struct rect whole = {0, 0, w->fb_w, w->fb_h};
    if (!intersects(r, whole) || r.w <= 0 || r.h <= 0) {
        return false; /* another output or machine draws it */
    }
    void *self = cls ? cls->create(lw, &w->env) : NULL;
    if (!self) {
        LOG_ERR("widget \"%s\" (%s) could not be created", lw->id, lw->type);
        return false;
    }
    struct wall_widget *ww = &set[(*n)++];
    *ww = (struct wall_widget){.lw = lw, .cls = cls, .self = self,
                               .rect = r, .opaque = opaque,
                               .keeps = cls->aux_size != NULL};
    if (cls->video_tiles) {
        ww->vslots = xcalloc(WIDGET_MAX_VIDEO, sizeof(*ww->vslots));
        if (!w->video) {
            char *dir = xasprintf("%s/shaders", w->env.data_dir);
            w->video = video_layer_create(dir);
            free(dir);
        }
    }
    return true;
}

static bool
same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* The focused widget's layout entry, or NULL when it is not in the
 * scene. */
static const struct layout_widget *
find_widget(const struct layout_scene *scene, const char *id)
{
    for (size_t i = 0; id && i < scene->nwidgets; i++) {
        if (strcmp(scene->widgets[i].id, id) == 0) {
            return &scene->widgets[i];
        }
    }
    return NULL;
}

/* A scene's widgets (or its focused widget alone), then the overlay:
 * how many, and the i-th.  *flw: the focused widget's entry with the
 * whole grid as its rectangle (made by set_begin). */
static size_t
set_count(const struct wall *w, size_t scene, const struct layout_widget *flw)
{
    return (flw ? 1 : w->layout->scenes[scene].nwidgets) + 1;
}

static const struct layout_widget *
set_entry(struct wall *w, size_t scene, const struct layout_widget *flw,
          size_t i, const struct widget_class **cls)
{
    size_t n = set_count(w, scene, flw);
    const struct layout_widget *lw = i + 1 == n ? &w->overlay_lw
                                     : flw      ? flw
                                                : &w->layout->scenes[scene]
                                                       .widgets[i];
    *cls = i + 1 == n ? &widget_overlay_class : widget_class_find(lw->type);
    return lw;
}

/* Whether entry i of a set overlaps no other entry (the overlay band
 * aside, which is drawn over it when it shows something). */
static bool
entry_alone(struct wall *w, size_t scene, const struct layout_widget *flw,
            size_t i)
{
    size_t n = set_count(w, scene, flw);
    const struct widget_class *cls;
    if (i + 1 >= n) {
        return false; /* the overlay itself */
    }
    struct rect r = scale_rect(w, set_entry(w, scene, flw, i, &cls)->rect);
    for (size_t j = 0; j + 1 < n; j++) {
        struct rect o = scale_rect(w, set_entry(w, scene, flw, j, &cls)->rect);
        if (j != i && intersects(r, o)) {
            return false;
        }
    }
    return true;
}

/* Allocates a set for a scene (and focus); no widget is made yet. */
static void
set_begin(struct wall *w, size_t scene_idx, const char *focus,
          struct wall_widget **set, size_t *n, struct layout_widget **flw)
{
    const struct layout_scene *scene = &w->layout->scenes[scene_idx];
    *set = xcalloc(scene->nwidgets + 1, sizeof(**set));
    *n = 0;
    *flw = NULL;
    const struct layout_widget *focused = find_widget(scene, focus);
    if (focused) {
        const struct layout *l = w->layout;
        int all[4] = {0, 0, l->grid_columns, l->grid_rows};
        *flw = xmalloc(sizeof(**flw));
        **flw = *focused;
        (*flw)->rect = layout_cell_rect(l, all);
        memcpy((*flw)->cell, all, sizeof(all));
    }
}

/* Makes the widgets of a scene (or of its focused widget) into *set. */
static void
build_set(struct wall *w, size_t scene_idx, const char *focus,
          struct wall_widget **set, size_t *n, struct layout_widget **flw)
{
    set_begin(w, scene_idx, focus, set, n, flw);
    size_t count = set_count(w, scene_idx, *flw);
    for (size_t i = 0; i < count; i++) {
        const struct widget_class *cls;
        const struct layout_widget *lw = set_entry(w, scene_idx, *flw, i,
                                                   &cls);
        add_widget(w, *set, n, lw, cls, entry_alone(w, scene_idx, *flw, i));
    }
}

static void
build_widgets(struct wall *w)
{
    destroy_widgets(w);
    destroy_stage(w);
    w->scene = w->want_scene;
    free(w->focus);
    w->focus = w->want_focus ? xstrdup(w->want_focus) : NULL;
    build_set(w, w->scene, w->focus, &w->widgets, &w->nwidgets,
              &w->focus_lw);
    w->built = true;
    w->full_damage = true;
}

/* A texture for the canvas (and the crossfade's frames, which trade
 * places with it): BGRA where the driver draws into it, else RGBA. */
static GLuint
canvas_texture(const struct wall *w)
{
    return w->canvas_bgra ? gl_canvas_texture_create(w->fb_w, w->fb_h)
                          : gl_texture_create(w->fb_w, w->fb_h, false);
}

/* The overlay band: the top of the middle display of the top row, 80 %
 * of its width, a third of its height. */
static struct layout_widget
overlay_entry(const struct layout *l)
{
    const struct layout_wall *lw = &l->wall;
    int col = (lw->columns - 1) / 2;
    struct rect r = {col * (lw->width + lw->mullion_x) + lw->width / 10,
                     lw->height / 40, lw->width * 8 / 10, lw->height / 3};
    return (struct layout_widget){.id = "overlay", .type = "overlay",
                                  .rect = r};
}

struct wall *
wall_create(const struct layout *layout, struct text_cache *tc,
            const char *data_dir, double scale, struct rect region)
{
    struct wall *w = xcalloc(1, sizeof(*w));
    w->layout = layout;
    w->env = (struct widget_env){.layout = layout, .text = tc,
                                 .scale = scale, .data_dir = data_dir};
    w->own_maps = geo_cache_create();
    w->env.maps = w->own_maps;
    w->own_revisions = revision_book_create();
    w->env.revisions = w->own_revisions;
    if (region.w <= 0 || region.h <= 0) {
        region = (struct rect){0, 0, layout->wall.canvas_w,
                               layout->wall.canvas_h};
    }
    w->region = region;
    w->fb_w = scaled(region.x + region.w, scale) - scaled(region.x, scale);
    w->fb_h = scaled(region.y + region.h, scale) - scaled(region.y, scale);
    GLint max_tex = 0;
    glGetIntegerv(GL_MAX_TEXTURE_SIZE, &max_tex);
    if (w->fb_w < 1 || w->fb_h < 1 || w->fb_w > max_tex ||
        w->fb_h > max_tex) {
        LOG_ERR("a %dx%d framebuffer exceeds this GPU's limit of %d px; "
                "split the wall into regions (--region) or lower --scale",
                w->fb_w, w->fb_h, max_tex);
        free(w);
        return NULL;
    }
    char *shader_dir = xasprintf("%s/shaders", data_dir);
    w->prog = gl_program_load(shader_dir, "composite");
    free(shader_dir);
    if (!w->prog) {
        free(w);
        return NULL;
    }
    w->u_target = glGetUniformLocation(w->prog, "u_target");
    w->u_tex = glGetUniformLocation(w->prog, "u_tex");
    w->u_alpha = glGetUniformLocation(w->prog, "u_alpha");

    const struct rgba *bg = &layout->theme.colors[COLOR_BACKGROUND];
    w->bg[0] = (unsigned char)lround(bg->r * 255);
    w->bg[1] = (unsigned char)lround(bg->g * 255);
    w->bg[2] = (unsigned char)lround(bg->b * 255);
    w->canvas_bgra = true;
    w->fb_tex = canvas_texture(w);
    glGenFramebuffers(1, &w->fbo);
    glBindFramebuffer(GL_FRAMEBUFFER, w->fbo);
    glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D,
                           w->fb_tex, 0);
    if (glCheckFramebufferStatus(GL_FRAMEBUFFER) != GL_FRAMEBUFFER_COMPLETE) {
        /* A driver that cannot draw into BGRA: RGBA, and every widget
         * composited by GL from its texture (no copies into it). */
        LOG_INFO("no BGRA framebuffer here: widgets are composited by GL");
        glDeleteTextures(1, &w->fb_tex);
        w->canvas_bgra = false;
        w->fb_tex = canvas_texture(w);
        glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0,
                               GL_TEXTURE_2D, w->fb_tex, 0);
        while (glGetError() != GL_NO_ERROR) {
        }
    }
    w->env.cpu_video = w->canvas_bgra && gl_is_software();
    if (glCheckFramebufferStatus(GL_FRAMEBUFFER) != GL_FRAMEBUFFER_COMPLETE) {
        LOG_ERR("framebuffer %dx%d incomplete", w->fb_w, w->fb_h);
        wall_destroy(w);
        return NULL;
    }
    gl_quad_buffer(&w->vao, &w->vbo);
    w->scene = w->want_scene = layout->start_scene;
    w->overlay_lw = overlay_entry(layout);
    if (!gl_check("wall_create")) {
        wall_destroy(w);
        return NULL;
    }
    return w;
}

void
wall_destroy(struct wall *w)
{
    if (!w) {
        return;
    }
    destroy_widgets(w);
    destroy_stage(w);
    geo_cache_destroy(w->own_maps);
    revision_book_destroy(w->own_revisions);
    video_layer_destroy(w->video);
    free(w->vredraw);
    free(w->scratch);
    free(w->paint_buf);
    free(w->focus);
    free(w->want_focus);
    GLuint fbos[] = {w->from_fbo, w->out_fbo};
    GLuint texs[] = {w->from_tex, w->out_tex};
    glDeleteFramebuffers(2, fbos);
    glDeleteTextures(2, texs);
    if (w->xprog) {
        glDeleteProgram(w->xprog);
    }
    if (w->vbo) {
        glDeleteBuffers(1, &w->vbo);
    }
    if (w->vao) {
        glDeleteVertexArrays(1, &w->vao);
    }
    if (w->fbo) {
        glDeleteFramebuffers(1, &w->fbo);
    }
    if (w->fb_tex) {
        glDeleteTextures(1, &w->fb_tex);
    }
    if (w->prog) {
        glDeleteProgram(w->prog);
    }
    free(w);
}

void
wall_set_wake(struct wall *w, void (*wake)(void *arg), void *arg)
{
    w->env.wake = wake;
    w->env.wake_arg = arg;
    w->built = false; /* widgets are made again with it */
}

void
wall_set_maps(struct wall *w, struct geo_cache *maps)
{
    if (!w->built && !w->staging && maps) {
        geo_cache_destroy(w->own_maps);
        w->own_maps = NULL;
        w->env.maps = maps;
    }
}

void
wall_set_revisions(struct wall *w, struct revision_book *book)
{
    if (!w->built && !w->staging && book) {
        revision_book_destroy(w->own_revisions);
        w->own_revisions = NULL;
        w->env.revisions = book;
    }
}

void
wall_set_still(struct wall *w, bool still)
{
    w->env.still = still;
    w->built = false; /* widgets are made again with it */
}

void
wall_set_replay(struct wall *w)
{
    w->env.replay = true;
    wall_set_still(w, true);
}

void
wall_set_follow(struct wall *w, bool follow)
{
    w->env.follow = follow;
    w->built = false; /* widgets are made again with it */
}

void
wall_set_scene(struct wall *w, size_t scene)
{
    if (scene < w->layout->nscenes && scene != w->want_scene) {
        w->want_scene = scene;
        free(w->want_focus);
        w->want_focus = NULL;
    }
}

size_t
wall_scene(const struct wall *w)
{
    return w->want_scene;
}

bool
wall_set_focus(struct wall *w, const char *id)
{
    if (id && !find_widget(&w->layout->scenes[w->want_scene], id)) {
        return false;
    }
    if (!same_str(id, w->want_focus)) {
        free(w->want_focus);
        w->want_focus = id ? xstrdup(id) : NULL;
    }
    return true;
}

const char *
wall_focus(const struct wall *w)
{
    return w->want_focus;
}


/* The crossfade's program, made with the first live update: compiling
 * it during a scene change would cost that change a long frame. */
static bool
transition_program(struct wall *w)
{
    if (w->xprog) {
        return true;
    }
    char *dir = xasprintf("%s/shaders", w->env.data_dir);
    w->xprog = gl_program_load_pair(dir, "composite", "crossfade");
    free(dir);
    if (!w->xprog) {
        w->trans_ms = 0; /* cuts from now on; logged by the loader */
        return false;
    }
    w->xu_target = glGetUniformLocation(w->xprog, "u_target");
    w->xu_from = glGetUniformLocation(w->xprog, "u_from");
    w->xu_to = glGetUniformLocation(w->xprog, "u_to");
    w->xu_t = glGetUniformLocation(w->xprog, "u_t");
    return true;
}

/* The second and third framebuffers, made when a transition first
 * runs: two canvas-sized buffers (32 MB each at 4K on the CPU for a
 * software rasteriser) that a wall of one scene never needs. */
static bool
transition_ready(struct wall *w)
{
    if (!transition_program(w)) {
        return false;
    }
    if (w->from_fbo) {
        return true;
    }
    GLuint *fbo[] = {&w->from_fbo, &w->out_fbo};
    GLuint *tex[] = {&w->from_tex, &w->out_tex};
    for (int i = 0; i < 2; i++) {
        *tex[i] = canvas_texture(w);
        glGenFramebuffers(1, fbo[i]);
        glBindFramebuffer(GL_FRAMEBUFFER, *fbo[i]);
        glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0,
                               GL_TEXTURE_2D, *tex[i], 0);
    }
    return gl_check("transition buffers");
}

void
wall_set_staging(struct wall *w, bool on)
{
    w->no_staging = !on;
}

void
wall_set_transition(struct wall *w, int ms)
{
    w->trans_ms = ms > 0 ? ms : 0;
}

/* Keeps the picture being shown as the transition's starting frame. */
static void
transition_begin(struct wall *w, int64_t now_ms)
{
    if (w->trans_ms <= 0 || !w->built || w->stats.composites == 0 ||
        !transition_ready(w)) {
        w->in_trans = false;
        return;
    }
    /* What is on the wall now (the scene's framebuffer, or mid-transition
     * the mix) becomes `from` by swapping names, not by copying pixels;
     * the caller then composites the whole new scene into fb. */
    GLuint *fbo = w->in_trans ? &w->out_fbo : &w->fbo;
    GLuint *tex = w->in_trans ? &w->out_tex : &w->fb_tex;
    GLuint f = w->from_fbo, t = w->from_tex;
    w->from_fbo = *fbo;
    w->from_tex = *tex;
    *fbo = f;
    *tex = t;
    w->in_trans = true;
    w->trans_start = now_ms;
    w->stats.transitions++;
}

/* Draws crossfade(from, fb) into out; ends the transition when done. */
static void
transition_draw(struct wall *w, int64_t now_ms)
{
    double t = (double)(now_ms - w->trans_start) / w->trans_ms;
    if (t >= 1 || t < 0) {
        w->in_trans = false;
        return;
    }
    w->shows_from = t == 0; /* the first frame is the old one as it is */
    if (w->shows_from) {
        return;
    }
    double e = t * t * (3 - 2 * t); /* smoothstep: calm in, calm out */
    glBindFramebuffer(GL_FRAMEBUFFER, w->out_fbo);
    glViewport(0, 0, w->fb_w, w->fb_h);
    glDisable(GL_BLEND);
    glDisable(GL_SCISSOR_TEST);
    glUseProgram(w->xprog);
    glUniform2f(w->xu_target, (float)w->fb_w, (float)w->fb_h);
    glUniform1i(w->xu_from, 0);
    glUniform1i(w->xu_to, 1);
    glUniform1f(w->xu_t, (float)e);
    glActiveTexture(GL_TEXTURE1);
    glBindTexture(GL_TEXTURE_2D, w->fb_tex);
    glActiveTexture(GL_TEXTURE0);
    glBindVertexArray(w->vao);
    glBindBuffer(GL_ARRAY_BUFFER, w->vbo);
    /* Framebuffer textures hold the top row first, as the target. */
    float fw = (float)w->fb_w, fh = (float)w->fb_h;
    draw_quad(w, w->from_tex, fw, fh, 0, 0, fw, fh, 0, 0, fw, fh);
    gl_check("transition");
}

void
wall_invalidate(struct wall *w)
{
    w->full_damage = true;
    for (size_t i = 0; i < w->nwidgets; i++) {
        w->widgets[i].painted = false;
    }
}

static void
add_damage(struct wall *w, struct rect r)
{
    if (w->full_damage) {
        return;
    }
    if (w->ndamage == MAX_DAMAGE) {
        w->full_damage = true; /* too fragmented: redraw everything */
        return;
    }
    w->damage[w->ndamage++] = r;
}

/* Whether a surface is fully transparent (the overlay with nothing to
 * say): then the widgets under it are the canvas's pixels alone. */
static bool
surface_blank(cairo_surface_t *s)
{
    const unsigned char *p = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    int width = cairo_image_surface_get_width(s);
    for (int y = 0; y < cairo_image_surface_get_height(s); y++) {
        const uint32_t *row = (const uint32_t *)(p + (size_t)stride * y);
        for (int x = 0; x < width; x++) {
            if (row[x]) {
                return false;
            }
        }
    }
    return true;
}

static bool alone_now(const struct wall *w, const struct wall_widget *ww);
static struct rect clip_rect(struct rect a, struct rect b);
static void surface_into_canvas(struct wall *w, cairo_surface_t *s,
                                struct rect at, struct rect r);

/* Where a widget paints: its own surface (made if need be), or a
 * surface over the wall's scratch buffer (the caller destroys it; the
 * pixels live until the next paint).  NULL when out of memory. */
static cairo_surface_t *
paint_target(struct wall *w, struct wall_widget *ww, bool own)
{
    int pw = ww->rect.w, ph = ww->rect.h;
    if (own) {
        if (!ww->surface) {
            ww->surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, pw,
                                                     ph);
            if (cairo_surface_status(ww->surface) != CAIRO_STATUS_SUCCESS) {
                LOG_ERR("widget \"%s\": no memory for a %dx%d surface",
                        ww->lw->id, pw, ph);
                cairo_surface_destroy(ww->surface);
                ww->surface = NULL;
            }
        }
        return ww->surface ? cairo_surface_reference(ww->surface) : NULL;
    }
    int stride = cairo_format_stride_for_width(CAIRO_FORMAT_ARGB32, pw);
    size_t need = (size_t)stride * (size_t)ph;
    if (need > w->paint_size) {
        free(w->paint_buf);
        w->paint_buf = malloc(need);
        w->paint_size = w->paint_buf ? need : 0;
        if (!w->paint_buf) {
            LOG_ERR("widget \"%s\": no memory to paint %dx%d", ww->lw->id,
                    pw, ph);
            return NULL;
        }
    }
    return cairo_image_surface_create_for_data(
        w->paint_buf, CAIRO_FORMAT_ARGB32, pw, ph, stride);
}

/* Paints a widget.  own: into a surface of its own, kept until the next
 * composite (a staged scene, a full redraw, a widget that keeps one);
 * else into the scratch, whose pixels then go at once where they are
 * shown: the canvas for a widget alone there, its texture otherwise. */
static void
paint_widget(struct wall *w, struct wall_widget *ww,
             const struct frame_state *fs, bool own)
{
    own = own || ww->keeps || w->full_damage || !w->canvas_bgra;
    double t0 = time_mono_s();
    cairo_surface_t *target = paint_target(w, ww, own);
    if (!target) {
        return;
    }
    cairo_t *cr = cairo_create(target);
    if (ww->opaque) {
        /* Its pixels are the canvas's: the background first, in the
         * same 8-bit colour the GL clear writes. */
        cairo_set_operator(cr, CAIRO_OPERATOR_SOURCE);
        cairo_set_source_rgb(cr, w->bg[0] / 255.0, w->bg[1] / 255.0,
                             w->bg[2] / 255.0);
    } else {
        cairo_set_operator(cr, CAIRO_OPERATOR_CLEAR);
    }
    cairo_paint(cr);
    cairo_set_operator(cr, CAIRO_OPERATOR_OVER);
    ww->cls->paint(ww->self, cr, ww->rect.w, ww->rect.h, fs);
    cairo_destroy(cr);
    cairo_surface_flush(target);
    double t1 = time_mono_s();
    ww->paint_s += t1 - t0;
    ww->tex_ok = false;
    ww->paints++;
    w->stats.paints++;
    if (ww->cls == &widget_overlay_class) {
        ww->blank = surface_blank(target);
    }
    if (!own) {
        if (alone_now(w, ww)) {
            struct rect whole = {0, 0, w->fb_w, w->fb_h};
            surface_into_canvas(w, target, ww->rect,
                                clip_rect(ww->rect, whole));
            ww->fresh = true;
        } else {
            if (!ww->tex) {
                ww->tex = gl_texture_create(ww->rect.w, ww->rect.h, false);
            }
            gl_texture_upload(ww->tex, target);
            ww->tex_ok = true;
            w->stats.uploads++;
        }
        ww->upload_s += time_mono_s() - t1;
    }
    cairo_surface_destroy(target);

    int aw, ah;
    if (ww->cls->aux_size && ww->cls->aux_size(ww->self, &aw, &ah)) {
        if (aw != ww->aux_w || ah != ww->aux_h) {
            if (ww->aux_tex) {
                glDeleteTextures(1, &ww->aux_tex);
            }
            ww->aux_tex = gl_texture_create(aw, ah, true);
            ww->aux_w = aw;
            ww->aux_h = ah;
        }
        cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32,
                                                        aw, ah);
        if (cairo_surface_status(s) == CAIRO_STATUS_SUCCESS) {
            cairo_t *acr = cairo_create(s);
            ww->cls->aux_paint(ww->self, acr);
            cairo_destroy(acr);
            gl_texture_upload(ww->aux_tex, s);
            w->stats.uploads++;
        } else {
            cairo_surface_destroy(s);
            s = NULL;
        }
        if (ww->aux_surface) {
            cairo_surface_destroy(ww->aux_surface);
        }
        ww->aux_surface = s; /* kept for laying the quads on the CPU */
    } else if (ww->aux_tex) {
        glDeleteTextures(1, &ww->aux_tex);
        ww->aux_tex = 0;
        ww->aux_w = ww->aux_h = 0;
        cairo_surface_destroy(ww->aux_surface);
        ww->aux_surface = NULL;
    }
}

static void
draw_quad(struct wall *w, GLuint tex, float tw, float th, float sx, float sy,
          float sw, float sh, float dx, float dy, float dw, float dh)
{
    float v[16] = {
        dx, dy, sx / tw, sy / th,
        dx + dw, dy, (sx + sw) / tw, sy / th,
        dx, dy + dh, sx / tw, (sy + sh) / th,
        dx + dw, dy + dh, (sx + sw) / tw, (sy + sh) / th,
    };
    glBindTexture(GL_TEXTURE_2D, tex);
    glBufferSubData(GL_ARRAY_BUFFER, 0, sizeof(v), v);
    glDrawArrays(GL_TRIANGLE_STRIP, 0, 4);
    w->stats.draws++;
}

static void
scissor(const struct wall *w, struct rect r)
{
    /* The framebuffers hold the top row first: GL's y is ours. */
    (void)w;
    glScissor(r.x, r.y, r.w, r.h);
}

static struct rect
clip_rect(struct rect a, struct rect b)
{
    int x0 = a.x > b.x ? a.x : b.x, y0 = a.y > b.y ? a.y : b.y;
    int x1 = a.x + a.w < b.x + b.w ? a.x + a.w : b.x + b.w;
    int y1 = a.y + a.h < b.y + b.h ? a.y + a.h : b.y + b.h;
    return (struct rect){x0, y0, x1 > x0 ? x1 - x0 : 0, y1 > y0 ? y1 - y0 : 0};
}

/* Whether a widget's pixels are the canvas's where it is right now: it
 * was painted over the background and nothing shows over it. */
static bool
alone_now(const struct wall *w, const struct wall_widget *ww)
{
    if (!ww->opaque || !w->canvas_bgra) {
        return false;
    }
    for (size_t i = 0; i < w->nwidgets; i++) {
        const struct wall_widget *o = &w->widgets[i];
        if (o != ww && !o->blank && intersects(o->rect, ww->rect)) {
            return false;
        }
    }
    return true;
}

/* The widget whose rectangle holds all of r, if it is alone there. */
static struct wall_widget *
sole_owner(struct wall *w, struct rect r)
{
    for (size_t i = 0; i < w->nwidgets; i++) {
        struct wall_widget *ww = &w->widgets[i];
        struct rect in = clip_rect(r, ww->rect);
        if (in.w == r.w && in.h == r.h) {
            return alone_now(w, ww) ? ww : NULL;
        }
    }
    return NULL;
}

/* Pixels into the canvas texture at r (framebuffer pixels): px points
 * at r's top-left pixel, rows `stride` apart.  The canvas holds Cairo's
 * row order and byte order (BGRA): one plain copy. */
static void
upload_rows(struct wall *w, const unsigned char *px, int stride,
            struct rect r)
{
    glBindTexture(GL_TEXTURE_2D, w->fb_tex);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
    glPixelStorei(GL_UNPACK_ROW_LENGTH, stride / 4);
    glTexSubImage2D(GL_TEXTURE_2D, 0, r.x, r.y, r.w, r.h, GL_BGRA_EXT,
                    GL_UNSIGNED_BYTE, px);
    glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
    w->stats.uploads++;
}

/* The part r of a surface that covers `at` (framebuffer pixels) into the
 * canvas. */
static void
surface_into_canvas(struct wall *w, cairo_surface_t *s, struct rect at,
                    struct rect r)
{
    const unsigned char *px = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    upload_rows(w, px + (size_t)stride * (size_t)(r.y - at.y) +
                       4 * (size_t)(r.x - at.x),
                stride, r);
}

/* A widget's pixels in r (framebuffer pixels, inside its rectangle) put
 * straight into the canvas: its surface already holds them over the
 * background, so no GL pass is needed, only a copy. */
static void
upload_into_canvas(struct wall *w, struct wall_widget *ww, struct rect r)
{
    double t0 = time_mono_s();
    surface_into_canvas(w, ww->surface, ww->rect, r);
    ww->upload_s += time_mono_s() - t0;
}

/* Whether every quad lies on whole pixels, one texel per pixel (a
 * ticker's do): then laying them on the CPU gives what GL's sampling
 * and blending give. */
static bool
quads_whole(const struct wall_widget *ww)
{
    for (int i = 0; i < ww->nquads; i++) {
        const struct widget_quad *q = &ww->quads[i];
        const float v[] = {q->sx, q->sy, q->sw, q->sh, q->dx, q->dy};
        for (size_t k = 0; k < sizeof(v) / sizeof(v[0]); k++) {
            if (v[k] != floorf(v[k])) {
                return false;
            }
        }
        if (q->sw != q->dw || q->sh != q->dh) {
            return false;
        }
    }
    return true;
}

/* An alone widget whose quads moved (the ticker): its pixels in r with
 * the quads laid over them by Cairo (pixman) into a scratch buffer, then
 * copied into the canvas.  On a software rasteriser this costs a small
 * part of one blended GL pass over the same pixels; the result is the
 * same (premultiplied OVER, rounded alike). */
static void
compose_into_canvas(struct wall *w, struct wall_widget *ww, struct rect r)
{
    double t0 = time_mono_s();
    int stride = cairo_format_stride_for_width(CAIRO_FORMAT_ARGB32, r.w);
    size_t need = (size_t)stride * (size_t)r.h;
    if (need > w->scratch_size) {
        free(w->scratch);
        w->scratch = xmalloc(need);
        w->scratch_size = need;
    }
    cairo_surface_t *s = cairo_image_surface_create_for_data(
        w->scratch, CAIRO_FORMAT_ARGB32, r.w, r.h, stride);
    cairo_t *cr = cairo_create(s);
    cairo_set_operator(cr, CAIRO_OPERATOR_SOURCE);
    cairo_set_source_surface(cr, ww->surface, ww->rect.x - r.x,
                             ww->rect.y - r.y);
    cairo_paint(cr);
    cairo_set_operator(cr, CAIRO_OPERATOR_OVER);
    for (int i = 0; i < ww->nquads; i++) {
        const struct widget_quad *q = &ww->quads[i];
        struct rect d = {ww->rect.x + (int)q->dx, ww->rect.y + (int)q->dy,
                         (int)q->dw, (int)q->dh};
        d = clip_rect(clip_rect(d, r), ww->rect);
        if (d.w <= 0 || d.h <= 0) {
            continue;
        }
        cairo_set_source_surface(cr, ww->aux_surface,
                                 ww->rect.x + q->dx - q->sx - r.x,
                                 ww->rect.y + q->dy - q->sy - r.y);
        cairo_rectangle(cr, d.x - r.x, d.y - r.y, d.w, d.h);
        cairo_fill(cr);
    }
    cairo_destroy(cr);
    cairo_surface_flush(s);
    cairo_surface_destroy(s);
    upload_rows(w, w->scratch, stride, r);
    ww->upload_s += time_mono_s() - t0;
}

/* The widget's texture, uploaded from its surface if it is behind (a
 * widget drawn by GL: one that something overlaps). */
static GLuint
widget_texture(struct wall *w, struct wall_widget *ww,
               const struct frame_state *fs)
{
    if (!ww->tex) {
        ww->tex = gl_texture_create(ww->rect.w, ww->rect.h, false);
    }
    if (!ww->tex_ok && !ww->surface) {
        paint_widget(w, ww, fs, true); /* its pixels were not kept */
    }
    if (!ww->tex_ok && ww->surface) {
        double t0 = time_mono_s();
        gl_texture_upload(ww->tex, ww->surface);
        ww->upload_s += time_mono_s() - t0;
        ww->tex_ok = true;
        w->stats.uploads++;
    }
    return ww->tex;
}

/* A video tile inside clip: its BGRA picture copied into the canvas, or
 * its planes drawn by the YUV shader. */
static void
draw_tile(struct wall *w, struct wall_widget *ww, const struct video_slot *s,
          struct rect clip)
{
    if (!s->has) {
        return;
    }
    if (!s->cpu) {
        video_layer_draw(w->video, s, (float)ww->rect.x, (float)ww->rect.y,
                         (float)w->fb_w, (float)w->fb_h);
        return;
    }
    struct rect t = {ww->rect.x + (int)s->dx, ww->rect.y + (int)s->dy,
                     (int)s->dw, (int)s->dh};
    struct rect whole = {0, 0, w->fb_w, w->fb_h};
    struct rect r = clip_rect(clip_rect(clip_rect(t, clip), ww->rect), whole);
    if (r.w <= 0 || r.h <= 0) {
        return;
    }
    const struct video_image *img = s->img;
    upload_rows(w, img->rgb + (size_t)img->rgb_stride * (size_t)(r.y - t.y) +
                       4 * (size_t)(r.x - t.x),
                img->rgb_stride, r);
}

/* What GL draws over a widget's pixels inside dr: its moving quads (a
 * ticker's text) and its video pictures. */
static void
draw_over(struct wall *w, struct wall_widget *ww, struct rect dr,
          bool quads)
{
    struct rect inner = clip_rect(dr, ww->rect);
    if (quads && ww->aux_tex && ww->nquads > 0) {
        scissor(w, inner);
        for (int q = 0; q < ww->nquads; q++) {
            const struct widget_quad *qd = &ww->quads[q];
            draw_quad(w, ww->aux_tex, (float)ww->aux_w, (float)ww->aux_h,
                      qd->sx, qd->sy, qd->sw, qd->sh, ww->rect.x + qd->dx,
                      ww->rect.y + qd->dy, qd->dw, qd->dh);
        }
    }
    if (ww->vslots && w->video) {
        scissor(w, inner);
        for (int k = 0; k < WIDGET_MAX_VIDEO; k++) {
            draw_tile(w, ww, &ww->vslots[k], inner);
        }
        /* Back to the widget program for what follows. */
        glUseProgram(w->prog);
        glBindVertexArray(w->vao);
        glBindBuffer(GL_ARRAY_BUFFER, w->vbo);
    }
}

/* A widget alone in r: its pixels there into the canvas (painted again
 * when they were not kept). */
static void
widget_into_canvas(struct wall *w, struct wall_widget *ww, struct rect r,
                   const struct frame_state *fs)
{
    if (!ww->surface) {
        paint_widget(w, ww, fs, true);
    }
    if (ww->surface) {
        upload_into_canvas(w, ww, r);
    }
}

static void
composite(struct wall *w, const struct frame_state *fs)
{
    glBindFramebuffer(GL_FRAMEBUFFER, w->fbo);
    glViewport(0, 0, w->fb_w, w->fb_h);
    glUseProgram(w->prog);
    glUniform2f(w->u_target, (float)w->fb_w, (float)w->fb_h);
    glUniform1i(w->u_tex, 0);
    glUniform1f(w->u_alpha, 1.0f);
    glActiveTexture(GL_TEXTURE0);
    glBindVertexArray(w->vao);
    glBindBuffer(GL_ARRAY_BUFFER, w->vbo);
    glBlendFunc(GL_ONE, GL_ONE_MINUS_SRC_ALPHA);
    glClearColor(w->bg[0] / 255.0f, w->bg[1] / 255.0f, w->bg[2] / 255.0f,
                 1.0f);

    struct rect whole = {0, 0, w->fb_w, w->fb_h};
    int n = w->full_damage ? 1 : w->ndamage;
    struct wall_widget *owner[MAX_DAMAGE] = {0};
    bool composed[MAX_DAMAGE] = {0};
    /* First every copy of a widget that is alone where it changed (most
     * repaints: one upload, no GL pass), so that the GL work after them
     * is queued in one go. */
    for (int d = 0; d < n && !w->full_damage; d++) {
        struct rect dr = clip_rect(w->damage[d], whole);
        if (dr.w <= 0 || dr.h <= 0 || !(owner[d] = sole_owner(w, dr))) {
            continue;
        }
        struct wall_widget *ow = owner[d];
        composed[d] = ow->nquads > 0 && ow->aux_surface && ow->surface &&
                      quads_whole(ow);
        if (composed[d]) {
            compose_into_canvas(w, ow, dr);
        } else if (!ow->fresh) {
            widget_into_canvas(w, ow, dr, fs);
        }
    }
    glEnable(GL_BLEND);
    glEnable(GL_SCISSOR_TEST);
    for (int d = 0; d < n; d++) {
        struct rect dr = w->full_damage ? whole : clip_rect(w->damage[d],
                                                            whole);
        if (dr.w <= 0 || dr.h <= 0) {
            continue;
        }
        if (owner[d]) {
            draw_over(w, owner[d], dr, !composed[d]);
            continue;
        }
        /* Overlapping widgets, or more than one widget: cleared, then
         * each widget in order (copies for those alone, textures for
         * the others), under a scissor. */
        scissor(w, dr);
        glClear(GL_COLOR_BUFFER_BIT);
        for (size_t i = 0; i < w->nwidgets; i++) {
            struct wall_widget *ww = &w->widgets[i];
            if (intersects(ww->rect, dr) && alone_now(w, ww)) {
                widget_into_canvas(w, ww, clip_rect(dr, ww->rect), fs);
            }
        }
        for (size_t i = 0; i < w->nwidgets; i++) {
            struct wall_widget *ww = &w->widgets[i];
            if (!intersects(ww->rect, dr)) {
                continue;
            }
            if (!alone_now(w, ww)) {
                GLuint tex = widget_texture(w, ww, fs);
                scissor(w, dr);
                draw_quad(w, tex, (float)ww->rect.w, (float)ww->rect.h, 0, 0,
                          (float)ww->rect.w, (float)ww->rect.h,
                          (float)ww->rect.x, (float)ww->rect.y,
                          (float)ww->rect.w, (float)ww->rect.h);
            }
            draw_over(w, ww, dr, true);
        }
    }
    /* Pictures that changed alone: drawn over what is there, unless a
     * damaged rectangle above already drew them. */
    for (int v = 0; v < w->nvredraw && w->video; v++) {
        const struct video_redraw *vr = &w->vredraw[v];
        bool done = w->full_damage;
        for (int d = 0; d < w->ndamage && !done; d++) {
            done = intersects(w->damage[d], vr->r);
        }
        if (done || vr->r.w <= 0 || vr->r.h <= 0) {
            continue;
        }
        scissor(w, vr->r);
        draw_tile(w, vr->ww, vr->slot, vr->r);
        w->stats.draws++;
    }
    glDisable(GL_SCISSOR_TEST);
    glDisable(GL_BLEND);
    /* The pixels are in the canvas and textures now: only widgets that
     * keep a surface keep it. */
    for (size_t i = 0; i < w->nwidgets; i++) {
        struct wall_widget *ww = &w->widgets[i];
        ww->fresh = false;
        if (ww->surface && !ww->keeps && w->canvas_bgra) {
            cairo_surface_destroy(ww->surface);
            ww->surface = NULL;
        }
    }
    w->stats.composites++;
    w->full_damage = false;
    w->ndamage = 0;
    w->nvredraw = 0;
    gl_check("composite");
}

/* Uploads new pictures; a tile whose picture alone changed is queued to
 * be drawn again by itself, one that moved damages its rectangle.
 * Returns true when the whole widget should be drawn again. */
static bool
update_video(struct wall *w, struct wall_widget *ww,
             const struct frame_state *fs)
{
    struct widget_video_tile t[WIDGET_MAX_VIDEO];
    int n = ww->cls->video_tiles(ww->self, fs, t);
    n = n < 0 ? 0 : n > WIDGET_MAX_VIDEO ? WIDGET_MAX_VIDEO : n;
    struct rect moved[WIDGET_MAX_VIDEO];
    int nmoved = 0;
    bool all = false;
    for (int k = 0; k < WIDGET_MAX_VIDEO; k++) {
        struct video_slot *s = &ww->vslots[k];
        if (k >= n) {
            if (s->has) {
                video_slot_free(s);
                all = true; /* a tile went away */
            }
            continue;
        }
        enum video_change c = video_slot_update(s, &t[k]);
        if (c == VIDEO_SAME) {
            continue;
        }
        w->stats.video_tiles++;
        struct rect r = {ww->rect.x + (int)s->dx, ww->rect.y + (int)s->dy,
                         (int)s->dw, (int)s->dh};
        r = clip_rect(r, ww->rect);
        if (c == VIDEO_PLACE) {
            moved[nmoved++] = r;
            continue;
        }
        if (w->nvredraw == w->cap_vredraw) {
            w->cap_vredraw = w->cap_vredraw ? w->cap_vredraw * 2 : 64;
            w->vredraw = xreallocarray(w->vredraw, (size_t)w->cap_vredraw,
                                       sizeof(*w->vredraw));
        }
        w->vredraw[w->nvredraw++] = (struct video_redraw){ww, s, r};
    }
    if (all || nmoved > 8) {
        return true;
    }
    for (int k = 0; k < nmoved; k++) {
        add_damage(w, moved[k]);
    }
    return false;
}

/* Paint budget per frame for the next scene: at least one widget, more
 * while under this much time, so the frame stays within a refresh. */
#define STAGE_BUDGET_S 0.006
/* The same for repaints of the scene on the wall (new data). */
#define PAINT_BUDGET_S 0.006

/* Makes (first call) and paints part of the next scene; true when all of
 * it is painted. */
static bool
stage_paint(struct wall *w, const struct frame_state *fs)
{
    if (w->staging && (w->stage_scene != w->want_scene ||
                       !same_str(w->stage_focus, w->want_focus))) {
        destroy_stage(w); /* the target moved on */
    }
    if (!w->staging) {
        w->stage_scene = w->want_scene;
        w->stage_focus = w->want_focus ? xstrdup(w->want_focus) : NULL;
        set_begin(w, w->stage_scene, w->stage_focus, &w->stage, &w->nstage,
                  &w->stage_focus_lw);
        w->stage_next = 0;
        w->staging = true;
    }
    /* Each widget is made and painted in turn, at least one per frame. */
    size_t count = set_count(w, w->stage_scene, w->stage_focus_lw);
    double t0 = time_mono_s();
    bool first = true;
    while (w->stage_next < count &&
           (first || time_mono_s() - t0 < STAGE_BUDGET_S)) {
        const struct widget_class *cls;
        size_t i = w->stage_next++;
        const struct layout_widget *lw = set_entry(
            w, w->stage_scene, w->stage_focus_lw, i, &cls);
        size_t before = w->nstage;
        if (add_widget(w, w->stage, &w->nstage, lw, cls,
                       entry_alone(w, w->stage_scene, w->stage_focus_lw,
                                   i))) {
            struct wall_widget *ww = &w->stage[before];
            /* Stamped first, as on the wall: a stamp samples what the
             * paint draws (a stream's state), so a change in between
             * repaints at the next update instead of passing unseen. */
            ww->stamp = ww->cls->stamp(ww->self, fs);
            paint_widget(w, ww, fs, true);
            ww->painted = true;
            first = false;
        }
    }
    return w->stage_next >= count;
}

/* The staged set becomes the current one. */
static void
stage_swap(struct wall *w)
{
    destroy_widgets(w);
    w->widgets = w->stage;
    w->nwidgets = w->nstage;
    w->focus_lw = w->stage_focus_lw;
    w->scene = w->stage_scene;
    free(w->focus);
    w->focus = w->stage_focus;
    w->stage = NULL;
    w->nstage = 0;
    w->stage_focus_lw = NULL;
    w->stage_focus = NULL;
    w->staging = false;
    w->built = true;
    w->full_damage = true;
}

/* A scene or focus change: staged, then a crossfade from what is shown. */
static void
stage_step(struct wall *w, const struct frame_state *fs)
{
    if (stage_paint(w, fs)) {
        transition_begin(w, fs->now_ms);
        stage_swap(w);
    }
}

bool
wall_prepare(struct wall *w, const struct frame_state *fs)
{
    if (w->built && !w->staging) {
        return true;
    }
    if (stage_paint(w, fs)) {
        stage_swap(w);
        return true;
    }
    return false;
}

void
wall_take_over(struct wall *w, struct wall *old, int64_t now_ms)
{
    if (w->trans_ms <= 0 || w->fb_w != old->fb_w || w->fb_h != old->fb_h ||
        !transition_ready(w)) {
        return; /* a cut */
    }
    glBindFramebuffer(GL_READ_FRAMEBUFFER, wall_framebuffer(old));
    glBindFramebuffer(GL_DRAW_FRAMEBUFFER, w->from_fbo);
    glBlitFramebuffer(0, 0, w->fb_w, w->fb_h, 0, 0, w->fb_w, w->fb_h,
                      GL_COLOR_BUFFER_BIT, GL_NEAREST);
    w->in_trans = true;
    w->shows_from = true;
    w->trans_start = now_ms;
    w->stats.transitions++;
}

/* Where a widget's quads land (framebuffer pixels, whole pixels
 * around), clipped to the widget. */
static struct rect
quads_bounds(const struct wall_widget *ww, const struct widget_quad *q,
             int n)
{
    double x0 = 1e9, y0 = 1e9, x1 = -1e9, y1 = -1e9;
    for (int i = 0; i < n; i++) {
        x0 = fmin(x0, q[i].dx);
        y0 = fmin(y0, q[i].dy);
        x1 = fmax(x1, q[i].dx + q[i].dw);
        y1 = fmax(y1, q[i].dy + q[i].dh);
    }
    if (n == 0) {
        return (struct rect){ww->rect.x, ww->rect.y, 0, 0};
    }
    struct rect r = {ww->rect.x + (int)floor(x0), ww->rect.y + (int)floor(y0),
                     0, 0};
    r.w = ww->rect.x + (int)ceil(x1) - r.x;
    r.h = ww->rect.y + (int)ceil(y1) - r.y;
    return clip_rect(r, ww->rect);
}

static struct rect
union_rect(struct rect a, struct rect b)
{
    if (a.w <= 0 || a.h <= 0) {
        return b;
    }
    if (b.w <= 0 || b.h <= 0) {
        return a;
    }
    int x0 = a.x < b.x ? a.x : b.x, y0 = a.y < b.y ? a.y : b.y;
    int x1 = a.x + a.w > b.x + b.w ? a.x + a.w : b.x + b.w;
    int y1 = a.y + a.h > b.y + b.h ? a.y + a.h : b.y + b.h;
    return (struct rect){x0, y0, x1 - x0, y1 - y0};
}

/* Keeps this update's damage for wall_changed: a transition's frames
 * (and the one that ends it, which shows fb again) change everything. */
static void
note_changed(struct wall *w, bool in_trans)
{
    w->changed_all = in_trans || w->full_damage ||
                     w->ndamage + w->nvredraw > WALL_MAX_CHANGED;
    w->nchanged = 0;
    if (w->changed_all) {
        return;
    }
    for (int d = 0; d < w->ndamage; d++) {
        w->changed[w->nchanged++] = w->damage[d];
    }
    for (int v = 0; v < w->nvredraw; v++) {
        w->changed[w->nchanged++] = w->vredraw[v].r;
    }
}

int
wall_changed(const struct wall *w, struct rect *out, int max)
{
    if (w->changed_all || w->nchanged > max) {
        return -1;
    }
    struct rect whole = {0, 0, w->fb_w, w->fb_h};
    int n = 0;
    for (int i = 0; i < w->nchanged; i++) {
        struct rect r = clip_rect(w->changed[i], whole);
        if (r.w > 0 && r.h > 0) {
            out[n++] = r;
        }
    }
    return n;
}

bool
wall_update(struct wall *w, const struct frame_state *fs)
{
    w->stats.updates++;
    w->frame_ms = fs->now_ms;
    /* The crossfade's shader is made with the first live frame, not
     * during the first scene change (its buffers with the first change);
     * a still (opswall render) never needs either. */
    if (w->trans_ms > 0 && !w->xprog && !w->env.still) {
        transition_program(w);
    }
    bool change = w->want_scene != w->scene ||
                  !same_str(w->want_focus, w->focus);
    if (!w->built || (change && (w->trans_ms <= 0 || w->env.still))) {
        build_widgets(w); /* first frame, a still, or a cut */
    } else if (change && w->no_staging) {
        /* Every rank of a cluster changes at the same epoch: the
         * crossfade starts now, from what is shown. */
        transition_begin(w, fs->now_ms);
        build_widgets(w);
    } else if (change) {
        stage_step(w, fs);
    } else if (w->staging) {
        destroy_stage(w); /* back where it was before it completed */
    }
    /* Repaints of widgets already on the wall share a frame's budget, so
     * a second's worth of new data (8 KPIs, 4 charts) does not make one
     * long frame that stops the ticker and skips video pictures: what
     * does not fit waits a frame or two, showing its last picture.  Not
     * for a wall's first picture, a still, or a cluster rank (whose
     * frames must match the others' at every epoch). */
    bool budget = !w->env.still && !w->no_staging;
    double t0 = time_mono_s();
    int repainted = 0;
    w->deferred = 0;
    for (size_t i = 0; i < w->nwidgets; i++) {
        struct wall_widget *ww = &w->widgets[i];
        uint64_t st = ww->cls->stamp(ww->self, fs);
        w->stats.stamps++;
        bool dirty = false;
        if (ww->painted && st != ww->stamp && budget && repainted > 0 &&
            time_mono_s() - t0 > PAINT_BUDGET_S) {
            w->deferred++; /* next frame */
        } else if (!ww->painted || st != ww->stamp) {
            repainted += ww->painted;
            paint_widget(w, ww, fs, false);
            ww->stamp = st;
            ww->painted = true;
            dirty = true;
        }
        if (ww->aux_tex && ww->cls->aux_quads) {
            struct widget_quad q[WIDGET_MAX_QUADS];
            int nq = ww->cls->aux_quads(ww->self, fs, q);
            if (nq != ww->nquads ||
                memcmp(q, ww->quads, (size_t)nq * sizeof(q[0])) != 0) {
                /* Moved quads damage where they were and where they
                 * are, not the whole widget (a ticker's text strip). */
                struct rect was = quads_bounds(ww, ww->quads, ww->nquads);
                struct rect is = quads_bounds(ww, q, nq);
                memcpy(ww->quads, q, (size_t)nq * sizeof(q[0]));
                ww->nquads = nq;
                if (!dirty) {
                    add_damage(w, union_rect(was, is));
                }
            }
        }
        if (ww->vslots && update_video(w, ww, fs)) {
            dirty = true;
        }
        if (dirty) {
            add_damage(w, ww->rect);
        }
    }
    bool was_trans = w->in_trans;
    if (!w->full_damage && w->ndamage == 0 && w->nvredraw == 0 &&
        !was_trans) {
        return false; /* nothing changed: no GL work, no swap */
    }
    note_changed(w, was_trans);
    if (w->full_damage || w->ndamage || w->nvredraw) {
        composite(w, fs);
    }
    if (was_trans) {
        transition_draw(w, fs->now_ms); /* the last call ends it */
    }
    return true;
}

int64_t
wall_next_deadline(struct wall *w, const struct frame_state *fs)
{
    int64_t next = INT64_MAX;
    if (w->in_trans || w->staging || w->deferred) {
        return fs->now_ms; /* every frame until it is done */
    }
    for (size_t i = 0; i < w->nwidgets; i++) {
        struct wall_widget *ww = &w->widgets[i];
        if (ww->nquads > 0) {
            return fs->now_ms; /* animating: every frame */
        }
        if (ww->cls->next_change) {
            int64_t t = ww->cls->next_change(ww->self, fs);
            next = t < next ? t : next;
        }
    }
    return next;
}

size_t
wall_widget_count(const struct wall *w)
{
    return w->nwidgets;
}

struct wall_widget_stats
wall_widget_stat(const struct wall *w, size_t i)
{
    const struct wall_widget *ww = &w->widgets[i];
    return (struct wall_widget_stats){ww->lw->id, ww->lw->type, ww->paints,
                                      ww->paint_s, ww->upload_s};
}

void
wall_each_stream(const struct wall *w,
                 void (*fn)(const struct widget_stream *st, void *arg),
                 void *arg)
{
    for (size_t i = 0; i < w->nwidgets; i++) {
        const struct wall_widget *ww = &w->widgets[i];
        if (!ww->cls->streams) {
            continue;
        }
        struct widget_stream st[WIDGET_MAX_VIDEO];
        int n = ww->cls->streams(ww->self, st);
        for (int k = 0; k < n && k < WIDGET_MAX_VIDEO; k++) {
            fn(&st[k], arg);
        }
    }
}

int64_t
wall_frame_ms(const struct wall *w)
{
    return w->frame_ms;
}

bool
wall_frame_complete(const struct wall *w)
{
    return w->built && !w->staging && !w->in_trans && w->deferred == 0;
}

GLuint
wall_framebuffer(const struct wall *w)
{
    return !w->in_trans ? w->fbo : w->shows_from ? w->from_fbo : w->out_fbo;
}

int
wall_width(const struct wall *w)
{
    return w->fb_w;
}

int
wall_height(const struct wall *w)
{
    return w->fb_h;
}

struct rect
wall_region(const struct wall *w)
{
    return w->region;
}

struct wall_stats
wall_get_stats(const struct wall *w)
{
    return w->stats;
}

cairo_surface_t *
wall_read(struct wall *w)
{
    cairo_surface_t *s = gl_read_framebuffer(wall_framebuffer(w), w->fb_w,
                                             w->fb_h, true);
    if (!s) {
        return NULL;
    }

    /* Mullions: what the physical wall hides, shown as the bezels. */
    const struct layout_wall *lw = &w->layout->wall;
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 0, 0, 0);
    double sc = w->env.scale;
    for (int k = 1; k < lw->columns && lw->mullion_x > 0; k++) {
        double x = (k * lw->width + (k - 1) * lw->mullion_x - w->region.x) *
                   sc;
        cairo_rectangle(cr, x, 0, lw->mullion_x * sc, w->fb_h);
    }
    for (int k = 1; k < lw->rows && lw->mullion_y > 0; k++) {
        double y = (k * lw->height + (k - 1) * lw->mullion_y - w->region.y) *
                   sc;
        cairo_rectangle(cr, 0, y, w->fb_w, lw->mullion_y * sc);
    }
    cairo_fill(cr);
    cairo_destroy(cr);
    return s;
}
