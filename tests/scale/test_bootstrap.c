/*
 * test_bootstrap.c - online Poisson bootstrap over images: weights that
 * depend on nothing but the seed and the image, intervals computed as
 * documented, and coverage near the nominal level on data whose true AP
 * is known.  White-box where it reads the replicate histograms (their
 * place in the private state layout, lib/internal.h).
 */
#include "scale_data.h"
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static prc_accumulator *boot_acc(size_t bins, size_t k, int64_t seed)
{
    prc_options *o = scale_options(bins, PRC_RULE_GE, 0);
    prc_accumulator *acc = NULL;

    ASSERT_OK(prc_options_set(o, PRC_OPT_BOOTSTRAP, (int64_t)k));
    ASSERT_OK(prc_options_set(o, PRC_OPT_SEED, seed));
    ASSERT_OK(prc_accumulator_create(&acc, o));
    prc_options_free(o);
    return acc;
}

static void feed_range(prc_accumulator *acc, const scale_data *d,
                       size_t first, size_t last)
{
    size_t plane = d->height * d->width;

    ASSERT_OK(feed_arrays(acc, last - first, d->height, d->width,
                          PRC_DTYPE_FLOAT32, d->scores + first * plane,
                          PRC_DTYPE_UINT8, d->labels + first * plane));
}

/* Batches, order and merging change nothing. */
static void weights_ignore_batching(void **unused)
{
    scale_data d;
    prc_accumulator *whole = boot_acc(40, 50, 7), *single = boot_acc(40, 50, 7);
    prc_accumulator *reversed = boot_acc(40, 50, 7), *a = boot_acc(40, 50, 7);
    prc_accumulator *b = boot_acc(40, 50, 7), *other = boot_acc(40, 50, 8);
    const uint64_t *s1, *s2;
    size_t n1, n2, i;

    (void)unused;
    scale_data_make(&d, 6, 12, 10, 77);
    feed_range(whole, &d, 0, 6);
    for (i = 0; i < 6; i++) {
        feed_range(single, &d, i, i + 1);
        feed_range(reversed, &d, 5 - i, 6 - i);
    }
    feed_range(a, &d, 0, 4);
    feed_range(b, &d, 4, 6);
    ASSERT_OK(prc_accumulator_merge(a, b));
    scale_assert_same(single, whole);
    scale_assert_same(reversed, whole);
    scale_assert_same(a, whole);

    /* Another seed, other weights. */
    feed_range(other, &d, 0, 6);
    ASSERT_OK(prc_accumulator_state(whole, &s1, &n1));
    ASSERT_OK(prc_accumulator_state(other, &s2, &n2));
    assert_int_equal(n1, n2);
    assert_true(memcmp(s1, s2, n1 * sizeof *s1) != 0);

    prc_accumulator_free(whole);
    prc_accumulator_free(single);
    prc_accumulator_free(reversed);
    prc_accumulator_free(a);
    prc_accumulator_free(b);
    prc_accumulator_free(other);
    scale_data_free(&d);
}

/* One image, 1000 replicates: replicate r holds w_r times the image, and
 * the w_r look like Poisson(1) draws (mean 1, variance 1, P(0) = 1/e). */
static void weights_are_poisson(void **unused)
{
    enum { K = 1000 };
    scale_data d;
    prc_accumulator *acc = boot_acc(10, K, 3);
    const uint64_t *rep;
    uint64_t pixels;
    double sum = 0.0, squares = 0.0, zeros = 0.0;
    size_t r, i;

    (void)unused;
    scale_data_make(&d, 1, 8, 8, 78);
    feed_range(acc, &d, 0, 1);
    pixels = acc->state[PRC__FED] - acc->state[PRC__STATE_HEADER
                                               + PRC__IGNORED_CELL(acc)];
    rep = acc->state + PRC__STATE_HEADER + acc->cells;
    for (r = 0; r < K; r++, rep += 2 * acc->slots) {
        uint64_t total = 0;

        for (i = 0; i < 2 * acc->slots; i++)
            total += rep[i];
        assert_int_equal(total % pixels, 0);
        sum += (double)(total / pixels);
        squares += (double)(total / pixels) * (double)(total / pixels);
        zeros += total == 0;
    }
    /* Means of 1000 draws: standard errors about 0.03, 0.045, 0.015. */
    assert_true(fabs(sum / K - 1.0) < 0.12);
    assert_true(fabs(squares / K - sum * sum / K / K - 1.0) < 0.2);
    assert_true(fabs(zeros / K - exp(-1.0)) < 0.06);
    prc_accumulator_free(acc);
    scale_data_free(&d);
}

/* Step-wise AP of a histogram, written out afresh: walk the slots from the
 * top, adding precision times the recall gained. */
