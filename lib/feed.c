/*
 * feed.c - the single-pass core: every pixel lands in the slot of its
 * score, split by its label; nothing else is kept.
 *
 * A feed either counts a whole batch or nothing.  Pixels go through a
 * kernel (kernel.h) a chunk at a time: the kernel classifies the chunk into
 * histogram cells and reports any bad pixel before a cell of it is
 * counted.  Fed serially, the batch is counted in place, and when a later
 * chunk turns out bad the pixels already counted are counted again with an
 * increment of -1 (modulo 2^64), which restores every count exactly; a good
 * batch pays nothing for this.  Fed by several threads, each counts into a
 * state of its own, and the states are added to the accumulator only when
 * all of them succeeded.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "kernel.h"

/* Pixels classified before any of them is counted. */
#define CHUNK PRC__KERNEL_MAX

/* Where counts go: a whole state and, in per-image mode, a scratch
 * histogram for one image. */
struct sink {
    uint64_t *state;
    uint64_t *scratch;
    struct split *split;
};

/*
 * A thread's split histogram (internal.h) and what it owes: its counts
 * belong in `target`, times `inc`, laid out as for feed `f`.  They are
 * added there when a run counts for another target or increment, before
 * the copies could reach 2^32, and by settle() wherever the target is
 * read or a feed of a class ends; in between, pooled runs share one fold.
 */
struct split {
    uint32_t *copies;
    const struct feed *f;
    uint64_t *target;
    uint64_t inc;
    size_t pending; /* pixels counted since the last fold */
};

/* One feed of one class: its fixed inputs.  With several classes, class
 * c reads score channel c (and label mask c of a multi-label map) and
 * counts into state block c. */
struct feed {
    prc_accumulator *acc;
    const prc_batch *batch;
    size_t class_index;
    uint64_t *block;        /* the class's state block */
    const unsigned char *scores; /* the class's element [0][0][0] */
    const unsigned char *labels;
    struct prc__kernel_ctx k;
    prc__classify_fn classify;
    /* Long runs count through the split histogram when split_cells is
     * not 0: uint8 scores through tally (PRC__U8_CELLS cells by score
     * byte), others through classify (the cells themselves). */
    size_t split_cells;
    int split_copies;       /* PRC__SPLIT, or 1 for many cells */
    prc__tally_fn tally;
    size_t plane;           /* pixels per image */
    size_t score_size;      /* bytes per score */
    /* Arrays whose images are contiguous planes of a type the kernels
     * take are read in place; anything else is gathered a chunk at a time
     * into doubles and label bytes first. */
    int gather;
    int64_t score_stride[3];
    int64_t label_stride[3];
    size_t label_size;
    int64_t ignore;         /* the ignore label, or PRC_NO_IGNORE_LABEL */
    int64_t label_limit;    /* labels 0..label_limit - 1 are classes */
    uint8_t invalid_byte;   /* a label byte of class PRC__INVALID */
    uint8_t table[256];     /* label byte -> class, for multi-class */
    /* Weighted accumulators: each pixel adds its weight in units of
     * 2^-16 (PRC_WEIGHT_ONE without weights). */
    int weighted;
    const unsigned char *weights; /* NULL: weight 1 */
    int64_t weight_stride[3];
    /* With a validity mask, labels are gathered as class codes (0
     * negative, 1 positive, 2 ignored, 3 invalid) through label_table, and
     * the kernels read them through code_table. */
    const unsigned char *mask;
    int64_t mask_stride[3];
    const uint8_t *label_table;
    uint8_t codes[256];     /* class code -> class: 0..3 as they are */
};

/* ------------------------------------------------------------------------ */
/* Tables and kernels                                                       */
/* ------------------------------------------------------------------------ */

static struct prc__kernel_ctx kernel_ctx(const prc_accumulator *acc,
                                         const uint8_t *classes)
{
    struct prc__kernel_ctx k;

    k.thresholds = acc->thresholds;
    k.bins = (double)acc->bins;
    k.last = acc->bins;
    k.slots = (uint32_t)acc->slots;
    k.ge = acc->rule == PRC_RULE_GE;
    k.nan_policy = (int)acc->options.value[PRC_OPT_NAN_POLICY];
    k.range_policy = (int)acc->options.value[PRC_OPT_RANGE_POLICY];
    k.ignored_cell = (uint32_t)PRC__IGNORED_CELL(acc);
    k.skipped_cell = (uint32_t)PRC__SKIPPED_CELL(acc);
    k.classes = classes;
    k.u8_slot = acc->u8_slot;
    k.counted_limit = 2;
    k.positive_byte = 1;
    k.custom = acc->custom;
    k.single = acc->bins <= PRC__SINGLE_MAX_BINS
               || (acc->bins & (acc->bins - 1)) == 0;
    k.lo = acc->range_lo;
    k.hi = acc->range_hi;
    return k;
}

/* The thresholds: k / B, or spread over a range, or the caller's. */
static prc_status build_thresholds(prc_accumulator *acc)
{
    const prc_options *o = &acc->options;
    double *t = acc->thresholds, span = o->range_hi - o->range_lo;
    size_t i, b = acc->bins;

    if (o->thresholds != NULL) {
        memcpy(t, o->thresholds, acc->rows * sizeof *t);
    } else if (acc->custom) {
        for (i = 0; i < acc->rows; i++)
            t[i] = o->range_lo + span * ((double)i / (double)b);
        t[0] = o->range_lo;
        t[b] = o->range_hi;
    } else {
        for (i = 0; i < acc->rows; i++)
            t[i] = (double)i / (double)b;
    }
    t[acc->rows] = INFINITY;

    for (i = 1; i < acc->rows; i++)
        if (!(t[i - 1] < t[i]))
            return PRC_E_OPTION_VALUE;
    return PRC_OK;
}

prc_status prc__build_tables(prc_accumulator *acc)
{
    int64_t ignore = acc->options.value[PRC_OPT_IGNORE_LABEL];
    struct prc__kernel_ctx k;
    int v;

    if (build_thresholds(acc) != PRC_OK)
        return PRC_E_OPTION_VALUE;
    k = kernel_ctx(acc, NULL);
    for (v = 0; v < 256; v++) {
        acc->u8_slot[v] = prc__exact_slot(&k, (double)v / 255.0);
        acc->label_class[v] = PRC__INVALID;
        acc->bool_class[v] = PRC__INVALID;
    }
    acc->label_class[0] = acc->bool_class[0] = PRC__NEGATIVE;
    acc->label_class[1] = acc->bool_class[1] = PRC__POSITIVE;
    if (ignore != PRC_NO_IGNORE_LABEL)
        acc->label_class[ignore] = PRC__IGNORED;
    return PRC_OK;
}

