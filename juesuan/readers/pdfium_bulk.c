/* The per-object and per-character pdfium calls of juesuan.readers.pdfium, made in C.
 *
 * Why: pdfium has no bulk call for a page's characters or path segments. From Python each one
 * is a ctypes call (~0.3-1 us): three per character and a few per object and path segment,
 * two thirds of the PDF reader's time (issue 9). Here they are plain C calls (~20 ns), one
 * Python call per page and kind; what they return is exactly what the ctypes calls return.
 *
 * pdfium is not linked: juesuan.readers.pdfium_bulk passes the addresses of the functions of
 * the pdfium library pypdfium2 loaded (jb_init), so both use the same library.
 * Built by juesuan.readers.pdfium_bulk with the system C compiler; nothing here allocates.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>

typedef void *H;

static int (*count_objects)(H page);
static H (*get_object)(H page, int index);
static int (*object_type)(H object);
static int (*object_matrix)(H object, float *matrix);       /* FS_MATRIX: a b c d e f */
static int (*text_font_size)(H text, float *size);
static H (*text_font)(H text);
static int (*count_segments)(H path);
static H (*get_segment)(H path, int index);
static int (*segment_point)(H segment, float *x, float *y);
static int (*segment_type)(H segment);
static int (*segment_close)(H segment);
static H (*char_object)(H textpage, int index);              /* NULL: a generated char */
static int (*char_loose_box)(H textpage, int index, float *box); /* FS_RECTF: l t r b */
static int (*char_origin)(H textpage, int index, double *x, double *y);
static int (*char_generated)(H textpage, int index);
static int (*font_descent)(H font, float size, float *descent);
static size_t (*font_base_name)(H font, char *buffer, size_t length);
static H (*load_page)(H document, int index);
static void (*close_page)(H page);
static H (*load_textpage)(H page);
static void (*close_textpage)(H textpage);
static int (*page_rotation)(H page);
static int (*page_mediabox)(H page, float *left, float *bottom, float *right, float *top);
static int (*count_chars)(H textpage);
static int (*get_text)(H textpage, int start, int count, uint16_t *result);
static unsigned (*char_unicode)(H textpage, int index);
static int (*object_bounds)(H object, float *left, float *bottom, float *right, float *top);
static int (*count_form_objects)(H form);
static H (*get_form_object)(H form, unsigned long index);

#define FUNCTIONS 29

/* The pdfium functions, in the order above. Returns how many this library expects. */
int jb_init(void *const *functions, int count) {
    if (count != FUNCTIONS)
        return FUNCTIONS;
    void **slots[FUNCTIONS] = {
        (void **)&count_objects,  (void **)&get_object,     (void **)&object_type,
        (void **)&object_matrix,  (void **)&text_font_size, (void **)&text_font,
        (void **)&count_segments, (void **)&get_segment,    (void **)&segment_point,
        (void **)&segment_type,   (void **)&segment_close,  (void **)&char_object,
        (void **)&char_loose_box, (void **)&char_origin,    (void **)&char_generated,
        (void **)&font_descent,   (void **)&font_base_name, (void **)&load_page,
        (void **)&close_page,     (void **)&load_textpage,  (void **)&close_textpage,
        (void **)&page_rotation,  (void **)&page_mediabox,  (void **)&count_chars,
        (void **)&get_text,       (void **)&char_unicode,   (void **)&object_bounds,
        (void **)&count_form_objects, (void **)&get_form_object,
    };
    for (int i = 0; i < FUNCTIONS; i++)
        *slots[i] = functions[i];
    return FUNCTIONS;
}

/* The page's objects and their types (forms' objects are walked from Python: rare); returns
 * their count, filling at most `capacity`. */
int jb_objects(H page, int64_t *handles, int32_t *kinds, int capacity) {
    int count = count_objects(page);
    for (int i = 0; i < count && i < capacity; i++) {
        H object = get_object(page, i);
        handles[i] = (int64_t)(intptr_t)object;
        kinds[i] = object_type(object);
    }
    return count;
}

