/* The PDF reader's table finder and text grouping (juesuan/readers/pdfium.py), in C.

Why: the numpy version is bound by numpy's cost per call on small arrays (about 1,300 calls
per document, issue 9). These loops do the same comparisons and the same float operations, in
the same order, as the numpy code (see pdf_tables.py); pdfium.py keeps the numpy code as the
fallback and the tests compare both. Scratch memory is allocated here (sizes known only as the
work goes); outputs go into the caller's numpy arrays. Plain C99, no Python API. */

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define SNAP_TOLERANCE 3.0
#define JOIN_TOLERANCE 3.0
#define EDGE_MIN_LENGTH_PREFILTER 1.0
#define EDGE_MIN_LENGTH 3.0
#define INTERSECTION_TOLERANCE 3.0
#define X_TOLERANCE 3.0

#define E_UNSUPPORTED -1
#define E_MEMORY -2
#define E_CAPACITY -3
#define E_NAN -4

/* --- a stable merge sort of indices, by a comparison ------------------------------------------ */

typedef int (*cmp_fn)(const void *ctx, int64_t a, int64_t b); /* <0: a before b; 0: tie */

static void msort(int64_t *idx, int64_t *tmp, int64_t n, cmp_fn cmp, const void *ctx) {
    const int64_t run = 16;
    for (int64_t s = 0; s < n; s += run) { /* insertion sort of short runs: stable */
        int64_t e = s + run < n ? s + run : n;
        for (int64_t i = s + 1; i < e; i++) {
            int64_t v = idx[i], j = i;
            while (j > s && cmp(ctx, v, idx[j - 1]) < 0) {
                idx[j] = idx[j - 1];
                j--;
            }
            idx[j] = v;
        }
    }
    int64_t *src = idx, *dst = tmp;
    for (int64_t width = run; width < n; width *= 2) {
        for (int64_t lo = 0; lo < n; lo += 2 * width) {
            int64_t mid = lo + width < n ? lo + width : n;
            int64_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            int64_t a = lo, b = mid, k = lo;
            while (a < mid && b < hi) dst[k++] = cmp(ctx, src[b], src[a]) < 0 ? src[b++] : src[a++];
            while (a < mid) dst[k++] = src[a++];
            while (b < hi) dst[k++] = src[b++];
        }
        int64_t *t = src;
        src = dst;
        dst = t;
    }
    if (src != idx) memcpy(idx, src, (size_t)n * sizeof(int64_t));
}

static int cmp_double(double a, double b) { return a < b ? -1 : (a > b ? 1 : 0); }

/* Keys (group, a, b): b may be NULL; doubles with a stride (columns of an (n, 5) array). */
typedef struct {
    const int64_t *group;
    const double *a;
    const double *b;
    int64_t stride;
} Keys;

static int cmp_keys(const void *ctx, int64_t i, int64_t j) {
    const Keys *k = (const Keys *)ctx;
    if (k->group && k->group[i] != k->group[j]) return k->group[i] < k->group[j] ? -1 : 1;
    int c = cmp_double(k->a[i * k->stride], k->a[j * k->stride]);
    if (c || !k->b) return c;
    return cmp_double(k->b[i * k->stride], k->b[j * k->stride]);
}

static void sort_keys(int64_t *idx, int64_t *tmp, int64_t n, const int64_t *group, const double *a,
                      const double *b, int64_t stride) {
    Keys k = {group, a, b, stride};
    for (int64_t i = 0; i < n; i++) idx[i] = i;
    msort(idx, tmp, n, cmp_keys, &k);
}

/* --- edges: pdfplumber's filter, snap, join, filter (pdfium.table_edges) ---------------------- */

/* The edges (n, 5) of one orientation (axis 0: vertical, 1: horizontal), ordered by page, into
   out (n, 5) and pout; their count, or E_UNSUPPORTED (an edge ending before it starts). */
