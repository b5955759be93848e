/*
 * test_state_limits.c - white-box: the caps on pixel and image totals,
 * reached through crafted states because no test can feed 2^64 pixels.
 * It reads the library's private state layout (lib/internal.h).
 */
#include "scale_data.h"
#include "internal.h"

#include <stdlib.h>
#include <string.h>

/* A consistent state of `acc`'s shape: `pixels` ignored pixels, or with
 * images > 0 that many negative pixels in as many images. */
static uint64_t *crafted(const prc_accumulator *acc, uint64_t pixels,
                         uint64_t images)
{
    uint64_t *state = calloc(acc->state_length, sizeof *state);

    assert_non_null(state);
    state[PRC__FED] = pixels;
    if (images == 0) {
        state[PRC__STATE_HEADER + PRC__IGNORED_CELL(acc)] = pixels;
    } else {
        state[PRC__STATE_HEADER] = pixels; /* negatives, slot 0 */
        state[PRC__IMAGES] = images;
        state[PRC__IMAGES_WITHOUT_POSITIVES] = images;
    }
    return state;
}

static void pixel_total_is_capped(void **unused)
{
    static const float scores[11] = {0};
    static const uint8_t labels[11] = {0};
    prc_accumulator *acc = NULL, *one = NULL;
    uint64_t *state;
    unsigned char *before, *after;
    size_t size, size_after;

    (void)unused;
    ASSERT_OK(prc_accumulator_create(&acc, NULL));
    state = crafted(acc, UINT64_MAX - 10, 0);
    ASSERT_OK(prc_accumulator_add_state(acc, state, acc->state_length));
    before = scale_serialize(acc, &size);

    ASSERT_STATUS(feed_arrays(acc, 1, 1, 11, PRC_DTYPE_FLOAT32, scores,
                              PRC_DTYPE_UINT8, labels),
                  PRC_E_COUNT_LIMIT);
    ASSERT_OK(prc_accumulator_create(&one, NULL));
    ASSERT_OK(feed_arrays(one, 1, 1, 11, PRC_DTYPE_FLOAT32, scores,
                          PRC_DTYPE_UINT8, labels));
    ASSERT_STATUS(prc_accumulator_merge(acc, one), PRC_E_COUNT_LIMIT);
    ASSERT_STATUS(prc_accumulator_add_state(acc, one->state,
                                            one->state_length),
                  PRC_E_COUNT_LIMIT);
    after = scale_serialize(acc, &size_after);
    assert_memory_equal(after, before, size);

    /* Exactly up to the cap is fine. */
    ASSERT_OK(feed_arrays(acc, 1, 1, 10, PRC_DTYPE_FLOAT32, scores,
                          PRC_DTYPE_UINT8, labels));
    free(after);
    free(before);
    free(state);
    prc_accumulator_free(one);
    prc_accumulator_free(acc);
}

static void image_total_is_capped(void **unused)
{
    static const float scores[4] = {0.5f, 0.5f, 0.5f, 0.5f};
    static const uint8_t labels[4] = {1, 0, 1, 0};
    prc_accumulator *acc = NULL;
    uint64_t *state;

    (void)unused;
    ASSERT_OK(prc_accumulator_create(&acc, NULL));
    state = crafted(acc, PRC__MAX_IMAGES, PRC__MAX_IMAGES);
    ASSERT_OK(prc_accumulator_add_state(acc, state, acc->state_length));
    ASSERT_STATUS(feed_arrays(acc, 1, 2, 2, PRC_DTYPE_FLOAT32, scores,
                              PRC_DTYPE_UINT8, labels),
                  PRC_E_COUNT_LIMIT);
    free(state);

    /* More images than the cap, or than counted pixels: inconsistent. */
    prc_accumulator_reset(acc);
    state = crafted(acc, PRC__MAX_IMAGES + 1, PRC__MAX_IMAGES + 1);
    ASSERT_STATUS(prc_accumulator_add_state(acc, state, acc->state_length),
                  PRC_E_STATE);
    state[PRC__IMAGES] = 5;
    state[PRC__IMAGES_WITHOUT_POSITIVES] = 5;
    state[PRC__FED] = state[PRC__STATE_HEADER] = 4;
    ASSERT_STATUS(prc_accumulator_add_state(acc, state, acc->state_length),
                  PRC_E_STATE);
    free(state);
    prc_accumulator_free(acc);
}

