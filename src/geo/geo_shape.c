/*
 * geo_shape: projection, topology-keeping simplification and label
 * anchors for one pixel size.  See geo_shape.h for the method.
 */
#include "geo/geo_shape.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"

#define GEO_COS16 0.9612616959383189
/* Where the archipelagos are put in inset mode: their west edge. */
#define GEO_INSET_LON 109.95
/* Padding of an archipelago's frame, degrees. */
#define GEO_INSET_PAD 0.3

/* ---- junctions --------------------------------------------------------- */

static uint64_t
pt_hash(struct geo_pt p)
{
    uint64_t a, b;
    memcpy(&a, &p.x, sizeof(a));
    memcpy(&b, &p.y, sizeof(b));
    uint64_t h = a * 0x9E3779B97F4A7C15ull ^ (b + 0x632BE59BD9B4E019ull);
    h ^= h >> 31;
    h *= 0xBF58476D1CE4E5B9ull;
    return h ^ (h >> 29);
}

static int
cmp_int(const void *a, const void *b)
{
    int p = *(const int *)a, q = *(const int *)b;
    return p < q ? -1 : p > q;
}

unsigned char *
geo_shape_junctions(const struct geo_map *m)
{
    size_t n = m->npts;
    unsigned char *junction = xcalloc(n ? n : 1, 1);
    if (n == 0) {
        return junction;
    }
    /* Points with equal coordinates, chained; a table of chain heads. */
    size_t cap = 16;
    while (cap < n * 2) {
        cap *= 2;
    }
    size_t *head = xmalloc(cap * sizeof(*head));
    for (size_t i = 0; i < cap; i++) {
        head[i] = SIZE_MAX;
    }
    size_t *next = xmalloc(n * sizeof(*next));
    size_t *slot = xmalloc(n * sizeof(*slot));
    int *ring_of = xmalloc(n * sizeof(*ring_of));
    for (size_t r = 0; r < m->nrings; r++) {
        for (size_t k = 0; k < m->rings[r].n; k++) {
            ring_of[m->rings[r].first + k] = (int)r;
        }
    }
    for (size_t i = 0; i < n; i++) {
        size_t h = (size_t)pt_hash(m->pts[i]) & (cap - 1);
        for (;;) {
            if (head[h] == SIZE_MAX) {
                head[h] = i;
                next[i] = SIZE_MAX;
                break;
            }
            const struct geo_pt *q = &m->pts[head[h]];
            if (q->x == m->pts[i].x && q->y == m->pts[i].y) {
                next[i] = head[h];
                head[h] = i;
                break;
            }
            h = (h + 1) & (cap - 1);
        }
        slot[i] = h;
    }
    /* Signature of each chain: the sorted set of its rings. */
    uint64_t *sig = xcalloc(cap, sizeof(*sig));
    int *ids = NULL;
    size_t ids_cap = 0;
    for (size_t h = 0; h < cap; h++) {
        if (head[h] == SIZE_MAX) {
            continue;
        }
        size_t k = 0;
        for (size_t i = head[h]; i != SIZE_MAX; i = next[i]) {
            if (k == ids_cap) {
                ids_cap = ids_cap ? ids_cap * 2 : 16;
                ids = xreallocarray(ids, ids_cap, sizeof(*ids));
            }
            ids[k++] = ring_of[i];
        }
        qsort(ids, k, sizeof(*ids), cmp_int);
        uint64_t s = 0xcbf29ce484222325ull;
        int prev = -1;
        for (size_t j = 0; j < k; j++) {
            if (ids[j] != prev) {
                s = (s ^ (uint64_t)ids[j]) * 0x100000001b3ull;
                prev = ids[j];
            }
        }
        sig[h] = s;
    }
    free(ids);
    for (size_t r = 0; r < m->nrings; r++) {
        const struct geo_ring *g = &m->rings[r];
        bool any = false;
        for (size_t k = 0; k < g->n; k++) {
            size_t i = g->first + k;
            size_t p = g->first + (k + g->n - 1) % g->n;
            size_t q = g->first + (k + 1) % g->n;
            uint64_t si = sig[slot[i]];
            if (si != sig[slot[p]] || si != sig[slot[q]]) {
                junction[i] = 1;
                any = true;
            }
        }
        if (!any) {
            /* A ring shared with nobody (an island) or wholly with one
             * other ring: fix its lowest point and the point farthest
             * from it; any ring with the same points picks the same. */
            size_t lo = g->first;
            for (size_t k = 1; k < g->n; k++) {
                const struct geo_pt *a = &m->pts[g->first + k];
                const struct geo_pt *b = &m->pts[lo];
                if (a->x < b->x || (a->x == b->x && a->y < b->y)) {
                    lo = g->first + k;
                }
            }
            size_t far = lo;
            double best = -1;
            for (size_t k = 0; k < g->n; k++) {
                const struct geo_pt *a = &m->pts[g->first + k];
                double d = hypot(a->x - m->pts[lo].x, a->y - m->pts[lo].y);
                if (d > best) {
                    best = d;
                    far = g->first + k;
                }
            }
            junction[lo] = 1;
            junction[far] = 1;
        }
    }
    free(sig);
    free(ring_of);
    free(slot);
    free(next);
    free(head);
    return junction;
}

