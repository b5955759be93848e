/*
 * result.c - turning the histogram into a curve: cumulative sums from the
 * highest slot down give TP and FP at every threshold, and every summary is
 * computed once, when the result is made.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analytics.h"

#define METRIC_MAX 21
#define TALLY_MAX 8

enum { COUNT_TP, COUNT_FP, COUNT_FN, COUNT_TN, COUNT_KINDS };
enum { VALUE_THRESHOLD, VALUE_PRECISION, VALUE_RECALL, VALUE_F1,
       VALUE_IMAGE_PRECISION, VALUE_IMAGE_RECALL, VALUE_KINDS };

struct prc_result {
    prc__allocator allocator;
    prc_options options;
    size_t rows;
    int per_image;
    size_t classes;
    size_t block_length;
    uint64_t *class_state;  /* every class's block */
    size_t replicates;
    /* Per summary with an interval, its defined values over the
     * replicates, sorted, and how many there are. */
    double *replicate_values;
    size_t replicate_count[4];
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

/*
 * What a result is computed from: one state block and the settings that
 * give it meaning, taken from an accumulator at finalize, or from a
 * multi-class result when one of its classes is asked for.
 */
struct source {
    const uint64_t *block;
    const double *thresholds; /* rows values */
    size_t rows, slots, cells;
    int per_image;
    size_t replicates;
    double zero_division;
};

/* The summaries prc_result_interval knows, in replicate_values order. */
static const prc_metric interval_metrics[4] = {
    PRC_AVERAGE_PRECISION, PRC_AUPRC_TRAPEZOID, PRC_BEST_F1, PRC_AUROC};

static const uint64_t *counts_of(const struct source *s)
{
    return s->block + PRC__STATE_HEADER;
}

/* Per-image array k: 0, 1 precision limbs; 2, 3 recall limbs; 4, 5 NaN
 * counts of precision and recall. */
static const uint64_t *image_array(const struct source *s, int k)
{
    return counts_of(s) + s->cells + (size_t)k * s->rows;
}

static void set_metric(prc_result *r, prc_metric metric, double value,
                       prc_status status)
{
    r->metric[metric] = status == PRC_OK ? value : NAN;
    r->metric_status[metric] = status;
}