static int64_t table_edges(const double *in, const int64_t *pin, int64_t n, int axis, double *out,
                           int64_t *pout) {
    int low = axis == 0 ? 1 : 0, high = axis == 0 ? 3 : 2;
    double *e = malloc((size_t)(n ? n : 1) * 5 * sizeof(double));
    int64_t *pe = malloc((size_t)(n ? n : 1) * sizeof(int64_t));
    int64_t *order = malloc((size_t)(n ? n : 1) * sizeof(int64_t));
    int64_t *tmp = malloc((size_t)(n ? n : 1) * sizeof(int64_t));
    int64_t *cluster = malloc((size_t)(n ? n : 1) * sizeof(int64_t));
    double *sums = malloc((size_t)(n ? n : 1) * sizeof(double));
    int64_t *counts = malloc((size_t)(n ? n : 1) * sizeof(int64_t));
    int64_t m = 0, result = 0;
    if (!e || !pe || !order || !tmp || !cluster || !sums || !counts) {
        result = E_MEMORY;
        goto done;
    }
    for (int64_t i = 0; i < n; i++) {
        if (in[i * 5 + 4] >= EDGE_MIN_LENGTH_PREFILTER) {
            memcpy(e + m * 5, in + i * 5, 5 * sizeof(double));
            pe[m++] = pin[i];
        }
    }
    if (!m) goto done;
    for (int64_t i = 0; i < m; i++) {
        if (e[i * 5 + high] < e[i * 5 + low]) {
            result = E_UNSUPPORTED;
            goto done;
        }
    }
    /* Snap: clusters of (page, value) in order, chained within the tolerance; each moved to
       its average (the sum in the edges' order, from 0.0, divided by the count). */
    sort_keys(order, tmp, m, pe, e + axis, NULL, 5);
    int64_t count = 0;
    for (int64_t k = 0; k < m; k++) {
        int64_t i = order[k];
        if (k) {
            int64_t j = order[k - 1];
            if (pe[i] != pe[j] || e[i * 5 + axis] > e[j * 5 + axis] + SNAP_TOLERANCE) count++;
        }
        cluster[i] = count;
    }
    count++;
    for (int64_t c = 0; c < count; c++) {
        sums[c] = 0.0;
        counts[c] = 0;
    }
    for (int64_t i = 0; i < m; i++) {
        sums[cluster[i]] += e[i * 5 + axis];
        counts[cluster[i]]++;
    }
    for (int64_t i = 0; i < m; i++) {
        double shift = sums[cluster[i]] / (double)counts[cluster[i]] - e[i * 5 + axis];
        e[i * 5 + axis] += shift;
        e[i * 5 + axis + 2] += shift;
    }
    /* Join: along each line (page, position), by start; an edge starting within the tolerance
       of the end reached so far joins the group. */
    {
        Keys k = {pe, e + axis, e + low, 5};
        for (int64_t i = 0; i < m; i++) order[i] = i;
        msort(order, tmp, m, cmp_keys, &k);
    }
    int64_t g = -1;
    double reached = 0.0, height = 0.0;
    for (int64_t t = 0; t <= m; t++) {
        int64_t i = t < m ? order[t] : -1, j = t ? order[t - 1] : -1;
        int line_new = t == 0 || t == m || pe[i] != pe[j] || e[i * 5 + axis] != e[j * 5 + axis];
        double before = reached;
        int new = line_new || e[i * 5 + low] > before + JOIN_TOLERANCE;
        if (new && g >= 0) { /* the group ends: its end and length */
            double *row = out + g * 5;
            int grown = reached > row[high];
            row[high] = reached;
            if (axis == 1) {
                if (grown) row[4] = row[high] - row[0];
            } else {
                row[4] = height;
            }
        }
        if (t == m) break;
        double end = e[i * 5 + high];
        if (new) {
            g++;
            memcpy(out + g * 5, e + i * 5, 5 * sizeof(double));
            pout[g] = pe[i];
            height = e[i * 5 + 4];
        } else if (end > before) {
            height += end - before;
        }
        if (line_new || end >= reached) reached = end;
    }
    /* Keep those long enough. */
    for (int64_t k = 0; k <= g; k++) {
        if (out[k * 5 + 4] >= EDGE_MIN_LENGTH) {
            if (k != result) {
                memmove(out + result * 5, out + k * 5, 5 * sizeof(double));
                pout[result] = pout[k];
            }
            result++;
        }
    }
done:
    free(e);
    free(pe);
    free(order);
    free(tmp);
    free(cluster);
    free(sums);
    free(counts);
    return result;
}