/* ---- Douglas–Peucker on one arc ----------------------------------------- */

static double
seg_dist2(struct geo_pt p, struct geo_pt a, struct geo_pt b)
{
    double dx = b.x - a.x, dy = b.y - a.y;
    double l2 = dx * dx + dy * dy;
    double t = l2 > 0 ? ((p.x - a.x) * dx + (p.y - a.y) * dy) / l2 : 0;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    double ex = a.x + t * dx - p.x, ey = a.y + t * dy - p.y;
    return ex * ex + ey * ey;
}

/* Marks keep[0..n) for the arc a[0..n) (endpoints always kept); iterative
 * so a long arc cannot exhaust the stack. */
static void
dp_arc(const struct geo_pt *a, size_t n, double tol2, unsigned char *keep,
       size_t *stack)
{
    keep[0] = keep[n - 1] = 1;
    size_t sp = 0;
    stack[sp++] = 0;
    stack[sp++] = n - 1;
    while (sp) {
        size_t hi = stack[--sp], lo = stack[--sp];
        double best = -1;
        size_t at = lo;
        for (size_t i = lo + 1; i < hi; i++) {
            double d = seg_dist2(a[i], a[lo], a[hi]);
            if (d > best) {
                best = d;
                at = i;
            }
        }
        if (best > tol2) {
            keep[at] = 1;
            stack[sp++] = lo;
            stack[sp++] = at;
            stack[sp++] = at;
            stack[sp++] = hi;
        }
    }
}

static bool
pt_less(struct geo_pt a, struct geo_pt b)
{
    return a.x < b.x || (a.x == b.x && a.y < b.y);
}

/* ---- projection ---------------------------------------------------------- */

static struct geo_pt
proj(const struct geo_shape *s, struct geo_pt p, enum geo_group g)
{
    return (struct geo_pt){s->ox + (p.x + s->shift[g]) * s->kx,
                           s->oy - p.y * s->px_per_deg};
}

struct geo_pt
geo_shape_project(const struct geo_shape *s, const struct geo_map *m,
                  double lon, double lat)
{
    (void)m;
    return proj(s, (struct geo_pt){lon, lat}, GEO_MAINLAND);
}

/* ---- polylabel ---------------------------------------------------------- */

/* Signed distance from p to the ring set's edges: > 0 inside. */
static double
edge_dist(struct geo_pt p, const struct geo_pt *pts,
          const struct geo_shape_ring *rings, size_t nrings)
{
    bool inside = false;
    double best = INFINITY;
    for (size_t r = 0; r < nrings; r++) {
        const struct geo_pt *a = &pts[rings[r].first];
        size_t n = rings[r].n;
        for (size_t i = 0, j = n - 1; i < n; j = i++) {
            if ((a[i].y > p.y) != (a[j].y > p.y) &&
                p.x < (a[j].x - a[i].x) * (p.y - a[i].y) /
                              (a[j].y - a[i].y) + a[i].x) {
                inside = !inside;
            }
            double d = seg_dist2(p, a[i], a[j]);
            best = d < best ? d : best;
        }
    }
    return (inside ? 1 : -1) * sqrt(best);
}

struct cell {
    double x, y, h, d, max;
};

static void
heap_push(struct cell **heap, size_t *n, size_t *cap, struct cell c)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 64;
        *heap = xreallocarray(*heap, *cap, sizeof(**heap));
    }
    size_t i = (*n)++;
    while (i > 0 && (*heap)[(i - 1) / 2].max < c.max) {
        (*heap)[i] = (*heap)[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    (*heap)[i] = c;
}

static struct cell
heap_pop(struct cell *heap, size_t *n)
{
    struct cell top = heap[0], last = heap[--(*n)];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= *n) {
            break;
        }
        if (c + 1 < *n && heap[c + 1].max > heap[c].max) {
            c++;
        }
        if (heap[c].max <= last.max) {
            break;
        }
        heap[i] = heap[c];
        i = c;
    }
    if (*n) {
        heap[i] = last;
    }
    return top;
}

