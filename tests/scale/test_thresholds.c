/*
 * test_thresholds.c - thresholds of the caller's own, and score ranges
 * other than [0, 1]: counts equal a brute-force count at every threshold,
 * scores on a threshold and one ulp either side included; the thresholds
 * are reported as given; states serialize and merge only with the same
 * thresholds.
 */
#include "scale_data.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PIXELS 600

static prc_accumulator *acc_with(const double *t, size_t n, double lo,
                                 double hi, int rule, int policy)
{
    prc_options *o = NULL;
    prc_accumulator *acc = NULL;

    ASSERT_OK(prc_options_create(&o));
    ASSERT_OK(prc_options_set(o, PRC_OPT_RULE, rule));
    ASSERT_OK(prc_options_set(o, PRC_OPT_RANGE_POLICY, policy));
    if (t != NULL)
        ASSERT_OK(prc_options_set_thresholds(o, t, n));
    if (lo != 0.0 || hi != 1.0)
        ASSERT_OK(prc_options_set_range(o, lo, hi));
    ASSERT_OK(prc_accumulator_create(&acc, o));
    prc_options_free(o);
    return acc;
}

/* Scores on each threshold, one ulp either side, and uniform in [lo, hi],
 * labels 0 / 1. */
static void make(const double *t, size_t n, double lo, double hi,
                 double *scores, uint8_t *labels, uint64_t seed)
{
    test_rng rng = {seed};
    size_t i;

    for (i = 0; i < PIXELS; i++) {
        double v = t[test_rng_below(&rng, n)];

        switch (test_rng_below(&rng, 4)) {
        case 0: break;
        case 1: v = nextafter(v, INFINITY); break;
        case 2: v = nextafter(v, -INFINITY); break;
        default: v = lo + (hi - lo) * test_rng_unit(&rng); break;
        }
        scores[i] = v < lo ? lo : v > hi ? hi : v;
        labels[i] = (uint8_t)test_rng_below(&rng, 2);
    }
}

/* Every row's TP and FP against counting s >= t (or s > t) directly. */
static void check_counts(const prc_accumulator *acc, const double *scores,
                         const uint8_t *labels, int rule)
{
    prc_result *res = NULL;
    size_t rows, k, i;
    double *t;
    uint64_t *tp, *fp;

    ASSERT_OK(prc_accumulator_finalize(acc, &res));
    rows = prc_result_rows(res);
    t = malloc(rows * sizeof *t);
    tp = malloc(rows * sizeof *tp);
    fp = malloc(rows * sizeof *fp);
    assert_non_null(t);
    assert_non_null(tp);
    assert_non_null(fp);
    ASSERT_OK(prc_result_column(res, PRC_COL_THRESHOLD, 0, rows, t));
    ASSERT_OK(prc_result_counts(res, PRC_COL_TP, 0, rows, tp));
    ASSERT_OK(prc_result_counts(res, PRC_COL_FP, 0, rows, fp));
    for (k = 0; k < rows; k++) {
        uint64_t want_tp = 0, want_fp = 0;

        for (i = 0; i < PIXELS; i++) {
            int pass = rule == PRC_RULE_GE ? scores[i] >= t[k]
                                           : scores[i] > t[k];

            want_tp += pass && labels[i] == 1;
            want_fp += pass && labels[i] == 0;
        }
        if (tp[k] != want_tp || fp[k] != want_fp)
            TEST_FAIL("row %zu (t = %.17g): TP %llu FP %llu, brute force "
                      "%llu %llu", k, t[k], (unsigned long long)tp[k],
                      (unsigned long long)fp[k],
                      (unsigned long long)want_tp,
                      (unsigned long long)want_fp);
    }
    free(t);
    free(tp);
    free(fp);
    prc_result_free(res);
}

