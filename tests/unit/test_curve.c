/*
 * test_curve.c - small curves worked out by hand: counts, precision, recall
 * and F1 per row under both rules and all three zero-division settings,
 * AP, trapezoidal area and best F1, all-negative, all-positive and
 * all-ignored batches, thresholds on and next to bin edges, and the result
 * getters' argument checks.
 */
#include "support.h"

#include <math.h>
#include <string.h>

static prc_result *run(size_t bins, int rule, int zero_division,
                       prc_dtype sdtype, const void *scores, size_t n,
                       prc_dtype ldtype, const uint8_t *labels)
{
    prc_options *o = NULL;
    prc_accumulator *acc = NULL;
    prc_result *res = NULL;

    ASSERT_OK(prc_options_create(&o));
    ASSERT_OK(prc_options_set(o, PRC_OPT_BINS, (int64_t)bins));
    ASSERT_OK(prc_options_set(o, PRC_OPT_RULE, rule));
    ASSERT_OK(prc_options_set(o, PRC_OPT_ZERO_DIVISION, zero_division));
    ASSERT_OK(prc_accumulator_create(&acc, o));
    prc_options_free(o);
    ASSERT_OK(feed_arrays(acc, 1, 1, n, sdtype, scores, ldtype, labels));
    ASSERT_OK(prc_accumulator_finalize(acc, &res));
    prc_accumulator_free(acc);
    return res;
}

static void expect_counts(const prc_result *res, prc_column column,
                          const uint64_t *expected, size_t rows)
{
    uint64_t got[16];
    size_t k;

    assert_true(rows <= 16);
    ASSERT_OK(prc_result_counts(res, column, 0, rows, got));
    for (k = 0; k < rows; k++)
        if (got[k] != expected[k])
            TEST_FAIL("column %d row %zu: %llu, expected %llu", (int)column,
                      k, (unsigned long long)got[k],
                      (unsigned long long)expected[k]);
}

static void expect_column(const prc_result *res, prc_column column,
                          const double *expected, size_t rows)
{
    double got[16];
    size_t k;

    assert_true(rows <= 16);
    ASSERT_OK(prc_result_column(res, column, 0, rows, got));
    for (k = 0; k < rows; k++)
        ASSERT_CLOSE(got[k], expected[k], 1e-15);
}

/* Counts read as doubles must equal the exact counts. */
static void expect_counts_as_doubles(const prc_result *res, size_t rows)
{
    int c;
    size_t k;

    for (c = PRC_COL_TP; c <= PRC_COL_TN; c++) {
        uint64_t u[16];
        double d[16];

        ASSERT_OK(prc_result_counts(res, (prc_column)c, 0, rows, u));
        ASSERT_OK(prc_result_column(res, (prc_column)c, 0, rows, d));
        for (k = 0; k < rows; k++)
            assert_true(d[k] == (double)u[k]);
    }
}

/*
 * Six pixels, B = 4, thresholds 0, 0.25, 0.5, 0.75, 1:
 *
 *   pixel  a     b     c     d     e     f
 *   score  0.00  0.25  0.40  0.50  0.75  1.00
 *   label  0     1     0     1     0     1       3 positives, 3 negatives
 *
 * Rule GE (score >= t), F1 = 2TP / (2TP + FP + FN):
 *   k  t     passing        TP FP FN TN  precision  recall  F1
 *   0  0     a b c d e f     3  3  0  0  3/6 = 1/2  1       6/9
 *   1  0.25  b c d e f       3  2  0  1  3/5        1       6/8
 *   2  0.5   d e f           2  1  1  2  2/3        2/3     4/6
 *   3  0.75  e f             1  1  2  2  1/2        1/3     2/5
 *   4  1     f               1  0  2  3  1          1/3     2/4
 *   AP = (1-1)(1/2) + (1-2/3)(3/5) + (2/3-1/3)(2/3) + (1/3-1/3)(1/2)
 *        + (1/3-0)(1) = 1/5 + 2/9 + 1/3 = 34/45
 *   (scikit-learn on the same six pixels: 1/3*1 + 1/3*2/3 + 1/3*3/5, the
 *   same 34/45.)
 *   trapezoid = 0 + (1/3)(3/5+2/3)/2 + (1/3)(2/3+1/2)/2 + 0
 *             = 19/90 + 7/36 = 73/180
 *   best F1 = 6/8 at threshold 0.25.
 *
 * Rule GT (score > t):
 *   k  t     passing        TP FP FN TN  precision  recall  F1
 *   0  0     b c d e f       3  2  0  1  3/5        1       6/8
 *   1  0.25  c d e f         2  2  1  1  1/2        2/3     4/7
 *   2  0.5   e f             1  1  2  2  1/2        1/3     2/5
 *   3  0.75  f               1  0  2  3  1          1/3     2/4
 *   4  1     (none)          0  0  3  3  z          0       0/3 = 0
 *   (z: the zero-division value)
 *   AP = (1-2/3)(3/5) + (2/3-1/3)(1/2) + 0 + (1/3-0)(1), row 4 adds
 *        nothing = 1/5 + 1/6 + 1/3 = 7/10 whatever z is.
 *   trapezoid = (1/3)(3/5+1/2)/2 + (1/3)(1/2+1/2)/2 + 0 + (1/3)(1+z)/2
 *             = 11/60 + 1/6 + (1+z)/6: 31/60 for z = 0, 41/60 for z = 1,
 *             NaN for z = NaN (scikit-learn's auc over these rows).
 *   best F1 = 6/8 at threshold 0.
 */
