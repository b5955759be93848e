/*
 * feed.c - the single-pass core: every pixel lands in the slot of its
 * score, split by its label; nothing else is kept.
 *
 * A feed either counts a whole batch or nothing.  Pixels are classified in
 * chunks: a chunk is validated completely before any of its pixels is
 * counted, and when a later chunk or image turns out to be bad, the pixels
 * already counted are counted again with an increment of -1 (modulo 2^64),
 * which restores every count exactly.  A good batch pays nothing for this.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

/* Pixels classified before any of them is counted. */
#define CHUNK 1024

/* Label classes. */
enum { CLASS_NEGATIVE = 0, CLASS_POSITIVE = 1, CLASS_IGNORED = 2,
       CLASS_INVALID = 3 };

/*
 * What the per-pixel code needs from an accumulator, copied into locals so
 * that stores to the caller's cell buffer cannot force reloads.
 */
struct slotter {
    const double *t; /* thresholds; t[B + 1] is +infinity */
    double bins;
    size_t last;     /* B */
    uint32_t slots;  /* B + 2 */
    int ge;
};

static struct slotter slotter_of(const prc_accumulator *acc)
{
    struct slotter sl;

    sl.t = acc->thresholds;
    sl.bins = (double)acc->bins;
    sl.last = acc->bins;
    sl.slots = (uint32_t)acc->slots;
    sl.ge = acc->rule == PRC_RULE_GE;
    return sl;
}

/*
 * The slot of a score s in [0, 1]: how many thresholds it passes.  g, the
 * floor of s * B in double precision, is within one of the true number of
 * thresholds below s, so thresholds g - 1 and below are always passed and
 * g + 2 and above never are; comparing s with the stored thresholds g and
 * g + 1 settles the rest exactly.
 */
static inline uint32_t slot_of(struct slotter sl, double s)
{
    size_t g = (size_t)(s * sl.bins);

    if (g > sl.last)
        g = sl.last;
    if (sl.ge)
        return (uint32_t)(g + (sl.t[g] <= s) + (sl.t[g + 1] <= s));
    return (uint32_t)(g + (sl.t[g] < s) + (sl.t[g + 1] < s));
}

void prc__build_tables(prc_accumulator *acc)
{
    int64_t ignore = acc->options.value[PRC_OPT_IGNORE_LABEL];
    size_t k;
    int v;

    for (k = 0; k <= acc->bins; k++)
        acc->thresholds[k] = (double)k / (double)acc->bins;
    acc->thresholds[acc->bins + 1] = INFINITY;
    for (v = 0; v < 256; v++) {
        acc->u8_slot[v] = slot_of(slotter_of(acc), (double)v / 255.0);
        acc->label_class[v] = CLASS_INVALID;
        acc->bool_class[v] = CLASS_INVALID;
    }
    acc->label_class[0] = acc->bool_class[0] = CLASS_NEGATIVE;
    acc->label_class[1] = acc->bool_class[1] = CLASS_POSITIVE;
    if (ignore != PRC_NO_IGNORE_LABEL)
        acc->label_class[ignore] = CLASS_IGNORED;
}

/* ------------------------------------------------------------------------ */
/* Classifying pixels                                                       */
/* ------------------------------------------------------------------------ */

/*
 * Where a pixel goes: the cell of counts[] (or of the per-image scratch) it
 * increments, or BAD_CELL if the batch must be rejected because of it.
 */
#define BAD_CELL UINT32_MAX

static uint32_t float_cell(const prc_accumulator *acc, double s, int cls)
{
    int64_t policy;

    if (cls == CLASS_IGNORED)
        return (uint32_t)PRC__IGNORED_CELL(acc);
    if (cls == CLASS_INVALID)
        return BAD_CELL;

    if (s != s) {
        policy = acc->options.value[PRC_OPT_NAN_POLICY];
        return policy == PRC_POLICY_SKIP ? (uint32_t)PRC__SKIPPED_CELL(acc)
                                         : BAD_CELL;
    }
    if (s < 0.0 || s > 1.0) {
        policy = acc->options.value[PRC_OPT_RANGE_POLICY];
        if (policy == PRC_POLICY_SKIP)
            return (uint32_t)PRC__SKIPPED_CELL(acc);
        if (policy == PRC_POLICY_REJECT)
            return BAD_CELL;
        s = s < 0.0 ? 0.0 : 1.0;
    }
    return (uint32_t)cls * (uint32_t)acc->slots + slot_of(slotter_of(acc), s);
}

/* float_cell with the common case, a counted pixel in range, inline. */
static inline uint32_t score_cell(const prc_accumulator *acc,
                                  struct slotter sl, double s, uint32_t cls)
{
    if (cls < CLASS_IGNORED && s >= 0.0 && s <= 1.0)
        return cls * sl.slots + slot_of(sl, s);
    return float_cell(acc, s, (int)cls);
}

