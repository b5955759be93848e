/*
 * scale_data.c - see scale_data.h.
 */
#include "scale_data.h"

#include <stdlib.h>
#include <string.h>

void scale_data_make(scale_data *d, size_t images, size_t height,
                     size_t width, uint64_t seed)
{
    size_t n = images * height * width, i;
    test_rng rng = {seed};

    d->images = images;
    d->height = height;
    d->width = width;
    d->scores = malloc(n * sizeof *d->scores);
    d->labels = malloc(n);
    assert_non_null(d->scores);
    assert_non_null(d->labels);

    for (i = 0; i < n; i++) {
        uint64_t r = test_rng_below(&rng, 100);
        size_t image = i / (height * width);

        /* Image 1 has no positive; about 3 % of pixels are ignored. */
        d->labels[i] = r < 3 ? 255 : (r < 30 && image != 1);
        d->scores[i] = (float)(d->labels[i] == 1
                                   ? 0.3 + 0.7 * test_rng_unit(&rng)
                                   : 0.8 * test_rng_unit(&rng));
    }
}

void scale_data_free(scale_data *d)
{
    free(d->scores);
    free(d->labels);
}

prc_options *scale_options(size_t bins, int rule, int per_image)
{
    prc_options *o = NULL;

    ASSERT_OK(prc_options_create(&o));
    ASSERT_OK(prc_options_set(o, PRC_OPT_BINS, (int64_t)bins));
    ASSERT_OK(prc_options_set(o, PRC_OPT_RULE, rule));
    ASSERT_OK(prc_options_set(o, PRC_OPT_PER_IMAGE, per_image));
    return o;
}

prc_accumulator *scale_fed(const prc_options *options, const scale_data *d,
                           size_t first, size_t last)
{
    size_t plane = d->height * d->width;
    prc_accumulator *acc = NULL;

    ASSERT_OK(prc_accumulator_create(&acc, options));
    if (last > first)
        ASSERT_OK(feed_arrays(acc, last - first, d->height, d->width,
                              PRC_DTYPE_FLOAT32, d->scores + first * plane,
                              PRC_DTYPE_UINT8, d->labels + first * plane));
    return acc;
}

unsigned char *scale_serialize(const prc_accumulator *acc, size_t *size)
{
    unsigned char *buffer;
    size_t written = 0;

    ASSERT_OK(prc_accumulator_serialize(acc, NULL, 0, size));
    buffer = malloc(*size);
    assert_non_null(buffer);
    ASSERT_OK(prc_accumulator_serialize(acc, buffer, *size, &written));
    assert_int_equal(written, *size);
    return buffer;
}

void scale_assert_same(const prc_accumulator *a, const prc_accumulator *b)
{
    const uint64_t *state_a, *state_b;
    size_t length_a, length_b;
    prc_result *ra = NULL, *rb = NULL;

    ASSERT_OK(prc_accumulator_state(a, &state_a, &length_a));
    ASSERT_OK(prc_accumulator_state(b, &state_b, &length_b));
    assert_int_equal(length_a, length_b);
    assert_memory_equal(state_a, state_b, length_a * sizeof *state_a);

    ASSERT_OK(prc_accumulator_finalize(a, &ra));
    ASSERT_OK(prc_accumulator_finalize(b, &rb));
    check_results_identical(ra, rb);
    prc_result_free(ra);
    prc_result_free(rb);
}