int prc__resolve_kernel(int requested)
{
    if (requested != PRC_KERNEL_AUTO)
        return prc__kernel_supported(requested) ? requested : -1;
    if (prc__kernel_supported(PRC_KERNEL_AVX512))
        return PRC_KERNEL_AVX512;
    if (prc__kernel_supported(PRC_KERNEL_AVX2))
        return PRC_KERNEL_AVX2;
    return prc__kernel_supported(PRC_KERNEL_SSE2) ? PRC_KERNEL_SSE2
                                                  : PRC_KERNEL_SCALAR;
}

/* Strides in bytes of an array: image, row, column, then class. */
struct layout {
    int64_t stride[4];
};

/* The strides of an array with `classes` class channels (1: none): as
 * given, or those of its contiguous layout. */
static struct layout layout_of(const prc_batch *batch, int strided,
                               const int64_t given[3], int64_t class_stride,
                               size_t size, size_t classes)
{
    int64_t h = (int64_t)batch->height, w = (int64_t)batch->width;
    int64_t c = (int64_t)classes, e = (int64_t)size;
    struct layout l;

    if (strided) {
        memcpy(l.stride, given, 3 * sizeof *given);
        l.stride[3] = class_stride;
    } else if (batch->layout == PRC_LAYOUT_NHWC) {
        l.stride[3] = e;
        l.stride[2] = c * e;
        l.stride[1] = w * c * e;
        l.stride[0] = h * w * c * e;
    } else {
        l.stride[2] = e;
        l.stride[1] = w * e;
        l.stride[3] = h * w * e;
        l.stride[0] = c * h * w * e;
    }
    return l;
}

static int native_scores(prc_dtype dtype)
{
    return dtype == PRC_DTYPE_FLOAT32 || dtype == PRC_DTYPE_FLOAT64
           || dtype == PRC_DTYPE_UINT8;
}

/* Whether the kernels can read the arrays in place: every image a
 * contiguous, aligned plane of types they take. */
static int direct(const struct feed *f)
{
    int64_t w = (int64_t)f->batch->width;
    int64_t s = (int64_t)f->score_size;

    return native_scores(f->batch->score_dtype) && f->label_size == 1
           && f->score_stride[2] == s && f->score_stride[1] == w * s
           && f->label_stride[2] == 1 && f->label_stride[1] == w
           && f->score_stride[0] % s == 0
           && (uintptr_t)f->scores % f->score_size == 0;
}

/* The label table of class c of a multi-class map: c positive, the other
 * classes negative, the ignore label ignored, any other byte invalid. */
static void class_table(struct feed *f, size_t classes, size_t c)
{
    int v;

    for (v = 0; v < 256; v++)
        f->table[v] = (size_t)v < classes ? ((size_t)v == c ? PRC__POSITIVE
                                                            : PRC__NEGATIVE)
                                          : PRC__INVALID;
    if (f->ignore != PRC_NO_IGNORE_LABEL)
        f->table[f->ignore] = PRC__IGNORED;
}

/* The one byte a label table marks ignored, or 256 if none or several. */
static uint32_t ignored_byte(const uint8_t *table)
{
    uint32_t found = 256;
    int v;

    for (v = 0; v < 256; v++)
        if (table[v] == PRC__IGNORED) {
            if (found != 256)
                return 256;
            found = (uint32_t)v;
        }
    return found;
}

/* A kernel's classifier of float32 (wide 0) or float64 (wide 1) scores. */
static prc__classify_fn float_kernel(int kernel, int wide)
{
    switch (kernel) {
    case PRC_KERNEL_AVX512:
        return wide ? prc__avx512_f64 : prc__avx512_f32;
    case PRC_KERNEL_AVX2:
        return wide ? prc__avx2_f64 : prc__avx2_f32;
    case PRC_KERNEL_SSE2:
        return wide ? prc__sse2_f64 : prc__sse2_f32;
    default:
        return wide ? prc__classify_f64 : prc__classify_f32;
    }
}

/* Whether a label table is what the vector kernels compute from bytes:
 * below counted_limit counted (positive exactly at positive_byte),
 * ignored_byte ignored, anything else invalid. */
static int table_is_arithmetic(const struct prc__kernel_ctx *k)
{
    uint32_t v;

    for (v = 0; v < 256; v++) {
        uint8_t want = v < k->counted_limit
                           ? (v == k->positive_byte ? PRC__POSITIVE
                                                    : PRC__NEGATIVE)
                       : v == k->ignored_byte ? PRC__IGNORED
                                              : PRC__INVALID;

        if (k->classes[v] != want)
            return 0;
    }
    return 1;
}

/* A kernel's counter of uint8 scores into the split histogram: its own
 * when it has one and the labels follow the arithmetic rule, else the
 * portable one. */
static prc__tally_fn u8_tally(int kernel, const struct prc__kernel_ctx *k)
{
    if (!table_is_arithmetic(k))
        return prc__tally_u8;
    if (kernel == PRC_KERNEL_AVX512)
        return prc__avx512_tally_u8;
    if (kernel == PRC_KERNEL_AVX2)
        return prc__avx2_tally_u8;
    if (kernel == PRC_KERNEL_SSE2)
        return prc__sse2_tally_u8;
    return prc__tally_u8;
}

/* Sets up *feed for class c of a batch.  (In place: the kernel context
 * points into the feed's own label table.) */
