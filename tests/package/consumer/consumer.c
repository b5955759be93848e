/*
 * A program outside the project that uses an installed libprcurve: it
 * checks that header and library agree and computes a small curve whose AP
 * is worked out by hand below.
 */
#include <math.h>
#include <stdio.h>

#include <prcurve.h>

int main(void)
{
    /* Scores 0.9 (pos), 0.6 (neg), 0.3 (pos), 0.1 (neg), bins 10, rule >=.
     * Ranked by score: P@1 = 1 at recall 1/2, P@3 = 2/3 at recall 1, so
     * AP = 1/2 * 1 + 1/2 * 2/3 = 5/6. */
    const float scores[4] = {0.9f, 0.6f, 0.3f, 0.1f};
    const unsigned char labels[4] = {1, 0, 1, 0};
    prc_options *options = NULL;
    prc_accumulator *acc = NULL;
    prc_batch *batch = NULL;
    prc_result *result = NULL;
    double ap = 0.0;
    int failed = 1;

    if (prc_version_number() != PRC_VERSION_NUMBER) {
        fprintf(stderr, "consumer: header %s, library %s\n",
                PRC_VERSION_STRING, prc_version_string());
        return 1;
    }
    if (prc_options_create(&options) == PRC_OK
        && prc_options_set(options, PRC_OPT_BINS, 10) == PRC_OK
        && prc_accumulator_create(&acc, options) == PRC_OK
        && prc_batch_create(&batch) == PRC_OK
        && prc_batch_set_shape(batch, 1, 2, 2) == PRC_OK
        && prc_batch_set_scores(batch, PRC_DTYPE_FLOAT32, scores) == PRC_OK
        && prc_batch_set_labels(batch, PRC_DTYPE_UINT8, labels) == PRC_OK
        && prc_accumulator_feed(acc, batch) == PRC_OK
        && prc_accumulator_finalize(acc, &result) == PRC_OK
        && prc_result_metric(result, PRC_AVERAGE_PRECISION, &ap) == PRC_OK)
        failed = fabs(ap - 5.0 / 6.0) > 1e-12;

    printf("consumer: libprcurve %s, AP %.12f (expected %.12f)\n",
           prc_version_string(), ap, 5.0 / 6.0);
    prc_result_free(result);
    prc_batch_free(batch);
    prc_accumulator_free(acc);
    prc_options_free(options);
    return failed;
}
