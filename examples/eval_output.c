/*
 * eval_output.c - the summary, the JSON object and the CSV table of
 * prcurve-eval.
 *
 * Curve columns are read from the result in blocks of rows, so that even a
 * curve of millions of thresholds is printed in little memory.
 *
 * With weights (--weights), every count the library gives is in units of
 * 2^-16 and is printed as the weighted sum it stands for.
 *
 * With classes, everything at the top level reads the pooled one-vs-rest
 * curve (micro averaging); each class's own numbers come from a result of
 * that class alone (prc_result_class), made when it is printed.
 */
#include "eval.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK 1024

/* Rows [first, first + count) of every column of the table. */
struct block {
    size_t first, count;
    double threshold[BLOCK], precision[BLOCK], recall[BLOCK], f1[BLOCK];
    double tpr[BLOCK], fpr[BLOCK], dice[BLOCK], iou[BLOCK];
    double specificity[BLOCK], accuracy[BLOCK];
    uint64_t tp[BLOCK], fp[BLOCK], fn[BLOCK], tn[BLOCK];
    double image_precision[BLOCK], image_recall[BLOCK];
};

/* A summary number, or NaN with the status that says why. */
struct number {
    double value;
    prc_status status;
};

static struct number metric(const prc_result *res, prc_metric which)
{
    struct number n;

    n.status = prc_result_metric(res, which, &n.value);
    if (n.status != PRC_OK)
        n.value = NAN;
    return n;
}

/* The summaries that have bootstrap intervals, with their JSON names. */
static const struct {
    prc_metric metric;
    const char *name, *label;
} interval_metrics[4] = {
    {PRC_AVERAGE_PRECISION, "average_precision", "AP"},
    {PRC_AUPRC_TRAPEZOID, "auprc_trapezoid", "AUPRC"},
    {PRC_BEST_F1, "best_f1", "best F1"},
    {PRC_AUROC, "auroc", "AUROC"}};

/* An interval [lo, hi], both NaN with the status that says why. */
struct interval {
    double lo, hi;
    prc_status status;
};

static struct interval interval(const prc_result *res, prc_metric which,
                                double level)
{
    struct interval i;

    i.status = prc_result_interval(res, which, level, &i.lo, &i.hi);
    if (i.status != PRC_OK)
        i.lo = i.hi = NAN;
    return i;
}

/* Groups of the reliability diagram in the report. */
#define CALIBRATION_GROUPS 10

/* The analytic columns, in CSV order. */
static const struct {
    prc_column column;
    const char *name;
} analytic_columns[6] = {
    {PRC_COL_TPR, "tpr"}, {PRC_COL_FPR, "fpr"}, {PRC_COL_DICE, "dice"},
    {PRC_COL_IOU, "iou"}, {PRC_COL_SPECIFICITY, "specificity"},
    {PRC_COL_ACCURACY, "accuracy"}};

static double *analytic_array(struct block *b, size_t i)
{
    double *arrays[6];

    arrays[0] = b->tpr;
    arrays[1] = b->fpr;
    arrays[2] = b->dice;
    arrays[3] = b->iou;
    arrays[4] = b->specificity;
    arrays[5] = b->accuracy;
    return arrays[i];
}

static uint64_t tally(const prc_result *res, prc_tally which)
{
    uint64_t value = 0;

    prc_result_tally(res, which, &value);
    return value;
}

static int64_t option(const prc_result *res, prc_option which)
{
    int64_t value = 0;

    prc_result_get_option(res, which, &value);
    return value;
}

int eval_weighted(const prc_result *res)
{
    return option(res, PRC_OPT_WEIGHTED) != 0;
}

const char *eval_count_text(const prc_result *res, uint64_t count,
                            char *buf)
{
    if (eval_weighted(res))
        snprintf(buf, EVAL_COUNT_SIZE, "%.17g",
                 (double)count / PRC_WEIGHT_ONE);
    else
        snprintf(buf, EVAL_COUNT_SIZE, "%" PRIu64, count);
    return buf;
}

/* A tally of pixels as text (see eval_count_text). */
static const char *tally_text(const prc_result *res, prc_tally which,
                              char *buf)
{
    return eval_count_text(res, tally(res, which), buf);
}

static const char *zero_division_name(int64_t value)
{
    return value == PRC_ZERO_DIVISION_ONE ? "1"
           : value == PRC_ZERO_DIVISION_NAN ? "nan" : "0";
}

