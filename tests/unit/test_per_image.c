/*
 * test_per_image.c - per-image (macro) curves: the mean over images of each
 * image's precision and recall, the AP and trapezoidal area of that mean
 * curve, and the mean of the images' own APs, against a hand-worked case
 * and the brute-force reference; how images are split into batches must
 * not matter; finalize twice, feed after finalize, reset.
 */
#include "support.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static prc_accumulator *make_acc(const ref_options *opt)
{
    prc_options *o = ref_make_options(opt);
    prc_accumulator *acc = NULL;

    ASSERT_OK(prc_accumulator_create(&acc, o));
    prc_options_free(o);
    return acc;
}

static prc_result *finalize(const prc_accumulator *acc)
{
    prc_result *res = NULL;

    ASSERT_OK(prc_accumulator_finalize(acc, &res));
    assert_non_null(res);
    return res;
}

/*
 * Three 2 x 2 images, B = 2 (thresholds 0, 0.5, 1), rule GE:
 *   A: scores 0.2 0.6 0.4 0.8, labels 1 1 0 0
 *   B: scores 0.5 0.9 0.3 0.1, labels 0 0 255 255 (no positive)
 *   C: every label 255: not an image at all.
 *
 *   image A   k=0: TP 2 FP 2: P 1/2, R 1
 *             k=1: 0.6 (1), 0.8 (0): TP 1 FP 1: P 1/2, R 1/2
 *             k=2: nothing passes: P z, R 0
 *   image B   k=0: FP 2: P 0;  k=1: 0.5, 0.9: FP 2: P 0;  k=2: P z.
 *             R = z on every row (no positive).
 *
 * z = 0:  mean P = 1/4, 1/4, 0;  mean R = 1/2, 1/4, 0.
 *   AP of the mean curve = (1/2-1/4)(1/4) + (1/4-0)(1/4) + 0 = 1/8
 *   trapezoid = (1/4)(1/4+1/4)/2 + (1/4)(1/4+0)/2 = 1/16 + 1/32 = 3/32
 *   A's own AP = (1-1/2)(1/2) + (1/2-0)(1/2) = 1/2; B has no positive, so
 *   the mean image AP is 1/2.
 * z = 1:  A: P = 1/2, 1/2, 1;  B: P = 0, 0, 1, R = 1, 1, 1.
 *   mean P = 1/4, 1/4, 1;  mean R = 1, 3/4, 1/2.
 *   AP = (1-3/4)(1/4) + (3/4-1/2)(1/4) + (1/2-0)(1) = 1/16 + 1/16 + 1/2
 *      = 5/8
 *   trapezoid = (1/4)(1/4+1/4)/2 + (1/4)(1/4+1)/2 = 1/16 + 5/32 = 7/32
 *   A's own AP: row 2 has no predicted positive and adds nothing: 1/2.
 * Tallies: 2 images, 1 without positives; 6 pixels counted (2 positive),
 * 6 ignored.
 *
 * z = NaN, image A alone (B left out: its NaN recall would make the whole
 * mean recall NaN): mean P = 1/2, 1/2, NaN; mean R = 1, 1/2, 0.
 *   AP = (1-1/2)(1/2) + (1/2-0)(1/2) + [zero-width step at row 2 adds
 *        nothing, NaN or not] = 1/2
 *   trapezoid = (1/2)(1/2+1/2)/2 + (1/2)(1/2+NaN)/2 = NaN
 *   mean image AP = A's AP = 1/2.
 */
