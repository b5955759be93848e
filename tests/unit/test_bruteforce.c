/*
 * test_bruteforce.c - the library against the brute-force reference in
 * support.c on random and adversarial data: scores exactly on bin edges
 * k / B and one ulp either side, 0, 1, -0.0, subnormals, in float32,
 * float64 and uint8, for B = 1, 3, 7, 99, 255, 1000, 65536 and 999983
 * under both rules.  Every row's counts must match exactly; precision,
 * recall, F1, AP and the trapezoidal area to 1e-12 relative.
 */
#include "support.h"

#include <math.h>
#include <stdlib.h>

/* A random score in [0, 1] from a mix of the awkward cases. */
static double adversarial_f64(test_rng *rng, size_t bins)
{
    size_t k = (size_t)test_rng_below(rng, bins + 1);
    double edge = (double)k / (double)bins;

    switch (test_rng_below(rng, 12)) {
    case 0:
    case 1:
        return edge;
    case 2:
        return k > 0 ? nextafter(edge, 0.0) : edge;
    case 3:
        return k < bins ? nextafter(edge, 1.0) : edge;
    case 4:
        return 0.0;
    case 5:
        return 1.0;
    case 6:
        return -0.0;
    case 7: /* subnormals, the smallest normal, and just below 1 */
        switch (test_rng_below(rng, 4)) {
        case 0:
            return nextafter(0.0, 1.0);
        case 1:
            return ldexp(test_rng_unit(rng), -1030);
        case 2:
            return 2.2250738585072014e-308;
        default:
            return nextafter(1.0, 0.0);
        }
    default:
        return test_rng_unit(rng);
    }
}

static float adversarial_f32(test_rng *rng, size_t bins)
{
    size_t k = (size_t)test_rng_below(rng, bins + 1);
    float edge = (float)((double)k / (double)bins);
    float edge_f = (float)k / (float)bins;

    switch (test_rng_below(rng, 13)) {
    case 0:
        return edge;
    case 1:
        return edge_f;
    case 2:
        return edge > 0.0f ? nextafterf(edge, 0.0f) : edge;
    case 3:
        return edge < 1.0f ? nextafterf(edge, 1.0f) : edge;
    case 4:
        return 0.0f;
    case 5:
        return 1.0f;
    case 6:
        return -0.0f;
    case 7:
        switch (test_rng_below(rng, 4)) {
        case 0:
            return nextafterf(0.0f, 1.0f);
        case 1:
            return (float)ldexp(test_rng_unit(rng), -130);
        case 2:
            return 1.17549435e-38f;
        default:
            return nextafterf(1.0f, 0.0f);
        }
    default:
        return (float)test_rng_unit(rng);
    }
}

struct case_data {
    size_t n;
    float *f32;
    double *f64;
    uint8_t *u8;
    uint8_t *labels;
};

static void make_case(struct case_data *d, test_rng *rng, size_t n,
                      size_t bins, int ignore_label, int bool_labels)
{
    size_t i;

    d->n = n;
    d->f32 = calloc(n, sizeof *d->f32);
    d->f64 = calloc(n, sizeof *d->f64);
    d->u8 = calloc(n, 1);
    d->labels = calloc(n, 1);
    assert_non_null(d->f32);
    assert_non_null(d->f64);
    assert_non_null(d->u8);
    assert_non_null(d->labels);
    for (i = 0; i < n; i++) {
        uint64_t r = test_rng_below(rng, 100);

        d->f64[i] = adversarial_f64(rng, bins);
        d->f32[i] = adversarial_f32(rng, bins);
        d->u8[i] = (uint8_t)test_rng_below(rng, 256);
        /* Labels lean towards high scores so curves are not flat. */
        d->labels[i] = (uint8_t)(test_rng_unit(rng) < 0.2 + 0.6 * d->f64[i]);
        if (!bool_labels && ignore_label >= 0 && r < 4) {
            d->labels[i] = (uint8_t)ignore_label;
            if (r == 0) { /* never inspected */
                d->f64[i] = NAN;
                d->f32[i] = -INFINITY;
            }
        }
    }
}

static void free_case(struct case_data *d)
{
    free(d->f32);
    free(d->f64);
    free(d->u8);
    free(d->labels);
}

static const void *case_scores(const struct case_data *d, prc_dtype dtype)
{
    return dtype == PRC_DTYPE_FLOAT32   ? (const void *)d->f32
           : dtype == PRC_DTYPE_FLOAT64 ? (const void *)d->f64
                                        : (const void *)d->u8;
}

/* Feeds the data in a few batches of random shape into both the library
 * and the reference, then compares. */
