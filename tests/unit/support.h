/*
 * support.h - shared pieces of the unit tests: a deterministic random
 * number generator, a brute-force reference of the curve worked out from the
 * definitions in prcurve.h, and comparisons that report what differs.
 *
 * The reference never shares code with the library: it decides, pixel by
 * pixel, which thresholds a score passes by comparing it with every
 * threshold k / B (binary search over the same comparisons), then counts.
 */
#ifndef PRC_TEST_SUPPORT_H
#define PRC_TEST_SUPPORT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "prcurve.h"

/* Reports a failure with a formatted message and stops the test. */
#define TEST_FAIL(...)                                                        \
    do {                                                                      \
        print_error(__VA_ARGS__);                                             \
        print_error("\n");                                                    \
        _fail(__FILE__, __LINE__);                                            \
    } while (0)

/* Asserts that a call returned the expected status, naming both. */
#define ASSERT_STATUS(call, expected)                                         \
    do {                                                                      \
        int got_ = (int)(call);                                               \
        int want_ = (int)(expected);                                          \
        if (got_ != want_)                                                    \
            TEST_FAIL("%s returned %s, expected %s", #call,                   \
                      prc_status_name(got_), prc_status_name(want_));         \
    } while (0)

#define ASSERT_OK(call) ASSERT_STATUS(call, PRC_OK)

/* Asserts |actual - expected| <= tol * max(1, |expected|); two NaNs match. */
#define ASSERT_CLOSE(actual, expected, tol)                                   \
    test_assert_close((actual), (expected), (tol), #actual, __FILE__,         \
                      __LINE__)

void test_assert_close(double actual, double expected, double tol,
                       const char *what, const char *file, int line);

/* ------------------------------------------------------------------------ */
/* Deterministic pseudo-random numbers (splitmix64)                         */
/* ------------------------------------------------------------------------ */

typedef struct test_rng {
    uint64_t state;
} test_rng;

uint64_t test_rng_next(test_rng *rng);
/* Uniform in [0, n); n > 0. */
uint64_t test_rng_below(test_rng *rng, uint64_t n);
/* Uniform in [0, 1) with 53 random bits. */
double test_rng_unit(test_rng *rng);

/* ------------------------------------------------------------------------ */
/* Brute-force reference                                                    */
/* ------------------------------------------------------------------------ */

typedef struct ref_options {
    size_t bins;
    int rule;          /* enum prc_rule */
    int zero_division; /* enum prc_zero_division */
    int ignore_label;  /* 2..255 or PRC_NO_IGNORE_LABEL */
    int nan_policy;    /* enum prc_policy */
    int range_policy;  /* enum prc_policy */
    int per_image;
} ref_options;

/* The library's defaults, written out from the header. */
void ref_options_default(ref_options *opt);

/* Creates a library options object holding the same settings. */
prc_options *ref_make_options(const ref_options *opt);

typedef struct ref_curve {
    ref_options opt;
    size_t rows; /* bins + 1 */
    uint64_t *tp, *fp, *fn, *tn;
    /* hist_pos[m], hist_neg[m]: counted pixels passing exactly the
     * thresholds of rows 0..m-1, m = 0..bins + 1. */
    uint64_t *hist_pos, *hist_neg;
    uint64_t positives, negatives, ignored, skipped;
    uint64_t images, images_without_positives;
    /* Per-image mode: sums over images of per-image precision and recall,
     * and of the APs of images with positives. */
    double *image_precision_sum, *image_recall_sum;
    double image_ap_sum;
    /* Filled by ref_finish. */
    double *precision, *recall, *f1;
    double *image_precision, *image_recall;
    double ap, trapezoid, best_f1, best_f1_threshold;
    double image_ap, image_trapezoid, mean_image_ap;
} ref_curve;

void ref_init(ref_curve *ref, const ref_options *opt);
void ref_free(ref_curve *ref);

/* Counts `images` images of `pixels` pixels each, as the library's feed is
 * specified to.  Returns the status the library must return; on failure
 * nothing changes. */
prc_status ref_feed(ref_curve *ref, size_t images, size_t pixels,
                    prc_dtype score_dtype, const void *scores,
                    prc_dtype label_dtype, const void *labels);

/* Computes precision, recall, F1 and the summaries of everything fed. */
void ref_finish(ref_curve *ref);

/* The k-th threshold, k / B, and whether a score passes it. */
double ref_threshold(size_t k, size_t bins);
int ref_passes(double score, double threshold, int rule);

/* Compares every row, tally and summary of a result with the reference.
 * Counts must match exactly, derived numbers within `tol` relative. */
void check_result_against_ref(const prc_result *res, const ref_curve *ref,
                              double tol);

/* Asserts that two results agree exactly: every column, every count, every
 * tally and every metric with its status (NaN matches NaN). */
void check_results_identical(const prc_result *a, const prc_result *b);

/* Feeds one batch through a fresh prc_batch; returns the feed's status. */
prc_status feed_arrays(prc_accumulator *acc, size_t images, size_t height,
                       size_t width, prc_dtype score_dtype,
                       const void *scores, prc_dtype label_dtype,
                       const void *labels);

/* Reads one metric, asserting the status. */
double get_metric(const prc_result *res, prc_metric metric,
                  prc_status expected);

/* Reads one tally, asserting success. */
uint64_t get_tally(const prc_result *res, prc_tally tally);

#endif /* PRC_TEST_SUPPORT_H */
