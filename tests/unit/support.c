/*
 * support.c - see support.h.
 */
#include "support.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void test_assert_close(double actual, double expected, double tol,
                       const char *what, const char *file, int line)
{
    double scale = fabs(expected) > 1.0 ? fabs(expected) : 1.0;

    if (isnan(actual) && isnan(expected))
        return;
    if (!isnan(actual) && !isnan(expected)
        && fabs(actual - expected) <= tol * scale)
        return;
    print_error("%s = %.17g, expected %.17g (tolerance %g)\n", what, actual,
                expected, tol);
    _fail(file, line);
}

/* ------------------------------------------------------------------------ */
/* Random numbers                                                           */
/* ------------------------------------------------------------------------ */

uint64_t test_rng_next(test_rng *rng)
{
    uint64_t z;

    rng->state += UINT64_C(0x9E3779B97F4A7C15);
    z = rng->state;
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

uint64_t test_rng_below(test_rng *rng, uint64_t n)
{
    /* Rejection sampling keeps the draw unbiased. */
    uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t x;

    do {
        x = test_rng_next(rng);
    } while (x >= limit);
    return x % n;
}

double test_rng_unit(test_rng *rng)
{
    return (double)(test_rng_next(rng) >> 11) * (1.0 / 9007199254740992.0);
}

/* ------------------------------------------------------------------------ */
/* Reference                                                                */
/* ------------------------------------------------------------------------ */

void ref_options_default(ref_options *opt)
{
    opt->bins = 1000;
    opt->rule = PRC_RULE_GE;
    opt->zero_division = PRC_ZERO_DIVISION_ZERO;
    opt->ignore_label = 255;
    opt->nan_policy = PRC_POLICY_REJECT;
    opt->range_policy = PRC_POLICY_REJECT;
    opt->per_image = 0;
}

prc_options *ref_make_options(const ref_options *opt)
{
    prc_options *o = NULL;

    ASSERT_OK(prc_options_create(&o));
    ASSERT_OK(prc_options_set(o, PRC_OPT_BINS, (int64_t)opt->bins));
    ASSERT_OK(prc_options_set(o, PRC_OPT_RULE, opt->rule));
    ASSERT_OK(prc_options_set(o, PRC_OPT_ZERO_DIVISION, opt->zero_division));
    ASSERT_OK(prc_options_set(o, PRC_OPT_IGNORE_LABEL, opt->ignore_label));
    ASSERT_OK(prc_options_set(o, PRC_OPT_NAN_POLICY, opt->nan_policy));
    ASSERT_OK(prc_options_set(o, PRC_OPT_RANGE_POLICY, opt->range_policy));
    ASSERT_OK(prc_options_set(o, PRC_OPT_PER_IMAGE, opt->per_image));
    return o;
}

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);

    if (p == NULL)
        TEST_FAIL("out of memory in the test itself (%zu x %zu)", n, size);
    return p;
}

void ref_init(ref_curve *ref, const ref_options *opt)
{
    size_t rows = opt->bins + 1;

    memset(ref, 0, sizeof *ref);
    ref->opt = *opt;
    ref->rows = rows;
    ref->tp = xcalloc(rows, sizeof *ref->tp);
    ref->fp = xcalloc(rows, sizeof *ref->fp);
    ref->fn = xcalloc(rows, sizeof *ref->fn);
    ref->tn = xcalloc(rows, sizeof *ref->tn);
    ref->hist_pos = xcalloc(rows + 1, sizeof *ref->hist_pos);
    ref->hist_neg = xcalloc(rows + 1, sizeof *ref->hist_neg);
    ref->image_precision_sum = xcalloc(rows, sizeof(double));
    ref->image_recall_sum = xcalloc(rows, sizeof(double));
    ref->precision = xcalloc(rows, sizeof(double));
    ref->recall = xcalloc(rows, sizeof(double));
    ref->f1 = xcalloc(rows, sizeof(double));
    ref->image_precision = xcalloc(rows, sizeof(double));
    ref->image_recall = xcalloc(rows, sizeof(double));
}