static void test_hand_worked(void **state)
{
    const double scores[12] = {0.2, 0.6, 0.4, 0.8, 0.5, 0.9,
                               0.3, 0.1, 0.0, 0.0, 1.0, 1.0};
    const uint8_t labels[12] = {1, 1, 0, 0, 0, 0, 255, 255,
                                255, 255, 255, 255};
    const double mean_p[2][3] = {{0.25, 0.25, 0.0}, {0.25, 0.25, 1.0}};
    const double mean_r[2][3] = {{0.5, 0.25, 0.0}, {1.0, 0.75, 0.5}};
    const double ap[2] = {1.0 / 8, 5.0 / 8};
    const double trapezoid[2] = {3.0 / 32, 7.0 / 32};
    ref_options opt;
    int z;

    (void)state;
    for (z = 0; z <= 1; z++) {
        prc_accumulator *acc;
        prc_result *res;
        double got[3];
        size_t k;

        ref_options_default(&opt);
        opt.bins = 2;
        opt.zero_division = z;
        opt.per_image = 1;
        acc = make_acc(&opt);
        ASSERT_OK(feed_arrays(acc, 3, 2, 2, PRC_DTYPE_FLOAT64, scores,
                              PRC_DTYPE_UINT8, labels));
        res = finalize(acc);
        ASSERT_OK(prc_result_column(res, PRC_COL_IMAGE_PRECISION, 0, 3, got));
        for (k = 0; k < 3; k++)
            ASSERT_CLOSE(got[k], mean_p[z][k], 1e-15);
        ASSERT_OK(prc_result_column(res, PRC_COL_IMAGE_RECALL, 0, 3, got));
        for (k = 0; k < 3; k++)
            ASSERT_CLOSE(got[k], mean_r[z][k], 1e-15);
        ASSERT_CLOSE(get_metric(res, PRC_IMAGE_AVERAGE_PRECISION, PRC_OK),
                     ap[z], 1e-15);
        ASSERT_CLOSE(get_metric(res, PRC_IMAGE_AUPRC_TRAPEZOID, PRC_OK),
                     trapezoid[z], 1e-15);
        ASSERT_CLOSE(
            get_metric(res, PRC_MEAN_IMAGE_AVERAGE_PRECISION, PRC_OK), 0.5,
            1e-15);
        assert_int_equal(get_tally(res, PRC_IMAGES), 2);
        assert_int_equal(get_tally(res, PRC_IMAGES_WITHOUT_POSITIVES), 1);
        assert_int_equal(get_tally(res, PRC_PIXELS), 6);
        assert_int_equal(get_tally(res, PRC_POSITIVES), 2);
        assert_int_equal(get_tally(res, PRC_IGNORED), 6);
        prc_result_free(res);
        prc_accumulator_free(acc);
    }
}

static void test_hand_worked_nan(void **state)
{
    const double scores[8] = {0.2, 0.6, 0.4, 0.8, 0.0, 0.0, 1.0, 1.0};
    const uint8_t labels[8] = {1, 1, 0, 0, 255, 255, 255, 255};
    const double mean_p[3] = {0.5, 0.5, NAN}, mean_r[3] = {1.0, 0.5, 0.0};
    ref_options opt;
    prc_accumulator *acc;
    prc_result *res;
    double got[3];
    size_t k;

    (void)state;
    ref_options_default(&opt);
    opt.bins = 2;
    opt.zero_division = PRC_ZERO_DIVISION_NAN;
    opt.per_image = 1;
    acc = make_acc(&opt);
    ASSERT_OK(feed_arrays(acc, 2, 2, 2, PRC_DTYPE_FLOAT64, scores,
                          PRC_DTYPE_UINT8, labels));
    res = finalize(acc);
    ASSERT_OK(prc_result_column(res, PRC_COL_IMAGE_PRECISION, 0, 3, got));
    for (k = 0; k < 3; k++)
        ASSERT_CLOSE(got[k], mean_p[k], 1e-15);
    ASSERT_OK(prc_result_column(res, PRC_COL_IMAGE_RECALL, 0, 3, got));
    for (k = 0; k < 3; k++)
        ASSERT_CLOSE(got[k], mean_r[k], 1e-15);
    ASSERT_CLOSE(get_metric(res, PRC_IMAGE_AVERAGE_PRECISION, PRC_OK), 0.5,
                 1e-15);
    assert_true(isnan(get_metric(res, PRC_IMAGE_AUPRC_TRAPEZOID, PRC_OK)));
    ASSERT_CLOSE(get_metric(res, PRC_MEAN_IMAGE_AVERAGE_PRECISION, PRC_OK),
                 0.5, 1e-15);
    assert_int_equal(get_tally(res, PRC_IMAGES), 1);
    prc_result_free(res);
    prc_accumulator_free(acc);
}