static void own_thresholds(void **unused)
{
    static const double list[] = {0.05, 0.1, 0.3, 0.45, 0.5, 0.5000001,
                                  0.55, 0.9, 0.999};
    size_t n = sizeof list / sizeof *list;
    double scores[PIXELS], got[9];
    uint8_t labels[PIXELS];
    int rule;

    (void)unused;
    make(list, n, 0.0, 1.0, scores, labels, 121);
    for (rule = PRC_RULE_GE; rule <= PRC_RULE_GT; rule++) {
        prc_accumulator *acc = acc_with(list, n, 0.0, 1.0, rule,
                                        PRC_POLICY_REJECT);
        prc_result *res = NULL;
        int64_t bins = 0;

        ASSERT_OK(feed_arrays(acc, 1, 20, 30, PRC_DTYPE_FLOAT64, scores,
                              PRC_DTYPE_UINT8, labels));
        check_counts(acc, scores, labels, rule);
        ASSERT_OK(prc_accumulator_finalize(acc, &res));
        assert_int_equal(prc_result_rows(res), n);
        ASSERT_OK(prc_result_column(res, PRC_COL_THRESHOLD, 0, n, got));
        assert_memory_equal(got, list, sizeof list);
        ASSERT_OK(prc_accumulator_get_option(acc, PRC_OPT_BINS, &bins));
        assert_int_equal(bins, n - 1);
        ASSERT_STATUS(prc_result_calibration(res, 10, got, got,
                                             (uint64_t *)scores),
                      PRC_E_UNSUPPORTED);
        get_metric(res, PRC_ECE, PRC_E_UNSUPPORTED);
        prc_result_free(res);
        prc_accumulator_free(acc);
    }
}

/* Logits in [-10, 10] with 40 bins: thresholds -10 + 20 k / 40, the ends
 * exact; scores outside are refused, or clamped to the ends. */
static void logit_range(void **unused)
{
    double t[41], scores[PIXELS], got[41];
    uint8_t labels[PIXELS];
    prc_accumulator *acc;
    prc_result *res = NULL;
    size_t k;
    int rule;

    (void)unused;
    for (k = 0; k <= 40; k++)
        t[k] = -10.0 + 20.0 * ((double)k / 40.0);
    make(t, 41, -10.0, 10.0, scores, labels, 122);
    for (rule = PRC_RULE_GE; rule <= PRC_RULE_GT; rule++) {
        prc_options *o = NULL;

        ASSERT_OK(prc_options_create(&o));
        ASSERT_OK(prc_options_set(o, PRC_OPT_BINS, 40));
        ASSERT_OK(prc_options_set(o, PRC_OPT_RULE, rule));
        ASSERT_OK(prc_options_set_range(o, -10.0, 10.0));
        ASSERT_OK(prc_accumulator_create(&acc, o));
        prc_options_free(o);
        ASSERT_OK(feed_arrays(acc, 2, 10, 30, PRC_DTYPE_FLOAT64, scores,
                              PRC_DTYPE_UINT8, labels));
        check_counts(acc, scores, labels, rule);
        ASSERT_OK(prc_accumulator_finalize(acc, &res));
        ASSERT_OK(prc_result_column(res, PRC_COL_THRESHOLD, 0, 41, got));
        assert_true(got[0] == -10.0 && got[40] == 10.0);
        for (k = 1; k <= 40; k++)
            assert_true(got[k - 1] < got[k]);
        prc_result_free(res);

        scores[7] = 10.5;
        ASSERT_STATUS(feed_arrays(acc, 2, 10, 30, PRC_DTYPE_FLOAT64, scores,
                                  PRC_DTYPE_UINT8, labels),
                      PRC_E_RANGE);
        assert_non_null(strstr(prc_accumulator_last_error(acc),
                               "score 10.5 lies outside [-10, 10]"));
        scores[7] = 3.0;
        prc_accumulator_free(acc);
    }

    /* Clamped: 10.5 counts as 10, -11 as -10. */
    {
        double a[2] = {10.5, -11.0}, b[2] = {10.0, -10.0};
        uint8_t l[2] = {1, 0};
        prc_accumulator *x = acc_with(NULL, 0, -10.0, 10.0, PRC_RULE_GE,
                                      PRC_POLICY_CLAMP);
        prc_accumulator *y = acc_with(NULL, 0, -10.0, 10.0, PRC_RULE_GE,
                                      PRC_POLICY_CLAMP);

        ASSERT_OK(feed_arrays(x, 1, 1, 2, PRC_DTYPE_FLOAT64, a,
                              PRC_DTYPE_UINT8, l));
        ASSERT_OK(feed_arrays(y, 1, 1, 2, PRC_DTYPE_FLOAT64, b,
                              PRC_DTYPE_UINT8, l));
        scale_assert_same(x, y);
        prc_accumulator_free(x);
        prc_accumulator_free(y);
    }
}

