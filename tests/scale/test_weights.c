/*
 * test_weights.c - per-pixel weights: integer weights give exactly the
 * counts of the pixels repeated that many times; weights in whole units of
 * 2^-16 are exact; bad weights are refused, naming the pixel, with nothing
 * counted.
 */
#include "scale_data.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PIXELS 400

static prc_accumulator *weighted_acc(int weighted, int per_image)
{
    prc_options *o = scale_options(60, PRC_RULE_GE, per_image);
    prc_accumulator *acc = NULL;

    ASSERT_OK(prc_options_set(o, PRC_OPT_WEIGHTED, weighted));
    ASSERT_OK(prc_accumulator_create(&acc, o));
    prc_options_free(o);
    return acc;
}

static prc_status feed_weighted(prc_accumulator *acc, size_t images,
                                size_t width, const float *scores,
                                const uint8_t *labels, const float *weights)
{
    prc_batch *b = NULL;
    prc_status status;

    ASSERT_OK(prc_batch_create(&b));
    ASSERT_OK(prc_batch_set_shape(b, images, 1, width));
    ASSERT_OK(prc_batch_set_scores(b, PRC_DTYPE_FLOAT32, scores));
    ASSERT_OK(prc_batch_set_labels(b, PRC_DTYPE_UINT8, labels));
    ASSERT_OK(prc_batch_set_weights(b, PRC_DTYPE_FLOAT32, weights));
    status = prc_accumulator_feed(acc, b);
    prc_batch_free(b);
    return status;
}

/* Weights 0..3 equal the pixels repeated: counts times PRC_WEIGHT_ONE,
 * every ratio and summary identical. */
static void integer_weights_repeat_pixels(void **unused)
{
    float scores[PIXELS], weights[PIXELS], repeated_scores[3 * PIXELS];
    uint8_t labels[PIXELS], repeated_labels[3 * PIXELS];
    test_rng rng = {131};
    size_t i, n = 0, k, rows;
    int per_image;

    (void)unused;
    for (i = 0; i < PIXELS; i++) {
        uint64_t w = test_rng_below(&rng, 4);

        scores[i] = (float)test_rng_unit(&rng);
        labels[i] = test_rng_below(&rng, 10) == 0 ? 255
                    : (uint8_t)test_rng_below(&rng, 2);
        weights[i] = (float)w;
        for (k = 0; k < w; k++) {
            repeated_scores[n] = scores[i];
            repeated_labels[n++] = labels[i];
        }
    }
    for (per_image = 0; per_image <= 1; per_image++) {
        prc_accumulator *w = weighted_acc(1, per_image);
        prc_accumulator *r = weighted_acc(0, per_image);
        prc_result *rw = NULL, *rr = NULL;
        uint64_t cw[61], cr[61];
        double dw[61], dr[61];

        /* One image each, so that per-image means agree too. */
        ASSERT_OK(feed_weighted(w, 1, PIXELS, scores, labels, weights));
        ASSERT_OK(feed_arrays(r, 1, 1, n, PRC_DTYPE_FLOAT32, repeated_scores,
                              PRC_DTYPE_UINT8, repeated_labels));
        ASSERT_OK(prc_accumulator_finalize(w, &rw));
        ASSERT_OK(prc_accumulator_finalize(r, &rr));
        rows = prc_result_rows(rw);
        ASSERT_OK(prc_result_counts(rw, PRC_COL_TP, 0, rows, cw));
        ASSERT_OK(prc_result_counts(rr, PRC_COL_TP, 0, rows, cr));
        for (k = 0; k < rows; k++)
            assert_int_equal(cw[k], cr[k] * PRC_WEIGHT_ONE);
        ASSERT_OK(prc_result_column(rw, PRC_COL_FP, 0, rows, dw));
        ASSERT_OK(prc_result_counts(rr, PRC_COL_FP, 0, rows, cr));
        for (k = 0; k < rows; k++)
            assert_true(dw[k] == (double)cr[k]);
        ASSERT_OK(prc_result_column(rw, PRC_COL_PRECISION, 0, rows, dw));
        ASSERT_OK(prc_result_column(rr, PRC_COL_PRECISION, 0, rows, dr));
        assert_memory_equal(dw, dr, rows * sizeof *dw);
        assert_true(get_metric(rw, PRC_AVERAGE_PRECISION, PRC_OK)
                    == get_metric(rr, PRC_AVERAGE_PRECISION, PRC_OK));
        if (per_image)
            assert_true(
                get_metric(rw, PRC_MEAN_IMAGE_AVERAGE_PRECISION, PRC_OK)
                == get_metric(rr, PRC_MEAN_IMAGE_AVERAGE_PRECISION, PRC_OK));
        prc_result_free(rw);
        prc_result_free(rr);
        prc_accumulator_free(w);
        prc_accumulator_free(r);
    }
}

