/*
 * test_kernels.c - every kernel this machine has, with 1 to 5 threads,
 * gives exactly the counts of the portable kernel fed serially, which
 * itself matches the brute-force reference; and a bad batch is refused the
 * same way, naming the same pixel, leaving nothing behind.
 */
#include "scale_data.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IMAGES 3
#define HEIGHT 37
#define WIDTH 41
#define PIXELS (IMAGES * HEIGHT * WIDTH)

static const int thread_counts[] = {1, 2, 5};
#define THREAD_CASES 3
static const size_t bin_counts[] = {1, 7, 1000, 4096, 4097, 65536};

struct data {
    float f32[PIXELS];
    double f64[PIXELS];
    uint8_t u8[PIXELS];
    uint8_t labels[PIXELS];
};

/* Scores on thresholds k / B and one ulp either side, 0, 1, -0.0, and
 * uniform ones; NaN only where the label is ignored.  `hostile` is the
 * percentage of pixels drawn from every kind; the others are uniform
 * scores with labels 0 and 1 and runs of ignored pixels, so that the
 * vector kernels' whole groups take their fast path, and the hostile
 * pixels fall inside such groups. */
static void make(struct data *d, size_t bins, uint64_t seed,
                 uint64_t hostile)
{
    test_rng rng = {seed};
    size_t i;

    for (i = 0; i < PIXELS; i++) {
        uint64_t kind = test_rng_below(&rng, 100) < hostile
                            ? test_rng_below(&rng, 10)
                            : 5;
        double t = (double)test_rng_below(&rng, bins + 1) / (double)bins;
        double s = kind == 0 ? t
                   : kind == 1 ? nextafter(t, 2.0)
                   : kind == 2 ? nextafter(t, -1.0)
                   : kind == 3 ? (double)test_rng_below(&rng, 2)
                   : kind == 4 ? -0.0
                               : test_rng_unit(&rng);
        uint64_t label = test_rng_below(&rng, 25);

        if (s < 0.0 || s > 1.0)
            s = t;
        d->labels[i] = label == 0 ? 255 : label < 8;
        if (kind == 5 && hostile < 100)
            d->labels[i] = i / 23 % 7 == 3 ? 255 : label < 8;
        d->f64[i] = d->labels[i] == 255 && kind == 5 ? NAN : s;
        d->f32[i] = kind == 1 ? nextafterf((float)t, 2.0f)
                    : kind == 2 ? nextafterf((float)t, -1.0f)
                                : (float)d->f64[i];
        if (d->f32[i] > 1.0f || d->f32[i] < 0.0f)
            d->f32[i] = (float)t;
        d->u8[i] = (uint8_t)test_rng_below(&rng, 256);
    }
}

static prc_accumulator *make_acc(size_t bins, int rule, int per_image,
                                 int kernel, int threads)
{
    prc_options *o = scale_options(bins, rule, per_image);
    prc_accumulator *acc = NULL;
    prc_status status;

    ASSERT_OK(prc_options_set(o, PRC_OPT_KERNEL, kernel));
    ASSERT_OK(prc_options_set(o, PRC_OPT_THREADS, threads));
    status = prc_accumulator_create(&acc, o);
    prc_options_free(o);
    if (status == PRC_E_UNSUPPORTED)
        return NULL;
    ASSERT_OK(status);
    return acc;
}

static const void *scores_of(const struct data *d, prc_dtype dtype)
{
    return dtype == PRC_DTYPE_FLOAT32   ? (const void *)d->f32
           : dtype == PRC_DTYPE_FLOAT64 ? (const void *)d->f64
                                        : (const void *)d->u8;
}

/* Every kernel and thread count against the portable kernel fed serially,
 * on data d made for `bins`; returns the comparisons made. */
