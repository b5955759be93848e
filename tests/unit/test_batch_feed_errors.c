/*
 * test_batch_feed_errors.c - every bad-input status of batches and feeds,
 * the NaN and range policies, and that a failed feed changes nothing:
 * feeding good, bad, good must leave exactly what good, good leaves.
 */
#include "support.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Random data for one batch, all score dtypes holding the same values where
 * the dtype can express them. */
struct batch_data {
    size_t images, height, width, n;
    float *f32;
    double *f64;
    uint8_t *u8;
    uint8_t *labels;
};

static void data_make(struct batch_data *d, test_rng *rng, size_t images,
                      size_t height, size_t width)
{
    size_t i;

    d->images = images;
    d->height = height;
    d->width = width;
    d->n = images * height * width;
    d->f32 = calloc(d->n, sizeof *d->f32);
    d->f64 = calloc(d->n, sizeof *d->f64);
    d->u8 = calloc(d->n, 1);
    d->labels = calloc(d->n, 1);
    assert_non_null(d->f32);
    assert_non_null(d->f64);
    assert_non_null(d->u8);
    assert_non_null(d->labels);
    for (i = 0; i < d->n; i++) {
        uint64_t r = test_rng_below(rng, 20);

        d->u8[i] = (uint8_t)test_rng_below(rng, 256);
        d->f32[i] = (float)d->u8[i] / 255.0f;
        d->f64[i] = test_rng_unit(rng);
        d->labels[i] = r == 0 ? 255 : (uint8_t)(r % 2);
    }
}

static void data_free(struct batch_data *d)
{
    free(d->f32);
    free(d->f64);
    free(d->u8);
    free(d->labels);
}

static const void *data_scores(const struct batch_data *d, prc_dtype dtype)
{
    if (dtype == PRC_DTYPE_FLOAT32)
        return d->f32;
    if (dtype == PRC_DTYPE_FLOAT64)
        return d->f64;
    return d->u8;
}

static prc_accumulator *make_acc(const ref_options *opt)
{
    prc_options *o = ref_make_options(opt);
    prc_accumulator *acc = NULL;

    ASSERT_OK(prc_accumulator_create(&acc, o));
    prc_options_free(o);
    return acc;
}

static prc_status feed_data(prc_accumulator *acc, const struct batch_data *d,
                            prc_dtype dtype)
{
    return feed_arrays(acc, d->images, d->height, d->width, dtype,
                       data_scores(d, dtype), PRC_DTYPE_UINT8, d->labels);
}

/* ------------------------------------------------------------------------ */
/* Batch setters                                                            */
/* ------------------------------------------------------------------------ */

static void test_batch_null(void **state)
{
    prc_batch *b = NULL;
    float s = 0.5f;
    uint8_t l = 1;

    (void)state;
    ASSERT_STATUS(prc_batch_create(NULL), PRC_E_NULL);
    ASSERT_STATUS(prc_batch_set_shape(NULL, 1, 1, 1), PRC_E_NULL);
    ASSERT_STATUS(prc_batch_set_scores(NULL, PRC_DTYPE_FLOAT32, &s),
                  PRC_E_NULL);
    ASSERT_STATUS(prc_batch_set_labels(NULL, PRC_DTYPE_UINT8, &l),
                  PRC_E_NULL);
    ASSERT_OK(prc_batch_create(&b));
    assert_non_null(b);
    ASSERT_STATUS(prc_batch_set_scores(b, PRC_DTYPE_FLOAT32, NULL),
                  PRC_E_NULL);
    ASSERT_STATUS(prc_batch_set_labels(b, PRC_DTYPE_UINT8, NULL), PRC_E_NULL);
    prc_batch_free(b);
    prc_batch_free(NULL);
}

static void test_zero_size(void **state)
{
    prc_batch *b = NULL;

    (void)state;
    ASSERT_OK(prc_batch_create(&b));
    ASSERT_STATUS(prc_batch_set_shape(b, 0, 4, 4), PRC_E_ZERO_SIZE);
    ASSERT_STATUS(prc_batch_set_shape(b, 4, 0, 4), PRC_E_ZERO_SIZE);
    ASSERT_STATUS(prc_batch_set_shape(b, 4, 4, 0), PRC_E_ZERO_SIZE);
    ASSERT_STATUS(prc_batch_set_shape(b, 0, 0, 0), PRC_E_ZERO_SIZE);
    ASSERT_OK(prc_batch_set_shape(b, 1, 1, 1));
    prc_batch_free(b);
}

