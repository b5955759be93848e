/*
 * analytics.c - readings of a result computed from its counts alone: the
 * ROC curve and its area, overlap scores, F-beta, operating points,
 * interpolated AP, certified bounds on the exact AP, and calibration.
 *
 * The counts of one bin ("slot", as in internal.h) are differences of
 * consecutive rows.  Slot m, m = 0..B+1, holds the pixels predicted
 * positive at rows 0..m-1 only: above(m) pixels lie in higher slots and
 * from(m) in slot m or higher, with from(0) = every pixel and
 * above(B + 1) = 0.
 */
#include <math.h>

#include "analytics.h"

#define DEFAULT_CALIBRATION_GROUPS 10
#define MAX_CALIBRATION_GROUPS ((size_t)1 << 24)

/* ------------------------------------------------------------------------ */
/* Slots and rows                                                           */
/* ------------------------------------------------------------------------ */

static uint64_t tp_above(const prc__curve *c, size_t m)
{
    return m < c->rows ? c->tp[m] : 0;
}

static uint64_t fp_above(const prc__curve *c, size_t m)
{
    return m < c->rows ? c->fp[m] : 0;
}

static uint64_t tp_from(const prc__curve *c, size_t m)
{
    return m == 0 ? c->positives : c->tp[m - 1];
}

static uint64_t fp_from(const prc__curve *c, size_t m)
{
    return m == 0 ? c->negatives : c->fp[m - 1];
}

static double ratio(double numerator, double denominator, double zd)
{
    return denominator != 0.0 ? numerator / denominator : zd;
}

static double row_iou(const prc__curve *c, size_t k, double unused)
{
    double tp = (double)c->tp[k], fn = (double)(c->positives - c->tp[k]);

    (void)unused;
    return ratio(tp, tp + (double)c->fp[k] + fn, c->zero_division);
}

static double row_dice(const prc__curve *c, size_t k, double unused)
{
    (void)unused;
    return c->f1[k];
}

/* F-beta with beta2 = beta^2: (1 + b2) TP / ((1 + b2) TP + b2 FN + FP),
 * divided through by 1 + b2 first, so that no term overflows however
 * large beta or the counts. */
static double row_fbeta(const prc__curve *c, size_t k, double beta2)
{
    double tp = (double)c->tp[k], fn = (double)(c->positives - c->tp[k]);
    double fn_weight = 1.0 / (1.0 + 1.0 / beta2); /* b2 / (1 + b2) */
    double fp_weight = 1.0 / (1.0 + beta2);

    return ratio(tp, tp + fn_weight * fn + fp_weight * (double)c->fp[k],
                 c->zero_division);
}

typedef double (*row_value_fn)(const prc__curve *c, size_t k, double param);

/* The row with the highest value, the lowest threshold among ties; NaN
 * values never win.  Returns rows if every value is NaN. */
static size_t best_row(const prc__curve *c, row_value_fn value,
                       double param)
{
    size_t k, best = c->rows;
    double best_value = 0.0;

    for (k = 0; k < c->rows; k++) {
        double v = value(c, k, param);

        if (v == v && (best == c->rows || v > best_value)) {
            best = k;
            best_value = v;
        }
    }
    return best;
}

/* ------------------------------------------------------------------------ */
/* Columns                                                                  */
/* ------------------------------------------------------------------------ */

static double row_derived(const prc__curve *c, prc_column column, size_t k)
{
    double tp = (double)c->tp[k], fp = (double)c->fp[k];
    double tn = (double)(c->negatives - c->fp[k]);
    double pixels = (double)c->positives + (double)c->negatives;
    double zd = c->zero_division;

    switch (column) {
    case PRC_COL_FPR: return ratio(fp, (double)c->negatives, zd);
    case PRC_COL_IOU: return row_iou(c, k, 0.0);
    case PRC_COL_SPECIFICITY: return ratio(tn, (double)c->negatives, zd);
    default: return ratio(tp + tn, pixels, zd); /* PRC_COL_ACCURACY */
    }
}

