/*
 * output: SDL2 window + GL ES 3.0 context.  We ask for an ES context so
 * the same code runs on desktop drivers, on EGL without a display (SDL's
 * offscreen driver, used by tests on Mesa's llvmpipe) and on embedded GPUs.
 */
#define LOG_MODULE "output"
#include "render/output.h"

#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <EGL/egl.h>
#include <EGL/eglext.h>
#include <GLES3/gl3.h>
#include <SDL2/SDL.h>
#include <SDL2/SDL_syswm.h>

#include "base/log.h"
#include "base/xalloc.h"
#include "render/gl.h"

#define OUTPUT_MAX_WINDOWS 16
/* Damage kept per window: rectangles per frame, frames back. */
#define PRESENT_RECTS 128
#define PRESENT_HISTORY 4
#define GLX_BACK_BUFFER_AGE_EXT 0x20F4

/*
 * How a window's back buffer is known, so that a frame copies only what
 * changed into it (foot's model: damage carried to the glass):
 *  - PRESENT_FULL: nothing is known after a swap: every pixel, every frame.
 *  - PRESENT_AGE: the driver says how many frames old the back buffer is
 *    (EGL_EXT_buffer_age, GLX_EXT_buffer_age): this frame's damage and
 *    that of the frames since then.
 *  - PRESENT_PRESERVED: the back buffer keeps its pixels across the swap
 *    (EGL_BUFFER_PRESERVED, or a pbuffer, whose swap changes nothing):
 *    this frame's damage only.
 *  - PRESENT_COPY_SUB: a software rasteriser on GLX: the window is never
 *    swapped; the damaged rectangles are copied from the back buffer to
 *    the window (GLX_MESA_copy_sub_buffer).  There a full swap is a CPU
 *    copy of every pixel to the X server, and there is no vsync to lose.
 * The swap itself carries the damage where EGL offers it
 * (EGL_KHR/EXT_swap_buffers_with_damage).
 */
enum present_kind {
    PRESENT_FULL,
    PRESENT_AGE,
    PRESENT_PRESERVED,
    PRESENT_COPY_SUB,
};

typedef EGLBoolean (*swap_damage_fn)(EGLDisplay, EGLSurface, const EGLint *,
                                     EGLint);
typedef void (*copy_sub_fn)(void *dpy, unsigned long drawable, int x, int y,
                            int w, int h);
typedef void (*glx_query_fn)(void *dpy, unsigned long drawable, int attr,
                             unsigned int *value);

/* One window's present state. */
struct window {
    SDL_Window *sdl;
    struct rect shows; /* canvas part; w 0: the wall's region */
    enum present_kind kind;
    bool known;        /* kind decided (at its first present) */
    EGLSurface surface;
    unsigned long xwin; /* GLX drawable */
    int w, h;          /* drawable size at the last present */
    int frames;        /* presents since the size was set */
    /* This frame's rectangles (window pixels, top-left origin), -1: all,
     * and those of the frames before, newest first. */
    struct rect cur[PRESENT_RECTS];
    int ncur;
    struct rect hist[PRESENT_HISTORY][PRESENT_RECTS];
    int nhist[PRESENT_HISTORY];
};

/* One GL context; one window per output (the first made with the
 * context, the others made current with it in turn: no sharing of
 * objects between contexts is needed). */
struct output {
    enum output_mode mode;
    bool vsync; /* swaps wait for the display */
    bool software; /* a software rasteriser (llvmpipe, softpipe) */
    SDL_Window *window;  /* windows[0] */
    SDL_GLContext ctx;
    SDL_Window *windows[OUTPUT_MAX_WINDOWS];
    struct window win[OUTPUT_MAX_WINDOWS];
    int nwindows;
    /* EGL or GLX, whichever SDL made the context with. */
    EGLDisplay egl;
    bool egl_age;
    swap_damage_fn swap_damage;
    void *xdpy;
    copy_sub_fn copy_sub;
    glx_query_fn glx_query;
    bool glx_age;
    struct output_stats stats;
};