/* Each object's matrix (6 floats, zeros where pdfium fails). */
void jb_matrices(const int64_t *objects, int count, float *matrices) {
    for (int i = 0; i < count; i++) {
        float *m = matrices + 6 * i;
        m[0] = m[1] = m[2] = m[3] = m[4] = m[5] = 0.0f;
        object_matrix((H)(intptr_t)objects[i], m);
    }
}

/* Each text object's font size, and the index of its font among the page's fonts (in order of
 * first use); each font's descent per unit of font size (NAN where pdfium has none, or no
 * font), and its base name (FPDFFont_GetBaseFontName into a zeroed slot of `name_size` bytes,
 * with the size it gives). Returns the number of fonts, or -1 beyond `capacity`. */
int jb_fonts(const int64_t *texts, int count, float *sizes, int32_t *font_of, float *descents,
             char *names, int64_t *name_sizes, int name_size, int capacity) {
    H fonts[capacity > 0 ? capacity : 1];
    int found = 0;
    for (int i = 0; i < count; i++) {
        H text = (H)(intptr_t)texts[i];
        sizes[i] = 0.0f;
        text_font_size(text, sizes + i);
        H font = text_font(text);
        int k = 0;
        while (k < found && fonts[k] != font)
            k++;
        if (k == found) {
            if (found == capacity)
                return -1;
            fonts[found++] = font;
            float descent = 0.0f;
            descents[k] = (font && font_descent(font, 1.0f, &descent)) ? descent : NAN;
            char *name = names + (size_t)k * name_size;
            for (int j = 0; j < name_size; j++)
                name[j] = 0;
            name_sizes[k] = font ? (int64_t)font_base_name(font, name, (size_t)name_size) : 0;
        }
        font_of[i] = k;
    }
    return found;
}

/* Each char's text object among `texts` (its index; -1: none, or not among them; `order`
 * sorts `texts`, as numpy's argsort), whether it is kept (it has a text object, and pdfium did
 * not generate it: a space or line break of its own), its loose box (l t r b) and its origin
 * (x y). `spaces[c]`: whether code point c (below `spaces_length`) is whitespace. */
void jb_chars(H textpage, int count, const uint32_t *codes, const uint8_t *spaces,
              int spaces_length, const int64_t *texts, const int64_t *order, int ntexts,
              int32_t *owners, uint8_t *keep, float *boxes, double *origins) {
    for (int i = 0; i < count; i++) {
        int64_t object = (int64_t)(intptr_t)char_object(textpage, i);
        int32_t owner = -1;
        if (object != 0) {
            int low = 0, high = ntexts;
            while (low < high) {
                int middle = low + (high - low) / 2;
                if (texts[order[middle]] < object)
                    low = middle + 1;
                else
                    high = middle;
            }
            if (low < ntexts && texts[order[low]] == object)
                owner = (int32_t)order[low];
        }
        owners[i] = owner;
        uint32_t code = codes[i];
        int blank = code < 0x20 || (code < (uint32_t)spaces_length && spaces[code]);
        /* FPDFText_IsGenerated: 1, 0, or -1 on error, which the Python code took as true */
        keep[i] = object != 0 && !(blank && char_generated(textpage, i) != 0);
        float *box = boxes + 4 * i;
        box[0] = box[1] = box[2] = box[3] = 0.0f;
        char_loose_box(textpage, i, box);
        origins[2 * i] = origins[2 * i + 1] = 0.0;
        char_origin(textpage, i, origins + 2 * i, origins + 2 * i + 1);
    }
}

/* Each path's segment count; returns their sum. */
int64_t jb_segment_counts(const int64_t *paths, int count, int32_t *counts) {
    int64_t total = 0;
    for (int i = 0; i < count; i++) {
        int n = count_segments((H)(intptr_t)paths[i]);
        counts[i] = n < 0 ? 0 : n;
        total += counts[i];
    }
    return total;
}