static void run_case(const ref_options *opt, prc_dtype sdtype,
                     prc_dtype ldtype, size_t n, test_rng *rng)
{
    struct case_data d;
    ref_curve ref;
    prc_options *o = ref_make_options(opt);
    prc_accumulator *acc = NULL;
    prc_result *res = NULL;
    size_t done = 0;

    make_case(&d, rng, n, opt->bins, opt->ignore_label,
              ldtype == PRC_DTYPE_BOOL);
    ASSERT_OK(prc_accumulator_create(&acc, o));
    prc_options_free(o);
    ref_init(&ref, opt);
    while (done < n) {
        /* images x height x width, at most what is left. */
        size_t width = 1 + (size_t)test_rng_below(rng, 64);
        size_t height = 1 + (size_t)test_rng_below(rng, 64);
        size_t images = 1 + (size_t)test_rng_below(rng, 4);
        size_t left = n - done;
        const uint8_t *scores = case_scores(&d, sdtype);
        size_t size = sdtype == PRC_DTYPE_FLOAT32   ? 4
                      : sdtype == PRC_DTYPE_FLOAT64 ? 8
                                                    : 1;

        if (images * height * width > left) {
            images = 1;
            height = 1;
            width = left;
        }
        ASSERT_OK(feed_arrays(acc, images, height, width, sdtype,
                              scores + done * size, ldtype,
                              d.labels + done));
        ASSERT_OK(ref_feed(&ref, images, height * width, sdtype,
                           scores + done * size, ldtype, d.labels + done));
        done += images * height * width;
    }
    ref_finish(&ref);
    ASSERT_OK(prc_accumulator_finalize(acc, &res));
    check_result_against_ref(res, &ref, 1e-12);
    prc_result_free(res);
    prc_accumulator_free(acc);
    ref_free(&ref);
    free_case(&d);
}

static const size_t bin_counts[] = {1, 3, 7, 99, 255, 1000, 65536};
#define BIN_COUNT_N (sizeof bin_counts / sizeof bin_counts[0])

static void run_all_bins(prc_dtype sdtype, uint64_t seed)
{
    test_rng rng;
    size_t i;
    int rule;

    rng.state = seed;
    for (i = 0; i < BIN_COUNT_N; i++) {
        for (rule = PRC_RULE_GE; rule <= PRC_RULE_GT; rule++) {
            ref_options opt;

            ref_options_default(&opt);
            opt.bins = bin_counts[i];
            opt.rule = rule;
            opt.zero_division = (int)((i + (size_t)rule) % 3);
            run_case(&opt, sdtype, PRC_DTYPE_UINT8, 30000, &rng);
        }
    }
}

static void test_float64(void **state)
{
    (void)state;
    run_all_bins(PRC_DTYPE_FLOAT64, 1);
}

static void test_float32(void **state)
{
    (void)state;
    run_all_bins(PRC_DTYPE_FLOAT32, 2);
}

static void test_uint8(void **state)
{
    (void)state;
    run_all_bins(PRC_DTYPE_UINT8, 3);
}

/* Other label settings: BOOL labels, another ignore label, none at all,
 * and bin counts that divide 255 (uint8 scores land exactly on edges). */
static void test_label_settings_and_divisors(void **state)
{
    static const size_t divisors[] = {5, 15, 17, 51, 85, 510};
    test_rng rng = {4};
    ref_options opt;
    size_t i;
    int rule;

    (void)state;
    for (i = 0; i < sizeof divisors / sizeof divisors[0]; i++) {
        for (rule = PRC_RULE_GE; rule <= PRC_RULE_GT; rule++) {
            ref_options_default(&opt);
            opt.bins = divisors[i];
            opt.rule = rule;
            run_case(&opt, PRC_DTYPE_UINT8, PRC_DTYPE_UINT8, 3000, &rng);
        }
    }
    ref_options_default(&opt);
    opt.bins = 99;
    run_case(&opt, PRC_DTYPE_FLOAT32, PRC_DTYPE_BOOL, 5000, &rng);
    opt.ignore_label = 7;
    opt.rule = PRC_RULE_GT;
    run_case(&opt, PRC_DTYPE_FLOAT64, PRC_DTYPE_UINT8, 5000, &rng);
    opt.ignore_label = 2;
    run_case(&opt, PRC_DTYPE_FLOAT32, PRC_DTYPE_UINT8, 5000, &rng);
    opt.ignore_label = PRC_NO_IGNORE_LABEL;
    run_case(&opt, PRC_DTYPE_UINT8, PRC_DTYPE_UINT8, 5000, &rng);
}