int prc__derived_column(const prc__curve *curve, prc_column column,
                        size_t first, size_t count, double *out)
{
    size_t i;

    if (column != PRC_COL_FPR && column != PRC_COL_IOU
        && column != PRC_COL_SPECIFICITY && column != PRC_COL_ACCURACY)
        return 0;

    for (i = 0; i < count; i++)
        out[i] = row_derived(curve, column, first + i);
    return 1;
}

/* ------------------------------------------------------------------------ */
/* ROC                                                                      */
/* ------------------------------------------------------------------------ */

/*
 * Trapezoids between consecutive points (FP, TP) from (0, 0) through the
 * rows, highest threshold first, to (N, P): the step across slot m goes
 * from (fp_above, tp_above) to (fp_from, tp_from).  Divided by 2 P N.
 */
static double auroc(const prc__curve *c)
{
    double twice_area = 0.0;
    size_t m;

    for (m = 0; m <= c->rows; m++) {
        double width = (double)(fp_from(c, m) - fp_above(c, m));
        double heights = (double)tp_from(c, m) + (double)tp_above(c, m);

        twice_area += width * heights;
    }
    return twice_area
           / (2.0 * (double)c->positives * (double)c->negatives);
}

/* ------------------------------------------------------------------------ */
/* Interpolated AP                                                          */
/* ------------------------------------------------------------------------ */

/*
 * Mean over r = j / steps, j = 0..steps, of the highest precision among
 * rows with recall >= r and at least one predicted positive (0 if there is
 * none).  Recall falls as k grows, so the qualifying rows are a prefix
 * 0..K-1 that grows as r falls.
 */
static double interpolated_ap(const prc__curve *c, unsigned steps)
{
    double sum = 0.0, best = 0.0;
    size_t k = 0;
    unsigned j;

    for (j = steps + 1; j-- > 0;) {
        double r = (double)j / (double)steps;

        for (; k < c->rows && c->recall[k] >= r; k++)
            if (c->tp[k] + c->fp[k] != 0 && c->precision[k] > best)
                best = c->precision[k];
        sum += best;
    }
    return sum / (double)(steps + 1);
}

/*
 * Area under precision over recall between two rows, TP and the predicted
 * positives PP moving linearly from the higher threshold's (tp_hi, pp_hi)
 * to the lower one's: with slope s = dTP / dPP and c = tp_hi - s pp_hi,
 * precision is s + c / PP, and the integral over dR = s dPP / P is
 * s (dTP + c ln(pp_lo / pp_hi)) / P.  From pp_hi = 0 precision is s
 * throughout.  Returns the value times P.
 */
static double davis_goadrich_step(double tp_hi, double pp_hi, double tp_lo,
                                  double pp_lo)
{
    double dtp = tp_lo - tp_hi, dpp = pp_lo - pp_hi, slope, intercept;

    if (dtp == 0.0)
        return 0.0;

    slope = dtp / dpp;
    if (pp_hi == 0.0)
        return slope * dtp;
    intercept = tp_hi - slope * pp_hi;
    return slope * (dtp + intercept * log1p(dpp / pp_hi));
}

/* Sum of the steps between consecutive rows and from the top row to the
 * empty prediction (TP = PP = 0), divided by P. */
static double davis_goadrich_ap(const prc__curve *c)
{
    double sum = 0.0;
    size_t k;

    for (k = 0; k < c->rows; k++) {
        double tp_hi = (double)tp_above(c, k + 1);
        double pp_hi = tp_hi + (double)fp_above(c, k + 1);
        double tp_lo = (double)c->tp[k];

        sum += davis_goadrich_step(tp_hi, pp_hi, tp_lo,
                                   tp_lo + (double)c->fp[k]);
    }
    return sum / (double)c->positives;
}

/* ------------------------------------------------------------------------ */
/* Certified AP bounds                                                      */
/* ------------------------------------------------------------------------ */

/* psi(x + n) - psi(x) for x >= 64 from the asymptotic series of the
 * digamma function; the first term left out is below 2e-17. */