/* States no data could produce: counted pixels in no image, positives in
 * no image with positives, per-image values above 1. */
static void impossible_states_are_refused(void **unused)
{
    prc_options *o = scale_options(10, PRC_RULE_GE, 1);
    prc_accumulator *acc = NULL;
    uint64_t *state;
    size_t per_image;

    (void)unused;
    ASSERT_OK(prc_accumulator_create(&acc, o));
    per_image = PRC__STATE_HEADER + acc->cells;

    state = crafted(acc, 5, 1);      /* 5 negatives in 1 image: valid */
    ASSERT_OK(prc_accumulator_add_state(acc, state, acc->state_length));
    prc_accumulator_reset(acc);
    state[PRC__IMAGES] = state[PRC__IMAGES_WITHOUT_POSITIVES] = 0;
    ASSERT_STATUS(prc_accumulator_add_state(acc, state, acc->state_length),
                  PRC_E_STATE);
    assert_non_null(strstr(prc_accumulator_last_error(acc), "add state"));

    /* A positive pixel, but every image is one without positives. */
    state[PRC__IMAGES] = state[PRC__IMAGES_WITHOUT_POSITIVES] = 1;
    state[PRC__STATE_HEADER] = 4;
    state[PRC__STATE_HEADER + acc->slots] = 1;
    ASSERT_STATUS(prc_accumulator_add_state(acc, state, acc->state_length),
                  PRC_E_STATE);
    state[PRC__IMAGES_WITHOUT_POSITIVES] = 0;
    ASSERT_OK(prc_accumulator_add_state(acc, state, acc->state_length));
    prc_accumulator_reset(acc);

    /* One image whose precision at row 0 reads 2^31 * 2^31 + 2^31 - 1,
     * more than 2^62: a mean above 1. */
    state[per_image] = (uint64_t)1 << 31;
    state[per_image + acc->rows] = ((uint64_t)1 << 31) - 1;
    ASSERT_STATUS(prc_accumulator_add_state(acc, state, acc->state_length),
                  PRC_E_STATE);
    state[per_image + acc->rows] = 0; /* exactly 1 */
    ASSERT_OK(prc_accumulator_add_state(acc, state, acc->state_length));

    free(state);
    prc_accumulator_free(acc);
    prc_options_free(o);
}

/* Counts of 2^63 and more are within the caps: F1, whose numerator 2 TP
 * would wrap in 64 bits, must still read 1 where precision and recall
 * are 1. */
static void huge_counts_keep_f1(void **unused)
{
    prc_accumulator *acc = NULL;
    prc_result *res = NULL;
    uint64_t *state;
    double f1 = 0.0, best = 0.0;

    (void)unused;
    ASSERT_OK(prc_accumulator_create(&acc, NULL));
    state = crafted(acc, 0, 0);
    state[PRC__FED] = (uint64_t)1 << 63;
    state[PRC__IMAGES] = 1;
    /* Every positive passes every threshold: the top slot, B + 1. */
    state[PRC__STATE_HEADER + acc->slots + acc->slots - 1] = (uint64_t)1 << 63;
    ASSERT_OK(prc_accumulator_add_state(acc, state, acc->state_length));
    ASSERT_OK(prc_accumulator_finalize(acc, &res));
    ASSERT_OK(prc_result_column(res, PRC_COL_F1, 0, 1, &f1));
    assert_true(f1 == 1.0);
    ASSERT_OK(prc_result_metric(res, PRC_BEST_F1, &best));
    assert_true(best == 1.0);
    prc_result_free(res);
    free(state);
    prc_accumulator_free(acc);
}