static void feed_init(struct feed *feed, prc_accumulator *acc,
                      const prc_batch *batch, size_t c)
{
    int multiclass = acc->classes > 1 && !acc->multilabel;
    struct layout score, label;

    feed->acc = acc;
    feed->batch = batch;
    feed->class_index = c;
    feed->block = acc->state + c * acc->block_length;
    feed->plane = batch->height * batch->width;
    feed->ignore = acc->options.value[PRC_OPT_IGNORE_LABEL];
    feed->label_limit = multiclass ? (int64_t)acc->classes : 2;
    for (feed->invalid_byte = (uint8_t)feed->label_limit;
         feed->invalid_byte == feed->ignore; feed->invalid_byte++)
        ;
    feed->label_size = prc__dtype_size(batch->label_dtype);
    feed->score_size = prc__dtype_size(batch->score_dtype);
    score = layout_of(batch, batch->score_strided, batch->score_stride,
                      batch->score_class_stride, feed->score_size,
                      acc->classes);
    label = layout_of(batch, batch->label_strided, batch->label_stride,
                      batch->label_class_stride, feed->label_size,
                      acc->multilabel ? acc->classes : 1);
    memcpy(feed->score_stride, score.stride, sizeof feed->score_stride);
    memcpy(feed->label_stride, label.stride, sizeof feed->label_stride);
    feed->scores = (const unsigned char *)batch->scores
                   + (int64_t)c * score.stride[3];
    feed->labels = (const unsigned char *)batch->labels
                   + (acc->multilabel ? (int64_t)c * label.stride[3] : 0);
    feed->weighted = acc->weighted;
    feed->weights = batch->weights;
    if (batch->weights != NULL) {
        struct layout weight = layout_of(
            batch, batch->weight_strided, batch->weight_stride, 0,
            prc__dtype_size(batch->weight_dtype), 1);

        memcpy(feed->weight_stride, weight.stride,
               sizeof feed->weight_stride);
    }
    if (multiclass)
        class_table(feed, acc->classes, c);
    feed->label_table = multiclass ? feed->table
                        : batch->label_dtype == PRC_DTYPE_BOOL
                            ? acc->bool_class : acc->label_class;
    feed->k = kernel_ctx(acc, feed->label_table);
    feed->k.counted_limit = (uint32_t)feed->label_limit;
    feed->k.positive_byte = multiclass ? (uint32_t)c : 1;
    feed->mask = batch->mask;
    if (batch->mask != NULL) {
        struct layout mask = layout_of(batch, batch->mask_strided,
                                       batch->mask_stride, 0, 1, 1);
        int v;

        memcpy(feed->mask_stride, mask.stride, sizeof feed->mask_stride);
        for (v = 0; v < 256; v++)
            feed->codes[v] = v <= PRC__INVALID ? (uint8_t)v : PRC__INVALID;
        feed->k.classes = feed->codes;
        feed->k.counted_limit = 2;
        feed->k.positive_byte = PRC__POSITIVE;
    }
    feed->k.ignored_byte = ignored_byte(feed->k.classes);
    feed->tally = NULL;
    feed->split_cells = acc->weighted ? 0 : acc->cells;
    feed->split_copies = acc->cells > PRC__SPLIT_MAX_CELLS ? 1 : PRC__SPLIT;
    feed->gather = !direct(feed) || acc->custom || batch->mask != NULL;
    if (acc->custom) {
        /* Thresholds other than k / B: no fast path, a binary search. */
        feed->classify = prc__classify_general;
        return;
    }
    if (feed->gather || batch->score_dtype == PRC_DTYPE_FLOAT64) {
        feed->classify = float_kernel(acc->kernel, 1);
        return;
    }
    if (batch->score_dtype == PRC_DTYPE_FLOAT32) {
        feed->classify = float_kernel(acc->kernel, 0);
        return;
    }
    feed->classify = prc__classify_u8;
    if (!acc->weighted) {
        feed->split_cells = PRC__U8_CELLS;
        feed->split_copies = PRC__SPLIT;
        feed->tally = u8_tally(acc->kernel, &feed->k);
    }
}

/* ------------------------------------------------------------------------ */
/* Reading any type and layout                                              */
/* ------------------------------------------------------------------------ */

/* IEEE binary16 to double, exactly. */
static double half_value(uint16_t h)
{
    int exponent = h >> 10 & 0x1f;
    double magnitude;

    if (exponent == 0x1f)
        magnitude = h & 0x3ff ? NAN : INFINITY;
    else if (exponent == 0)
        magnitude = ldexp(h & 0x3ff, -24);
    else
        magnitude = ldexp((h & 0x3ff) | 0x400, exponent - 25);
    return h & 0x8000 ? -magnitude : magnitude;
}

/* The score stored at p, as a double, exactly. */
static double score_value(prc_dtype dtype, const unsigned char *p)
{
    float f32;
    double f64;
    uint16_t u16;
    uint32_t bits;

    switch (dtype) {
    case PRC_DTYPE_FLOAT32:
        memcpy(&f32, p, 4);
        return f32;
    case PRC_DTYPE_FLOAT64:
        memcpy(&f64, p, 8);
        return f64;
    case PRC_DTYPE_UINT8:
        return *p / 255.0;
    case PRC_DTYPE_UINT16:
        memcpy(&u16, p, 2);
        return u16 / 65535.0;
    case PRC_DTYPE_FLOAT16:
        memcpy(&u16, p, 2);
        return half_value(u16);
    default: /* bfloat16 */
        memcpy(&u16, p, 2);
        bits = (uint32_t)u16 << 16;
        memcpy(&f32, &bits, 4);
        return f32;
    }
}

/* The label stored at p, as a wide integer. */
static int64_t label_value(prc_dtype dtype, const unsigned char *p)
{
    int32_t i32;
    int64_t i64;

    switch (dtype) {
    case PRC_DTYPE_INT32:
        memcpy(&i32, p, 4);
        return i32;
    case PRC_DTYPE_INT64:
        memcpy(&i64, p, 8);
        return i64;
    default:
        return *p;
    }
}

/* A label as the byte the class tables take. */
static uint8_t label_byte(const struct feed *f, int64_t v)
{
    if (f->label_size == 1 || (v >= 0 && v < f->label_limit)
        || (v == f->ignore && f->ignore != PRC_NO_IGNORE_LABEL))
        return (uint8_t)v;
    return f->invalid_byte;
}

/* Address of pixel `at` (flat index) of an array with these strides. */
static const unsigned char *pixel(const struct feed *f, const void *base,
                                  const int64_t stride[3], size_t at)
{
    size_t image = at / f->plane, rest = at % f->plane;
    int64_t offset = (int64_t)image * stride[0]
                     + (int64_t)(rest / f->batch->width) * stride[1]
                     + (int64_t)(rest % f->batch->width) * stride[2];

    return (const unsigned char *)base + offset;
}

/* Converts pixels [first, first + n) into scores[] and labels[]. */
static void gather(const struct feed *f, size_t first, size_t n,
                   double *scores, uint8_t *labels)
{
    const prc_batch *b = f->batch;
    size_t i;

    for (i = 0; i < n; i++) {
        scores[i] = score_value(b->score_dtype,
                                pixel(f, f->scores, f->score_stride,
                                      first + i));
        labels[i] = label_byte(f, label_value(b->label_dtype,
                                              pixel(f, f->labels,
                                                    f->label_stride,
                                                    first + i)));
        if (f->mask != NULL)
            labels[i] = *pixel(f, f->mask, f->mask_stride, first + i)
                            ? f->label_table[labels[i]]
                            : PRC__IGNORED;
    }
}

/* ------------------------------------------------------------------------ */
/* Counting pixels                                                          */
/* ------------------------------------------------------------------------ */

/* A weight in units of 2^-16, rounded to the nearest (half up); the
 * weight was checked to lie in [0, 2^24]. */
static uint64_t weight_units(double w)
{
    return (uint64_t)(w * (double)PRC_WEIGHT_ONE + 0.5);
}

static double weight_at(const struct feed *f, size_t at)
{
    return score_value(f->batch->weight_dtype,
                       pixel(f, f->weights, f->weight_stride, at));
}

/*
 * Before anything is counted: every weight valid, and the total weight
 * of the batch, in units of 2^-16, into *total (what each class's FED
 * grows by).  On a bad weight returns PRC_E_WEIGHT naming it.
 */
