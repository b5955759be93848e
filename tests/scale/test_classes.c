/*
 * test_classes.c - a multi-class (or multi-label) accumulator equals C
 * one-class accumulators, each fed its class's channel with one-vs-rest
 * labels; its own curve equals one accumulator fed every class's channel
 * in turn (micro averaging); its macro and weighted mean APs equal the
 * means of those classes' APs.  Bad input is refused with the class named
 * and nothing counted.
 */
#include "scale_data.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define N 3
#define C 4
#define H 9
#define W 11
#define PLANE (H * W)

struct data {
    float nchw[N * C * PLANE];
    float nhwc[N * PLANE * C];
    uint8_t labels[N * PLANE];      /* class indices, 255 ignored */
    uint8_t masks[N * C * PLANE];   /* multi-label, NCHW */
    float channel[C][N * PLANE];    /* each class's channel, contiguous */
    uint8_t binary[C][N * PLANE];   /* one-vs-rest labels of a class */
    uint8_t binary_masks[C][N * PLANE];
};

static void make(struct data *d, uint64_t seed)
{
    test_rng rng = {seed};
    size_t n, c, p;

    for (n = 0; n < N; n++)
        for (p = 0; p < PLANE; p++) {
            size_t i = n * PLANE + p;
            uint64_t r = test_rng_below(&rng, 30);

            /* Class 3 never occurs: it has no positive. */
            d->labels[i] = r == 0 ? 255 : (uint8_t)(r % 3);
            for (c = 0; c < C; c++) {
                float s = (float)test_rng_unit(&rng) * 0.6f
                          + (c == d->labels[i] ? 0.4f : 0.0f);
                uint8_t mask = test_rng_below(&rng, 4) == 0
                               || c == d->labels[i];

                d->nchw[(n * C + c) * PLANE + p] = s;
                d->nhwc[i * C + c] = s;
                d->channel[c][i] = s;
                d->binary[c][i] = d->labels[i] == 255 ? 255
                                  : d->labels[i] == c;
                d->masks[(n * C + c) * PLANE + p] = mask;
                d->binary_masks[c][i] = mask;
            }
        }
}

/* NULL if the kernel is not on this machine. */
static prc_accumulator *make_kernel_acc(size_t classes, int multilabel,
                                        int per_image, int threads,
                                        int kernel)
{
    prc_options *o = scale_options(50, PRC_RULE_GE, per_image);
    prc_accumulator *acc = NULL;
    prc_status status;

    ASSERT_OK(prc_options_set(o, PRC_OPT_CLASSES, (int64_t)classes));
    ASSERT_OK(prc_options_set(o, PRC_OPT_MULTILABEL, multilabel));
    ASSERT_OK(prc_options_set(o, PRC_OPT_THREADS, threads));
    ASSERT_OK(prc_options_set(o, PRC_OPT_KERNEL, kernel));
    status = prc_accumulator_create(&acc, o);
    if (status != PRC_E_UNSUPPORTED)
        ASSERT_OK(status);
    prc_options_free(o);
    return acc;
}

static prc_accumulator *make_acc(size_t classes, int multilabel,
                                 int per_image, int threads)
{
    return make_kernel_acc(classes, multilabel, per_image, threads,
                           PRC_KERNEL_AUTO);
}

static prc_status feed_classes(prc_accumulator *acc, const float *scores,
                               int layout, const uint8_t *labels)
{
    prc_batch *b = NULL;
    prc_status status;

    ASSERT_OK(prc_batch_create(&b));
    ASSERT_OK(prc_batch_set_shape(b, N, H, W));
    ASSERT_OK(prc_batch_set_layout(b, layout));
    ASSERT_OK(prc_batch_set_scores(b, PRC_DTYPE_FLOAT32, scores));
    ASSERT_OK(prc_batch_set_labels(b, PRC_DTYPE_UINT8, labels));
    status = prc_accumulator_feed(acc, b);
    prc_batch_free(b);
    return status;
}

/* Compares every class of `res` with one-class accumulators fed the
 * channels, and the pooled curve with one fed them all. */