static double digamma_span(double x, double n)
{
    double y = x + n;
    double x2 = 1.0 / (x * x), y2 = 1.0 / (y * y);

    return log1p(n / x) - (0.5 / y - 0.5 / x) - (y2 - x2) / 12.0
           + (y2 * y2 - x2 * x2) / 120.0
           - (y2 * y2 * y2 - x2 * x2 * x2) / 252.0;
}

/* The sum of 1 / (c + i) for i = 1..n: term by term while few terms
 * remain or c is small, then from the digamma function. */
static double harmonic_span(double c, double n)
{
    double sum = 0.0;

    while (n > 0.0 && (n <= 64.0 || c < 64.0)) {
        sum += 1.0 / (c + 1.0);
        c += 1.0;
        n -= 1.0;
    }
    if (n > 0.0)
        sum += digamma_span(c + 1.0, n);
    return sum;
}

/*
 * One slot's share of the exact AP times P, when its p positives and n
 * negatives lie below t positives and f negatives.  Every positive adds
 * the precision of the tie group it ends, (t + a) / (t + f + a + b) with
 * a >= its rank among the slot's positives and b <= n; so
 *   lower: negatives first, positives one by one after them:
 *          sum over i = 1..p of (t + i) / (t + f + n + i)
 *          = p - (f + n) * sum over i of 1 / (t + f + n + i);
 *   upper: the positives first, tied with each other:
 *          p (t + p) / (t + f + p).
 * Both are reached by some scores, so no tighter bound follows from the
 * counts.
 */
static double slot_ap_lower(double t, double f, double p, double n)
{
    if (p == 0.0)
        return 0.0;
    return p - (f + n) * harmonic_span(t + f + n, p);
}

static double slot_ap_upper(double t, double f, double p)
{
    return p == 0.0 ? 0.0 : p * (t + p) / (t + f + p);
}

/* Whether every score of slot m is the same value: 1 under PRC_RULE_GE
 * (the slot above the top threshold) or 0 under PRC_RULE_GT (the slot
 * below the lowest). */
static int slot_is_one_score(const prc__curve *c, size_t m)
{
    return c->rule == PRC_RULE_GE ? m == c->rows : m == 0;
}

static void ap_bounds(const prc__curve *c, double *lower, double *upper)
{
    double lo = 0.0, hi = 0.0;
    size_t m;

    for (m = 0; m <= c->rows; m++) {
        double t = (double)tp_above(c, m), f = (double)fp_above(c, m);
        double p = (double)(tp_from(c, m) - tp_above(c, m));
        double n = (double)(fp_from(c, m) - fp_above(c, m));

        if (slot_is_one_score(c, m)) {
            /* One tie group: the exact share. */
            double share = p == 0.0 ? 0.0 : p * (t + p) / (t + f + p + n);

            lo += share;
            hi += share;
        } else {
            lo += slot_ap_lower(t, f, p, n);
            hi += slot_ap_upper(t, f, p);
        }
    }
    *lower = lo / (double)c->positives;
    *upper = hi / (double)c->positives;
}

/* ------------------------------------------------------------------------ */
/* Calibration                                                              */
/* ------------------------------------------------------------------------ */

/* Slot m's group: from its centre (2m - 1) / 2B in whole numbers. */
static size_t slot_group(const prc__curve *c, size_t m, size_t groups)
{
    uint64_t bins = (uint64_t)(c->rows - 1);

    if (m == 0)
        return 0;
    if (m == c->rows)
        return groups - 1;
    return (size_t)((2 * (uint64_t)m - 1) * (uint64_t)groups / (2 * bins));
}

static double slot_centre(const prc__curve *c, size_t m)
{
    if (m == 0)
        return 0.0;
    if (m == c->rows)
        return 1.0;
    return ((double)m - 0.5) / (double)(c->rows - 1);
}

/* Fills the three arrays of prc_result_calibration.  Positives are summed
 * as whole numbers first so that each rate is one rounding. */