/* The segments of each path, one after the other (as many as jb_segment_counts gave): point
 * (x y), type and whether it closes its subpath. */
void jb_segments(const int64_t *paths, const int32_t *counts, int count, float *points,
                 int32_t *types, uint8_t *closes) {
    int64_t k = 0;
    for (int i = 0; i < count; i++) {
        H path = (H)(intptr_t)paths[i];
        for (int j = 0; j < counts[i]; j++, k++) {
            H segment = get_segment(path, j);
            points[2 * k] = points[2 * k + 1] = 0.0f;
            segment_point(segment, points + 2 * k, points + 2 * k + 1);
            types[k] = segment_type(segment);
            closes[k] = (uint8_t)(segment_close(segment) != 0);
        }
    }
}


/* --- a document's pages in one call (jb_document), then its chars (jb_char_columns) ----------
 *
 * Why: the calls above are one Python call per page and kind, with arrays made, concatenated
 * and sliced per page around them (~3 ms of a 16-page document). jb_document reads page after
 * page into the document's arrays (State), which Python grows when a page does not fit: after
 * it, the document's text objects, chars and paths are contiguous, with a table of where each
 * page's start. It makes the same calls as juesuan.readers.pdfium's read_page, in the same
 * order where the result depends on it, and gives up on the rare pages read there in Python
 * (possible scans, too many fonts, forms nested too deep). */

#include <stdlib.h>
#include <string.h>

/* Floats: no contraction into fused multiply-adds (-std=c99 turns GCC's off), as numpy. */

#define NAME_SIZE 256 /* bytes of a font's base name, as juesuan.readers.pdfium reads it */
#define MAX_FONTS 4096 /* distinct fonts on a page */
#define OBJ_TEXT 1
#define OBJ_PATH 2
#define OBJ_IMAGE 3
#define OBJ_FORM 5
#define SPACES 0x3001 /* code points whose whitespace flag `spaces` has */

/* Returned by jb_document: done, buffers to grow (`need_*`), pages for Python (the whole
 * document is read there), or negative: a reason the document is unsupported. */
enum { DONE = 0, GROW = 1, FALLBACK = 2 };
#define MAX_DEPTH 64 /* forms in forms */
enum {
    NO_PAGE = -1,
    ROTATED_PAGE = -2,
    NO_TEXTPAGE = -3,
    NO_CHARS = -4,
    NO_FONT = -5,
    OUTSIDE = -6,
    ROTATED_TEXT = -7,
    SLANTED = -8
};
/* Columns of the page table: where the page's items start in the document's arrays, its kept
 * chars, whether it has a MediaBox of its own. */
enum { P_TEXTS, P_CHARS, P_BLANKS, P_PATHS, P_SEGMENTS, P_KEPT, P_FOUND, P_FIELDS };