static void refusals(void **unused)
{
    static const double unsorted[3] = {0.1, 0.3, 0.2};
    static const double repeated[3] = {0.1, 0.2, 0.2};
    static const double with_nan[3] = {0.1, NAN, 0.2};
    static const double good[3] = {0.1, 0.2, 0.3};
    prc_options *o = NULL;
    prc_accumulator *acc = NULL;
    int64_t bins = 0;

    (void)unused;
    ASSERT_OK(prc_options_create(&o));
    ASSERT_STATUS(prc_options_set_thresholds(o, unsorted, 3),
                  PRC_E_OPTION_VALUE);
    ASSERT_STATUS(prc_options_set_thresholds(o, repeated, 3),
                  PRC_E_OPTION_VALUE);
    ASSERT_STATUS(prc_options_set_thresholds(o, with_nan, 3),
                  PRC_E_OPTION_VALUE);
    ASSERT_STATUS(prc_options_set_thresholds(o, good, 1),
                  PRC_E_OPTION_VALUE);
    ASSERT_STATUS(prc_options_set_thresholds(o, NULL, 3), PRC_E_NULL);
    ASSERT_OK(prc_options_get(o, PRC_OPT_BINS, &bins));
    assert_int_equal(bins, 1000);
    ASSERT_OK(prc_options_set_thresholds(o, good, 3));
    ASSERT_STATUS(prc_options_set(o, PRC_OPT_BINS, 7), PRC_E_OPTION_VALUE);
    ASSERT_OK(prc_options_set_thresholds(o, NULL, 0));
    ASSERT_OK(prc_options_get(o, PRC_OPT_BINS, &bins));
    assert_int_equal(bins, 1000);

    ASSERT_STATUS(prc_options_set_range(o, 1.0, 1.0), PRC_E_OPTION_VALUE);
    ASSERT_STATUS(prc_options_set_range(o, 0.0, INFINITY),
                  PRC_E_OPTION_VALUE);
    ASSERT_STATUS(prc_options_set_range(o, NAN, 1.0), PRC_E_OPTION_VALUE);
    ASSERT_STATUS(prc_options_set_range(o, -1e308, 1e308),
                  PRC_E_OPTION_VALUE);
    /* A range too narrow for its bins: thresholds would repeat. */
    ASSERT_OK(prc_options_set_range(o, 1.0, nextafter(1.0, 2.0)));
    ASSERT_OK(prc_options_set(o, PRC_OPT_BINS, 8));
    ASSERT_STATUS(prc_accumulator_create(&acc, o), PRC_E_OPTION_VALUE);
    ASSERT_OK(prc_options_set(o, PRC_OPT_BINS, 1));
    ASSERT_OK(prc_accumulator_create(&acc, o));
    prc_accumulator_free(acc);
    prc_options_free(o);
}

/* Serialized with its thresholds; merges only with the same ones. */
static void serialize_and_merge(void **unused)
{
    static const double list[4] = {0.2, 0.4, 0.6, 0.8};
    static const double other[4] = {0.2, 0.4, 0.6, 0.81};
    double scores[PIXELS];
    uint8_t labels[PIXELS];
    prc_accumulator *a = acc_with(list, 4, 0.0, 1.0, 0, 0);
    prc_accumulator *b = acc_with(other, 4, 0.0, 1.0, 0, 0);
    prc_accumulator *r = acc_with(NULL, 0, -1.0, 1.0, 0, 0);
    prc_accumulator *back = NULL, *rback = NULL;
    unsigned char *bytes;
    size_t size;

    (void)unused;
    make(list, 4, 0.0, 1.0, scores, labels, 123);
    ASSERT_OK(feed_arrays(a, 1, 20, 30, PRC_DTYPE_FLOAT64, scores,
                          PRC_DTYPE_UINT8, labels));
    ASSERT_OK(feed_arrays(r, 1, 20, 30, PRC_DTYPE_FLOAT64, scores,
                          PRC_DTYPE_UINT8, labels));
    bytes = scale_serialize(a, &size);
    ASSERT_OK(prc_accumulator_deserialize(&back, bytes, size));
    scale_assert_same(back, a);
    ASSERT_OK(prc_accumulator_merge(back, a));
    ASSERT_STATUS(prc_accumulator_merge(back, b), PRC_E_MISMATCH);
    free(bytes);
    bytes = scale_serialize(r, &size);
    ASSERT_OK(prc_accumulator_deserialize(&rback, bytes, size));
    scale_assert_same(rback, r);
    ASSERT_STATUS(prc_accumulator_merge(rback, b), PRC_E_MISMATCH);
    free(bytes);
    prc_accumulator_free(a);
    prc_accumulator_free(b);
    prc_accumulator_free(r);
    prc_accumulator_free(back);
    prc_accumulator_free(rback);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(own_thresholds),
        cmocka_unit_test(logit_range),
        cmocka_unit_test(refusals),
        cmocka_unit_test(serialize_and_merge),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