#if defined(OPSWALL_SANITIZED)
/*
 * Sanitizer builds only: EGL unloads Mesa's DRI driver at SDL_Quit; the
 * driver's static data, which still points at blocks it keeps for the
 * process's life, is unmapped with it, so LeakSanitizer reports those
 * blocks as leaked from "<unknown module>".  Pinning the loaded drivers
 * (RTLD_NODELETE) keeps them mapped: no false report, and no suppression
 * that could hide a real leak of ours.  Release builds never do this.
 */
static void
pin_gl_drivers(void)
{
    FILE *maps = fopen("/proc/self/maps", "r");
    if (!maps) {
        return;
    }
    char line[4096];
    while (fgets(line, sizeof(line), maps)) {
        char *path = strchr(line, '/');
        if (!path || !strstr(path, "_dri.so")) {
            continue;
        }
        path[strcspn(path, "\n")] = '\0';
        void *h = dlopen(path, RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE);
        if (h) {
            dlclose(h);
        }
    }
    fclose(maps);
}
#else
static void
pin_gl_drivers(void)
{
}
#endif

/* A window on `display`: fullscreen (its whole bounds), a w x h preview,
 * or hidden (offscreen).  NULL, logged, on failure. */
static SDL_Window *
make_window(enum output_mode mode, int display, int w, int h,
            const char *title)
{
    Uint32 flags = SDL_WINDOW_OPENGL;
    int x = SDL_WINDOWPOS_CENTERED_DISPLAY(display);
    int y = SDL_WINDOWPOS_CENTERED_DISPLAY(display);
    if (mode == OUTPUT_FULLSCREEN) {
        SDL_Rect b;
        if (SDL_GetDisplayBounds(display, &b) != 0) {
            LOG_ERR("display %d: %s", display, SDL_GetError());
            return NULL;
        }
        x = b.x;
        y = b.y;
        w = b.w;
        h = b.h;
        flags |= SDL_WINDOW_FULLSCREEN_DESKTOP | SDL_WINDOW_BORDERLESS;
    } else if (mode == OUTPUT_OFFSCREEN) {
        flags |= SDL_WINDOW_HIDDEN;
    }
    SDL_Window *win = SDL_CreateWindow(title, x, y, w, h, flags);
    if (!win) {
        LOG_ERR("cannot create window: %s", SDL_GetError());
    }
    return win;
}

static bool
has_word(const char *list, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = list ? strstr(list, word) : NULL; p;
         p = strstr(p + 1, word)) {
        if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0')) {
            return true;
        }
    }
    return false;
}

/* A GLX function by name into *fn (NULL if absent).  The copy is how
 * POSIX code turns dlsym's object pointer into a function pointer. */
static void
proc(void *fn, size_t size, const char *name)
{
    void *p = SDL_GL_GetProcAddress(name);
    memcpy(fn, &p, size);
}

/* What the context's window system offers for presenting damage. */
static void
detect_present(struct output *out)
{
    out->software = gl_is_software();
    if (eglGetCurrentContext() != EGL_NO_CONTEXT) {
        out->egl = eglGetCurrentDisplay();
        const char *ext = eglQueryString(out->egl, EGL_EXTENSIONS);
        out->egl_age = has_word(ext, "EGL_EXT_buffer_age");
        if (has_word(ext, "EGL_KHR_swap_buffers_with_damage")) {
            out->swap_damage = (swap_damage_fn)eglGetProcAddress(
                "eglSwapBuffersWithDamageKHR");
        } else if (has_word(ext, "EGL_EXT_swap_buffers_with_damage")) {
            out->swap_damage = (swap_damage_fn)eglGetProcAddress(
                "eglSwapBuffersWithDamageEXT");
        }
        return;
    }
    SDL_SysWMinfo info;
    SDL_VERSION(&info.version);
    if (!SDL_GetWindowWMInfo(out->window, &info) ||
        info.subsystem != SDL_SYSWM_X11) {
        return;
    }
    typedef const char *(*glx_ext_fn)(void *, int);
    glx_ext_fn q;
    proc(&q, sizeof(q), "glXQueryExtensionsString");
    Display *dpy = info.info.x11.display;
    const char *ext = q ? q(dpy, DefaultScreen(dpy)) : NULL;
    out->xdpy = dpy;
    if (out->software && has_word(ext, "GLX_MESA_copy_sub_buffer")) {
        proc(&out->copy_sub, sizeof(out->copy_sub), "glXCopySubBufferMESA");
    }
    if (has_word(ext, "GLX_EXT_buffer_age")) {
        proc(&out->glx_query, sizeof(out->glx_query), "glXQueryDrawable");
        out->glx_age = out->glx_query != NULL;
    }
}