/* Every field 8 bytes: Python sees it as an int64 array (juesuan.readers.pdfium_bulk.STATE). */
typedef struct {
    int64_t min_chars, ocr; /* a page with images and fewer kept chars may be a scan */
    const uint8_t *spaces;  /* whether each code point below SPACES is whitespace */
    int64_t standard_count; /* pdfminer's standard fonts: NAME_SIZE-byte names, descents */
    const char *standard_names;
    const double *standard_descents;
    /* one page's scratch, for `object_capacity` objects and `unit_capacity` - 1 chars */
    int64_t object_capacity;
    int64_t *text_handles, *path_handles, *pairs; /* pairs: (handle, index) sorted, 2 each */
    uint8_t *used;
    int32_t *text_forms, *path_forms; /* the form each is in (-1: none), its matrix: */
    double *form_matrices;            /* each form's, its containers' included */
    int64_t unit_capacity;
    uint16_t *units;
    uint32_t *codes;
    /* the document's items so far (`texts`... of `*_capacity`) */
    int64_t text_capacity, texts;
    double *text_matrices; /* a b c d e f, their forms' included */
    float *text_sizes;
    double *text_descents; /* per unit of font size, pdfminer's */
    int64_t char_capacity, chars; /* chars kept */
    int32_t *char_owners; /* the text object's index in the document */
    float *char_x1;       /* right of pdfium's loose box */
    double *char_origins; /* x y */
    uint32_t *char_codes;
    int64_t *char_orders; /* place in the page's text */
    int64_t blank_capacity, blanks; /* text objects none of whose chars pdfium kept */
    int64_t *blank_texts;
    float *blank_bounds; /* left bottom right top */
    int64_t path_capacity, paths;
    double *path_matrices;
    int32_t *path_counts;
    int64_t segment_capacity, segments;
    float *segment_points;
    int32_t *segment_types;
    uint8_t *segment_closes;
    int64_t page_capacity, pages;
    int64_t *page_table; /* P_FIELDS per page */
    float *page_boxes;   /* MediaBox: left bottom right top */
    /* out */
    int64_t stopped; /* the page jb_document stopped at */
    int64_t need_objects, need_units, need_texts, need_chars, need_paths, need_segments;
} State;

int jb_state_size(void) { return (int)(sizeof(State) / 8); }

static int by_handle(const void *a, const void *b) {
    int64_t x = ((const int64_t *)a)[0], y = ((const int64_t *)b)[0];
    return (x > y) - (x < y);
}

/* The index among the page's text objects (`pairs`: sorted (handle, index)) of `object`. */
static int32_t owner_of(const int64_t *pairs, int count, int64_t object) {
    int low = 0, high = count;
    while (low < high) {
        int middle = low + (high - low) / 2;
        if (pairs[2 * middle] < object)
            low = middle + 1;
        else
            high = middle;
    }
    return low < count && pairs[2 * low] == object ? (int32_t)pairs[2 * low + 1] : -1;
}

/* m then n (pdfminer's mult_matrix, as juesuan.readers.pdfium's _multiply). */
static void multiply(const double *m, const double *n, double *out) {
    out[0] = m[0] * n[0] + m[1] * n[2];
    out[1] = m[0] * n[1] + m[1] * n[3];
    out[2] = m[2] * n[0] + m[3] * n[2];
    out[3] = m[2] * n[1] + m[3] * n[3];
    out[4] = m[4] * n[0] + m[5] * n[2] + n[4];
    out[5] = m[4] * n[1] + m[5] * n[3] + n[5];
}

/* An object's matrix, its form's (`form`: in s->form_matrices; -1: none) included. */
static void matrix_of(const State *s, H object, int32_t form, double *out) {
    float f[6] = {0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f};
    object_matrix(object, f);
    double m[6] = {f[0], f[1], f[2], f[3], f[4], f[5]};
    if (form < 0)
        memcpy(out, m, sizeof m);
    else
        multiply(m, s->form_matrices + 6 * form, out);
}

typedef struct {
    int64_t texts, paths, forms, objects; /* found (stored while within object_capacity) */
    int images, deep;
} Walk;

/* The text and path objects of a page (`form` 0) or form, in content order, forms' inline
 * (juesuan.readers.pdfium's _page_objects and _walk), with the form each is in. */