prc_status eval_result_column(const prc_result *res, prc_column column,
                              size_t first, size_t count, double *out)
{
    prc_status s = prc_result_column(res, column, first, count, out);
    size_t i;

    if (s == PRC_E_NO_IMAGES && (column == PRC_COL_IMAGE_PRECISION
                                 || column == PRC_COL_IMAGE_RECALL)) {
        for (i = 0; i < count; i++)
            out[i] = NAN;
        s = PRC_OK;
    }
    return s;
}

/* Reads rows [first, first + count) of every column into b.  Returns the
 * first failure's status, without printing. */
static prc_status read_block(const prc_result *res, int per_image,
                             size_t first, struct block *b)
{
    size_t rows = prc_result_rows(res);
    size_t n = rows - first < BLOCK ? rows - first : BLOCK, i;
    prc_status s;

    b->first = first;
    b->count = n;
    s = prc_result_column(res, PRC_COL_THRESHOLD, first, n, b->threshold);
    if (s == PRC_OK)
        s = prc_result_column(res, PRC_COL_PRECISION, first, n, b->precision);
    if (s == PRC_OK)
        s = prc_result_column(res, PRC_COL_RECALL, first, n, b->recall);
    if (s == PRC_OK)
        s = prc_result_column(res, PRC_COL_F1, first, n, b->f1);
    for (i = 0; i < 6 && s == PRC_OK; i++)
        s = prc_result_column(res, analytic_columns[i].column, first, n,
                              analytic_array(b, i));
    if (s == PRC_OK)
        s = prc_result_counts(res, PRC_COL_TP, first, n, b->tp);
    if (s == PRC_OK)
        s = prc_result_counts(res, PRC_COL_FP, first, n, b->fp);
    if (s == PRC_OK)
        s = prc_result_counts(res, PRC_COL_FN, first, n, b->fn);
    if (s == PRC_OK)
        s = prc_result_counts(res, PRC_COL_TN, first, n, b->tn);
    if (s == PRC_OK && per_image)
        s = eval_result_column(res, PRC_COL_IMAGE_PRECISION, first, n,
                               b->image_precision);
    if (s == PRC_OK && per_image)
        s = eval_result_column(res, PRC_COL_IMAGE_RECALL, first, n,
                               b->image_recall);
    return s;
}

/* Class c's own result (free with prc_result_free), or NULL after
 * printing why. */
static prc_result *class_result(const prc_result *res, size_t c)
{
    prc_result *one = NULL;
    prc_status s = prc_result_class(res, c, &one);

    if (s != PRC_OK) {
        eval_error("class %zu: %s", c, prc_status_message(s));
        return NULL;
    }
    return one;
}

static int load_block(const prc_result *res, int per_image, size_t first,
                      struct block *b)
{
    prc_status s = read_block(res, per_image, first, b);

    if (s != PRC_OK)
        eval_error("cannot read the curve: %s", prc_status_message(s));
    return s == PRC_OK ? 0 : -1;
}

int eval_check_result(const struct eval_config *config,
                      const prc_result *res)
{
    struct block *b = malloc(sizeof *b);
    size_t first, c;
    int rc = 0;

    if (b == NULL) {
        eval_error("out of memory");
        return EVAL_DATA_ERROR;
    }
    /* Under --keep-going, skipping every pair leaves nothing to report. */
    if (config->keep_going && tally(res, PRC_IMAGES) == 0
        && config->stats->skipped_files + config->stats->unmatched_files
           > 0) {
        free(b);
        eval_error("nothing was counted: every pair of files was skipped "
                   "(%zu bad, %zu without a partner)",
                   config->stats->skipped_files,
                   config->stats->unmatched_files);
        return EVAL_DATA_ERROR;
    }
    for (first = 0; first < prc_result_rows(res) && rc == 0;
         first += BLOCK)
        rc = load_block(res, config->per_image, first, b);
    free(b);
    for (c = 0; c < (size_t)config->classes && rc == 0; c++) {
        prc_result *one = class_result(res, c);

        rc = one != NULL ? 0 : -1;
        prc_result_free(one);
    }
    return rc == 0 ? EVAL_OK : EVAL_DATA_ERROR;
}

/* ------------------------------------------------------------------------ */
/* CSV                                                                      */
/* ------------------------------------------------------------------------ */

static void csv_double(FILE *f, double v)
{
    if (isnan(v))
        fputs(",nan", f);
    else
        fprintf(f, ",%.17g", v);
}

