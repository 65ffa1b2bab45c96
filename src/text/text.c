/*
 * text: SDL2_ttf rasterises, Cairo composites.
 *
 * Each distinct (weight, px, NFC string) is rendered once with
 * TTF_RenderUTF8_Blended in white; its alpha channel becomes a Cairo A8
 * surface used as a mask, so colour changes cost no re-rasterisation.
 * Fonts are opened per (weight, size) on demand and kept (a wall uses a
 * handful of sizes).  The mask cache is a hash table with an LRU stamp;
 * when it exceeds its budget the oldest quarter is dropped.
 */
#define LOG_MODULE "text"
#include "text/text.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <SDL2/SDL_ttf.h>
#include <uninorm.h>
#include <unistr.h>

#include "base/file.h"
#include "base/log.h"
#include "base/xalloc.h"

#define MAX_FONTS 64
#define FONT_MAX_BYTES (16u << 20) /* a font file's cap (ours: ~150 kB) */
#define CACHE_MAX_ENTRIES 2048
#define CACHE_MAX_BYTES (32u << 20)

static const char *const font_files[FONT_WEIGHT_COUNT] = {
    "BeVietnamPro-Regular.ttf",
    "BeVietnamPro-Medium.ttf",
    "BeVietnamPro-Bold.ttf",
};

struct font_slot {
    enum font_weight weight;
    int px;
    TTF_Font *font;
};

struct mask {
    char *key;      /* "w|px|text" */
    uint64_t hash;
    cairo_surface_t *surface; /* A8, NULL for empty strings */
    struct text_extent ext;
    unsigned long last_use; /* the lookup clock: LRU within the budget */
    int64_t used_ms;        /* the caller's clock: idle ones expire */
    size_t bytes;
    bool rastered;          /* surface made (NULL for empty strings) */
};

struct text_cache {
    char *paths[FONT_WEIGHT_COUNT];
    /* Each weight's file, read once: every size is opened from these
     * bytes (FreeType reads them in place), so a wall's dozens of sizes
     * hold no descriptor each and the files may be replaced on disk (an
     * upgrade) without a size opened later reading another version. */
    char *font_bytes[FONT_WEIGHT_COUNT];
    size_t font_len[FONT_WEIGHT_COUNT];
    struct font_slot fonts[MAX_FONTS];
    int nfonts;
    struct mask *masks; /* open addressing; key NULL = empty */
    size_t nmasks, cap;
    size_t bytes;
    unsigned long clock;
    int64_t now_ms, next_sweep_ms;
    struct text_stats stats;
    bool ttf_inited;
};

char *
text_nfc(const char *utf8)
{
    size_t len = strlen(utf8);
    /* Replace invalid UTF-8 first: feeds are outside input. */
    char *valid = NULL;
    if (u8_check((const uint8_t *)utf8, len) != NULL) {
        size_t cap = len * 3 + 1, o = 0;
        valid = xmalloc(cap);
        const uint8_t *p = (const uint8_t *)utf8, *end = p + len;
        while (p < end) {
            ucs4_t uc;
            int n = u8_mbtoucr(&uc, p, (size_t)(end - p));
            if (n < 0) {
                memcpy(valid + o, "\xEF\xBF\xBD", 3);
                o += 3;
                p++;
            } else {
                memcpy(valid + o, p, (size_t)n);
                o += (size_t)n;
                p += n;
            }
        }
        valid[o] = '\0';
        utf8 = valid;
        len = o;
    }
    size_t out_len = 0;
    uint8_t *out = u8_normalize(UNINORM_NFC, (const uint8_t *)utf8, len, NULL,
                                &out_len);
    char *res;
    if (!out) {
        res = xstrndup(utf8, len);
    } else {
        res = xstrndup((const char *)out, out_len);
        free(out);
    }
    free(valid);
    return res;
}

/* One size of a weight, from the bytes read at start (the RWops is
 * freed with the font; the bytes stay the cache's). */
static TTF_Font *
open_size(struct text_cache *tc, enum font_weight weight, int px)
{
    SDL_RWops *rw = SDL_RWFromConstMem(tc->font_bytes[weight],
                                       (int)tc->font_len[weight]);
    return rw ? TTF_OpenFontRW(rw, 1, px) : NULL;
}

