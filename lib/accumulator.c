/*
 * accumulator.c - an accumulator's life: creation from options, reset,
 * merging, and the raw state that distributed engines reduce.  Counting
 * pixels is in feed.c.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

static double zero_division_value(int64_t setting)
{
    if (setting == PRC_ZERO_DIVISION_ONE)
        return 1.0;
    if (setting == PRC_ZERO_DIVISION_NAN)
        return NAN;
    return 0.0;
}

size_t prc__block_length(const prc_options *options)
{
    size_t bins = (size_t)options->value[PRC_OPT_BINS];
    size_t cells = 2 * (bins + 2) + 2;

    return PRC__STATE_HEADER + cells
           + (options->value[PRC_OPT_PER_IMAGE] ? 6 * (bins + 1) : 0)
           + (size_t)options->value[PRC_OPT_BOOTSTRAP] * 2 * (bins + 2);
}

size_t prc__state_length(const prc_options *options)
{
    return (size_t)options->value[PRC_OPT_CLASSES]
           * prc__block_length(options);
}

/* Allocates the state and the tables. */
static int allocate_arrays(prc_accumulator *acc)
{
    size_t rows = acc->rows;

    acc->block_length = prc__block_length(&acc->options);
    acc->state_length = prc__state_length(&acc->options);
    acc->thresholds = prc__alloc(&acc->allocator, rows + 1,
                                 sizeof *acc->thresholds, 0);
    acc->state = prc__alloc(&acc->allocator, acc->state_length,
                            sizeof *acc->state, 1);
    if (acc->per_image || acc->replicates)
        acc->image_counts = prc__alloc(&acc->allocator, acc->cells,
                                       sizeof *acc->image_counts, 0);
    if (acc->threads > 1)
        acc->workers = prc__alloc(&acc->allocator, (size_t)acc->threads,
                                  (acc->block_length + acc->cells)
                                      * sizeof *acc->workers,
                                  0);
    acc->split_stride = acc->cells <= PRC__SPLIT_MAX_CELLS
                            && acc->cells > PRC__U8_CELLS
                            ? acc->cells : PRC__U8_CELLS;
    /* A whole number of cache lines, plus one: copies that start a
     * multiple of 4 KiB apart would alias in the store buffer. */
    acc->split_stride = (acc->split_stride + 15) / 16 * 16 + 16;
    /* Above PRC__SPLIT_MAX_CELLS float cells count into one 32-bit copy. */
    acc->split_size = PRC__SPLIT * acc->split_stride;
    if (acc->cells > PRC__SPLIT_MAX_CELLS && acc->cells + 16 > acc->split_size)
        acc->split_size = acc->cells + 16;
    acc->split = prc__alloc(&acc->allocator, (size_t)acc->threads,
                            acc->split_size * sizeof *acc->split, 1);
    if (acc->classes > 1)
        acc->feeds = prc__alloc(&acc->allocator, acc->classes,
                                prc__feed_size(), 0);
    if (acc->thresholds == NULL || acc->state == NULL || acc->split == NULL
        || (acc->classes > 1 && acc->feeds == NULL)
        || ((acc->per_image || acc->replicates) && acc->image_counts == NULL)
        || (acc->threads > 1 && acc->workers == NULL))
        return 0;
    return 1;
}

static void free_arrays(prc_accumulator *acc)
{
    prc__free(&acc->allocator, acc->thresholds);
    prc__free(&acc->allocator, acc->state);
    prc__free(&acc->allocator, acc->image_counts);
    prc__free(&acc->allocator, acc->workers);
    prc__free(&acc->allocator, acc->split);
    prc__free(&acc->allocator, acc->feeds);
}

/* Class indices must lie below the ignore label. */
static int classes_fit(const prc_options *o)
{
    int64_t ignore = o->value[PRC_OPT_IGNORE_LABEL];

    return o->value[PRC_OPT_CLASSES] == 1 || o->value[PRC_OPT_MULTILABEL]
           || ignore == PRC_NO_IGNORE_LABEL
           || ignore >= o->value[PRC_OPT_CLASSES];
}