static const double six_scores[6] = {0.0, 0.25, 0.4, 0.5, 0.75, 1.0};
static const uint8_t six_labels[6] = {0, 1, 0, 1, 0, 1};

static void test_six_pixels_ge(void **state)
{
    static const uint64_t tp[5] = {3, 3, 2, 1, 1}, fp[5] = {3, 2, 1, 1, 0};
    static const uint64_t fn[5] = {0, 0, 1, 2, 2}, tn[5] = {0, 1, 2, 2, 3};
    const double precision[5] = {1.0 / 2, 3.0 / 5, 2.0 / 3, 1.0 / 2, 1.0};
    const double recall[5] = {1.0, 1.0, 2.0 / 3, 1.0 / 3, 1.0 / 3};
    const double f1[5] = {6.0 / 9, 6.0 / 8, 4.0 / 6, 2.0 / 5, 2.0 / 4};
    const double thresholds[5] = {0.0, 0.25, 0.5, 0.75, 1.0};
    int z;

    (void)state;
    /* No row lacks predicted positives or positives: z changes nothing. */
    for (z = 0; z <= 2; z++) {
        prc_result *res = run(4, PRC_RULE_GE, z, PRC_DTYPE_FLOAT64,
                              six_scores, 6, PRC_DTYPE_UINT8, six_labels);

        assert_int_equal(prc_result_rows(res), 5);
        expect_counts(res, PRC_COL_TP, tp, 5);
        expect_counts(res, PRC_COL_FP, fp, 5);
        expect_counts(res, PRC_COL_FN, fn, 5);
        expect_counts(res, PRC_COL_TN, tn, 5);
        expect_counts_as_doubles(res, 5);
        expect_column(res, PRC_COL_THRESHOLD, thresholds, 5);
        expect_column(res, PRC_COL_PRECISION, precision, 5);
        expect_column(res, PRC_COL_RECALL, recall, 5);
        expect_column(res, PRC_COL_F1, f1, 5);
        ASSERT_CLOSE(get_metric(res, PRC_AVERAGE_PRECISION, PRC_OK),
                     34.0 / 45, 1e-15);
        ASSERT_CLOSE(get_metric(res, PRC_AUPRC_TRAPEZOID, PRC_OK),
                     73.0 / 180, 1e-15);
        ASSERT_CLOSE(get_metric(res, PRC_BEST_F1, PRC_OK), 0.75, 1e-15);
        ASSERT_CLOSE(get_metric(res, PRC_BEST_F1_THRESHOLD, PRC_OK), 0.25,
                     0.0);
        assert_int_equal(get_tally(res, PRC_PIXELS), 6);
        assert_int_equal(get_tally(res, PRC_POSITIVES), 3);
        assert_int_equal(get_tally(res, PRC_NEGATIVES), 3);
        assert_int_equal(get_tally(res, PRC_IGNORED), 0);
        assert_int_equal(get_tally(res, PRC_SKIPPED), 0);
        prc_result_free(res);
    }
}