static void check_against_binary(const prc_result *res, struct data *d,
                                  int multilabel, int per_image)
{
    prc_accumulator *pooled = make_acc(1, 0, per_image, 1);
    prc_result *pooled_res = NULL;
    double sum = 0.0, weighted = 0.0, support = 0.0, v;
    size_t c, with = 0;

    assert_int_equal(prc_result_classes(res), C);
    for (c = 0; c < C; c++) {
        const uint8_t *labels = multilabel ? d->binary_masks[c]
                                           : d->binary[c];
        prc_accumulator *one = make_acc(1, 0, per_image, 1);
        prc_result *expected = NULL, *got = NULL;
        uint64_t positives;
        double ap;

        ASSERT_OK(feed_arrays(one, N, H, W, PRC_DTYPE_FLOAT32, d->channel[c],
                              PRC_DTYPE_UINT8, labels));
        ASSERT_OK(feed_arrays(pooled, N, H, W, PRC_DTYPE_FLOAT32,
                              d->channel[c], PRC_DTYPE_UINT8, labels));
        ASSERT_OK(prc_accumulator_finalize(one, &expected));
        ASSERT_OK(prc_result_class(res, c, &got));
        check_results_identical(got, expected);

        positives = get_tally(expected, PRC_POSITIVES);
        if (positives > 0) {
            ap = get_metric(expected, PRC_AVERAGE_PRECISION, PRC_OK);
            sum += ap;
            weighted += ap * (double)positives;
            support += (double)positives;
            with++;
        }
        prc_result_free(expected);
        prc_result_free(got);
        prc_accumulator_free(one);
    }

    /* The result's own curve is the pooled one-vs-rest problem; its
     * options say classes, so compare the numbers, not the options. */
    ASSERT_OK(prc_accumulator_finalize(pooled, &pooled_res));
    v = get_metric(res, PRC_AVERAGE_PRECISION, PRC_OK);
    assert_true(v == get_metric(pooled_res, PRC_AVERAGE_PRECISION, PRC_OK));
    assert_true(get_metric(res, PRC_MEAN_AP_MICRO, PRC_OK) == v);
    assert_int_equal(get_tally(res, PRC_PIXELS),
                     get_tally(pooled_res, PRC_PIXELS));
    assert_int_equal(get_tally(res, PRC_IMAGES),
                     get_tally(pooled_res, PRC_IMAGES));
    ASSERT_CLOSE(get_metric(res, PRC_MEAN_AP_MACRO, PRC_OK),
                 sum / (double)with, 1e-15);
    ASSERT_CLOSE(get_metric(res, PRC_MEAN_AP_WEIGHTED, PRC_OK),
                 weighted / support, 1e-15);
    assert_int_equal(get_tally(res, PRC_CLASSES_WITHOUT_POSITIVES),
                     C - with);
    prc_result_free(pooled_res);
    prc_accumulator_free(pooled);
}

static void multiclass_equals_one_vs_rest(void **unused)
{
    struct data *d = malloc(sizeof *d);
    int layout, per_image, threads, kernel;

    (void)unused;
    assert_non_null(d);
    make(d, 101);
    for (layout = PRC_LAYOUT_NCHW; layout <= PRC_LAYOUT_NHWC; layout++)
        for (per_image = 0; per_image <= 1; per_image++)
            for (threads = 1; threads <= 3; threads += 2)
            for (kernel = PRC_KERNEL_SCALAR; kernel <= TEST_KERNEL_LAST;
                 kernel++) {
                prc_accumulator *acc = make_kernel_acc(C, 0, per_image,
                                                       threads, kernel);
                prc_result *res = NULL;

                if (acc == NULL)
                    continue;
                ASSERT_OK(feed_classes(acc, layout == PRC_LAYOUT_NCHW
                                                ? d->nchw : d->nhwc,
                                       layout, d->labels));
                ASSERT_OK(prc_accumulator_finalize(acc, &res));
                check_against_binary(res, d, 0, per_image);
                prc_result_free(res);
                prc_accumulator_free(acc);
            }
    free(d);
}