/* --- intersections, cells, tables ------------------------------------------------------------- */

typedef struct {
    const int64_t *a, *b;
} Pair;

static int cmp_pair(const void *ctx, int64_t i, int64_t j) {
    const Pair *p = (const Pair *)ctx;
    if (p->a[i] != p->a[j]) return p->a[i] < p->a[j] ? -1 : 1;
    if (p->b[i] != p->b[j]) return p->b[i] < p->b[j] ? -1 : 1;
    return 0;
}

typedef struct {
    int64_t n;          /* points */
    int64_t *page;      /* of each point */
    double *x, *y;
    int64_t *row;       /* rank of (page, y) */
    int64_t *pair_start; /* each point's pairs: pair_start[p] .. pair_start[p + 1] */
    int64_t *pair_v, *pair_h;
} Points;

/* Whether the points share an edge: vertical (which 0) or horizontal (1). */
static int share(const Points *p, int64_t a, int64_t b, int which) {
    const int64_t *ids = which ? p->pair_h : p->pair_v;
    for (int64_t i = p->pair_start[a]; i < p->pair_start[a + 1]; i++)
        for (int64_t j = p->pair_start[b]; j < p->pair_start[b + 1]; j++)
            if (ids[i] == ids[j]) return 1;
    return 0;
}

typedef struct {
    const double *top, *x0;
    const int64_t *page, *size;
} Components;

static int cmp_component(const void *ctx, int64_t i, int64_t j) {
    const Components *c = (const Components *)ctx;
    if (c->page[i] != c->page[j]) return c->page[i] < c->page[j] ? -1 : 1;
    int k = cmp_double(c->top[i], c->top[j]);
    return k ? k : cmp_double(c->x0[i], c->x0[j]);
}

static int64_t find(int64_t *parent, int64_t a) {
    while (parent[a] != a) {
        parent[a] = parent[parent[a]];
        a = parent[a];
    }
    return a;
}

/* pdfplumber's find_tables of every page from the edges of `table_edges`: the cells of its
   tables, by page, then table, as pdfium.tables gives them. Their count; E_CAPACITY (with the
   count needed in *needed) when more than `capacity`. */