static void test_overflow(void **state)
{
    prc_batch *b = NULL;
    size_t half = (size_t)1 << (sizeof(size_t) * 4);

    (void)state;
    ASSERT_OK(prc_batch_create(&b));
    /* Element count overflows. */
    ASSERT_STATUS(prc_batch_set_shape(b, SIZE_MAX, 2, 1), PRC_E_OVERFLOW);
    ASSERT_STATUS(prc_batch_set_shape(b, 1, SIZE_MAX, 2), PRC_E_OVERFLOW);
    ASSERT_STATUS(prc_batch_set_shape(b, 2, 1, SIZE_MAX), PRC_E_OVERFLOW);
    ASSERT_STATUS(prc_batch_set_shape(b, half, half, 1), PRC_E_OVERFLOW);
    /* height * width fits, times images does not. */
    ASSERT_STATUS(prc_batch_set_shape(b, 3, half, half / 2), PRC_E_OVERFLOW);
    ASSERT_STATUS(prc_batch_set_shape(b, SIZE_MAX, SIZE_MAX, SIZE_MAX),
                  PRC_E_OVERFLOW);
    /* The element count fits but 8-byte (float64) scores would not. */
    ASSERT_STATUS(prc_batch_set_shape(b, SIZE_MAX / 8 + 1, 1, 1),
                  PRC_E_OVERFLOW);
    ASSERT_STATUS(prc_batch_set_shape(b, 1, 1, SIZE_MAX / 2),
                  PRC_E_OVERFLOW);
    /* Exactly fitting is not an overflow (never fed, so never read). */
    ASSERT_OK(prc_batch_set_shape(b, SIZE_MAX / 8, 1, 1));
    ASSERT_OK(prc_batch_set_shape(b, 1, half / 4, half / 4));
    prc_batch_free(b);
}

static void test_dtype_roles(void **state)
{
    prc_batch *b = NULL;
    uint8_t buf[8] = {0};

    (void)state;
    ASSERT_OK(prc_batch_create(&b));
    ASSERT_STATUS(prc_batch_set_scores(b, PRC_DTYPE_BOOL, buf), PRC_E_DTYPE);
    ASSERT_STATUS(prc_batch_set_scores(b, (prc_dtype)0, buf), PRC_E_DTYPE);
    ASSERT_STATUS(prc_batch_set_scores(b, PRC_DTYPE_INT32, buf),
                  PRC_E_DTYPE);
    ASSERT_STATUS(prc_batch_set_scores(b, PRC_DTYPE_INT64, buf),
                  PRC_E_DTYPE);
    ASSERT_STATUS(prc_batch_set_scores(b, (prc_dtype)10, buf), PRC_E_DTYPE);
    ASSERT_STATUS(prc_batch_set_scores(b, (prc_dtype)-1, buf), PRC_E_DTYPE);
    ASSERT_STATUS(prc_batch_set_labels(b, PRC_DTYPE_FLOAT32, buf),
                  PRC_E_DTYPE);
    ASSERT_STATUS(prc_batch_set_labels(b, PRC_DTYPE_FLOAT64, buf),
                  PRC_E_DTYPE);
    ASSERT_STATUS(prc_batch_set_labels(b, (prc_dtype)0, buf), PRC_E_DTYPE);
    ASSERT_STATUS(prc_batch_set_labels(b, (prc_dtype)99, buf), PRC_E_DTYPE);
    ASSERT_STATUS(prc_batch_set_labels(b, PRC_DTYPE_FLOAT16, buf),
                  PRC_E_DTYPE);
    ASSERT_STATUS(prc_batch_set_labels(b, PRC_DTYPE_UINT16, buf),
                  PRC_E_DTYPE);
    ASSERT_OK(prc_batch_set_scores(b, PRC_DTYPE_FLOAT32, buf));
    ASSERT_OK(prc_batch_set_scores(b, PRC_DTYPE_FLOAT64, buf));
    ASSERT_OK(prc_batch_set_scores(b, PRC_DTYPE_UINT8, buf));
    ASSERT_OK(prc_batch_set_labels(b, PRC_DTYPE_UINT8, buf));
    ASSERT_OK(prc_batch_set_labels(b, PRC_DTYPE_BOOL, buf));
    prc_batch_free(b);
}

/* A rejected setter leaves the batch as it was: the feed afterwards uses
 * the previous shape, scores and labels. */