/* ------------------------------------------------------------------------ */
/* Random images against the reference                                      */
/* ------------------------------------------------------------------------ */

struct image_set {
    size_t images, height, width, plane;
    float *scores;
    uint8_t *labels;
};

/* Random images, with special ones mixed in: all ignored, all skipped (NaN
 * scores under the SKIP policy), no positive (unless `positives_everywhere`),
 * all positive.  Scores stay below 1, so the top rows have no predicted
 * positive in any image. */
static void make_images(struct image_set *s, test_rng *rng, size_t images,
                        size_t height, size_t width, int with_nan,
                        int positives_everywhere)
{
    size_t img, i;

    s->images = images;
    s->height = height;
    s->width = width;
    s->plane = height * width;
    s->scores = calloc(images * s->plane, sizeof *s->scores);
    s->labels = calloc(images * s->plane, 1);
    assert_non_null(s->scores);
    assert_non_null(s->labels);
    for (img = 0; img < images; img++) {
        uint64_t kind = test_rng_below(rng, 8);
        double base = test_rng_unit(rng);

        if (kind == 1 && positives_everywhere)
            kind = 2;

        for (i = img * s->plane; i < (img + 1) * s->plane; i++) {
            double u = test_rng_unit(rng);
            float score = (float)(0.5 * base + 0.5 * u);
            uint8_t label = (uint8_t)(test_rng_unit(rng) < 0.6 * u + 0.1);

            if (test_rng_below(rng, 10) == 0)
                label = 255;
            if (kind == 0)
                label = 255;
            else if (kind == 1)
                label = label == 1 ? 0 : label;
            else if (kind == 2)
                label = label == 0 ? 1 : label;
            else if (kind == 3 && with_nan && label != 255)
                score = NAN;
            if (with_nan && test_rng_below(rng, 40) == 0)
                score = NAN;
            s->scores[i] = score;
            s->labels[i] = label;
        }
    }
}

static void free_images(struct image_set *s)
{
    free(s->scores);
    free(s->labels);
}

/* Feeds images [first, first + count) as one batch to acc (and ref). */
static void feed_range(prc_accumulator *acc, ref_curve *ref,
                       const struct image_set *s, size_t first, size_t count)
{
    const float *scores = s->scores + first * s->plane;
    const uint8_t *labels = s->labels + first * s->plane;

    ASSERT_OK(feed_arrays(acc, count, s->height, s->width, PRC_DTYPE_FLOAT32,
                          scores, PRC_DTYPE_UINT8, labels));
    if (ref != NULL)
        ASSERT_OK(ref_feed(ref, count, s->plane, PRC_DTYPE_FLOAT32, scores,
                           PRC_DTYPE_UINT8, labels));
}