static prc_status weigh_batch(const struct feed *f, uint64_t *total)
{
    size_t pixels = f->batch->images * f->plane, at;
    uint64_t sum = 0;

    if (!f->weighted) {
        *total = pixels;
        return PRC_OK;
    }
    if (f->weights == NULL) {
        *total = pixels > UINT64_MAX / PRC_WEIGHT_ONE
                     ? UINT64_MAX : pixels * PRC_WEIGHT_ONE;
        return PRC_OK;
    }
    for (at = 0; at < pixels; at++) {
        double w = weight_at(f, at);
        uint64_t units;

        if (!(w >= 0.0 && w <= 16777216.0)) {
            snprintf(f->acc->last_error, sizeof f->acc->last_error,
                     "image %zu, row %zu, column %zu: weight %.17g is "
                     "negative, not finite or above 2^24", at / f->plane,
                     at % f->plane / f->batch->width,
                     at % f->batch->width, w);
            return PRC_E_WEIGHT;
        }
        units = weight_units(w);
        sum = units > UINT64_MAX - sum ? UINT64_MAX : sum + units;
    }
    *total = sum;
    return PRC_OK;
}

/* Adds the weights of pixels [at, at + m) to their cells. */
static void count_weighted(const struct feed *f, size_t at, size_t m,
                           const uint32_t *cell, uint64_t *counts,
                           uint64_t inc)
{
    size_t i;

    if (f->weights == NULL) {
        for (i = 0; i < m; i++)
            counts[cell[i]] += PRC_WEIGHT_ONE * inc;
        return;
    }
    for (i = 0; i < m; i++)
        counts[cell[i]] += weight_units(weight_at(f, at + i)) * inc;
}

/* counts[cell[i]] += inc for i < m, four at a time: the loop's own
 * overhead is then a quarter of an instruction per pixel. */
static void increment(uint64_t *counts, const uint32_t *cell, size_t m,
                      uint64_t inc)
{
    size_t i;

    for (i = 0; i + 4 <= m; i += 4) {
        counts[cell[i]] += inc;
        counts[cell[i + 1]] += inc;
        counts[cell[i + 2]] += inc;
        counts[cell[i + 3]] += inc;
    }
    for (; i < m; i++)
        counts[cell[i]] += inc;
}

/* split[cell[i]] += 1 for i < m: one 32-bit copy, for many cells. */
static void increment_one(uint32_t *split, const uint32_t *cell, size_t m)
{
    size_t i;

    for (i = 0; i + 4 <= m; i += 4) {
        split[cell[i]]++;
        split[cell[i + 1]]++;
        split[cell[i + 2]]++;
        split[cell[i + 3]]++;
    }
    for (; i < m; i++)
        split[cell[i]]++;
}

/* Adds what the split histogram owes into its target and zeroes it. */
static void settle(struct split *sp)
{
    const struct feed *f = sp->f;
    uint32_t *split = sp->copies;
    uint64_t *counts = sp->target, inc = sp->inc, ignored = 0;
    size_t stride, c;

    if (sp->pending == 0)
        return;
    sp->pending = 0;
    stride = f->acc->split_stride;

    for (c = 0; c < f->split_cells; c++) {
        uint64_t sum = split[c];

        split[c] = 0;
        if (f->split_copies > 1) {
            sum += (uint64_t)split[stride + c] + split[2 * stride + c]
                   + split[3 * stride + c];
            split[stride + c] = split[2 * stride + c] = 0;
            split[3 * stride + c] = 0;
        }
        if (sum == 0)
            continue;
        if (f->tally == NULL)
            counts[c] += sum * inc;
        else if (c < 512)
            counts[(c >> 8) * f->k.slots + f->acc->u8_slot[c & 255]] +=
                sum * inc;
        else
            ignored += sum;
    }
    counts[f->k.ignored_cell] += ignored * inc;
}

/* Pixels counted into the split histogram between folds: each copy's
 * counters stay far below 2^32, and a fold (a few thousand additions) is
 * rare. */
#define SPLIT_FOLD_PIXELS ((size_t)1 << 24)

/* Whether a run counts through the split histogram: any run of a pooled
 * feed of one class, whose runs share one fold; in per-image mode, whose
 * image must be settled at its end, or with several classes, whose runs
 * take turns, a run long enough to pay for its own fold. */
static int use_split(const struct feed *f, size_t n)
{
    if (f->split_cells == 0)
        return 0;
    if (f->split_copies == 1)
        return !f->acc->whole_images && f->acc->classes == 1
               && f->batch->images * f->plane >= 8 * f->split_cells;
    return (!f->acc->whole_images && f->acc->classes == 1)
           || n >= 8 * PRC__SPLIT * f->split_cells;
}

/*
 * Counts pixels [first, first + n) of the batch (flat index) into `counts`
 * with increment `inc` (1, or 2^64 - 1 to take them away again), a chunk at
 * a time, and ORs what it saw into *seen.  Stops before the first chunk
 * holding a bad pixel and returns 0 with *bad_at set to that chunk's start.
 * Counts that go through the split histogram reach `counts` when it is
 * settled.
 */
static int count_run(const struct feed *f, size_t first, size_t n,
                     uint64_t *counts, uint64_t inc, struct split *sp,
                     unsigned *seen, size_t *bad_at)
{
    /* Runs never cross an image; read in place, the image is one plane. */
    size_t image = first / f->plane, origin = image * f->plane;
    const unsigned char *scores = f->scores
                                  + (int64_t)image * f->score_stride[0];
    const uint8_t *labels = f->labels + (int64_t)image * f->label_stride[0];
    uint32_t cell[CHUNK];
    size_t at;
    int split = use_split(f, n);

    if (split && (sp->target != counts || sp->inc != inc || sp->f != f)) {
        settle(sp);
        sp->f = f;
        sp->target = counts;
        sp->inc = inc;
    }
    for (at = first; at < first + n; at += CHUNK) {
        size_t m = first + n - at < CHUNK ? first + n - at : CHUNK;
        unsigned chunk_seen;

        if (split) {
            if (sp->pending >= SPLIT_FOLD_PIXELS)
                settle(sp);
            sp->pending += m;
        }
        if (split && f->tally != NULL) {
            chunk_seen = f->tally(&f->k,
                                  scores + (at - origin) * f->score_size,
                                  labels + (at - origin), m, sp->copies,
                                  f->acc->split_stride);
        } else if (f->gather) {
            double gathered_scores[CHUNK];
            uint8_t gathered_labels[CHUNK];

            gather(f, at, m, gathered_scores, gathered_labels);
            chunk_seen = f->classify(&f->k, gathered_scores, gathered_labels,
                                     m, cell);
        } else {
            chunk_seen = f->classify(&f->k,
                                     scores + (at - origin) * f->score_size,
                                     labels + (at - origin), m, cell);
        }

        if (chunk_seen & PRC__SEEN_BAD) {
            *bad_at = at;
            return 0;
        }
        *seen |= chunk_seen;
        if (f->weighted)
            count_weighted(f, at, m, cell, counts, inc);
        else if (split && f->tally == NULL && f->split_copies == 1)
            increment_one(sp->copies, cell, m);
        else if (split && f->tally == NULL)
            prc__increment_split(sp->copies, f->acc->split_stride, cell, m);
        else if (!split)
            increment(counts, cell, m, inc);
    }
    return 1;
}