static struct cell
make_cell(double x, double y, double h, const struct geo_pt *pts,
          const struct geo_shape_ring *rings, size_t nrings)
{
    double d = edge_dist((struct geo_pt){x, y}, pts, rings, nrings);
    return (struct cell){x, y, h, d, d + h * M_SQRT2};
}

struct geo_pt
geo_shape_polylabel(const struct geo_pt *pts,
                    const struct geo_shape_ring *rings, size_t nrings,
                    double precision, double *dist)
{
    double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
    double cx = 0, cy = 0, a2 = 0;
    for (size_t r = 0; r < nrings; r++) {
        const struct geo_pt *a = &pts[rings[r].first];
        size_t n = rings[r].n;
        for (size_t i = 0, j = n - 1; i < n; j = i++) {
            x0 = fmin(x0, a[i].x);
            y0 = fmin(y0, a[i].y);
            x1 = fmax(x1, a[i].x);
            y1 = fmax(y1, a[i].y);
            double f = a[j].x * a[i].y - a[i].x * a[j].y;
            cx += (a[j].x + a[i].x) * f;
            cy += (a[j].y + a[i].y) * f;
            a2 += f;
        }
    }
    double size = fmin(x1 - x0, y1 - y0);
    if (!(size > 0)) {
        *dist = 0;
        return (struct geo_pt){isfinite(x0) ? x0 : 0, isfinite(y0) ? y0 : 0};
    }
    struct cell best = make_cell(a2 != 0 ? cx / (3 * a2) : x0,
                                 a2 != 0 ? cy / (3 * a2) : y0, 0, pts, rings,
                                 nrings);
    struct cell bc = make_cell((x0 + x1) / 2, (y0 + y1) / 2, 0, pts, rings,
                               nrings);
    if (bc.d > best.d) {
        best = bc;
    }
    struct cell *heap = NULL;
    size_t n = 0, cap = 0;
    double h = size / 2;
    for (double x = x0; x < x1; x += size) {
        for (double y = y0; y < y1; y += size) {
            heap_push(&heap, &n, &cap, make_cell(x + h, y + h, h, pts, rings,
                                                 nrings));
        }
    }
    /* Bounded: a hostile shape cannot keep us here. */
    for (int iter = 0; n && iter < 4000; iter++) {
        struct cell c = heap_pop(heap, &n);
        if (c.d > best.d) {
            best = c;
        }
        if (c.max - best.d <= precision) {
            continue;
        }
        double q = c.h / 2;
        heap_push(&heap, &n, &cap, make_cell(c.x - q, c.y - q, q, pts, rings,
                                             nrings));
        heap_push(&heap, &n, &cap, make_cell(c.x + q, c.y - q, q, pts, rings,
                                             nrings));
        heap_push(&heap, &n, &cap, make_cell(c.x - q, c.y + q, q, pts, rings,
                                             nrings));
        heap_push(&heap, &n, &cap, make_cell(c.x + q, c.y + q, q, pts, rings,
                                             nrings));
    }
    free(heap);
    *dist = best.d;
    return (struct geo_pt){best.x, best.y};
}

/* ---- build -------------------------------------------------------------- */

static double
ring_area(const struct geo_pt *a, size_t n)
{
    double s = 0;
    for (size_t i = 0, j = n - 1; i < n; j = i++) {
        s += a[j].x * a[i].y - a[i].x * a[j].y;
    }
    return fabs(s) / 2;
}

/* Degrees moved east per group, group boxes and overall bounds, in
 * degrees with x scaled by cos 16° and y = -lat. */