static void calibrate(const prc__curve *c, size_t groups, double *mean,
                      double *rate, uint64_t *pixels)
{
    size_t g, m;

    for (g = 0; g < groups; g++)
        pixels[g] = 0;
    for (m = 0; m <= c->rows; m++)
        pixels[slot_group(c, m, groups)] += tp_from(c, m) - tp_above(c, m);
    for (g = 0; g < groups; g++) {
        rate[g] = (double)pixels[g];
        mean[g] = 0.0;
        pixels[g] = 0;
    }

    for (m = 0; m <= c->rows; m++) {
        uint64_t n = tp_from(c, m) - tp_above(c, m) + fp_from(c, m)
                     - fp_above(c, m);

        g = slot_group(c, m, groups);
        pixels[g] += n;
        mean[g] += (double)n * slot_centre(c, m);
    }
    for (g = 0; g < groups; g++) {
        mean[g] = pixels[g] ? mean[g] / (double)pixels[g] : NAN;
        rate[g] = pixels[g] ? rate[g] / (double)pixels[g] : NAN;
    }
}

/* Sum over non-empty groups of (pixels / all pixels) |rate - mean|. */
static double expected_calibration_error(const prc__curve *c)
{
    double mean[DEFAULT_CALIBRATION_GROUPS], rate[DEFAULT_CALIBRATION_GROUPS];
    uint64_t pixels[DEFAULT_CALIBRATION_GROUPS];
    double all = (double)c->positives + (double)c->negatives, sum = 0.0;
    size_t g;

    calibrate(c, DEFAULT_CALIBRATION_GROUPS, mean, rate, pixels);
    for (g = 0; g < DEFAULT_CALIBRATION_GROUPS; g++)
        if (pixels[g] != 0)
            sum += (double)pixels[g] / all * fabs(rate[g] - mean[g]);
    return sum;
}

/* ------------------------------------------------------------------------ */
/* Metrics computed when the result is made                                 */
/* ------------------------------------------------------------------------ */

static void put(double *value, prc_status *status, prc_metric metric,
                double v, prc_status s)
{
    value[metric] = s == PRC_OK ? v : NAN;
    status[metric] = s;
}

static void best_metrics(const prc__curve *c, double *value,
                         prc_status *status)
{
    size_t dice = best_row(c, row_dice, 0.0);
    size_t iou = best_row(c, row_iou, 0.0);

    put(value, status, PRC_BEST_DICE, c->f1[dice], PRC_OK);
    put(value, status, PRC_BEST_DICE_THRESHOLD, c->threshold[dice], PRC_OK);
    put(value, status, PRC_BEST_IOU, row_iou(c, iou, 0.0), PRC_OK);
    put(value, status, PRC_BEST_IOU_THRESHOLD, c->threshold[iou], PRC_OK);
}

/* Metrics that need positive pixels; each undefined without them. */
static void positive_metrics(const prc__curve *c, double *value,
                             prc_status *status)
{
    double lower, upper;

    ap_bounds(c, &lower, &upper);
    put(value, status, PRC_AP_LOWER, lower, PRC_OK);
    put(value, status, PRC_AP_UPPER, upper, PRC_OK);
    put(value, status, PRC_AP_VOC11, interpolated_ap(c, 10), PRC_OK);
    put(value, status, PRC_AP_COCO101, interpolated_ap(c, 100), PRC_OK);
    put(value, status, PRC_AP_INTERPOLATED, davis_goadrich_ap(c), PRC_OK);
    best_metrics(c, value, status);
}

void prc__analytics_metrics(const prc__curve *curve, double *value,
                            prc_status *status)
{
    int m;

    if (curve->positives == 0) {
        for (m = PRC_AUROC; m < PRC_ECE; m++)
            put(value, status, (prc_metric)m, 0.0, PRC_E_NO_POSITIVES);
    } else {
        positive_metrics(curve, value, status);
        if (curve->negatives == 0)
            put(value, status, PRC_AUROC, 0.0, PRC_E_NO_NEGATIVES);
        else
            put(value, status, PRC_AUROC, auroc(curve), PRC_OK);
    }

    if (curve->custom)
        put(value, status, PRC_ECE, 0.0, PRC_E_UNSUPPORTED);
    else if (curve->positives == 0 && curve->negatives == 0)
        put(value, status, PRC_ECE, 0.0, PRC_E_NO_PIXELS);
    else
        put(value, status, PRC_ECE, expected_calibration_error(curve),
            PRC_OK);
}