/* Counts an image that was seen whole with `seen`. */
static void tally_image(uint64_t *state, unsigned seen, uint64_t sign)
{
    if (!(seen & (PRC__SEEN_NEGATIVE | PRC__SEEN_POSITIVE)))
        return;
    state[PRC__IMAGES] += sign;
    if (!(seen & PRC__SEEN_POSITIVE))
        state[PRC__IMAGES_WITHOUT_POSITIVES] += sign;
}

/* ------------------------------------------------------------------------ */
/* Per-image sums                                                           */
/* ------------------------------------------------------------------------ */

/* Adds (sign 1) or subtracts (sign 2^64 - 1) v in [0, 1] in fixed point. */
static void fixed_add(uint64_t *hi, uint64_t *lo, double v, uint64_t sign)
{
    uint64_t q = (uint64_t)(v * 4611686018427387904.0); /* v * 2^62 */

    *hi += (q >> PRC__FIXED_LIMB_BITS) * sign;
    *lo += (q & (((uint64_t)1 << PRC__FIXED_LIMB_BITS) - 1)) * sign;
}

static void add_or_count_nan(double v, uint64_t *nan_count, uint64_t *hi,
                             uint64_t *lo, uint64_t sign)
{
    if (v != v)
        *nan_count += sign;
    else
        fixed_add(hi, lo, v, sign);
}

double prc__average_precision(const uint64_t *negatives,
                              const uint64_t *positives, size_t slots,
                              uint64_t total_positives)
{
    uint64_t tp = 0, fp = 0;
    double sum = 0.0;
    size_t k;

    /* Row k counts slots above k; R[k] - R[k+1] = positives[k+1] / P. */
    for (k = slots - 1; k-- > 0;) {
        tp += positives[k + 1];
        fp += negatives[k + 1];
        if (positives[k + 1] != 0)
            sum += (double)positives[k + 1] * ((double)tp / (double)(tp + fp));
    }
    return sum / (double)total_positives;
}

/*
 * Adds one image's histogram (or removes it, sign 2^64 - 1) to the
 * per-image sums of `state`: its precision and recall at every row, and
 * its AP.
 */
static void fold_image(const prc_accumulator *acc, uint64_t *state,
                       const uint64_t *image, uint64_t sign)
{
    const uint64_t *neg = image, *pos = image + acc->slots;
    uint64_t *sums = state + PRC__STATE_HEADER + acc->cells;
    uint64_t *precision_hi = sums, *precision_lo = sums + acc->rows;
    uint64_t *recall_hi = sums + 2 * acc->rows;
    uint64_t *recall_lo = sums + 3 * acc->rows;
    uint64_t *precision_nan = sums + 4 * acc->rows;
    uint64_t *recall_nan = sums + 5 * acc->rows;
    double zd = acc->zero_division;
    uint64_t tp = 0, fp = 0, positives = 0;
    size_t k;

    for (k = 0; k < acc->slots; k++)
        positives += pos[k];
    for (k = acc->rows; k-- > 0;) {
        double precision, recall;

        tp += pos[k + 1];
        fp += neg[k + 1];
        precision = tp + fp ? (double)tp / (double)(tp + fp) : zd;
        recall = positives ? (double)tp / (double)positives : zd;
        add_or_count_nan(precision, &precision_nan[k], &precision_hi[k],
                         &precision_lo[k], sign);
        add_or_count_nan(recall, &recall_nan[k], &recall_hi[k],
                         &recall_lo[k], sign);
    }
    if (positives != 0)
        fixed_add(&state[PRC__AP_HI], &state[PRC__AP_LO],
                  prc__average_precision(neg, pos, acc->slots, positives),
                  sign);
}

/* ------------------------------------------------------------------------ */
/* Bootstrap replicates                                                     */
/* ------------------------------------------------------------------------ */

static uint64_t splitmix64(uint64_t x)
{
    x += 0x9E3779B97F4A7C15u;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9u;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBu;
    return x ^ (x >> 31);
}

/*
 * The Poisson(1) weight of an image in replicate r: by inversion of a
 * uniform number drawn from splitmix64 of (seed, the image's histogram,
 * r).  Only these inputs decide it, so batches, order and merging do not.
 */
static uint64_t poisson_weight(uint64_t seed, uint64_t image_hash, size_t r)
{
    uint64_t bits = splitmix64(seed ^ splitmix64(image_hash + r));
    double u = (double)(bits >> 11) * 0x1p-53;
    double p = 0.36787944117144233; /* e^-1 */
    double cdf = p;
    uint64_t k = 0;

    while (u >= cdf && k < 64) {
        k++;
        p /= (double)k;
        cdf += p;
    }
    return k;
}

/* Adds (or removes) one image's histogram to every replicate with its
 * weight. */
static void fold_replicates(const prc_accumulator *acc, uint64_t *state,
                            const uint64_t *image, uint64_t sign)
{
    size_t n = 2 * acc->slots, r, i;
    uint64_t *replicate = state + PRC__STATE_HEADER + acc->cells
                          + (acc->per_image ? 6 * acc->rows : 0);
    uint64_t hash = 14695981039346656037u;

    for (i = 0; i < n; i++)
        hash = splitmix64(hash ^ image[i]);
    for (r = 0; r < acc->replicates; r++, replicate += n) {
        uint64_t w = poisson_weight(acc->seed, hash, r) * sign;

        if (w == 0)
            continue;
        for (i = 0; i < n; i++)
            replicate[i] += image[i] * w;
    }
}

/* ------------------------------------------------------------------------ */
/* Whole images                                                             */
/* ------------------------------------------------------------------------ */

/*
 * Counts one image into `sink` with increment `sign`.  Returns 0 with
 * *bad_at set if the image holds a bad pixel.  In per-image mode the image
 * goes through the scratch histogram first, so a bad pixel leaves no
 * trace; in pooled mode the chunks before *bad_at stay counted.
 */
static int feed_image(const struct feed *f, const struct sink *sink,
                      size_t image, uint64_t sign, size_t *bad_at)
{
    const prc_accumulator *acc = f->acc;
    uint64_t *counts = sink->state + PRC__STATE_HEADER;
    unsigned seen = 0;
    size_t i;
    int ok;

    if (!acc->whole_images) {
        if (!count_run(f, image * f->plane, f->plane, counts, sign,
                       sink->split, &seen, bad_at))
            return 0;
        tally_image(sink->state, seen, sign);
        return 1;
    }

    memset(sink->scratch, 0, acc->cells * sizeof *sink->scratch);
    ok = count_run(f, image * f->plane, f->plane, sink->scratch, 1,
                   sink->split, &seen, bad_at);
    settle(sink->split);
    if (!ok)
        return 0;
    for (i = 0; i < acc->cells; i++)
        counts[i] += sink->scratch[i] * sign;
    tally_image(sink->state, seen, sign);
    if (!(seen & (PRC__SEEN_NEGATIVE | PRC__SEEN_POSITIVE)))
        return 1;
    if (acc->per_image)
        fold_image(acc, sink->state, sink->scratch, sign);
    if (acc->replicates)
        fold_replicates(acc, sink->state, sink->scratch, sign);
    return 1;
}