struct text_cache *
text_cache_create(const char *font_dir)
{
    struct text_cache *tc = xcalloc(1, sizeof(*tc));
    if (TTF_Init() != 0) {
        LOG_ERR("SDL_ttf: %s", TTF_GetError());
        free(tc);
        return NULL;
    }
    tc->ttf_inited = true;
    for (int w = 0; w < FONT_WEIGHT_COUNT; w++) {
        tc->paths[w] = xasprintf("%s/%s", font_dir, font_files[w]);
        tc->font_bytes[w] = file_read_all(tc->paths[w], FONT_MAX_BYTES,
                                          &tc->font_len[w]);
        if (!tc->font_bytes[w]) {
            LOG_ERR("cannot read font %s: %s", tc->paths[w], strerror(errno));
            text_cache_destroy(tc);
            return NULL;
        }
        TTF_Font *probe = open_size(tc, (enum font_weight)w, 12);
        if (!probe) {
            LOG_ERR("cannot open font %s: %s", tc->paths[w], TTF_GetError());
            text_cache_destroy(tc);
            return NULL;
        }
        TTF_CloseFont(probe);
    }
    tc->cap = 1024;
    tc->masks = xcalloc(tc->cap, sizeof(*tc->masks));
    return tc;
}

static void
mask_free(struct mask *m)
{
    free(m->key);
    if (m->surface) {
        cairo_surface_destroy(m->surface);
    }
    memset(m, 0, sizeof(*m));
}

void
text_cache_destroy(struct text_cache *tc)
{
    if (!tc) {
        return;
    }
    for (size_t i = 0; i < tc->cap; i++) {
        if (tc->masks[i].key) {
            mask_free(&tc->masks[i]);
        }
    }
    free(tc->masks);
    for (int i = 0; i < tc->nfonts; i++) {
        TTF_CloseFont(tc->fonts[i].font);
    }
    for (int w = 0; w < FONT_WEIGHT_COUNT; w++) {
        free(tc->paths[w]);
        free(tc->font_bytes[w]);
    }
    if (tc->ttf_inited) {
        TTF_Quit();
    }
    free(tc);
}

static TTF_Font *
get_font(struct text_cache *tc, enum font_weight weight, int px)
{
    if (px < 1) {
        px = 1;
    }
    if (px > 2000) {
        px = 2000;
    }
    for (int i = 0; i < tc->nfonts; i++) {
        if (tc->fonts[i].weight == weight && tc->fonts[i].px == px) {
            return tc->fonts[i].font;
        }
    }
    if (tc->nfonts == MAX_FONTS) {
        /* A wall uses few sizes; past the cap, recycle the oldest. */
        TTF_CloseFont(tc->fonts[0].font);
        memmove(&tc->fonts[0], &tc->fonts[1],
                (MAX_FONTS - 1) * sizeof(tc->fonts[0]));
        tc->nfonts--;
    }
    TTF_Font *f = open_size(tc, weight, px);
    if (!f) {
        LOG_ERR("font %s at %d px: %s", tc->paths[weight], px, TTF_GetError());
        return NULL;
    }
    TTF_SetFontHinting(f, TTF_HINTING_LIGHT);
    TTF_SetFontKerning(f, 1);
    tc->fonts[tc->nfonts++] = (struct font_slot){weight, px, f};
    return f;
}

static uint64_t
hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++) {
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    }
    return h;
}

static void
cache_insert(struct text_cache *tc, struct mask m)
{
    size_t i = m.hash & (tc->cap - 1);
    while (tc->masks[i].key) {
        i = (i + 1) & (tc->cap - 1);
    }
    tc->masks[i] = m;
    tc->nmasks++;
    tc->bytes += m.bytes;
}

/* Rebuilds the table, keeping entries used after `cutoff` (lookups) and
 * since `since_ms` (the caller's clock). */
static void
cache_rebuild(struct text_cache *tc, unsigned long cutoff, int64_t since_ms,
              size_t new_cap)
{
    struct mask *old = tc->masks;
    size_t old_cap = tc->cap;
    tc->cap = new_cap;
    tc->masks = xcalloc(tc->cap, sizeof(*tc->masks));
    tc->nmasks = 0;
    tc->bytes = 0;
    for (size_t i = 0; i < old_cap; i++) {
        if (!old[i].key) {
            continue;
        }
        if (old[i].last_use >= cutoff && old[i].used_ms >= since_ms) {
            cache_insert(tc, old[i]);
        } else {
            if (old[i].used_ms < since_ms) {
                tc->stats.expired++;
            } else {
                tc->stats.evictions++;
            }
            mask_free(&old[i]);
        }
    }
    free(old);
}

