/*
 * test_layouts.c - every score and label type, and strided views (a
 * channel of an NCHW or NHWC tensor, a crop, a flipped view), give exactly
 * the counts of the same values fed as contiguous float64 and uint8, and
 * of the brute-force reference.
 */
#include "scale_data.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define N 2
#define H 19
#define W 23
#define PIXELS (N * H * W)

/* Binary16 bits of a double that half represents exactly (written here
 * independently of the library's decoder). */
static uint16_t half_bits(double v)
{
    int exponent;
    double mantissa;

    if (v == 0.0)
        return 0;
    mantissa = frexp(v, &exponent); /* v = mantissa * 2^exponent */
    if (exponent < -13)             /* subnormal: v = m * 2^-24 */
        return (uint16_t)ldexp(v, 24);
    return (uint16_t)(((exponent + 14) << 10)
                      | ((uint16_t)ldexp(mantissa, 11) & 0x3ff));
}

/* Scores that half, bfloat16 and uint16 all hold exactly, and the labels,
 * as the plain values the reference takes. */
static void values(double *scores, uint8_t *labels, int kind, uint64_t seed)
{
    test_rng rng = {seed};
    size_t i;

    for (i = 0; i < PIXELS; i++) {
        uint64_t r = test_rng_below(&rng, 20);

        labels[i] = r == 0 ? 255 : r < 7;
        if (kind == 2) /* uint16 */
            scores[i] = (double)test_rng_below(&rng, 65536) / 65535.0;
        else if (test_rng_below(&rng, 10) == 0)
            scores[i] = ldexp((double)test_rng_below(&rng, 1024), -24);
        else /* 8 significant bits: exact in half and in bfloat16 */
            scores[i] = (double)test_rng_below(&rng, 257) / 256.0;
    }
}

static prc_accumulator *fed_plain(const double *scores,
                                  const uint8_t *labels)
{
    prc_options *o = scale_options(256, PRC_RULE_GE, 1);
    prc_accumulator *acc = NULL;

    ASSERT_OK(prc_accumulator_create(&acc, o));
    ASSERT_OK(feed_arrays(acc, N, H, W, PRC_DTYPE_FLOAT64, scores,
                          PRC_DTYPE_UINT8, labels));
    prc_options_free(o);
    return acc;
}

static prc_accumulator *fed(prc_batch *batch)
{
    prc_options *o = scale_options(256, PRC_RULE_GE, 1);
    prc_accumulator *acc = NULL;

    ASSERT_OK(prc_accumulator_create(&acc, o));
    ASSERT_OK(prc_batch_set_shape(batch, N, H, W));
    ASSERT_OK(prc_accumulator_feed(acc, batch));
    prc_options_free(o);
    return acc;
}

static void score_types(void **unused)
{
    double scores[PIXELS];
    uint8_t labels[PIXELS];
    uint16_t bits[PIXELS];
    int kind;
    size_t i;

    (void)unused;
    for (kind = 0; kind < 3; kind++) {
        prc_accumulator *plain, *acc;
        prc_batch *batch = NULL;
        static const prc_dtype types[3] = {PRC_DTYPE_FLOAT16,
                                           PRC_DTYPE_BFLOAT16,
                                           PRC_DTYPE_UINT16};

        values(scores, labels, kind, 90 + kind);
        for (i = 0; i < PIXELS; i++) {
            float f = (float)scores[i];
            uint32_t f_bits;

            memcpy(&f_bits, &f, 4);
            bits[i] = kind == 0   ? half_bits(scores[i])
                      : kind == 1 ? (uint16_t)(f_bits >> 16)
                                  : (uint16_t)lround(scores[i] * 65535.0);
        }
        plain = fed_plain(scores, labels);
        ASSERT_OK(prc_batch_create(&batch));
        ASSERT_OK(prc_batch_set_scores(batch, types[kind], bits));
        ASSERT_OK(prc_batch_set_labels(batch, PRC_DTYPE_UINT8, labels));
        acc = fed(batch);
        scale_assert_same(acc, plain);
        prc_accumulator_free(acc);
        prc_accumulator_free(plain);
        prc_batch_free(batch);
    }
}