/* ------------------------------------------------------------------------ */
/* Getters                                                                  */
/* ------------------------------------------------------------------------ */

static int beta_valid(double beta)
{
    return beta > 0.0 && beta <= 1e150; /* false for NaN and infinity */
}

static int level_valid(double level)
{
    return level >= 0.0 && level <= 1.0; /* false for NaN */
}

prc_status prc_result_fbeta(const prc_result *result, double beta,
                            size_t first, size_t count, double *out)
{
    prc__curve c;
    size_t i;

    if (result == NULL || out == NULL)
        return PRC_E_NULL;
    if (!beta_valid(beta))
        return PRC_E_ARGUMENT;
    prc__result_curve(result, &c);
    if (first > c.rows || count > c.rows - first)
        return PRC_E_INDEX;

    for (i = 0; i < count; i++)
        out[i] = row_fbeta(&c, first + i, beta * beta);
    return PRC_OK;
}

prc_status prc_result_best_fbeta(const prc_result *result, double beta,
                                 double *value, double *threshold)
{
    prc__curve c;
    size_t best;

    if (result == NULL || value == NULL || threshold == NULL)
        return PRC_E_NULL;
    if (!beta_valid(beta))
        return PRC_E_ARGUMENT;
    prc__result_curve(result, &c);
    if (c.positives == 0) {
        *value = *threshold = NAN;
        return PRC_E_NO_POSITIVES;
    }

    best = best_row(&c, row_fbeta, beta * beta);
    *value = row_fbeta(&c, best, beta * beta);
    *threshold = c.threshold[best];
    return PRC_OK;
}

/*
 * The qualifying row (goal[k] >= level, key[k] not NaN) with the highest
 * key, ties to the higher goal, then to the higher threshold; rows if none
 * qualifies.
 */
static size_t best_operating_row(const prc__curve *c, const double *key,
                                 const double *goal, double level)
{
    size_t k, best = c->rows;

    for (k = 0; k < c->rows; k++) {
        if (!(goal[k] >= level) || key[k] != key[k])
            continue;
        if (best == c->rows || key[k] > key[best]
            || (key[k] == key[best] && goal[k] >= goal[best]))
            best = k;
    }
    return best;
}

static prc_status operating_point(const prc_result *result, int by_recall,
                                  double level, double *out,
                                  double *threshold)
{
    prc__curve c;
    const double *key, *goal;
    size_t best;

    if (result == NULL || out == NULL || threshold == NULL)
        return PRC_E_NULL;
    if (!level_valid(level))
        return PRC_E_ARGUMENT;
    prc__result_curve(result, &c);
    *out = *threshold = NAN;
    if (c.positives == 0)
        return PRC_E_NO_POSITIVES;

    key = by_recall ? c.precision : c.recall;
    goal = by_recall ? c.recall : c.precision;
    best = best_operating_row(&c, key, goal, level);
    if (best == c.rows)
        return PRC_E_NOT_REACHED;
    *out = key[best];
    *threshold = c.threshold[best];
    return PRC_OK;
}

prc_status prc_result_precision_at_recall(const prc_result *result,
                                          double min_recall,
                                          double *precision,
                                          double *threshold)
{
    return operating_point(result, 1, min_recall, precision, threshold);
}

prc_status prc_result_recall_at_precision(const prc_result *result,
                                          double min_precision,
                                          double *recall, double *threshold)
{
    return operating_point(result, 0, min_precision, recall, threshold);
}

prc_status prc_result_calibration(const prc_result *result, size_t groups,
                                  double *mean_score, double *positive_rate,
                                  uint64_t *pixels)
{
    prc__curve c;

    if (result == NULL || mean_score == NULL || positive_rate == NULL
        || pixels == NULL)
        return PRC_E_NULL;
    if (groups == 0 || groups > MAX_CALIBRATION_GROUPS)
        return PRC_E_ARGUMENT;

    prc__result_curve(result, &c);
    if (c.custom)
        return PRC_E_UNSUPPORTED;
    calibrate(&c, groups, mean_score, positive_rate, pixels);
    return PRC_OK;
}