/* Counts the whole batch into the accumulator; on a bad pixel takes back
 * what it counted and returns 0 with *bad_at set. */
static int feed_serial(const struct feed *f, size_t *bad_at)
{
    struct split sp = {f->acc->split, NULL, NULL, 0, 0};
    struct sink sink = {f->block, f->acc->image_counts, &sp};
    size_t image, undo, unused;
    unsigned seen = 0;

    for (image = 0; image < f->batch->images; image++)
        if (!feed_image(f, &sink, image, 1, bad_at))
            break;
    if (image == f->batch->images) {
        settle(&sp);
        return 1;
    }

    for (undo = 0; undo < image; undo++)
        feed_image(f, &sink, undo, UINT64_MAX, &unused);
    if (!f->acc->whole_images && *bad_at > image * f->plane)
        count_run(f, image * f->plane, *bad_at - image * f->plane,
                  sink.state + PRC__STATE_HEADER, UINT64_MAX, &sp, &seen,
                  &unused);
    settle(&sp);
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Threads                                                                  */
/* ------------------------------------------------------------------------ */

/*
 * A worker's share: whole images [first_image, last_image) in per-image
 * mode; pixels [first, last) otherwise, whose first and last image may be
 * shared with the neighbouring workers: what it saw of those is reported in
 * edge_seen[] for the caller to combine.
 */
struct worker {
    const struct feed *f;
    struct sink sink;
    struct split split;
    size_t first, last;
    int ok;
    size_t bad_at;
    size_t edge_image[2];
    unsigned edge_seen[2];
    pthread_t thread;
};

static void run_images(struct worker *w)
{
    size_t image;

    for (image = w->first; image < w->last; image++)
        if (!feed_image(w->f, &w->sink, image, 1, &w->bad_at)) {
            w->ok = 0;
            return;
        }
}

static void run_pixels(struct worker *w)
{
    const struct feed *f = w->f;
    uint64_t *counts = w->sink.state + PRC__STATE_HEADER;
    size_t at = w->first;

    while (at < w->last) {
        size_t image = at / f->plane;
        size_t end = (image + 1) * f->plane < w->last ? (image + 1) * f->plane
                                                      : w->last;
        unsigned seen = 0;

        if (!count_run(f, at, end - at, counts, 1, w->sink.split, &seen,
                       &w->bad_at)) {
            w->ok = 0;
            break;
        }
        if (at == w->first || end == w->last) {
            int edge = at == w->first ? 0 : 1;

            w->edge_image[edge] = image;
            w->edge_seen[edge] |= seen;
        } else {
            tally_image(w->sink.state, seen, 1);
        }
        at = end;
    }
    settle(w->sink.split);
}

static void *run_worker(void *arg)
{
    struct worker *w = arg;

    if (w->f->acc->whole_images)
        run_images(w);
    else
        run_pixels(w);
    return NULL;
}

/* Tallies the images split between workers, each once, with the union of
 * what every worker saw of it. */
static void tally_edges(uint64_t *state, const struct worker *w, int n)
{
    size_t image = SIZE_MAX;
    unsigned seen = 0;
    int i, e;

    for (i = 0; i < n; i++)
        for (e = 0; e < 2; e++) {
            if (w[i].edge_image[e] == SIZE_MAX)
                continue;
            if (w[i].edge_image[e] != image) {
                if (image != SIZE_MAX)
                    tally_image(state, seen, 1);
                image = w[i].edge_image[e];
                seen = 0;
            }
            seen |= w[i].edge_seen[e];
        }
    if (image != SIZE_MAX)
        tally_image(state, seen, 1);
}

/* Splits `total` items into n nearly equal consecutive shares. */
static size_t share(size_t total, int i, int n)
{
    return total / (size_t)n * (size_t)i
           + (total % (size_t)n) * (size_t)i / (size_t)n;
}

/*
 * Counts the batch with acc->threads workers, each into a state of its
 * own.  Returns 1 and adds them to the accumulator if all succeeded; 0 with
 * *bad_at the earliest bad chunk otherwise; -1 if threads could not be
 * started (nothing counted).
 */
static int feed_parallel(const struct feed *f, size_t *bad_at)
{
    prc_accumulator *acc = f->acc;
    struct worker w[PRC__MAX_THREADS];
    size_t total = acc->whole_images ? f->batch->images
                                  : f->batch->images * f->plane;
    size_t stride = acc->block_length + acc->cells, j;
    int n = acc->threads, i, started;

    for (i = 0; i < n; i++) {
        w[i].f = f;
        w[i].sink.state = acc->workers + (size_t)i * stride;
        w[i].sink.scratch = w[i].sink.state + acc->block_length;
        w[i].split.copies = acc->split
                            + (size_t)i * acc->split_size;
        w[i].split.f = NULL;
        w[i].split.target = NULL;
        w[i].split.inc = 0;
        w[i].split.pending = 0;
        w[i].sink.split = &w[i].split;
        memset(w[i].sink.state, 0, acc->block_length * sizeof(uint64_t));
        w[i].first = share(total, i, n);
        w[i].last = share(total, i + 1, n);
        w[i].ok = 1;
        w[i].edge_image[0] = w[i].edge_image[1] = SIZE_MAX;
        w[i].edge_seen[0] = w[i].edge_seen[1] = 0;
    }
    for (started = 1; started < n; started++)
        if (pthread_create(&w[started].thread, NULL, run_worker,
                           &w[started]) != 0)
            break;
    if (started == n)
        run_worker(&w[0]);
    for (i = 1; i < started; i++)
        pthread_join(w[i].thread, NULL);
    /* Whatever a worker's split histogram still owes reaches its state
     * (the runs settle their own; this makes sure by construction). */
    for (i = 0; i < n; i++)
        settle(&w[i].split);
    if (started < n)
        return -1;

    for (i = 0; i < n; i++)
        if (!w[i].ok) {
            *bad_at = w[i].bad_at;
            return 0;
        }
    for (i = 0; i < n; i++)
        for (j = 0; j < acc->block_length; j++)
            f->block[j] += w[i].sink.state[j];
    if (!acc->whole_images)
        tally_edges(f->block, w, n);
    return 1;
}

/* ------------------------------------------------------------------------ */
/* Feeding                                                                  */
/* ------------------------------------------------------------------------ */

/* Finds the first bad pixel of a class from pixel `first` on: 1 with
 * *at, *status, *label and *s set, or 0 if there is none. */
static int first_bad(const struct feed *f, size_t first, size_t *at,
                     prc_status *status, int64_t *label, double *s)
{
    const prc_batch *batch = f->batch;
    size_t total = batch->images * f->plane;

    for (*at = first; *at < total; ++*at) {
        uint32_t cls;
        unsigned seen = 0;

        *label = label_value(batch->label_dtype,
                             pixel(f, f->labels, f->label_stride, *at));
        *s = score_value(batch->score_dtype,
                         pixel(f, f->scores, f->score_stride, *at));
        cls = f->label_table[label_byte(f, *label)];
        if (f->mask != NULL && !*pixel(f, f->mask, f->mask_stride, *at))
            continue;
        *status = PRC_E_LABEL;
        if (cls == PRC__INVALID)
            return 1;
        *status = *s != *s ? PRC_E_NAN : PRC_E_RANGE;
        if (prc__float_cell(&f->k, *s, cls, &seen) == PRC__BAD_CELL)
            return 1;
    }
    return 0;
}

/* Describes the first bad pixel from the chunk at `first` on in
 * acc->last_error and returns its status. */
static prc_status explain_rejection(const struct feed *f, size_t first)
{
    const prc_batch *batch = f->batch;
    size_t plane = f->plane, at;
    prc_status status = PRC_E_LABEL;
    int64_t label = 0;
    double s = 0.0;
    char where[96];

    if (!first_bad(f, first, &at, &status, &label, &s))
        status = PRC_E_LABEL; /* not reached: the kernels found one */

    /* The class is named where it matters: a score's channel, or a
     * multi-label mask; a class index is no class's own. */
    if (f->acc->classes > 1
        && (status != PRC_E_LABEL || f->acc->multilabel))
        snprintf(where, sizeof where, "image %zu, row %zu, column %zu, "
                 "class %zu", at / plane, at % plane / batch->width,
                 at % batch->width, f->class_index);
    else
        snprintf(where, sizeof where, "image %zu, row %zu, column %zu",
                 at / plane, at % plane / batch->width, at % batch->width);
    /* %.17g: a score just past the range must not print as its end. */
    if (status == PRC_E_LABEL)
        snprintf(f->acc->last_error, sizeof f->acc->last_error,
                 "%s: label %lld is %s", where, (long long)label,
                 batch->label_dtype == PRC_DTYPE_BOOL
                     ? "neither 0 nor 1 (bool labels)"
                 : f->label_limit > 2 && !f->acc->multilabel
                     ? "neither a class nor the ignore label"
                     : "neither 0, 1 nor the ignore label");
    else if (status == PRC_E_NAN)
        snprintf(f->acc->last_error, sizeof f->acc->last_error,
                 "%s: score nan is NaN", where);
    else
        snprintf(f->acc->last_error, sizeof f->acc->last_error,
                 "%s: score %.17g lies outside [%.17g, %.17g]", where, s,
                 f->k.lo, f->k.hi);
    return status;
}

/* Whether every byte offset of a strided array of this shape, with
 * `classes` class channels, fits in int64_t. */
static int offsets_fit(const prc_batch *batch, const int64_t stride3[3],
                       int64_t class_stride, size_t classes)
{
    size_t dims[4] = {batch->images, batch->height, batch->width, classes};
    int64_t stride[4] = {stride3[0], stride3[1], stride3[2], class_stride};
    uint64_t reach = 0;
    int i;

    for (i = 0; i < 4; i++) {
        uint64_t step = stride[i] < 0 ? 0 - (uint64_t)stride[i]
                                      : (uint64_t)stride[i];

        if (dims[i] > 1 && step > (uint64_t)INT64_MAX / (dims[i] - 1))
            return 0;
        step *= dims[i] - 1;
        if (step > (uint64_t)INT64_MAX - reach)
            return 0;
        reach += step;
    }
    return 1;
}

/* Whether a contiguous array of the batch's shape with `classes` channels
 * of `size`-byte elements has byte offsets that fit in int64_t. */
static int contiguous_fits(const prc_batch *batch, size_t classes,
                           size_t size)
{
    uint64_t limit = (uint64_t)INT64_MAX, bytes = size;
    size_t dims[4] = {batch->images, batch->height, batch->width, classes};
    int i;

    for (i = 0; i < 4; i++) {
        if (bytes > limit / dims[i])
            return 0;
        bytes *= dims[i];
    }
    return 1;
}

/* Checks what can be checked before counting; *total gets what each
 * class's fed total grows by (pixels, or weight units). */
static prc_status check_batch(prc_accumulator *acc, const prc_batch *batch,
                              uint64_t *total)
{
    size_t label_classes = acc->multilabel ? acc->classes : 1, c;
    struct feed f;
    prc_status status;
    uint64_t pixels;

    if (batch->scores == NULL || batch->labels == NULL || !batch->has_shape)
        return PRC_E_INCOMPLETE;
    /* bool labels are 0 and 1: they cannot name one class of several. */
    if (acc->classes > 1 && !acc->multilabel
        && batch->label_dtype == PRC_DTYPE_BOOL)
        return PRC_E_DTYPE;
    if ((!batch->score_strided
         && !contiguous_fits(batch, acc->classes,
                             prc__dtype_size(batch->score_dtype)))
        || (!batch->label_strided
            && !contiguous_fits(batch, label_classes,
                                prc__dtype_size(batch->label_dtype))))
        return PRC_E_OVERFLOW;
    /* A strided view with classes must say how far apart they are. */
    if (acc->classes > 1 && !batch->class_strided
        && (batch->score_strided
            || (acc->multilabel && batch->label_strided)))
        return PRC_E_INCOMPLETE;
    if ((batch->score_strided
         && !offsets_fit(batch, batch->score_stride,
                         batch->score_class_stride, acc->classes))
        || (batch->label_strided
            && !offsets_fit(batch, batch->label_stride,
                            batch->label_class_stride, label_classes)))
        return PRC_E_OVERFLOW;
    if (batch->weights != NULL && !acc->weighted)
        return PRC_E_NOT_ENABLED;
    if (batch->mask != NULL
        && ((!batch->mask_strided && !contiguous_fits(batch, 1, 1))
            || (batch->mask_strided
                && !offsets_fit(batch, batch->mask_stride, 0, 1))))
        return PRC_E_OVERFLOW;
    if (batch->weights != NULL
        && ((!batch->weight_strided
             && !contiguous_fits(batch, 1,
                                 prc__dtype_size(batch->weight_dtype)))
            || (batch->weight_strided
                && !offsets_fit(batch, batch->weight_stride, 0, 1))))
        return PRC_E_OVERFLOW;
    feed_init(&f, acc, batch, 0);
    status = weigh_batch(&f, &pixels);
    if (status != PRC_OK)
        return status;
    *total = pixels;

    /* Caps per class, so that the pooled problem's C times as many
     * (pixel, class) pairs still fit its counters. */
    for (c = 0; c < acc->classes; c++) {
        const uint64_t *block = acc->state + c * acc->block_length;

        if (pixels > prc__max_fed(acc) - block[PRC__FED]
            || batch->images > prc__max_images(acc) - block[PRC__IMAGES])
            return PRC_E_COUNT_LIMIT;
    }
    return PRC_OK;
}

/* Counts the batch for one class; 1 on success, 0 with *bad_at set (the
 * class's counts restored) on a bad pixel. */
static int feed_class(const struct feed *f, size_t *bad_at)
{
    int done = -1;

    if (f->acc->threads > 1)
        done = feed_parallel(f, bad_at);
    if (done < 0)
        done = feed_serial(f, bad_at);
    return done;
}

/* Takes back a class's counts of a batch it counted whole. */
static void unfeed_class(const struct feed *f)
{
    struct split sp = {f->acc->split, NULL, NULL, 0, 0};
    struct sink sink = {f->block, f->acc->image_counts, &sp};
    size_t image, unused;

    for (image = 0; image < f->batch->images; image++)
        feed_image(f, &sink, image, UINT64_MAX, &unused);
    settle(&sp);
}

size_t prc__feed_size(void)
{
    return sizeof(struct feed);
}

/*
 * With several classes, each of n threads takes classes t, t + n, t + 2n,
 * ... and counts the batch image by image, all its classes of one image
 * before the next image, so that an image's labels come from memory once
 * per thread rather than once per class.  A thread owns its classes' state
 * blocks and writes them directly.
 */
struct class_worker {
    struct feed *feeds; /* every class's */
    size_t first, step; /* its classes */
    uint64_t *scratch;  /* its per-image scratch histogram */
    struct split split;
    int ok;
    pthread_t thread;
};

/* Takes back, in class worker w's classes, images [0, image) whole and of
 * `image` the classes before `before`, and settles its split histogram. */
static void class_undo(struct class_worker *w, size_t image, size_t before)
{
    const prc_accumulator *acc = w->feeds[0].acc;
    size_t i, c, unused;

    for (i = 0; i <= image; i++)
        for (c = w->first; c < acc->classes && (i < image || c < before);
             c += w->step) {
            struct sink sink = {w->feeds[c].block, w->scratch, &w->split};

            feed_image(&w->feeds[c], &sink, i, UINT64_MAX, &unused);
        }
    settle(&w->split);
}

static void run_classes(struct class_worker *w)
{
    const prc_accumulator *acc = w->feeds[0].acc;
    size_t images = w->feeds[0].batch->images, plane = w->feeds[0].plane;
    size_t image, c, bad_at = 0, unused;

    w->ok = 1;
    for (image = 0; image < images && w->ok; image++)
        for (c = w->first; c < acc->classes; c += w->step) {
            struct feed *f = &w->feeds[c];
            struct sink sink = {f->block, w->scratch, &w->split};
            unsigned seen = 0;

            if (feed_image(f, &sink, image, 1, &bad_at))
                continue;
            /* The chunks of this image counted before the bad one. */
            if (!acc->whole_images && bad_at > image * plane)
                count_run(f, image * plane, bad_at - image * plane,
                          f->block + PRC__STATE_HEADER, UINT64_MAX,
                          &w->split, &seen, &unused);
            class_undo(w, image, c);
            w->ok = 0;
            break;
        }
    settle(&w->split);
}

static void *run_class_worker(void *arg)
{
    run_classes(arg);
    return NULL;
}

/*
 * Counts a batch of several classes, each thread its share of the classes.
 * Returns PRC_OK, or the status of the first bad pixel (in class order, as
 * the classes were counted one after the other) with nothing counted.
 */
static prc_status feed_classes(prc_accumulator *acc, const prc_batch *batch)
{
    struct feed *feeds = acc->feeds;
    struct class_worker w[PRC__MAX_THREADS];
    size_t stride = acc->block_length + acc->cells, c;
    int n = acc->threads, i, started;

    for (c = 0; c < acc->classes; c++)
        feed_init(&feeds[c], acc, batch, c);
    for (i = 0; i < n; i++) {
        w[i].feeds = feeds;
        w[i].first = (size_t)i;
        w[i].step = (size_t)n;
        w[i].scratch = i == 0 ? acc->image_counts
                              : acc->workers + (size_t)i * stride
                                    + acc->block_length;
        w[i].split.copies = acc->split
                            + (size_t)i * acc->split_size;
        w[i].split.f = NULL;
        w[i].split.target = NULL;
        w[i].split.inc = 0;
        w[i].split.pending = 0;
    }
    for (started = 1; started < n; started++)
        if (pthread_create(&w[started].thread, NULL, run_class_worker,
                           &w[started]) != 0)
            break;
    /* Shares whose thread did not start run here, after this one's. */
    run_classes(&w[0]);
    for (i = started; i < n; i++)
        run_classes(&w[i]);
    for (i = 1; i < started; i++)
        pthread_join(w[i].thread, NULL);
    for (i = 0; i < n; i++)
        settle(&w[i].split);

    for (i = 0; i < n && w[i].ok; i++)
        ;
    if (i == n)
        return PRC_OK;
    for (i = 0; i < n; i++)
        if (w[i].ok)
            class_undo(&w[i], batch->images, 0);
    for (c = 0; c < acc->classes; c++) {
        size_t at;
        prc_status status;
        int64_t label;
        double s;

        if (first_bad(&feeds[c], 0, &at, &status, &label, &s))
            return explain_rejection(&feeds[c], at);
    }
    return explain_rejection(&feeds[0], 0); /* not reached */
}

prc_status prc_accumulator_feed(prc_accumulator *acc, const prc_batch *batch)
{
    struct feed f;
    size_t bad_at = 0, c, undo;
    uint64_t total = 0;
    prc_status status;

    if (acc == NULL || batch == NULL)
        return PRC_E_NULL;
    status = check_batch(acc, batch, &total);
    if (status != PRC_OK) {
        if (status != PRC_E_WEIGHT)
            snprintf(acc->last_error, sizeof acc->last_error, "%s",
                     prc_status_message(status));
        return status;
    }

    if (acc->classes > 1 && acc->classes >= (size_t)acc->threads) {
        status = feed_classes(acc, batch);
        if (status != PRC_OK)
            return status;
        c = acc->classes;
    } else {
        c = 0;
    }
    for (; c < acc->classes; c++) {
        feed_init(&f, acc, batch, c);
        if (feed_class(&f, &bad_at))
            continue;
        status = explain_rejection(&f, bad_at);
        for (undo = 0; undo < c; undo++) {
            struct feed g;

            feed_init(&g, acc, batch, undo);
            unfeed_class(&g);
        }
        return status;
    }

    for (c = 0; c < acc->classes; c++)
        acc->state[c * acc->block_length + PRC__FED] += total;
    return PRC_OK;
}