static void multilabel_equals_one_vs_rest(void **unused)
{
    struct data *d = malloc(sizeof *d);
    prc_accumulator *acc;
    prc_result *res = NULL;

    (void)unused;
    assert_non_null(d);
    make(d, 102);
    /* Every class occurs in the masks. */
    acc = make_acc(C, 1, 1, 1);
    ASSERT_OK(feed_classes(acc, d->nchw, PRC_LAYOUT_NCHW, d->masks));
    ASSERT_OK(prc_accumulator_finalize(acc, &res));
    check_against_binary(res, d, 1, 1);
    prc_result_free(res);
    prc_accumulator_free(acc);
    free(d);
}

/* A strided view of the NCHW tensor, read through class strides, equals
 * the contiguous NHWC one. */
static void class_strides(void **unused)
{
    struct data *d = malloc(sizeof *d);
    int64_t strides[3] = {C * PLANE * 4, W * 4, 4};
    prc_accumulator *a = make_acc(C, 0, 0, 1), *b = make_acc(C, 0, 0, 1);
    prc_batch *batch = NULL;

    (void)unused;
    assert_non_null(d);
    make(d, 103);
    ASSERT_OK(feed_classes(a, d->nhwc, PRC_LAYOUT_NHWC, d->labels));
    ASSERT_OK(prc_batch_create(&batch));
    ASSERT_OK(prc_batch_set_shape(batch, N, H, W));
    ASSERT_OK(prc_batch_set_scores(batch, PRC_DTYPE_FLOAT32, d->nchw));
    ASSERT_OK(prc_batch_set_labels(batch, PRC_DTYPE_UINT8, d->labels));
    ASSERT_OK(prc_batch_set_score_strides(batch, strides));
    ASSERT_STATUS(prc_accumulator_feed(b, batch), PRC_E_INCOMPLETE);
    ASSERT_OK(prc_batch_set_class_strides(batch, PLANE * 4, 0));
    ASSERT_OK(prc_accumulator_feed(b, batch));
    scale_assert_same(a, b);
    ASSERT_STATUS(prc_batch_set_layout(batch, 2), PRC_E_OPTION_VALUE);
    ASSERT_STATUS(prc_batch_set_class_strides(NULL, 1, 1), PRC_E_NULL);
    prc_batch_free(batch);
    prc_accumulator_free(a);
    prc_accumulator_free(b);
    free(d);
}

/*
 * A label that is no class, or a NaN in a class's channel, refuses the
 * batch after other classes (or images) were counted: nothing stays
 * counted, whatever the mode and thread count (classes shared among 1, 2
 * or 3 threads; 5 threads for 4 classes split each class's pixels).  The
 * pixel named is the first bad one of the lowest class that has one, even
 * where a later class holds one in an earlier image.
 */
static void bad_input_in(struct data *d, int per_image, int threads)
{
    prc_accumulator *acc = make_acc(C, 0, per_image, threads);
    unsigned char *before, *after;
    size_t size, size_after;

    ASSERT_OK(feed_classes(acc, d->nchw, PRC_LAYOUT_NCHW, d->labels));
    before = scale_serialize(acc, &size);

    d->labels[PLANE + 5] = C;
    ASSERT_STATUS(feed_classes(acc, d->nchw, PRC_LAYOUT_NCHW, d->labels),
                  PRC_E_LABEL);
    /* No class named: a class index belongs to no one class. */
    assert_string_equal(prc_accumulator_last_error(acc),
                        "image 1, row 0, column 5: label 4 is neither a "
                        "class nor the ignore label");
    d->labels[PLANE + 5] = 0;
    d->nchw[(1 * C + 3) * PLANE + 7] = NAN;
    d->nchw[(2 * C + 1) * PLANE + 9] = NAN;
    ASSERT_STATUS(feed_classes(acc, d->nchw, PRC_LAYOUT_NCHW, d->labels),
                  PRC_E_NAN);
    assert_string_equal(prc_accumulator_last_error(acc),
                        "image 2, row 0, column 9, class 1: score nan "
                        "is NaN");
    d->nchw[(2 * C + 1) * PLANE + 9] = 0.5f;
    ASSERT_STATUS(feed_classes(acc, d->nchw, PRC_LAYOUT_NCHW, d->labels),
                  PRC_E_NAN);
    assert_string_equal(prc_accumulator_last_error(acc),
                        "image 1, row 0, column 7, class 3: score nan "
                        "is NaN");
    d->nchw[(1 * C + 3) * PLANE + 7] = 0.5f;
    after = scale_serialize(acc, &size_after);
    assert_int_equal(size_after, size);
    assert_memory_equal(after, before, size);
    free(before);
    free(after);
    prc_accumulator_free(acc);
}

