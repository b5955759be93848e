/*
 * nchw_half.c - feeding one channel of an N x C x H x W half-precision
 * tensor in place, as a framework holds it, with int64 class labels.
 *
 * Two images of 2 x 2 pixels, three channels; channel 1 holds the
 * foreground probabilities.  By hand, the foreground scores with their
 * labels, highest first: 0.875 (1), 0.75 (0), 0.5 (1), 0.375 (0),
 * 0.25 (1), 0.125 (0), 0.0625 (0); the eighth pixel is ignored (255).
 * Recall rises by 1/3 at 0.875 (precision 1/1), at 0.5 (2/3) and at 0.25
 * (3/5):  AP = (1 + 2/3 + 3/5) / 3 = 34/45 = 0.755556.
 */
#include <prcurve.h>
#include <stdio.h>

/* Binary16 bit patterns: 0.875, 0.75, 0.5, 0.375, 0.25, 0.125, 0.0625,
 * and 1.0 for the channels that are never read. */
#define H875 0x3B00
#define H750 0x3A00
#define H500 0x3800
#define H375 0x3600
#define H250 0x3400
#define H125 0x3000
#define H062 0x2C00
#define ONE 0x3C00

int main(void)
{
    /* [image][channel][row][column] */
    static const uint16_t tensor[2][3][2][2] = {
        {{{ONE, ONE}, {ONE, ONE}},
         {{H875, H750}, {H500, H375}},
         {{ONE, ONE}, {ONE, ONE}}},
        {{{ONE, ONE}, {ONE, ONE}},
         {{H250, H125}, {H062, ONE}},
         {{ONE, ONE}, {ONE, ONE}}},
    };
    static const int64_t labels[2][2][2] = {{{1, 0}, {1, 0}},
                                            {{1, 0}, {0, 255}}};
    /* Bytes between images, rows and columns of channel 1. */
    const int64_t strides[3] = {sizeof tensor[0], sizeof tensor[0][0][0],
                                sizeof tensor[0][0][0][0]};
    prc_accumulator *acc = NULL;
    prc_batch *batch = NULL;
    prc_result *result = NULL;
    double ap = 0.0;
    prc_status s;

    s = prc_accumulator_create(&acc, NULL);
    if (s == PRC_OK)
        s = prc_batch_create(&batch);
    if (s == PRC_OK)
        s = prc_batch_set_shape(batch, 2, 2, 2);
    if (s == PRC_OK)
        s = prc_batch_set_scores(batch, PRC_DTYPE_FLOAT16, &tensor[0][1]);
    if (s == PRC_OK)
        s = prc_batch_set_score_strides(batch, strides);
    if (s == PRC_OK)
        s = prc_batch_set_labels(batch, PRC_DTYPE_INT64, labels);
    if (s == PRC_OK)
        s = prc_accumulator_feed(acc, batch);
    if (s == PRC_OK)
        s = prc_accumulator_finalize(acc, &result);
    if (s == PRC_OK)
        s = prc_result_metric(result, PRC_AVERAGE_PRECISION, &ap);

    if (s == PRC_OK)
        printf("average precision: %.6f\n", ap);
    else
        fprintf(stderr, "nchw_half: %s: %s\n", prc_status_message(s),
                prc_accumulator_last_error(acc));
    prc_result_free(result);
    prc_batch_free(batch);
    prc_accumulator_free(acc);
    return s == PRC_OK ? 0 : 1;
}