static void
bounds(const struct geo_map *m, bool inset, double shift[3],
       struct geo_box gb[3], double *bx0, double *by0, double *bx1,
       double *by1)
{
    double west[3] = {INFINITY, INFINITY, INFINITY};
    for (size_t r = 0; r < m->nrings; r++) {
        const struct geo_ring *g = &m->rings[r];
        for (size_t k = 0; k < g->n; k++) {
            west[g->group] = fmin(west[g->group], m->pts[g->first + k].x);
        }
    }
    shift[GEO_MAINLAND] = 0;
    for (int g = GEO_HOANG_SA; g <= GEO_TRUONG_SA; g++) {
        shift[g] = inset && isfinite(west[g]) ? GEO_INSET_LON - west[g] : 0;
    }
    for (int g = 0; g < 3; g++) {
        gb[g] = (struct geo_box){INFINITY, INFINITY, -INFINITY, -INFINITY};
    }
    for (size_t r = 0; r < m->nrings; r++) {
        const struct geo_ring *g = &m->rings[r];
        for (size_t k = 0; k < g->n; k++) {
            const struct geo_pt *p = &m->pts[g->first + k];
            double x = (p->x + shift[g->group]) * GEO_COS16, y = -p->y;
            struct geo_box *b = &gb[g->group];
            b->x0 = fmin(b->x0, x);
            b->y0 = fmin(b->y0, y);
            b->x1 = fmax(b->x1, x);
            b->y1 = fmax(b->y1, y);
        }
    }
    *bx0 = *by0 = INFINITY;
    *bx1 = *by1 = -INFINITY;
    for (int g = 0; g < 3; g++) {
        if (!isfinite(gb[g].x0)) {
            continue;
        }
        double pad = g == GEO_MAINLAND ? 0 : GEO_INSET_PAD;
        *bx0 = fmin(*bx0, gb[g].x0 - pad);
        *by0 = fmin(*by0, gb[g].y0 - pad);
        *bx1 = fmax(*bx1, gb[g].x1 + pad);
        *by1 = fmax(*by1, gb[g].y1 + pad);
    }
}

double
geo_shape_aspect(const struct geo_map *m, bool inset)
{
    double shift[3], x0, y0, x1, y1;
    struct geo_box gb[3];
    bounds(m, inset, shift, gb, &x0, &y0, &x1, &y1);
    return y1 > y0 ? (x1 - x0) / (y1 - y0) : 1;
}

