/*
 * text: fonts through SDL2_ttf (FreeType + HarfBuzz shaping), normalised to
 * NFC, rendered once per (string, weight, size) into an alpha mask that
 * Cairo paints in any colour.
 *
 * Vietnamese arrives as NFC or NFD depending on the feed; both must look
 * identical, so every string is normalised with libunistring before it is
 * shaped or used as a cache key.  The cache is bounded (entries and bytes)
 * and evicts the least recently used masks.  Render thread only.
 */
#ifndef OPSWALL_TEXT_H
#define OPSWALL_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cairo.h>

enum font_weight {
    FONT_REGULAR,
    FONT_MEDIUM,
    FONT_BOLD,
    FONT_WEIGHT_COUNT,
};

struct text_cache;

struct text_extent {
    int width;   /* advance width, px */
    int height;  /* line height, px */
    int ascent;  /* baseline below the top, px */
};

/* Opens the fonts in font_dir (BeVietnamPro-{Regular,Medium,Bold}.ttf).
 * NULL, with the reason logged, if one is missing or unreadable. */
struct text_cache *text_cache_create(const char *font_dir);
void text_cache_destroy(struct text_cache *tc);

/* Measures a UTF-8 string; invalid UTF-8 is replaced, never trusted. */
struct text_extent text_measure(struct text_cache *tc, const char *utf8,
                                enum font_weight weight, int px);

/* Draws text with its top-left at (x, y) in the cairo_t's user space
 * (translation only), in the given colour.  Returns the advance width. */
int text_draw(struct text_cache *tc, cairo_t *cr, const char *utf8,
              enum font_weight weight, int px, double x, double y,
              double r, double g, double b, double a);

/* Returns a copy of utf8 cut at a character boundary and ended with "…"
 * so that it fits max_w pixels (the whole string if it fits). */
char *text_ellipsize(struct text_cache *tc, const char *utf8,
                     enum font_weight weight, int px, int max_w);

/* Cap height of the regular face divided by its pixel size. */
double text_cap_height_ratio(struct text_cache *tc);

/* Strings neither drawn nor measured for TEXT_IDLE_MS are dropped, so
 * that the cache holds what the wall shows now, not its history (a clock,
 * ages and live values make new strings every second).  The caller says
 * the time (monotonic ms) once a frame; without it nothing expires. */
#define TEXT_IDLE_MS 60000
#define TEXT_SWEEP_MS 5000
void text_cache_tick(struct text_cache *tc, int64_t now_ms);

/* Counters for tests and benchmarks. */
struct text_stats {
    unsigned long renders;  /* strings rasterised (drawn, not cached) */
    unsigned long measures; /* strings laid out (not cached) */
    unsigned long hits;
    unsigned long entries;   /* masks held now */
    unsigned long evictions; /* dropped to stay in the budget */
    unsigned long expired;   /* dropped after TEXT_IDLE_MS unused */
    size_t bytes;            /* their pixels */
};
struct text_stats text_cache_stats(const struct text_cache *tc);

/* NFC-normalises UTF-8 (invalid sequences become U+FFFD); caller frees. */
char *text_nfc(const char *utf8);

#endif
