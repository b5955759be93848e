/*
 * result.c - turning the histogram into a curve: cumulative sums from the
 * highest slot down give TP and FP at every threshold, and every summary is
 * computed once, when the result is made.
 */
#include <math.h>
#include <string.h>

#include "analytics.h"

#define METRIC_MAX 18
#define TALLY_MAX 7

enum { COUNT_TP, COUNT_FP, COUNT_FN, COUNT_TN, COUNT_KINDS };
enum { VALUE_THRESHOLD, VALUE_PRECISION, VALUE_RECALL, VALUE_F1,
       VALUE_IMAGE_PRECISION, VALUE_IMAGE_RECALL, VALUE_KINDS };

struct prc_result {
    prc__allocator allocator;
    prc_options options;
    size_t rows;
    int per_image;
    uint64_t *counts[COUNT_KINDS];
    double *values[VALUE_KINDS];
    double metric[METRIC_MAX + 1];
    prc_status metric_status[METRIC_MAX + 1];
    uint64_t tally[TALLY_MAX + 1];
};

double prc__fixed_value(uint64_t hi, uint64_t lo)
{
    /* (hi * 2^31 + lo) / 2^62 */
    return (double)hi / 2147483648.0 + (double)lo / 4611686018427387904.0;
}

static double ratio(uint64_t numerator, uint64_t denominator, double zd)
{
    return denominator ? (double)numerator / (double)denominator : zd;
}

static void set_metric(prc_result *r, prc_metric metric, double value,
                       prc_status status)
{
    r->metric[metric] = status == PRC_OK ? value : NAN;
    r->metric_status[metric] = status;
}

/* Fills the count columns and precision, recall and F1 of every row. */
static void compute_rows(prc_result *r, const prc_accumulator *acc)
{
    const uint64_t *neg = acc->counts, *pos = acc->counts + acc->slots;
    uint64_t positives = r->tally[PRC_POSITIVES];
    uint64_t negatives = r->tally[PRC_NEGATIVES];
    double zd = acc->zero_division;
    uint64_t tp = 0, fp = 0;
    size_t k;

    for (k = r->rows; k-- > 0;) {
        tp += pos[k + 1];
        fp += neg[k + 1];
        r->counts[COUNT_TP][k] = tp;
        r->counts[COUNT_FP][k] = fp;
        r->counts[COUNT_FN][k] = positives - tp;
        r->counts[COUNT_TN][k] = negatives - fp;
        r->values[VALUE_THRESHOLD][k] = acc->thresholds[k];
        r->values[VALUE_PRECISION][k] = ratio(tp, tp + fp, zd);
        r->values[VALUE_RECALL][k] = ratio(tp, positives, zd);
        /* 2 TP / (2 TP + FP + FN) in doubles: 2 TP can pass 2^64. */
        r->values[VALUE_F1][k] =
            fp == 0 && positives == 0
                ? zd
                : 2.0 * (double)tp
                      / (2.0 * (double)tp + (double)fp
                         + (double)(positives - tp));
    }
}

/* sum over k < rows - 1 of (R[k] - R[k+1]) * (P[k] + P[k+1]) / 2. */
static double trapezoid(const double *precision, const double *recall,
                        size_t rows)
{
    double area = 0.0;
    size_t k;

    for (k = 0; k + 1 < rows; k++)
        area += (recall[k] - recall[k + 1])
                * (precision[k] + precision[k + 1]) / 2.0;
    return area;
}

static void compute_pooled_metrics(prc_result *r, const prc_accumulator *acc)
{
    const double *f1 = r->values[VALUE_F1];
    size_t k, best = 0;

    if (r->tally[PRC_POSITIVES] == 0) {
        set_metric(r, PRC_AVERAGE_PRECISION, 0, PRC_E_NO_POSITIVES);
        set_metric(r, PRC_AUPRC_TRAPEZOID, 0, PRC_E_NO_POSITIVES);
        set_metric(r, PRC_BEST_F1, 0, PRC_E_NO_POSITIVES);
        set_metric(r, PRC_BEST_F1_THRESHOLD, 0, PRC_E_NO_POSITIVES);
        return;
    }

    set_metric(r, PRC_AVERAGE_PRECISION,
               prc__average_precision(acc->counts, acc->counts + acc->slots,
                                      acc->slots, r->tally[PRC_POSITIVES]),
               PRC_OK);
    set_metric(r, PRC_AUPRC_TRAPEZOID,
               trapezoid(r->values[VALUE_PRECISION], r->values[VALUE_RECALL],
                         r->rows),
               PRC_OK);
    for (k = 1; k < r->rows; k++)
        if (f1[k] > f1[best])
            best = k;
    set_metric(r, PRC_BEST_F1, f1[best], PRC_OK);
    set_metric(r, PRC_BEST_F1_THRESHOLD, r->values[VALUE_THRESHOLD][best],
               PRC_OK);
}