static void csv_rows(FILE *f, const prc_result *res, const struct block *b,
                     int per_image)
{
    char tp[EVAL_COUNT_SIZE], fp[EVAL_COUNT_SIZE];
    char fn[EVAL_COUNT_SIZE], tn[EVAL_COUNT_SIZE];
    size_t i;

    for (i = 0; i < b->count; i++) {
        fprintf(f, "%.17g,%s,%s,%s,%s", b->threshold[i],
                eval_count_text(res, b->tp[i], tp),
                eval_count_text(res, b->fp[i], fp),
                eval_count_text(res, b->fn[i], fn),
                eval_count_text(res, b->tn[i], tn));
        csv_double(f, b->precision[i]);
        csv_double(f, b->recall[i]);
        csv_double(f, b->f1[i]);
        csv_double(f, b->tpr[i]);
        csv_double(f, b->fpr[i]);
        csv_double(f, b->dice[i]);
        csv_double(f, b->iou[i]);
        csv_double(f, b->specificity[i]);
        csv_double(f, b->accuracy[i]);
        if (per_image) {
            csv_double(f, b->image_precision[i]);
            csv_double(f, b->image_recall[i]);
        }
        fputc('\n', f);
    }
}

/* One row per class: class, positives, negatives, AP, AUPRC, best F1 and
 * its threshold, AUROC; with replicates, the intervals' ends after. */
static int csv_class_rows(FILE *f, const prc_result *res, double level)
{
    static const prc_metric metrics[5] = {
        PRC_AVERAGE_PRECISION, PRC_AUPRC_TRAPEZOID, PRC_BEST_F1,
        PRC_BEST_F1_THRESHOLD, PRC_AUROC};
    int replicates = option(res, PRC_OPT_BOOTSTRAP) > 0;
    char p[EVAL_COUNT_SIZE], q[EVAL_COUNT_SIZE];
    size_t c, i;

    fputs("class,positives,negatives,average_precision,auprc_trapezoid,"
          "best_f1,best_f1_threshold,auroc", f);
    for (i = 0; i < 4 && replicates; i++)
        fprintf(f, ",%s_lo,%s_hi", interval_metrics[i].name,
                interval_metrics[i].name);
    fputc('\n', f);
    for (c = 0; c < prc_result_classes(res); c++) {
        prc_result *one = class_result(res, c);

        if (one == NULL)
            return -1;
        fprintf(f, "%zu,%s,%s", c, tally_text(one, PRC_POSITIVES, p),
                tally_text(one, PRC_NEGATIVES, q));
        for (i = 0; i < 5; i++)
            csv_double(f, metric(one, metrics[i]).value);
        for (i = 0; i < 4 && replicates; i++) {
            struct interval ci = interval(one, interval_metrics[i].metric,
                                          level);

            csv_double(f, ci.lo);
            csv_double(f, ci.hi);
        }
        fputc('\n', f);
        prc_result_free(one);
    }
    return 0;
}

static int write_class_csv(const struct eval_config *config,
                           const prc_result *res)
{
    FILE *f;
    int rc;

    if (config->csv_classes == NULL)
        return EVAL_OK;
    f = fopen(config->csv_classes, "w");
    if (f == NULL) {
        eval_error("%s: cannot create: %s", config->csv_classes,
                   strerror(errno));
        return EVAL_DATA_ERROR;
    }
    rc = csv_class_rows(f, res, config->level);
    if ((ferror(f) | fclose(f)) != 0 && rc == 0) {
        eval_error("%s: write failed", config->csv_classes);
        rc = -1;
    }
    return rc == 0 ? EVAL_OK : EVAL_DATA_ERROR;
}

static int write_curve_csv(const struct eval_config *config,
                           const prc_result *res)
{
    struct block *b;
    FILE *f;
    size_t first, i;
    int rc = 0;

    if (config->csv == NULL)
        return EVAL_OK;
    b = malloc(sizeof *b);
    f = b != NULL ? fopen(config->csv, "w") : NULL;
    if (f == NULL) {
        eval_error("%s: cannot create: %s", config->csv,
                   b == NULL ? "out of memory" : strerror(errno));
        free(b);
        return EVAL_DATA_ERROR;
    }

    fputs("threshold,tp,fp,fn,tn,precision,recall,f1", f);
    for (i = 0; i < 6; i++)
        fprintf(f, ",%s", analytic_columns[i].name);
    fputs(config->per_image ? ",image_precision,image_recall\n" : "\n", f);
    for (first = 0; first < prc_result_rows(res) && rc == 0;
         first += BLOCK) {
        rc = load_block(res, config->per_image, first, b);
        if (rc == 0)
            csv_rows(f, res, b, config->per_image);
    }

    free(b);
    if ((ferror(f) | fclose(f)) != 0 && rc == 0) {
        eval_error("%s: write failed", config->csv);
        rc = -1;
    }
    return rc == 0 ? EVAL_OK : EVAL_DATA_ERROR;
}

