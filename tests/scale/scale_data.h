/*
 * scale_data.h - a random data set shared by the merge, state, serialize
 * and thread tests: images of float32 scores with uint8 labels (some
 * ignored, some images without positives), and accumulators fed slices of
 * it.
 */
#ifndef PRC_SCALE_DATA_H
#define PRC_SCALE_DATA_H

#include "support.h"

/* The highest kernel number (enum prc_kernel); tests loop over 1..this
 * and skip those the processor lacks. */
#define TEST_KERNEL_LAST PRC_KERNEL_AVX512

typedef struct scale_data {
    size_t images, height, width;
    float *scores;
    uint8_t *labels;
} scale_data;

void scale_data_make(scale_data *d, size_t images, size_t height,
                     size_t width, uint64_t seed);
void scale_data_free(scale_data *d);

/* Options for the tests: `bins` bins, the given rule and per-image mode. */
prc_options *scale_options(size_t bins, int rule, int per_image);

/* A new accumulator fed images [first, last) of d, one batch. */
prc_accumulator *scale_fed(const prc_options *options, const scale_data *d,
                           size_t first, size_t last);

/* Serializes into a malloc'd buffer; *size gets its length. */
unsigned char *scale_serialize(const prc_accumulator *acc, size_t *size);

/* Asserts that two accumulators hold the same state and give the same
 * results, bit for bit. */
void scale_assert_same(const prc_accumulator *a, const prc_accumulator *b);

#endif /* PRC_SCALE_DATA_H */