/* No weights given to a weighted accumulator: weight 1 everywhere. */
static void missing_weights_are_one(void **unused)
{
    scale_data d;
    prc_accumulator *w = weighted_acc(1, 0), *r = weighted_acc(0, 0);
    const uint64_t *sw, *sr;
    size_t nw, nr, i;

    (void)unused;
    scale_data_make(&d, 3, 8, 9, 132);
    ASSERT_OK(feed_arrays(w, 3, 8, 9, PRC_DTYPE_FLOAT32, d.scores,
                          PRC_DTYPE_UINT8, d.labels));
    ASSERT_OK(feed_arrays(r, 3, 8, 9, PRC_DTYPE_FLOAT32, d.scores,
                          PRC_DTYPE_UINT8, d.labels));
    ASSERT_OK(prc_accumulator_state(w, &sw, &nw));
    ASSERT_OK(prc_accumulator_state(r, &sr, &nr));
    assert_int_equal(nw, nr);
    /* Header: fed, images, images without positives, AP limbs; then the
     * histogram, scaled. */
    assert_int_equal(sw[0], sr[0] * PRC_WEIGHT_ONE);
    assert_int_equal(sw[1], sr[1]);
    for (i = 5; i < nw; i++)
        assert_int_equal(sw[i], sr[i] * PRC_WEIGHT_ONE);
    prc_accumulator_free(w);
    prc_accumulator_free(r);
    scale_data_free(&d);
}

static void bad_weights_change_nothing(void **unused)
{
    static const float bad[] = {-1.0f, 16777218.0f};
    float scores[8] = {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f};
    uint8_t labels[8] = {0, 1, 0, 1, 0, 1, 0, 1};
    float weights[8] = {1, 2, 0.5f, 0.25f, 1, 1, 3, 1};
    prc_accumulator *acc = weighted_acc(1, 1), *plain = weighted_acc(0, 0);
    unsigned char *before, *after;
    size_t size, size_after, i;

    (void)unused;
    ASSERT_OK(feed_weighted(acc, 2, 4, scores, labels, weights));
    before = scale_serialize(acc, &size);
    for (i = 0; i < 4; i++) {
        weights[6] = i < 2 ? bad[i] : i == 2 ? NAN : INFINITY;
        ASSERT_STATUS(feed_weighted(acc, 2, 4, scores, labels, weights),
                      PRC_E_WEIGHT);
        assert_non_null(strstr(prc_accumulator_last_error(acc),
                               "image 1, row 0, column 2: weight"));
        after = scale_serialize(acc, &size_after);
        assert_memory_equal(after, before, size);
        free(after);
    }
    weights[6] = 16777216.0f; /* 2^24 is allowed */
    ASSERT_OK(feed_weighted(acc, 2, 4, scores, labels, weights));
    ASSERT_STATUS(feed_weighted(plain, 2, 4, scores, labels, weights),
                  PRC_E_NOT_ENABLED);
    free(before);
    prc_accumulator_free(acc);
    prc_accumulator_free(plain);
}

/* Weights read through strides: every other column of a wider array. */
static void strided_weights(void **unused)
{
    float scores[6] = {0.9f, 0.1f, 0.5f, 0.7f, 0.3f, 0.2f};
    uint8_t labels[6] = {1, 0, 1, 0, 1, 0};
    double wide[12] = {2, -1, 0.5, -1, 1, -1, 3, -1, 0.125, -1, 1, -1};
    float packed[6] = {2, 0.5f, 1, 3, 0.125f, 1};
    int64_t strides[3] = {48, 48, 16};
    prc_accumulator *a = weighted_acc(1, 0), *b = weighted_acc(1, 0);
    prc_batch *batch = NULL;

    (void)unused;
    ASSERT_OK(feed_weighted(a, 1, 6, scores, labels, packed));
    ASSERT_OK(prc_batch_create(&batch));
    ASSERT_OK(prc_batch_set_shape(batch, 1, 1, 6));
    ASSERT_OK(prc_batch_set_scores(batch, PRC_DTYPE_FLOAT32, scores));
    ASSERT_OK(prc_batch_set_labels(batch, PRC_DTYPE_UINT8, labels));
    ASSERT_OK(prc_batch_set_weights(batch, PRC_DTYPE_FLOAT64, wide));
    ASSERT_OK(prc_batch_set_weight_strides(batch, strides));
    ASSERT_OK(prc_accumulator_feed(b, batch));
    scale_assert_same(a, b);
    ASSERT_STATUS(prc_batch_set_weights(batch, PRC_DTYPE_UINT8, wide),
                  PRC_E_DTYPE);
    prc_batch_free(batch);
    prc_accumulator_free(a);
    prc_accumulator_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(integer_weights_repeat_pixels),
        cmocka_unit_test(missing_weights_are_one),
        cmocka_unit_test(bad_weights_change_nothing),
        cmocka_unit_test(strided_weights),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