static void test_six_pixels_gt(void **state)
{
    static const uint64_t tp[5] = {3, 2, 1, 1, 0}, fp[5] = {2, 2, 1, 0, 0};
    static const uint64_t fn[5] = {0, 1, 2, 2, 3}, tn[5] = {1, 1, 2, 3, 3};
    const double recall[5] = {1.0, 2.0 / 3, 1.0 / 3, 1.0 / 3, 0.0};
    const double f1[5] = {6.0 / 8, 4.0 / 7, 2.0 / 5, 2.0 / 4, 0.0};
    const double z_value[3] = {0.0, 1.0, NAN};
    const double trapezoid[3] = {31.0 / 60, 41.0 / 60, NAN};
    int z;

    (void)state;
    for (z = 0; z <= 2; z++) {
        const double precision[5] = {3.0 / 5, 1.0 / 2, 1.0 / 2, 1.0,
                                     z_value[z]};
        prc_result *res = run(4, PRC_RULE_GT, z, PRC_DTYPE_FLOAT64,
                              six_scores, 6, PRC_DTYPE_UINT8, six_labels);

        expect_counts(res, PRC_COL_TP, tp, 5);
        expect_counts(res, PRC_COL_FP, fp, 5);
        expect_counts(res, PRC_COL_FN, fn, 5);
        expect_counts(res, PRC_COL_TN, tn, 5);
        expect_column(res, PRC_COL_PRECISION, precision, 5);
        expect_column(res, PRC_COL_RECALL, recall, 5);
        expect_column(res, PRC_COL_F1, f1, 5);
        ASSERT_CLOSE(get_metric(res, PRC_AVERAGE_PRECISION, PRC_OK), 0.7,
                     1e-15);
        ASSERT_CLOSE(get_metric(res, PRC_AUPRC_TRAPEZOID, PRC_OK),
                     trapezoid[z], 1e-15);
        ASSERT_CLOSE(get_metric(res, PRC_BEST_F1, PRC_OK), 0.75, 1e-15);
        ASSERT_CLOSE(get_metric(res, PRC_BEST_F1_THRESHOLD, PRC_OK), 0.0,
                     0.0);
        prc_result_free(res);
    }
}

/* The same six pixels as float32 and as uint8.  0.25f, 0.5f and 0.75f are
 * exact and 0.4f stays between 0.25 and 0.5, so float32 gives the float64
 * counts.  The bytes 0, 64, 102, 128, 191, 255 mean 0, 0.251, 0.4, 0.502,
 * 0.749 and 1:
 *   GE  k=0 all: TP 3 FP 3;  k=1 b c d e f: TP 3 FP 2;  k=2 d e f: TP 2
 *       FP 1;  k=3 f (0.749 < 0.75): TP 1 FP 0;  k=4 f: TP 1 FP 0.
 *   GT  k=0 b..f: TP 3 FP 2;  k=1 b..f (0.251 > 0.25): TP 3 FP 2;
 *       k=2 d e f (0.502 > 0.5): TP 2 FP 1;  k=3 f: TP 1;  k=4 none. */
static void test_six_pixels_other_dtypes(void **state)
{
    const float f32[6] = {0.0f, 0.25f, 0.4f, 0.5f, 0.75f, 1.0f};
    const uint8_t u8[6] = {0, 64, 102, 128, 191, 255};
    static const uint64_t tp_ge[5] = {3, 3, 2, 1, 1};
    static const uint64_t fp_ge_f32[5] = {3, 2, 1, 1, 0};
    static const uint64_t fp_ge_u8[5] = {3, 2, 1, 0, 0};
    static const uint64_t tp_gt_u8[5] = {3, 3, 2, 1, 0};
    static const uint64_t fp_gt_u8[5] = {2, 2, 1, 0, 0};
    prc_result *res;

    (void)state;
    /* 0.25, 0.5, 0.75 and 0.4f: the first three are exact in float32; 0.4f
     * lies between 0.25 and 0.5 either way. */
    res = run(4, PRC_RULE_GE, 0, PRC_DTYPE_FLOAT32, f32, 6, PRC_DTYPE_BOOL,
              six_labels);
    expect_counts(res, PRC_COL_TP, tp_ge, 5);
    expect_counts(res, PRC_COL_FP, fp_ge_f32, 5);
    prc_result_free(res);

    res = run(4, PRC_RULE_GE, 0, PRC_DTYPE_UINT8, u8, 6, PRC_DTYPE_UINT8,
              six_labels);
    expect_counts(res, PRC_COL_TP, tp_ge, 5);
    expect_counts(res, PRC_COL_FP, fp_ge_u8, 5);
    prc_result_free(res);

    res = run(4, PRC_RULE_GT, 0, PRC_DTYPE_UINT8, u8, 6, PRC_DTYPE_UINT8,
              six_labels);
    expect_counts(res, PRC_COL_TP, tp_gt_u8, 5);
    expect_counts(res, PRC_COL_FP, fp_gt_u8, 5);
    prc_result_free(res);
}

/*
 * All negative: scores 0.1, 0.3, 0.6, 0.9, labels 0, B = 4, rule GE.
 *   k  t     FP  TN  precision      recall  F1
 *   0  0     4   0   0/4 = 0        z       0/4 = 0
 *   1  0.25  3   1   0              z       0
 *   2  0.5   2   2   0              z       0
 *   3  0.75  1   3   0              z       0
 *   4  1     0   4   z              z       0/0 = z
 * AP is undefined: NaN with PRC_E_NO_POSITIVES.
 */