static void test_rejected_setter_keeps_batch(void **state)
{
    /* Two pixels: 0.75 positive, 0.25 negative. */
    const double scores[2] = {0.75, 0.25};
    const uint8_t labels[2] = {1, 0};
    const double other[2] = {0.0, 0.0};
    prc_batch *b = NULL;
    prc_accumulator *acc = NULL;
    prc_result *res = NULL;

    (void)state;
    ASSERT_OK(prc_batch_create(&b));
    ASSERT_OK(prc_batch_set_shape(b, 1, 1, 2));
    ASSERT_OK(prc_batch_set_scores(b, PRC_DTYPE_FLOAT64, scores));
    ASSERT_OK(prc_batch_set_labels(b, PRC_DTYPE_UINT8, labels));
    ASSERT_STATUS(prc_batch_set_shape(b, 0, 1, 1), PRC_E_ZERO_SIZE);
    ASSERT_STATUS(prc_batch_set_shape(b, SIZE_MAX, 2, 2), PRC_E_OVERFLOW);
    ASSERT_STATUS(prc_batch_set_scores(b, PRC_DTYPE_BOOL, other),
                  PRC_E_DTYPE);
    ASSERT_STATUS(prc_batch_set_labels(b, PRC_DTYPE_FLOAT32, other),
                  PRC_E_DTYPE);
    ASSERT_STATUS(prc_batch_set_scores(b, PRC_DTYPE_FLOAT32, NULL),
                  PRC_E_NULL);

    ASSERT_OK(prc_accumulator_create(&acc, NULL));
    ASSERT_OK(prc_accumulator_feed(acc, b));
    ASSERT_OK(prc_accumulator_finalize(acc, &res));
    /* Default B = 1000, rule GE.  At threshold 0.5 (row 500) only the
     * positive 0.75 passes: TP 1, FP 0.  At 0.25 (row 250) both pass. */
    {
        uint64_t tp = 9, fp = 9;

        ASSERT_OK(prc_result_counts(res, PRC_COL_TP, 500, 1, &tp));
        ASSERT_OK(prc_result_counts(res, PRC_COL_FP, 500, 1, &fp));
        assert_int_equal(tp, 1);
        assert_int_equal(fp, 0);
        ASSERT_OK(prc_result_counts(res, PRC_COL_FP, 250, 1, &fp));
        assert_int_equal(fp, 1);
        assert_int_equal(get_tally(res, PRC_PIXELS), 2);
    }
    prc_result_free(res);
    prc_accumulator_free(acc);
    prc_batch_free(b);
}

static void test_incomplete(void **state)
{
    const float s[1] = {0.5f};
    const uint8_t l[1] = {1};
    prc_accumulator *acc = NULL;
    prc_batch *b = NULL;
    prc_result *res = NULL;

    (void)state;
    ASSERT_OK(prc_accumulator_create(&acc, NULL));

    ASSERT_OK(prc_batch_create(&b));
    ASSERT_STATUS(prc_accumulator_feed(acc, b), PRC_E_INCOMPLETE);
    ASSERT_OK(prc_batch_set_shape(b, 1, 1, 1));
    ASSERT_STATUS(prc_accumulator_feed(acc, b), PRC_E_INCOMPLETE);
    ASSERT_OK(prc_batch_set_scores(b, PRC_DTYPE_FLOAT32, s));
    ASSERT_STATUS(prc_accumulator_feed(acc, b), PRC_E_INCOMPLETE);
    prc_batch_free(b);

    ASSERT_OK(prc_batch_create(&b));
    ASSERT_OK(prc_batch_set_scores(b, PRC_DTYPE_FLOAT32, s));
    ASSERT_OK(prc_batch_set_labels(b, PRC_DTYPE_UINT8, l));
    ASSERT_STATUS(prc_accumulator_feed(acc, b), PRC_E_INCOMPLETE);
    prc_batch_free(b);

    ASSERT_OK(prc_batch_create(&b));
    ASSERT_OK(prc_batch_set_shape(b, 1, 1, 1));
    ASSERT_OK(prc_batch_set_labels(b, PRC_DTYPE_UINT8, l));
    ASSERT_STATUS(prc_accumulator_feed(acc, b), PRC_E_INCOMPLETE);
    assert_true(strlen(prc_accumulator_last_error(acc)) > 0);
    prc_batch_free(b);

    ASSERT_OK(prc_accumulator_finalize(acc, &res));
    assert_int_equal(get_tally(res, PRC_PIXELS), 0);
    prc_result_free(res);
    prc_accumulator_free(acc);
}

static void test_feed_and_finalize_null(void **state)
{
    prc_accumulator *acc = NULL;
    prc_batch *b = NULL;
    prc_result *res = NULL;

    (void)state;
    ASSERT_STATUS(prc_accumulator_create(NULL, NULL), PRC_E_NULL);
    ASSERT_OK(prc_accumulator_create(&acc, NULL));
    ASSERT_OK(prc_batch_create(&b));
    ASSERT_STATUS(prc_accumulator_feed(NULL, b), PRC_E_NULL);
    ASSERT_STATUS(prc_accumulator_feed(acc, NULL), PRC_E_NULL);
    ASSERT_STATUS(prc_accumulator_finalize(NULL, &res), PRC_E_NULL);
    assert_null(res);
    ASSERT_STATUS(prc_accumulator_finalize(acc, NULL), PRC_E_NULL);
    prc_batch_free(b);
    prc_accumulator_free(acc);
    prc_accumulator_free(NULL);
    prc_result_free(NULL);
    assert_int_equal(prc_result_rows(NULL), 0);
}

