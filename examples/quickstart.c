/*
 * quickstart.c - the smallest use of libprcurve: two 2 x 2 images, fed
 * from memory, and their average precision.
 *
 * By hand: the 8 scores, highest first, with their labels, are
 *     0.875 (1), 0.75 (1), 0.625 (0), 0.5 (0), 0.375 (1), 0.25 (0),
 *     0.125 (0), 0 (0)
 * so 3 positives.  Recall rises at 0.875 (precision 1/1), at 0.75 (2/2) and
 * at 0.375 (3/5), by 1/3 each time:
 *     AP = 1/3 * (1 + 1 + 3/5) = 13/15 = 0.866667
 * Every score is a multiple of 1/8, so with the default 1000 bins each lies
 * exactly on a threshold and binning changes nothing.
 */
#include <prcurve.h>
#include <stdio.h>

int main(void)
{
    static const float scores[2][2][2] = {{{0.875f, 0.625f}, {0.375f, 0.125f}},
                                          {{0.75f, 0.5f}, {0.25f, 0.0f}}};
    static const uint8_t labels[2][2][2] = {{{1, 0}, {1, 0}},
                                            {{1, 0}, {0, 0}}};
    prc_accumulator *acc = NULL;
    prc_batch *batch = NULL;
    prc_result *result = NULL;
    double ap = 0.0;
    prc_status s;

    s = prc_accumulator_create(&acc, NULL); /* default options */
    if (s == PRC_OK)
        s = prc_batch_create(&batch);
    if (s == PRC_OK)
        s = prc_batch_set_shape(batch, 2, 2, 2); /* images, height, width */
    if (s == PRC_OK)
        s = prc_batch_set_scores(batch, PRC_DTYPE_FLOAT32, scores);
    if (s == PRC_OK)
        s = prc_batch_set_labels(batch, PRC_DTYPE_UINT8, labels);
    if (s == PRC_OK)
        s = prc_accumulator_feed(acc, batch);
    if (s == PRC_OK)
        s = prc_accumulator_finalize(acc, &result);
    if (s == PRC_OK)
        s = prc_result_metric(result, PRC_AVERAGE_PRECISION, &ap);

    if (s == PRC_OK)
        printf("average precision: %.6f\n", ap);
    else
        fprintf(stderr, "quickstart: %s\n", prc_status_message(s));
    prc_result_free(result);
    prc_batch_free(batch);
    prc_accumulator_free(acc);
    return s == PRC_OK ? 0 : 1;
}
