/*
 * analytics.h - what analytics.c needs from a result and what result.c
 * needs from analytics.c.  Internal: non-static names carry the prc__
 * prefix.
 */
#ifndef PRC_ANALYTICS_H
#define PRC_ANALYTICS_H

#include "internal.h"

/* A read-only view of a result's curve; every array holds `rows` values,
 * row k for the threshold k / B. */
typedef struct prc__curve {
    size_t rows;             /* B + 1 */
    const uint64_t *tp;
    const uint64_t *fp;
    const double *threshold;
    const double *precision;
    const double *recall;
    const double *f1;
    uint64_t positives;
    uint64_t negatives;
    double zero_division;
    int rule;                /* enum prc_rule */
    int custom;              /* thresholds other than k / B on [0, 1] */
} prc__curve;

/* Fills *curve with views into `result` (result.c). */
void prc__result_curve(const prc_result *result, prc__curve *curve);

/* Rows [first, first + count) of a column computed on demand from the
 * counts (PRC_COL_FPR, _IOU, _SPECIFICITY, _ACCURACY) into out.  Returns
 * 1 if `column` is one of them, 0 otherwise (out untouched).  The caller
 * has checked the range. */
int prc__derived_column(const prc__curve *curve, prc_column column,
                        size_t first, size_t count, double *out);

/* The metrics PRC_AUROC to PRC_ECE into value[] and status[], indexed by
 * prc_metric; value is NaN wherever status is not PRC_OK. */
void prc__analytics_metrics(const prc__curve *curve, double *value,
                            prc_status *status);

#define PRC__ANALYTICS_FIRST_METRIC PRC_AUROC
#define PRC__ANALYTICS_LAST_METRIC PRC_ECE

#endif /* PRC_ANALYTICS_H */