/* ------------------------------------------------------------------------ */
/* Bad pixels                                                               */
/* ------------------------------------------------------------------------ */

/* Feeds one pixel with the given score and label under `opt`. */
static prc_status feed_one(const ref_options *opt, prc_dtype sdtype,
                           double score, prc_dtype ldtype, uint8_t label)
{
    prc_accumulator *acc = make_acc(opt);
    float f = (float)score;
    uint8_t u = sdtype == PRC_DTYPE_UINT8 ? (uint8_t)score : 0;
    const void *s = sdtype == PRC_DTYPE_FLOAT32   ? (const void *)&f
                    : sdtype == PRC_DTYPE_FLOAT64 ? (const void *)&score
                                                  : (const void *)&u;
    prc_status st = feed_arrays(acc, 1, 1, 1, sdtype, s, ldtype, &label);

    if (st != PRC_OK)
        assert_true(strlen(prc_accumulator_last_error(acc)) > 0);
    prc_accumulator_free(acc);
    return st;
}

static void test_nan_and_range(void **state)
{
    ref_options opt;
    double bad_range[7];
    size_t i;

    (void)state;
    ref_options_default(&opt);
    ASSERT_STATUS(feed_one(&opt, PRC_DTYPE_FLOAT32, NAN, PRC_DTYPE_UINT8, 1),
                  PRC_E_NAN);
    ASSERT_STATUS(feed_one(&opt, PRC_DTYPE_FLOAT64, NAN, PRC_DTYPE_UINT8, 0),
                  PRC_E_NAN);
    ASSERT_STATUS(feed_one(&opt, PRC_DTYPE_FLOAT64, -NAN, PRC_DTYPE_BOOL, 0),
                  PRC_E_NAN);
    bad_range[0] = -0.5;
    bad_range[1] = 1.5;
    bad_range[2] = INFINITY;
    bad_range[3] = -INFINITY;
    bad_range[4] = nextafter(1.0, 2.0);
    bad_range[5] = nextafter(0.0, -1.0); /* negative subnormal */
    bad_range[6] = (double)nextafterf(1.0f, 2.0f);
    for (i = 0; i < 7; i++) {
        ASSERT_STATUS(feed_one(&opt, PRC_DTYPE_FLOAT64, bad_range[i],
                               PRC_DTYPE_UINT8, 1),
                      PRC_E_RANGE);
        if (i != 4 && i != 5)
            ASSERT_STATUS(feed_one(&opt, PRC_DTYPE_FLOAT32, bad_range[i],
                                   PRC_DTYPE_BOOL, 0),
                          PRC_E_RANGE);
    }
    ASSERT_STATUS(feed_one(&opt, PRC_DTYPE_FLOAT32, -FLT_MIN / 4,
                           PRC_DTYPE_UINT8, 1),
                  PRC_E_RANGE);
    /* In range: both zeros, both ends, the smallest subnormal. */
    ASSERT_OK(feed_one(&opt, PRC_DTYPE_FLOAT64, -0.0, PRC_DTYPE_UINT8, 1));
    ASSERT_OK(feed_one(&opt, PRC_DTYPE_FLOAT32, -0.0, PRC_DTYPE_UINT8, 1));
    ASSERT_OK(feed_one(&opt, PRC_DTYPE_FLOAT64, 1.0, PRC_DTYPE_UINT8, 1));
    ASSERT_OK(feed_one(&opt, PRC_DTYPE_FLOAT64, nextafter(0.0, 1.0),
                       PRC_DTYPE_UINT8, 0));
    ASSERT_OK(feed_one(&opt, PRC_DTYPE_UINT8, 255.0, PRC_DTYPE_UINT8, 0));

    /* NaN is not a range problem: the range policy does not cover it. */
    opt.range_policy = PRC_POLICY_SKIP;
    ASSERT_STATUS(feed_one(&opt, PRC_DTYPE_FLOAT64, NAN, PRC_DTYPE_UINT8, 1),
                  PRC_E_NAN);
    opt.range_policy = PRC_POLICY_CLAMP;
    ASSERT_STATUS(feed_one(&opt, PRC_DTYPE_FLOAT32, NAN, PRC_DTYPE_UINT8, 1),
                  PRC_E_NAN);
    ASSERT_OK(feed_one(&opt, PRC_DTYPE_FLOAT64, INFINITY, PRC_DTYPE_UINT8,
                       1));
    /* Nor does the NaN policy cover the range. */
    ref_options_default(&opt);
    opt.nan_policy = PRC_POLICY_SKIP;
    ASSERT_STATUS(feed_one(&opt, PRC_DTYPE_FLOAT64, 2.0, PRC_DTYPE_UINT8, 1),
                  PRC_E_RANGE);
    ASSERT_OK(feed_one(&opt, PRC_DTYPE_FLOAT64, NAN, PRC_DTYPE_UINT8, 1));
}