static void label_types(void **unused)
{
    double scores[PIXELS];
    uint8_t labels[PIXELS];
    int32_t l32[PIXELS];
    int64_t l64[PIXELS];
    prc_accumulator *plain, *a32, *a64;
    prc_batch *batch = NULL;
    size_t i;

    (void)unused;
    values(scores, labels, 0, 95);
    for (i = 0; i < PIXELS; i++)
        l32[i] = labels[i], l64[i] = labels[i];
    plain = fed_plain(scores, labels);
    ASSERT_OK(prc_batch_create(&batch));
    ASSERT_OK(prc_batch_set_scores(batch, PRC_DTYPE_FLOAT64, scores));
    ASSERT_OK(prc_batch_set_labels(batch, PRC_DTYPE_INT32, l32));
    a32 = fed(batch);
    ASSERT_OK(prc_batch_set_labels(batch, PRC_DTYPE_INT64, l64));
    a64 = fed(batch);
    scale_assert_same(a32, plain);
    scale_assert_same(a64, plain);

    /* Values a byte would wrap to 0, 1 or 255 are still unknown labels. */
    l64[PIXELS - 1] = 256 + 255;
    ASSERT_STATUS(prc_accumulator_feed(a64, batch), PRC_E_LABEL);
    assert_non_null(strstr(prc_accumulator_last_error(a64), "label 511"));
    l64[PIXELS - 1] = -1;
    ASSERT_STATUS(prc_accumulator_feed(a64, batch), PRC_E_LABEL);
    l64[PIXELS - 1] = (int64_t)1 << 40;
    ASSERT_STATUS(prc_accumulator_feed(a64, batch), PRC_E_LABEL);
    l32[0] = 257;
    ASSERT_OK(prc_batch_set_labels(batch, PRC_DTYPE_INT32, l32));
    ASSERT_STATUS(prc_accumulator_feed(a32, batch), PRC_E_LABEL);
    scale_assert_same(a32, plain);
    scale_assert_same(a64, plain);

    prc_accumulator_free(a32);
    prc_accumulator_free(a64);
    prc_accumulator_free(plain);
    prc_batch_free(batch);
}

/* Channel 1 of three, in NCHW and in NHWC float32 tensors; labels as a
 * crop of a wider int64 map, read bottom row first. */