/* Fills the count columns and precision, recall and F1 of every row. */
static void compute_rows(prc_result *r, const struct source *src)
{
    const uint64_t *neg = counts_of(src), *pos = neg + src->slots;
    uint64_t positives = r->tally[PRC_POSITIVES];
    uint64_t negatives = r->tally[PRC_NEGATIVES];
    double zd = src->zero_division;
    uint64_t tp = 0, fp = 0;
    size_t k;

    for (k = r->rows; k-- > 0;) {
        tp += pos[k + 1];
        fp += neg[k + 1];
        r->counts[COUNT_TP][k] = tp;
        r->counts[COUNT_FP][k] = fp;
        r->counts[COUNT_FN][k] = positives - tp;
        r->counts[COUNT_TN][k] = negatives - fp;
        r->values[VALUE_THRESHOLD][k] = src->thresholds[k];
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

static void compute_pooled_metrics(prc_result *r, const struct source *src)
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
               prc__average_precision(counts_of(src),
                                      counts_of(src) + src->slots,
                                      src->slots, r->tally[PRC_POSITIVES]),
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

static void compute_image_metrics(prc_result *r, const struct source *src)
{
    double *precision = r->values[VALUE_IMAGE_PRECISION];
    double *recall = r->values[VALUE_IMAGE_RECALL];
    uint64_t images = src->block[PRC__IMAGES];
    uint64_t with_positives =
        images - src->block[PRC__IMAGES_WITHOUT_POSITIVES];
    prc_status status = PRC_OK;
    size_t k;

    if (!src->per_image)
        status = PRC_E_NOT_ENABLED;
    else if (images == 0)
        status = PRC_E_NO_IMAGES;
    else if (with_positives == 0)
        status = PRC_E_NO_POSITIVES;
    if (src->per_image && images != 0) {
        const uint64_t *p_hi = image_array(src, 0), *p_lo = image_array(src, 1);
        const uint64_t *r_hi = image_array(src, 2), *r_lo = image_array(src, 3);
        const uint64_t *p_nan = image_array(src, 4);
        const uint64_t *r_nan = image_array(src, 5);

        for (k = 0; k < r->rows; k++) {
            precision[k] = p_nan[k] ? NAN
                                    : prc__fixed_value(p_hi[k], p_lo[k])
                                          / (double)images;
            recall[k] = r_nan[k] ? NAN
                                 : prc__fixed_value(r_hi[k], r_lo[k])
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
               prc__fixed_value(src->block[PRC__AP_HI], src->block[PRC__AP_LO])
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
    curve->custom = result->options.has_range
                    || result->options.threshold_count != 0;
}

/* ROC, overlap, interpolated and bounded AP, calibration (analytics.c). */
static void compute_analytics(prc_result *r)
{
    prc__curve curve;

    prc__result_curve(r, &curve);
    prc__analytics_metrics(&curve, r->metric, r->metric_status);
}

static void compute_tallies(prc_result *r, const struct source *src)
{
    const uint64_t *counts = counts_of(src);
    uint64_t positives = 0, negatives = 0;
    size_t i;

    for (i = 0; i < src->slots; i++) {
        negatives += counts[i];
        positives += counts[src->slots + i];
    }
    r->tally[PRC_PIXELS] = positives + negatives;
    r->tally[PRC_POSITIVES] = positives;
    r->tally[PRC_NEGATIVES] = negatives;
    r->tally[PRC_IGNORED] = counts[2 * src->slots];
    r->tally[PRC_SKIPPED] = counts[2 * src->slots + 1];
    r->tally[PRC_IMAGES] = src->block[PRC__IMAGES];
    r->tally[PRC_IMAGES_WITHOUT_POSITIVES] =
        src->block[PRC__IMAGES_WITHOUT_POSITIVES];
    r->tally[PRC_CLASSES_WITHOUT_POSITIVES] = positives == 0;
}

void prc_result_free(prc_result *result)
{
    if (result == NULL)
        return;
    prc__free(&result->allocator, result->counts[0]);
    prc__free(&result->allocator, result->values[0]);
    prc__free(&result->allocator, result->class_state);
    prc__free(&result->allocator, result->replicate_values);
    prc__free(&result->allocator, result);
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

/*
 * The four interval summaries of one histogram (negatives, positives):
 * AP, trapezoidal AUPRC, best F1 and AUROC, NaN where undefined.  The
 * same definitions as the result's own (README), from the counts alone.
 */
static void summaries(const uint64_t *neg, const uint64_t *pos, size_t slots,
                      double zd, double *out)
{
    uint64_t positives = 0, negatives = 0, tp = 0, fp = 0;
    double area = 0.0, pairs = 0.0, best = 0.0, below = 0.0;
    double last_precision = 0.0, last_recall = 0.0;
    size_t k;

    for (k = 0; k < slots; k++) {
        positives += pos[k];
        negatives += neg[k];
    }
    out[0] = out[1] = out[2] = out[3] = NAN;
    if (positives == 0)
        return;

    /* Rows from the highest threshold down: row k counts slots above k. */
    for (k = slots - 1; k-- > 0;) {
        double precision, recall, f1;

        tp += pos[k + 1];
        fp += neg[k + 1];
        precision = tp + fp ? (double)tp / (double)(tp + fp) : zd;
        recall = (double)tp / (double)positives;
        f1 = 2.0 * (double)tp / ((double)tp + (double)fp + (double)positives);
        if (f1 > best)
            best = f1;
        if (k + 2 < slots)
            area += (recall - last_recall) * (precision + last_precision)
                    / 2.0;
        last_precision = precision;
        last_recall = recall;
    }
    /* AUROC by pairs: a positive beats the negatives of lower slots, and
     * ties half. */
    for (k = 0; k < slots; k++) {
        pairs += (double)pos[k] * (below + (double)neg[k] / 2.0);
        below += (double)neg[k];
    }
    out[0] = prc__average_precision(neg, pos, slots, positives);
    out[1] = area;
    out[2] = best;
    out[3] = negatives ? pairs / ((double)positives * (double)negatives)
                       : NAN;
}

/* The interval summaries of every replicate of `src`, sorted. */
static prc_status compute_replicates(prc_result *r, const struct source *src)
{
    const uint64_t *replicate = counts_of(src) + src->cells
                                + (src->per_image ? 6 * src->rows : 0);
    size_t k = src->replicates, i, m;

    r->replicates = k;
    if (k == 0)
        return PRC_OK;
    r->replicate_values = prc__alloc(&r->allocator, 4 * k, sizeof(double),
                                     0);
    if (r->replicate_values == NULL)
        return PRC_E_NOMEM;

    for (i = 0; i < k; i++, replicate += 2 * src->slots) {
        double value[4];

        summaries(replicate, replicate + src->slots, src->slots,
                  src->zero_division, value);
        for (m = 0; m < 4; m++)
            if (value[m] == value[m])
                r->replicate_values[m * k + r->replicate_count[m]++] =
                    value[m];
    }
    for (m = 0; m < 4; m++)
        qsort(r->replicate_values + m * k, r->replicate_count[m],
              sizeof(double), compare_doubles);
    return PRC_OK;
}

/* Makes a one-block result from `src`. */
static prc_status build(const prc__allocator *a, const prc_options *options,
                        const struct source *src, prc_result **out)
{
    size_t rows = src->rows, i;
    prc_result *r = prc__alloc(a, 1, sizeof *r, 1);

    if (r == NULL)
        return PRC_E_NOMEM;
    r->allocator = *a;
    r->counts[0] = prc__alloc(a, COUNT_KINDS * rows, sizeof(uint64_t), 0);
    r->values[0] = prc__alloc(a, VALUE_KINDS * rows, sizeof(double), 0);
    if (r->counts[0] == NULL || r->values[0] == NULL) {
        prc_result_free(r);
        return PRC_E_NOMEM;
    }

    for (i = 1; i < COUNT_KINDS; i++)
        r->counts[i] = r->counts[0] + i * rows;
    for (i = 1; i < VALUE_KINDS; i++)
        r->values[i] = r->values[0] + i * rows;
    r->options = *options;
    r->rows = rows;
    r->per_image = src->per_image;
    r->classes = 1;

    compute_tallies(r, src);
    compute_rows(r, src);
    compute_pooled_metrics(r, src);
    compute_image_metrics(r, src);
    compute_analytics(r);
    if (compute_replicates(r, src) != PRC_OK) {
        prc_result_free(r);
        return PRC_E_NOMEM;
    }
    set_metric(r, PRC_MEAN_AP_MACRO, r->metric[PRC_AVERAGE_PRECISION],
               r->metric_status[PRC_AVERAGE_PRECISION]);
    set_metric(r, PRC_MEAN_AP_WEIGHTED, r->metric[PRC_AVERAGE_PRECISION],
               r->metric_status[PRC_AVERAGE_PRECISION]);
    set_metric(r, PRC_MEAN_AP_MICRO, r->metric[PRC_AVERAGE_PRECISION],
               r->metric_status[PRC_AVERAGE_PRECISION]);
    *out = r;
    return PRC_OK;
}

/* The macro and weighted means of the classes' APs, over the classes with
 * a positive pixel, and how many have none. */
static void class_means(prc_result *r, const struct source *base)
{
    double sum = 0.0, weighted = 0.0, support = 0.0;
    uint64_t without = 0, with = 0;
    size_t c, i;

    for (c = 0; c < r->classes; c++) {
        const uint64_t *pos = r->class_state + c * r->block_length
                              + PRC__STATE_HEADER + base->slots;
        const uint64_t *neg = pos - base->slots;
        uint64_t positives = 0;
        double ap;

        for (i = 0; i < base->slots; i++)
            positives += pos[i];
        if (positives == 0) {
            without++;
            continue;
        }
        ap = prc__average_precision(neg, pos, base->slots, positives);
        with++;
        sum += ap;
        weighted += ap * (double)positives;
        support += (double)positives;
    }
    r->tally[PRC_CLASSES_WITHOUT_POSITIVES] = without;
    set_metric(r, PRC_MEAN_AP_MACRO, with ? sum / (double)with : 0.0,
               with ? PRC_OK : PRC_E_NO_POSITIVES);
    set_metric(r, PRC_MEAN_AP_WEIGHTED, with ? weighted / support : 0.0,
               with ? PRC_OK : PRC_E_NO_POSITIVES);
}

/* Keeps a copy of every class's block in the result, for
 * prc_result_class. */
static prc_status keep_classes(prc_result *r, const uint64_t *state,
                               size_t classes, size_t block_length)
{
    r->classes = classes;
    r->block_length = block_length;
    r->class_state = prc__alloc(&r->allocator, classes * block_length,
                                sizeof *r->class_state, 0);
    if (r->class_state == NULL)
        return PRC_E_NOMEM;
    memcpy(r->class_state, state,
           classes * block_length * sizeof *r->class_state);
    return PRC_OK;
}

prc_status prc_accumulator_finalize(const prc_accumulator *acc,
                                    prc_result **out)
{
    struct source src;
    uint64_t *micro = NULL;
    prc_result *r = NULL;
    prc_status status;
    size_t c, i;

    if (acc == NULL || out == NULL)
        return PRC_E_NULL;
    src.block = acc->state;
    src.thresholds = acc->thresholds;
    src.rows = acc->rows;
    src.slots = acc->slots;
    src.cells = acc->cells;
    src.per_image = acc->per_image;
    src.replicates = acc->replicates;
    src.zero_division = acc->zero_division;

    /* With several classes the result itself is the pooled one-vs-rest
     * problem: the sum of the classes' blocks. */
    if (acc->classes > 1) {
        micro = prc__alloc(&acc->allocator, acc->block_length,
                           sizeof *micro, 1);
        if (micro == NULL)
            return PRC_E_NOMEM;
        for (c = 0; c < acc->classes; c++)
            for (i = 0; i < acc->block_length; i++)
                micro[i] += acc->state[c * acc->block_length + i];
        src.block = micro;
    }
    status = build(&acc->allocator, &acc->options, &src, &r);
    prc__free(&acc->allocator, micro);
    if (status == PRC_OK)
        status = keep_classes(r, acc->state, acc->classes,
                              acc->block_length);
    if (status != PRC_OK) {
        prc_result_free(r);
        return status;
    }

    if (acc->classes > 1)
        class_means(r, &src);
    *out = r;
    return PRC_OK;
}

size_t prc_result_classes(const prc_result *result)
{
    return result == NULL ? 0 : result->classes;
}

prc_status prc_result_class(const prc_result *result, size_t class_index,
                            prc_result **out)
{
    prc_options options;
    struct source src;
    prc_result *r = NULL;
    prc_status status;

    if (result == NULL || out == NULL)
        return PRC_E_NULL;
    if (class_index >= result->classes)
        return PRC_E_INDEX;

    src.block = result->class_state + class_index * result->block_length;
    src.thresholds = result->values[VALUE_THRESHOLD];
    src.rows = result->rows;
    src.slots = result->rows + 1;
    src.cells = 2 * src.slots + 2;
    src.per_image = result->per_image;
    src.replicates = result->replicates;
    src.zero_division = zero_division_value(
        result->options.value[PRC_OPT_ZERO_DIVISION]);
    options = result->options;
    options.value[PRC_OPT_CLASSES] = 1;
    options.value[PRC_OPT_MULTILABEL] = 0;
    status = build(&result->allocator, &options, &src, &r);
    if (status == PRC_OK)
        status = keep_classes(r, src.block, 1, result->block_length);
    if (status != PRC_OK) {
        prc_result_free(r);
        return status;
    }
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
    double unit;
    int kind;
    size_t i;

    if (result == NULL || out == NULL)
        return PRC_E_NULL;
    /* Weighted counts are kept in units of 2^-16; columns give weights. */
    unit = result->options.value[PRC_OPT_WEIGHTED] ? PRC_WEIGHT_ONE : 1.0;
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
            out[i] = (double)result->counts[kind][first + i] / unit;
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

/* The q-quantile of n sorted values, interpolated between the order
 * statistics at q * (n - 1), as NumPy's default percentile. */
static double quantile(const double *sorted, size_t n, double q)
{
    double position = q * (double)(n - 1), below = floor(position);
    size_t i = (size_t)below;

    if (i + 1 >= n)
        return sorted[n - 1];
    return sorted[i] + (position - below) * (sorted[i + 1] - sorted[i]);
}

prc_status prc_result_interval(const prc_result *result, prc_metric metric,
                               double level, double *lo, double *hi)
{
    const double *values;
    size_t n, m;

    if (result == NULL || lo == NULL || hi == NULL)
        return PRC_E_NULL;
    for (m = 0; m < 4 && interval_metrics[m] != metric; m++)
        ;
    if (m == 4)
        return PRC_E_COLUMN;
    if (!(level > 0.0 && level < 1.0))
        return PRC_E_ARGUMENT;
    if (result->replicates == 0)
        return PRC_E_NOT_ENABLED;

    n = result->replicate_count[m];
    values = result->replicate_values + m * result->replicates;
    *lo = *hi = NAN;
    if (n == 0)
        return PRC_E_NO_POSITIVES;
    *lo = quantile(values, n, (1.0 - level) / 2.0);
    *hi = quantile(values, n, (1.0 + level) / 2.0);
    return PRC_OK;
}