static void walk(State *s, Walk *w, H parent, int32_t form, int depth) {
    int count = depth ? count_form_objects(parent) : count_objects(parent);
    int64_t capacity = s->object_capacity;
    for (int i = 0; i < count; i++) {
        H object = depth ? get_form_object(parent, (unsigned long)i) : get_object(parent, i);
        int kind = object_type(object);
        w->objects++;
        if (kind == OBJ_FORM) {
            if (depth == MAX_DEPTH) {
                w->deep = 1;
                return;
            }
            int64_t inner = w->forms++;
            if (inner >= capacity)
                continue; /* too many to store: counted, for the page to be read again */
            matrix_of(s, object, form, s->form_matrices + 6 * inner);
            walk(s, w, object, (int32_t)inner, depth + 1);
        } else if (kind == OBJ_TEXT) {
            if (w->texts < capacity) {
                s->text_handles[w->texts] = (int64_t)(intptr_t)object;
                s->text_forms[w->texts] = form;
            }
            w->texts++;
        } else if (kind == OBJ_PATH) {
            if (w->paths < capacity) {
                s->path_handles[w->paths] = (int64_t)(intptr_t)object;
                s->path_forms[w->paths] = form;
            }
            w->paths++;
        } else
            w->images |= kind == OBJ_IMAGE;
    }
}

/* The text objects' matrices, sizes and descents (fonts' as juesuan.readers.pdfium's
 * _descents: pdfium's, or pdfminer's for the standard names; NaN: unsupported). */
static int read_texts(State *s, int count) {
    H fonts[MAX_FONTS];
    double descents[MAX_FONTS];
    int found = 0, missing = 0;
    for (int j = 0; j < count; j++) {
        H text = (H)(intptr_t)s->text_handles[j];
        int64_t t = s->texts + j;
        matrix_of(s, text, s->text_forms[j], s->text_matrices + 6 * t);
        s->text_sizes[t] = 0.0f;
        text_font_size(text, s->text_sizes + t);
        H font = text_font(text);
        int k = 0;
        while (k < found && fonts[k] != font)
            k++;
        if (k == found) {
            if (found == MAX_FONTS)
                return FALLBACK;
            fonts[found++] = font;
            float descent = 0.0f;
            double value = (font && font_descent(font, 1.0f, &descent)) ? (double)descent : NAN;
            missing |= isnan(value);
            char name[NAME_SIZE];
            memset(name, 0, sizeof name);
            size_t size = font ? font_base_name(font, name, NAME_SIZE) : 0;
            size_t length = size > 0 ? size - 1 : 0;
            for (int64_t n = 0; n < s->standard_count; n++) {
                const char *standard = s->standard_names + n * NAME_SIZE;
                if (strlen(standard) == length && memcmp(standard, name, length) == 0) {
                    value = s->standard_descents[n];
                    break;
                }
            }
            descents[k] = value;
        }
        s->text_descents[t] = descents[k];
    }
    return missing ? NO_FONT : DONE;
}

/* The code of the second char of a surrogate pair, left out (not a code point). */
#define SECOND_HALF 0xFFFFFFFFu

/* pdfium's text page holds a char outside the BMP as two chars (a high then a low UTF-16
 * surrogate, one glyph: the same object, box and origin), pdfminer as one: the code point put
 * in the first, the second marked SECOND_HALF (as pdfium.py's _paired). Lone surrogates stay. */
static void join_pairs(uint32_t *codes, int count) {
    for (int i = 0; i + 1 < count; i++) {
        uint32_t high = codes[i], low = codes[i + 1];
        if (high >= 0xD800 && high < 0xDC00 && low >= 0xDC00 && low < 0xE000) {
            codes[i] = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
            codes[++i] = SECOND_HALF;
        }
    }
}

