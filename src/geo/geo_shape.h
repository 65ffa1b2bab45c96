/*
 * geo_shape: a loaded map projected and simplified for one pixel size.
 *
 * Built once per widget size and kept: a new value only recolours.
 *
 * Projection: equirectangular with x scaled by cos 16° (right for a
 * country spanning 8–23°N), fitted into the rectangle.  The Hoàng Sa and
 * Trường Sa archipelagos are drawn in place, or (inset) moved west next
 * to the coast in framed boxes, so a tall narrow map is not shrunk to
 * make room for 5° of open sea.
 *
 * Simplification keeps topology: rings are cut into arcs at junctions
 * (points where the set of rings sharing a point changes), and each arc
 * is simplified by Douglas–Peucker in one canonical direction, so two
 * neighbours get the very same border and no gap or sliver opens between
 * them.  Archipelago rings are never simplified (they are a few points).
 *
 * Label anchors are poles of inaccessibility (the inside point farthest
 * from the edge; Mapbox's "polylabel" idea, written here in a few lines
 * because no Debian package provides it for C).
 *
 * Pure computation; the result is immutable.
 */
#ifndef OPSWALL_GEO_SHAPE_H
#define OPSWALL_GEO_SHAPE_H

#include "geo/geo_json.h"

/* Per point of a map: whether it is a junction (computed once per map). */
unsigned char *geo_shape_junctions(const struct geo_map *m);

struct geo_box {
    double x0, y0, x1, y1;
};

struct geo_shape_ring {
    size_t first, n;  /* in geo_shape.pts */
    int feature;
    bool hole;
    enum geo_group group;
};

struct geo_shape {
    struct geo_pt *pts;            /* pixels */
    size_t npts;
    struct geo_shape_ring *rings;
    size_t nrings;
    size_t nf;
    struct geo_pt *anchor;         /* per feature: label anchor (px) */
    double *anchor_r;              /* its distance to the edge (px) */
    double *area;                  /* per feature: area (px²) */
    struct geo_box *bbox;          /* per feature, mainland rings */
    bool inset;
    struct geo_box group_box[3];   /* per geo_group, padded (px) */
    double px_per_deg;             /* of latitude */
    double ox, oy;                 /* pixel of lon 0, lat 0 (transform) */
    double kx;                     /* x scale of a degree of longitude */
    double shift[3];               /* per geo_group: degrees moved east */
    size_t npts_source;            /* points before simplification */
};

struct geo_shape_opts {
    double x, y, w, h;     /* the rectangle to fit into */
    bool inset;            /* archipelagos moved next to the coast */
    double tolerance;      /* px; 0: no simplification */
};

struct geo_shape *geo_shape_build(const struct geo_map *m,
                                  const unsigned char *junctions,
                                  const struct geo_shape_opts *o);
void geo_shape_free(struct geo_shape *s);
/* Width / height of the map as projected (with or without insets). */
double geo_shape_aspect(const struct geo_map *m, bool inset);

/* lon/lat to pixels as the shape was projected (mainland transform). */
struct geo_pt geo_shape_project(const struct geo_shape *s,
                                const struct geo_map *m, double lon,
                                double lat);

/* The pole of inaccessibility of a ring set (even-odd) within precision
 * px; *dist: its distance to the nearest edge. */
struct geo_pt geo_shape_polylabel(const struct geo_pt *pts,
                                  const struct geo_shape_ring *rings,
                                  size_t nrings, double precision,
                                  double *dist);

#endif