static void bad_input_changes_nothing(void **unused)
{
    static const int threads[] = {1, 2, 3, 5};
    struct data *d = malloc(sizeof *d);
    prc_accumulator *acc;
    prc_options *o = NULL;
    int per_image;
    size_t t;

    (void)unused;
    assert_non_null(d);
    make(d, 104);
    for (per_image = 0; per_image <= 1; per_image++)
        for (t = 0; t < sizeof threads / sizeof *threads; t++)
            bad_input_in(d, per_image, threads[t]);
    acc = make_acc(C, 0, 1, 1);

    /* bool labels cannot name one of three classes. */
    {
        prc_batch *b = NULL;

        ASSERT_OK(prc_batch_create(&b));
        ASSERT_OK(prc_batch_set_shape(b, N, H, W));
        ASSERT_OK(prc_batch_set_scores(b, PRC_DTYPE_FLOAT32, d->nchw));
        ASSERT_OK(prc_batch_set_labels(b, PRC_DTYPE_BOOL, d->labels));
        ASSERT_STATUS(prc_accumulator_feed(acc, b), PRC_E_DTYPE);
        /* A contiguous N x H x W x C array whose byte size passes
         * INT64_MAX is refused before anything is read. */
        ASSERT_OK(prc_batch_set_labels(b, PRC_DTYPE_UINT8, d->labels));
        ASSERT_OK(prc_batch_set_layout(b, PRC_LAYOUT_NHWC));
        ASSERT_OK(prc_batch_set_shape(b, 1, (size_t)1 << 30,
                                      (size_t)1 << 30)); /* 2^64 bytes */
        ASSERT_STATUS(prc_accumulator_feed(acc, b), PRC_E_OVERFLOW);
        prc_batch_free(b);
    }

    /* Class indices must lie below the ignore label. */
    ASSERT_OK(prc_options_create(&o));
    ASSERT_OK(prc_options_set(o, PRC_OPT_CLASSES, 3));
    ASSERT_OK(prc_options_set(o, PRC_OPT_IGNORE_LABEL, 2));
    prc_accumulator_free(acc);
    acc = NULL;
    ASSERT_STATUS(prc_accumulator_create(&acc, o), PRC_E_OPTION_VALUE);
    ASSERT_OK(prc_options_set(o, PRC_OPT_MULTILABEL, 1));
    ASSERT_OK(prc_accumulator_create(&acc, o));

    prc_options_free(o);
    prc_accumulator_free(acc);
    free(d);
}

/*
 * The same on images long enough to count through the split histogram
 * (2 images of 64 x 64 at 50 bins), with a NaN in some classes only, so
 * that some threads finish their classes before the batch is refused: the
 * state is as it was, and a good batch then counts exactly as it does on
 * an accumulator that never saw the bad one.  Class indices and
 * multi-label masks, both modes, 1, 2, 3 and 5 threads.
 */
#define LONG_SIDE 64
#define LONG_PLANE (LONG_SIDE * LONG_SIDE)

static prc_status feed_long(prc_accumulator *acc, const float *scores,
                            const uint8_t *labels)
{
    prc_batch *b = NULL;
    prc_status status;

    ASSERT_OK(prc_batch_create(&b));
    ASSERT_OK(prc_batch_set_shape(b, 2, LONG_SIDE, LONG_SIDE));
    ASSERT_OK(prc_batch_set_scores(b, PRC_DTYPE_FLOAT32, scores));
    ASSERT_OK(prc_batch_set_labels(b, PRC_DTYPE_UINT8, labels));
    status = prc_accumulator_feed(acc, b);
    prc_batch_free(b);
    return status;
}