/* A window's kind, decided at its first present (its surface is the
 * current one then). */
static void
window_kind(struct output *out, struct window *w)
{
    w->known = true;
    w->kind = PRESENT_FULL;
    if (out->egl) {
        w->surface = eglGetCurrentSurface(EGL_DRAW);
        EGLint id = 0, type = 0, n = 0;
        EGLConfig cfg;
        eglQuerySurface(out->egl, w->surface, EGL_CONFIG_ID, &id);
        EGLint want[] = {EGL_CONFIG_ID, id, EGL_NONE};
        if (eglChooseConfig(out->egl, want, &cfg, 1, &n) && n == 1) {
            eglGetConfigAttrib(out->egl, cfg, EGL_SURFACE_TYPE, &type);
        }
        if (!(type & EGL_WINDOW_BIT) && (type & EGL_PBUFFER_BIT)) {
            w->kind = PRESENT_PRESERVED; /* a pbuffer: swaps change nothing */
        } else if (out->egl_age) {
            w->kind = PRESENT_AGE;
        } else if ((type & EGL_SWAP_BEHAVIOR_PRESERVED_BIT) &&
                   eglSurfaceAttrib(out->egl, w->surface, EGL_SWAP_BEHAVIOR,
                                    EGL_BUFFER_PRESERVED)) {
            w->kind = PRESENT_PRESERVED;
        }
    } else if (out->xdpy) {
        SDL_SysWMinfo info;
        SDL_VERSION(&info.version);
        if (SDL_GetWindowWMInfo(w->sdl, &info) &&
            info.subsystem == SDL_SYSWM_X11) {
            w->xwin = info.info.x11.window;
            w->kind = out->copy_sub  ? PRESENT_COPY_SUB
                      : out->glx_age ? PRESENT_AGE
                                     : PRESENT_FULL;
        }
    }
    static const char *const names[] = {"every pixel each frame",
                                        "damage by buffer age",
                                        "damage (preserved back buffer)",
                                        "damage (copied sub-rectangles)"};
    LOG_INFO("present: %s%s", names[w->kind],
             out->swap_damage ? ", swap with damage" : "");
    if (w->kind == PRESENT_COPY_SUB && out->vsync) {
        out->vsync = false; /* copies do not wait for the display */
    }
}

struct output *
output_create(enum output_mode mode, int display, int w, int h,
              const char *title)
{
    if (mode == OUTPUT_OFFSCREEN) {
        SDL_SetHint(SDL_HINT_VIDEODRIVER, "offscreen");
    }
    if (SDL_InitSubSystem(SDL_INIT_VIDEO) != 0) {
        LOG_ERR("cannot start SDL video: %s%s", SDL_GetError(),
                mode == OUTPUT_OFFSCREEN ? "" : " (no display? try "
                "`opswall render` or --offscreen)");
        return NULL;
    }
    struct output *out = xcalloc(1, sizeof(*out));
    out->mode = mode;
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK,
                        SDL_GL_CONTEXT_PROFILE_ES);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 0);
    SDL_GL_SetAttribute(SDL_GL_DOUBLEBUFFER, 1);
    out->window = make_window(mode, display, w, h, title);
    if (!out->window) {
        output_destroy(out);
        return NULL;
    }
    out->windows[0] = out->window;
    out->win[0].sdl = out->window;
    out->nwindows = 1;
    out->ctx = SDL_GL_CreateContext(out->window);
    if (!out->ctx) {
        LOG_ERR("cannot create an OpenGL ES 3.0 context: %s", SDL_GetError());
        output_destroy(out);
        return NULL;
    }
    pin_gl_drivers();
    /* Vsync paces animation on real outputs; offscreen has none. */
    if (mode != OUTPUT_OFFSCREEN) {
        out->vsync = SDL_GL_SetSwapInterval(1) == 0;
        if (!out->vsync) {
            LOG_WARN("no vsync (%s): pacing frames by timer", SDL_GetError());
        }
    }
    if (mode == OUTPUT_FULLSCREEN) {
        SDL_ShowCursor(SDL_DISABLE);
    }
    detect_present(out);
    window_kind(out, &out->win[0]);
    LOG_INFO("%s, %s (%s driver)", (const char *)glGetString(GL_VERSION),
             (const char *)glGetString(GL_RENDERER),
             SDL_GetCurrentVideoDriver());
    return out;
}