static void test_all_negative(void **state)
{
    const double scores[4] = {0.1, 0.3, 0.6, 0.9};
    const uint8_t labels[4] = {0, 0, 0, 0};
    static const uint64_t zero[5] = {0, 0, 0, 0, 0};
    static const uint64_t fp[5] = {4, 3, 2, 1, 0}, tn[5] = {0, 1, 2, 3, 4};
    const double z_value[3] = {0.0, 1.0, NAN};
    int z;

    (void)state;
    for (z = 0; z <= 2; z++) {
        double zv = z_value[z];
        const double precision[5] = {0, 0, 0, 0, zv};
        const double recall[5] = {zv, zv, zv, zv, zv};
        const double f1[5] = {0, 0, 0, 0, zv};
        prc_result *res = run(4, PRC_RULE_GE, z, PRC_DTYPE_FLOAT64, scores,
                              4, PRC_DTYPE_BOOL, labels);
        double ap;

        expect_counts(res, PRC_COL_TP, zero, 5);
        expect_counts(res, PRC_COL_FN, zero, 5);
        expect_counts(res, PRC_COL_FP, fp, 5);
        expect_counts(res, PRC_COL_TN, tn, 5);
        expect_column(res, PRC_COL_PRECISION, precision, 5);
        expect_column(res, PRC_COL_RECALL, recall, 5);
        expect_column(res, PRC_COL_F1, f1, 5);
        ap = get_metric(res, PRC_AVERAGE_PRECISION, PRC_E_NO_POSITIVES);
        assert_true(isnan(ap));
        assert_int_equal(get_tally(res, PRC_POSITIVES), 0);
        assert_int_equal(get_tally(res, PRC_NEGATIVES), 4);
        prc_result_free(res);
    }
}

/*
 * All positive: scores 0.1, 0.3, 0.6, 0.9, labels 1, B = 4, rule GE.
 *   k  t     TP  FN  precision  recall  F1
 *   0  0     4   0   1          1       8/8
 *   1  0.25  3   1   1          3/4     6/7
 *   2  0.5   2   2   1          1/2     4/6
 *   3  0.75  1   3   1          1/4     2/5
 *   4  1     0   4   z          0       0/4
 * AP = 1/4 + 1/4 + 1/4 + 1/4 (row 4 adds nothing) = 1.
 * trapezoid = 3 * (1/4)(1+1)/2 + (1/4)(1+z)/2 = 3/4 + (1+z)/8:
 *   7/8 for z = 0, 1 for z = 1, NaN for z = NaN.
 * best F1 = 1 at threshold 0.
 */
static void test_all_positive(void **state)
{
    const double scores[4] = {0.1, 0.3, 0.6, 0.9};
    const uint8_t labels[4] = {1, 1, 1, 1};
    static const uint64_t tp[5] = {4, 3, 2, 1, 0}, fn[5] = {0, 1, 2, 3, 4};
    static const uint64_t zero[5] = {0, 0, 0, 0, 0};
    const double z_value[3] = {0.0, 1.0, NAN};
    const double trapezoid[3] = {7.0 / 8, 1.0, NAN};
    const double recall[5] = {1.0, 0.75, 0.5, 0.25, 0.0};
    const double f1[5] = {1.0, 6.0 / 7, 4.0 / 6, 2.0 / 5, 0.0};
    int z;

    (void)state;
    for (z = 0; z <= 2; z++) {
        const double precision[5] = {1, 1, 1, 1, z_value[z]};
        prc_result *res = run(4, PRC_RULE_GE, z, PRC_DTYPE_FLOAT64, scores,
                              4, PRC_DTYPE_UINT8, labels);

        expect_counts(res, PRC_COL_TP, tp, 5);
        expect_counts(res, PRC_COL_FN, fn, 5);
        expect_counts(res, PRC_COL_FP, zero, 5);
        expect_counts(res, PRC_COL_TN, zero, 5);
        expect_column(res, PRC_COL_PRECISION, precision, 5);
        expect_column(res, PRC_COL_RECALL, recall, 5);
        expect_column(res, PRC_COL_F1, f1, 5);
        ASSERT_CLOSE(get_metric(res, PRC_AVERAGE_PRECISION, PRC_OK), 1.0,
                     1e-15);
        ASSERT_CLOSE(get_metric(res, PRC_AUPRC_TRAPEZOID, PRC_OK),
                     trapezoid[z], 1e-15);
        ASSERT_CLOSE(get_metric(res, PRC_BEST_F1, PRC_OK), 1.0, 1e-15);
        ASSERT_CLOSE(get_metric(res, PRC_BEST_F1_THRESHOLD, PRC_OK), 0.0,
                     0.0);
        prc_result_free(res);
    }
}