struct geo_shape *
geo_shape_build(const struct geo_map *m, const unsigned char *junctions,
                const struct geo_shape_opts *o)
{
    struct geo_shape *s = xcalloc(1, sizeof(*s));
    s->nf = m->nf;
    s->inset = o->inset;
    s->kx = GEO_COS16;
    s->npts_source = m->npts;
    struct geo_box gb[3];
    double bx0, by0, bx1, by1;
    bounds(m, o->inset, s->shift, gb, &bx0, &by0, &bx1, &by1);
    double bw = bx1 - bx0, bh = by1 - by0;
    double scale = 1;
    if (bw > 0 && bh > 0) {
        scale = fmin(o->w / bw, o->h / bh);
    }
    s->px_per_deg = scale;
    s->kx = GEO_COS16 * scale;
    s->ox = o->x + (o->w - bw * scale) / 2 - bx0 * scale;
    s->oy = o->y + (o->h - bh * scale) / 2 - by0 * scale;
    for (int g = 0; g < 3; g++) {
        double pad = g == GEO_MAINLAND ? 0 : GEO_INSET_PAD * scale;
        if (!isfinite(gb[g].x0)) {
            s->group_box[g] = (struct geo_box){0, 0, 0, 0};
            continue;
        }
        s->group_box[g] = (struct geo_box){
            s->ox + gb[g].x0 * scale - pad, s->oy + gb[g].y0 * scale - pad,
            s->ox + gb[g].x1 * scale + pad, s->oy + gb[g].y1 * scale + pad};
    }

    /* Project every point, then simplify arc by arc. */
    struct geo_pt *pp = xmalloc((m->npts ? m->npts : 1) * sizeof(*pp));
    for (size_t r = 0; r < m->nrings; r++) {
        const struct geo_ring *g = &m->rings[r];
        for (size_t k = 0; k < g->n; k++) {
            pp[g->first + k] = proj(s, m->pts[g->first + k], g->group);
        }
    }
    unsigned char *keep = xcalloc(m->npts ? m->npts : 1, 1);
    struct geo_pt *arc = xmalloc((m->npts + 1) * sizeof(*arc));
    unsigned char *akeep = xmalloc(m->npts + 1);
    size_t *stack = xmalloc((m->npts + 2) * 4 * sizeof(*stack));
    double tol2 = o->tolerance * o->tolerance;
    for (size_t r = 0; r < m->nrings; r++) {
        const struct geo_ring *g = &m->rings[r];
        if (o->tolerance <= 0 || g->group != GEO_MAINLAND) {
            memset(keep + g->first, 1, g->n);
            continue;
        }
        /* Arcs start at junctions; every ring has at least two. */
        size_t start = 0;
        while (start < g->n && !junctions[g->first + start]) {
            start++;
        }
        for (size_t k = 0; k < g->n;) {
            size_t a0 = (start + k) % g->n;
            size_t len = 1;
            while (k + len < g->n &&
                   !junctions[g->first + (start + k + len) % g->n]) {
                len++;
            }
            /* The arc: a0 .. next junction inclusive. */
            size_t na = len + 1;
            struct geo_pt first = m->pts[g->first + a0];
            struct geo_pt last = m->pts[g->first + (a0 + len) % g->n];
            struct geo_pt second = m->pts[g->first + (a0 + 1) % g->n];
            struct geo_pt before = m->pts[g->first + (a0 + len - 1) % g->n];
            bool rev = pt_less(last, first) ||
                       (first.x == last.x && first.y == last.y &&
                        pt_less(before, second));
            for (size_t i = 0; i < na; i++) {
                size_t src = rev ? (a0 + len - i) % g->n : (a0 + i) % g->n;
                arc[i] = pp[g->first + src];
                akeep[i] = 0;
            }
            dp_arc(arc, na, tol2, akeep, stack);
            for (size_t i = 0; i < na; i++) {
                size_t dst = rev ? (a0 + len - i) % g->n : (a0 + i) % g->n;
                if (akeep[i]) {
                    keep[g->first + dst] = 1;
                }
            }
            k += len;
        }
    }
    free(stack);
    free(akeep);
    free(arc);

    /* Gather kept points per ring; a ring that would collapse keeps all
     * its points (a small island stays an island). */
    s->pts = xmalloc((m->npts ? m->npts : 1) * sizeof(*s->pts));
    s->rings = xcalloc(m->nrings ? m->nrings : 1, sizeof(*s->rings));
    for (size_t r = 0; r < m->nrings; r++) {
        const struct geo_ring *g = &m->rings[r];
        size_t kept = 0;
        for (size_t k = 0; k < g->n; k++) {
            kept += keep[g->first + k];
        }
        bool all = kept < 3;
        struct geo_shape_ring *sr = &s->rings[s->nrings++];
        *sr = (struct geo_shape_ring){s->npts, 0, g->feature, g->hole,
                                      g->group};
        for (size_t k = 0; k < g->n; k++) {
            if (all || keep[g->first + k]) {
                s->pts[s->npts++] = pp[g->first + k];
            }
        }
        sr->n = s->npts - sr->first;
    }
    free(keep);
    free(pp);

    /* Per feature: area, box, label anchor in its largest polygon. */
    s->anchor = xcalloc(m->nf ? m->nf : 1, sizeof(*s->anchor));
    s->anchor_r = xcalloc(m->nf ? m->nf : 1, sizeof(*s->anchor_r));
    s->area = xcalloc(m->nf ? m->nf : 1, sizeof(*s->area));
    s->bbox = xcalloc(m->nf ? m->nf : 1, sizeof(*s->bbox));
    for (size_t f = 0; f < m->nf; f++) {
        const struct geo_feature *ft = &m->f[f];
        struct geo_box b = {INFINITY, INFINITY, -INFINITY, -INFINITY};
        size_t best = SIZE_MAX;
        double best_a = -1;
        for (size_t r = ft->first_ring; r < ft->first_ring + ft->nrings;
             r++) {
            const struct geo_shape_ring *sr = &s->rings[r];
            if (sr->group != GEO_MAINLAND) {
                continue;
            }
            double a = ring_area(&s->pts[sr->first], sr->n);
            s->area[f] += sr->hole ? -a : a;
            for (size_t k = 0; k < sr->n; k++) {
                const struct geo_pt *p = &s->pts[sr->first + k];
                b.x0 = fmin(b.x0, p->x);
                b.y0 = fmin(b.y0, p->y);
                b.x1 = fmax(b.x1, p->x);
                b.y1 = fmax(b.y1, p->y);
            }
            if (!sr->hole && a > best_a) {
                best_a = a;
                best = r;
            }
        }
        s->bbox[f] = b;
        if (best == SIZE_MAX) {
            continue;
        }
        /* The largest polygon: its outer ring and its holes. */
        size_t nr = 1;
        while (best + nr < ft->first_ring + ft->nrings &&
               s->rings[best + nr].hole) {
            nr++;
        }
        s->anchor[f] = geo_shape_polylabel(s->pts, &s->rings[best], nr, 1.0,
                                           &s->anchor_r[f]);
    }
    return s;
}

void
geo_shape_free(struct geo_shape *s)
{
    if (!s) {
        return;
    }
    free(s->pts);
    free(s->rings);
    free(s->anchor);
    free(s->anchor_r);
    free(s->area);
    free(s->bbox);
    free(s);
}
