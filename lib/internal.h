/*
 * internal.h - structures shared by libprcurve's source files.  Nothing here
 * is part of the public interface; non-static names carry the prc__ prefix.
 */
#ifndef PRC_INTERNAL_H
#define PRC_INTERNAL_H

#include "prcurve.h"

/* Options are stored by their number; slot 0 is unused. */
#define PRC__OPTION_MAX 7

struct prc_options {
    int64_t value[PRC__OPTION_MAX + 1];
};

int prc__option_valid(prc_option option);

struct prc_batch {
    size_t images;
    size_t height;
    size_t width;
    int has_shape;
    prc_dtype score_dtype;
    const void *scores;
    prc_dtype label_dtype;
    const void *labels;
};

/*
 * An unsigned 128-bit fixed-point sum with 62 fraction bits.  Per-image
 * precision, recall and AP are each rounded down to a multiple of 2^-62 and
 * added as integers, so a sum does not depend on the order in which images
 * arrive, and subtracting an image undoes its addition exactly.
 */
typedef struct prc__fixed {
    uint64_t hi;
    uint64_t lo;
} prc__fixed;

/*
 * The histogram: counts[slot] for negatives, then for positives, then one
 * cell for ignored pixels and one for skipped ones.  A pixel's slot is the
 * number of thresholds at which it is predicted positive (0..B+1), so the
 * pixel is predicted positive at threshold k exactly when slot > k.
 */
struct prc_accumulator {
    prc_options options;
    size_t bins;
    size_t slots;        /* bins + 2 */
    int rule;
    int per_image;
    double zero_division;
    double *thresholds;  /* k / bins for k = 0..bins, then +infinity */
    uint32_t u8_slot[256];
    uint8_t label_class[256]; /* for PRC_DTYPE_UINT8 labels */
    uint8_t bool_class[256];  /* for PRC_DTYPE_BOOL labels */
    uint64_t *counts;    /* 2 * slots + 2 */
    uint64_t fed;        /* every pixel fed, ignored and skipped included */
    uint64_t images;
    uint64_t images_without_positives;

    /* Per-image mode only (NULL otherwise). */
    uint64_t *image_counts;  /* scratch histogram of one image */
    prc__fixed *precision_sum;
    prc__fixed *recall_sum;
    uint64_t *precision_nan; /* images whose value was NaN, per row */
    uint64_t *recall_nan;
    prc__fixed ap_sum;
    uint64_t images_with_positives;

    char last_error[192];
};

/* Index of the ignored and skipped cells in counts[]. */
#define PRC__IGNORED_CELL(acc) (2 * (acc)->slots)
#define PRC__SKIPPED_CELL(acc) (2 * (acc)->slots + 1)

/* The zero-division value of an option setting. */
double prc__zero_division_value(int64_t setting);

/*
 * Step-wise average precision of one histogram (negatives, positives, each
 * `slots` long) with `positives` positive pixels in all: the sum over rows k
 * of (R[k] - R[k+1]) * P[k].  Needs positives > 0.
 */
double prc__average_precision(const uint64_t *negatives,
                              const uint64_t *positives, size_t slots,
                              uint64_t total_positives);

#endif /* PRC_INTERNAL_H */