void
output_destroy(struct output *out)
{
    if (!out) {
        return;
    }
    if (out->ctx) {
        SDL_GL_DeleteContext(out->ctx);
    }
    for (int i = out->nwindows - 1; i >= 0; i--) {
        SDL_DestroyWindow(out->windows[i]);
    }
    if (out->window && out->nwindows == 0) {
        SDL_DestroyWindow(out->window);
    }
    SDL_QuitSubSystem(SDL_INIT_VIDEO);
    free(out);
}

bool
output_is_offscreen(const struct output *out)
{
    return out->mode == OUTPUT_OFFSCREEN;
}

bool
output_has_vsync(const struct output *out)
{
    return out->vsync;
}

/* The displays a canvas rectangle touches: [c0, c1] x [r0, r1]. */
static void
displays_of(const struct layout_wall *lw, struct rect part, int *c0, int *r0,
            int *c1, int *r1)
{
    int sx = lw->width + lw->mullion_x, sy = lw->height + lw->mullion_y;
    *c0 = part.x / sx;
    *r0 = part.y / sy;
    *c1 = (part.x + part.w - 1) / sx;
    *r1 = (part.y + part.h - 1) / sy;
    *c1 = *c1 >= lw->columns ? lw->columns - 1 : *c1;
    *r1 = *r1 >= lw->rows ? lw->rows - 1 : *r1;
}

void
output_window_size(const struct layout *layout, struct rect part,
                   double scale, int *w, int *h)
{
    const struct layout_wall *lw = &layout->wall;
    int c0, r0, c1, r1;
    displays_of(lw, part, &c0, &r0, &c1, &r1);
    *w = (int)lround((c1 - c0 + 1) * lw->width * scale);
    *h = (int)lround((r1 - r0 + 1) * lw->height * scale);
}

/* One display's place: canvas framebuffer pixels -> window pixels. */
struct display_map {
    int sx0, sy0, sx1, sy1; /* framebuffer, top-left origin */
    int dx0, dy0, dx1, dy1; /* window, top-left origin */
};

/* The displays of the canvas rectangle `part` as they map into a window
 * of ww x wh; the number written (at most OUTPUT_MAX_DISPLAYS). */
#define OUTPUT_MAX_DISPLAYS 256
static int
map_displays(const struct wall *wall, const struct layout *layout,
             double scale, struct rect part, int ww, int wh,
             struct display_map *m, bool *exact)
{
    const struct layout_wall *lw = &layout->wall;
    struct rect reg = wall_region(wall);
    int sx_step = lw->width + lw->mullion_x, sy_step = lw->height + lw->mullion_y;
    int c0, r0, c1, r1;
    displays_of(lw, part, &c0, &r0, &c1, &r1);
    /* The window shows those displays edge to edge; fit it if its size
     * differs (a preview window, a smaller screen). */
    double out_w = (c1 - c0 + 1) * lw->width * scale;
    double out_h = (r1 - r0 + 1) * lw->height * scale;
    double fit = (double)ww / out_w < (double)wh / out_h ? (double)ww / out_w
                                                         : (double)wh / out_h;
    *exact = fit == 1.0;
    int n = 0;
    for (int r = r0; r <= r1; r++) {
        for (int c = c0; c <= c1 && n < OUTPUT_MAX_DISPLAYS; c++) {
            /* Source: the display's canvas pixels, relative to the
             * wall's region (the framebuffer). */
            double sx = (c * sx_step - reg.x) * scale;
            double sy = (r * sy_step - reg.y) * scale;
            double sw = lw->width * scale, sh = lw->height * scale;
            double dx = (c - c0) * lw->width * scale * fit;
            double dy = (r - r0) * lw->height * scale * fit;
            double dw = sw * fit, dh = sh * fit;
            m[n++] = (struct display_map){
                (int)(sx + 0.5), (int)(sy + 0.5), (int)(sx + sw + 0.5),
                (int)(sy + sh + 0.5), (int)(dx + 0.5), (int)(dy + 0.5),
                (int)(dx + dw + 0.5), (int)(dy + dh + 0.5)};
        }
    }
    return n;
}