/* Step-wise AP of the mean curve, R[rows] = 0, zero-width steps skipped. */
static double mean_curve_ap(const double *precision, const double *recall,
                            size_t rows)
{
    double sum = 0.0;
    size_t k;

    for (k = 0; k < rows; k++) {
        double step = recall[k] - (k + 1 < rows ? recall[k + 1] : 0.0);

        if (step != 0.0)
            sum += step * precision[k];
    }
    return sum;
}

static void compute_image_metrics(prc_result *r, const prc_accumulator *acc)
{
    double *precision = r->values[VALUE_IMAGE_PRECISION];
    double *recall = r->values[VALUE_IMAGE_RECALL];
    uint64_t images = acc->state[PRC__IMAGES];
    uint64_t with_positives = images - acc->state[PRC__IMAGES_WITHOUT_POSITIVES];
    prc_status status = PRC_OK;
    size_t k;

    if (!acc->per_image)
        status = PRC_E_NOT_ENABLED;
    else if (images == 0)
        status = PRC_E_NO_IMAGES;
    else if (with_positives == 0)
        status = PRC_E_NO_POSITIVES;
    if (acc->per_image && images != 0) {
        for (k = 0; k < r->rows; k++) {
            precision[k] = acc->precision_nan[k]
                ? NAN
                : prc__fixed_value(acc->precision_hi[k], acc->precision_lo[k])
                      / (double)images;
            recall[k] = acc->recall_nan[k]
                ? NAN
                : prc__fixed_value(acc->recall_hi[k], acc->recall_lo[k])
                      / (double)images;
        }
    }
    if (status != PRC_OK) {
        set_metric(r, PRC_IMAGE_AVERAGE_PRECISION, 0, status);
        set_metric(r, PRC_IMAGE_AUPRC_TRAPEZOID, 0, status);
        set_metric(r, PRC_MEAN_IMAGE_AVERAGE_PRECISION, 0, status);
        return;
    }

    set_metric(r, PRC_IMAGE_AVERAGE_PRECISION,
               mean_curve_ap(precision, recall, r->rows), PRC_OK);
    set_metric(r, PRC_IMAGE_AUPRC_TRAPEZOID,
               trapezoid(precision, recall, r->rows), PRC_OK);
    set_metric(r, PRC_MEAN_IMAGE_AVERAGE_PRECISION,
               prc__fixed_value(acc->state[PRC__AP_HI], acc->state[PRC__AP_LO])
                   / (double)with_positives,
               PRC_OK);
}

static double zero_division_value(int64_t option)
{
    if (option == PRC_ZERO_DIVISION_NAN)
        return NAN;
    return option == PRC_ZERO_DIVISION_ONE ? 1.0 : 0.0;
}

void prc__result_curve(const prc_result *result, prc__curve *curve)
{
    const int64_t *option = result->options.value;

    curve->rows = result->rows;
    curve->tp = result->counts[COUNT_TP];
    curve->fp = result->counts[COUNT_FP];
    curve->threshold = result->values[VALUE_THRESHOLD];
    curve->precision = result->values[VALUE_PRECISION];
    curve->recall = result->values[VALUE_RECALL];
    curve->f1 = result->values[VALUE_F1];
    curve->positives = result->tally[PRC_POSITIVES];
    curve->negatives = result->tally[PRC_NEGATIVES];
    curve->zero_division = zero_division_value(option[PRC_OPT_ZERO_DIVISION]);
    curve->rule = (int)option[PRC_OPT_RULE];
}

/* ROC, overlap, interpolated and bounded AP, calibration (analytics.c). */
static void compute_analytics(prc_result *r)
{
    prc__curve curve;

    prc__result_curve(r, &curve);
    prc__analytics_metrics(&curve, r->metric, r->metric_status);
}

static void compute_tallies(prc_result *r, const prc_accumulator *acc)
{
    uint64_t positives = 0, negatives = 0;
    size_t i;

    for (i = 0; i < acc->slots; i++) {
        negatives += acc->counts[i];
        positives += acc->counts[acc->slots + i];
    }
    r->tally[PRC_PIXELS] = positives + negatives;
    r->tally[PRC_POSITIVES] = positives;
    r->tally[PRC_NEGATIVES] = negatives;
    r->tally[PRC_IGNORED] = acc->counts[PRC__IGNORED_CELL(acc)];
    r->tally[PRC_SKIPPED] = acc->counts[PRC__SKIPPED_CELL(acc)];
    r->tally[PRC_IMAGES] = acc->state[PRC__IMAGES];
    r->tally[PRC_IMAGES_WITHOUT_POSITIVES] =
        acc->state[PRC__IMAGES_WITHOUT_POSITIVES];
}

void prc_result_free(prc_result *result)
{
    if (result == NULL)
        return;
    prc__free(&result->allocator, result->counts[0]);
    prc__free(&result->allocator, result->values[0]);
    prc__free(&result->allocator, result);
}