prc_status prc_accumulator_create(prc_accumulator **out,
                                  const prc_options *options)
{
    prc__allocator a = options != NULL && options->has_allocator
                           ? options->allocator
                           : prc__default_allocator();
    prc_accumulator *acc;
    prc_status status;
    int i;

    if (out == NULL)
        return PRC_E_NULL;
    acc = prc__alloc(&a, 1, sizeof *acc, 1);
    if (acc == NULL)
        return PRC_E_NOMEM;

    acc->allocator = a;
    if (options != NULL) {
        acc->options = *options;
    } else {
        for (i = 1; i <= PRC__OPTION_MAX; i++)
            prc_option_bounds((prc_option)i, NULL, NULL,
                              &acc->options.value[i]);
        acc->options.range_hi = 1.0;
    }
    acc->custom = acc->options.has_range || acc->options.thresholds != NULL;
    acc->range_lo = acc->options.range_lo;
    acc->range_hi = acc->options.range_hi;

    acc->bins = (size_t)acc->options.value[PRC_OPT_BINS];
    acc->rows = acc->bins + 1;
    acc->slots = acc->bins + 2;
    acc->cells = 2 * acc->slots + 2;
    acc->rule = (int)acc->options.value[PRC_OPT_RULE];
    acc->per_image = acc->options.value[PRC_OPT_PER_IMAGE] != 0;
    acc->whole_images = acc->per_image
                        || acc->options.value[PRC_OPT_BOOTSTRAP] != 0;
    acc->zero_division =
        zero_division_value(acc->options.value[PRC_OPT_ZERO_DIVISION]);
    acc->threads = (int)acc->options.value[PRC_OPT_THREADS];
    acc->classes = (size_t)acc->options.value[PRC_OPT_CLASSES];
    acc->replicates = (size_t)acc->options.value[PRC_OPT_BOOTSTRAP];
    acc->weighted = acc->options.value[PRC_OPT_WEIGHTED] != 0;
    acc->seed = (uint64_t)acc->options.value[PRC_OPT_SEED];
    acc->multilabel = acc->options.value[PRC_OPT_MULTILABEL] != 0;
    acc->kernel = prc__resolve_kernel(
        (int)acc->options.value[PRC_OPT_KERNEL]);
    if (acc->kernel < 0 || !classes_fit(&acc->options)) {
        prc_status status = acc->kernel < 0 ? PRC_E_UNSUPPORTED
                                            : PRC_E_OPTION_VALUE;

        prc__free(&a, acc);
        return status;
    }
    if (!allocate_arrays(acc)) {
        prc_accumulator_free(acc);
        return PRC_E_NOMEM;
    }

    /* The accumulator keeps its own thresholds, never the caller's. */
    status = prc__build_tables(acc);
    acc->options.thresholds = NULL;
    if (status != PRC_OK) {
        prc_accumulator_free(acc);
        return status;
    }
    *out = acc;
    return PRC_OK;
}

void prc_accumulator_free(prc_accumulator *acc)
{
    if (acc == NULL)
        return;
    free_arrays(acc);
    prc__free(&acc->allocator, acc);
}

void prc_accumulator_reset(prc_accumulator *acc)
{
    if (acc == NULL)
        return;
    memset(acc->state, 0, acc->state_length * sizeof *acc->state);
    acc->last_error[0] = '\0';
}

prc_status prc_accumulator_get_option(const prc_accumulator *acc,
                                      prc_option option, int64_t *value)
{
    if (acc == NULL)
        return PRC_E_NULL;
    return prc_options_get(&acc->options, option, value);
}

int prc_accumulator_kernel(const prc_accumulator *acc)
{
    return acc == NULL ? -1 : acc->kernel;
}

const char *prc_accumulator_last_error(const prc_accumulator *acc)
{
    if (acc == NULL)
        return "";
    return acc->last_error;
}

/* ------------------------------------------------------------------------ */
/* State: merge, view, add                                                  */
/* ------------------------------------------------------------------------ */