int eval_write_csv(const struct eval_config *config, const prc_result *res)
{
    int rc = write_curve_csv(config, res);

    return rc == EVAL_OK ? write_class_csv(config, res) : rc;
}

/* ------------------------------------------------------------------------ */
/* JSON                                                                     */
/* ------------------------------------------------------------------------ */

/* NaN (undefined) is null; %.17g reads back as the same double. */
static void json_double(double v)
{
    if (isnan(v) || isinf(v))
        fputs("null", stdout);
    else
        printf("%.17g", v);
}

/* One column as a JSON array.  Returns 0, or -1 if the result refused a
 * read (never, once eval_check_result passed). */
static int json_column(const prc_result *res, prc_column column,
                       int is_count, const char *name, const char *after)
{
    size_t rows = prc_result_rows(res), first, i, n;
    double values[BLOCK];
    uint64_t counts[BLOCK];
    char text[EVAL_COUNT_SIZE];
    prc_status s = PRC_OK;

    printf("    \"%s\": [", name);
    for (first = 0; first < rows && s == PRC_OK; first += n) {
        n = rows - first < BLOCK ? rows - first : BLOCK;
        s = is_count ? prc_result_counts(res, column, first, n, counts)
                     : eval_result_column(res, column, first, n, values);
        for (i = 0; i < n && s == PRC_OK; i++) {
            if (first + i > 0)
                fputs(", ", stdout);
            if (is_count)
                fputs(eval_count_text(res, counts[i], text), stdout);
            else
                json_double(values[i]);
        }
    }
    printf("]%s\n", after);
    return s == PRC_OK ? 0 : -1;
}

static int json_curve(const prc_result *res)
{
    int rc = 0;

    puts("  \"curve\": {");
    rc |= json_column(res, PRC_COL_THRESHOLD, 0, "threshold", ",");
    rc |= json_column(res, PRC_COL_PRECISION, 0, "precision", ",");
    rc |= json_column(res, PRC_COL_RECALL, 0, "recall", ",");
    rc |= json_column(res, PRC_COL_F1, 0, "f1", ",");
    rc |= json_column(res, PRC_COL_TP, 1, "tp", ",");
    rc |= json_column(res, PRC_COL_FP, 1, "fp", ",");
    rc |= json_column(res, PRC_COL_FN, 1, "fn", ",");
    rc |= json_column(res, PRC_COL_TN, 1, "tn", "");
    fputs("  }", stdout);
    return rc;
}

static int json_per_image(const prc_result *res)
{
    int rc = 0;

    puts(",\n  \"per_image\": {");
    rc |= json_column(res, PRC_COL_IMAGE_PRECISION, 0, "precision", ",");
    rc |= json_column(res, PRC_COL_IMAGE_RECALL, 0, "recall", ",");
    fputs("    \"average_precision\": ", stdout);
    json_double(metric(res, PRC_IMAGE_AVERAGE_PRECISION).value);
    fputs(",\n    \"auprc_trapezoid\": ", stdout);
    json_double(metric(res, PRC_IMAGE_AUPRC_TRAPEZOID).value);
    fputs(",\n    \"mean_average_precision\": ", stdout);
    json_double(metric(res, PRC_MEAN_IMAGE_AVERAGE_PRECISION).value);
    printf(",\n    \"images_without_positives\": %" PRIu64 "\n  }",
           tally(res, PRC_IMAGES_WITHOUT_POSITIVES));
    return rc;
}

/* "name": [lo, hi] of each summary with an interval, separated by
 * `between`: [null, null] where no replicate defines it. */
static void json_intervals(const prc_result *res, double level,
                           const char *between)
{
    size_t i;

    for (i = 0; i < 4; i++) {
        struct interval ci = interval(res, interval_metrics[i].metric,
                                      level);

        printf("%s\"%s\": [", i ? between : "", interval_metrics[i].name);
        json_double(ci.lo);
        fputs(", ", stdout);
        json_double(ci.hi);
        fputs("]", stdout);
    }
}

/* "ci": the bootstrap intervals, when there are replicates; the line
 * ends in a comma. */
static void json_ci(const struct eval_config *config, const prc_result *res)
{
    if (option(res, PRC_OPT_BOOTSTRAP) == 0)
        return;
    fputs("  \"ci\": {\"level\": ", stdout);
    json_double(config->level);
    printf(", \"replicates\": %" PRId64 ", \"seed\": %" PRId64 ",\n    ",
           option(res, PRC_OPT_BOOTSTRAP), option(res, PRC_OPT_SEED));
    json_intervals(res, config->level, ",\n    ");
    puts("},");
}