static void test_against_reference(void **state)
{
    static const size_t bins_list[] = {1, 7, 100, 1000};
    test_rng rng = {11};
    size_t b;
    int rule, z;

    (void)state;
    for (b = 0; b < sizeof bins_list / sizeof bins_list[0]; b++) {
        for (rule = PRC_RULE_GE; rule <= PRC_RULE_GT; rule++) {
            for (z = 0; z <= 2; z++) {
                struct image_set s;
                ref_options opt;
                ref_curve ref;
                prc_accumulator *acc;
                prc_result *res;
                size_t done = 0;

                ref_options_default(&opt);
                opt.bins = bins_list[b];
                opt.rule = rule;
                opt.zero_division = z;
                opt.per_image = 1;
                opt.nan_policy = PRC_POLICY_SKIP;
                /* Under NaN zero division one image without positives
                 * makes the whole mean recall NaN; leave them out there so
                 * the NaN precision of empty rows is what gets tested. */
                make_images(&s, &rng, 24, 6, 9, 1,
                            z == PRC_ZERO_DIVISION_NAN);
                acc = make_acc(&opt);
                ref_init(&ref, &opt);
                while (done < s.images) {
                    size_t count = 1 + (size_t)test_rng_below(&rng, 6);

                    if (count > s.images - done)
                        count = s.images - done;
                    feed_range(acc, &ref, &s, done, count);
                    done += count;
                }
                ref_finish(&ref);
                res = finalize(acc);
                check_result_against_ref(res, &ref, 1e-12);
                prc_result_free(res);
                prc_accumulator_free(acc);
                ref_free(&ref);
                free_images(&s);
            }
        }
    }
}

/* uint8 scores with BOOL labels, B = 255 (every score on an edge), and
 * float64 scores with ignore label 9, against the reference. */
static void test_other_dtypes(void **state)
{
    const size_t images = 9, plane = 7 * 13, n = images * plane;
    test_rng rng = {14};
    uint8_t *u8 = calloc(n, 1), *labels = calloc(n, 1);
    double *f64 = calloc(n, sizeof *f64);
    size_t i;
    int rule;

    (void)state;
    assert_non_null(u8);
    assert_non_null(labels);
    assert_non_null(f64);
    for (i = 0; i < n; i++) {
        u8[i] = (uint8_t)test_rng_below(&rng, 256);
        f64[i] = u8[i] / 255.0;
        labels[i] = (uint8_t)(test_rng_below(&rng, 255) < u8[i]);
    }
    for (rule = PRC_RULE_GE; rule <= PRC_RULE_GT; rule++) {
        int pass;

        for (pass = 0; pass < 2; pass++) {
            ref_options opt;
            ref_curve ref;
            prc_accumulator *acc;
            prc_result *res;
            prc_dtype sd = pass ? PRC_DTYPE_FLOAT64 : PRC_DTYPE_UINT8;
            prc_dtype ld = pass ? PRC_DTYPE_UINT8 : PRC_DTYPE_BOOL;
            const void *scores = pass ? (const void *)f64 : (const void *)u8;

            ref_options_default(&opt);
            opt.bins = 255;
            opt.rule = rule;
            opt.per_image = 1;
            opt.ignore_label = 9;
            if (pass)
                for (i = 0; i < n; i += 5)
                    labels[i] = 9;
            acc = make_acc(&opt);
            ref_init(&ref, &opt);
            ASSERT_OK(feed_arrays(acc, images, 7, 13, sd, scores, ld,
                                  labels));
            ASSERT_OK(ref_feed(&ref, images, plane, sd, scores, ld, labels));
            ref_finish(&ref);
            res = finalize(acc);
            check_result_against_ref(res, &ref, 1e-12);
            prc_result_free(res);
            prc_accumulator_free(acc);
            ref_free(&ref);
        }
        for (i = 0; i < n; i++)
            labels[i] = (uint8_t)(test_rng_below(&rng, 255) < u8[i]);
    }
    free(u8);
    free(labels);
    free(f64);
}