static double score_at(const prc_batch *batch, size_t i)
{
    switch (batch->score_dtype) {
    case PRC_DTYPE_FLOAT32:
        return ((const float *)batch->scores)[i];
    case PRC_DTYPE_FLOAT64:
        return ((const double *)batch->scores)[i];
    default:
        return ((const uint8_t *)batch->scores)[i] / 255.0;
    }
}

static const uint8_t *class_table(const prc_accumulator *acc,
                                  const prc_batch *batch)
{
    return batch->label_dtype == PRC_DTYPE_BOOL ? acc->bool_class
                                                : acc->label_class;
}

/*
 * Fills cell[0..n) for the pixels starting at flat index `first`.  Returns
 * 1 if every pixel may be counted, 0 if one of them rejects the batch.
 */
static int classify_chunk(const prc_accumulator *acc, const prc_batch *batch,
                          size_t first, size_t n, uint32_t *cell)
{
    const uint8_t *labels = (const uint8_t *)batch->labels + first;
    const uint8_t *classes = class_table(acc, batch);
    struct slotter sl = slotter_of(acc);
    uint32_t ignored = (uint32_t)PRC__IGNORED_CELL(acc);
    uint32_t bad = 0;
    size_t i;

    if (batch->score_dtype == PRC_DTYPE_UINT8) {
        const uint8_t *scores = (const uint8_t *)batch->scores + first;

        for (i = 0; i < n; i++) {
            uint32_t cls = classes[labels[i]];

            cell[i] = cls < CLASS_IGNORED
                          ? cls * sl.slots + acc->u8_slot[scores[i]]
                          : ignored;
            bad |= cls == CLASS_INVALID;
        }
        return !bad;
    }

    if (batch->score_dtype == PRC_DTYPE_FLOAT32) {
        const float *scores = (const float *)batch->scores + first;

        for (i = 0; i < n; i++) {
            cell[i] = score_cell(acc, sl, scores[i], classes[labels[i]]);
            bad |= cell[i] == BAD_CELL;
        }
        return !bad;
    }

    for (i = 0; i < n; i++) {
        cell[i] = score_cell(acc, sl,
                             ((const double *)batch->scores)[first + i],
                             classes[labels[i]]);
        bad |= cell[i] == BAD_CELL;
    }
    return !bad;
}

/* Describes the first pixel of a rejected chunk in acc->last_error. */
static prc_status explain_rejection(prc_accumulator *acc,
                                    const prc_batch *batch, size_t first,
                                    size_t n)
{
    const uint8_t *classes = class_table(acc, batch);
    size_t plane = batch->height * batch->width;
    size_t i, at;
    prc_status status = PRC_E_LABEL;
    uint8_t label = 0;
    double s = 0.0;

    for (i = 0; i < n; i++) {
        label = ((const uint8_t *)batch->labels)[first + i];
        s = score_at(batch, first + i);
        if (classes[label] == CLASS_INVALID)
            break;
        if (float_cell(acc, s, classes[label]) == BAD_CELL) {
            status = s != s ? PRC_E_NAN : PRC_E_RANGE;
            break;
        }
    }

    at = first + i;
    if (status == PRC_E_LABEL)
        snprintf(acc->last_error, sizeof acc->last_error,
                 "image %zu, row %zu, column %zu: label %u is neither 0, 1 "
                 "nor the ignore label", at / plane, at % plane / batch->width,
                 at % batch->width, (unsigned)label);
    else
        snprintf(acc->last_error, sizeof acc->last_error,
                 "image %zu, row %zu, column %zu: score %.9g %s", at / plane,
                 at % plane / batch->width, at % batch->width, s,
                 status == PRC_E_NAN ? "is NaN" : "lies outside [0, 1]");
    return status;
}

/* ------------------------------------------------------------------------ */
/* Counting                                                                 */
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
 * Adds one image's histogram (or removes it, sign = -1) to the per-image
 * sums: its precision and recall at every row, and its AP.
 */
static void fold_image(prc_accumulator *acc, const uint64_t *counts,
                       uint64_t positives, uint64_t sign)
{
    const uint64_t *neg = counts, *pos = counts + acc->slots;
    double zd = acc->zero_division;
    uint64_t tp = 0, fp = 0;
    size_t k;

    for (k = acc->rows; k-- > 0;) {
        double precision, recall;

        tp += pos[k + 1];
        fp += neg[k + 1];
        precision = tp + fp ? (double)tp / (double)(tp + fp) : zd;
        recall = positives ? (double)tp / (double)positives : zd;
        add_or_count_nan(precision, &acc->precision_nan[k],
                         &acc->precision_hi[k], &acc->precision_lo[k], sign);
        add_or_count_nan(recall, &acc->recall_nan[k], &acc->recall_hi[k],
                         &acc->recall_lo[k], sign);
    }
    if (positives == 0)
        return;

    fixed_add(&acc->state[PRC__AP_HI], &acc->state[PRC__AP_LO],
              prc__average_precision(neg, pos, acc->slots, positives), sign);
}