/* "name": {"threshold": t, "value": v} of a best-row metric pair. */
static void json_best(const char *name, const prc_result *res,
                      prc_metric value, prc_metric threshold,
                      const char *after)
{
    printf("    \"%s\": {\"threshold\": ", name);
    json_double(metric(res, threshold).value);
    fputs(", \"value\": ", stdout);
    json_double(metric(res, value).value);
    printf("}%s\n", after);
}

static void json_calibration(const prc_result *res)
{
    double mean[CALIBRATION_GROUPS], rate[CALIBRATION_GROUPS];
    uint64_t pixels[CALIBRATION_GROUPS];
    char text[EVAL_COUNT_SIZE];
    size_t g;

    /* Undefined (PRC_E_UNSUPPORTED) with a range or thresholds of the
     * caller's own: the bins are no probabilities then. */
    if (prc_result_calibration(res, CALIBRATION_GROUPS, mean, rate, pixels)
        != PRC_OK) {
        puts("  \"calibration\": null,");
        return;
    }
    fputs("  \"calibration\": [", stdout);
    for (g = 0; g < CALIBRATION_GROUPS; g++) {
        fputs(g ? ",\n    {\"mean_score\": " : "\n    {\"mean_score\": ",
              stdout);
        json_double(mean[g]);
        fputs(", \"positive_rate\": ", stdout);
        json_double(rate[g]);
        printf(", \"pixels\": %s}", eval_count_text(res, pixels[g], text));
    }
    puts("\n  ],");
}

/* The analytics keys, each line ending in a comma. */
static void json_analytics(const prc_result *res)
{
    fputs("  \"auroc\": ", stdout);
    json_double(metric(res, PRC_AUROC).value);
    fputs(",\n  \"ap_bounds\": [", stdout);
    json_double(metric(res, PRC_AP_LOWER).value);
    fputs(", ", stdout);
    json_double(metric(res, PRC_AP_UPPER).value);
    puts("],\n  \"best\": {");
    json_best("f1", res, PRC_BEST_F1, PRC_BEST_F1_THRESHOLD, ",");
    json_best("dice", res, PRC_BEST_DICE, PRC_BEST_DICE_THRESHOLD, ",");
    json_best("iou", res, PRC_BEST_IOU, PRC_BEST_IOU_THRESHOLD, "");
    fputs("  },\n  \"ap_voc11\": ", stdout);
    json_double(metric(res, PRC_AP_VOC11).value);
    fputs(",\n  \"ap_coco101\": ", stdout);
    json_double(metric(res, PRC_AP_COCO101).value);
    fputs(",\n  \"ap_interpolated\": ", stdout);
    json_double(metric(res, PRC_AP_INTERPOLATED).value);
    fputs(",\n  \"ece\": ", stdout);
    json_double(metric(res, PRC_ECE).value);
    puts(",");
    json_calibration(res);
}

/* "classes": one object per class, then the mean APs; each line ends in a
 * comma.  Returns 0, or -1 after printing why. */
static int json_classes(const struct eval_config *config,
                        const prc_result *res)
{
    char text[EVAL_COUNT_SIZE];
    size_t c;

    fputs("  \"classes\": [", stdout);
    for (c = 0; c < prc_result_classes(res); c++) {
        prc_result *one = class_result(res, c);

        if (one == NULL)
            return -1;
        printf("%s\n    {\"class\": %zu, \"positives\": %s"
               ", \"average_precision\": ", c ? "," : "", c,
               tally_text(one, PRC_POSITIVES, text));
        json_double(metric(one, PRC_AVERAGE_PRECISION).value);
        fputs(", \"auprc_trapezoid\": ", stdout);
        json_double(metric(one, PRC_AUPRC_TRAPEZOID).value);
        fputs(", \"auroc\": ", stdout);
        json_double(metric(one, PRC_AUROC).value);
        if (option(one, PRC_OPT_BOOTSTRAP) > 0) {
            fputs(",\n     \"ci\": {", stdout);
            json_intervals(one, config->level, ", ");
            fputs("}", stdout);
        }
        fputs("}", stdout);
        prc_result_free(one);
    }
    printf("\n  ],\n  \"classes_without_positives\": %" PRIu64 ",\n",
           tally(res, PRC_CLASSES_WITHOUT_POSITIVES));
    fputs("  \"mean_average_precision\": {\"macro\": ", stdout);
    json_double(metric(res, PRC_MEAN_AP_MACRO).value);
    fputs(", \"weighted\": ", stdout);
    json_double(metric(res, PRC_MEAN_AP_WEIGHTED).value);
    fputs(", \"micro\": ", stdout);
    json_double(metric(res, PRC_MEAN_AP_MICRO).value);
    puts("},");
    return 0;
}

