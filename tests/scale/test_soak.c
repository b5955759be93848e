/*
 * test_soak.c - ten thousand batches of random shapes, data types and
 * contents, a third of them with a bad pixel somewhere, fed in random
 * order: every feed returns what the brute-force reference says, and the
 * final result equals the reference fed only the valid batches.
 */
#include "scale_data.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define BATCHES 10000
#define MAX_PIXELS (3 * 9 * 9)

static double random_score(test_rng *rng)
{
    switch (test_rng_below(rng, 8)) {
    case 0:
        return (double)test_rng_below(rng, 17) / 16.0; /* on thresholds */
    case 1:
        return nextafter((double)test_rng_below(rng, 17) / 16.0,
                         test_rng_below(rng, 2) ? 2.0 : -1.0);
    default:
        return test_rng_unit(rng);
    }
}

/* A bad pixel: NaN, out of range, or an unknown label. */
static void spoil(test_rng *rng, prc_dtype st, void *scores, uint8_t *labels,
                  size_t at)
{
    static const double bad[4] = {NAN, -0.25, 1.5, INFINITY};
    int kind = (int)test_rng_below(rng, st == PRC_DTYPE_UINT8 ? 1 : 5);

    if (kind == 0) {
        labels[at] = (uint8_t)(2 + test_rng_below(rng, 200));
        return;
    }
    labels[at] = (uint8_t)test_rng_below(rng, 2);
    if (st == PRC_DTYPE_FLOAT32)
        ((float *)scores)[at] = (float)bad[kind - 1];
    else
        ((double *)scores)[at] = bad[kind - 1];
}

static void fill(test_rng *rng, prc_dtype st, void *scores, uint8_t *labels,
                 size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        double s = random_score(rng);
        uint64_t r = test_rng_below(rng, 20);

        labels[i] = r == 0 ? 255 : r < 6;
        if (st == PRC_DTYPE_FLOAT32)
            ((float *)scores)[i] = (float)s;
        else if (st == PRC_DTYPE_FLOAT64)
            ((double *)scores)[i] = s;
        else
            ((uint8_t *)scores)[i] = (uint8_t)test_rng_below(rng, 256);
    }
}

static void soak(int policy, uint64_t seed)
{
    static const prc_dtype types[3] = {PRC_DTYPE_FLOAT32, PRC_DTYPE_FLOAT64,
                                       PRC_DTYPE_UINT8};
    double scores[MAX_PIXELS];
    uint8_t labels[MAX_PIXELS];
    test_rng rng = {seed};
    ref_options ro;
    ref_curve ref;
    prc_options *o;
    prc_accumulator *acc = NULL;
    prc_result *res = NULL;
    long i, rejected = 0;

    ref_options_default(&ro);
    ro.bins = 16;
    ro.per_image = 1;
    ro.nan_policy = policy == PRC_POLICY_REJECT ? policy : PRC_POLICY_SKIP;
    ro.range_policy = policy;
    ref_init(&ref, &ro);
    o = ref_make_options(&ro);
    ASSERT_OK(prc_accumulator_create(&acc, o));

    for (i = 0; i < BATCHES; i++) {
        prc_dtype st = types[test_rng_below(&rng, 3)];
        size_t images = 1 + test_rng_below(&rng, 3);
        size_t height = 1 + test_rng_below(&rng, 9);
        size_t width = 1 + test_rng_below(&rng, 9);
        size_t n = images * height * width;
        prc_status want, got;

        fill(&rng, st, scores, labels, n);
        if (test_rng_below(&rng, 3) == 0)
            spoil(&rng, st, scores, labels, test_rng_below(&rng, n));
        want = ref_feed(&ref, images, height * width, st, scores,
                        PRC_DTYPE_UINT8, labels);
        got = feed_arrays(acc, images, height, width, st, scores,
                          PRC_DTYPE_UINT8, labels);
        if (got != want)
            TEST_FAIL("batch %ld: feed gave %s, reference %s", i,
                      prc_status_name(got), prc_status_name(want));
        rejected += got != PRC_OK;
    }
    /* Under REJECT about a third of the batches must have failed. */
    if (policy == PRC_POLICY_REJECT)
        assert_true(rejected > BATCHES / 5);

    ref_finish(&ref);
    ASSERT_OK(prc_accumulator_finalize(acc, &res));
    check_result_against_ref(res, &ref, 1e-9);
    prc_result_free(res);
    prc_accumulator_free(acc);
    prc_options_free(o);
    ref_free(&ref);
}

static void soak_reject(void **unused)
{
    (void)unused;
    soak(PRC_POLICY_REJECT, 51);
}

static void soak_skip_and_clamp(void **unused)
{
    (void)unused;
    soak(PRC_POLICY_SKIP, 52);
    soak(PRC_POLICY_CLAMP, 53);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(soak_reject),
        cmocka_unit_test(soak_skip_and_clamp),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