static void test_labels(void **state)
{
    ref_options opt;

    (void)state;
    ref_options_default(&opt);
    ASSERT_STATUS(feed_one(&opt, PRC_DTYPE_FLOAT64, 0.5, PRC_DTYPE_UINT8, 2),
                  PRC_E_LABEL);
    ASSERT_STATUS(
        feed_one(&opt, PRC_DTYPE_FLOAT64, 0.5, PRC_DTYPE_UINT8, 254),
        PRC_E_LABEL);
    ASSERT_OK(feed_one(&opt, PRC_DTYPE_FLOAT64, 0.5, PRC_DTYPE_UINT8, 255));
    /* BOOL labels have no ignore value: 255 is an error there. */
    ASSERT_STATUS(feed_one(&opt, PRC_DTYPE_FLOAT64, 0.5, PRC_DTYPE_BOOL, 255),
                  PRC_E_LABEL);
    ASSERT_STATUS(feed_one(&opt, PRC_DTYPE_UINT8, 3.0, PRC_DTYPE_BOOL, 2),
                  PRC_E_LABEL);
    ASSERT_OK(feed_one(&opt, PRC_DTYPE_FLOAT64, 0.5, PRC_DTYPE_BOOL, 1));

    opt.ignore_label = 7;
    ASSERT_OK(feed_one(&opt, PRC_DTYPE_FLOAT64, 0.5, PRC_DTYPE_UINT8, 7));
    ASSERT_STATUS(
        feed_one(&opt, PRC_DTYPE_FLOAT64, 0.5, PRC_DTYPE_UINT8, 255),
        PRC_E_LABEL);
    ASSERT_STATUS(feed_one(&opt, PRC_DTYPE_FLOAT64, 0.5, PRC_DTYPE_BOOL, 7),
                  PRC_E_LABEL);
    opt.ignore_label = PRC_NO_IGNORE_LABEL;
    ASSERT_STATUS(
        feed_one(&opt, PRC_DTYPE_FLOAT64, 0.5, PRC_DTYPE_UINT8, 255),
        PRC_E_LABEL);
    ASSERT_OK(feed_one(&opt, PRC_DTYPE_FLOAT64, 0.5, PRC_DTYPE_UINT8, 0));
}

/* Scores of ignore-labelled pixels are never inspected. */
static void test_ignored_scores_not_inspected(void **state)
{
    const double f64[6] = {NAN, INFINITY, -1.0, 2.0, -NAN, 0.5};
    const float f32[6] = {NAN, INFINITY, -1.0f, 2.0f, -INFINITY, 0.5f};
    const uint8_t labels[6] = {255, 255, 255, 255, 255, 1};
    ref_options opt;
    prc_accumulator *acc;
    prc_result *res = NULL;

    (void)state;
    ref_options_default(&opt);
    acc = make_acc(&opt);
    ASSERT_OK(feed_arrays(acc, 1, 2, 3, PRC_DTYPE_FLOAT64, f64,
                          PRC_DTYPE_UINT8, labels));
    ASSERT_OK(feed_arrays(acc, 2, 3, 1, PRC_DTYPE_FLOAT32, f32,
                          PRC_DTYPE_UINT8, labels));
    ASSERT_OK(prc_accumulator_finalize(acc, &res));
    assert_int_equal(get_tally(res, PRC_IGNORED), 10);
    assert_int_equal(get_tally(res, PRC_PIXELS), 2);
    assert_int_equal(get_tally(res, PRC_POSITIVES), 2);
    assert_int_equal(get_tally(res, PRC_SKIPPED), 0);
    prc_result_free(res);
    prc_accumulator_free(acc);
}

/* CLAMP counts below 0 as 0 and above 1 as 1, exactly like feeding 0 and
 * 1; SKIP drops the pixel and tallies it. */