/* All ignored (scores may be anything): every count is zero, the ignored
 * tally is 5, precision and recall are z everywhere, AP is undefined. */
static void test_all_ignored(void **state)
{
    const double scores[5] = {NAN, -1.0, 2.0, 0.5, INFINITY};
    const uint8_t labels[5] = {255, 255, 255, 255, 255};
    static const uint64_t zero[3] = {0, 0, 0};
    const double z_value[3] = {0.0, 1.0, NAN};
    int z, c;

    (void)state;
    for (z = 0; z <= 2; z++) {
        const double zz[3] = {z_value[z], z_value[z], z_value[z]};
        prc_result *res = run(2, PRC_RULE_GT, z, PRC_DTYPE_FLOAT64, scores,
                              5, PRC_DTYPE_UINT8, labels);

        for (c = PRC_COL_TP; c <= PRC_COL_TN; c++)
            expect_counts(res, (prc_column)c, zero, 3);
        expect_column(res, PRC_COL_PRECISION, zz, 3);
        expect_column(res, PRC_COL_RECALL, zz, 3);
        expect_column(res, PRC_COL_F1, zz, 3);
        assert_true(
            isnan(get_metric(res, PRC_AVERAGE_PRECISION, PRC_E_NO_POSITIVES)));
        assert_int_equal(get_tally(res, PRC_IGNORED), 5);
        assert_int_equal(get_tally(res, PRC_PIXELS), 0);
        prc_result_free(res);
    }
}

/*
 * Scores on and next to bin edges, one pixel each (label 1), reading which
 * rows it passes from TP.  "passes rows 0..m-1" is written m.
 *
 * B = 4 (edges exact in binary):
 *   score            GE  GT
 *   0                1   0     (0 >= 0; 0 > 0 fails)
 *   -0.0             1   0     (-0.0 == 0)
 *   smallest subnormal  1  1   (> 0, < 0.25)
 *   0.25 - 1 ulp     1   1
 *   0.25             2   1
 *   0.25 + 1 ulp     2   2
 *   1 - 1 ulp        4   4
 *   1                5   4
 *
 * B = 3 (1/3 not exact): t_1 = 1/3 as a double.
 *   uint8 85 -> 85/255.0, the same double as 1.0/3: GE 2, GT 1
 *   float32 (float)(1/3) = 0.3333333432... > t_1:   GE 2, GT 2
 *   the float32 just below it, 0.3333333134...:     GE 1, GT 1
 *   float64 1/3 + 1 ulp:                            GE 2, GT 2
 *   float64 1/3 - 1 ulp:                            GE 1, GT 1
 *
 * B = 10: 0.1f = 0.100000001490116... > 0.1: GE 2, GT 2.
 */
struct edge_case {
    size_t bins;
    prc_dtype dtype;
    double score; /* uint8: the byte value */
    size_t passed_ge, passed_gt;
};