static void
cache_make_room(struct text_cache *tc)
{
    if (tc->nmasks + 1 > CACHE_MAX_ENTRIES || tc->bytes > CACHE_MAX_BYTES) {
        /* Drop everything not used in the last 3/4 of recent history. */
        unsigned long span = tc->clock > (unsigned long)tc->nmasks
                                 ? (unsigned long)tc->nmasks : tc->clock;
        cache_rebuild(tc, tc->clock - span * 3 / 4, INT64_MIN, tc->cap);
    }
    if ((tc->nmasks + 1) * 2 > tc->cap) {
        cache_rebuild(tc, 0, INT64_MIN, tc->cap * 2);
    }
}

void
text_cache_tick(struct text_cache *tc, int64_t now_ms)
{
    tc->now_ms = now_ms;
    if (now_ms < tc->next_sweep_ms) {
        return;
    }
    tc->next_sweep_ms = now_ms + TEXT_SWEEP_MS;
    int64_t since = now_ms - TEXT_IDLE_MS;
    for (size_t i = 0; i < tc->cap; i++) {
        if (tc->masks[i].key && tc->masks[i].used_ms < since) {
            cache_rebuild(tc, 0, since, tc->cap);
            return;
        }
    }
}

static struct mask *
find(struct text_cache *tc, const char *key, uint64_t h)
{
    for (size_t i = h & (tc->cap - 1); tc->masks[i].key;
         i = (i + 1) & (tc->cap - 1)) {
        struct mask *m = &tc->masks[i];
        if (m->hash == h && strcmp(m->key, key) == 0) {
            return m;
        }
    }
    return NULL;
}

/* The string's extent without its pixels: SDL_ttf lays it out as
 * TTF_RenderUTF8_Blended would (both go through its TTF_Size_Internal),
 * so a later rasterisation gives the same box (test_text checks). */
static void
measure(struct mask *m, TTF_Font *font, const char *nfc)
{
    m->ext.height = TTF_FontHeight(font);
    m->ext.ascent = TTF_FontAscent(font);
    int w = 0, h = 0;
    if (nfc[0] && TTF_SizeUTF8(font, nfc, &w, &h) == 0) {
        m->ext.width = w;
        m->ext.height = h;
    }
}

/* The string's A8 mask (white glyphs' alpha, so colour is free). */
static void
rasterise(struct text_cache *tc, struct mask *m, TTF_Font *font,
          const char *nfc)
{
    m->rastered = true;
    if (!nfc[0]) {
        return;
    }
    SDL_Surface *s = TTF_RenderUTF8_Blended(font, nfc,
                                            (SDL_Color){255, 255, 255, 255});
    if (s) {
        SDL_Surface *conv = SDL_ConvertSurfaceFormat(s, SDL_PIXELFORMAT_ARGB8888,
                                                     0);
        SDL_FreeSurface(s);
        s = conv;
    }
    if (!s) {
        LOG_WARN("cannot render text: %s", TTF_GetError());
        return;
    }
    tc->stats.renders++;
    int w = s->w, hgt = s->h;
    cairo_surface_t *a8 = cairo_image_surface_create(CAIRO_FORMAT_A8, w, hgt);
    if (cairo_surface_status(a8) == CAIRO_STATUS_SUCCESS) {
        cairo_surface_flush(a8);
        unsigned char *dst = cairo_image_surface_get_data(a8);
        int dstride = cairo_image_surface_get_stride(a8);
        SDL_LockSurface(s);
        for (int y = 0; y < hgt; y++) {
            const uint32_t *src = (const uint32_t *)((const uint8_t *)
                                                     s->pixels + y * s->pitch);
            for (int x = 0; x < w; x++) {
                dst[y * dstride + x] = (unsigned char)(src[x] >> 24);
            }
        }
        SDL_UnlockSurface(s);
        cairo_surface_mark_dirty(a8);
        m->surface = a8;
        m->bytes = (size_t)dstride * (size_t)hgt;
    } else {
        cairo_surface_destroy(a8);
    }
    m->ext.width = w;
    m->ext.height = hgt;
    SDL_FreeSurface(s);
}

