/*
 * eval_plot.c - prcurve-eval --plot FILE: the precision-recall curve as a
 * self-contained SVG picture, 600 pixels wide, with a ROC panel below it
 * under --plot-roc.
 *
 * The PR panel: precision over recall for every threshold row that
 * predicts at least one pixel positive (elsewhere precision is 0/0 and the
 * row is left out), the AP in the legend, dashed iso-F1 curves for F1 =
 * 0.2, 0.4, 0.6 and 0.8, the best-F1 row marked, the no-skill level
 * (precision = positive rate), and with --per-image the mean per-image
 * curve.  With classes, each class's own one-vs-rest curve is drawn as
 * well, in a colour of its own, with its AP in the legend; the curve of
 * all pixels is then the pooled (micro) one.  The ROC panel: TPR = TP / P
 * over FPR = FP / N from the same counts, closed by (1, 1) and (0, 0)
 * (thresholds below and above every score), with the trapezoidal area
 * through those points (AUROC).
 *
 * Both axes always span [0, 1], so the picture is right whatever the data
 * scale.  Points closer than half a pixel to the last one drawn are
 * skipped (the last point of a curve is always drawn), so a curve of
 * millions of rows stays a small file; every drawn point is a row of the
 * curve.  The rows are read from the result in blocks, in little memory.
 */
#include "eval.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK 1024

/* Layout of one panel, in pixels: the plot area and the panel height. */
#define WIDTH 600
#define AREA_LEFT 64.0
#define AREA_TOP 44.0
#define AREA_WIDTH 512.0
#define AREA_HEIGHT 440.0
#define LEGEND_TOP 548.0
#define LEGEND_ROW 20.0
#define PANEL_HEIGHT 660

#define COLOR_CURVE "#1f5fbf"
#define COLOR_IMAGE "#000000"
#define DASH_IMAGE "8 3"
#define COLOR_BEST "#c0172b"
#define COLOR_SKILL "#8c2d8c"
#define COLOR_GUIDE "#9a9a9a"

/* Colours of the classes' curves, taken in turn. */
/* Class lines: none of them blue, black, orange, red, purple or gray,
 * the colours of the pooled and per-image curves, the best-F1 point, the
 * no-skill level and the guides. */
static const char *const class_colors[10] = {
    "#2ca02c", "#e6b800", "#17becf", "#7a5c00", "#e377c2", "#bcbd22",
    "#005f3c", "#00d68f", "#a6d854", "#d4a373"};

/* Draws one curve as an SVG path, skipping points closer than half a
 * pixel to the previous one drawn. */
struct pen {
    FILE *f;
    double x, y;             /* last point drawn, in pixels */
    double pending_x, pending_y;
    int started, pending;
    size_t points;
};

/* Rows [first, first + count) of the columns a picture needs. */
struct rows {
    size_t count;
    double precision[BLOCK], recall[BLOCK];
    double image_precision[BLOCK], image_recall[BLOCK];
    uint64_t tp[BLOCK], fp[BLOCK];
};

/* What the picture shows besides the curves. */
struct summary {
    int per_image, has_positives;
    size_t classes;     /* 0 without classes */
    int panel_height;   /* the PR panel's, grown for the class legend */
    uint64_t positives, negatives, images;
    double ap, auprc, image_ap, best_f1, best_threshold;
    double best_recall, best_precision;
    double auroc;
};

static double px(double u)
{
    return AREA_LEFT + u * AREA_WIDTH;
}

static double py(double v)
{
    return AREA_TOP + (1.0 - v) * AREA_HEIGHT;
}

/* Starts path `id`, dashed as `dash` ("8 3") or solid for NULL. */
static void pen_start(struct pen *pen, FILE *f, const char *id,
                      const char *color, double width, const char *dash)
{
    memset(pen, 0, sizeof *pen);
    pen->f = f;
    fprintf(f, "<path id=\"%s\" fill=\"none\" stroke=\"%s\" "
            "stroke-width=\"%.1f\"%s%s%s stroke-linejoin=\"round\" d=\"",
            id, color, width, dash ? " stroke-dasharray=\"" : "",
            dash ? dash : "", dash ? "\"" : "");
}

static void pen_emit(struct pen *pen, double x, double y)
{
    fprintf(pen->f, "%s%.2f %.2f", pen->started ? " L" : "M", x, y);
    pen->x = x;
    pen->y = y;
    pen->started = 1;
    pen->pending = 0;
    pen->points++;
}