static void test_edges(void **state)
{
    const struct edge_case cases[] = {
        {4, PRC_DTYPE_FLOAT64, 0.0, 1, 0},
        {4, PRC_DTYPE_FLOAT64, -0.0, 1, 0},
        {4, PRC_DTYPE_FLOAT32, -0.0, 1, 0},
        {4, PRC_DTYPE_FLOAT64, nextafter(0.0, 1.0), 1, 1},
        {4, PRC_DTYPE_FLOAT32, (double)nextafterf(0.0f, 1.0f), 1, 1},
        {4, PRC_DTYPE_FLOAT64, nextafter(0.25, 0.0), 1, 1},
        {4, PRC_DTYPE_FLOAT64, 0.25, 2, 1},
        {4, PRC_DTYPE_FLOAT32, 0.25, 2, 1},
        {4, PRC_DTYPE_FLOAT64, nextafter(0.25, 1.0), 2, 2},
        {4, PRC_DTYPE_FLOAT32, (double)nextafterf(0.25f, 0.0f), 1, 1},
        {4, PRC_DTYPE_FLOAT64, nextafter(1.0, 0.0), 4, 4},
        {4, PRC_DTYPE_FLOAT64, 1.0, 5, 4},
        {4, PRC_DTYPE_UINT8, 255.0, 5, 4},
        {4, PRC_DTYPE_UINT8, 0.0, 1, 0},
        {3, PRC_DTYPE_UINT8, 85.0, 2, 1},
        {3, PRC_DTYPE_UINT8, 170.0, 3, 2},
        {3, PRC_DTYPE_FLOAT32, (double)(float)(1.0 / 3), 2, 2},
        {3, PRC_DTYPE_FLOAT32,
         (double)nextafterf((float)(1.0 / 3), 0.0f), 1, 1},
        {3, PRC_DTYPE_FLOAT64, nextafter(1.0 / 3, 1.0), 2, 2},
        {3, PRC_DTYPE_FLOAT64, nextafter(1.0 / 3, 0.0), 1, 1},
        {3, PRC_DTYPE_FLOAT64, 2.0 / 3, 3, 2},
        {10, PRC_DTYPE_FLOAT32, (double)0.1f, 2, 2},
        {10, PRC_DTYPE_FLOAT64, 0.1, 2, 1},
        {10, PRC_DTYPE_FLOAT64, 0.3, 4, 3},
        {10, PRC_DTYPE_FLOAT64, nextafter(0.7, 0.0), 7, 7},
        {255, PRC_DTYPE_UINT8, 100.0, 101, 100},
    };
    const uint8_t label = 1;
    size_t i, k;

    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct edge_case *c = &cases[i];
        float f = (float)c->score;
        uint8_t u = (uint8_t)c->score;
        const void *s = c->dtype == PRC_DTYPE_FLOAT32 ? (const void *)&f
                        : c->dtype == PRC_DTYPE_FLOAT64
                            ? (const void *)&c->score
                            : (const void *)&u;
        int rule;

        for (rule = PRC_RULE_GE; rule <= PRC_RULE_GT; rule++) {
            size_t want = rule == PRC_RULE_GE ? c->passed_ge : c->passed_gt;
            prc_result *res =
                run(c->bins, rule, 0, c->dtype, s, 1, PRC_DTYPE_UINT8, &label);
            uint64_t tp[256];

            assert_true(c->bins < 256);
            ASSERT_OK(prc_result_counts(res, PRC_COL_TP, 0, c->bins + 1, tp));
            for (k = 0; k <= c->bins; k++)
                if (tp[k] != (k < want))
                    TEST_FAIL("case %zu (score %.17g, B %zu, rule %s): row "
                              "%zu has TP %llu",
                              i, c->score, c->bins, rule ? "GT" : "GE", k,
                              (unsigned long long)tp[k]);
            prc_result_free(res);
        }
    }
}

/* B = 1: two rows, thresholds 0 and 1.  Scores 0, 0.5, 1 with labels 1, 0,
 * 1.  GE: row 0 all pass (TP 2, FP 1), row 1 only 1.0 (TP 1, FP 0).
 * AP = (1 - 1/2)(2/3) + (1/2 - 0)(1) = 1/3 + 1/2 = 5/6.
 * trapezoid = (1 - 1/2)(2/3 + 1)/2 = 5/12.
 * F1: row 0 4/5, row 1 2/3: best 4/5 at 0.
 * GT: row 0 passes 0.5 and 1 (TP 1, FP 1), row 1 none: TP 0.
 * AP = (1/2 - 0)(1/2) = 1/4, F1 row 0 = 2/4, row 1 = 0. */
static void test_one_bin(void **state)
{
    const double scores[3] = {0.0, 0.5, 1.0};
    const uint8_t labels[3] = {1, 0, 1};
    static const uint64_t tp_ge[2] = {2, 1}, fp_ge[2] = {1, 0};
    static const uint64_t tp_gt[2] = {1, 0}, fp_gt[2] = {1, 0};
    prc_result *res;

    (void)state;
    res = run(1, PRC_RULE_GE, 0, PRC_DTYPE_FLOAT64, scores, 3,
              PRC_DTYPE_UINT8, labels);
    assert_int_equal(prc_result_rows(res), 2);
    expect_counts(res, PRC_COL_TP, tp_ge, 2);
    expect_counts(res, PRC_COL_FP, fp_ge, 2);
    ASSERT_CLOSE(get_metric(res, PRC_AVERAGE_PRECISION, PRC_OK), 5.0 / 6,
                 1e-15);
    ASSERT_CLOSE(get_metric(res, PRC_AUPRC_TRAPEZOID, PRC_OK), 5.0 / 12,
                 1e-15);
    ASSERT_CLOSE(get_metric(res, PRC_BEST_F1, PRC_OK), 0.8, 1e-15);
    ASSERT_CLOSE(get_metric(res, PRC_BEST_F1_THRESHOLD, PRC_OK), 0.0, 0.0);
    prc_result_free(res);

    res = run(1, PRC_RULE_GT, 0, PRC_DTYPE_FLOAT64, scores, 3,
              PRC_DTYPE_UINT8, labels);
    expect_counts(res, PRC_COL_TP, tp_gt, 2);
    expect_counts(res, PRC_COL_FP, fp_gt, 2);
    ASSERT_CLOSE(get_metric(res, PRC_AVERAGE_PRECISION, PRC_OK), 0.25, 1e-15);
    ASSERT_CLOSE(get_metric(res, PRC_BEST_F1, PRC_OK), 0.5, 1e-15);
    prc_result_free(res);
}