struct image_tally {
    uint64_t counted;
    uint64_t positives;
};

/*
 * Counts pixels [0, limit) of one image into `target` with increment `inc`
 * (1, or 2^64 - 1 to take them away again), a chunk at a time.  Stops before
 * the first chunk that holds a bad pixel and returns 0, with *done set to
 * the pixels counted; returns 1 when all were counted.
 */
static int count_pixels(prc_accumulator *acc, const prc_batch *batch,
                        size_t image, size_t limit, uint64_t *target,
                        uint64_t inc, size_t *done, struct image_tally *tally)
{
    uint32_t cell[CHUNK];
    size_t base = image * batch->height * batch->width;
    uint32_t slots = (uint32_t)acc->slots;
    uint64_t counted = 0, positives = 0;
    size_t at, i;
    int ok = 1;

    for (at = 0; at < limit; at += CHUNK) {
        size_t n = limit - at < CHUNK ? limit - at : CHUNK;

        if (!classify_chunk(acc, batch, base + at, n, cell)) {
            ok = 0;
            break;
        }
        /* Local tallies: target[] could alias *tally, which would force a
         * reload per pixel. */
        for (i = 0; i < n; i++) {
            target[cell[i]] += inc;
            counted += cell[i] < 2 * slots;
            positives += cell[i] - slots < slots;
        }
    }
    *done = ok ? limit : at;
    tally->counted += counted;
    tally->positives += positives;
    return ok;
}

static void tally_image(prc_accumulator *acc, const struct image_tally *t,
                        uint64_t sign)
{
    if (t->counted == 0)
        return;
    acc->state[PRC__IMAGES] += sign;
    if (t->positives == 0)
        acc->state[PRC__IMAGES_WITHOUT_POSITIVES] += sign;
}

/*
 * Counts one image with increment `sign`.  On a bad pixel returns 0 with
 * *done set to the start of the chunk that holds it.  In per-image mode the
 * image goes through the scratch histogram first, so a bad pixel leaves no
 * trace; in pooled mode the pixels before *done stay counted.
 */
static int feed_image(prc_accumulator *acc, const prc_batch *batch,
                      size_t image, uint64_t sign, size_t *done)
{
    size_t plane = batch->height * batch->width;
    size_t cells = acc->cells;
    struct image_tally tally = {0, 0};
    size_t i;

    if (!acc->per_image) {
        if (!count_pixels(acc, batch, image, plane, acc->counts, sign, done,
                          &tally))
            return 0;
        tally_image(acc, &tally, sign);
        return 1;
    }

    memset(acc->image_counts, 0, cells * sizeof *acc->image_counts);
    if (!count_pixels(acc, batch, image, plane, acc->image_counts, 1, done,
                      &tally))
        return 0;
    for (i = 0; i < cells; i++)
        acc->counts[i] += acc->image_counts[i] * sign;
    tally_image(acc, &tally, sign);
    if (tally.counted != 0)
        fold_image(acc, acc->image_counts, tally.positives, sign);
    return 1;
}

static prc_status check_batch(prc_accumulator *acc, const prc_batch *batch)
{
    uint64_t pixels;

    if (batch->scores == NULL || batch->labels == NULL || !batch->has_shape)
        return PRC_E_INCOMPLETE;
    pixels = (uint64_t)batch->images * batch->height * batch->width;
    if (pixels > UINT64_MAX - acc->state[PRC__FED]
        || batch->images > PRC__MAX_IMAGES - acc->state[PRC__IMAGES])
        return PRC_E_COUNT_LIMIT;
    return PRC_OK;
}

prc_status prc_accumulator_feed(prc_accumulator *acc, const prc_batch *batch)
{
    size_t plane, image, undo, done = 0, unused;
    struct image_tally ignore = {0, 0};
    prc_status status;

    if (acc == NULL || batch == NULL)
        return PRC_E_NULL;
    status = check_batch(acc, batch);
    if (status != PRC_OK) {
        snprintf(acc->last_error, sizeof acc->last_error, "%s",
                 prc_status_message(status));
        return status;
    }

    plane = batch->height * batch->width;
    for (image = 0; image < batch->images; image++) {
        if (!feed_image(acc, batch, image, 1, &done))
            break;
    }
    if (image == batch->images) {
        acc->state[PRC__FED] += (uint64_t)batch->images * plane;
        return PRC_OK;
    }

    status = explain_rejection(acc, batch, image * plane + done,
                               plane - done < CHUNK ? plane - done : CHUNK);
    for (undo = 0; undo < image; undo++)
        feed_image(acc, batch, undo, UINT64_MAX, &unused);
    if (!acc->per_image && done != 0)
        count_pixels(acc, batch, image, done, acc->counts, UINT64_MAX, &unused,
                     &ignore);
    return status;
}