/* A point of the curve, in data units. */
static void pen_point(struct pen *pen, double u, double v)
{
    double x = px(u), y = py(v);

    if (!(isfinite(u) && isfinite(v)))
        return;
    if (pen->started && fabs(x - pen->x) < 0.5 && fabs(y - pen->y) < 0.5) {
        pen->pending_x = x;
        pen->pending_y = y;
        pen->pending = 1;
        return;
    }
    pen_emit(pen, x, y);
}

static void pen_end(struct pen *pen)
{
    if (pen->pending)
        pen_emit(pen, pen->pending_x, pen->pending_y);
    fputs("\"/>\n", pen->f);
}

/* ------------------------------------------------------------------------ */
/* Reading the result                                                       */
/* ------------------------------------------------------------------------ */

static int load_rows(const prc_result *res, int per_image, size_t first,
                     struct rows *r)
{
    size_t total = prc_result_rows(res);
    size_t n = total - first < BLOCK ? total - first : BLOCK;
    prc_status s;

    r->count = n;
    s = prc_result_column(res, PRC_COL_PRECISION, first, n, r->precision);
    if (s == PRC_OK)
        s = prc_result_column(res, PRC_COL_RECALL, first, n, r->recall);
    if (s == PRC_OK)
        s = prc_result_counts(res, PRC_COL_TP, first, n, r->tp);
    if (s == PRC_OK)
        s = prc_result_counts(res, PRC_COL_FP, first, n, r->fp);
    if (s == PRC_OK && per_image)
        s = eval_result_column(res, PRC_COL_IMAGE_PRECISION, first, n,
                               r->image_precision);
    if (s == PRC_OK && per_image)
        s = eval_result_column(res, PRC_COL_IMAGE_RECALL, first, n,
                               r->image_recall);
    if (s != PRC_OK)
        eval_error("cannot read the curve: %s", prc_status_message(s));
    return s == PRC_OK ? 0 : -1;
}

static double metric_or_nan(const prc_result *res, prc_metric which)
{
    double value = NAN;

    if (prc_result_metric(res, which, &value) != PRC_OK)
        value = NAN;
    return value;
}

/* The trapezoidal area under TPR over FPR through (1, 1), every row, and
 * (0, 0); NaN without positives or negatives. */
static int area_under_roc(const prc_result *res, struct summary *sum,
                          struct rows *r)
{
    double P = (double)sum->positives, N = (double)sum->negatives;
    double x = 1.0, y = 1.0, area = 0.0;
    size_t first, i;

    for (first = 0; first < prc_result_rows(res); first += BLOCK) {
        if (load_rows(res, 0, first, r) != 0)
            return -1;
        for (i = 0; i < r->count; i++) {
            double nx = (double)r->fp[i] / N, ny = (double)r->tp[i] / P;

            area += (x - nx) * (y + ny) / 2.0;
            x = nx;
            y = ny;
        }
    }
    area += x * y / 2.0;
    sum->auroc = sum->positives && sum->negatives ? area : NAN;
    return 0;
}

/* The row whose threshold is t, found by bisection of the increasing
 * thresholds (k / B, or those of --range or --thresholds). */