uint64_t prc__max_fed(const prc_accumulator *acc)
{
    return UINT64_MAX / acc->classes;
}

uint64_t prc__max_images(const prc_accumulator *acc)
{
    return PRC__MAX_IMAGES / acc->classes;
}

/* Each limb of a fixed-point value in [0, 1] is at most this. */
#define LIMB_MAX ((uint64_t)1 << PRC__FIXED_LIMB_BITS)

static int sum_of(const uint64_t *values, size_t n, uint64_t *sum)
{
    size_t i;

    *sum = 0;
    for (i = 0; i < n; i++) {
        if (values[i] > UINT64_MAX - *sum)
            return 0;
        *sum += values[i];
    }
    return 1;
}

/* Every per-row value is a sum over `images` images of at most `each`. */
static int rows_bounded(const uint64_t *values, size_t rows, uint64_t images,
                        uint64_t each)
{
    size_t k;

    for (k = 0; k < rows; k++)
        if (values[k] > images * each)
            return 0;
    return 1;
}

/*
 * Whether a fixed-point sum hi * 2^31 + lo of n values in [0, 1] is at most
 * n * 2^62, each value's limbs being at most 2^31 and 2^31 - 1.
 */
static int fixed_bounded(uint64_t hi, uint64_t lo, uint64_t n)
{
    uint64_t room;

    if (hi > n * LIMB_MAX || lo > n * (LIMB_MAX - 1))
        return 0;
    /* lo may add room * 2^31 at most; from room = 2^33 on that passes any
     * uint64_t. */
    room = n * LIMB_MAX - hi;
    return room >= (uint64_t)1 << 33 || lo <= room << PRC__FIXED_LIMB_BITS;
}

prc_status prc__check_block(const prc_accumulator *acc,
                            const uint64_t *state)
{
    const uint64_t *counts = state + PRC__STATE_HEADER;
    const uint64_t *per_image = counts + acc->cells;
    const uint64_t *replicates = per_image + (acc->per_image ? 6 * acc->rows
                                                            : 0);
    uint64_t images = state[PRC__IMAGES];
    uint64_t with_positives, all, negatives, positives;
    size_t rows = acc->rows, i;

    if (!sum_of(counts, acc->cells, &all) || all != state[PRC__FED]
        || !sum_of(counts, acc->slots, &negatives)
        || !sum_of(counts + acc->slots, acc->slots, &positives))
        return PRC_E_STATE;
    /* Every counted pixel lies in a counted image, every counted image
     * holds a counted pixel, and likewise for positives.  (With weights,
     * counts are weight sums, and a pixel of weight 0 adds nothing: only
     * the first of each pair holds.) */
    if (images > prc__max_images(acc) || state[PRC__FED] > prc__max_fed(acc)
        || (!acc->weighted && images > negatives + positives)
        || (negatives + positives > 0 && images == 0)
        || state[PRC__IMAGES_WITHOUT_POSITIVES] > images)
        return PRC_E_STATE;
    with_positives = images - state[PRC__IMAGES_WITHOUT_POSITIVES];
    if ((!acc->weighted && with_positives > positives)
        || (positives > 0 && with_positives == 0))
        return PRC_E_STATE;

    /* Replicate histograms: sums that must not wrap (their weights are
     * random, so nothing ties them to the counts exactly). */
    for (i = 0; i < acc->replicates; i++)
        if (!sum_of(replicates + 2 * i * acc->slots, 2 * acc->slots, &all))
            return PRC_E_STATE;
    if (!acc->per_image)
        return state[PRC__AP_HI] == 0 && state[PRC__AP_LO] == 0
                   ? PRC_OK : PRC_E_STATE;
    if (!fixed_bounded(state[PRC__AP_HI], state[PRC__AP_LO], with_positives))
        return PRC_E_STATE;
    for (i = 0; i < 2 * rows; i++)
        if (!fixed_bounded(per_image[i < rows ? i : i + rows],
                           per_image[i < rows ? i + rows : i + 2 * rows],
                           images))
            return PRC_E_STATE;
    if (!rows_bounded(per_image + 4 * rows, 2 * rows, images, 1))
        return PRC_E_STATE;
    return PRC_OK;
}