static void json_header(const prc_result *res)
{
    int64_t ignore = option(res, PRC_OPT_IGNORE_LABEL);
    char text[EVAL_COUNT_SIZE];

    printf("{\n  \"bins\": %" PRId64 ",\n", option(res, PRC_OPT_BINS));
    printf("  \"rule\": \"%s\",\n",
           option(res, PRC_OPT_RULE) == PRC_RULE_GT ? "gt" : "ge");
    printf("  \"zero_division\": \"%s\",\n",
           zero_division_name(option(res, PRC_OPT_ZERO_DIVISION)));
    if (ignore == PRC_NO_IGNORE_LABEL)
        puts("  \"ignore_label\": null,");
    else
        printf("  \"ignore_label\": %" PRId64 ",\n", ignore);
    if (prc_result_classes(res) > 1 || option(res, PRC_OPT_MULTILABEL))
        printf("  \"multilabel\": %s,\n",
               option(res, PRC_OPT_MULTILABEL) ? "true" : "false");

    if (eval_weighted(res))
        puts("  \"weighted\": true,");

    printf("  \"pixels\": %s,\n", tally_text(res, PRC_PIXELS, text));
    printf("  \"positives\": %s,\n", tally_text(res, PRC_POSITIVES, text));
    printf("  \"negatives\": %s,\n", tally_text(res, PRC_NEGATIVES, text));
    printf("  \"ignored\": %s,\n", tally_text(res, PRC_IGNORED, text));
    printf("  \"images\": %" PRIu64 ",\n", tally(res, PRC_IMAGES));
}

static int print_json(const struct eval_config *config, const prc_result *res)
{
    int rc;

    json_header(res);
    if (config->range_given) {
        fputs("  \"range\": [", stdout);
        json_double(config->range_lo);
        fputs(", ", stdout);
        json_double(config->range_hi);
        puts("],");
    }
    if (config->classes > 0)
        printf("  \"layout\": \"%s\",\n",
               config->layout == PRC_LAYOUT_NHWC ? "nhwc" : "nchw");
    if (config->keep_going)
        printf("  \"skipped_files\": %zu,\n  \"unmatched_files\": %zu,\n",
               config->stats->skipped_files, config->stats->unmatched_files);
    fputs("  \"average_precision\": ", stdout);
    json_double(metric(res, PRC_AVERAGE_PRECISION).value);
    fputs(",\n  \"auprc_trapezoid\": ", stdout);
    json_double(metric(res, PRC_AUPRC_TRAPEZOID).value);
    fputs(",\n  \"best_f1\": {\"threshold\": ", stdout);
    json_double(metric(res, PRC_BEST_F1_THRESHOLD).value);
    fputs(", \"value\": ", stdout);
    json_double(metric(res, PRC_BEST_F1).value);
    fputs("},\n", stdout);
    json_ci(config, res);
    json_analytics(res);
    if (config->classes > 0 && json_classes(config, res) != 0)
        return -1;

    rc = json_curve(res);
    if (config->per_image)
        rc |= json_per_image(res);
    puts("\n}");
    if (rc != 0)
        eval_error("cannot read the curve");
    return rc;
}

/* ------------------------------------------------------------------------ */
/* Human summary                                                            */
/* ------------------------------------------------------------------------ */

/* A status message without its leading "undefined: ", for the summary,
 * which says "undefined (...)" itself. */
static const char *without_undefined(const char *message)
{
    static const char prefix[] = "undefined: ";

    if (strncmp(message, prefix, sizeof prefix - 1) == 0)
        return message + sizeof prefix - 1;
    return message;
}

static void print_number(const char *label, struct number n,
                         const char *no_positives)
{
    printf("%-34s", label);
    if (n.status == PRC_OK)
        printf("%.6f\n", n.value);
    else if (n.status == PRC_E_NO_POSITIVES)
        printf("undefined (%s)\n", no_positives);
    else if (n.status == PRC_E_NO_IMAGES)
        puts("undefined (no image)");
    else
        printf("undefined (%s)\n", without_undefined(
                   prc_status_message(n.status)));
}