static size_t paths_agree_on(const struct data *d, size_t bins)
{
    static const prc_dtype dtypes[3] = {PRC_DTYPE_FLOAT32, PRC_DTYPE_FLOAT64,
                                        PRC_DTYPE_UINT8};
    size_t t, x, compared = 0;
    int rule, per_image, kernel;

    for (x = 0; x < 3; x++)
        for (rule = 0; rule <= 1; rule++)
            for (per_image = 0; per_image <= (bins < 65536); per_image++) {
                prc_accumulator *base = make_acc(bins, rule, per_image,
                                                 PRC_KERNEL_SCALAR, 1);

                ASSERT_OK(feed_arrays(base, IMAGES, HEIGHT, WIDTH, dtypes[x],
                                      scores_of(d, dtypes[x]),
                                      PRC_DTYPE_UINT8, d->labels));
                for (kernel = PRC_KERNEL_SCALAR; kernel <= TEST_KERNEL_LAST;
                     kernel++)
                    for (t = 0; t < THREAD_CASES; t++) {
                        prc_accumulator *acc = make_acc(
                            bins, rule, per_image, kernel, thread_counts[t]);

                        if (acc == NULL)
                            continue;
                        ASSERT_OK(feed_arrays(acc, IMAGES, HEIGHT, WIDTH,
                                              dtypes[x],
                                              scores_of(d, dtypes[x]),
                                              PRC_DTYPE_UINT8, d->labels));
                        scale_assert_same(acc, base);
                        prc_accumulator_free(acc);
                        compared++;
                    }
                prc_accumulator_free(base);
            }
    return compared;
}

/* Both mostly clean data, where the vector kernels' fast groups carry the
 * load, and hostile data, where nearly every group has an awkward pixel. */
static void all_paths_agree(void **unused)
{
    struct data *d = malloc(sizeof *d);
    size_t b, compared = 0;

    (void)unused;
    assert_non_null(d);
    for (b = 0; b < sizeof bin_counts / sizeof *bin_counts; b++) {
        make(d, bin_counts[b], 60 + b, 2);
        compared += paths_agree_on(d, bin_counts[b]);
        make(d, bin_counts[b], 160 + b, 100);
        compared += paths_agree_on(d, bin_counts[b]);
    }
    assert_true(compared > 0);
    free(d);
}

/* The portable kernel itself against the brute-force reference on the
 * same data. */
static void scalar_matches_reference(void **unused)
{
    struct data *d = malloc(sizeof *d);
    ref_options ro;
    ref_curve ref;
    prc_accumulator *acc;
    prc_result *res = NULL;

    (void)unused;
    assert_non_null(d);
    make(d, 4097, 70, 100);
    ref_options_default(&ro);
    ro.bins = 4097;
    ro.per_image = 1;
    ref_init(&ref, &ro);
    ASSERT_OK(ref_feed(&ref, IMAGES, HEIGHT * WIDTH, PRC_DTYPE_FLOAT32,
                       d->f32, PRC_DTYPE_UINT8, d->labels));
    ref_finish(&ref);

    acc = make_acc(4097, PRC_RULE_GE, 1, PRC_KERNEL_SCALAR, 1);
    ASSERT_OK(feed_arrays(acc, IMAGES, HEIGHT, WIDTH, PRC_DTYPE_FLOAT32,
                          d->f32, PRC_DTYPE_UINT8, d->labels));
    ASSERT_OK(prc_accumulator_finalize(acc, &res));
    check_result_against_ref(res, &ref, 1e-12);

    prc_result_free(res);
    prc_accumulator_free(acc);
    ref_free(&ref);
    free(d);
}

/* A bad pixel anywhere (in the first, a middle or the last worker's
 * share) is refused with the same status and text as the portable kernel
 * gives serially, and leaves good, bad, good equal to good, good. */
