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

/* A stable merge sort of indices by a comparison (<0: a before b; 0: a tie), made for each
   comparison so that it is inlined. Natural runs (values often come nearly sorted) are found
   first, short ones lengthened by insertion, then merged pairwise: input in order costs one
   comparison per value. `tmp`: room for n indices. */
#define SORT_RUN 16
#define DEFINE_SORT(name, cmp)                                                                   \
    static void name(int64_t *idx, int64_t *tmp, int64_t n, const void *ctx) {                \
        if (n < 2) return;                                                                       \
        int64_t stack[64], *bounds = n / SORT_RUN + 2 <= 64 ? stack                              \
                                      : malloc((size_t)(n / SORT_RUN + 2) * sizeof(int64_t));    \
        int64_t r = 0, s = 0;                                                                    \
        while (s < n) {                                                                          \
            int64_t e = s + 1;                                                                   \
            while (e < n && cmp(ctx, idx[e], idx[e - 1]) >= 0) e++;                              \
            if (e - s < SORT_RUN && e < n) {                                                     \
                int64_t end = s + SORT_RUN < n ? s + SORT_RUN : n;                               \
                for (int64_t i = e; i < end; i++) {                                              \
                    int64_t v = idx[i], j = i;                                                   \
                    while (j > s && cmp(ctx, v, idx[j - 1]) < 0) {                               \
                        idx[j] = idx[j - 1];                                                     \
                        j--;                                                                     \
                    }                                                                            \
                    idx[j] = v;                                                                  \
                }                                                                                \
                e = end;                                                                         \
            }                                                                                    \
            if (bounds) bounds[r] = s;                                                           \
            r++;                                                                                 \
            s = e;                                                                               \
        }                                                                                        \
        if (!bounds) { /* no memory for the runs: one by one, by insertion */                    \
            for (int64_t i = 1; i < n; i++) {                                                    \
                int64_t v = idx[i], j = i;                                                       \
                while (j > 0 && cmp(ctx, v, idx[j - 1]) < 0) {                                   \
                    idx[j] = idx[j - 1];                                                         \
                    j--;                                                                         \
                }                                                                                \
                idx[j] = v;                                                                      \
            }                                                                                    \
            return;                                                                              \
        }                                                                                        \
        bounds[r] = n;                                                                           \
        int64_t *src = idx, *dst = tmp;                                                          \
        while (r > 1) {                                                                          \
            int64_t runs = 0, k = 0;                                                             \
            for (; k + 1 < r; k += 2) {                                                          \
                int64_t lo = bounds[k], mid = bounds[k + 1], hi = bounds[k + 2];                 \
                int64_t a = lo, b = mid, at = lo;                                                \
                while (a < mid && b < hi)                                                        \
                    dst[at++] = cmp(ctx, src[b], src[a]) < 0 ? src[b++] : src[a++];              \
                while (a < mid) dst[at++] = src[a++];                                            \
                while (b < hi) dst[at++] = src[b++];                                             \
                bounds[runs++] = lo;                                                             \
            }                                                                                    \
            if (k < r) {                                                                         \
                memcpy(dst + bounds[k], src + bounds[k], (size_t)(n - bounds[k]) * sizeof(int64_t)); \
                bounds[runs++] = bounds[k];                                                      \
            }                                                                                    \
            bounds[runs] = n;                                                                    \
            r = runs;                                                                            \
            int64_t *t = src;                                                                    \
            src = dst;                                                                           \
            dst = t;                                                                             \
        }                                                                                        \
        if (src != idx) memcpy(idx, src, (size_t)n * sizeof(int64_t));                           \
        if (bounds != stack) free(bounds);                                                       \
    }

static inline int cmp_double(double a, double b) { return a < b ? -1 : (a > b ? 1 : 0); }

/* Keys (group, a, b): b may be NULL; doubles with a stride (columns of an (n, 5) array). */
typedef struct {
    const int64_t *group;
    const double *a;
    const double *b;
    int64_t stride;
} Keys;

static inline int cmp_keys(const void *ctx, int64_t i, int64_t j) {
    const Keys *k = (const Keys *)ctx;
    if (k->group && k->group[i] != k->group[j]) return k->group[i] < k->group[j] ? -1 : 1;
    int c = cmp_double(k->a[i * k->stride], k->a[j * k->stride]);
    if (c || !k->b) return c;
    return cmp_double(k->b[i * k->stride], k->b[j * k->stride]);
}

DEFINE_SORT(sort_by_keys, cmp_keys)

/* Keys (group, value), the values contiguous: the sorts of chars and cells. */
typedef struct {
    const int64_t *group;
    const double *value;
} GroupValue;