/* Ties in F1: the lowest threshold wins.  B = 2, rule GE.
 * Positives 1.0, 0.5; negative 0.5:
 *   row 0 (t 0):   TP 2 FP 1 FN 0: F1 4/5
 *   row 1 (t 0.5): TP 2 FP 1 FN 0: F1 4/5   (a tie: threshold 0 wins)
 *   row 2 (t 1):   TP 1 FP 0 FN 1: F1 2/3
 * Positives 1.0, 1.0, 0.5; negatives 0.5, 0.5, 0.0:
 *   row 0: TP 3 FP 3 FN 0: 6/9;  row 1: TP 3 FP 2: 6/8;
 *   row 2: TP 2 FP 0 FN 1: 4/5, the best, at threshold 1. */
static void test_best_f1_ties(void **state)
{
    const double s1[3] = {1.0, 0.5, 0.5};
    const uint8_t l1[3] = {1, 1, 0};
    const double s2[6] = {1.0, 1.0, 0.5, 0.5, 0.5, 0.0};
    const uint8_t l2[6] = {1, 1, 1, 0, 0, 0};
    prc_result *res;

    (void)state;
    res = run(2, PRC_RULE_GE, 0, PRC_DTYPE_FLOAT64, s1, 3, PRC_DTYPE_UINT8,
              l1);
    ASSERT_CLOSE(get_metric(res, PRC_BEST_F1, PRC_OK), 0.8, 1e-15);
    ASSERT_CLOSE(get_metric(res, PRC_BEST_F1_THRESHOLD, PRC_OK), 0.0, 0.0);
    prc_result_free(res);
    res = run(2, PRC_RULE_GE, 0, PRC_DTYPE_FLOAT64, s2, 6, PRC_DTYPE_UINT8,
              l2);
    ASSERT_CLOSE(get_metric(res, PRC_BEST_F1, PRC_OK), 0.8, 1e-15);
    ASSERT_CLOSE(get_metric(res, PRC_BEST_F1_THRESHOLD, PRC_OK), 1.0, 0.0);
    prc_result_free(res);
}

/* Nothing fed: B + 1 rows of zeros, precision and recall z. */
static void test_nothing_fed(void **state)
{
    prc_options *o = NULL;
    prc_accumulator *acc = NULL;
    prc_result *res = NULL;
    static const uint64_t zero[4] = {0, 0, 0, 0};
    const double ones[4] = {1, 1, 1, 1};

    (void)state;
    ASSERT_OK(prc_options_create(&o));
    ASSERT_OK(prc_options_set(o, PRC_OPT_BINS, 3));
    ASSERT_OK(prc_options_set(o, PRC_OPT_ZERO_DIVISION, 1));
    ASSERT_OK(prc_accumulator_create(&acc, o));
    prc_options_free(o);
    ASSERT_OK(prc_accumulator_finalize(acc, &res));
    assert_int_equal(prc_result_rows(res), 4);
    expect_counts(res, PRC_COL_TP, zero, 4);
    expect_counts(res, PRC_COL_TN, zero, 4);
    expect_column(res, PRC_COL_PRECISION, ones, 4);
    expect_column(res, PRC_COL_RECALL, ones, 4);
    assert_true(
        isnan(get_metric(res, PRC_AVERAGE_PRECISION, PRC_E_NO_POSITIVES)));
    assert_int_equal(get_tally(res, PRC_PIXELS), 0);
    prc_result_free(res);
    prc_accumulator_free(acc);
}