static void bad_batches_agree(void **unused)
{
    static const size_t spots[] = {0, 700, PIXELS / 2, PIXELS - 1};
    struct data *d = malloc(sizeof *d);
    size_t s, t;
    int per_image, kernel;

    (void)unused;
    assert_non_null(d);
    make(d, 100, 80, 3);
    for (s = 0; s < sizeof spots / sizeof *spots; s++)
        for (per_image = 0; per_image <= 1; per_image++) {
            prc_accumulator *serial = make_acc(100, PRC_RULE_GE, per_image,
                                               PRC_KERNEL_SCALAR, 1);
            float saved = d->f32[spots[s]];
            uint8_t saved_label = d->labels[spots[s]];
            char expected[256];
            prc_status want;

            d->f32[spots[s]] = NAN;
            d->labels[spots[s]] = 1;
            want = feed_arrays(serial, IMAGES, HEIGHT, WIDTH,
                               PRC_DTYPE_FLOAT32, d->f32, PRC_DTYPE_UINT8,
                               d->labels);
            ASSERT_STATUS(want, PRC_E_NAN);
            snprintf(expected, sizeof expected, "%s",
                     prc_accumulator_last_error(serial));

            for (kernel = PRC_KERNEL_SCALAR; kernel <= TEST_KERNEL_LAST;
                 kernel++)
                for (t = 0; t < THREAD_CASES; t++) {
                    prc_accumulator *acc = make_acc(100, PRC_RULE_GE,
                                                    per_image, kernel,
                                                    thread_counts[t]);
                    prc_accumulator *twice = make_acc(100, PRC_RULE_GE,
                                                      per_image, kernel, 1);
                    float bad = d->f32[spots[s]];

                    if (acc == NULL) {
                        prc_accumulator_free(twice);
                        continue;
                    }
                    d->f32[spots[s]] = saved;
                    d->labels[spots[s]] = saved_label;
                    ASSERT_OK(feed_arrays(acc, IMAGES, HEIGHT, WIDTH,
                                          PRC_DTYPE_FLOAT32, d->f32,
                                          PRC_DTYPE_UINT8, d->labels));
                    ASSERT_OK(feed_arrays(twice, IMAGES, HEIGHT, WIDTH,
                                          PRC_DTYPE_FLOAT32, d->f32,
                                          PRC_DTYPE_UINT8, d->labels));
                    ASSERT_OK(feed_arrays(twice, IMAGES, HEIGHT, WIDTH,
                                          PRC_DTYPE_FLOAT32, d->f32,
                                          PRC_DTYPE_UINT8, d->labels));
                    d->f32[spots[s]] = bad;
                    d->labels[spots[s]] = 1;
                    ASSERT_STATUS(feed_arrays(acc, IMAGES, HEIGHT, WIDTH,
                                              PRC_DTYPE_FLOAT32, d->f32,
                                              PRC_DTYPE_UINT8, d->labels),
                                  want);
                    assert_string_equal(prc_accumulator_last_error(acc),
                                        expected);
                    d->f32[spots[s]] = saved;
                    d->labels[spots[s]] = saved_label;
                    ASSERT_OK(feed_arrays(acc, IMAGES, HEIGHT, WIDTH,
                                          PRC_DTYPE_FLOAT32, d->f32,
                                          PRC_DTYPE_UINT8, d->labels));
                    scale_assert_same(acc, twice);
                    d->f32[spots[s]] = bad;
                    d->labels[spots[s]] = 1;
                    prc_accumulator_free(acc);
                    prc_accumulator_free(twice);
                }
            d->f32[spots[s]] = saved;
            d->labels[spots[s]] = saved_label;
            prc_accumulator_free(serial);
        }
    free(d);
}

/*
 * Images long enough that runs count through the split histogram (the
 * library does so for a run of at least 8 x 4 x its cells: 64,192 pixels at
 * 1000 bins, 24,576 for uint8 scores), split between threads in the middle
 * of an image.  Every kernel and thread count matches the brute-force
 * reference, and a bad label deep inside such a run is refused with
 * nothing left behind.
 */
#define LONG_IMAGES 2
#define LONG_HEIGHT 300
#define LONG_WIDTH 301
#define LONG_PIXELS (LONG_IMAGES * LONG_HEIGHT * LONG_WIDTH)