/* Only images without positives: the mean image AP is undefined. */
static void test_no_image_with_positives(void **state)
{
    const float scores[8] = {0.1f, 0.9f, 0.5f, 0.7f, 0.2f, 0.3f, 0.4f, 0.6f};
    const uint8_t labels[8] = {0, 0, 255, 0, 0, 0, 0, 255};
    ref_options opt;
    ref_curve ref;
    prc_accumulator *acc;
    prc_result *res;

    (void)state;
    ref_options_default(&opt);
    opt.bins = 5;
    opt.per_image = 1;
    acc = make_acc(&opt);
    ref_init(&ref, &opt);
    ASSERT_OK(feed_arrays(acc, 2, 2, 2, PRC_DTYPE_FLOAT32, scores,
                          PRC_DTYPE_UINT8, labels));
    ASSERT_OK(ref_feed(&ref, 2, 4, PRC_DTYPE_FLOAT32, scores,
                       PRC_DTYPE_UINT8, labels));
    ref_finish(&ref);
    res = finalize(acc);
    assert_int_equal(get_tally(res, PRC_IMAGES), 2);
    assert_int_equal(get_tally(res, PRC_IMAGES_WITHOUT_POSITIVES), 2);
    check_result_against_ref(res, &ref, 1e-12);
    prc_result_free(res);
    prc_accumulator_free(acc);
    ref_free(&ref);
}

/* Nothing counted yet: the per-image columns say PRC_E_NO_IMAGES, and the
 * per-image metrics are NaN with a status saying they are undefined. */
static void test_no_images(void **state)
{
    const double scores[4] = {NAN, 0.5, 0.5, 2.0};
    const uint8_t labels[4] = {255, 255, 255, 255};
    ref_options opt;
    prc_accumulator *acc;
    int pass;

    (void)state;
    ref_options_default(&opt);
    opt.per_image = 1;
    acc = make_acc(&opt);
    for (pass = 0; pass < 2; pass++) {
        prc_result *res;
        double v[2];
        int m;

        if (pass == 1) /* an all-ignored batch counts no image */
            ASSERT_OK(feed_arrays(acc, 2, 1, 2, PRC_DTYPE_FLOAT64, scores,
                                  PRC_DTYPE_UINT8, labels));
        res = finalize(acc);
        assert_int_equal(get_tally(res, PRC_IMAGES), 0);
        assert_int_equal(get_tally(res, PRC_IMAGES_WITHOUT_POSITIVES), 0);
        ASSERT_STATUS(
            prc_result_column(res, PRC_COL_IMAGE_PRECISION, 0, 2, v),
            PRC_E_NO_IMAGES);
        ASSERT_STATUS(prc_result_column(res, PRC_COL_IMAGE_RECALL, 0, 2, v),
                      PRC_E_NO_IMAGES);
        for (m = PRC_IMAGE_AVERAGE_PRECISION;
             m <= PRC_MEAN_IMAGE_AVERAGE_PRECISION; m++) {
            double x = 0.0;
            int st = prc_result_metric(res, (prc_metric)m, &x);

            if (st != PRC_E_NO_IMAGES && st != PRC_E_NO_POSITIVES)
                TEST_FAIL("metric %d with no image: %s", m,
                          prc_status_name(st));
            assert_true(isnan(x));
        }
        prc_result_free(res);
    }
    prc_accumulator_free(acc);
}

/* ------------------------------------------------------------------------ */
/* Batching, finalize, reset                                                */
/* ------------------------------------------------------------------------ */

/* The same images fed all at once, one per batch, or in random runs give
 * identical results, bit for bit. */
static void test_batching_does_not_matter(void **state)
{
    test_rng rng = {12};
    struct image_set s;
    ref_options opt;
    prc_accumulator *all, *single, *runs;
    prc_result *r_all, *r_single, *r_runs;
    size_t i, done = 0;

    (void)state;
    ref_options_default(&opt);
    opt.bins = 64;
    opt.per_image = 1;
    opt.zero_division = PRC_ZERO_DIVISION_ONE;
    opt.nan_policy = PRC_POLICY_SKIP;
    make_images(&s, &rng, 40, 12, 11, 1, 0);
    all = make_acc(&opt);
    single = make_acc(&opt);
    runs = make_acc(&opt);
    feed_range(all, NULL, &s, 0, s.images);
    for (i = 0; i < s.images; i++)
        feed_range(single, NULL, &s, i, 1);
    while (done < s.images) {
        size_t count = 1 + (size_t)test_rng_below(&rng, 9);

        if (count > s.images - done)
            count = s.images - done;
        feed_range(runs, NULL, &s, done, count);
        done += count;
    }
    r_all = finalize(all);
    r_single = finalize(single);
    r_runs = finalize(runs);
    check_results_identical(r_all, r_single);
    check_results_identical(r_all, r_runs);
    prc_result_free(r_all);
    prc_result_free(r_single);
    prc_result_free(r_runs);
    prc_accumulator_free(all);
    prc_accumulator_free(single);
    prc_accumulator_free(runs);
    free_images(&s);
}