/* The page's chars kept, and its text objects without any char (blanks) with their bounds. */
static int read_chars(State *s, H textpage, int ntexts, int64_t *kept, int64_t *blanks) {
    int count = count_chars(textpage);
    if (count < 0)
        return NO_CHARS;
    if (count + 1 > s->unit_capacity || s->chars + count > s->char_capacity) {
        s->need_units = count + 1;
        s->need_chars = s->chars + count;
        return GROW;
    }
    uint16_t *units = s->units;
    memset(units, 0, sizeof(uint16_t) * (size_t)(count + 1));
    get_text(textpage, 0, count, units);
    int surrogates = 0;
    for (int i = 0; i < count; i++)
        surrogates |= (units[i] & 0xF800) == 0xD800;
    for (int i = 0; i < count; i++) {
        unsigned code = surrogates ? char_unicode(textpage, i) : units[i];
        s->codes[i] = surrogates && code == 0 ? 0xFFFD : code;
    }
    if (surrogates)
        join_pairs(s->codes, count);
    for (int j = 0; j < ntexts; j++) {
        s->pairs[2 * j] = s->text_handles[j];
        s->pairs[2 * j + 1] = j;
        s->used[j] = 0;
    }
    qsort(s->pairs, (size_t)ntexts, 2 * sizeof(int64_t), by_handle);
    int64_t k = s->chars;
    int32_t last = -1;
    for (int i = 0; i < count; i++) {
        int64_t object = (int64_t)(intptr_t)char_object(textpage, i);
        int32_t owner = -1;
        if (object != 0) {
            if (last >= 0 && s->text_handles[last] == object)
                owner = last;
            else if (last + 1 < ntexts && s->text_handles[last + 1] == object)
                owner = last + 1;
            else
                owner = owner_of(s->pairs, ntexts, object);
            if (owner >= 0)
                s->used[owner] = 1, last = owner;
        }
        uint32_t code = s->codes[i];
        int blank = code < 0x20 || (code < SPACES && s->spaces[code]);
        if (object == 0 || code == SECOND_HALF || (blank && char_generated(textpage, i) != 0))
            continue;
        if (owner < 0)
            return OUTSIDE;
        float box[4] = {0.0f, 0.0f, 0.0f, 0.0f};
        char_loose_box(textpage, i, box);
        double *origin = s->char_origins + 2 * k;
        origin[0] = origin[1] = 0.0;
        char_origin(textpage, i, origin, origin + 1);
        s->char_owners[k] = (int32_t)(s->texts + owner);
        s->char_x1[k] = box[2];
        s->char_codes[k] = code;
        s->char_orders[k] = i;
        k++;
    }
    *kept = k - s->chars;
    /* One out-parameter for all, as the Python code: a failed call leaves the last bounds. */
    float bounds[4] = {0.0f, 0.0f, 0.0f, 0.0f};
    int64_t b = s->blanks;
    for (int j = 0; j < ntexts; j++) {
        if (s->used[j])
            continue;
        object_bounds((H)(intptr_t)s->text_handles[j], bounds, bounds + 1, bounds + 2,
                      bounds + 3);
        s->blank_texts[b] = s->texts + j;
        memcpy(s->blank_bounds + 4 * b, bounds, sizeof bounds);
        b++;
    }
    *blanks = b - s->blanks;
    return DONE;
}

/* The path objects' matrices, segment counts and segments. */
static int read_paths(State *s, int count, int64_t *total) {
    int64_t sum = 0;
    for (int j = 0; j < count; j++) {
        H path = (H)(intptr_t)s->path_handles[j];
        int64_t p = s->paths + j;
        matrix_of(s, path, s->path_forms[j], s->path_matrices + 6 * p);
        int n = count_segments(path);
        s->path_counts[p] = n < 0 ? 0 : n;
        sum += s->path_counts[p];
    }
    if (s->segments + sum > s->segment_capacity) {
        s->need_segments = s->segments + sum;
        return GROW;
    }
    int64_t k = s->segments;
    for (int j = 0; j < count; j++) {
        H path = (H)(intptr_t)s->path_handles[j];
        for (int i = 0; i < s->path_counts[s->paths + j]; i++, k++) {
            H segment = get_segment(path, i);
            float *point = s->segment_points + 2 * k;
            point[0] = point[1] = 0.0f;
            segment_point(segment, point, point + 1);
            s->segment_types[k] = segment_type(segment);
            s->segment_closes[k] = (uint8_t)(segment_close(segment) != 0);
        }
    }
    *total = sum;
    return DONE;
}