static void long_runs_match_reference(void **unused)
{
    static const prc_dtype dtypes[2] = {PRC_DTYPE_FLOAT32, PRC_DTYPE_UINT8};
    static const size_t bins[2] = {1000, 255};
    float *f32 = malloc(LONG_PIXELS * sizeof *f32);
    uint8_t *u8 = malloc(LONG_PIXELS), *labels = malloc(LONG_PIXELS);
    test_rng rng = {90};
    size_t i, x, t, compared = 0;
    int per_image, kernel;

    (void)unused;
    assert_non_null(f32);
    assert_non_null(u8);
    assert_non_null(labels);
    /* Mostly low scores, as a segmentation model gives the background,
     * some exactly on thresholds; runs of ignored pixels. */
    for (i = 0; i < LONG_PIXELS; i++) {
        double u = test_rng_unit(&rng);
        uint64_t kind = test_rng_below(&rng, 50);

        labels[i] = i / 97 % 11 == 5 ? 255 : test_rng_below(&rng, 6) == 0;
        f32[i] = kind == 0 ? (float)((double)test_rng_below(&rng, 1001)
                                     / 1000.0)
                 : labels[i] == 1 ? (float)(0.5 + 0.5 * u)
                                  : (float)(0.3 * u * u * u);
        u8[i] = (uint8_t)(f32[i] * 255.0f + 0.5f);
    }
    for (x = 0; x < 2; x++)
        for (per_image = 0; per_image <= 1; per_image++) {
            const void *scores = x == 0 ? (const void *)f32 : (const void *)u8;
            ref_options ro;
            ref_curve ref;

            ref_options_default(&ro);
            ro.bins = bins[x];
            ro.per_image = per_image;
            ref_init(&ref, &ro);
            ASSERT_OK(ref_feed(&ref, LONG_IMAGES, LONG_HEIGHT * LONG_WIDTH,
                               dtypes[x], scores, PRC_DTYPE_UINT8, labels));
            ref_finish(&ref);
            for (kernel = PRC_KERNEL_SCALAR; kernel <= TEST_KERNEL_LAST;
                 kernel++)
                for (t = 0; t < THREAD_CASES; t++) {
                    prc_accumulator *acc = make_acc(bins[x], PRC_RULE_GE,
                                                    per_image, kernel,
                                                    thread_counts[t]);
                    prc_accumulator *once;
                    prc_result *res = NULL;
                    uint8_t saved = labels[LONG_PIXELS / 2 + 3];

                    if (acc == NULL)
                        continue;
                    ASSERT_OK(feed_arrays(acc, LONG_IMAGES, LONG_HEIGHT,
                                          LONG_WIDTH, dtypes[x], scores,
                                          PRC_DTYPE_UINT8, labels));
                    ASSERT_OK(prc_accumulator_finalize(acc, &res));
                    check_result_against_ref(res, &ref, 1e-12);
                    prc_result_free(res);

                    once = make_acc(bins[x], PRC_RULE_GE, per_image,
                                    PRC_KERNEL_SCALAR, 1);
                    ASSERT_OK(feed_arrays(once, LONG_IMAGES, LONG_HEIGHT,
                                          LONG_WIDTH, dtypes[x], scores,
                                          PRC_DTYPE_UINT8, labels));
                    labels[LONG_PIXELS / 2 + 3] = 7;
                    ASSERT_STATUS(feed_arrays(acc, LONG_IMAGES, LONG_HEIGHT,
                                              LONG_WIDTH, dtypes[x], scores,
                                              PRC_DTYPE_UINT8, labels),
                                  PRC_E_LABEL);
                    labels[LONG_PIXELS / 2 + 3] = saved;
                    scale_assert_same(acc, once);
                    prc_accumulator_free(once);
                    prc_accumulator_free(acc);
                    compared++;
                }
            ref_free(&ref);
        }
    assert_true(compared >= 2 * 2 * THREAD_CASES);
    free(f32);
    free(u8);
    free(labels);
}

/*
 * Scores within four float32 ulps of every threshold (of every seventh
 * above 5000 bins), for bin counts on both sides of the single-precision
 * limit, powers of two and not: every kernel counts them as the portable
 * one does, which compares each with the thresholds themselves.
 */
static void threshold_neighbourhoods_agree(void **unused)
{
    static const size_t bins[] = {3, 999, 1000, 4095, 4096, 65536, 100000};
    size_t b, j, n, cap = 7 * 14400 + 64;
    float *scores = malloc(cap * sizeof *scores);
    uint8_t *labels = malloc(cap);
    int kernel, rule, d;

    (void)unused;
    assert_non_null(scores);
    assert_non_null(labels);
    for (b = 0; b < sizeof bins / sizeof *bins; b++) {
        size_t step = bins[b] > 5000 ? 7 : 1;
        prc_accumulator *base;

        n = 0;
        for (j = 0; j <= bins[b]; j += step)
            for (d = -4; d <= 4; d++) {
                float s = (float)((double)j / (double)bins[b]);
                int q;

                for (q = 0; q < (d < 0 ? -d : d); q++)
                    s = nextafterf(s, d < 0 ? -1.0f : 2.0f);
                if (s < 0.0f || s > 1.0f || n == cap)
                    continue;
                scores[n] = s;
                labels[n] = (uint8_t)(n / 5 % 3 == 2);
                n++;
            }
        assert_true(n > 16);
        for (rule = PRC_RULE_GE; rule <= PRC_RULE_GT; rule++) {
            base = make_acc(bins[b], rule, 0, PRC_KERNEL_SCALAR, 1);
            ASSERT_OK(feed_arrays(base, 1, 1, n, PRC_DTYPE_FLOAT32, scores,
                                  PRC_DTYPE_UINT8, labels));
            for (kernel = PRC_KERNEL_SCALAR + 1; kernel <= TEST_KERNEL_LAST;
                 kernel++) {
                prc_accumulator *acc = make_acc(bins[b], rule, 0, kernel, 1);

                if (acc == NULL)
                    continue;
                ASSERT_OK(feed_arrays(acc, 1, 1, n, PRC_DTYPE_FLOAT32,
                                      scores, PRC_DTYPE_UINT8, labels));
                scale_assert_same(acc, base);
                prc_accumulator_free(acc);
            }
            prc_accumulator_free(base);
        }
    }
    free(scores);
    free(labels);
}