static void strided_views(void **unused)
{
    enum { C = 3, WIDE = W + 5 };
    double scores[PIXELS];
    uint8_t labels[PIXELS];
    float *nchw = calloc(N * C * H * W, sizeof *nchw);
    float *nhwc = calloc(N * H * W * C, sizeof *nhwc);
    int64_t *wide = calloc(N * H * WIDE, sizeof *wide);
    size_t n, y, x;
    prc_accumulator *plain, *a, *b;
    prc_batch *batch = NULL;
    int64_t nchw_strides[3] = {C * H * W * 4, W * 4, 4};
    int64_t nhwc_strides[3] = {H * W * C * 4, W * C * 4, C * 4};
    int64_t flipped[3] = {H * WIDE * 8, -WIDE * 8, 8};

    (void)unused;
    assert_non_null(nchw);
    assert_non_null(nhwc);
    assert_non_null(wide);
    values(scores, labels, 1, 96); /* exact in float32 too */
    for (n = 0; n < N; n++)
        for (y = 0; y < H; y++)
            for (x = 0; x < W; x++) {
                size_t i = (n * H + y) * W + x;

                nchw[((n * C + 1) * H + y) * W + x] = (float)scores[i];
                nchw[((n * C + 0) * H + y) * W + x] = NAN; /* never read */
                nhwc[((n * H + y) * W + x) * C + 1] = (float)scores[i];
                nhwc[((n * H + y) * W + x) * C + 2] = -5.0f;
                /* Row y of image n is stored as row H - 1 - y, from
                 * column 2 on. */
                wide[(n * H + (H - 1 - y)) * WIDE + 2 + x] = labels[i];
                wide[(n * H + (H - 1 - y)) * WIDE] = 7; /* outside */
            }
    plain = fed_plain(scores, labels);

    ASSERT_OK(prc_batch_create(&batch));
    ASSERT_OK(prc_batch_set_scores(batch, PRC_DTYPE_FLOAT32,
                                   nchw + 1 * H * W));
    ASSERT_OK(prc_batch_set_score_strides(batch, nchw_strides));
    ASSERT_OK(prc_batch_set_labels(batch, PRC_DTYPE_INT64,
                                   wide + (H - 1) * WIDE + 2));
    ASSERT_OK(prc_batch_set_label_strides(batch, flipped));
    a = fed(batch);
    scale_assert_same(a, plain);

    ASSERT_OK(prc_batch_set_scores(batch, PRC_DTYPE_FLOAT32, nhwc + 1));
    ASSERT_OK(prc_batch_set_score_strides(batch, nhwc_strides));
    b = fed(batch);
    scale_assert_same(b, plain);

    /* Back to contiguous: the NHWC buffer read flat holds -5 and fails. */
    ASSERT_OK(prc_batch_set_score_strides(batch, NULL));
    ASSERT_STATUS(prc_accumulator_feed(b, batch), PRC_E_RANGE);
    scale_assert_same(b, plain);

    prc_accumulator_free(a);
    prc_accumulator_free(b);
    prc_accumulator_free(plain);
    prc_batch_free(batch);
    free(nchw);
    free(nhwc);
    free(wide);
}

static void stride_overflow(void **unused)
{
    static const float score = 0.5f;
    static const uint8_t label = 1;
    /* Two image steps of these reach past INT64_MAX. */
    int64_t huge[3] = {INT64_MAX / 2 + 1, 4, 4};
    int64_t negative[3] = {INT64_MIN / 2, 4, 4};
    prc_accumulator *acc = NULL;
    prc_batch *batch = NULL;

    (void)unused;
    ASSERT_OK(prc_accumulator_create(&acc, NULL));
    ASSERT_OK(prc_batch_create(&batch));
    ASSERT_OK(prc_batch_set_scores(batch, PRC_DTYPE_FLOAT32, &score));
    ASSERT_OK(prc_batch_set_labels(batch, PRC_DTYPE_UINT8, &label));
    ASSERT_OK(prc_batch_set_shape(batch, 3, 1, 1));
    ASSERT_OK(prc_batch_set_score_strides(batch, huge));
    ASSERT_STATUS(prc_accumulator_feed(acc, batch), PRC_E_OVERFLOW);
    ASSERT_OK(prc_batch_set_score_strides(batch, negative));
    ASSERT_STATUS(prc_accumulator_feed(acc, batch), PRC_E_OVERFLOW);
    ASSERT_OK(prc_batch_set_label_strides(batch, huge));
    ASSERT_STATUS(prc_accumulator_feed(acc, batch), PRC_E_OVERFLOW);
    /* One image: the image stride is never applied, whatever it is. */
    ASSERT_OK(prc_batch_set_shape(batch, 1, 1, 1));
    ASSERT_OK(prc_accumulator_feed(acc, batch));
    ASSERT_STATUS(prc_batch_set_score_strides(NULL, huge), PRC_E_NULL);
    prc_batch_free(batch);
    prc_accumulator_free(acc);
}

/* The text names the pixel, prints a score just past 1 as such, and does
 * not offer an ignore label for bool labels. */