/* One page into the document's arrays (committed only if it is read whole). */
static int read_page(State *s, H page) {
    if (page_rotation(page) != 0) /* 1, 2, 3: quarter turns; -1: unknown */
        return ROTATED_PAGE;
    float box[4] = {0.0f, 0.0f, 0.0f, 0.0f};
    int found = page_mediabox(page, box, box + 1, box + 2, box + 3);
    Walk w = {0, 0, 0, 0, 0, 0};
    walk(s, &w, page, -1, 0);
    if (w.deep)
        return FALLBACK;
    if (w.objects > s->object_capacity) {
        s->need_objects = w.objects;
        return GROW;
    }
    int ntexts = (int)w.texts, npaths = (int)w.paths, images = w.images;
    if (s->texts + ntexts > s->text_capacity || s->blanks + ntexts > s->blank_capacity ||
        s->paths + npaths > s->path_capacity) {
        s->need_texts = s->texts + ntexts;
        s->need_paths = s->paths + npaths;
        return GROW;
    }
    H textpage = load_textpage(page);
    if (!textpage)
        return NO_TEXTPAGE;
    int64_t kept = 0, blanks = 0, segments = 0;
    int status = DONE;
    if (ntexts) {
        status = read_texts(s, ntexts);
        if (status == DONE)
            status = read_chars(s, textpage, ntexts, &kept, &blanks);
    }
    close_textpage(textpage);
    if (status != DONE)
        return status;
    if (s->ocr && images && kept < s->min_chars) /* maybe a scan: juesuan.readers.pdfium's */
        return FALLBACK;
    status = read_paths(s, npaths, &segments);
    if (status != DONE)
        return status;
    int64_t *row = s->page_table + P_FIELDS * s->pages;
    row[P_TEXTS] = s->texts, row[P_CHARS] = s->chars, row[P_BLANKS] = s->blanks;
    row[P_PATHS] = s->paths, row[P_SEGMENTS] = s->segments, row[P_KEPT] = kept;
    row[P_FOUND] = found;
    memcpy(s->page_boxes + 4 * s->pages, box, sizeof box);
    s->texts += ntexts, s->chars += kept, s->blanks += blanks;
    s->paths += npaths, s->segments += segments;
    s->pages++;
    return DONE;
}

/* The pages of `document` from s->pages to `end` (s->page_capacity at least), until done or
 * one needs Python (`stopped`: which). */
int jb_document(H document, int end, State *s) {
    while (s->pages < end) {
        H page = load_page(document, (int)s->pages);
        s->stopped = s->pages;
        if (!page)
            return NO_PAGE;
        int status = read_page(s, page);
        close_page(page);
        if (status != DONE)
            return status;
    }
    return DONE;
}

/* pdfminer's box of each text object's chars (juesuan.readers.pdfium's _metrics: 6 per text
 * object), then of each char in pdfplumber's coordinates (its document_chars), with the same
 * operations in the same order; `frames`: each page's x0 y0 height top. */