void ref_free(ref_curve *ref)
{
    free(ref->tp);
    free(ref->fp);
    free(ref->fn);
    free(ref->tn);
    free(ref->hist_pos);
    free(ref->hist_neg);
    free(ref->image_precision_sum);
    free(ref->image_recall_sum);
    free(ref->precision);
    free(ref->recall);
    free(ref->f1);
    free(ref->image_precision);
    free(ref->image_recall);
    memset(ref, 0, sizeof *ref);
}

double ref_threshold(size_t k, size_t bins)
{
    return (double)k / (double)bins;
}

int ref_passes(double score, double threshold, int rule)
{
    return rule == PRC_RULE_GT ? score > threshold : score >= threshold;
}

/* Number of leading rows whose threshold the score passes: passing is
 * monotone in k because the thresholds increase, so the rows passed are
 * exactly 0..m-1. */
static size_t rows_passed(const ref_options *opt, double score)
{
    size_t lo = 0, hi = opt->bins + 1; /* answer in [lo, hi] */

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (ref_passes(score, ref_threshold(mid, opt->bins), opt->rule))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

enum pixel_class { PIX_NEGATIVE, PIX_POSITIVE, PIX_IGNORED, PIX_SKIPPED };

static double read_score(prc_dtype dtype, const void *scores, size_t i)
{
    if (dtype == PRC_DTYPE_FLOAT32)
        return (double)((const float *)scores)[i];
    if (dtype == PRC_DTYPE_FLOAT64)
        return ((const double *)scores)[i];
    return (double)((const uint8_t *)scores)[i] / 255.0;
}

/* Classifies pixel i; returns PRC_OK or the pixel's error. */
static prc_status classify(const ref_options *opt, prc_dtype score_dtype,
                           const void *scores, prc_dtype label_dtype,
                           const void *labels, size_t i, int *cls,
                           double *score)
{
    unsigned label = ((const uint8_t *)labels)[i];
    double s;

    if (label_dtype == PRC_DTYPE_UINT8 && opt->ignore_label >= 0
        && label == (unsigned)opt->ignore_label) {
        *cls = PIX_IGNORED;
        return PRC_OK;
    }
    if (label > 1)
        return PRC_E_LABEL;
    s = read_score(score_dtype, scores, i);
    *cls = label ? PIX_POSITIVE : PIX_NEGATIVE;
    if (isnan(s)) {
        if (opt->nan_policy != PRC_POLICY_SKIP)
            return PRC_E_NAN;
        *cls = PIX_SKIPPED;
    } else if (s < 0.0 || s > 1.0) {
        if (opt->range_policy == PRC_POLICY_REJECT)
            return PRC_E_RANGE;
        if (opt->range_policy == PRC_POLICY_SKIP)
            *cls = PIX_SKIPPED;
        s = s < 0.0 ? 0.0 : 1.0;
    }
    *score = s;
    return PRC_OK;
}

static double zero_division_value(const ref_options *opt)
{
    if (opt->zero_division == PRC_ZERO_DIVISION_ONE)
        return 1.0;
    if (opt->zero_division == PRC_ZERO_DIVISION_NAN)
        return NAN;
    return 0.0;
}

/* Fills tp and fp for every row from histograms of rows passed. */
static void cumulate(size_t rows, const uint64_t *hist_pos,
                     const uint64_t *hist_neg, uint64_t *tp, uint64_t *fp)
{
    uint64_t pos = 0, neg = 0;
    size_t m, k;

    /* Pixels passing row k are those with m > k: sum from the top. */
    for (m = 0; m <= rows; m++) {
        pos += hist_pos[m];
        neg += hist_neg[m];
    }
    for (k = 0; k < rows; k++) {
        pos -= hist_pos[k];
        neg -= hist_neg[k];
        tp[k] = pos;
        fp[k] = neg;
    }
}

/* Step-wise AP over rows (R[rows] taken as 0), skipping rows where
 * `skip` is set or, when skip is NULL, steps of zero width. */
static double stepwise_ap(size_t rows, const double *precision,
                          const double *recall, const unsigned char *skip)
{
    double ap = 0.0;
    size_t k;

    for (k = 0; k < rows; k++) {
        double next = k + 1 < rows ? recall[k + 1] : 0.0;
        double width = recall[k] - next;

        if (skip != NULL ? skip[k] != 0 : width == 0.0)
            continue;
        ap += width * precision[k];
    }
    return ap;
}

static void add_image(ref_curve *ref, const uint64_t *hist_pos,
                      const uint64_t *hist_neg, uint64_t pos, uint64_t neg)
{
    size_t rows = ref->rows, k;
    double z = zero_division_value(&ref->opt);
    uint64_t *tp = xcalloc(rows, sizeof *tp), *fp = xcalloc(rows, sizeof *fp);
    double *p = xcalloc(rows, sizeof *p), *r = xcalloc(rows, sizeof *r);
    unsigned char *none = xcalloc(rows, 1);

    cumulate(rows, hist_pos, hist_neg, tp, fp);
    for (k = 0; k < rows; k++) {
        none[k] = tp[k] + fp[k] == 0;
        p[k] = none[k] ? z : (double)tp[k] / (double)(tp[k] + fp[k]);
        r[k] = pos == 0 ? z : (double)tp[k] / (double)pos;
        ref->image_precision_sum[k] += p[k];
        ref->image_recall_sum[k] += r[k];
    }
    ref->images++;
    if (pos == 0)
        ref->images_without_positives++;
    else
        ref->image_ap_sum += stepwise_ap(rows, p, r, none);
    (void)neg;
    free(tp);
    free(fp);
    free(p);
    free(r);
    free(none);
}

prc_status ref_feed(ref_curve *ref, size_t images, size_t pixels,
                    prc_dtype score_dtype, const void *scores,
                    prc_dtype label_dtype, const void *labels)
{
    size_t n = images * pixels, i, img;
    size_t hist_len = ref->rows + 1;
    uint64_t *ipos = xcalloc(hist_len, sizeof *ipos);
    uint64_t *ineg = xcalloc(hist_len, sizeof *ineg);
    int cls;
    double s;

    for (i = 0; i < n; i++) {
        prc_status st = classify(&ref->opt, score_dtype, scores, label_dtype,
                                 labels, i, &cls, &s);
        if (st != PRC_OK) {
            free(ipos);
            free(ineg);
            return st;
        }
    }
    for (img = 0; img < images; img++) {
        uint64_t pos = 0, neg = 0;

        memset(ipos, 0, hist_len * sizeof *ipos);
        memset(ineg, 0, hist_len * sizeof *ineg);
        for (i = img * pixels; i < (img + 1) * pixels; i++) {
            size_t m;

            classify(&ref->opt, score_dtype, scores, label_dtype, labels, i,
                     &cls, &s);
            if (cls == PIX_IGNORED) {
                ref->ignored++;
                continue;
            }
            if (cls == PIX_SKIPPED) {
                ref->skipped++;
                continue;
            }
            m = rows_passed(&ref->opt, s);
            if (cls == PIX_POSITIVE) {
                ipos[m]++;
                ref->hist_pos[m]++;
                pos++;
            } else {
                ineg[m]++;
                ref->hist_neg[m]++;
                neg++;
            }
        }
        ref->positives += pos;
        ref->negatives += neg;
        if (ref->opt.per_image && pos + neg > 0)
            add_image(ref, ipos, ineg, pos, neg);
    }
    free(ipos);
    free(ineg);
    return PRC_OK;
}

void ref_finish(ref_curve *ref)
{
    size_t rows = ref->rows, k;
    double z = zero_division_value(&ref->opt);
    unsigned char *none = xcalloc(rows, 1);
    uint64_t with_positives = ref->images - ref->images_without_positives;

    cumulate(rows, ref->hist_pos, ref->hist_neg, ref->tp, ref->fp);
    ref->best_f1 = NAN;
    ref->best_f1_threshold = NAN;
    for (k = 0; k < rows; k++) {
        uint64_t tp = ref->tp[k], fp = ref->fp[k];
        uint64_t fn = ref->positives - tp;
        uint64_t f1_den = 2 * tp + fp + fn;

        ref->fn[k] = fn;
        ref->tn[k] = ref->negatives - fp;
        none[k] = tp + fp == 0;
        ref->precision[k] = none[k] ? z : (double)tp / (double)(tp + fp);
        ref->recall[k] =
            ref->positives == 0 ? z : (double)tp / (double)ref->positives;
        ref->f1[k] = f1_den == 0 ? z : (double)(2 * tp) / (double)f1_den;
        if (!isnan(ref->f1[k])
            && (isnan(ref->best_f1) || ref->f1[k] > ref->best_f1)) {
            ref->best_f1 = ref->f1[k];
            ref->best_f1_threshold = ref_threshold(k, ref->opt.bins);
        }
    }
    ref->ap = ref->positives == 0
                  ? NAN
                  : stepwise_ap(rows, ref->precision, ref->recall, none);
    ref->trapezoid = 0.0;
    for (k = 0; k + 1 < rows; k++)
        ref->trapezoid += (ref->recall[k] - ref->recall[k + 1])
                          * (ref->precision[k] + ref->precision[k + 1]) / 2;
    if (ref->positives == 0)
        ref->trapezoid = NAN;

    ref->image_ap = ref->image_trapezoid = ref->mean_image_ap = NAN;
    if (ref->images > 0) {
        for (k = 0; k < rows; k++) {
            ref->image_precision[k] =
                ref->image_precision_sum[k] / (double)ref->images;
            ref->image_recall[k] =
                ref->image_recall_sum[k] / (double)ref->images;
        }
        ref->image_ap =
            stepwise_ap(rows, ref->image_precision, ref->image_recall, NULL);
        ref->image_trapezoid = 0.0;
        for (k = 0; k + 1 < rows; k++) {
            double width = ref->image_recall[k] - ref->image_recall[k + 1];

            if (width != 0.0)
                ref->image_trapezoid += width
                                        * (ref->image_precision[k]
                                           + ref->image_precision[k + 1])
                                        / 2;
        }
    }
    if (with_positives > 0)
        ref->mean_image_ap = ref->image_ap_sum / (double)with_positives;
    free(none);
}

/* ------------------------------------------------------------------------ */
/* Comparisons                                                              */
/* ------------------------------------------------------------------------ */

static const char *column_name(prc_column column)
{
    static const char *names[] = {
        "?",  "threshold", "precision", "recall", "TP", "FP",
        "FN", "TN",        "F1",        "image precision", "image recall"};

    return (int)column >= 1 && (int)column <= 10 ? names[column] : "?";
}

static void check_counts(const prc_result *res, prc_column column,
                         const uint64_t *expected, size_t rows, size_t bins)
{
    uint64_t *got = xcalloc(rows, sizeof *got);
    size_t k;

    ASSERT_OK(prc_result_counts(res, column, 0, rows, got));
    for (k = 0; k < rows; k++) {
        if (got[k] != expected[k]) {
            uint64_t g = got[k];

            free(got);
            TEST_FAIL("row %zu (threshold %zu/%zu): %s = %llu, expected "
                      "%llu",
                      k, k, bins, column_name(column), (unsigned long long)g,
                      (unsigned long long)expected[k]);
        }
    }
    free(got);
}

static void check_doubles(const prc_result *res, prc_column column,
                          const double *expected, size_t rows, size_t bins,
                          double tol)
{
    double *got = xcalloc(rows, sizeof *got);
    size_t k;

    ASSERT_OK(prc_result_column(res, column, 0, rows, got));
    for (k = 0; k < rows; k++) {
        double g = got[k], e = expected[k];
        double scale = fabs(e) > 1.0 ? fabs(e) : 1.0;
        int same = (isnan(g) && isnan(e))
                   || (!isnan(g) && !isnan(e) && fabs(g - e) <= tol * scale);

        if (!same) {
            free(got);
            TEST_FAIL("row %zu (threshold %zu/%zu): %s = %.17g, expected "
                      "%.17g",
                      k, k, bins, column_name(column), g, e);
        }
    }
    free(got);
}

double get_metric(const prc_result *res, prc_metric metric,
                  prc_status expected)
{
    double value = -12345.0;
    int st = prc_result_metric(res, metric, &value);

    if (st != (int)expected)
        TEST_FAIL("metric %d: status %s, expected %s", (int)metric,
                  prc_status_name(st), prc_status_name(expected));
    return value;
}

uint64_t get_tally(const prc_result *res, prc_tally tally)
{
    uint64_t value = 0;

    ASSERT_OK(prc_result_tally(res, tally, &value));
    return value;
}

static void check_tally(const prc_result *res, prc_tally tally,
                        uint64_t expected)
{
    uint64_t got = get_tally(res, tally);

    if (got != expected)
        TEST_FAIL("tally %d = %llu, expected %llu", (int)tally,
                  (unsigned long long)got, (unsigned long long)expected);
}

static void check_per_image(const prc_result *res, const ref_curve *ref,
                            double tol)
{
    size_t rows = ref->rows, bins = ref->opt.bins;
    uint64_t with_positives = ref->images - ref->images_without_positives;
    double value;

    check_tally(res, PRC_IMAGES, ref->images);
    check_tally(res, PRC_IMAGES_WITHOUT_POSITIVES,
                ref->images_without_positives);
    if (ref->images == 0) {
        ASSERT_STATUS(prc_result_column(res, PRC_COL_IMAGE_PRECISION, 0, 1,
                                        &value),
                      PRC_E_NO_IMAGES);
        ASSERT_STATUS(
            prc_result_column(res, PRC_COL_IMAGE_RECALL, 0, 1, &value),
            PRC_E_NO_IMAGES);
        return;
    }
    check_doubles(res, PRC_COL_IMAGE_PRECISION, ref->image_precision, rows,
                  bins, tol);
    check_doubles(res, PRC_COL_IMAGE_RECALL, ref->image_recall, rows, bins,
                  tol);
    if (with_positives == 0) {
        value = get_metric(res, PRC_MEAN_IMAGE_AVERAGE_PRECISION,
                           PRC_E_NO_POSITIVES);
        assert_true(isnan(value));
        return;
    }
    ASSERT_CLOSE(get_metric(res, PRC_IMAGE_AVERAGE_PRECISION, PRC_OK),
                 ref->image_ap, tol);
    ASSERT_CLOSE(get_metric(res, PRC_IMAGE_AUPRC_TRAPEZOID, PRC_OK),
                 ref->image_trapezoid, tol);
    ASSERT_CLOSE(get_metric(res, PRC_MEAN_IMAGE_AVERAGE_PRECISION, PRC_OK),
                 ref->mean_image_ap, tol);
}

void check_result_against_ref(const prc_result *res, const ref_curve *ref,
                              double tol)
{
    size_t rows = ref->rows, bins = ref->opt.bins, k;
    double *thresholds = xcalloc(rows, sizeof *thresholds);
    double value;

    assert_int_equal(prc_result_rows(res), rows);
    for (k = 0; k < rows; k++)
        thresholds[k] = ref_threshold(k, bins);
    check_doubles(res, PRC_COL_THRESHOLD, thresholds, rows, bins, 0.0);
    free(thresholds);
    check_counts(res, PRC_COL_TP, ref->tp, rows, bins);
    check_counts(res, PRC_COL_FP, ref->fp, rows, bins);
    check_counts(res, PRC_COL_FN, ref->fn, rows, bins);
    check_counts(res, PRC_COL_TN, ref->tn, rows, bins);
    check_doubles(res, PRC_COL_PRECISION, ref->precision, rows, bins, tol);
    check_doubles(res, PRC_COL_RECALL, ref->recall, rows, bins, tol);
    check_doubles(res, PRC_COL_F1, ref->f1, rows, bins, tol);

    check_tally(res, PRC_PIXELS, ref->positives + ref->negatives);
    check_tally(res, PRC_POSITIVES, ref->positives);
    check_tally(res, PRC_NEGATIVES, ref->negatives);
    check_tally(res, PRC_IGNORED, ref->ignored);
    check_tally(res, PRC_SKIPPED, ref->skipped);

    if (ref->positives == 0) {
        value = get_metric(res, PRC_AVERAGE_PRECISION, PRC_E_NO_POSITIVES);
        assert_true(isnan(value));
    } else {
        ASSERT_CLOSE(get_metric(res, PRC_AVERAGE_PRECISION, PRC_OK), ref->ap,
                     tol);
        ASSERT_CLOSE(get_metric(res, PRC_AUPRC_TRAPEZOID, PRC_OK),
                     ref->trapezoid, tol);
        ASSERT_CLOSE(get_metric(res, PRC_BEST_F1, PRC_OK), ref->best_f1, tol);
        ASSERT_CLOSE(get_metric(res, PRC_BEST_F1_THRESHOLD, PRC_OK),
                     ref->best_f1_threshold, 0.0);
    }
    if (ref->opt.per_image)
        check_per_image(res, ref, tol);
}

static int same_double(double a, double b)
{
    return (isnan(a) && isnan(b)) || a == b;
}

void check_results_identical(const prc_result *a, const prc_result *b)
{
    size_t rows = prc_result_rows(a), k;
    double *da, *db;
    uint64_t *ua, *ub;
    int c;

    assert_int_equal(rows, prc_result_rows(b));
    da = xcalloc(rows, sizeof *da);
    db = xcalloc(rows, sizeof *db);
    ua = xcalloc(rows, sizeof *ua);
    ub = xcalloc(rows, sizeof *ub);
    for (c = PRC_COL_THRESHOLD; c <= PRC_COL_IMAGE_RECALL; c++) {
        int sa = prc_result_column(a, (prc_column)c, 0, rows, da);
        int sb = prc_result_column(b, (prc_column)c, 0, rows, db);

        if (sa != sb)
            TEST_FAIL("column %s: status %s vs %s", column_name(c),
                      prc_status_name(sa), prc_status_name(sb));
        for (k = 0; sa == PRC_OK && k < rows; k++)
            if (!same_double(da[k], db[k]))
                TEST_FAIL("column %s row %zu: %.17g vs %.17g",
                          column_name(c), k, da[k], db[k]);
    }
    for (c = PRC_COL_TP; c <= PRC_COL_TN; c++) {
        ASSERT_OK(prc_result_counts(a, (prc_column)c, 0, rows, ua));
        ASSERT_OK(prc_result_counts(b, (prc_column)c, 0, rows, ub));
        for (k = 0; k < rows; k++)
            if (ua[k] != ub[k])
                TEST_FAIL("column %s row %zu: %llu vs %llu", column_name(c),
                          k, (unsigned long long)ua[k],
                          (unsigned long long)ub[k]);
    }
    for (c = PRC_AVERAGE_PRECISION; c <= PRC_MEAN_IMAGE_AVERAGE_PRECISION;
         c++) {
        double va = 0.0, vb = 0.0;
        int sa = prc_result_metric(a, (prc_metric)c, &va);
        int sb = prc_result_metric(b, (prc_metric)c, &vb);

        if (sa != sb || !same_double(va, vb))
            TEST_FAIL("metric %d: %s %.17g vs %s %.17g", c,
                      prc_status_name(sa), va, prc_status_name(sb), vb);
    }
    for (c = PRC_PIXELS; c <= PRC_IMAGES_WITHOUT_POSITIVES; c++) {
        uint64_t va = get_tally(a, (prc_tally)c);
        uint64_t vb = get_tally(b, (prc_tally)c);

        if (va != vb)
            TEST_FAIL("tally %d: %llu vs %llu", c, (unsigned long long)va,
                      (unsigned long long)vb);
    }
    free(da);
    free(db);
    free(ua);
    free(ub);
}

prc_status feed_arrays(prc_accumulator *acc, size_t images, size_t height,
                       size_t width, prc_dtype score_dtype,
                       const void *scores, prc_dtype label_dtype,
                       const void *labels)
{
    prc_batch *batch = NULL;
    prc_status st;

    ASSERT_OK(prc_batch_create(&batch));
    ASSERT_OK(prc_batch_set_shape(batch, images, height, width));
    ASSERT_OK(prc_batch_set_scores(batch, score_dtype, scores));
    ASSERT_OK(prc_batch_set_labels(batch, label_dtype, labels));
    st = prc_accumulator_feed(acc, batch);
    prc_batch_free(batch);
    return st;
}