/* A large prime bin count: almost no edge is exact in binary. */
static void test_large_prime_bins(void **state)
{
    test_rng rng = {6};
    ref_options opt;
    int rule;

    (void)state;
    for (rule = PRC_RULE_GE; rule <= PRC_RULE_GT; rule++) {
        ref_options_default(&opt);
        opt.bins = 999983;
        opt.rule = rule;
        run_case(&opt, PRC_DTYPE_FLOAT64, PRC_DTYPE_UINT8, 20000, &rng);
        run_case(&opt, PRC_DTYPE_FLOAT32, PRC_DTYPE_BOOL, 20000, &rng);
    }
}

/* Every pixel exactly on an edge, each edge once per dtype, for a bin
 * count whose edges are mostly inexact in binary. */
static void test_every_edge(void **state)
{
    static const size_t bins_list[] = {7, 1000, 65536};
    size_t b, k;
    int rule;

    (void)state;
    for (b = 0; b < 3; b++) {
        size_t bins = bins_list[b], n = 3 * (bins + 1);
        double *f64 = calloc(n, sizeof *f64);
        float *f32 = calloc(n, sizeof *f32);
        uint8_t *labels = calloc(n, 1);

        assert_non_null(f64);
        assert_non_null(f32);
        assert_non_null(labels);
        for (k = 0; k <= bins; k++) {
            double edge = (double)k / (double)bins;

            f64[3 * k] = edge;
            f64[3 * k + 1] = k > 0 ? nextafter(edge, 0.0) : 0.0;
            f64[3 * k + 2] = k < bins ? nextafter(edge, 1.0) : 1.0;
            f32[3 * k] = (float)edge;
            f32[3 * k + 1] = k > 0 ? nextafterf((float)edge, 0.0f) : 0.0f;
            f32[3 * k + 2] = k < bins ? nextafterf((float)edge, 1.0f) : 1.0f;
            labels[3 * k] = (uint8_t)(k % 2);
            labels[3 * k + 1] = 1;
            labels[3 * k + 2] = (uint8_t)(k % 3 == 0);
        }
        for (rule = PRC_RULE_GE; rule <= PRC_RULE_GT; rule++) {
            ref_options opt;
            ref_curve ref;
            prc_options *o;
            prc_accumulator *acc = NULL;
            prc_result *res = NULL;
            int pass;

            ref_options_default(&opt);
            opt.bins = bins;
            opt.rule = rule;
            for (pass = 0; pass < 2; pass++) {
                prc_dtype dt = pass ? PRC_DTYPE_FLOAT32 : PRC_DTYPE_FLOAT64;
                const void *s = pass ? (const void *)f32 : (const void *)f64;

                o = ref_make_options(&opt);
                ASSERT_OK(prc_accumulator_create(&acc, o));
                prc_options_free(o);
                ref_init(&ref, &opt);
                ASSERT_OK(feed_arrays(acc, 1, 1, n, dt, s, PRC_DTYPE_UINT8,
                                      labels));
                ASSERT_OK(ref_feed(&ref, 1, n, dt, s, PRC_DTYPE_UINT8,
                                   labels));
                ref_finish(&ref);
                ASSERT_OK(prc_accumulator_finalize(acc, &res));
                check_result_against_ref(res, &ref, 1e-12);
                prc_result_free(res);
                prc_accumulator_free(acc);
                ref_free(&ref);
            }
        }
        free(f64);
        free(f32);
        free(labels);
    }
}

/* The reference itself, checked on a small case against the definition
 * applied literally: every pixel against every threshold. */
static void test_reference_is_literal(void **state)
{
    test_rng rng = {5};
    struct case_data d;
    ref_options opt;
    ref_curve ref;
    size_t i, k;

    (void)state;
    ref_options_default(&opt);
    opt.bins = 7;
    opt.rule = PRC_RULE_GT;
    make_case(&d, &rng, 2000, opt.bins, opt.ignore_label, 0);
    ref_init(&ref, &opt);
    ASSERT_OK(ref_feed(&ref, 1, d.n, PRC_DTYPE_FLOAT32, d.f32,
                       PRC_DTYPE_UINT8, d.labels));
    ref_finish(&ref);
    for (k = 0; k <= opt.bins; k++) {
        uint64_t tp = 0, fp = 0;

        for (i = 0; i < d.n; i++) {
            if (d.labels[i] > 1)
                continue;
            if ((double)d.f32[i] > (double)k / (double)opt.bins) {
                tp += d.labels[i];
                fp += !d.labels[i];
            }
        }
        assert_int_equal(ref.tp[k], tp);
        assert_int_equal(ref.fp[k], fp);
    }
    ref_free(&ref);
    free_case(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reference_is_literal),
        cmocka_unit_test(test_float64),
        cmocka_unit_test(test_float32),
        cmocka_unit_test(test_uint8),
        cmocka_unit_test(test_label_settings_and_divisors),
        cmocka_unit_test(test_every_edge),
        cmocka_unit_test(test_large_prime_bins),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