/* The window rectangles that a framebuffer rectangle lands on (one per
 * display it crosses); false when they do not fit in `room`. */
static bool
map_damage(const struct display_map *m, int nm, bool exact, struct rect d,
           struct rect *out, int *n, int room)
{
    for (int i = 0; i < nm; i++) {
        const struct display_map *p = &m[i];
        int x0 = d.x > p->sx0 ? d.x : p->sx0;
        int y0 = d.y > p->sy0 ? d.y : p->sy0;
        int x1 = d.x + d.w < p->sx1 ? d.x + d.w : p->sx1;
        int y1 = d.y + d.h < p->sy1 ? d.y + d.h : p->sy1;
        if (x1 <= x0 || y1 <= y0) {
            continue;
        }
        if (*n == room) {
            return false;
        }
        double kx = (double)(p->dx1 - p->dx0) / (p->sx1 - p->sx0);
        double ky = (double)(p->dy1 - p->dy0) / (p->sy1 - p->sy0);
        /* A scaled copy filters: one more pixel each side. */
        int pad = exact ? 0 : 1;
        int wx0 = p->dx0 + (int)floor((x0 - p->sx0) * kx) - pad;
        int wy0 = p->dy0 + (int)floor((y0 - p->sy0) * ky) - pad;
        int wx1 = p->dx0 + (int)ceil((x1 - p->sx0) * kx) + pad;
        int wy1 = p->dy0 + (int)ceil((y1 - p->sy0) * ky) + pad;
        wx0 = wx0 < p->dx0 ? p->dx0 : wx0;
        wy0 = wy0 < p->dy0 ? p->dy0 : wy0;
        wx1 = wx1 > p->dx1 ? p->dx1 : wx1;
        wy1 = wy1 > p->dy1 ? p->dy1 : wy1;
        if (wx1 > wx0 && wy1 > wy0) {
            out[(*n)++] = (struct rect){wx0, wy0, wx1 - wx0, wy1 - wy0};
        }
    }
    return true;
}

/* This frame's damage in the window (-1: all of it). */
static int
window_damage(const struct wall *wall, const struct display_map *m, int nm,
              bool exact, struct rect *out)
{
    struct rect fb[WALL_MAX_CHANGED];
    int nfb = wall_changed(wall, fb, WALL_MAX_CHANGED);
    int n = 0;
    for (int i = 0; i < nfb; i++) {
        if (!map_damage(m, nm, exact, fb[i], out, &n, PRESENT_RECTS)) {
            return -1;
        }
    }
    return nfb < 0 ? -1 : n;
}

/* What must be drawn into the back buffer: this frame's damage plus that
 * of the frames it has not seen (buffer age); -1: everything. */
static int
redraw_region(const struct output *out, struct window *w, struct rect *r)
{
    int age = 0;
    if (w->frames > 0) {
        switch (w->kind) {
        case PRESENT_PRESERVED:
        case PRESENT_COPY_SUB:
            age = 1;
            break;
        case PRESENT_AGE:
            if (out->egl) {
                EGLint a = 0;
                age = eglQuerySurface(out->egl, w->surface,
                                      EGL_BUFFER_AGE_EXT, &a) ? a : 0;
            } else {
                unsigned int a = 0;
                out->glx_query(out->xdpy, w->xwin, GLX_BACK_BUFFER_AGE_EXT,
                               &a);
                age = (int)a;
            }
            break;
        case PRESENT_FULL:
            break;
        }
    }
    if (age <= 0 || age > PRESENT_HISTORY + 1 || age > w->frames ||
        w->ncur < 0) {
        return -1;
    }
    int n = 0;
    for (int i = 0; i < w->ncur; i++) {
        r[n++] = w->cur[i];
    }
    for (int k = 0; k < age - 1; k++) {
        if (w->nhist[k] < 0 || n + w->nhist[k] > 2 * PRESENT_RECTS) {
            return -1;
        }
        for (int i = 0; i < w->nhist[k]; i++) {
            r[n++] = w->hist[k][i];
        }
    }
    return n;
}

