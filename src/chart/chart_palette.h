/*
 * chart_palette: colours for data, chosen to survive colour blindness and
 * a dark wall seen from across a room.
 *
 * Categorical: the Okabe–Ito set (Okabe & Ito 2008), ordered for a dark
 * background (the dark blue comes last).  Sequential: viridis, sampled.
 * Pure data; any thread.
 */
#ifndef OPSWALL_CHART_PALETTE_H
#define OPSWALL_CHART_PALETTE_H

#include <stddef.h>

#include "layout/layout.h"

#define CHART_PALETTE_SIZE 7

/* The i-th categorical colour (wraps around). */
struct rgba chart_palette_category(size_t i);

/* Viridis at t in [0, 1] (clamped), interpolated between samples. */
struct rgba chart_palette_viridis(double t);

/* Parses "#RRGGBB" / "#RRGGBBAA"; false if malformed. */
bool chart_palette_parse(const char *s, struct rgba *out);

#endif