/* Two classes: each class's caps are half, so that the pooled problem's
 * sums fit; and pixels cannot be positive for two classes, or ignored by
 * one class but not the other. */
static void class_states_are_checked(void **unused)
{
    prc_options *o = scale_options(10, PRC_RULE_GE, 0);
    prc_accumulator *acc = NULL;
    uint64_t *state;
    size_t b, pos, ign;
    double fbeta = 0.0;

    (void)unused;
    ASSERT_OK(prc_options_set(o, PRC_OPT_CLASSES, 2));
    ASSERT_OK(prc_accumulator_create(&acc, o));
    b = acc->block_length;
    pos = PRC__STATE_HEADER + acc->slots + acc->slots - 1; /* top slot */
    ign = PRC__STATE_HEADER + PRC__IGNORED_CELL(acc);
    state = calloc(acc->state_length, sizeof *state);
    assert_non_null(state);

    /* One pixel in one image, positive for class 0, negative for 1. */
    state[PRC__FED] = state[b + PRC__FED] = 1;
    state[PRC__IMAGES] = state[b + PRC__IMAGES] = 1;
    state[b + PRC__IMAGES_WITHOUT_POSITIVES] = 1;
    state[pos] = 1;
    state[b + PRC__STATE_HEADER + acc->slots - 1] = 1;
    ASSERT_OK(prc_accumulator_add_state(acc, state, acc->state_length));
    prc_accumulator_reset(acc);

    /* Positive for both. */
    state[b + PRC__STATE_HEADER + acc->slots - 1] = 0;
    state[b + pos] = 1;
    state[b + PRC__IMAGES_WITHOUT_POSITIVES] = 0;
    ASSERT_STATUS(prc_accumulator_add_state(acc, state, acc->state_length),
                  PRC_E_STATE);
    /* Counted by class 0, ignored by class 1. */
    state[b + pos] = 0;
    state[b + ign] = 1;
    state[b + PRC__IMAGES] = 0;
    ASSERT_STATUS(prc_accumulator_add_state(acc, state, acc->state_length),
                  PRC_E_STATE);

    /* Over the halved cap of pixels. */
    memset(state, 0, acc->state_length * sizeof *state);
    state[PRC__FED] = state[b + PRC__FED] = UINT64_MAX / 2 + 1;
    state[ign] = state[b + ign] = UINT64_MAX / 2 + 1;
    ASSERT_STATUS(prc_accumulator_add_state(acc, state, acc->state_length),
                  PRC_E_STATE);
    state[PRC__FED] = state[b + PRC__FED] = UINT64_MAX / 2;
    state[ign] = state[b + ign] = UINT64_MAX / 2;
    ASSERT_OK(prc_accumulator_add_state(acc, state, acc->state_length));
    free(state);
    prc_accumulator_free(acc);
    prc_options_free(o);

    /* F-beta at a huge beta, on the 2^63 positives below: 1, not NaN. */
    ASSERT_OK(prc_accumulator_create(&acc, NULL));
    state = crafted(acc, 0, 0);
    state[PRC__FED] = (uint64_t)1 << 63;
    state[PRC__IMAGES] = 1;
    state[PRC__STATE_HEADER + acc->slots + acc->slots - 1] = (uint64_t)1 << 63;
    ASSERT_OK(prc_accumulator_add_state(acc, state, acc->state_length));
    {
        prc_result *res = NULL;

        ASSERT_OK(prc_accumulator_finalize(acc, &res));
        ASSERT_OK(prc_result_fbeta(res, 1e150, 0, 1, &fbeta));
        assert_true(fbeta == 1.0);
        prc_result_free(res);
    }
    free(state);
    prc_accumulator_free(acc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pixel_total_is_capped),
        cmocka_unit_test(image_total_is_capped),
        cmocka_unit_test(impossible_states_are_refused),
        cmocka_unit_test(huge_counts_keep_f1),
        cmocka_unit_test(class_states_are_checked),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
