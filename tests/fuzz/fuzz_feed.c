/*
 * fuzz_feed.c - libFuzzer target for the feed path.  The first bytes pick
 * the options, shape and data types; the rest are the pixels.  Whatever the
 * input: a rejected batch leaves the accumulator bit for bit as it was, and
 * an accepted one gives the same state fed whole or image by image.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "prcurve.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define HEADER 8

static void check(int ok)
{
    if (!ok)
        abort();
}

static const prc_dtype score_types[3] = {PRC_DTYPE_FLOAT32,
                                         PRC_DTYPE_FLOAT64, PRC_DTYPE_UINT8};
static const size_t score_sizes[3] = {4, 8, 1};

static prc_accumulator *make(const uint8_t *h)
{
    prc_options *o = NULL;
    prc_accumulator *acc = NULL;
    static const int64_t ignore[4] = {255, 2, 7, PRC_NO_IGNORE_LABEL};

    check(prc_options_create(&o) == PRC_OK);
    check(prc_options_set(o, PRC_OPT_BINS, 1 + h[0] % 64) == PRC_OK);
    check(prc_options_set(o, PRC_OPT_RULE, h[1] & 1) == PRC_OK);
    check(prc_options_set(o, PRC_OPT_ZERO_DIVISION, h[1] >> 1 & 1)
          == PRC_OK);
    check(prc_options_set(o, PRC_OPT_NAN_POLICY, h[1] >> 2 & 1) == PRC_OK);
    check(prc_options_set(o, PRC_OPT_RANGE_POLICY, (h[1] >> 3 & 3) % 3)
          == PRC_OK);
    check(prc_options_set(o, PRC_OPT_PER_IMAGE, h[1] >> 5 & 1) == PRC_OK);
    check(prc_options_set(o, PRC_OPT_IGNORE_LABEL, ignore[h[1] >> 6])
          == PRC_OK);
    check(prc_accumulator_create(&acc, o) == PRC_OK);
    prc_options_free(o);
    return acc;
}

static int same_state(const prc_accumulator *a, const prc_accumulator *b)
{
    const uint64_t *sa, *sb;
    size_t na, nb;

    check(prc_accumulator_state(a, &sa, &na) == PRC_OK);
    check(prc_accumulator_state(b, &sb, &nb) == PRC_OK);
    return na == nb && memcmp(sa, sb, na * sizeof *sa) == 0;
}

static prc_status feed(prc_accumulator *acc, size_t images, size_t height,
                       size_t width, prc_dtype st, const void *scores,
                       prc_dtype lt, const void *labels)
{
    prc_batch *batch = NULL;
    prc_status status;

    check(prc_batch_create(&batch) == PRC_OK);
    check(prc_batch_set_shape(batch, images, height, width) == PRC_OK);
    check(prc_batch_set_scores(batch, st, scores) == PRC_OK);
    check(prc_batch_set_labels(batch, lt, labels) == PRC_OK);
    status = prc_accumulator_feed(acc, batch);
    prc_batch_free(batch);
    return status;
}

/*
 * Header bytes: 0 bins, 1 option bits, 2-4 shape, 5 score type, 6 label
 * type, 7 how raw the pixels are (bit 0: labels taken mod 2, bit 1: float
 * scores mapped into [0, 1]).  Pixels too short are zero-padded.
 */
static void fill(const uint8_t *h, const uint8_t *in, size_t in_size,
                 size_t pixels, size_t score_bytes, unsigned char *scores,
                 unsigned char *labels)
{
    size_t n = pixels * score_bytes, i;

    memcpy(scores, in, in_size < n ? in_size : n);
    if (in_size > n)
        memcpy(labels, in + n, in_size - n < pixels ? in_size - n : pixels);
    if (h[7] & 1)
        for (i = 0; i < pixels; i++)
            labels[i] &= 1;
    if ((h[7] & 2) && score_bytes == 4)
        for (i = 0; i < pixels; i++) {
            uint32_t bits;
            float f;

            memcpy(&bits, scores + 4 * i, 4);
            f = (float)(bits % 16777217u) / 16777216.0f;
            memcpy(scores + 4 * i, &f, 4);
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t images, height, width, pixels, score_bytes, plane, i;
    prc_accumulator *whole, *split, *before;
    prc_dtype st, lt;
    unsigned char *scores, *labels;

    if (size < HEADER)
        return 0;
    images = 1 + data[2] % 4;
    height = 1 + data[3] % 8;
    width = 1 + data[4] % 64;
    st = score_types[data[5] % 3];
    score_bytes = score_sizes[data[5] % 3];
    lt = data[6] & 1 ? PRC_DTYPE_BOOL : PRC_DTYPE_UINT8;
    plane = height * width;
    pixels = images * plane;

    /* Buffers of exactly the batch's size, so that any read past the
     * batch is caught by the sanitizers. */
    scores = calloc(pixels, score_bytes);
    labels = calloc(pixels, 1);
    check(scores != NULL && labels != NULL);
    fill(data, data + HEADER, size - HEADER, pixels, score_bytes, scores,
         labels);

    whole = make(data);
    split = make(data);
    before = make(data);
    if (feed(whole, images, height, width, st, scores, lt, labels)
        != PRC_OK) {
        check(same_state(whole, before));
    } else {
        for (i = 0; i < images; i++)
            check(feed(split, 1, height, width, st,
                       scores + i * plane * score_bytes, lt,
                       labels + i * plane) == PRC_OK);
        check(same_state(whole, split));
    }

    prc_accumulator_free(whole);
    prc_accumulator_free(split);
    prc_accumulator_free(before);
    free(scores);
    free(labels);
    return 0;
}