static void error_texts(void **unused)
{
    double scores[2] = {0.5, 1.0 + 0x1p-52};
    uint8_t labels[2] = {1, 0};
    prc_accumulator *acc = NULL;

    (void)unused;
    ASSERT_OK(prc_accumulator_create(&acc, NULL));
    ASSERT_STATUS(feed_arrays(acc, 1, 1, 2, PRC_DTYPE_FLOAT64, scores,
                              PRC_DTYPE_UINT8, labels),
                  PRC_E_RANGE);
    assert_string_equal(prc_accumulator_last_error(acc),
                        "image 0, row 0, column 1: score 1.0000000000000002 "
                        "lies outside [0, 1]");
    scores[1] = 0.25;
    labels[0] = 255;
    ASSERT_STATUS(feed_arrays(acc, 1, 1, 2, PRC_DTYPE_FLOAT64, scores,
                              PRC_DTYPE_BOOL, labels),
                  PRC_E_LABEL);
    assert_string_equal(prc_accumulator_last_error(acc),
                        "image 0, row 0, column 0: label 255 is neither 0 "
                        "nor 1 (bool labels)");
    prc_accumulator_free(acc);
}

/* A validity mask: masked pixels count nowhere, whatever their label or
 * score (NaN, out of range, no class), exactly as the ignore label. */
static void validity_mask(void **unused)
{
    double scores[PIXELS];
    uint8_t labels[PIXELS], as_ignored[PIXELS], mask[2 * PIXELS];
    int64_t mask_strides[3] = {2 * H * W, 2 * W, 2};
    prc_accumulator *masked, *plain;
    prc_batch *batch = NULL;
    size_t i;
    int per_image;

    (void)unused;
    values(scores, labels, 0, 97);
    for (i = 0; i < PIXELS; i++) {
        int valid = i % 5 != 0;

        mask[2 * i] = (uint8_t)valid;
        mask[2 * i + 1] = 0;
        as_ignored[i] = valid ? labels[i] : 255;
    }
    for (per_image = 0; per_image <= 1; per_image++) {
        prc_options *o = scale_options(256, PRC_RULE_GE, per_image);

        ASSERT_OK(prc_accumulator_create(&masked, o));
        ASSERT_OK(prc_accumulator_create(&plain, o));
        prc_options_free(o);
        ASSERT_OK(feed_arrays(plain, N, H, W, PRC_DTYPE_FLOAT64, scores,
                              PRC_DTYPE_UINT8, as_ignored));
        /* Garbage under the mask: NaN scores and a label that is none. */
        scores[0] = NAN;
        labels[5] = 7;
        ASSERT_OK(prc_batch_create(&batch));
        ASSERT_OK(prc_batch_set_shape(batch, N, H, W));
        ASSERT_OK(prc_batch_set_scores(batch, PRC_DTYPE_FLOAT64, scores));
        ASSERT_OK(prc_batch_set_labels(batch, PRC_DTYPE_UINT8, labels));
        ASSERT_OK(prc_batch_set_mask(batch, PRC_DTYPE_BOOL, mask));
        ASSERT_OK(prc_batch_set_mask_strides(batch, mask_strides));
        ASSERT_OK(prc_accumulator_feed(masked, batch));
        scale_assert_same(masked, plain);
        /* An unmasked bad label is still refused. */
        labels[6] = 7;
        ASSERT_STATUS(prc_accumulator_feed(masked, batch), PRC_E_LABEL);
        assert_non_null(strstr(prc_accumulator_last_error(masked),
                               "column 6: label 7"));
        labels[6] = as_ignored[6];
        ASSERT_STATUS(prc_batch_set_mask(batch, PRC_DTYPE_FLOAT32, mask),
                      PRC_E_DTYPE);
        scores[0] = 0.5;
        labels[5] = as_ignored[5] == 255 ? 1 : as_ignored[5];
        prc_batch_free(batch);
        prc_accumulator_free(masked);
        prc_accumulator_free(plain);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(score_types),
        cmocka_unit_test(label_types),
        cmocka_unit_test(strided_views),
        cmocka_unit_test(stride_overflow),
        cmocka_unit_test(error_texts),
        cmocka_unit_test(validity_mask),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