static void print_best(const prc_result *res, const char *label,
                       prc_metric value, prc_metric threshold)
{
    struct number best = metric(res, value);
    struct number at = metric(res, threshold);

    if (best.status != PRC_OK || at.status != PRC_OK) {
        print_number(label, best.status != PRC_OK ? best : at,
                     "no positive pixel");
        return;
    }
    printf("%-34s%.6f at threshold %.6g\n", label, best.value, at.value);
}

static void print_analytics(const prc_result *res)
{
    struct number lo = metric(res, PRC_AP_LOWER);
    struct number hi = metric(res, PRC_AP_UPPER);
    struct number auroc = metric(res, PRC_AUROC);
    struct number ece;

    if (auroc.status == PRC_E_NO_NEGATIVES)
        printf("%-34sundefined (no negative pixel)\n", "AUROC");
    else
        print_number("AUROC", auroc, "no positive pixel");
    if (lo.status == PRC_OK && hi.status == PRC_OK)
        printf("%-34s[%.6f, %.6f]\n", "exact AP lies in", lo.value,
               hi.value);
    else
        print_number("exact AP lies in", lo, "no positive pixel");
    print_best(res, "best Dice", PRC_BEST_DICE, PRC_BEST_DICE_THRESHOLD);
    print_best(res, "best IoU", PRC_BEST_IOU, PRC_BEST_IOU_THRESHOLD);
    ece = metric(res, PRC_ECE);
    if (ece.status == PRC_E_UNSUPPORTED)
        printf("%-34sundefined (needs probability bins k/B, not --range "
               "or --thresholds)\n",
               "expected calibration error (ECE)");
    else
        print_number("expected calibration error (ECE)", ece, "no pixel");
}

/* "AP 95 % interval [lo, hi] (K replicates)" and the same for the other
 * summaries with an interval. */
static void print_intervals(const struct eval_config *config,
                            const prc_result *res)
{
    int64_t replicates = option(res, PRC_OPT_BOOTSTRAP);
    char label[64];
    size_t i;

    for (i = 0; i < 4 && replicates > 0; i++) {
        struct interval ci = interval(res, interval_metrics[i].metric,
                                      config->level);

        snprintf(label, sizeof label, "%s %g %% interval",
                 interval_metrics[i].label, 100 * config->level);
        if (ci.status == PRC_OK)
            printf("%-34s[%.6f, %.6f] (%" PRId64 " replicates)\n", label,
                   ci.lo, ci.hi, replicates);
        else
            printf("%-34sundefined (%s in every one of %" PRId64
                   " replicates)\n", label, interval_metrics[i].metric
                   == PRC_AUROC ? "no positive or no negative pixel"
                   : "no positive pixel", replicates);
    }
}

/* The line that says which thresholds the curve has. */
static void print_thresholds(const struct eval_config *config,
                             const prc_result *res)
{
    const char *rule = option(res, PRC_OPT_RULE) == PRC_RULE_GT ? ">"
                                                                 : ">=";
    int64_t bins = option(res, PRC_OPT_BINS);
    double first = NAN, last = NAN;

    if (config->thresholds != NULL) {
        prc_result_column(res, PRC_COL_THRESHOLD, 0, 1, &first);
        prc_result_column(res, PRC_COL_THRESHOLD, (size_t)bins, 1, &last);
        printf("%-34s%" PRId64 " of your own, %.6g to %.6g (score %s t)\n",
               "thresholds", bins + 1, first, last, rule);
    } else if (config->range_given) {
        printf("%-34s%" PRId64 " over [%.6g, %.6g] (score %s LO + (HI - LO)"
               " k/%" PRId64 ")\n", "bins", bins, config->range_lo,
               config->range_hi, rule, bins);
    } else {
        printf("%-34s%" PRId64 " (score %s k/%" PRId64 ")\n", "bins", bins,
               rule, bins);
    }
}

/* The table of the classes' APs and their means.  Returns 0, or -1 after
 * printing why. */
static int print_classes(const prc_result *res)
{
    char text[EVAL_COUNT_SIZE];
    size_t c;

    printf("%-8s%14s  %-12s%s\n", "class", eval_weighted(res)
           ? "positive wt" : "positives", "AP", "AUPRC");
    for (c = 0; c < prc_result_classes(res); c++) {
        prc_result *one = class_result(res, c);
        struct number ap, area;

        if (one == NULL)
            return -1;
        ap = metric(one, PRC_AVERAGE_PRECISION);
        area = metric(one, PRC_AUPRC_TRAPEZOID);
        printf("%-8zu%14s  ", c, tally_text(one, PRC_POSITIVES, text));
        if (ap.status == PRC_OK)
            printf("%-12.6f%.6f\n", ap.value, area.value);
        else
            puts("undefined (no positive pixel)");
        prc_result_free(one);
    }
    print_number("mean AP (macro)", metric(res, PRC_MEAN_AP_MACRO),
                 "no class with a positive pixel");
    print_number("mean AP (weighted by positives)",
                 metric(res, PRC_MEAN_AP_WEIGHTED),
                 "no class with a positive pixel");
    print_number("mean AP (micro, pooled curve)",
                 metric(res, PRC_MEAN_AP_MICRO), "no positive pixel");
    printf("%-34s%" PRIu64 "\n", "classes without a positive pixel",
           tally(res, PRC_CLASSES_WITHOUT_POSITIVES));
    return 0;
}