/* The displays of the window's part of the canvas into its back buffer:
 * only the pixels that changed where the back buffer is known. */
static void
blit_window(struct output *out, struct window *w, const struct wall *wall,
            const struct layout *layout, double scale)
{
    int ww, wh;
    SDL_GL_GetDrawableSize(w->sdl, &ww, &wh);
    if (ww != w->w || wh != w->h) {
        w->w = ww;
        w->h = wh;
        w->frames = 0;
    }
    struct rect part = w->shows.w > 0 ? w->shows : wall_region(wall);
    struct display_map m[OUTPUT_MAX_DISPLAYS];
    bool exact;
    int nm = map_displays(wall, layout, scale, part, ww, wh, m, &exact);
    w->ncur = window_damage(wall, m, nm, exact, w->cur);
    struct rect region[2 * PRESENT_RECTS];
    int nr = redraw_region(out, w, region);
    glBindFramebuffer(GL_READ_FRAMEBUFFER, wall_framebuffer(wall));
    glBindFramebuffer(GL_DRAW_FRAMEBUFFER, 0);
    glViewport(0, 0, ww, wh);
    if (nr < 0) {
        /* Everything, the borders of a fitted window too. */
        w->ncur = -1;
        glDisable(GL_SCISSOR_TEST);
        glClearColor(0, 0, 0, 1);
        glClear(GL_COLOR_BUFFER_BIT);
        region[0] = (struct rect){0, 0, ww, wh};
        nr = 1;
        out->stats.full++;
    } else if (!exact) {
        glEnable(GL_SCISSOR_TEST);
    }
    for (int k = 0; k < nr; k++) {
        const struct rect *g = &region[k];
        out->stats.pixels += (uint64_t)g->w * (uint64_t)g->h;
        if (!exact) {
            glScissor(g->x, wh - g->y - g->h, g->w, g->h);
        }
        for (int i = 0; i < nm; i++) {
            const struct display_map *p = &m[i];
            int x0 = g->x > p->dx0 ? g->x : p->dx0;
            int y0 = g->y > p->dy0 ? g->y : p->dy0;
            int x1 = g->x + g->w < p->dx1 ? g->x + g->w : p->dx1;
            int y1 = g->y + g->h < p->dy1 ? g->y + g->h : p->dy1;
            if (x1 <= x0 || y1 <= y0) {
                continue;
            }
            if (exact) {
                /* One to one: just those pixels, unscissored; the
                 * canvas's rows run top-down and the window's bottom-up,
                 * a flip that drivers turn into a plain copy. */
                int sx = p->sx0 + (x0 - p->dx0), sy = p->sy0 + (y0 - p->dy0);
                int cw = x1 - x0, ch = y1 - y0;
                glBlitFramebuffer(sx, sy + ch, sx + cw, sy, x0, wh - y1, x1,
                                  wh - y0, GL_COLOR_BUFFER_BIT, GL_NEAREST);
                continue;
            }
            glBlitFramebuffer(p->sx0, p->sy1, p->sx1, p->sy0,
                              p->dx0, wh - p->dy1, p->dx1, wh - p->dy0,
                              GL_COLOR_BUFFER_BIT, GL_LINEAR);
        }
    }
    glDisable(GL_SCISSOR_TEST);
    out->stats.presents++;
}

void
output_blit(struct output *out, const struct wall *wall,
            const struct layout *layout, double scale)
{
    for (int i = 0; i < out->nwindows; i++) {
        if (out->nwindows > 1) {
            SDL_GL_MakeCurrent(out->windows[i], out->ctx);
        }
        blit_window(out, &out->win[i], wall, layout, scale);
    }
    gl_check("present");
}

struct output_stats
output_get_stats(const struct output *out)
{
    return out->stats;
}