static void test_finalize_feed_reset(void **state)
{
    test_rng rng = {13};
    struct image_set s;
    ref_options opt;
    ref_curve ref_first, ref_all;
    prc_accumulator *acc, *fresh;
    prc_result *r1, *r2, *r3, *r4, *r_fresh;
    int64_t bins = 0;

    (void)state;
    ref_options_default(&opt);
    opt.bins = 20;
    opt.rule = PRC_RULE_GT;
    opt.per_image = 1;
    make_images(&s, &rng, 10, 5, 5, 0, 0);
    acc = make_acc(&opt);
    ref_init(&ref_first, &opt);
    ref_init(&ref_all, &opt);

    feed_range(acc, &ref_first, &s, 0, 4);
    ASSERT_OK(ref_feed(&ref_all, 4, s.plane, PRC_DTYPE_FLOAT32, s.scores,
                       PRC_DTYPE_UINT8, s.labels));
    ref_finish(&ref_first);
    /* Finalize twice: the same result, and the accumulator unchanged. */
    r1 = finalize(acc);
    r2 = finalize(acc);
    check_results_identical(r1, r2);
    check_result_against_ref(r1, &ref_first, 1e-12);

    /* Feed after finalize: the old result stays as it was. */
    feed_range(acc, &ref_all, &s, 4, 6);
    ref_finish(&ref_all);
    r3 = finalize(acc);
    check_result_against_ref(r1, &ref_first, 1e-12);
    check_result_against_ref(r3, &ref_all, 1e-12);

    /* Reset: as fresh as a new accumulator, options kept. */
    prc_accumulator_reset(acc);
    ASSERT_OK(prc_accumulator_get_option(acc, PRC_OPT_BINS, &bins));
    assert_int_equal(bins, 20);
    fresh = make_acc(&opt);
    r4 = finalize(acc);
    r_fresh = finalize(fresh);
    check_results_identical(r4, r_fresh);
    assert_int_equal(get_tally(r4, PRC_IMAGES), 0);
    assert_int_equal(get_tally(r4, PRC_PIXELS), 0);
    prc_result_free(r4);
    prc_result_free(r_fresh);

    /* Fed again after the reset: only the new data counts. */
    feed_range(acc, NULL, &s, 0, 4);
    feed_range(fresh, NULL, &s, 0, 4);
    r4 = finalize(acc);
    r_fresh = finalize(fresh);
    check_results_identical(r4, r_fresh);
    check_result_against_ref(r4, &ref_first, 1e-12);

    /* Results outlive their accumulator. */
    prc_accumulator_free(acc);
    check_result_against_ref(r3, &ref_all, 1e-12);
    prc_result_free(r1);
    prc_result_free(r2);
    prc_result_free(r3);
    prc_result_free(r4);
    prc_result_free(r_fresh);
    prc_accumulator_free(fresh);
    prc_accumulator_reset(NULL);
    ref_free(&ref_first);
    ref_free(&ref_all);
    free_images(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_worked),
        cmocka_unit_test(test_hand_worked_nan),
        cmocka_unit_test(test_against_reference),
        cmocka_unit_test(test_other_dtypes),
        cmocka_unit_test(test_no_image_with_positives),
        cmocka_unit_test(test_no_images),
        cmocka_unit_test(test_batching_does_not_matter),
        cmocka_unit_test(test_finalize_feed_reset),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