static size_t row_of_threshold(const prc_result *res, size_t rows, double t)
{
    size_t lo = 0, hi = rows - 1, mid;
    double at = 0;

    while (lo < hi) {
        mid = lo + (hi - lo) / 2;
        prc_result_column(res, PRC_COL_THRESHOLD, mid, 1, &at);
        if (at < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static int summarize(const struct eval_config *config, const prc_result *res,
                     struct summary *sum, struct rows *r)
{
    int64_t bins = 1;
    size_t row;

    memset(sum, 0, sizeof *sum);
    sum->per_image = config->per_image;
    sum->classes = config->classes > 0 ? prc_result_classes(res) : 0;
    sum->panel_height = PANEL_HEIGHT;
    if (sum->classes + (size_t)sum->per_image > 1)
        sum->panel_height += (int)((sum->classes + (size_t)sum->per_image
                                    - 1) * LEGEND_ROW);
    prc_result_tally(res, PRC_POSITIVES, &sum->positives);
    prc_result_tally(res, PRC_NEGATIVES, &sum->negatives);
    prc_result_tally(res, PRC_IMAGES, &sum->images);
    sum->has_positives = sum->positives > 0;
    sum->ap = metric_or_nan(res, PRC_AVERAGE_PRECISION);
    sum->auprc = metric_or_nan(res, PRC_AUPRC_TRAPEZOID);
    sum->image_ap = metric_or_nan(res, PRC_IMAGE_AVERAGE_PRECISION);
    sum->best_f1 = metric_or_nan(res, PRC_BEST_F1);
    sum->best_threshold = metric_or_nan(res, PRC_BEST_F1_THRESHOLD);

    /* The best row's point. */
    prc_result_get_option(res, PRC_OPT_BINS, &bins);
    sum->best_recall = sum->best_precision = NAN;
    if (isfinite(sum->best_threshold)) {
        row = row_of_threshold(res, (size_t)bins + 1, sum->best_threshold);
        prc_result_column(res, PRC_COL_RECALL, row, 1, &sum->best_recall);
        prc_result_column(res, PRC_COL_PRECISION, row, 1,
                          &sum->best_precision);
    }
    return config->plot_roc ? area_under_roc(res, sum, r) : 0;
}

/* ------------------------------------------------------------------------ */
/* Drawing                                                                  */
/* ------------------------------------------------------------------------ */

/* Grid every 0.1, tick labels every 0.2, the frame and axis titles. */
static void draw_axes(FILE *f, const char *id, const char *x_title,
                      const char *y_title)
{
    int i;

    fputs("<g stroke=\"#e6e6e6\" stroke-width=\"1\">\n", f);
    for (i = 1; i < 10; i++)
        fprintf(f, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\"/>"
                "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\"/>\n",
                px(i / 10.0), py(0), px(i / 10.0), py(1), px(0),
                py(i / 10.0), px(1), py(i / 10.0));
    fputs("</g>\n<g font-size=\"12\" fill=\"#333333\">\n", f);
    for (i = 0; i <= 10; i += 2) {
        fprintf(f, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" "
                "stroke=\"#333333\"/>", px(i / 10.0), py(0), px(i / 10.0),
                py(0) + 5);
        fprintf(f, "<text x=\"%.2f\" y=\"%.2f\" text-anchor=\"middle\">"
                "%.1f</text>\n", px(i / 10.0), py(0) + 19, i / 10.0);
        fprintf(f, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" "
                "stroke=\"#333333\"/>", px(0) - 5, py(i / 10.0), px(0),
                py(i / 10.0));
        fprintf(f, "<text x=\"%.2f\" y=\"%.2f\" text-anchor=\"end\">"
                "%.1f</text>\n", px(0) - 8, py(i / 10.0) + 4, i / 10.0);
    }
    fputs("</g>\n", f);
    fprintf(f, "<rect id=\"%s\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" "
            "height=\"%.2f\" fill=\"none\" stroke=\"#333333\"/>\n", id,
            AREA_LEFT, AREA_TOP, AREA_WIDTH, AREA_HEIGHT);
    fprintf(f, "<text x=\"%.2f\" y=\"%.2f\" text-anchor=\"middle\">%s"
            "</text>\n", px(0.5), py(0) + 40, x_title);
    fprintf(f, "<text transform=\"translate(%.2f %.2f) rotate(-90)\" "
            "text-anchor=\"middle\">%s</text>\n", AREA_LEFT - 42, py(0.5),
            y_title);
}

/* Precision of F1 = f at recall r is f r / (2 r - f), for r from
 * f / (2 - f) (where it reaches 1) to 1. */
static void draw_iso_f1(FILE *f)
{
    static const double levels[4] = {0.2, 0.4, 0.6, 0.8};
    int i, k;

    fprintf(f, "<g id=\"iso-f1\" fill=\"none\" stroke=\"%s\" "
            "stroke-width=\"1\" stroke-dasharray=\"3 3\">\n", COLOR_GUIDE);
    for (i = 0; i < 4; i++) {
        double lv = levels[i], r0 = lv / (2.0 - lv);

        fputs("<path d=\"", f);
        for (k = 0; k <= 64; k++) {
            double r = r0 + (1.0 - r0) * k / 64.0;

            fprintf(f, "%s%.2f %.2f", k ? " L" : "M", px(r),
                    py(lv * r / (2.0 * r - lv)));
        }
        fputs("\"/>\n", f);
    }
    /* Labels just below each curve's right end, where it is nearly
     * flat, on a white halo. */
    fputs("</g>\n<g font-size=\"11\" fill=\"#666666\" "
          "text-anchor=\"end\" stroke=\"white\" stroke-width=\"3\" "
          "paint-order=\"stroke\">\n", f);
    for (i = 0; i < 4; i++)
        fprintf(f, "<text x=\"%.2f\" y=\"%.2f\">F1 = %.1f</text>\n",
                px(1) - 4, py(levels[i] / (2.0 - levels[i])) + 13,
                levels[i]);
    fputs("</g>\n", f);
}

/* One legend row: a line (or a dot) and its text. */
static void legend_row(FILE *f, int row, const char *color,
                       const char *dash, int dot, const char *text)
{
    double y = LEGEND_TOP + row * LEGEND_ROW;

    if (dot)
        fprintf(f, "<circle cx=\"%.2f\" cy=\"%.2f\" r=\"5\" fill=\"%s\" "
                "stroke=\"white\" stroke-width=\"1.5\"/>", AREA_LEFT + 14,
                y - 4, color);
    else
        fprintf(f, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" "
                "stroke=\"%s\" stroke-width=\"2\"%s%s%s/>", AREA_LEFT,
                y - 4, AREA_LEFT + 28, y - 4, color,
                dash ? " stroke-dasharray=\"" : "", dash ? dash : "",
                dash ? "\"" : "");
    fprintf(f, "<text x=\"%.2f\" y=\"%.2f\">%s</text>\n", AREA_LEFT + 38,
            y, text);
}

/* The PR curve (or the per-image mean curve) through every row that
 * predicts some pixel positive, as path `id` in `color`. */
static int draw_curve(FILE *f, const prc_result *res, struct rows *r,
                      int per_image, const char *id, const char *color,
                      double width)
{
    struct pen pen;
    size_t first, i;

    pen_start(&pen, f, id, color, width, per_image ? DASH_IMAGE : NULL);
    for (first = 0; first < prc_result_rows(res); first += BLOCK) {
        if (load_rows(res, per_image, first, r) != 0)
            return -1;
        for (i = 0; i < r->count; i++)
            if (r->tp[i] + r->fp[i] > 0)
                pen_point(&pen, per_image ? r->image_recall[i]
                                          : r->recall[i],
                          per_image ? r->image_precision[i]
                                    : r->precision[i]);
    }
    pen_end(&pen);
    return 0;
}

static int draw_pr_curve(FILE *f, const prc_result *res, struct rows *r,
                         int per_image)
{
    return draw_curve(f, res, r, per_image,
                      per_image ? "pr-curve-per-image" : "pr-curve",
                      per_image ? COLOR_IMAGE : COLOR_CURVE,
                      per_image ? 1.8 : 2.2);
}

/* Class c's own result, or NULL after printing why. */
static prc_result *class_result(const prc_result *res, size_t c)
{
    prc_result *one = NULL;
    prc_status s = prc_result_class(res, c, &one);

    if (s != PRC_OK)
        eval_error("class %zu: %s", c, prc_status_message(s));
    return s == PRC_OK ? one : NULL;
}

/* Every class's curve (classes without a positive pixel have none). */
static int draw_class_curves(FILE *f, const prc_result *res, struct rows *r,
                             const struct summary *sum)
{
    char id[48];
    size_t c;
    int rc = 0;

    fputs("<g id=\"class-curves\">\n", f);
    for (c = 0; c < sum->classes && rc == 0; c++) {
        prc_result *one = class_result(res, c);
        uint64_t positives = 0;

        if (one == NULL)
            return -1;
        prc_result_tally(one, PRC_POSITIVES, &positives);
        snprintf(id, sizeof id, "pr-curve-class-%zu", c);
        if (positives > 0)
            rc = draw_curve(f, one, r, 0, id, class_colors[c % 10], 1.6);
        prc_result_free(one);
    }
    fputs("</g>\n", f);
    return rc;
}

/* One legend row per class: its colour and AP. */
static int draw_class_legend(FILE *f, const prc_result *res,
                             const struct summary *sum, int *row)
{
    char text[160];
    size_t c;

    for (c = 0; c < sum->classes; c++) {
        prc_result *one = class_result(res, c);
        double ap = NAN;

        if (one == NULL)
            return -1;
        if (prc_result_metric(one, PRC_AVERAGE_PRECISION, &ap) == PRC_OK)
            snprintf(text, sizeof text, "class %zu: AP = %.4f", c, ap);
        else
            snprintf(text, sizeof text, "class %zu: AP undefined (no "
                     "positive pixel)", c);
        legend_row(f, (*row)++, class_colors[c % 10], NULL, 0, text);
        prc_result_free(one);
    }
    return 0;
}

static int draw_pr_legend(FILE *f, const prc_result *res,
                          const struct summary *sum)
{
    char text[160];
    double rate = (double)sum->positives
                  / (double)(sum->positives + sum->negatives);
    int row = 0;

    if (sum->classes > 0 && draw_class_legend(f, res, sum, &row) != 0)
        return -1;
    snprintf(text, sizeof text, "%s: AP = %.4f, AUPRC = %.4f",
             sum->classes > 0 ? "all classes pooled (micro)" : "all pixels",
             sum->ap, sum->auprc);
    legend_row(f, row++, COLOR_CURVE, NULL, 0, text);
    if (sum->per_image) {
        snprintf(text, sizeof text, "mean per-image curve: AP = %.4f",
                 sum->image_ap);
        legend_row(f, row++, COLOR_IMAGE, DASH_IMAGE, 0, text);
    }
    snprintf(text, sizeof text, "best F1 = %.4f at threshold %.6g",
             sum->best_f1, sum->best_threshold);
    legend_row(f, row++, COLOR_BEST, NULL, 1, text);
    snprintf(text, sizeof text, "no skill: precision = positive rate = "
             "%.3g", rate);
    legend_row(f, row++, COLOR_SKILL, "6 4", 0, text);
    legend_row(f, row, COLOR_GUIDE, "3 3", 0,
               "iso-F1 curves (F1 = 0.2, 0.4, 0.6, 0.8)");
    return 0;
}

static int draw_pr_panel(FILE *f, const prc_result *res,
                         const struct summary *sum, struct rows *r)
{
    double rate = (double)sum->positives
                  / (double)(sum->positives + sum->negatives);
    char pos[EVAL_COUNT_SIZE], all[EVAL_COUNT_SIZE];
    int rc = 0;

    if (sum->classes > 0)
        fprintf(f, "<g id=\"pr-panel\">\n<text x=\"%.2f\" y=\"26\" "
                "text-anchor=\"middle\" font-size=\"15\" "
                "font-weight=\"bold\">Precision-recall curves (%zu "
                "classes, %" PRIu64 " images)</text>\n", WIDTH / 2.0,
                sum->classes, sum->images / sum->classes);
    else
        fprintf(f, "<g id=\"pr-panel\">\n<text x=\"%.2f\" y=\"26\" "
                "text-anchor=\"middle\" font-size=\"15\" "
                "font-weight=\"bold\">Precision-recall curve (%" PRIu64
                " images, %s positive of %s pixel%s)</text>\n",
                WIDTH / 2.0, sum->images,
                eval_count_text(res, sum->positives, pos),
                eval_count_text(res, sum->positives + sum->negatives, all),
                eval_weighted(res) ? "s, weighted" : "s");
    draw_axes(f, "pr-axes", "Recall", "Precision");
    draw_iso_f1(f);
    if (!sum->has_positives) {
        fprintf(f, "<text x=\"%.2f\" y=\"%.2f\" text-anchor=\"middle\">"
                "no positive pixel: the curve is undefined</text>\n</g>\n",
                px(0.5), py(0.5));
        return 0;
    }

    fprintf(f, "<line id=\"no-skill\" x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" "
            "y2=\"%.2f\" stroke=\"%s\" stroke-width=\"1.5\" "
            "stroke-dasharray=\"6 4\"/>\n", px(0), py(rate), px(1),
            py(rate), COLOR_SKILL);
    if (sum->classes > 0)
        rc = draw_class_curves(f, res, r, sum);
    if (rc == 0 && sum->per_image)
        rc = draw_pr_curve(f, res, r, 1);
    if (rc == 0)
        rc = draw_pr_curve(f, res, r, 0);
    if (isfinite(sum->best_recall) && isfinite(sum->best_precision))
        fprintf(f, "<circle id=\"best-f1\" cx=\"%.2f\" cy=\"%.2f\" r=\"5\" "
                "fill=\"%s\" stroke=\"white\" stroke-width=\"1.5\"/>\n",
                px(sum->best_recall), py(sum->best_precision), COLOR_BEST);
    fputs("<g id=\"legend\" font-size=\"13\">\n", f);
    if (rc == 0)
        rc = draw_pr_legend(f, res, sum);
    fputs("</g>\n</g>\n", f);
    return rc;
}

static int draw_roc_curve(FILE *f, const prc_result *res,
                          const struct summary *sum, struct rows *r)
{
    double P = (double)sum->positives, N = (double)sum->negatives;
    struct pen pen;
    size_t first, i;

    pen_start(&pen, f, "roc-curve", COLOR_CURVE, 2.2, NULL);
    pen_point(&pen, 1.0, 1.0);
    for (first = 0; first < prc_result_rows(res); first += BLOCK) {
        if (load_rows(res, 0, first, r) != 0)
            return -1;
        for (i = 0; i < r->count; i++)
            pen_point(&pen, (double)r->fp[i] / N, (double)r->tp[i] / P);
    }
    pen_point(&pen, 0.0, 0.0);
    pen_end(&pen);
    return 0;
}

static int draw_roc_panel(FILE *f, const prc_result *res,
                          const struct summary *sum, struct rows *r)
{
    char text[120];
    int rc = 0;

    fprintf(f, "<g id=\"roc-panel\" transform=\"translate(0 %d)\">\n"
            "<text x=\"%.2f\" y=\"26\" text-anchor=\"middle\" "
            "font-size=\"15\" font-weight=\"bold\">ROC curve</text>\n",
            sum->panel_height, WIDTH / 2.0);
    draw_axes(f, "roc-axes", "False positive rate",
              "True positive rate (recall)");
    fprintf(f, "<line id=\"chance\" x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" "
            "y2=\"%.2f\" stroke=\"%s\" stroke-width=\"1.5\" "
            "stroke-dasharray=\"6 4\"/>\n", px(0), py(0), px(1), py(1),
            COLOR_SKILL);
    if (sum->positives > 0 && sum->negatives > 0)
        rc = draw_roc_curve(f, res, sum, r);
    else
        fprintf(f, "<text x=\"%.2f\" y=\"%.2f\" text-anchor=\"middle\">"
                "undefined without both positive and negative pixels"
                "</text>\n", px(0.5), py(0.6));

    fputs("<g id=\"roc-legend\" font-size=\"13\">\n", f);
    if (sum->positives > 0 && sum->negatives > 0 && !isnan(sum->auroc))
        snprintf(text, sizeof text, "ROC: AUROC = %.4f (trapezoid)",
                 sum->auroc);
    else
        snprintf(text, sizeof text, "ROC: AUROC undefined");
    legend_row(f, 0, COLOR_CURVE, NULL, 0, text);
    legend_row(f, 1, COLOR_SKILL, "6 4", 0, "chance (AUROC = 0.5)");
    fputs("</g>\n</g>\n", f);
    return rc;
}

static int write_svg(FILE *f, const struct eval_config *config,
                     const prc_result *res, struct rows *r)
{
    struct summary sum;
    int rc = summarize(config, res, &sum, r);
    int height = sum.panel_height + (config->plot_roc ? PANEL_HEIGHT : 0);

    if (rc != 0)
        return rc;
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
            "height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"DejaVu Sans, "
            "Helvetica, Arial, sans-serif\" font-size=\"13\">\n"
            "<title>Precision-recall curve, libprcurve %s</title>\n"
            "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n", WIDTH,
            height, WIDTH, height, prc_version_string(), WIDTH, height);
    rc = draw_pr_panel(f, res, &sum, r);
    if (rc == 0 && config->plot_roc)
        rc = draw_roc_panel(f, res, &sum, r);
    fputs("</svg>\n", f);
    return rc;
}

int eval_write_plot(const struct eval_config *config, const prc_result *res)
{
    struct rows *r;
    FILE *f;
    int rc;

    if (config->plot == NULL)
        return EVAL_OK;
    r = malloc(sizeof *r);
    f = r != NULL ? fopen(config->plot, "w") : NULL;
    if (f == NULL) {
        eval_error("%s: cannot create: %s", config->plot,
                   r == NULL ? "out of memory" : strerror(errno));
        free(r);
        return EVAL_DATA_ERROR;
    }

    rc = write_svg(f, config, res, r);
    free(r);
    if ((ferror(f) | fclose(f)) != 0 && rc == 0) {
        eval_error("%s: write failed", config->plot);
        rc = -1;
    }
    return rc == 0 ? EVAL_OK : EVAL_DATA_ERROR;
}