/*
 * Above 4096 cells (2045 bins) a pooled feed of at least 8 x cells pixels
 * counts into one 32-bit copy of the histogram: one image of 1024 x 1040
 * at 65536 bins (131076 cells), every kernel and thread count against the
 * brute-force reference, then a bad score deep inside refused with nothing
 * left behind.
 */
static void many_bins_match_reference(void **unused)
{
    const size_t height = 1024, width = 1040, n = height * width;
    float *scores = malloc(n * sizeof *scores);
    uint8_t *labels = malloc(n);
    test_rng rng = {110};
    ref_options ro;
    ref_curve ref;
    size_t i, t, compared = 0;
    int kernel;

    (void)unused;
    assert_non_null(scores);
    assert_non_null(labels);
    for (i = 0; i < n; i++) {
        double u = test_rng_unit(&rng);

        labels[i] = i / 61 % 13 == 6 ? 255 : test_rng_below(&rng, 5) == 0;
        scores[i] = test_rng_below(&rng, 40) == 0
                        ? (float)((double)test_rng_below(&rng, 65537)
                                  / 65536.0)
                    : labels[i] == 1 ? (float)(0.5 + 0.5 * u)
                                     : (float)(0.3 * u * u * u);
    }
    ref_options_default(&ro);
    ro.bins = 65536;
    ref_init(&ref, &ro);
    ASSERT_OK(ref_feed(&ref, 1, n, PRC_DTYPE_FLOAT32, scores,
                       PRC_DTYPE_UINT8, labels));
    ref_finish(&ref);
    for (kernel = PRC_KERNEL_SCALAR; kernel <= TEST_KERNEL_LAST; kernel++)
        for (t = 0; t < THREAD_CASES; t++) {
            prc_accumulator *acc = make_acc(65536, PRC_RULE_GE, 0, kernel,
                                            thread_counts[t]);
            prc_accumulator *once;
            prc_result *res = NULL;
            float saved = scores[n / 2 + 5];
            uint8_t saved_label = labels[n / 2 + 5];

            if (acc == NULL)
                continue;
            ASSERT_OK(feed_arrays(acc, 1, height, width, PRC_DTYPE_FLOAT32,
                                  scores, PRC_DTYPE_UINT8, labels));
            ASSERT_OK(prc_accumulator_finalize(acc, &res));
            check_result_against_ref(res, &ref, 1e-12);
            prc_result_free(res);
            once = make_acc(65536, PRC_RULE_GE, 0, PRC_KERNEL_SCALAR, 1);
            ASSERT_OK(feed_arrays(once, 1, height, width, PRC_DTYPE_FLOAT32,
                                  scores, PRC_DTYPE_UINT8, labels));
            scores[n / 2 + 5] = 1.5f;
            labels[n / 2 + 5] = 0;
            ASSERT_STATUS(feed_arrays(acc, 1, height, width,
                                      PRC_DTYPE_FLOAT32, scores,
                                      PRC_DTYPE_UINT8, labels),
                          PRC_E_RANGE);
            scores[n / 2 + 5] = saved;
            labels[n / 2 + 5] = saved_label;
            scale_assert_same(acc, once);
            prc_accumulator_free(once);
            prc_accumulator_free(acc);
            compared++;
        }
    assert_true(compared >= THREAD_CASES);
    ref_free(&ref);
    free(scores);
    free(labels);
}

/*
 * A pooled feed settles the split histogram into the state only at its
 * end, or every 2^24 pixels: two images of 2048 x 4100 (2^24 + 2^14
 * pixels) in one batch cross that, one image per batch does not; the
 * states agree.
 */