/* The cache entry of a string, measured; with its mask when `draw`.
 * Measuring alone (wrapping, ellipsizing, layout) keeps no pixels: most
 * strings measured while fitting text are never drawn. */
static const struct mask *
lookup(struct text_cache *tc, const char *utf8, enum font_weight weight,
       int px, bool draw)
{
    char *nfc = text_nfc(utf8);
    char *key = xasprintf("%d|%d|%s", (int)weight, px, nfc);
    uint64_t h = hash_str(key);
    tc->clock++;
    struct mask *m = find(tc, key, h);
    if (m) {
        m->last_use = tc->clock;
        m->used_ms = tc->now_ms;
        if (!m->rastered && draw) {
            /* Measured before, drawn now: its pixels join the budget
             * (room is made keeping this one, just used). */
            TTF_Font *font = get_font(tc, weight, px);
            if (font) {
                rasterise(tc, m, font, nfc);
                tc->bytes += m->bytes;
            }
            cache_make_room(tc);
            m = find(tc, key, h);
        } else {
            tc->stats.hits++;
        }
        free(key);
        free(nfc);
        return m;
    }
    cache_make_room(tc);
    struct mask nm = {.key = key, .hash = h, .last_use = tc->clock,
                      .used_ms = tc->now_ms};
    TTF_Font *font = get_font(tc, weight, px);
    if (font) {
        measure(&nm, font, nfc);
        tc->stats.measures++;
        if (draw) {
            rasterise(tc, &nm, font, nfc);
        }
    }
    free(nfc);
    cache_insert(tc, nm);
    return find(tc, key, h);
}

struct text_extent
text_measure(struct text_cache *tc, const char *utf8, enum font_weight weight,
             int px)
{
    const struct mask *m = lookup(tc, utf8, weight, px, false);
    return m ? m->ext : (struct text_extent){0, 0, 0};
}

int
text_draw(struct text_cache *tc, cairo_t *cr, const char *utf8,
          enum font_weight weight, int px, double x, double y, double r,
          double g, double b, double a)
{
    const struct mask *m = lookup(tc, utf8, weight, px, true);
    if (!m) {
        return 0;
    }
    if (m->surface) {
        cairo_save(cr);
        cairo_set_source_rgba(cr, r, g, b, a);
        /* Whole pixels keep glyph edges as FreeType hinted them. */
        double ux = x, uy = y;
        cairo_user_to_device(cr, &ux, &uy);
        double rx = (double)(long)(ux + 0.5), ry = (double)(long)(uy + 0.5);
        cairo_device_to_user(cr, &rx, &ry);
        cairo_mask_surface(cr, m->surface, rx, ry);
        cairo_restore(cr);
    }
    return m->ext.width;
}

char *
text_ellipsize(struct text_cache *tc, const char *utf8,
               enum font_weight weight, int px, int max_w)
{
    char *nfc = text_nfc(utf8);
    if (text_measure(tc, nfc, weight, px).width <= max_w) {
        return nfc;
    }
    /* Binary search on character boundaries for the longest prefix. */
    size_t len = strlen(nfc);
    size_t lo = 0, hi = len;
    char *best = xstrdup("…");
    while (lo < hi) {
        size_t mid = (lo + hi + 1) / 2;
        while (mid > 0 && ((unsigned char)nfc[mid] & 0xC0) == 0x80) {
            mid--;
        }
        if (mid <= lo) {
            break;
        }
        size_t cut = mid;
        while (cut > 0 && nfc[cut - 1] == ' ') {
            cut--;
        }
        char *cand = xasprintf("%.*s…", (int)cut, nfc);
        if (text_measure(tc, cand, weight, px).width <= max_w) {
            free(best);
            best = cand;
            lo = mid;
        } else {
            free(cand);
            hi = mid - 1;
        }
    }
    free(nfc);
    return best;
}

double
text_cap_height_ratio(struct text_cache *tc)
{
    const int px = 1000;
    TTF_Font *f = get_font(tc, FONT_REGULAR, px);
    int minx, maxx, miny, maxy, adv;
    if (!f || TTF_GlyphMetrics32(f, 'H', &minx, &maxx, &miny, &maxy, &adv)) {
        return 0;
    }
    return (double)maxy / px;
}

struct text_stats
text_cache_stats(const struct text_cache *tc)
{
    struct text_stats st = tc->stats;
    st.entries = tc->nmasks;
    st.bytes = tc->bytes;
    return st;
}