static void test_clamp_and_skip(void **state)
{
    const double wild[6] = {-0.5, 1.5, INFINITY, -INFINITY, 0.25, NAN};
    const double tame[6] = {0.0, 1.0, 1.0, 0.0, 0.25, 0.0};
    const uint8_t labels[6] = {1, 0, 1, 0, 1, 255};
    ref_options opt;
    ref_curve ref;
    prc_accumulator *a, *b;
    prc_result *ra = NULL, *rb = NULL;
    int rule;

    (void)state;
    for (rule = PRC_RULE_GE; rule <= PRC_RULE_GT; rule++) {
        ref_options_default(&opt);
        opt.bins = 4;
        opt.rule = rule;
        opt.range_policy = PRC_POLICY_CLAMP;
        a = make_acc(&opt);
        b = make_acc(&opt);
        ASSERT_OK(feed_arrays(a, 1, 1, 6, PRC_DTYPE_FLOAT64, wild,
                              PRC_DTYPE_UINT8, labels));
        ASSERT_OK(feed_arrays(b, 1, 1, 6, PRC_DTYPE_FLOAT64, tame,
                              PRC_DTYPE_UINT8, labels));
        ASSERT_OK(prc_accumulator_finalize(a, &ra));
        ASSERT_OK(prc_accumulator_finalize(b, &rb));
        check_results_identical(ra, rb);
        assert_int_equal(get_tally(ra, PRC_SKIPPED), 0);
        assert_int_equal(get_tally(ra, PRC_PIXELS), 5);
        ref_init(&ref, &opt);
        ASSERT_OK(ref_feed(&ref, 1, 6, PRC_DTYPE_FLOAT64, wild,
                           PRC_DTYPE_UINT8, labels));
        ref_finish(&ref);
        check_result_against_ref(ra, &ref, 1e-12);
        ref_free(&ref);
        prc_result_free(ra);
        prc_result_free(rb);
        prc_accumulator_free(a);
        prc_accumulator_free(b);
    }

    /* SKIP for both: the four out-of-range pixels are skipped; the NaN
     * pixel is ignore-labelled, so it is ignored, not skipped. */
    ref_options_default(&opt);
    opt.bins = 4;
    opt.range_policy = PRC_POLICY_SKIP;
    opt.nan_policy = PRC_POLICY_SKIP;
    a = make_acc(&opt);
    ASSERT_OK(feed_arrays(a, 1, 1, 6, PRC_DTYPE_FLOAT64, wild,
                          PRC_DTYPE_UINT8, labels));
    ASSERT_OK(prc_accumulator_finalize(a, &ra));
    assert_int_equal(get_tally(ra, PRC_SKIPPED), 4);
    assert_int_equal(get_tally(ra, PRC_IGNORED), 1);
    assert_int_equal(get_tally(ra, PRC_PIXELS), 1);
    assert_int_equal(get_tally(ra, PRC_POSITIVES), 1);
    ref_init(&ref, &opt);
    ASSERT_OK(ref_feed(&ref, 1, 6, PRC_DTYPE_FLOAT64, wild, PRC_DTYPE_UINT8,
                       labels));
    ref_finish(&ref);
    check_result_against_ref(ra, &ref, 1e-12);
    ref_free(&ref);
    prc_result_free(ra);
    prc_accumulator_free(a);
}

static void test_last_error_names_the_pixel(void **state)
{
    /* 3 images of 20 x 50; the NaN sits at image 2, row 17, column 40. */
    const size_t images = 3, height = 20, width = 50;
    size_t n = images * height * width, bad = (2 * height + 17) * width + 40;
    float *scores = calloc(n, sizeof *scores);
    uint8_t *labels = calloc(n, 1);
    prc_accumulator *acc = NULL;
    const char *msg;

    (void)state;
    assert_non_null(scores);
    assert_non_null(labels);
    ASSERT_OK(prc_accumulator_create(&acc, NULL));
    msg = prc_accumulator_last_error(acc);
    assert_non_null(msg);
    assert_string_equal(msg, "");
    scores[bad] = NAN;
    ASSERT_STATUS(feed_arrays(acc, images, height, width, PRC_DTYPE_FLOAT32,
                              scores, PRC_DTYPE_UINT8, labels),
                  PRC_E_NAN);
    msg = prc_accumulator_last_error(acc);
    assert_non_null(msg);
    if (strstr(msg, "2") == NULL || strstr(msg, "17") == NULL
        || strstr(msg, "40") == NULL)
        TEST_FAIL("last error \"%s\" does not give image 2, row 17, "
                  "column 40",
                  msg);
    prc_accumulator_free(acc);
    free(scores);
    free(labels);
}

/* ------------------------------------------------------------------------ */
/* A failed feed changes nothing                                            */
/* ------------------------------------------------------------------------ */