static void bad_classes_on_long_images(void **unused)
{
    static const int threads[] = {1, 2, 3, 5};
    static const size_t bad[3][2] = {{1, 1}, {3, 3}, {0, 2}};
    float *scores = malloc(2 * C * LONG_PLANE * sizeof *scores);
    uint8_t *labels = malloc(2 * C * LONG_PLANE);
    test_rng rng = {105};
    int multilabel, per_image;
    size_t i, t, k;

    (void)unused;
    assert_non_null(scores);
    assert_non_null(labels);
    for (i = 0; i < 2 * C * LONG_PLANE; i++)
        scores[i] = (float)test_rng_unit(&rng);
    for (multilabel = 0; multilabel <= 1; multilabel++) {
        /* Class indices (255 ignored), or a 0/1 mask per class. */
        for (i = 0; i < 2 * C * LONG_PLANE; i++)
            labels[i] = multilabel ? (uint8_t)test_rng_below(&rng, 2)
                        : i % 29 == 0 ? 255
                                      : (uint8_t)(i * 7 % C);
        for (per_image = 0; per_image <= 1; per_image++)
            for (t = 0; t < sizeof threads / sizeof *threads; t++)
                for (k = 0; k < 3; k++) {
                    prc_accumulator *acc = make_acc(C, multilabel,
                                                    per_image, threads[t]);
                    prc_accumulator *fresh = make_acc(C, multilabel,
                                                      per_image, 1);
                    size_t at0 = (1 * C + bad[k][0]) * LONG_PLANE + 77;
                    size_t at1 = (0 * C + bad[k][1]) * LONG_PLANE + 3001;
                    float saved0 = scores[at0], saved1 = scores[at1];
                    unsigned char *before, *after;
                    size_t size, size_after;

                    ASSERT_OK(feed_long(acc, scores, labels));
                    ASSERT_OK(feed_long(fresh, scores, labels));
                    ASSERT_OK(feed_long(fresh, scores, labels));
                    before = scale_serialize(acc, &size);
                    scores[at0] = NAN;
                    scores[at1] = NAN;
                    ASSERT_STATUS(feed_long(acc, scores, labels),
                                  PRC_E_NAN);
                    scores[at0] = saved0;
                    scores[at1] = saved1;
                    after = scale_serialize(acc, &size_after);
                    assert_int_equal(size_after, size);
                    assert_memory_equal(after, before, size);
                    ASSERT_OK(feed_long(acc, scores, labels));
                    scale_assert_same(acc, fresh);
                    free(before);
                    free(after);
                    prc_accumulator_free(acc);
                    prc_accumulator_free(fresh);
                }
    }
    free(scores);
    free(labels);
}

/* Merged and deserialized multi-class states equal the single pass. */
static void merge_and_serialize(void **unused)
{
    struct data *d = malloc(sizeof *d);
    prc_accumulator *whole = make_acc(C, 0, 1, 1), *part = make_acc(C, 0, 1, 1);
    prc_accumulator *back = NULL;
    unsigned char *bytes;
    size_t size;

    (void)unused;
    assert_non_null(d);
    make(d, 105);
    ASSERT_OK(feed_classes(whole, d->nchw, PRC_LAYOUT_NCHW, d->labels));
    ASSERT_OK(feed_classes(whole, d->nchw, PRC_LAYOUT_NCHW, d->labels));
    ASSERT_OK(feed_classes(part, d->nchw, PRC_LAYOUT_NCHW, d->labels));
    bytes = scale_serialize(part, &size);
    ASSERT_OK(prc_accumulator_deserialize(&back, bytes, size));
    ASSERT_OK(prc_accumulator_merge(back, part));
    scale_assert_same(back, whole);
    free(bytes);
    prc_accumulator_free(back);
    prc_accumulator_free(part);
    prc_accumulator_free(whole);
    free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(multiclass_equals_one_vs_rest),
        cmocka_unit_test(multilabel_equals_one_vs_rest),
        cmocka_unit_test(class_strides),
        cmocka_unit_test(bad_input_changes_nothing),
        cmocka_unit_test(bad_classes_on_long_images),
        cmocka_unit_test(merge_and_serialize),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
