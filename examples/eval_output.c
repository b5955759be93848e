/*
 * eval_output.c - the summary, the JSON object and the CSV table of
 * prcurve-eval.
 *
 * Curve columns are read from the result in blocks of rows, so that even a
 * curve of millions of thresholds is printed in little memory.
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
    size_t n = rows - first < BLOCK ? rows - first : BLOCK;
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
    size_t first;
    int rc = 0;

    if (b == NULL) {
        eval_error("out of memory");
        return EVAL_DATA_ERROR;
    }
    for (first = 0; first < prc_result_rows(res) && rc == 0;
         first += BLOCK)
        rc = load_block(res, config->per_image, first, b);
    free(b);
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

static void csv_rows(FILE *f, const struct block *b, int per_image)
{
    size_t i;

    for (i = 0; i < b->count; i++) {
        fprintf(f, "%.17g,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64,
                b->threshold[i], b->tp[i], b->fp[i], b->fn[i], b->tn[i]);
        csv_double(f, b->precision[i]);
        csv_double(f, b->recall[i]);
        csv_double(f, b->f1[i]);
        if (per_image) {
            csv_double(f, b->image_precision[i]);
            csv_double(f, b->image_recall[i]);
        }
        fputc('\n', f);
    }
}

int eval_write_csv(const struct eval_config *config, const prc_result *res)
{
    struct block *b;
    FILE *f;
    size_t first;
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
    fputs(config->per_image ? ",image_precision,image_recall\n" : "\n", f);
    for (first = 0; first < prc_result_rows(res) && rc == 0;
         first += BLOCK) {
        rc = load_block(res, config->per_image, first, b);
        if (rc == 0)
            csv_rows(f, b, config->per_image);
    }

    free(b);
    if ((ferror(f) | fclose(f)) != 0 && rc == 0) {
        eval_error("%s: write failed", config->csv);
        rc = -1;
    }
    return rc == 0 ? EVAL_OK : EVAL_DATA_ERROR;
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
                printf("%" PRIu64, counts[i]);
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

static void json_header(const prc_result *res)
{
    int64_t ignore = option(res, PRC_OPT_IGNORE_LABEL);

    printf("{\n  \"bins\": %" PRId64 ",\n", option(res, PRC_OPT_BINS));
    printf("  \"rule\": \"%s\",\n",
           option(res, PRC_OPT_RULE) == PRC_RULE_GT ? "gt" : "ge");
    printf("  \"zero_division\": \"%s\",\n",
           zero_division_name(option(res, PRC_OPT_ZERO_DIVISION)));
    if (ignore == PRC_NO_IGNORE_LABEL)
        puts("  \"ignore_label\": null,");
    else
        printf("  \"ignore_label\": %" PRId64 ",\n", ignore);

    printf("  \"pixels\": %" PRIu64 ",\n", tally(res, PRC_PIXELS));
    printf("  \"positives\": %" PRIu64 ",\n", tally(res, PRC_POSITIVES));
    printf("  \"negatives\": %" PRIu64 ",\n", tally(res, PRC_NEGATIVES));
    printf("  \"ignored\": %" PRIu64 ",\n", tally(res, PRC_IGNORED));
    printf("  \"images\": %" PRIu64 ",\n", tally(res, PRC_IMAGES));
}

static int print_json(const struct eval_config *config, const prc_result *res)
{
    int rc;

    json_header(res);
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
        printf("undefined (%s)\n", prc_status_message(n.status));
}

static void print_best_f1(const prc_result *res)
{
    struct number f1 = metric(res, PRC_BEST_F1);
    struct number at = metric(res, PRC_BEST_F1_THRESHOLD);

    if (f1.status != PRC_OK || at.status != PRC_OK) {
        print_number("best F1", f1.status != PRC_OK ? f1 : at,
                     "no positive pixel");
        return;
    }
    printf("%-34s%.6f at threshold %.6g\n", "best F1", f1.value, at.value);
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

static void print_summary(const struct eval_config *config,
                          const prc_result *res)
{
    printf("%-34s%" PRIu64 " in %" PRIu64 " images (%" PRIu64
           " positive, %" PRIu64 " negative)\n", "pixels counted",
           tally(res, PRC_PIXELS), tally(res, PRC_IMAGES),
           tally(res, PRC_POSITIVES), tally(res, PRC_NEGATIVES));
    printf("%-34s%" PRIu64 "\n", "pixels ignored", tally(res, PRC_IGNORED));
    if (config->keep_going)
        printf("%-34s%zu bad, %zu without a partner (see warnings)\n",
               "files skipped", config->stats->skipped_files,
               config->stats->unmatched_files);
    printf("%-34s%" PRId64 " (score %s k/%" PRId64 ")\n", "bins",
           option(res, PRC_OPT_BINS),
           option(res, PRC_OPT_RULE) == PRC_RULE_GT ? ">" : ">=",
           option(res, PRC_OPT_BINS));

    print_number("average precision", metric(res, PRC_AVERAGE_PRECISION),
                 "no positive pixel");
    print_number("AUPRC (trapezoid)", metric(res, PRC_AUPRC_TRAPEZOID),
                 "no positive pixel");
    print_best_f1(res);
    if (config->per_image)
        print_per_image(res);
}

int eval_print_report(const struct eval_config *config,
                      const prc_result *res)
{
    int rc = 0;

    if (config->json)
        rc = print_json(config, res);
    else
        print_summary(config, res);

    if (rc == 0 && (fflush(stdout) != 0 || ferror(stdout))) {
        eval_error("cannot write to standard output: %s", strerror(errno));
        rc = -1;
    }
    return rc == 0 ? EVAL_OK : EVAL_DATA_ERROR;
}