/* A class block's positives. */
static uint64_t positives_of(const prc_accumulator *acc,
                             const uint64_t *block)
{
    uint64_t sum = 0;

    sum_of(block + PRC__STATE_HEADER + acc->slots, acc->slots, &sum);
    return sum;
}

/*
 * Every class's block is consistent, and every class saw the same pixels.
 * With class indices, moreover, every class ignored the same pixels, and a
 * pixel is positive for one class at most.
 */
prc_status prc__check_state(const prc_accumulator *acc,
                            const uint64_t *state)
{
    size_t ignored = PRC__STATE_HEADER + PRC__IGNORED_CELL(acc), c;
    uint64_t positives = 0;

    for (c = 0; c < acc->classes; c++) {
        const uint64_t *block = state + c * acc->block_length;

        if (block[PRC__FED] != state[PRC__FED]
            || prc__check_block(acc, block) != PRC_OK)
            return PRC_E_STATE;
        if (acc->classes == 1 || acc->multilabel)
            continue;
        if (block[ignored] != state[ignored]
            || positives_of(acc, block) > state[PRC__FED] - state[ignored]
                                              - positives)
            return PRC_E_STATE;
        positives += positives_of(acc, block);
    }
    return PRC_OK;
}

/* Adds a consistent state, after checking that the totals stay in their
 * caps.  Then every other sum stays in range too. */
static prc_status add_checked(prc_accumulator *acc, const uint64_t *state)
{
    size_t i;

    for (i = 0; i < acc->state_length; i += acc->block_length)
        if (state[i + PRC__FED] > prc__max_fed(acc) - acc->state[i + PRC__FED]
            || state[i + PRC__IMAGES]
                   > prc__max_images(acc) - acc->state[i + PRC__IMAGES])
            return PRC_E_COUNT_LIMIT;

    for (i = 0; i < acc->state_length; i++)
        acc->state[i] += state[i];
    return PRC_OK;
}

/* Same semantic options, same range and the same thresholds. */
static int same_options(const prc_accumulator *a, const prc_accumulator *b)
{
    int i;

    for (i = 1; i <= PRC__OPTION_MAX; i++)
        if (PRC__SEMANTIC(i) && a->options.value[i] != b->options.value[i])
            return 0;
    return a->range_lo == b->range_lo && a->range_hi == b->range_hi
           && memcmp(a->thresholds, b->thresholds,
                     a->rows * sizeof *a->thresholds) == 0;
}

/* Records why a call on acc failed, and returns the status. */
static prc_status failed(prc_accumulator *acc, prc_status status,
                         const char *what)
{
    snprintf(acc->last_error, sizeof acc->last_error, "%s: %s", what,
             prc_status_message(status));
    return status;
}

prc_status prc_accumulator_merge(prc_accumulator *dst,
                                 const prc_accumulator *src)
{
    prc_status status;

    if (dst == NULL || src == NULL)
        return PRC_E_NULL;
    status = same_options(dst, src)
                 ? add_checked(dst, src->state)
                 : PRC_E_MISMATCH;
    return status == PRC_OK ? PRC_OK : failed(dst, status, "merge");
}

prc_status prc_accumulator_state(const prc_accumulator *acc,
                                 const uint64_t **state, size_t *length)
{
    if (acc == NULL || state == NULL || length == NULL)
        return PRC_E_NULL;

    *state = acc->state;
    *length = acc->state_length;
    return PRC_OK;
}

prc_status prc_accumulator_add_state(prc_accumulator *acc,
                                     const uint64_t *state, size_t length)
{
    prc_status status;

    if (acc == NULL || state == NULL)
        return PRC_E_NULL;
    if (length != acc->state_length)
        status = PRC_E_MISMATCH;
    else
        status = prc__check_state(acc, state);
    if (status == PRC_OK)
        status = add_checked(acc, state);
    return status == PRC_OK ? PRC_OK : failed(acc, status, "add state");
}