bool
output_add_window(struct output *out, int display, int w, int h,
                  const char *title, struct rect shows)
{
    if (out->nwindows == OUTPUT_MAX_WINDOWS) {
        LOG_ERR("at most %d outputs", OUTPUT_MAX_WINDOWS);
        return false;
    }
    SDL_Window *win = make_window(out->mode, display, w, h, title);
    if (!win) {
        return false;
    }
    if (SDL_GL_MakeCurrent(win, out->ctx) != 0) {
        LOG_ERR("display %d: the GL context cannot draw there: %s", display,
                SDL_GetError());
        SDL_DestroyWindow(win);
        SDL_GL_MakeCurrent(out->window, out->ctx);
        return false;
    }
    /* Swaps wait for the display only on the last window, so one frame
     * costs one refresh, not one per output (the displays of one wall
     * run at the same rate). */
    if (out->mode != OUTPUT_OFFSCREEN) {
        SDL_GL_SetSwapInterval(1);
        SDL_GL_MakeCurrent(out->windows[out->nwindows - 1], out->ctx);
        SDL_GL_SetSwapInterval(0);
    }
    out->windows[out->nwindows] = win;
    out->win[out->nwindows] = (struct window){.sdl = win, .shows = shows};
    SDL_GL_MakeCurrent(win, out->ctx);
    window_kind(out, &out->win[out->nwindows]);
    SDL_GL_MakeCurrent(out->window, out->ctx);
    out->nwindows++;
    return true;
}

void
output_resize(struct output *out, int w, int h)
{
    if (out->mode != OUTPUT_FULLSCREEN) {
        SDL_SetWindowSize(out->window, w, h);
    }
}

void
output_set_shows(struct output *out, struct rect shows)
{
    out->win[0].shows = shows;
    out->win[0].frames = 0; /* everything again */
}

cairo_surface_t *
output_read_window(struct output *out, int i)
{
    if (i < 0 || i >= out->nwindows) {
        return NULL;
    }
    SDL_GL_MakeCurrent(out->windows[i], out->ctx);
    int w, h;
    SDL_GL_GetDrawableSize(out->windows[i], &w, &h);
    cairo_surface_t *s = gl_read_framebuffer(0, w, h, false);
    SDL_GL_MakeCurrent(out->window, out->ctx);
    return s;
}

/* Shows the back buffer: the damaged rectangles where only they can be
 * sent, and keeps this frame's damage for the frames to come. */
static void
swap_window(struct output *out, struct window *w)
{
    if (w->kind == PRESENT_COPY_SUB) {
        if (w->ncur < 0) {
            out->copy_sub(out->xdpy, w->xwin, 0, 0, w->w, w->h);
        }
        for (int i = 0; i < w->ncur; i++) {
            const struct rect *r = &w->cur[i];
            out->copy_sub(out->xdpy, w->xwin, r->x, w->h - r->y - r->h, r->w,
                          r->h);
        }
    } else if (out->swap_damage && w->ncur >= 0) {
        EGLint rects[4 * PRESENT_RECTS];
        for (int i = 0; i < w->ncur; i++) {
            const struct rect *r = &w->cur[i];
            EGLint *q = &rects[4 * i];
            q[0] = r->x;
            q[1] = w->h - r->y - r->h; /* EGL counts from the bottom */
            q[2] = r->w;
            q[3] = r->h;
        }
        out->swap_damage(out->egl, w->surface, rects, w->ncur);
    } else {
        /* A pbuffer's swap does not flush: the frame is drawn anyway, as
         * it would be for a window. */
        glFlush();
        SDL_GL_SwapWindow(w->sdl);
    }
    memmove(&w->hist[1], &w->hist[0],
            sizeof(w->hist[0]) * (PRESENT_HISTORY - 1));
    memmove(&w->nhist[1], &w->nhist[0],
            sizeof(w->nhist[0]) * (PRESENT_HISTORY - 1));
    w->nhist[0] = w->ncur;
    if (w->ncur > 0) {
        memcpy(w->hist[0], w->cur, sizeof(w->cur[0]) * (size_t)w->ncur);
    }
    w->frames++;
}

void
output_swap(struct output *out)
{
    for (int i = 0; i < out->nwindows; i++) {
        if (out->nwindows > 1) {
            SDL_GL_MakeCurrent(out->windows[i], out->ctx);
        }
        swap_window(out, &out->win[i]);
    }
    if (out->nwindows > 1) {
        SDL_GL_MakeCurrent(out->window, out->ctx);
    }
}

void
output_present(struct output *out, const struct wall *wall,
               const struct layout *layout, double scale)
{
    output_blit(out, wall, layout, scale);
    output_swap(out);
}