prc_status prc_accumulator_finalize(const prc_accumulator *acc,
                                    prc_result **out)
{
    prc_result *r;
    size_t rows, i;

    if (acc == NULL || out == NULL)
        return PRC_E_NULL;
    rows = acc->rows;
    r = prc__alloc(&acc->allocator, 1, sizeof *r, 1);
    if (r == NULL)
        return PRC_E_NOMEM;
    r->allocator = acc->allocator;
    r->counts[0] = prc__alloc(&r->allocator, COUNT_KINDS * rows,
                              sizeof(uint64_t), 0);
    r->values[0] = prc__alloc(&r->allocator, VALUE_KINDS * rows,
                              sizeof(double), 0);
    if (r->counts[0] == NULL || r->values[0] == NULL) {
        prc_result_free(r);
        return PRC_E_NOMEM;
    }

    for (i = 1; i < COUNT_KINDS; i++)
        r->counts[i] = r->counts[0] + i * rows;
    for (i = 1; i < VALUE_KINDS; i++)
        r->values[i] = r->values[0] + i * rows;
    r->options = acc->options;
    r->rows = rows;
    r->per_image = acc->per_image;

    compute_tallies(r, acc);
    compute_rows(r, acc);
    compute_pooled_metrics(r, acc);
    compute_image_metrics(r, acc);
    compute_analytics(r);
    *out = r;
    return PRC_OK;
}

size_t prc_result_rows(const prc_result *result)
{
    return result == NULL ? 0 : result->rows;
}

static prc_status check_range(const prc_result *r, size_t first,
                              size_t count)
{
    if (first > r->rows || count > r->rows - first)
        return PRC_E_INDEX;
    return PRC_OK;
}

static int count_kind(prc_column column)
{
    switch (column) {
    case PRC_COL_TP: return COUNT_TP;
    case PRC_COL_FP: return COUNT_FP;
    case PRC_COL_FN: return COUNT_FN;
    case PRC_COL_TN: return COUNT_TN;
    default: return -1;
    }
}

static int value_kind(prc_column column)
{
    switch (column) {
    case PRC_COL_THRESHOLD: return VALUE_THRESHOLD;
    case PRC_COL_PRECISION: return VALUE_PRECISION;
    case PRC_COL_RECALL: return VALUE_RECALL;
    case PRC_COL_TPR: return VALUE_RECALL;
    case PRC_COL_F1: return VALUE_F1;
    case PRC_COL_DICE: return VALUE_F1;
    case PRC_COL_IMAGE_PRECISION: return VALUE_IMAGE_PRECISION;
    case PRC_COL_IMAGE_RECALL: return VALUE_IMAGE_RECALL;
    default: return -1;
    }
}

/* Columns computed on demand from the counts (analytics.c). */
static int derived_column(prc_column column)
{
    return column == PRC_COL_FPR || column == PRC_COL_IOU
           || column == PRC_COL_SPECIFICITY || column == PRC_COL_ACCURACY;
}

prc_status prc_result_column(const prc_result *result, prc_column column,
                             size_t first, size_t count, double *out)
{
    prc__curve curve;
    int kind;
    size_t i;

    if (result == NULL || out == NULL)
        return PRC_E_NULL;
    if (count_kind(column) < 0 && value_kind(column) < 0
        && !derived_column(column))
        return PRC_E_COLUMN;
    if (check_range(result, first, count) != PRC_OK)
        return PRC_E_INDEX;

    prc__result_curve(result, &curve);
    if (prc__derived_column(&curve, column, first, count, out))
        return PRC_OK;
    kind = count_kind(column);
    if (kind >= 0) {
        for (i = 0; i < count; i++)
            out[i] = (double)result->counts[kind][first + i];
        return PRC_OK;
    }
    kind = value_kind(column);
    if (kind >= VALUE_IMAGE_PRECISION) {
        if (!result->per_image)
            return PRC_E_NOT_ENABLED;
        if (result->tally[PRC_IMAGES] == 0)
            return PRC_E_NO_IMAGES;
    }
    memcpy(out, result->values[kind] + first, count * sizeof *out);
    return PRC_OK;
}

prc_status prc_result_counts(const prc_result *result, prc_column column,
                             size_t first, size_t count, uint64_t *out)
{
    int kind;

    if (result == NULL || out == NULL)
        return PRC_E_NULL;
    kind = count_kind(column);
    if (kind < 0)
        return PRC_E_COLUMN;
    if (check_range(result, first, count) != PRC_OK)
        return PRC_E_INDEX;

    memcpy(out, result->counts[kind] + first, count * sizeof *out);
    return PRC_OK;
}

prc_status prc_result_metric(const prc_result *result, prc_metric metric,
                             double *out)
{
    if (result == NULL || out == NULL)
        return PRC_E_NULL;
    if (metric < 1 || metric > METRIC_MAX)
        return PRC_E_COLUMN;

    *out = result->metric[metric];
    return result->metric_status[metric];
}

prc_status prc_result_tally(const prc_result *result, prc_tally tally,
                            uint64_t *out)
{
    if (result == NULL || out == NULL)
        return PRC_E_NULL;
    if (tally < 1 || tally > TALLY_MAX)
        return PRC_E_COLUMN;

    *out = result->tally[tally];
    return PRC_OK;
}

prc_status prc_result_get_option(const prc_result *result,
                                 prc_option option, int64_t *value)
{
    if (result == NULL)
        return PRC_E_NULL;
    return prc_options_get(&result->options, option, value);
}