static int64_t cells_and_tables(const double *v, const int64_t *pv, int64_t nv, const double *h,
                                const int64_t *ph, int64_t nh, int64_t capacity, int64_t *corners,
                                double *box, int64_t *cell_page, int64_t *cell_table,
                                int64_t *needed) {
    const double tol = INTERSECTION_TOLERANCE;
    int64_t result = 0;
    int64_t *cr = NULL, *rr = NULL, *pair_v = NULL, *pair_h = NULL, *order = NULL, *tmp = NULL;
    int64_t *a = NULL, *b = NULL;
    Points pts = {0};
    int64_t *x_rank = NULL, *across = NULL, *at = NULL, *row_count = NULL, *cells = NULL;
    int64_t *parent = NULL, *group_first = NULL, *next = NULL;
    int64_t *comp_size = NULL, *comp_page = NULL, *comp_order = NULL;
    double *comp_top = NULL, *comp_x0 = NULL;
    *needed = 0;
    if (!nv || !nh) return 0;
    cr = malloc((size_t)nv * sizeof(int64_t));
    rr = malloc((size_t)nh * sizeof(int64_t));
    if (!cr || !rr) goto nomem;
    for (int64_t i = 0; i < nv; i++)
        cr[i] = i ? cr[i - 1] + (pv[i] != pv[i - 1] || v[i * 5] != v[(i - 1) * 5]) : 0;
    for (int64_t j = 0; j < nh; j++)
        rr[j] = j ? rr[j - 1] + (ph[j] != ph[j - 1] || h[j * 5 + 1] != h[(j - 1) * 5 + 1]) : 0;
    /* Every (vertical, horizontal) pair of a page that meets, in that order. */
    int64_t pairs = 0, cap = 1024;
    pair_v = malloc((size_t)cap * sizeof(int64_t));
    pair_h = malloc((size_t)cap * sizeof(int64_t));
    if (!pair_v || !pair_h) goto nomem;
    int64_t first = 0;
    for (int64_t i = 0; i < nv; i++) {
        while (first < nh && ph[first] < pv[i]) first++;
        double vx = v[i * 5], vtop = v[i * 5 + 1], vbottom = v[i * 5 + 3];
        for (int64_t j = first; j < nh && ph[j] == pv[i]; j++) {
            double hy = h[j * 5 + 1], hx0 = h[j * 5], hx1 = h[j * 5 + 2];
            if (hy >= vtop - tol && hy - tol <= vbottom && hx0 - tol <= vx && vx <= hx1 + tol) {
                if (pairs == cap) {
                    cap *= 2;
                    int64_t *nv_ = realloc(pair_v, (size_t)cap * sizeof(int64_t));
                    if (!nv_) goto nomem;
                    pair_v = nv_;
                    int64_t *nh_ = realloc(pair_h, (size_t)cap * sizeof(int64_t));
                    if (!nh_) goto nomem;
                    pair_h = nh_;
                }
                pair_v[pairs] = i;
                pair_h[pairs++] = j;
            }
        }
    }
    if (!pairs) goto done;
    /* Points: the pairs by (column, row), stably. */
    order = malloc((size_t)pairs * sizeof(int64_t));
    tmp = malloc((size_t)pairs * sizeof(int64_t));
    a = malloc((size_t)pairs * sizeof(int64_t));
    b = malloc((size_t)pairs * sizeof(int64_t));
    if (!order || !tmp || !a || !b) goto nomem;
    for (int64_t k = 0; k < pairs; k++) {
        a[k] = cr[pair_v[k]];
        b[k] = rr[pair_h[k]];
        order[k] = k;
    }
    {
        Pair p = {a, b};
        msort(order, tmp, pairs, cmp_pair, &p);
    }
    int64_t n = 0;
    for (int64_t k = 0; k < pairs; k++)
        n += !k || a[order[k]] != a[order[k - 1]] || b[order[k]] != b[order[k - 1]];
    pts.n = n;
    pts.page = malloc((size_t)n * sizeof(int64_t));
    pts.x = malloc((size_t)n * sizeof(double));
    pts.y = malloc((size_t)n * sizeof(double));
    pts.row = malloc((size_t)n * sizeof(int64_t));
    pts.pair_start = malloc((size_t)(n + 1) * sizeof(int64_t));
    pts.pair_v = malloc((size_t)pairs * sizeof(int64_t));
    pts.pair_h = malloc((size_t)pairs * sizeof(int64_t));
    if (!pts.page || !pts.x || !pts.y || !pts.row || !pts.pair_start || !pts.pair_v || !pts.pair_h)
        goto nomem;
    int64_t p = -1;
    for (int64_t k = 0; k < pairs; k++) {
        int64_t q = order[k];
        if (!k || a[q] != a[order[k - 1]] || b[q] != b[order[k - 1]]) {
            p++;
            pts.page[p] = pv[pair_v[q]];
            pts.x[p] = v[pair_v[q] * 5];
            pts.y[p] = h[pair_h[q] * 5 + 1];
            pts.row[p] = b[q];
            pts.pair_start[p] = k;
        }
        pts.pair_v[k] = pair_v[q];
        pts.pair_h[k] = pair_h[q];
    }
    pts.pair_start[n] = pairs;
    if (n < 2) goto done;
    /* Columns (x ranks), rows across (by row, then x: a counting sort), the next point down and
       across of each. */
    x_rank = malloc((size_t)n * sizeof(int64_t));
    across = malloc((size_t)n * sizeof(int64_t));
    at = malloc((size_t)n * sizeof(int64_t));
    int64_t rows = 0;
    for (int64_t i = 0; i < n; i++) rows = pts.row[i] + 1 > rows ? pts.row[i] + 1 : rows;
    row_count = calloc((size_t)rows + 1, sizeof(int64_t));
    cells = malloc((size_t)n * 4 * sizeof(int64_t));
    if (!x_rank || !across || !at || !row_count || !cells) goto nomem;
    for (int64_t i = 0; i < n; i++)
        x_rank[i] = i ? x_rank[i - 1] + (pts.x[i] != pts.x[i - 1] || pts.page[i] != pts.page[i - 1]) : 0;
    for (int64_t i = 0; i < n; i++) row_count[pts.row[i] + 1]++;
    for (int64_t r = 0; r < rows; r++) row_count[r + 1] += row_count[r];
    for (int64_t i = 0; i < n; i++) {
        at[i] = row_count[pts.row[i]]++;
        across[at[i]] = i;
    }
    /* pdfplumber's find_smallest_cell at each point, on the sets of edges of the points. */
    int64_t found = 0;
    for (int64_t i = 0; i < n; i++) {
        int has_below = i + 1 < n && x_rank[i + 1] == x_rank[i];
        int has_right = at[i] + 1 < n && pts.row[across[at[i] + 1]] == pts.row[i];
        if (!has_below || !has_right) continue;
        int64_t closed = -1, right = -1, below = -1;
        for (int64_t bl = i + 1; bl < n && x_rank[bl] == x_rank[i] && closed < 0; bl++) {
            if (!share(&pts, i, bl, 0)) continue;
            for (int64_t k = at[i] + 1; k < n && pts.row[across[k]] == pts.row[i]; k++) {
                int64_t r = across[k];
                if (!share(&pts, i, r, 1)) continue;
                /* the point at (r's column, bl's row), by bisection on (x rank, row) */
                int64_t lo = 0, hi = n, want_x = x_rank[r], want_y = pts.row[bl];
                while (lo < hi) {
                    int64_t mid = lo + (hi - lo) / 2;
                    if (x_rank[mid] < want_x || (x_rank[mid] == want_x && pts.row[mid] < want_y))
                        lo = mid + 1;
                    else
                        hi = mid;
                }
                if (lo < n && x_rank[lo] == want_x && pts.row[lo] == want_y &&
                    share(&pts, lo, r, 0) && share(&pts, lo, bl, 1)) {
                    closed = lo;
                    right = r;
                    below = bl;
                    break;
                }
            }
        }
        if (closed >= 0) {
            cells[found * 4] = i;
            cells[found * 4 + 1] = right;
            cells[found * 4 + 2] = below;
            cells[found * 4 + 3] = closed;
            found++;
        }
    }
    if (!found) goto done;
    /* Tables: cells joined by shared corners; each component named by its lowest point. */
    parent = malloc((size_t)n * sizeof(int64_t));
    group_first = malloc((size_t)n * sizeof(int64_t));
    next = malloc((size_t)found * sizeof(int64_t));
    if (!parent || !group_first || !next) goto nomem;
    for (int64_t i = 0; i < n; i++) {
        parent[i] = i;
        group_first[i] = -1;
    }
    for (int64_t c = 0; c < found; c++) {
        for (int k = 1; k < 4; k++) {
            int64_t ra = find(parent, cells[c * 4]), rb = find(parent, cells[c * 4 + k]);
            if (ra < rb) parent[rb] = ra;
            else if (rb < ra) parent[ra] = rb;
        }
    }
    /* Components in order of their lowest point, cells in order within each (linked lists). */
    int64_t comps = 0;
    for (int64_t c = found - 1; c >= 0; c--) {
        int64_t g = find(parent, cells[c * 4]);
        next[c] = group_first[g];
        group_first[g] = c;
    }
    for (int64_t g = 0; g < n; g++) comps += group_first[g] >= 0;
    comp_size = malloc((size_t)comps * sizeof(int64_t));
    comp_page = malloc((size_t)comps * sizeof(int64_t));
    comp_order = malloc((size_t)comps * sizeof(int64_t));
    comp_top = malloc((size_t)comps * sizeof(double));
    comp_x0 = malloc((size_t)comps * sizeof(double));
    int64_t *comp_first = malloc((size_t)comps * sizeof(int64_t));
    int64_t *comp_tmp = malloc((size_t)comps * sizeof(int64_t));
    if (!comp_size || !comp_page || !comp_order || !comp_top || !comp_x0 || !comp_first ||
        !comp_tmp) {
        free(comp_first);
        free(comp_tmp);
        goto nomem;
    }
    int64_t kept = 0, total = 0;
    for (int64_t g = 0; g < n; g++) {
        if (group_first[g] < 0) continue;
        int64_t size = 0;
        double top = INFINITY, x0 = INFINITY;
        for (int64_t k = group_first[g]; k >= 0; k = next[k]) {
            size++;
            double t = pts.y[cells[k * 4]];
            if (t < top) top = t;
        }
        for (int64_t k = group_first[g]; k >= 0; k = next[k]) {
            int64_t tl = cells[k * 4];
            if (pts.y[tl] == top && pts.x[tl] < x0) x0 = pts.x[tl];
        }
        if (size > 1) {
            comp_size[kept] = size;
            comp_page[kept] = pts.page[cells[group_first[g] * 4]];
            comp_top[kept] = top;
            comp_x0[kept] = x0;
            comp_first[kept] = group_first[g];
            comp_order[kept] = kept;
            kept++;
            total += size;
        }
    }
    {
        Components k = {comp_top, comp_x0, comp_page, comp_size};
        msort(comp_order, comp_tmp, kept, cmp_component, &k);
    }
    if (total > capacity) {
        *needed = total;
        result = E_CAPACITY;
    } else {
        int64_t out = 0;
        for (int64_t t = 0; t < kept; t++) {
            for (int64_t k = comp_first[comp_order[t]]; k >= 0; k = next[k]) {
                int64_t tl = cells[k * 4], tr = cells[k * 4 + 1], bl = cells[k * 4 + 2];
                for (int q = 0; q < 4; q++) corners[q * capacity + out] = cells[k * 4 + q];
                box[out] = pts.x[tl];
                box[capacity + out] = pts.y[tl];
                box[2 * capacity + out] = pts.x[tr];
                box[3 * capacity + out] = pts.y[bl];
                cell_page[out] = pts.page[tl];
                cell_table[out] = t;
                out++;
            }
        }
        result = out;
    }
    free(comp_first);
    free(comp_tmp);
    goto done;
nomem:
    result = E_MEMORY;
done:
    free(cr);
    free(rr);
    free(pair_v);
    free(pair_h);
    free(order);
    free(tmp);
    free(a);
    free(b);
    free(pts.page);
    free(pts.x);
    free(pts.y);
    free(pts.row);
    free(pts.pair_start);
    free(pts.pair_v);
    free(pts.pair_h);
    free(x_rank);
    free(across);
    free(at);
    free(row_count);
    free(cells);
    free(parent);
    free(group_first);
    free(next);
    free(comp_size);
    free(comp_page);
    free(comp_order);
    free(comp_top);
    free(comp_x0);
    return result;
}