int jb_char_columns(const State *s, const double *frames, double *metrics, double *x0,
                    double *x1, double *tops, double *bottoms, double *sizes) {
    for (int64_t t = 0; t < s->texts; t++) {
        const double *m = s->text_matrices + 6 * t;
        double a = m[0], b = m[1], c = m[2], d = m[3];
        if (b != 0 || a <= 0 || d <= 0)
            return ROTATED_TEXT;
        double size = s->text_sizes[t];
        double low = -fabs(s->text_descents[t]) * size;
        double high = low + size;
        double cl = c * low, ch = c * high;
        double *row = metrics + 6 * t;
        row[0] = d * low, row[1] = d * high;
        row[2] = (cl < ch || isnan(cl)) ? cl : ch; /* np.minimum, np.maximum */
        row[3] = (cl > ch || isnan(cl)) ? cl : ch;
        row[4] = m[4], row[5] = m[5];
    }
    for (int64_t p = 0; p < s->pages; p++) {
        const double *f = frames + 4 * p;
        double fx0 = f[0], y0 = f[1], height = f[2], top = f[3];
        float fx0f = (float)fx0;
        int64_t end = p + 1 < s->pages ? s->page_table[P_FIELDS * (p + 1) + P_CHARS] : s->chars;
        for (int64_t i = s->page_table[P_FIELDS * p + P_CHARS]; i < end; i++) {
            const double *row = metrics + 6 * (int64_t)s->char_owners[i];
            if (row[2] != 0 || row[3] != 0)
                return SLANTED;
            double x = s->char_origins[2 * i];
            float right = s->char_x1[i];
            if (fx0 != 0) {
                x = (x - fx0) + fx0;
                right = (right - fx0f) + fx0f;
            }
            double base = s->char_origins[2 * i + 1] - y0;
            double low = base + row[0], high = base + row[1];
            x0[i] = x, x1[i] = right;
            tops[i] = (height - high) + top;
            bottoms[i] = (height - low) + top;
            sizes[i] = high - low;
        }
    }
    return DONE;
}

#define SEGMENT_LINETO 0 /* FPDF_SEGMENT_LINETO */

/* Each path segment's point in pdfminer's coordinates relative to the MediaBox origin (`x`,
 * `y`), whether each path is a line (a move and a line: `lines`), and the edges of the lines
 * (juesuan.readers.pdfium's _document_edges and _line_edges, the same operations in the same
 * order): vertical ones, then horizontal ones (x0 top x1 bottom length, in the paths' order);
 * `flat`: whether a line's edge is horizontal; `counts`: each page's vertical and horizontal
 * edges and whether it has paths other than lines. */
void jb_edges(const State *s, const double *frames, double *x, double *y, uint8_t *lines,
              uint8_t *flat, double *vertical, double *horizontal, int64_t *counts) {
    int64_t nv = 0, nh = 0;
    for (int64_t p = 0; p < s->pages; p++) {
        const double *f = frames + 4 * p;
        double x_origin = f[0], y_origin = f[1], height = f[2], top = f[3];
        const int64_t *row = s->page_table + P_FIELDS * p;
        int64_t end = p + 1 < s->pages ? row[P_FIELDS + P_PATHS] : s->paths;
        int64_t k = row[P_SEGMENTS];
        int64_t *count = counts + 3 * p;
        count[0] = count[1] = count[2] = 0;
        for (int64_t j = row[P_PATHS]; j < end; j++) {
            const double *m = s->path_matrices + 6 * j;
            int64_t start = k, n = s->path_counts[j];
            for (int64_t i = 0; i < n; i++, k++) {
                double px = s->segment_points[2 * k], py = s->segment_points[2 * k + 1];
                x[k] = m[0] * px + m[2] * py + m[4] - x_origin;
                y[k] = m[1] * px + m[3] * py + m[5] - y_origin;
            }
            lines[j] = n == 2 && s->segment_types[start + 1] == SEGMENT_LINETO;
            flat[j] = 0;
            if (!lines[j]) {
                count[2] = 1;
                continue;
            }
            double ax = x[start], bx = x[start + 1], ay = y[start], by = y[start + 1];
            double x0 = ax <= bx ? ax : bx, x1 = ax <= bx ? bx : ax;
            double y0 = ay <= by ? ay : by, y1 = ay <= by ? by : ay;
            double tops = (height - y1) + top, bottoms = (height - y0) + top;
            double width = x1 - x0;
            if (x_origin != 0)
                x0 = x0 + x_origin, x1 = x1 + x_origin;
            flat[j] = tops == bottoms;
            double *edge = flat[j] ? horizontal + 5 * nh++ : vertical + 5 * nv++;
            edge[0] = x0, edge[1] = tops, edge[2] = x1, edge[3] = bottoms;
            edge[4] = flat[j] ? width : y1 - y0;
            count[flat[j] ? 1 : 0]++;
        }
    }
}