static void split_histogram_folds_midway(void **unused)
{
    const size_t plane = (size_t)2048 * 4100;
    uint8_t *scores = malloc(2 * plane), *labels = malloc(2 * plane);
    test_rng rng = {100};
    prc_accumulator *whole, *halves;
    size_t i;

    (void)unused;
    assert_non_null(scores);
    assert_non_null(labels);
    for (i = 0; i < 2 * plane; i++) {
        uint64_t r = test_rng_next(&rng);

        scores[i] = (uint8_t)(r & 0xFF) >> (r >> 8 & 3);
        labels[i] = (r >> 16 & 15) == 0 ? 255 : (r >> 20 & 3) == 0;
    }
    whole = make_acc(255, PRC_RULE_GE, 0, PRC_KERNEL_AUTO, 1);
    halves = make_acc(255, PRC_RULE_GE, 0, PRC_KERNEL_SCALAR, 1);
    ASSERT_OK(feed_arrays(whole, 2, 2048, 4100, PRC_DTYPE_UINT8, scores,
                          PRC_DTYPE_UINT8, labels));
    ASSERT_OK(feed_arrays(halves, 1, 2048, 4100, PRC_DTYPE_UINT8, scores,
                          PRC_DTYPE_UINT8, labels));
    ASSERT_OK(feed_arrays(halves, 1, 2048, 4100, PRC_DTYPE_UINT8,
                          scores + plane, PRC_DTYPE_UINT8, labels + plane));
    scale_assert_same(whole, halves);
    prc_accumulator_free(whole);
    prc_accumulator_free(halves);
    free(scores);
    free(labels);
}

/* An accumulator says which kernel it runs: the one forced, or for
 * automatic the widest this processor has (AVX-512, AVX2, SSE2, portable);
 * the option reads back as set. */
static void kernel_in_use_is_reported(void **unused)
{
    static const int widest_first[] = {PRC_KERNEL_AVX512, PRC_KERNEL_AVX2,
                                       PRC_KERNEL_SSE2, PRC_KERNEL_SCALAR};
    int available[TEST_KERNEL_LAST + 1] = {0};
    int kernel, expected = -1;
    size_t i;
    prc_accumulator *acc;
    int64_t value = -1;

    (void)unused;
    for (kernel = PRC_KERNEL_SCALAR; kernel <= TEST_KERNEL_LAST; kernel++) {
        acc = make_acc(10, PRC_RULE_GE, 0, kernel, 1);
        if (acc == NULL)
            continue;
        available[kernel] = 1;
        assert_int_equal(prc_accumulator_kernel(acc), kernel);
        prc_accumulator_free(acc);
    }
    assert_true(available[PRC_KERNEL_SCALAR]);
    for (i = 0; i < sizeof widest_first / sizeof *widest_first; i++)
        if (available[widest_first[i]]) {
            expected = widest_first[i];
            break;
        }
    acc = make_acc(10, PRC_RULE_GE, 0, PRC_KERNEL_AUTO, 1);
    assert_int_equal(prc_accumulator_kernel(acc), expected);
    ASSERT_OK(prc_accumulator_get_option(acc, PRC_OPT_KERNEL, &value));
    assert_int_equal(value, PRC_KERNEL_AUTO);
    prc_accumulator_free(acc);
    assert_int_equal(prc_accumulator_kernel(NULL), -1);
}

static void unsupported_kernel_is_refused(void **unused)
{
    prc_options *o = NULL;
    prc_accumulator *acc = (prc_accumulator *)&o;
    prc_status status;

    (void)unused;
    ASSERT_OK(prc_options_create(&o));
    ASSERT_OK(prc_options_set(o, PRC_OPT_KERNEL, PRC_KERNEL_AVX2));
    status = prc_accumulator_create(&acc, o);
    if (status == PRC_OK) {
        prc_accumulator_free(acc);
    } else {
        ASSERT_STATUS(status, PRC_E_UNSUPPORTED);
        assert_ptr_equal(acc, (prc_accumulator *)&o);
    }
    ASSERT_STATUS(prc_options_set(o, PRC_OPT_KERNEL, TEST_KERNEL_LAST + 1),
                  PRC_E_OPTION_VALUE);
    ASSERT_STATUS(prc_options_set(o, PRC_OPT_THREADS, 0), PRC_E_OPTION_VALUE);
    ASSERT_STATUS(prc_options_set(o, PRC_OPT_THREADS, 257),
                  PRC_E_OPTION_VALUE);
    prc_options_free(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(all_paths_agree),
        cmocka_unit_test(scalar_matches_reference),
        cmocka_unit_test(bad_batches_agree),
        cmocka_unit_test(long_runs_match_reference),
        cmocka_unit_test(threshold_neighbourhoods_agree),
        cmocka_unit_test(split_histogram_folds_midway),
        cmocka_unit_test(many_bins_match_reference),
        cmocka_unit_test(kernel_in_use_is_reported),
        cmocka_unit_test(unsupported_kernel_is_refused),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