static inline int cmp_group_value(const void *ctx, int64_t i, int64_t j) {
    const GroupValue *k = (const GroupValue *)ctx;
    if (k->group[i] != k->group[j]) return k->group[i] < k->group[j] ? -1 : 1;
    return cmp_double(k->value[i], k->value[j]);
}

DEFINE_SORT(sort_by_group_value, cmp_group_value)

/* The order of the items by (group, value), stably. */
static void sort_group_value(int64_t *idx, int64_t *tmp, int64_t n, const int64_t *group,
                             const double *value) {
    GroupValue k = {group, value};
    for (int64_t i = 0; i < n; i++) idx[i] = i;
    sort_by_group_value(idx, tmp, n, &k);
}

static void sort_keys(int64_t *idx, int64_t *tmp, int64_t n, const int64_t *group, const double *a,
                      const double *b, int64_t stride) {
    Keys k = {group, a, b, stride};
    for (int64_t i = 0; i < n; i++) idx[i] = i;
    sort_by_keys(idx, tmp, n, &k);
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
        sort_by_keys(order, tmp, m, &k);
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

static inline int cmp_pair(const void *ctx, int64_t i, int64_t j) {
    const Pair *p = (const Pair *)ctx;
    if (p->a[i] != p->a[j]) return p->a[i] < p->a[j] ? -1 : 1;
    if (p->b[i] != p->b[j]) return p->b[i] < p->b[j] ? -1 : 1;
    return 0;
}

DEFINE_SORT(sort_by_pair, cmp_pair)

typedef struct {
    int64_t n;          /* points */
    int64_t *page;      /* of each point */
    double *x, *y;
    int64_t *row;       /* rank of (page, y) */
    int64_t *pair_start; /* each point's pairs: pair_start[p] .. pair_start[p + 1] */
    int64_t *pair_v, *pair_h;
} Points;

/* Whether the points share an edge: vertical (which 0) or horizontal (1). */
static inline int share(const Points *p, int64_t a, int64_t b, int which) {
    const int64_t *ids = which ? p->pair_h : p->pair_v;
    if (p->pair_start[a + 1] - p->pair_start[a] == 1 && p->pair_start[b + 1] - p->pair_start[b] == 1)
        return ids[p->pair_start[a]] == ids[p->pair_start[b]];
    for (int64_t i = p->pair_start[a]; i < p->pair_start[a + 1]; i++)
        for (int64_t j = p->pair_start[b]; j < p->pair_start[b + 1]; j++)
            if (ids[i] == ids[j]) return 1;
    return 0;
}

typedef struct {
    const double *top, *x0;
    const int64_t *page, *size;
} Components;

static inline int cmp_component(const void *ctx, int64_t i, int64_t j) {
    const Components *c = (const Components *)ctx;
    if (c->page[i] != c->page[j]) return c->page[i] < c->page[j] ? -1 : 1;
    int k = cmp_double(c->top[i], c->top[j]);
    return k ? k : cmp_double(c->x0[i], c->x0[j]);
}

DEFINE_SORT(sort_components, cmp_component)

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
        sort_by_pair(order, tmp, pairs, &p);
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
                /* the point at (r's column, bl's row): most often the next across from bl,
                   else by bisection on (x rank, row) */
                int64_t lo = 0, hi = n, want_x = x_rank[r], want_y = pts.row[bl];
                int64_t next = at[bl] + 1 < n ? across[at[bl] + 1] : -1;
                if (next >= 0 && pts.row[next] == want_y && x_rank[next] == want_x) lo = hi = next;
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
        sort_components(comp_order, comp_tmp, kept, &k);
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

/* --- text: pdfplumber's words, cell texts, text lines (pdfium.document_rows) ------------------ */

#define MAX_GRID 1000000 /* pdfium._MAX_GRID */

/* A growing buffer of code points: its length counts what would not fit, for a second try. */
typedef struct {
    uint32_t *codes;
    int64_t capacity, length;
} Text;

static void put(Text *t, uint32_t code) {
    if (t->length < t->capacity) t->codes[t->length] = code;
    t->length++;
}

/* Numbers of clusters (pdfium._cluster_numbers): the items by (group, value), stably; a new
   cluster at each group, or a value beyond the previous one plus its own tolerance. */
static int cluster_numbers(int64_t n, const int64_t *group, const double *value, const double *tol,
                           int64_t *number) {
    int64_t *order = malloc((size_t)(n ? n : 1) * sizeof(int64_t));
    int64_t *tmp = malloc((size_t)(n ? n : 1) * sizeof(int64_t));
    if (!order || !tmp) {
        free(order);
        free(tmp);
        return E_MEMORY;
    }
    sort_group_value(order, tmp, n, group, value);
    int64_t c = 0;
    for (int64_t k = 0; k < n; k++) {
        int64_t i = order[k];
        if (k) {
            int64_t j = order[k - 1];
            c += value[i] > value[j] + tol[i] || group[i] != group[j];
        }
        number[i] = c;
    }
    free(order);
    free(tmp);
    return 0;
}

/* pdfium._words: of n items (char[i] of group[i], in page order within each group; tolerance
   tol[i]), the non-blank ones in the words' order (`out`: places among the items) and whether
   each starts a word. Their count, or E_MEMORY. */
static int64_t words(int64_t n, const int64_t *chr, const int64_t *group, const double *tol,
                     const double *x0, const double *x1, const double *top, const uint8_t *blank,
                     int64_t *out, uint8_t *new) {
    int64_t *cluster = malloc((size_t)(n ? n : 1) * sizeof(int64_t));
    int64_t *order = malloc((size_t)(n ? n : 1) * sizeof(int64_t));
    int64_t *tmp = malloc((size_t)(n ? n : 1) * sizeof(int64_t));
    double *key = malloc((size_t)(n ? n : 1) * sizeof(double));
    int64_t count = E_MEMORY;
    if (n == 0) {
        count = 0;
        goto done;
    }
    if (!cluster || !order || !tmp || !key) goto done;
    for (int64_t i = 0; i < n; i++) key[i] = top[chr[i]];
    if (cluster_numbers(n, group, key, tol, cluster)) goto done;
    for (int64_t i = 0; i < n; i++) key[i] = x0[chr[i]];
    sort_group_value(order, tmp, n, cluster, key);
    count = 0;
    int64_t last = -1; /* the place in `order` of the previous non-blank */
    for (int64_t k = 0; k < n; k++) {
        int64_t i = order[k];
        if (blank[chr[i]]) continue;
        if (last < 0) {
            new[count] = 1;
        } else {
            int64_t j = order[last];
            new[count] = cluster[i] != cluster[j] || k - last > 1 ||
                         x0[chr[i]] > x1[chr[j]] + X_TOLERANCE ||
                         fabs(top[chr[i]] - top[chr[j]]) > tol[i];
        }
        out[count++] = i;
        last = k;
    }
done:
    free(cluster);
    free(order);
    free(tmp);
    free(key);
    return count;
}

/* pdfplumber's words of n chars (wchar: the char; wgroup: its cell or page; wtol: its
   tolerance), in wout/wnew as `words` gives them; then the words: each one's first place in wout
   (wstart, wstart[nw] the end), top (the lowest of its chars), group and tolerance, and its line
   (wline, by cluster_numbers). The number of words, or -1 (no memory). */
static int64_t word_lines(int64_t n, const int64_t *wchar, const int64_t *wgroup,
                          const double *wtol, const double *x0, const double *x1,
                          const double *top, const uint8_t *blank, int64_t *wout, uint8_t *wnew,
                          int64_t *wstart, double *wtop, int64_t *wpage, double *wordtol,
                          int64_t *wline) {
    int64_t count = words(n, wchar, wgroup, wtol, x0, x1, top, blank, wout, wnew);
    if (count < 0) return -1;
    int64_t nw = 0;
    for (int64_t k = 0; k < count; k++) {
        int64_t item = wout[k];
        double t = top[wchar[item]];
        if (wnew[k]) {
            wstart[nw] = k;
            wtop[nw] = t;
            wpage[nw] = wgroup[item];
            wordtol[nw] = wtol[item];
            nw++;
        } else if (t < wtop[nw - 1]) {
            wtop[nw - 1] = t;
        }
    }
    wstart[nw] = count;
    if (cluster_numbers(nw, wpage, wtop, wordtol, wline)) return -1;
    return nw;
}

/* Distinct (group, value) keys in order (pdfium._distinct of `_keys`): each item's place among
   them, each group's first place and count. */
static int distinct_lines(int64_t n, const int64_t *group, const double *value, int64_t groups,
                          int64_t *place, int64_t *first, int64_t *count, double *lines) {
    int64_t *order = malloc((size_t)(n ? n : 1) * sizeof(int64_t));
    int64_t *tmp = malloc((size_t)(n ? n : 1) * sizeof(int64_t));
    if (!order || !tmp) {
        free(order);
        free(tmp);
        return E_MEMORY;
    }
    sort_group_value(order, tmp, n, group, value);
    for (int64_t g = 0; g < groups; g++) count[g] = 0;
    int64_t d = -1;
    for (int64_t k = 0; k < n; k++) {
        int64_t i = order[k], j = k ? order[k - 1] : -1;
        if (!k || group[i] != group[j] || value[i] != value[j]) {
            d++;
            lines[d] = value[i];
            if (!count[group[i]]) first[group[i]] = d;
            count[group[i]]++;
        }
        place[i] = d;
    }
    /* A group without lines starts where the next one would (searchsorted). */
    int64_t next = d + 1;
    for (int64_t g = groups - 1; g >= 0; g--) {
        if (count[g]) next = first[g];
        else first[g] = next;
    }
    free(order);
    free(tmp);
    return 0;
}

/* Places in the sorted lines[first .. first + count) before `value` (side 0: those below it;
   side 1: those not above it). */
static int64_t search(const double *lines, int64_t first, int64_t count, double value, int side) {
    const double *at = lines + first;
    int64_t length = count;
    if (!length) return first;
    if (side) {
        while (length > 1) {
            int64_t half = length / 2;
            at = at[half - 1] <= value ? at + half : at;
            length -= half;
        }
        return (at - lines) + (*at <= value);
    }
    while (length > 1) {
        int64_t half = length / 2;
        at = at[half - 1] < value ? at + half : at;
        length -= half;
    }
    return (at - lines) + (*at < value);
}

/* search(.., side 1) where the answer is often the previous one (`hint`: chars of a line, of a
   cell, follow each other). */
static inline int64_t search_near(const double *lines, int64_t first, int64_t count, double value,
                                  int64_t *hint) {
    int64_t h = *hint;
    if (h >= first && h <= first + count && (h == first || lines[h - 1] <= value) &&
        (h == first + count || lines[h] > value))
        return h;
    return *hint = search(lines, first, count, value, 1);
}

/* The document's rows before their order (pdfium.document_rows), from the chars of `pages`
   pages (x0 x1 top bottom size, code points; their pages) and the cells (x0 top x1 bottom, page,
   table), both ordered by page: the texts of the slots of the table rows that have text, then
   of the text lines outside tables, cut by '\n' (in `out`); each such row's page, top and
   width (its slots); each line's page and top. sizes: out's length, rows, lines, whether a code
   in ligature_low..ligature_high is in out. E_CAPACITY where `out` is too short (sizes[0]:
   the length needed), E_NAN where a value is NaN (the numpy code reads those). */
int64_t pt_rows(int64_t n, const double *x0, const double *x1, const double *top,
                const double *bottom, const double *size, const uint32_t *codes,
                const uint8_t *spaces, int64_t space_count, const int64_t *char_page, int64_t pages,
                int64_t m, const double *cx0, const double *ctop, const double *cx1,
                const double *cbottom, const int64_t *cell_page, const int64_t *cell_table,
                uint32_t *out_codes, int64_t capacity, int64_t *out_row_page, double *out_row_top,
                int64_t *out_row_width, int64_t *line_page, double *line_top, int64_t ligature_low,
                int64_t ligature_high, int64_t *sizes) {
    int64_t result = 0;
    int nan = 0; /* NaN anywhere: left to the numpy code */
    const double *cols[] = {x0, x1, top, bottom, size};
    for (int c = 0; c < 5; c++)
        for (int64_t i = 0; i < n; i++) nan |= cols[c][i] != cols[c][i];
    const double *ccols[] = {cx0, ctop, cx1, cbottom};
    for (int c = 0; c < 4; c++)
        for (int64_t i = 0; i < m; i++) nan |= ccols[c][i] != ccols[c][i];
    if (nan) return E_NAN;
    for (int k = 0; k < 4; k++) sizes[k] = 0;
    Text out = {out_codes, capacity, 0}, cell_text = {NULL, 0, 0};
    int64_t M = m ? m : 1, N = n ? n : 1, P = pages ? pages : 1;
    /* Blanks, as str.isspace (pdfplumber's words leave them out). */
    uint8_t *blank = malloc((size_t)N);
    int64_t *span = malloc((size_t)(M + 1) * 2 * sizeof(int64_t)); /* each cell's text */
    int64_t *row_page = malloc((size_t)M * sizeof(int64_t)), *row_start = NULL, *row_width = NULL;
    double *row_top = malloc((size_t)M * sizeof(double));
    uint8_t *row_kept = malloc((size_t)M);
    row_start = malloc((size_t)M * sizeof(int64_t));
    row_width = malloc((size_t)M * sizeof(int64_t));
    if (!blank || !span || !row_page || !row_top || !row_kept || !row_start || !row_width)
        goto nomem;
    for (int64_t i = 0; i < n; i++)
        blank[i] = codes[i] < (uint64_t)space_count && spaces[codes[i]];
    /* scratch */
    int64_t *tnum = malloc((size_t)M * sizeof(int64_t));
    int64_t *r0 = malloc((size_t)M * sizeof(int64_t)), *c0 = malloc((size_t)M * sizeof(int64_t));
    int64_t *row_first = malloc((size_t)P * sizeof(int64_t));
    int64_t *row_count = malloc((size_t)P * sizeof(int64_t));
    int64_t *col_first = malloc((size_t)P * sizeof(int64_t));
    int64_t *col_count = malloc((size_t)P * sizeof(int64_t));
    double *rows = malloc((size_t)M * sizeof(double)), *columns = malloc((size_t)M * sizeof(double));
    uint8_t *tested = calloc((size_t)P, 1);
    int64_t *base = malloc((size_t)P * sizeof(int64_t));
    int64_t *cells_first = malloc((size_t)(P + 1) * sizeof(int64_t));
    int64_t *chars_first = malloc((size_t)(P + 1) * sizeof(int64_t));
    int64_t *grid = NULL, *pair_char = NULL, *pair_cell = NULL, *by_cell = NULL, *cell_first = NULL;
    int64_t *wout = NULL, *wchar = NULL, *wgroup = NULL, *wstart = NULL, *wline = NULL;
    uint8_t *wnew = NULL, *has_text = NULL;
    double *wtol = NULL, *wtop = NULL, *wordtol = NULL, *tol_page = NULL, *sorted = NULL;
    int64_t *wpage = NULL, *row_of = NULL, *col_of = NULL, *order = NULL, *tmp = NULL;
    int64_t *winner = NULL, *slot = NULL, *outside = NULL;
    double *box = NULL;
    int64_t *box_page = NULL;
    if (!tnum || !r0 || !c0 || !row_first || !row_count || !col_first || !col_count || !rows ||
        !columns || !tested || !base || !cells_first || !chars_first)
        goto nomem;
    /* Each page's chars and cells (both ordered by page). */
    for (int64_t p = 0, i = 0, k = 0; p <= pages; p++) {
        while (i < n && char_page[i] < p) i++;
        while (k < m && cell_page[k] < p) k++;
        chars_first[p] = i;
        cells_first[p] = k;
    }
    int64_t pairs = 0, tables = 0;
    if (m) {
        for (int64_t k = 0; k < m; k++)
            tnum[k] = k ? tnum[k - 1] + (cell_table[k] != cell_table[k - 1] ||
                                         cell_page[k] != cell_page[k - 1])
                        : 0;
        tables = tnum[m - 1] + 1;
        if (distinct_lines(m, cell_page, ctop, pages, r0, row_first, row_count, rows) ||
            distinct_lines(m, cell_page, cx0, pages, c0, col_first, col_count, columns))
            goto nomem;
        /* Each page's grid (rows x columns), each cell at the places it spans. */
        int64_t total = 0;
        for (int64_t p = 0; p < pages; p++) {
            int64_t s = row_count[p] * col_count[p];
            tested[p] = s > MAX_GRID;
            base[p] = total;
            total += tested[p] ? 0 : s;
        }
        grid = malloc((size_t)(total ? total : 1) * sizeof(int64_t));
        if (!grid) goto nomem;
        for (int64_t g = 0; g < total; g++) grid[g] = -1;
        for (int64_t k = 0; k < m; k++) {
            int64_t p = cell_page[k];
            if (tested[p]) continue;
            int64_t r1 = search(rows, row_first[p], row_count[p], cbottom[k], 0);
            int64_t c1 = search(columns, col_first[p], col_count[p], cx1[k], 0);
            for (int64_t r = r0[k]; r < r1; r++) {
                for (int64_t c = c0[k]; c < c1; c++) {
                    int64_t at = base[p] + (r - row_first[p]) * col_count[p] + (c - col_first[p]);
                    if (grid[at] >= 0) tested[p] = 1; /* cells overlap: every cell tested */
                    grid[at] = k;
                }
            }
        }
        /* (char, cell) pairs, in char order: a char's cell by its centre. */
        int64_t cap = n + 16;
        pair_char = malloc((size_t)cap * sizeof(int64_t));
        pair_cell = malloc((size_t)cap * sizeof(int64_t));
        if (!pair_char || !pair_cell) goto nomem;
        int64_t row_hint = -1, column_hint = -1;
        for (int64_t i = 0; i < n; i++) {
            int64_t p = char_page[i];
            if (p < 0 || p >= pages || cells_first[p + 1] == cells_first[p]) continue;
            double hc = (x0[i] + x1[i]) / 2, vc = (top[i] + bottom[i]) / 2;
            int64_t a = cells_first[p], z = cells_first[p + 1];
            if (!tested[p]) {
                int64_t r = search_near(rows, row_first[p], row_count[p], vc, &row_hint);
                int64_t c = search_near(columns, col_first[p], col_count[p], hc, &column_hint);
                r -= 1 + row_first[p];
                c -= 1 + col_first[p];
                if (r < 0 || c < 0) continue;
                int64_t k = grid[base[p] + r * col_count[p] + c];
                if (k >= 0 && hc < cx1[k] && vc < cbottom[k]) a = k, z = k + 1;
                else continue;
            }
            for (int64_t k = a; k < z; k++) {
                if (!(hc >= cx0[k] && hc < cx1[k] && vc >= ctop[k] && vc < cbottom[k])) continue;
                if (pairs == cap) {
                    cap *= 2;
                    int64_t *u = realloc(pair_char, (size_t)cap * sizeof(int64_t));
                    if (!u) goto nomem;
                    pair_char = u;
                    u = realloc(pair_cell, (size_t)cap * sizeof(int64_t));
                    if (!u) goto nomem;
                    pair_cell = u;
                }
                pair_char[pairs] = i;
                pair_cell[pairs++] = k;
            }
        }
    }
    /* The cells' texts: the pairs by cell (chars in order), their words, lines of words. */
    int64_t W = (pairs > n ? pairs : n) + 1;
    by_cell = malloc((size_t)W * sizeof(int64_t));
    cell_first = calloc((size_t)M + 1, sizeof(int64_t));
    wout = malloc((size_t)W * sizeof(int64_t));
    wchar = malloc((size_t)W * sizeof(int64_t));
    wgroup = malloc((size_t)W * sizeof(int64_t));
    wnew = malloc((size_t)W);
    wtol = malloc((size_t)W * sizeof(double));
    wtop = malloc((size_t)W * sizeof(double));
    wordtol = malloc((size_t)W * sizeof(double));
    wstart = malloc((size_t)(W + 1) * sizeof(int64_t));
    wline = malloc((size_t)W * sizeof(int64_t));
    wpage = malloc((size_t)W * sizeof(int64_t));
    has_text = calloc((size_t)M, 1);
    order = malloc((size_t)(W > M ? W : M) * sizeof(int64_t));
    tmp = malloc((size_t)(W > M ? W : M) * sizeof(int64_t));
    if (!by_cell || !cell_first || !wout || !wchar || !wgroup || !wnew || !wtol || !wtop ||
        !wordtol || !wstart || !wline || !wpage || !has_text || !order || !tmp)
        goto nomem;
    int64_t texts = 0;
    if (pairs) {
        for (int64_t q = 0; q < pairs; q++) cell_first[pair_cell[q] + 1]++;
        for (int64_t k = 0; k < m; k++) cell_first[k + 1] += cell_first[k];
        for (int64_t q = 0; q < pairs; q++) by_cell[cell_first[pair_cell[q]]++] = q;
        for (int64_t q = 0; q < pairs; q++) {
            wchar[q] = pair_char[by_cell[q]];
            wgroup[q] = pair_cell[by_cell[q]];
            wtol[q] = 3.0; /* Y_TOLERANCE */
        }
        /* Words: their first char, top (the lowest of their chars) and cell, and lines. */
        int64_t nw = word_lines(pairs, wchar, wgroup, wtol, x0, x1, top, blank, wout, wnew, wstart,
                                wtop, wpage, wordtol, wline);
        if (nw < 0) goto nomem;
        int64_t count = wstart[nw];
        /* Words of one cluster of chars can be on lines apart: each line's words together. */
        for (int64_t w = 0; w < nw; w++) order[w] = w;
        int sorted_lines = 1;
        for (int64_t w = 1; w < nw; w++) sorted_lines &= wline[w] >= wline[w - 1];
        if (!sorted_lines) {
            Pair p = {wline, wline};
            sort_by_pair(order, tmp, nw, &p);
        }
        cell_text.capacity = 2 * count + 1; /* a char, a space before it at most */
        cell_text.codes = malloc((size_t)cell_text.capacity * sizeof(uint32_t));
        if (!cell_text.codes) goto nomem;
        for (int64_t t = 0; t < nw; t++) {
            int64_t w = order[t], cell = wpage[w];
            if (!t || cell != wpage[order[t - 1]]) {
                texts++;
                has_text[cell] = 1;
                span[2 * cell] = cell_text.length;
            } else if (wline[w] == wline[order[t - 1]]) {
                put(&cell_text, ' ');
            }
            for (int64_t k = wstart[w]; k < wstart[w + 1]; k++) put(&cell_text, codes[wchar[wout[k]]]);
            span[2 * cell + 1] = cell_text.length;
        }
    }
    /* Table rows: each table's distinct rows and columns among its page's. */
    int64_t nrows = 0, slots = 0;
    if (m) {
        row_of = malloc((size_t)M * sizeof(int64_t));
        col_of = malloc((size_t)M * sizeof(int64_t));
        int64_t *col_first_t = malloc((size_t)tables * sizeof(int64_t));
        int64_t *col_count_t = calloc((size_t)tables, sizeof(int64_t));
        int64_t *row_cell = malloc((size_t)M * sizeof(int64_t));
        slot = malloc((size_t)M * sizeof(int64_t));
        if (!row_of || !col_of || !col_first_t || !col_count_t || !row_cell || !slot) {
            free(col_first_t);
            free(col_count_t);
            free(row_cell);
            goto nomem;
        }
        Pair pr = {tnum, r0};
        for (int64_t k = 0; k < m; k++) order[k] = k;
        sort_by_pair(order, tmp, m, &pr);
        for (int64_t t = 0; t < m; t++) {
            int64_t k = order[t];
            if (!t || tnum[k] != tnum[order[t - 1]] || r0[k] != r0[order[t - 1]]) {
                row_cell[nrows++] = k;
            }
            row_of[k] = nrows - 1;
        }
        Pair pc = {tnum, c0};
        for (int64_t k = 0; k < m; k++) order[k] = k;
        sort_by_pair(order, tmp, m, &pc);
        int64_t d = -1;
        for (int64_t t = 0; t < m; t++) {
            int64_t k = order[t];
            if (!t || tnum[k] != tnum[order[t - 1]] || c0[k] != c0[order[t - 1]]) {
                d++;
                if (!col_count_t[tnum[k]]) col_first_t[tnum[k]] = d;
                col_count_t[tnum[k]]++;
            }
            col_of[k] = d;
        }
        for (int64_t r = 0; r < nrows; r++) {
            int64_t k = row_cell[r];
            row_page[r] = cell_page[k];
            row_top[r] = ctop[k];
            row_start[r] = slots;
            row_width[r] = col_count_t[tnum[k]];
            row_kept[r] = 0;
            slots += row_width[r];
        }
        winner = malloc((size_t)(slots ? slots : 1) * sizeof(int64_t));
        if (!winner) {
            free(col_first_t);
            free(col_count_t);
            free(row_cell);
            goto nomem;
        }
        for (int64_t s = 0; s < slots; s++) winner[s] = -1;
        for (int64_t k = 0; k < m; k++) {
            slot[k] = row_start[row_of[k]] + col_of[k] - col_first_t[tnum[k]];
            winner[slot[k]] = k;
        }
        for (int64_t k = 0; k < m; k++)
            if (winner[slot[k]] == k && has_text[k]) row_kept[row_of[k]] = 1;
        free(col_first_t);
        free(col_count_t);
        free(row_cell);
    }
    /* The texts of the slots of the rows with text, one after the other. */
    int64_t strings = 0, kept_rows = 0;
    for (int64_t r = 0; r < nrows; r++) {
        if (!row_kept[r]) continue;
        out_row_page[kept_rows] = row_page[r];
        out_row_top[kept_rows] = row_top[r];
        out_row_width[kept_rows++] = row_width[r];
        for (int64_t at = row_start[r]; at < row_start[r] + row_width[r]; at++) {
            if (strings++) put(&out, '\n');
            int64_t k = winner[at];
            if (k >= 0 && has_text[k])
                for (int64_t c = span[2 * k]; c < span[2 * k + 1]; c++) put(&out, cell_text.codes[c]);
        }
    }
    /* The chars outside tables: overlapping no table's box of their page (touching counts). */
    outside = malloc((size_t)N * sizeof(int64_t));
    if (!outside) goto nomem;
    int64_t nout = 0;
    if (!m) {
        for (int64_t i = 0; i < n; i++) outside[nout++] = i;
    } else {
        box = malloc((size_t)tables * 4 * sizeof(double));
        box_page = malloc((size_t)tables * sizeof(int64_t));
        int64_t *table_first = malloc((size_t)(P + 1) * sizeof(int64_t));
        if (!box || !box_page || !table_first) {
            free(table_first);
            goto nomem;
        }
        for (int64_t k = 0; k < m; k++) {
            int64_t t = tnum[k];
            double *b = box + t * 4;
            if (!k || t != tnum[k - 1]) {
                b[0] = cx0[k], b[1] = ctop[k], b[2] = cx1[k], b[3] = cbottom[k];
                box_page[t] = cell_page[k];
            } else {
                if (cx0[k] < b[0]) b[0] = cx0[k];
                if (ctop[k] < b[1]) b[1] = ctop[k];
                if (cx1[k] > b[2]) b[2] = cx1[k];
                if (cbottom[k] > b[3]) b[3] = cbottom[k];
            }
        }
        for (int64_t p = 0, t = 0; p <= pages; p++) {
            while (t < tables && box_page[t] < p) t++;
            table_first[p] = t;
        }
        for (int64_t i = 0; i < n; i++) {
            int64_t p = char_page[i], inside = 0;
            if (p >= 0 && p < pages) {
                for (int64_t t = table_first[p]; t < table_first[p + 1] && !inside; t++) {
                    const double *b = box + t * 4;
                    double w = (x1[i] < b[2] ? x1[i] : b[2]) - (x0[i] > b[0] ? x0[i] : b[0]);
                    double h = (bottom[i] < b[3] ? bottom[i] : b[3]) - (top[i] > b[1] ? top[i] : b[1]);
                    inside = w >= 0 && h >= 0 && w + h > 0;
                }
            }
            if (!inside) outside[nout++] = i;
        }
        free(table_first);
    }
    /* Each page's tolerance: half the median size of its chars outside tables (10 without), at
       least 3. */
    tol_page = malloc((size_t)P * sizeof(double));
    sorted = malloc((size_t)N * sizeof(double));
    if (!tol_page || !sorted) goto nomem;
    for (int64_t p = 0, k = 0; p < pages; p++) {
        int64_t a = k;
        while (k < nout && char_page[outside[k]] == p) {
            sorted[k] = size[outside[k]];
            k++;
        }
        double s = 10.0;
        if (k > a) {
            Keys ks = {NULL, sorted + a, NULL, 1};
            int64_t count = k - a;
            for (int64_t j = 0; j < count; j++) order[j] = j;
            sort_by_keys(order, tmp, count, &ks);
            s = sorted[a + order[count / 2]];
        }
        double half = 0.5 * s;
        tol_page[p] = half > 3.0 ? half : 3.0;
    }
    /* Text lines: the words of the chars outside tables, by page; runs of words on one line. */
    int64_t nlines = 0;
    if (nout) {
        for (int64_t q = 0; q < nout; q++) {
            wchar[q] = outside[q];
            wgroup[q] = char_page[outside[q]];
            wtol[q] = tol_page[wgroup[q]];
        }
        int64_t nw = word_lines(nout, wchar, wgroup, wtol, x0, x1, top, blank, wout, wnew, wstart,
                                wtop, wpage, wordtol, wline);
        if (nw < 0) goto nomem;
        for (int64_t w = 0; w < nw; w++) {
            if (!w || wline[w] != wline[w - 1]) {
                if (strings++) put(&out, '\n');
                line_page[nlines] = wpage[w];
                line_top[nlines++] = wtop[w];
            } else {
                put(&out, ' ');
                if (wtop[w] < line_top[nlines - 1]) line_top[nlines - 1] = wtop[w];
            }
            for (int64_t k = wstart[w]; k < wstart[w + 1]; k++) put(&out, codes[wchar[wout[k]]]);
        }
    }
    sizes[0] = out.length;
    sizes[1] = kept_rows;
    sizes[2] = nlines;
    for (int64_t c = 0; c < out.length && c < out.capacity; c++)
        sizes[3] |= out.codes[c] >= (uint64_t)ligature_low && out.codes[c] <= (uint64_t)ligature_high;
    result = out.length > out.capacity ? E_CAPACITY : 0;
    goto done;
nomem:
    result = E_MEMORY;
done:
    free(tnum); free(r0); free(c0); free(row_first); free(row_count); free(col_first);
    free(col_count); free(rows); free(columns); free(tested); free(base); free(cells_first);
    free(chars_first); free(grid); free(pair_char); free(pair_cell); free(by_cell);
    free(cell_first); free(wout); free(wchar); free(wgroup); free(wnew); free(wtol); free(wtop);
    free(wordtol); free(wstart); free(wline); free(wpage); free(has_text); free(order); free(tmp);
    free(row_of); free(col_of); free(winner); free(slot); free(outside); free(box); free(box_page);
    free(sorted); free(tol_page); free(blank); free(span); free(row_page); free(row_top);
    free(row_kept); free(row_start); free(row_width); free(cell_text.codes);
    return result;
}

/* pdfium._ordered's order of the rows: by (page, top rounded), stably; in that order, each row's
   count among those of its page and kind (1..), its page's number and its kind; where each page
   starts (pages + 1 places). 0, or E_MEMORY. */
int64_t pt_order(int64_t n, const int64_t *page, const double *rounded, const int64_t *kind,
                 int64_t pages, const int64_t *numbers, int64_t *order, int64_t *count,
                 int64_t *number, int64_t *sorted_kind, int64_t *bounds) {
    int64_t *tmp = malloc((size_t)(n ? n : 1) * sizeof(int64_t));
    int64_t *seen = calloc((size_t)(2 * pages + 2), sizeof(int64_t));
    if (!tmp || !seen) {
        free(tmp);
        free(seen);
        return E_MEMORY;
    }
    sort_group_value(order, tmp, n, page, rounded);
    int64_t p = 0;
    for (int64_t t = 0; t < n; t++) {
        int64_t i = order[t];
        count[t] = ++seen[page[i] * 2 + kind[i]];
        number[t] = numbers[page[i]];
        sorted_kind[t] = kind[i];
        while (p <= page[i] && p <= pages) bounds[p++] = t;
    }
    while (p <= pages) bounds[p++] = n;
    free(tmp);
    free(seen);
    return 0;
}