/* pdfium.find_tables from the edges of `_edge_array` (vertical, horizontal; ordered by page):
   the cells of every table (corners: 4 columns of `capacity`; box: x0, top, x1, bottom, 4
   columns of `capacity`), their pages and tables. Their count; E_UNSUPPORTED, E_MEMORY, or
   E_CAPACITY with the count needed in *needed. */
int64_t pt_find_tables(const double *v_in, const int64_t *pv_in, int64_t nv_in, const double *h_in,
                       const int64_t *ph_in, int64_t nh_in, int64_t capacity, int64_t *corners,
                       double *box, int64_t *cell_page, int64_t *cell_table, int64_t *needed) {
    double *v = malloc((size_t)(nv_in ? nv_in : 1) * 5 * sizeof(double));
    double *h = malloc((size_t)(nh_in ? nh_in : 1) * 5 * sizeof(double));
    int64_t *pv = malloc((size_t)(nv_in ? nv_in : 1) * sizeof(int64_t));
    int64_t *ph = malloc((size_t)(nh_in ? nh_in : 1) * sizeof(int64_t));
    int64_t result = E_MEMORY;
    *needed = 0;
    if (v && h && pv && ph) {
        int64_t nv = table_edges(v_in, pv_in, nv_in, 0, v, pv);
        int64_t nh = nv < 0 ? nv : table_edges(h_in, ph_in, nh_in, 1, h, ph);
        result = nv < 0 ? nv : nh < 0 ? nh
                 : cells_and_tables(v, pv, nv, h, ph, nh, capacity, corners, box, cell_page,
                                    cell_table, needed);
    }
    free(v);
    free(h);
    free(pv);
    free(ph);
    return result;
}
