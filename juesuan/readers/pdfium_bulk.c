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

#define FUNCTIONS 17

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
        (void **)&font_descent,   (void **)&font_base_name,
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