static double histogram_ap(const uint64_t *neg, const uint64_t *pos,
                           size_t slots)
{
    double tp = 0, fp = 0, p = 0, ap = 0;
    size_t m;

    for (m = 0; m < slots; m++)
        p += (double)pos[m];
    for (m = slots; m-- > 1;) {
        tp += (double)pos[m];
        fp += (double)neg[m];
        if (pos[m])
            ap += (double)pos[m] / p * tp / (tp + fp);
    }
    return p > 0 ? ap : NAN;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

/* The AP interval equals NumPy-style percentiles of the replicates' APs,
 * recomputed here from the replicate histograms. */
static void interval_is_percentiles(void **unused)
{
    enum { K = 37 };
    scale_data d;
    prc_accumulator *acc = boot_acc(25, K, 11);
    prc_result *res = NULL;
    double ap[K], lo, hi, want_lo, want_hi, pos;
    const uint64_t *rep;
    size_t r, n = 0;

    (void)unused;
    scale_data_make(&d, 9, 7, 7, 79);
    feed_range(acc, &d, 0, 9);
    rep = acc->state + PRC__STATE_HEADER + acc->cells;
    for (r = 0; r < K; r++, rep += 2 * acc->slots) {
        double v = histogram_ap(rep, rep + acc->slots, acc->slots);

        if (v == v)
            ap[n++] = v;
    }
    qsort(ap, n, sizeof *ap, by_value);
    pos = 0.05 * (double)(n - 1);
    want_lo = ap[(size_t)pos] + (pos - floor(pos))
                                    * (ap[(size_t)pos + 1] - ap[(size_t)pos]);
    pos = 0.95 * (double)(n - 1);
    want_hi = ap[(size_t)pos] + (pos - floor(pos))
                                    * (ap[(size_t)pos + 1] - ap[(size_t)pos]);

    ASSERT_OK(prc_accumulator_finalize(acc, &res));
    ASSERT_OK(prc_result_interval(res, PRC_AVERAGE_PRECISION, 0.9, &lo, &hi));
    ASSERT_CLOSE(lo, want_lo, 1e-12);
    ASSERT_CLOSE(hi, want_hi, 1e-12);
    assert_true(lo <= hi);
    ASSERT_OK(prc_result_interval(res, PRC_AUROC, 0.5, &lo, &hi));
    assert_true(lo <= hi && lo > 0.0 && hi <= 1.0);
    ASSERT_STATUS(prc_result_interval(res, PRC_AVERAGE_PRECISION, 1.0, &lo,
                                      &hi),
                  PRC_E_ARGUMENT);
    ASSERT_STATUS(prc_result_interval(res, PRC_ECE, 0.9, &lo, &hi),
                  PRC_E_COLUMN);
    ASSERT_STATUS(prc_result_interval(res, PRC_AUROC, 0.9, NULL, &hi),
                  PRC_E_NULL);
    prc_result_free(res);
    prc_accumulator_free(acc);

    acc = boot_acc(25, 0, 11);
    ASSERT_OK(prc_accumulator_finalize(acc, &res));
    ASSERT_STATUS(prc_result_interval(res, PRC_AVERAGE_PRECISION, 0.9, &lo,
                                      &hi),
                  PRC_E_NOT_ENABLED);
    prc_result_free(res);
    prc_accumulator_free(acc);
    scale_data_free(&d);
}

/*
 * Coverage: scores are bin centres (j + 0.5) / 20, positives (30 %) with j
 * uniform in 6..19, negatives with j uniform in 0..13, so the population's
 * histogram, and with it the true AP, is known exactly.  Of 100 data sets
 * of 20 images, the 90 % intervals must hold the true AP about 90 times.
 */
static void intervals_cover_the_truth(void **unused)
{
    enum { B = 20, SETS = 100, IMAGES = 20, PIXELS = 64, K = 200 };
    uint64_t neg[B + 2] = {0}, pos[B + 2] = {0};
    float scores[IMAGES * PIXELS];
    uint8_t labels[IMAGES * PIXELS];
    test_rng rng = {80};
    double truth;
    int set, covered = 0;
    size_t j, i;

    (void)unused;
    /* Expected histogram, in units of 1/(14 * 10): slot j + 1 for j. */
    for (j = 6; j < 20; j++)
        pos[j + 1] += 3;
    for (j = 0; j < 14; j++)
        neg[j + 1] += 7;
    truth = histogram_ap(neg, pos, B + 2);

    for (set = 0; set < SETS; set++) {
        prc_accumulator *acc = boot_acc(B, K, (int64_t)set);
        prc_result *res = NULL;
        double lo, hi;

        for (i = 0; i < IMAGES * PIXELS; i++) {
            int positive = test_rng_below(&rng, 10) < 3;

            j = positive ? 6 + test_rng_below(&rng, 14)
                         : test_rng_below(&rng, 14);
            scores[i] = (float)(((double)j + 0.5) / B);
            labels[i] = (uint8_t)positive;
        }
        ASSERT_OK(feed_arrays(acc, IMAGES, 8, 8, PRC_DTYPE_FLOAT32, scores,
                              PRC_DTYPE_UINT8, labels));
        ASSERT_OK(prc_accumulator_finalize(acc, &res));
        ASSERT_OK(prc_result_interval(res, PRC_AVERAGE_PRECISION, 0.9, &lo,
                                      &hi));
        covered += lo <= truth && truth <= hi;
        prc_result_free(res);
        prc_accumulator_free(acc);
    }
    print_message("90 %% intervals covered the true AP %.6f in %d of %d "
                  "data sets\n", truth, covered, SETS);
    assert_true(covered >= 80 && covered <= 98);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(weights_ignore_batching),
        cmocka_unit_test(weights_are_poisson),
        cmocka_unit_test(interval_is_percentiles),
        cmocka_unit_test(intervals_cover_the_truth),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