/* Argument checks of the result getters. */
static void test_result_getters(void **state)
{
    prc_result *res = run(4, PRC_RULE_GE, 0, PRC_DTYPE_FLOAT64, six_scores,
                          6, PRC_DTYPE_UINT8, six_labels);
    double d[6] = {-1, -1, -1, -1, -1, -1};
    uint64_t u[6] = {9, 9, 9, 9, 9, 9};
    double v = -5.0;

    (void)state;
    /* Ranges: [first, first + count) within 5 rows. */
    ASSERT_OK(prc_result_column(res, PRC_COL_RECALL, 2, 3, d));
    ASSERT_CLOSE(d[0], 2.0 / 3, 1e-15);
    ASSERT_CLOSE(d[2], 1.0 / 3, 1e-15);
    ASSERT_OK(prc_result_counts(res, PRC_COL_FP, 4, 1, u));
    assert_int_equal(u[0], 0);
    ASSERT_OK(prc_result_column(res, PRC_COL_TP, 5, 0, d));
    ASSERT_STATUS(prc_result_column(res, PRC_COL_TP, 0, 6, d), PRC_E_INDEX);
    ASSERT_STATUS(prc_result_column(res, PRC_COL_TP, 5, 1, d), PRC_E_INDEX);
    ASSERT_STATUS(prc_result_column(res, PRC_COL_TP, 6, 0, d), PRC_E_INDEX);
    ASSERT_STATUS(prc_result_column(res, PRC_COL_TP, SIZE_MAX, 2, d),
                  PRC_E_INDEX);
    ASSERT_STATUS(prc_result_counts(res, PRC_COL_TP, 2, SIZE_MAX, u),
                  PRC_E_INDEX);
    /* Unknown columns; non-count columns through the count getter. */
    ASSERT_STATUS(prc_result_column(res, (prc_column)0, 0, 1, d),
                  PRC_E_COLUMN);
    ASSERT_STATUS(prc_result_column(res, (prc_column)17, 0, 1, d),
                  PRC_E_COLUMN);
    ASSERT_STATUS(prc_result_counts(res, (prc_column)17, 0, 1, u),
                  PRC_E_COLUMN);
    ASSERT_STATUS(prc_result_counts(res, PRC_COL_PRECISION, 0, 1, u),
                  PRC_E_COLUMN);
    /* Per-image columns and metrics without per-image mode. */
    ASSERT_STATUS(prc_result_column(res, PRC_COL_IMAGE_PRECISION, 0, 1, d),
                  PRC_E_NOT_ENABLED);
    ASSERT_STATUS(prc_result_column(res, PRC_COL_IMAGE_RECALL, 0, 1, d),
                  PRC_E_NOT_ENABLED);
    assert_true(isnan(
        get_metric(res, PRC_IMAGE_AVERAGE_PRECISION, PRC_E_NOT_ENABLED)));
    assert_true(
        isnan(get_metric(res, PRC_IMAGE_AUPRC_TRAPEZOID, PRC_E_NOT_ENABLED)));
    assert_true(isnan(get_metric(res, PRC_MEAN_IMAGE_AVERAGE_PRECISION,
                                 PRC_E_NOT_ENABLED)));
    /* Unknown metric: *out untouched.  Unknown tally. */
    ASSERT_STATUS(prc_result_metric(res, (prc_metric)0, &v), PRC_E_COLUMN);
    ASSERT_STATUS(prc_result_metric(res, (prc_metric)22, &v), PRC_E_COLUMN);
    assert_true(v == -5.0);
    ASSERT_STATUS(prc_result_tally(res, (prc_tally)0, u), PRC_E_COLUMN);
    ASSERT_STATUS(prc_result_tally(res, (prc_tally)9, u), PRC_E_COLUMN);
    /* NULLs. */
    ASSERT_STATUS(prc_result_column(NULL, PRC_COL_TP, 0, 1, d), PRC_E_NULL);
    ASSERT_STATUS(prc_result_column(res, PRC_COL_TP, 0, 1, NULL),
                  PRC_E_NULL);
    ASSERT_STATUS(prc_result_counts(NULL, PRC_COL_TP, 0, 1, u), PRC_E_NULL);
    ASSERT_STATUS(prc_result_counts(res, PRC_COL_TP, 0, 1, NULL),
                  PRC_E_NULL);
    ASSERT_STATUS(prc_result_metric(NULL, PRC_AVERAGE_PRECISION, &v),
                  PRC_E_NULL);
    ASSERT_STATUS(prc_result_metric(res, PRC_AVERAGE_PRECISION, NULL),
                  PRC_E_NULL);
    ASSERT_STATUS(prc_result_tally(NULL, PRC_PIXELS, u), PRC_E_NULL);
    ASSERT_STATUS(prc_result_tally(res, PRC_PIXELS, NULL), PRC_E_NULL);
    prc_result_free(res);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_six_pixels_ge),
        cmocka_unit_test(test_six_pixels_gt),
        cmocka_unit_test(test_six_pixels_other_dtypes),
        cmocka_unit_test(test_all_negative),
        cmocka_unit_test(test_all_positive),
        cmocka_unit_test(test_all_ignored),
        cmocka_unit_test(test_edges),
        cmocka_unit_test(test_one_bin),
        cmocka_unit_test(test_best_f1_ties),
        cmocka_unit_test(test_nothing_fed),
        cmocka_unit_test(test_result_getters),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