enum corruption { BAD_NAN, BAD_RANGE, BAD_LABEL, BAD_INCOMPLETE };

struct rollback_case {
    const char *what;
    int per_image;
    prc_dtype dtype;
    size_t images, height, width;
    enum corruption bad;
    size_t bad_index; /* SIZE_MAX: the very last pixel */
    int skip_policies; /* NaN and range SKIP, with skippable pixels early */
};

/* good1, bad, good2 against good1, good2 on a second accumulator, both
 * checked against the reference as well. */
static void run_rollback(const struct rollback_case *c, test_rng *rng)
{
    struct batch_data good1, bad, good2;
    ref_options opt;
    ref_curve ref;
    prc_accumulator *a, *b;
    prc_result *ra = NULL, *rb = NULL;
    size_t idx, i;
    prc_status want;

    data_make(&good1, rng, c->images, c->height, c->width);
    data_make(&bad, rng, c->images, c->height, c->width);
    data_make(&good2, rng, c->images, c->height, c->width);
    idx = c->bad_index == SIZE_MAX ? bad.n - 1 : c->bad_index;
    assert_true(idx < bad.n);
    /* Make sure the corrupted pixel is counted, not ignored. */
    bad.labels[idx] = 1;
    want = PRC_E_LABEL;
    if (c->bad == BAD_NAN) {
        bad.f32[idx] = NAN;
        bad.f64[idx] = NAN;
        want = PRC_E_NAN;
    } else if (c->bad == BAD_RANGE) {
        bad.f32[idx] = 1.25f;
        bad.f64[idx] = -0.125;
        want = PRC_E_RANGE;
    } else if (c->bad == BAD_LABEL) {
        bad.labels[idx] = 3;
    }
    ref_options_default(&opt);
    opt.bins = 37;
    opt.per_image = c->per_image;
    if (c->skip_policies) {
        opt.nan_policy = PRC_POLICY_SKIP;
        opt.range_policy = PRC_POLICY_SKIP;
        /* Skippable pixels before the bad one, in every dtype that can
         * hold them, in all three batches. */
        for (i = 0; i < 50 && i < idx; i += 3) {
            bad.labels[i] = good1.labels[i] = good2.labels[i] = 0;
            bad.f32[i] = good1.f32[i] = good2.f32[i] = NAN;
            bad.f64[i] = good1.f64[i] = good2.f64[i] = 7.0;
        }
    }

    a = make_acc(&opt);
    b = make_acc(&opt);
    ASSERT_OK(feed_data(a, &good1, c->dtype));
    if (c->bad == BAD_INCOMPLETE) {
        prc_batch *batch = NULL;

        ASSERT_OK(prc_batch_create(&batch));
        ASSERT_OK(prc_batch_set_shape(batch, bad.images, bad.height,
                                      bad.width));
        ASSERT_OK(prc_batch_set_scores(batch, c->dtype,
                                       data_scores(&bad, c->dtype)));
        ASSERT_STATUS(prc_accumulator_feed(a, batch), PRC_E_INCOMPLETE);
        prc_batch_free(batch);
    } else {
        ASSERT_STATUS(feed_data(a, &bad, c->dtype), want);
    }
    assert_true(strlen(prc_accumulator_last_error(a)) > 0);
    ASSERT_OK(feed_data(a, &good2, c->dtype));
    ASSERT_OK(feed_data(b, &good1, c->dtype));
    ASSERT_OK(feed_data(b, &good2, c->dtype));
    ASSERT_OK(prc_accumulator_finalize(a, &ra));
    ASSERT_OK(prc_accumulator_finalize(b, &rb));
    check_results_identical(ra, rb);

    ref_init(&ref, &opt);
    ASSERT_OK(ref_feed(&ref, good1.images, good1.height * good1.width,
                       c->dtype, data_scores(&good1, c->dtype),
                       PRC_DTYPE_UINT8, good1.labels));
    ASSERT_OK(ref_feed(&ref, good2.images, good2.height * good2.width,
                       c->dtype, data_scores(&good2, c->dtype),
                       PRC_DTYPE_UINT8, good2.labels));
    ref_finish(&ref);
    check_result_against_ref(ra, &ref, 1e-12);
    ref_free(&ref);

    prc_result_free(ra);
    prc_result_free(rb);
    prc_accumulator_free(a);
    prc_accumulator_free(b);
    data_free(&good1);
    data_free(&bad);
    data_free(&good2);
}