static void print_per_image(const prc_result *res)
{
    printf("per image (mean over %" PRIu64 " images; %" PRIu64
           " of them with no positive pixel):\n", tally(res, PRC_IMAGES),
           tally(res, PRC_IMAGES_WITHOUT_POSITIVES));
    print_number("  AP of the mean curve",
                 metric(res, PRC_IMAGE_AVERAGE_PRECISION),
                 "no positive pixel");
    print_number("  AUPRC of the mean (trapezoid)",
                 metric(res, PRC_IMAGE_AUPRC_TRAPEZOID), "no positive pixel");
    print_number("  mean of the images' AP",
                 metric(res, PRC_MEAN_IMAGE_AVERAGE_PRECISION),
                 "no image with a positive pixel");
}

static int print_summary(const struct eval_config *config,
                         const prc_result *res)
{
    int classes = config->classes > 0;
    const char *what = classes ? "(pixel, class) pairs" : "pixels";
    const char *weight = eval_weighted(res) ? "weight of " : "";
    char all[EVAL_COUNT_SIZE], pos[EVAL_COUNT_SIZE], neg[EVAL_COUNT_SIZE];
    char label[64];

    snprintf(label, sizeof label, "%s%s counted", weight, what);
    printf("%-34s%s in %" PRIu64 " %s (%s positive, %s negative)\n", label,
           tally_text(res, PRC_PIXELS, all), tally(res, PRC_IMAGES),
           classes ? "(image, class) pairs" : "images",
           tally_text(res, PRC_POSITIVES, pos),
           tally_text(res, PRC_NEGATIVES, neg));
    snprintf(label, sizeof label, "%s%s ignored", weight, what);
    printf("%-34s%s\n", label, tally_text(res, PRC_IGNORED, all));
    if (config->keep_going)
        printf("%-34s%zu bad, %zu without a partner%s\n", "files skipped",
               config->stats->skipped_files, config->stats->unmatched_files,
               config->quiet || config->stats->skipped_files
               + config->stats->unmatched_files == 0 ? ""
               : " (see warnings)");
    print_thresholds(config, res);

    if (config->classes > 0)
        printf("%-34s%d, %s (pooled one-vs-rest below)\n", "classes",
               config->classes, config->multilabel ? "multi-label masks"
               : "class-index labels");
    print_number("average precision", metric(res, PRC_AVERAGE_PRECISION),
                 "no positive pixel");
    print_number("AUPRC (trapezoid)", metric(res, PRC_AUPRC_TRAPEZOID),
                 "no positive pixel");
    print_best(res, "best F1", PRC_BEST_F1, PRC_BEST_F1_THRESHOLD);
    print_intervals(config, res);
    print_analytics(res);
    if (config->per_image)
        print_per_image(res);
    return config->classes > 0 ? print_classes(res) : 0;
}

int eval_print_report(const struct eval_config *config,
                      const prc_result *res)
{
    int rc = 0;

    if (config->json)
        rc = print_json(config, res);
    else
        rc = print_summary(config, res);

    if (rc == 0 && (fflush(stdout) != 0 || ferror(stdout))) {
        eval_error("cannot write to standard output: %s", strerror(errno));
        rc = -1;
    }
    return rc == 0 ? EVAL_OK : EVAL_DATA_ERROR;
}

int eval_report(const struct eval_config *config, const prc_accumulator *acc)
{
    prc_result *res = NULL;
    int rc = EVAL_OK;

    if (prc_accumulator_finalize(acc, &res) != PRC_OK) {
        eval_error("out of memory");
        return EVAL_DATA_ERROR;
    }
    rc = eval_check_result(config, res);
    if (rc == EVAL_OK)
        rc = eval_write_csv(config, res);
    if (rc == EVAL_OK)
        rc = eval_write_plot(config, res);
    if (rc == EVAL_OK)
        rc = eval_print_report(config, res);
    prc_result_free(res);
    return rc;
}
