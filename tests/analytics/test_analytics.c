/*
 * test_analytics.c - ROC, overlap scores, F-beta, operating points,
 * interpolated AP, certified AP bounds and calibration, against values
 * worked out by hand from the definitions in prcurve.h (arithmetic in the
 * comments) and against brute force on random data.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "prcurve.h"

/* ------------------------------------------------------------------------ */
/* Helpers                                                                  */
/* ------------------------------------------------------------------------ */

#define ASSERT_STATUS(call, expected)                                         \
    do {                                                                      \
        int got_ = (int)(call);                                               \
        if (got_ != (int)(expected)) {                                        \
            print_error("%s returned %s, expected %s\n", #call,               \
                        prc_status_name(got_),                                \
                        prc_status_name((int)(expected)));                    \
            _fail(__FILE__, __LINE__);                                        \
        }                                                                     \
    } while (0)

#define ASSERT_OK(call) ASSERT_STATUS(call, PRC_OK)

/* |actual - expected| <= tol; two NaNs match. */
#define ASSERT_NEAR(actual, expected, tol)                                    \
    assert_near((actual), (expected), (tol), #actual, __FILE__, __LINE__)

static void assert_near(double actual, double expected, double tol,
                        const char *what, const char *file, int line)
{
    if (isnan(actual) && isnan(expected))
        return;
    if (!(fabs(actual - expected) <= tol)) {
        print_error("%s = %.17g, expected %.17g (tolerance %g)\n", what,
                    actual, expected, tol);
        _fail(file, line);
    }
}

typedef struct settings {
    size_t bins;
    int rule;
    int zero_division;
} settings;

static const settings DEFAULTS = {4, PRC_RULE_GE, PRC_ZERO_DIVISION_ZERO};

/* A result of n float64 scores with uint8 labels, fed as one image. */
static prc_result *make_result(const double *scores, const uint8_t *labels,
                               size_t n, settings s)
{
    prc_options *options = NULL;
    prc_accumulator *acc = NULL;
    prc_batch *batch = NULL;
    prc_result *result = NULL;

    ASSERT_OK(prc_options_create(&options));
    ASSERT_OK(prc_options_set(options, PRC_OPT_BINS, (int64_t)s.bins));
    ASSERT_OK(prc_options_set(options, PRC_OPT_RULE, s.rule));
    ASSERT_OK(prc_options_set(options, PRC_OPT_ZERO_DIVISION,
                              s.zero_division));
    ASSERT_OK(prc_accumulator_create(&acc, options));
    if (n > 0) {
        ASSERT_OK(prc_batch_create(&batch));
        ASSERT_OK(prc_batch_set_shape(batch, 1, 1, n));
        ASSERT_OK(prc_batch_set_scores(batch, PRC_DTYPE_FLOAT64, scores));
        ASSERT_OK(prc_batch_set_labels(batch, PRC_DTYPE_UINT8, labels));
        ASSERT_OK(prc_accumulator_feed(acc, batch));
    }
    ASSERT_OK(prc_accumulator_finalize(acc, &result));
    prc_batch_free(batch);
    prc_accumulator_free(acc);
    prc_options_free(options);
    return result;
}

static double metric(const prc_result *r, prc_metric m, prc_status want)
{
    double v = -1.0;

    ASSERT_STATUS(prc_result_metric(r, m, &v), want);
    return v;
}

static void check_column(const prc_result *r, prc_column column,
                         const double *want, size_t rows)
{
    double got[8];
    size_t k;

    ASSERT_OK(prc_result_column(r, column, 0, rows, got));
    for (k = 0; k < rows; k++)
        ASSERT_NEAR(got[k], want[k], 1e-15);
}

/* splitmix64 */
static uint64_t next_random(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15u);

    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

/* ------------------------------------------------------------------------ */
/* The hand-worked example                                                  */
/* ------------------------------------------------------------------------ */

/*
 * B = 4, thresholds 0, 0.25, 0.5, 0.75, 1, rule GE.  Eleven pixels:
 *   score 1.0: 1 positive            (slot 5, above every threshold)
 *   score 0.8: 2 positives, 1 negative   (slot 4)
 *   score 0.6: 1 positive, 1 negative    (slot 3)
 *   score 0.3: 2 negatives               (slot 2)
 *   score 0.1: 1 positive, 2 negatives   (slot 1)
 * P = 5, N = 6.  Rows k = 0..4 (threshold k / 4):
 *   TP = 5 4 4 3 1     FP = 6 4 2 1 0
 *   FN = 0 1 1 2 4     TN = 0 2 4 5 6
 */
static const double EX_SCORES[] = {1.0, 0.8, 0.8, 0.8, 0.6, 0.6,
                                   0.3, 0.3, 0.1, 0.1, 0.1};
static const uint8_t EX_LABELS[] = {1, 1, 1, 0, 1, 0, 0, 0, 1, 0, 0};
#define EX_PIXELS 11
#define EX_ROWS 5

static prc_result *example(settings s)
{
    return make_result(EX_SCORES, EX_LABELS, EX_PIXELS, s);
}

static void test_columns(void **state)
{
    prc_result *r = example(DEFAULTS);
    /* FPR = FP / 6; IoU = TP / (TP + FP + FN); specificity = TN / 6;
     * accuracy = (TP + TN) / 11. */
    const double fpr[] = {1.0, 4.0 / 6, 2.0 / 6, 1.0 / 6, 0.0};
    const double iou[] = {5.0 / 11, 4.0 / 9, 4.0 / 7, 3.0 / 6, 1.0 / 5};
    const double spec[] = {0.0, 2.0 / 6, 4.0 / 6, 5.0 / 6, 1.0};
    const double acc[] = {5.0 / 11, 6.0 / 11, 8.0 / 11, 8.0 / 11, 7.0 / 11};
    double a[EX_ROWS], b[EX_ROWS];
    size_t k;

    (void)state;
    check_column(r, PRC_COL_FPR, fpr, EX_ROWS);
    check_column(r, PRC_COL_IOU, iou, EX_ROWS);
    check_column(r, PRC_COL_SPECIFICITY, spec, EX_ROWS);
    check_column(r, PRC_COL_ACCURACY, acc, EX_ROWS);

    /* TPR is recall and Dice is F1, to the bit. */
    ASSERT_OK(prc_result_column(r, PRC_COL_TPR, 0, EX_ROWS, a));
    ASSERT_OK(prc_result_column(r, PRC_COL_RECALL, 0, EX_ROWS, b));
    for (k = 0; k < EX_ROWS; k++)
        assert_true(a[k] == b[k]);
    ASSERT_OK(prc_result_column(r, PRC_COL_DICE, 0, EX_ROWS, a));
    ASSERT_OK(prc_result_column(r, PRC_COL_F1, 0, EX_ROWS, b));
    for (k = 0; k < EX_ROWS; k++)
        assert_true(a[k] == b[k]);

    /* A window of rows. */
    ASSERT_OK(prc_result_column(r, PRC_COL_IOU, 2, 2, a));
    ASSERT_NEAR(a[0], 4.0 / 7, 1e-15);
    ASSERT_NEAR(a[1], 0.5, 1e-15);
    prc_result_free(r);
}

static void test_fbeta(void **state)
{
    prc_result *r = example(DEFAULTS);
    /* F2 = 5 TP / (5 TP + 4 FN + FP):
     *   k0 25/31, k1 20/28, k2 20/26, k3 15/24, k4 5/21.
     * F0.5 = 1.25 TP / (1.25 TP + 0.25 FN + FP):
     *   k0 6.25/12.25, k1 5/9.25, k2 5/7.25, k3 3.75/5.25, k4 1.25/2.25. */
    const double f2[] = {25.0 / 31, 20.0 / 28, 20.0 / 26, 15.0 / 24,
                         5.0 / 21};
    const double fhalf[] = {6.25 / 12.25, 5.0 / 9.25, 5.0 / 7.25,
                            3.75 / 5.25, 1.25 / 2.25};
    double got[EX_ROWS], f1[EX_ROWS], value, threshold;
    size_t k;

    (void)state;
    ASSERT_OK(prc_result_fbeta(r, 2.0, 0, EX_ROWS, got));
    for (k = 0; k < EX_ROWS; k++)
        ASSERT_NEAR(got[k], f2[k], 1e-15);
    ASSERT_OK(prc_result_fbeta(r, 0.5, 0, EX_ROWS, got));
    for (k = 0; k < EX_ROWS; k++)
        ASSERT_NEAR(got[k], fhalf[k], 1e-15);
    ASSERT_OK(prc_result_fbeta(r, 1.0, 0, EX_ROWS, got));
    ASSERT_OK(prc_result_column(r, PRC_COL_F1, 0, EX_ROWS, f1));
    for (k = 0; k < EX_ROWS; k++)
        ASSERT_NEAR(got[k], f1[k], 1e-15);

    /* Best F2: 25/31 = 0.806 at t = 0; best F0.5: 5/7 = 0.714 at 0.75;
     * best F1: 8/11 at 0.5. */
    ASSERT_OK(prc_result_best_fbeta(r, 2.0, &value, &threshold));
    ASSERT_NEAR(value, 25.0 / 31, 1e-15);
    ASSERT_NEAR(threshold, 0.0, 0.0);
    ASSERT_OK(prc_result_best_fbeta(r, 0.5, &value, &threshold));
    ASSERT_NEAR(value, 5.0 / 7, 1e-15);
    ASSERT_NEAR(threshold, 0.75, 0.0);
    ASSERT_OK(prc_result_best_fbeta(r, 1.0, &value, &threshold));
    ASSERT_NEAR(value, 8.0 / 11, 1e-15);
    ASSERT_NEAR(threshold, 0.5, 0.0);
    prc_result_free(r);
}

static void test_best_dice_iou(void **state)
{
    prc_result *r = example(DEFAULTS);

    (void)state;
    /* F1 = 2TP / (2TP + FP + FN): 10/16, 8/13, 8/11, 6/9, 2/6; the best is
     * 8/11 at 0.5.  IoU: 5/11, 4/9, 4/7, 1/2, 1/5; the best is 4/7 at
     * 0.5. */
    ASSERT_NEAR(metric(r, PRC_BEST_DICE, PRC_OK), 8.0 / 11, 1e-15);
    ASSERT_NEAR(metric(r, PRC_BEST_DICE_THRESHOLD, PRC_OK), 0.5, 0.0);
    ASSERT_NEAR(metric(r, PRC_BEST_IOU, PRC_OK), 4.0 / 7, 1e-15);
    ASSERT_NEAR(metric(r, PRC_BEST_IOU_THRESHOLD, PRC_OK), 0.5, 0.0);
    prc_result_free(r);
}

static void test_best_ties_take_lowest_threshold(void **state)
{
    /* B = 2: one positive at 0.75 and nothing else.  Rows t = 0, 0.5 both
     * have TP 1, FP 0, so IoU = Dice = 1 at both: the lower, 0, wins. */
    const double scores[] = {0.75};
    const uint8_t labels[] = {1};
    settings s = {2, PRC_RULE_GE, PRC_ZERO_DIVISION_ZERO};
    prc_result *r = make_result(scores, labels, 1, s);
    double value, threshold;

    (void)state;
    ASSERT_NEAR(metric(r, PRC_BEST_IOU, PRC_OK), 1.0, 0.0);
    ASSERT_NEAR(metric(r, PRC_BEST_IOU_THRESHOLD, PRC_OK), 0.0, 0.0);
    ASSERT_NEAR(metric(r, PRC_BEST_DICE_THRESHOLD, PRC_OK), 0.0, 0.0);
    ASSERT_OK(prc_result_best_fbeta(r, 3.0, &value, &threshold));
    ASSERT_NEAR(value, 1.0, 0.0);
    ASSERT_NEAR(threshold, 0.0, 0.0);
    prc_result_free(r);
}

static void test_auroc(void **state)
{
    settings gt = DEFAULTS;
    prc_result *r = example(DEFAULTS);

    (void)state;
    /* ROC points (FPR, TPR) from the top: (0, 0), (0, 1/5), (1/6, 3/5),
     * (2/6, 4/5), (4/6, 4/5), (1, 1), (1, 1).  Trapezoids:
     *   0 + 1/6 * (1/5 + 3/5) / 2 + 1/6 * (3/5 + 4/5) / 2
     *     + 2/6 * 4/5 + 2/6 * (4/5 + 1) / 2
     *   = 1/15 + 7/60 + 4/15 + 3/10 = 0.75.
     * Pairs: 22.5 of the 30 (positive, negative) pairs rank the positive
     * higher, counting same-bin pairs as half: 22.5 / 30 = 0.75. */
    ASSERT_NEAR(metric(r, PRC_AUROC, PRC_OK), 0.75, 1e-15);
    prc_result_free(r);

    /* Rule GT, B = 4: 1.0 passes every threshold but 1 and falls in one
     * bin with 0.8; 0.6, 0.3 and 0.1 keep bins of their own.  Pairs: the
     * 3 positives at 0.8 or 1 and the negative at 0.8 tie (1.5), beat the
     * 5 lower negatives (15); the positive at 0.6 ties the negative there
     * (0.5), beats 4 negatives (4); the one at 0.1 ties 2 (1).  22 / 30. */
    gt.rule = PRC_RULE_GT;
    r = example(gt);
    ASSERT_NEAR(metric(r, PRC_AUROC, PRC_OK), 22.0 / 30, 1e-15);
    prc_result_free(r);
}

static void test_ap_bounds(void **state)
{
    prc_result *r = example(DEFAULTS);
    double lower, upper, ap;

    (void)state;
    /* Slot by slot, t and f the positives and negatives above, p and n in
     * the slot; lower = sum_i (t + i) / (t + f + n + i), upper =
     * p (t + p) / (t + f + p):
     *   score 1 (one score under GE, exact): p = 1: 1 * 1 / 1 = 1
     *   slot 4: t 1, f 0, p 2, n 1: lower 2/3 + 3/4, upper 2 * 3 / 3 = 2
     *   slot 3: t 3, f 1, p 1, n 1: lower 4/6, upper 4/5
     *   slot 2: no positive
     *   slot 1: t 4, f 4, p 1, n 2: lower 5/11, upper 5/9
     * lower = (1 + 17/12 + 2/3 + 5/11) / 5, upper = (1 + 2 + 4/5 + 5/9) / 5;
     * the binned AP, (1 + 2*3/4 + 4/6 + 5/11) / 5, lies between. */
    lower = metric(r, PRC_AP_LOWER, PRC_OK);
    upper = metric(r, PRC_AP_UPPER, PRC_OK);
    ap = metric(r, PRC_AVERAGE_PRECISION, PRC_OK);
    ASSERT_NEAR(lower, (1 + 17.0 / 12 + 2.0 / 3 + 5.0 / 11) / 5, 1e-15);
    ASSERT_NEAR(upper, (1 + 2 + 0.8 + 5.0 / 9) / 5, 1e-15);
    ASSERT_NEAR(ap, (1 + 1.5 + 4.0 / 6 + 5.0 / 11) / 5, 1e-15);
    assert_true(lower <= ap && ap <= upper);
    prc_result_free(r);
}

/* One bin holding many pixels: the lower bound's long sum goes through
 * the digamma series; compare with the sum term by term. */
static void check_one_bin(size_t positives, size_t negatives, int rule)
{
    size_t n = positives + negatives, i;
    double *scores = malloc(n * sizeof *scores);
    uint8_t *labels = malloc(n);
    settings s = {1, 0, PRC_ZERO_DIVISION_ZERO};
    double want = 0.0;
    prc_result *r;

    assert_non_null(scores);
    assert_non_null(labels);
    for (i = 0; i < n; i++) {
        scores[i] = 0.5;
        labels[i] = i < positives;
    }
    s.rule = rule;
    r = make_result(scores, labels, n, s);
    /* Negatives first, then positives one by one: i / (negatives + i). */
    for (i = 1; i <= positives; i++)
        want += (double)i / (double)(negatives + i);
    ASSERT_NEAR(metric(r, PRC_AP_LOWER, PRC_OK), want / positives, 1e-14);
    /* Positives first and tied: precision 1 for all of them. */
    ASSERT_NEAR(metric(r, PRC_AP_UPPER, PRC_OK), 1.0, 1e-15);
    prc_result_free(r);
    free(scores);
    free(labels);
}

static void test_ap_bounds_large_bin(void **state)
{
    (void)state;
    check_one_bin(1000, 3000, PRC_RULE_GE);
    check_one_bin(70, 5, PRC_RULE_GT);
    check_one_bin(65, 0, PRC_RULE_GE);
    check_one_bin(20000, 1, PRC_RULE_GE);
}

static void test_ap_bounds_exact_end_bins(void **state)
{
    /* Under GE scores of exactly 1, under GT scores of exactly 0, form one
     * bin holding one score: its share is exact.  Two positives and one
     * negative at 1 with nothing else (GE): both bounds 2/3; the same at
     * 0 under GT. */
    const double ones[] = {1.0, 1.0, 1.0}, zeros[] = {0.0, 0.0, 0.0};
    const uint8_t labels[] = {1, 1, 0};
    settings s = DEFAULTS;
    prc_result *r = make_result(ones, labels, 3, s);

    (void)state;
    ASSERT_NEAR(metric(r, PRC_AP_LOWER, PRC_OK), 2.0 / 3, 1e-15);
    ASSERT_NEAR(metric(r, PRC_AP_UPPER, PRC_OK), 2.0 / 3, 1e-15);
    prc_result_free(r);
    s.rule = PRC_RULE_GT;
    r = make_result(zeros, labels, 3, s);
    ASSERT_NEAR(metric(r, PRC_AP_LOWER, PRC_OK), 2.0 / 3, 1e-15);
    ASSERT_NEAR(metric(r, PRC_AP_UPPER, PRC_OK), 2.0 / 3, 1e-15);
    prc_result_free(r);
}

static void test_interpolated_ap(void **state)
{
    prc_result *r = example(DEFAULTS);
    double dg;

    (void)state;
    /* (recall, precision) of rows k4..k0: (0.2, 1), (0.6, 3/4),
     * (0.8, 4/6), (0.8, 4/8), (1, 5/11).  Highest precision at recall
     * >= r: 1 for r <= 0.2, 3/4 for r in (0.2, 0.6], 2/3 for (0.6, 0.8],
     * 5/11 above.
     * VOC: r = 0, 0.1, 0.2 -> 1; 0.3..0.6 -> 3/4; 0.7, 0.8 -> 2/3;
     *      0.9, 1 -> 5/11: (3 + 4 * 3/4 + 2 * 2/3 + 2 * 5/11) / 11.
     * COCO: 21 points -> 1, 40 -> 3/4, 20 -> 2/3, 20 -> 5/11, over 101. */
    ASSERT_NEAR(metric(r, PRC_AP_VOC11, PRC_OK),
                (3 + 3 + 4.0 / 3 + 10.0 / 11) / 11, 1e-15);
    ASSERT_NEAR(metric(r, PRC_AP_COCO101, PRC_OK),
                (21 + 30 + 40.0 / 3 + 100.0 / 11) / 101, 1e-15);

    /* Davis-Goadrich, predicted positives PP = 11 8 6 4 1 and TP =
     * 5 4 4 3 1 at rows k0..k4, then the empty prediction (0, 0).  Each
     * step from (tp_hi, pp_hi) to (tp_lo, pp_lo) adds, over P = 5,
     * s (dTP + c ln(pp_lo / pp_hi)), s = dTP / dPP, c = tp_hi - s pp_hi:
     *   (0, 0) -> (1, 1): s = 1, constant precision: 1 * 1
     *   (1, 1) -> (3, 4): s = 2/3, c = 1/3: 2/3 (2 + ln 4 / 3)
     *   (3, 4) -> (4, 6): s = 1/2, c = 1: 1/2 (1 + ln 1.5)
     *   (4, 6) -> (4, 8): dTP = 0: 0
     *   (4, 8) -> (5, 11): s = 1/3, c = 4/3: 1/3 (1 + 4/3 ln 11/8) */
    dg = (1.0 + 2.0 / 3 * (2 + log(4.0) / 3) + 0.5 * (1 + log(1.5))
          + 1.0 / 3 * (1 + 4.0 / 3 * log(11.0 / 8)))
         / 5;
    ASSERT_NEAR(metric(r, PRC_AP_INTERPOLATED, PRC_OK), dg, 1e-15);
    prc_result_free(r);
}

static void test_operating_points(void **state)
{
    prc_result *r = example(DEFAULTS);
    double v, t;

    (void)state;
    /* Recall >= 0.7: rows k2 (4/6), k1 (1/2), k0 (5/11): 2/3 at 0.5.
     * Recall >= 0.8 exactly reaches k2 and k1: the same.  >= 1: k0 only.
     * >= 0: every row, k4's precision 1 at threshold 1. */
    ASSERT_OK(prc_result_precision_at_recall(r, 0.7, &v, &t));
    ASSERT_NEAR(v, 2.0 / 3, 1e-15);
    ASSERT_NEAR(t, 0.5, 0.0);
    ASSERT_OK(prc_result_precision_at_recall(r, 0.8, &v, &t));
    ASSERT_NEAR(v, 2.0 / 3, 1e-15);
    ASSERT_OK(prc_result_precision_at_recall(r, 1.0, &v, &t));
    ASSERT_NEAR(v, 5.0 / 11, 1e-15);
    ASSERT_NEAR(t, 0.0, 0.0);
    ASSERT_OK(prc_result_precision_at_recall(r, 0.0, &v, &t));
    ASSERT_NEAR(v, 1.0, 0.0);
    ASSERT_NEAR(t, 1.0, 0.0);

    /* Precision >= 0.7: k4 (recall 0.2), k3 (0.6): 0.6 at 0.75.
     * Precision >= 0.5: k4, k3, k2 (0.8, precision 2/3), k1 (0.8, 1/2):
     * recall 0.8 ties, the higher precision (k2, 0.5) wins.
     * Precision >= 1: k4, 0.2 at 1. */
    ASSERT_OK(prc_result_recall_at_precision(r, 0.7, &v, &t));
    ASSERT_NEAR(v, 0.6, 1e-15);
    ASSERT_NEAR(t, 0.75, 0.0);
    ASSERT_OK(prc_result_recall_at_precision(r, 0.5, &v, &t));
    ASSERT_NEAR(v, 0.8, 1e-15);
    ASSERT_NEAR(t, 0.5, 0.0);
    ASSERT_OK(prc_result_recall_at_precision(r, 1.0, &v, &t));
    ASSERT_NEAR(v, 0.2, 1e-15);
    ASSERT_NEAR(t, 1.0, 0.0);
    prc_result_free(r);
}

static void test_operating_points_ties_and_misses(void **state)
{
    /* B = 2, one positive and one negative at 0.5.  Rows t = 0 and 0.5:
     * TP 1, FP 1 (precision 1/2, recall 1); t = 1: nothing predicted
     * (precision = zero-division value, recall 0). */
    const double scores[] = {0.5, 0.5};
    const uint8_t labels[] = {1, 0};
    settings s = {2, PRC_RULE_GE, PRC_ZERO_DIVISION_ZERO};
    prc_result *r = make_result(scores, labels, 2, s);
    double v = 7.0, t = 7.0;

    (void)state;
    /* Recall 1 at precision 1/2 on rows 0 and 0.5: the higher threshold
     * wins the tie. */
    ASSERT_OK(prc_result_recall_at_precision(r, 0.5, &v, &t));
    ASSERT_NEAR(v, 1.0, 0.0);
    ASSERT_NEAR(t, 0.5, 0.0);
    ASSERT_OK(prc_result_precision_at_recall(r, 1.0, &v, &t));
    ASSERT_NEAR(v, 0.5, 0.0);
    ASSERT_NEAR(t, 0.5, 0.0);
    /* No row reaches precision 0.9: NaN and PRC_E_NOT_REACHED. */
    ASSERT_STATUS(prc_result_recall_at_precision(r, 0.9, &v, &t),
                  PRC_E_NOT_REACHED);
    assert_true(isnan(v) && isnan(t));
    prc_result_free(r);

    /* With zero-division value 1 the empty row at t = 1 has precision 1
     * and qualifies, with recall 0 and its own threshold. */
    s.zero_division = PRC_ZERO_DIVISION_ONE;
    r = make_result(scores, labels, 2, s);
    ASSERT_OK(prc_result_recall_at_precision(r, 0.9, &v, &t));
    ASSERT_NEAR(v, 0.0, 0.0);
    ASSERT_NEAR(t, 1.0, 0.0);
    prc_result_free(r);

    /* With NaN it never qualifies. */
    s.zero_division = PRC_ZERO_DIVISION_NAN;
    r = make_result(scores, labels, 2, s);
    ASSERT_STATUS(prc_result_recall_at_precision(r, 0.9, &v, &t),
                  PRC_E_NOT_REACHED);
    prc_result_free(r);
}

static void test_precision_at_recall_not_reached(void **state)
{
    /* Rule GT: the positive scored 0 passes no threshold, so no row has
     * recall 1. */
    const double scores[] = {0.0, 0.5};
    const uint8_t labels[] = {1, 0};
    settings s = {2, PRC_RULE_GT, PRC_ZERO_DIVISION_ZERO};
    prc_result *r = make_result(scores, labels, 2, s);
    double v, t;

    (void)state;
    ASSERT_STATUS(prc_result_precision_at_recall(r, 1.0, &v, &t),
                  PRC_E_NOT_REACHED);
    assert_true(isnan(v) && isnan(t));
    ASSERT_OK(prc_result_precision_at_recall(r, 0.0, &v, &t));
    ASSERT_NEAR(v, 0.0, 0.0);
    prc_result_free(r);
}

static void test_calibration(void **state)
{
    prc_result *r = example(DEFAULTS);
    double mean[10], rate[10];
    uint64_t pixels[10];
    size_t g;
    /* Bin centres 0.125, 0.375, 0.625, 0.875 and 1 (the scores of 1) go to
     * groups floor(10 c): 1, 3, 6, 8, 9. */
    const uint64_t want_pixels[10] = {0, 3, 0, 2, 0, 0, 2, 0, 3, 1};
    const double want_mean[10] = {NAN, 0.125, NAN, 0.375, NAN,
                                  NAN, 0.625, NAN, 0.875, 1.0};
    const double want_rate[10] = {NAN, 1.0 / 3, NAN, 0.0, NAN,
                                  NAN, 0.5,     NAN, 2.0 / 3, 1.0};

    (void)state;
    ASSERT_OK(prc_result_calibration(r, 10, mean, rate, pixels));
    for (g = 0; g < 10; g++) {
        assert_int_equal(pixels[g], want_pixels[g]);
        ASSERT_NEAR(mean[g], want_mean[g], 1e-15);
        ASSERT_NEAR(rate[g], want_rate[g], 1e-15);
    }
    /* ECE: (3 |1/3 - 1/8| + 2 |0 - 3/8| + 2 |1/2 - 5/8| + 3 |2/3 - 7/8|
     *       + 1 |1 - 1|) / 11 = (5/8 + 3/4 + 1/4 + 5/8) / 11. */
    ASSERT_NEAR(metric(r, PRC_ECE, PRC_OK), 2.25 / 11, 1e-15);

    /* Two groups: [0, 0.5) has 5 pixels, mean (3 * 0.125 + 2 * 0.375) / 5,
     * 1 positive; [0.5, 1] has 6, mean (2 * 0.625 + 3 * 0.875 + 1) / 6, 4
     * positives. */
    ASSERT_OK(prc_result_calibration(r, 2, mean, rate, pixels));
    assert_int_equal(pixels[0], 5);
    assert_int_equal(pixels[1], 6);
    ASSERT_NEAR(mean[0], 0.225, 1e-15);
    ASSERT_NEAR(mean[1], 4.875 / 6, 1e-15);
    ASSERT_NEAR(rate[0], 0.2, 1e-15);
    ASSERT_NEAR(rate[1], 4.0 / 6, 1e-15);
    prc_result_free(r);
}

/* ------------------------------------------------------------------------ */
/* Undefined values and caller mistakes                                     */
/* ------------------------------------------------------------------------ */

static void test_undefined(void **state)
{
    const double scores[] = {0.2, 0.9};
    const uint8_t negatives[] = {0, 0}, positives[] = {1, 1};
    prc_result *r = make_result(scores, negatives, 2, DEFAULTS);
    double v, t, fpr[EX_ROWS];
    int m;

    (void)state;
    for (m = PRC_AUROC; m < PRC_ECE; m++)
        assert_true(isnan(metric(r, (prc_metric)m, PRC_E_NO_POSITIVES)));
    ASSERT_STATUS(prc_result_best_fbeta(r, 2.0, &v, &t), PRC_E_NO_POSITIVES);
    assert_true(isnan(v) && isnan(t));
    ASSERT_STATUS(prc_result_precision_at_recall(r, 0.5, &v, &t),
                  PRC_E_NO_POSITIVES);
    ASSERT_STATUS(prc_result_recall_at_precision(r, 0.5, &v, &t),
                  PRC_E_NO_POSITIVES);
    /* ECE is defined: groups 1 and 8 (bin centres 0.125 and 0.875), rate
     * 0: (0.125 + 0.875) / 2. */
    ASSERT_NEAR(metric(r, PRC_ECE, PRC_OK), 0.5, 1e-15);
    prc_result_free(r);

    /* No negative: AUROC alone is undefined; FPR is the zero-division
     * value. */
    r = make_result(scores, positives, 2, DEFAULTS);
    assert_true(isnan(metric(r, PRC_AUROC, PRC_E_NO_NEGATIVES)));
    ASSERT_NEAR(metric(r, PRC_AP_LOWER, PRC_OK), 1.0, 0.0);
    ASSERT_OK(prc_result_column(r, PRC_COL_FPR, 0, EX_ROWS, fpr));
    ASSERT_NEAR(fpr[0], 0.0, 0.0);
    prc_result_free(r);

    /* Nothing fed. */
    r = make_result(NULL, NULL, 0, DEFAULTS);
    assert_true(isnan(metric(r, PRC_ECE, PRC_E_NO_PIXELS)));
    assert_true(isnan(metric(r, PRC_AUROC, PRC_E_NO_POSITIVES)));
    prc_result_free(r);
}

static void test_bad_arguments(void **state)
{
    prc_result *r = example(DEFAULTS);
    double d[EX_ROWS], v = 3.0, t = 4.0;
    uint64_t u[EX_ROWS];

    (void)state;
    ASSERT_STATUS(prc_result_fbeta(NULL, 1.0, 0, 1, d), PRC_E_NULL);
    ASSERT_STATUS(prc_result_fbeta(r, 1.0, 0, 1, NULL), PRC_E_NULL);
    ASSERT_STATUS(prc_result_fbeta(r, 0.0, 0, 1, d), PRC_E_ARGUMENT);
    ASSERT_STATUS(prc_result_fbeta(r, -1.0, 0, 1, d), PRC_E_ARGUMENT);
    ASSERT_STATUS(prc_result_fbeta(r, NAN, 0, 1, d), PRC_E_ARGUMENT);
    ASSERT_STATUS(prc_result_fbeta(r, INFINITY, 0, 1, d), PRC_E_ARGUMENT);
    ASSERT_STATUS(prc_result_fbeta(r, 1.0, 4, 2, d), PRC_E_INDEX);
    ASSERT_STATUS(prc_result_fbeta(r, 1.0, SIZE_MAX, 2, d), PRC_E_INDEX);
    ASSERT_OK(prc_result_fbeta(r, 1.0, 5, 0, d));

    ASSERT_STATUS(prc_result_best_fbeta(NULL, 1.0, &v, &t), PRC_E_NULL);
    ASSERT_STATUS(prc_result_best_fbeta(r, 1.0, NULL, &t), PRC_E_NULL);
    ASSERT_STATUS(prc_result_best_fbeta(r, 1.0, &v, NULL), PRC_E_NULL);
    ASSERT_STATUS(prc_result_best_fbeta(r, NAN, &v, &t), PRC_E_ARGUMENT);

    /* Out-of-range levels leave the outputs alone. */
    ASSERT_STATUS(prc_result_precision_at_recall(r, 1.5, &v, &t),
                  PRC_E_ARGUMENT);
    ASSERT_STATUS(prc_result_precision_at_recall(r, -0.1, &v, &t),
                  PRC_E_ARGUMENT);
    ASSERT_STATUS(prc_result_recall_at_precision(r, NAN, &v, &t),
                  PRC_E_ARGUMENT);
    assert_true(v == 3.0 && t == 4.0);
    ASSERT_STATUS(prc_result_precision_at_recall(NULL, 0.5, &v, &t),
                  PRC_E_NULL);
    ASSERT_STATUS(prc_result_recall_at_precision(r, 0.5, NULL, &t),
                  PRC_E_NULL);
    ASSERT_STATUS(prc_result_recall_at_precision(r, 0.5, &v, NULL),
                  PRC_E_NULL);

    ASSERT_STATUS(prc_result_calibration(r, 0, d, d, u), PRC_E_ARGUMENT);
    ASSERT_STATUS(prc_result_calibration(r, ((size_t)1 << 24) + 1, d, d, u),
                  PRC_E_ARGUMENT);
    ASSERT_STATUS(prc_result_calibration(NULL, 2, d, d, u), PRC_E_NULL);
    ASSERT_STATUS(prc_result_calibration(r, 2, NULL, d, u), PRC_E_NULL);
    ASSERT_STATUS(prc_result_calibration(r, 2, d, NULL, u), PRC_E_NULL);
    ASSERT_STATUS(prc_result_calibration(r, 2, d, d, NULL), PRC_E_NULL);

    /* Past the last column and metric; derived columns are not counts. */
    ASSERT_STATUS(prc_result_column(r, (prc_column)17, 0, 1, d),
                  PRC_E_COLUMN);
    ASSERT_STATUS(prc_result_counts(r, PRC_COL_IOU, 0, 1, u), PRC_E_COLUMN);
    ASSERT_STATUS(prc_result_column(r, PRC_COL_IOU, 3, 3, d), PRC_E_INDEX);
    ASSERT_STATUS(prc_result_metric(r, (prc_metric)22, &v), PRC_E_COLUMN);
    prc_result_free(r);
}

/* ------------------------------------------------------------------------ */
/* Brute force on random data                                               */
/* ------------------------------------------------------------------------ */

typedef struct pixel {
    double score;
    int label;
} pixel;

static int by_score_descending(const void *a, const void *b)
{
    double x = ((const pixel *)a)->score, y = ((const pixel *)b)->score;

    return (x < y) - (x > y);
}

/* Exact step-wise AP of raw scores, tied scores as one threshold. */
static double exact_ap(pixel *px, size_t n)
{
    double tp = 0, fp = 0, positives = 0, sum = 0;
    size_t i, j;

    qsort(px, n, sizeof *px, by_score_descending);
    for (i = 0; i < n; i++)
        positives += px[i].label;
    for (i = 0; i < n; i = j) {
        double added = 0;

        for (j = i; j < n && px[j].score == px[i].score; j++) {
            added += px[j].label;
            fp += !px[j].label;
        }
        tp += added;
        sum += added * tp / (tp + fp);
    }
    return sum / positives;
}

/* Mann-Whitney: pairs where the positive scores higher, ties as half. */
static double pairs_auroc(const pixel *px, size_t n)
{
    double wins = 0, pairs = 0;
    size_t i, j;

    for (i = 0; i < n; i++)
        for (j = 0; j < n; j++)
            if (px[i].label && !px[j].label) {
                pairs += 1;
                wins += px[i].score > px[j].score
                        ? 1.0 : px[i].score == px[j].score ? 0.5 : 0.0;
            }
    return wins / pairs;
}

static void random_pixels(pixel *px, double *scores, uint8_t *labels,
                          size_t n, uint64_t *seed, unsigned levels)
{
    size_t i;

    for (i = 0; i < n; i++) {
        double u = (double)(next_random(seed) >> 11) / 9007199254740992.0;

        /* Coarse levels make ties; positives lean high. */
        scores[i] = levels ? floor(u * levels) / (levels - 1) : u;
        if (scores[i] > 1.0)
            scores[i] = 1.0;
        labels[i] = (next_random(seed) % 100) < (uint64_t)(20 + 60 * u);
        px[i].score = scores[i];
        px[i].label = labels[i];
    }
}

static void test_random_bounds_and_auroc(void **state)
{
    enum { N = 600 };
    static const size_t bins[] = {1, 3, 10, 100, 1000};
    static const unsigned levels[] = {0, 7, 256};
    pixel px[N];
    double scores[N];
    uint8_t labels[N];
    uint64_t seed = 42;
    size_t b, l, rule;

    (void)state;
    for (l = 0; l < 3; l++) {
        for (rule = 0; rule < 2; rule++) {
            double ap, width = 2.0;

            random_pixels(px, scores, labels, N, &seed, levels[l]);
            ap = exact_ap(px, N);
            for (b = 0; b < 5; b++) {
                settings s = {bins[b], (int)rule, 0};
                prc_result *r = make_result(scores, labels, N, s);
                double lo = metric(r, PRC_AP_LOWER, PRC_OK);
                double hi = metric(r, PRC_AP_UPPER, PRC_OK);

                assert_true(lo - 1e-12 <= ap && ap <= hi + 1e-12);
                /* Bins 10, 100 and 1000 refine each other. */
                if (b >= 3)
                    assert_true(hi - lo <= width + 1e-12);
                width = hi - lo;
                prc_result_free(r);
            }
        }
    }

    /* uint8-like scores v / 255 at B = 255 give every score its own bin:
     * AUROC is the exact pairwise value. */
    for (rule = 0; rule < 2; rule++) {
        settings s = {255, (int)rule, 0};
        prc_result *r;

        random_pixels(px, scores, labels, N, &seed, 256);
        r = make_result(scores, labels, N, s);
        ASSERT_NEAR(metric(r, PRC_AUROC, PRC_OK), pairs_auroc(px, N), 1e-12);
        prc_result_free(r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_columns),
        cmocka_unit_test(test_fbeta),
        cmocka_unit_test(test_best_dice_iou),
        cmocka_unit_test(test_best_ties_take_lowest_threshold),
        cmocka_unit_test(test_auroc),
        cmocka_unit_test(test_ap_bounds),
        cmocka_unit_test(test_ap_bounds_large_bin),
        cmocka_unit_test(test_ap_bounds_exact_end_bins),
        cmocka_unit_test(test_interpolated_ap),
        cmocka_unit_test(test_operating_points),
        cmocka_unit_test(test_operating_points_ties_and_misses),
        cmocka_unit_test(test_precision_at_recall_not_reached),
        cmocka_unit_test(test_calibration),
        cmocka_unit_test(test_undefined),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_random_bounds_and_auroc),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