static void test_rollback(void **state)
{
    static const struct rollback_case cases[] = {
        {"NaN, last pixel of last image, pooled", 0, PRC_DTYPE_FLOAT32, 5,
         8, 9, BAD_NAN, SIZE_MAX, 0},
        {"NaN, last pixel of last image, per-image", 1, PRC_DTYPE_FLOAT32, 5,
         8, 9, BAD_NAN, SIZE_MAX, 0},
        {"NaN, first pixel of last image, per-image", 1, PRC_DTYPE_FLOAT64,
         5, 8, 9, BAD_NAN, 4 * 72, 0},
        {"range, last image, pooled", 0, PRC_DTYPE_FLOAT64, 4, 6, 7,
         BAD_RANGE, SIZE_MAX, 0},
        {"range, last image, per-image", 1, PRC_DTYPE_FLOAT32, 4, 6, 7,
         BAD_RANGE, 3 * 42 + 20, 0},
        {"label, last image, per-image, uint8 scores", 1, PRC_DTYPE_UINT8, 3,
         10, 10, BAD_LABEL, SIZE_MAX, 0},
        {"label deep in a large image, pooled", 0, PRC_DTYPE_UINT8, 1, 130,
         120, BAD_LABEL, 12345, 0},
        {"NaN deep in a large image, pooled", 0, PRC_DTYPE_FLOAT32, 1, 130,
         120, BAD_NAN, 15599, 0},
        {"range deep in a large image, per-image", 1, PRC_DTYPE_FLOAT64, 2,
         110, 100, BAD_RANGE, 11000 + 10007, 0},
        {"label in a large last image, per-image", 1, PRC_DTYPE_FLOAT32, 2,
         110, 100, BAD_LABEL, SIZE_MAX, 0},
        {"label after skipped pixels, per-image", 1, PRC_DTYPE_FLOAT32, 3, 9,
         9, BAD_LABEL, SIZE_MAX, 1},
        {"label after skipped pixels, large, pooled", 0, PRC_DTYPE_FLOAT64,
         1, 200, 60, BAD_LABEL, 11999, 1},
        {"incomplete batch, per-image", 1, PRC_DTYPE_FLOAT32, 2, 4, 4,
         BAD_INCOMPLETE, 0, 0},
    };
    test_rng rng = {20240601u};
    size_t i;

    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        print_message("rollback: %s\n", cases[i].what);
        run_rollback(&cases[i], &rng);
    }
}

/* An all-ignored batch (even with NaN scores) is valid and changes no
 * count, no curve and no image tally; only PRC_IGNORED grows. */
static void test_all_ignored_batch(void **state)
{
    struct batch_data good, ign;
    ref_options opt;
    ref_curve ref;
    prc_accumulator *acc;
    prc_result *res = NULL;
    size_t i;

    (void)state;
    {
        test_rng rng = {77u};

        data_make(&good, &rng, 3, 5, 5);
        data_make(&ign, &rng, 4, 5, 5);
    }
    for (i = 0; i < ign.n; i++) {
        ign.labels[i] = 255;
        ign.f32[i] = i % 2 ? NAN : -3.0f;
    }
    ref_options_default(&opt);
    opt.bins = 10;
    opt.per_image = 1;
    acc = make_acc(&opt);
    ASSERT_OK(feed_data(acc, &ign, PRC_DTYPE_FLOAT32));
    ASSERT_OK(feed_data(acc, &good, PRC_DTYPE_FLOAT32));
    ASSERT_OK(feed_data(acc, &ign, PRC_DTYPE_FLOAT32));
    ASSERT_OK(prc_accumulator_finalize(acc, &res));

    ref_init(&ref, &opt);
    ASSERT_OK(ref_feed(&ref, good.images, 25, PRC_DTYPE_FLOAT32, good.f32,
                       PRC_DTYPE_UINT8, good.labels));
    ref_finish(&ref);
    ref.ignored += 2 * ign.n;
    assert_int_equal(ref.images, 3);
    check_result_against_ref(res, &ref, 1e-12);
    ref_free(&ref);
    prc_result_free(res);
    prc_accumulator_free(acc);
    data_free(&good);
    data_free(&ign);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_batch_null),
        cmocka_unit_test(test_zero_size),
        cmocka_unit_test(test_overflow),
        cmocka_unit_test(test_dtype_roles),
        cmocka_unit_test(test_rejected_setter_keeps_batch),
        cmocka_unit_test(test_incomplete),
        cmocka_unit_test(test_feed_and_finalize_null),
        cmocka_unit_test(test_nan_and_range),
        cmocka_unit_test(test_labels),
        cmocka_unit_test(test_ignored_scores_not_inspected),
        cmocka_unit_test(test_clamp_and_skip),
        cmocka_unit_test(test_last_error_names_the_pixel),
        cmocka_unit_test(test_rollback),
        cmocka_unit_test(test_all_ignored_batch),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
