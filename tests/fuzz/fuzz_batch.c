/*
 * fuzz_batch.c - libFuzzer target for hostile batch descriptions: every
 * score and label type, any layout of strides (negative, zero, unaligned,
 * or so large that offsets overflow), classes and multi-label maps, NULL
 * arrays.  The arrays are laid out in a buffer exactly as large as the
 * strides reach, so any read outside them is caught by the sanitizers.
 * Whatever the input: a refused batch leaves the accumulator bit for bit
 * as it was, and an accepted one equals the same images fed one by one.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "prcurve.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define HEADER 16

static void check(int ok)
{
    if (!ok)
        abort();
}

static const prc_dtype score_types[6] = {
    PRC_DTYPE_FLOAT32, PRC_DTYPE_FLOAT64, PRC_DTYPE_UINT8,
    PRC_DTYPE_FLOAT16, PRC_DTYPE_BFLOAT16, PRC_DTYPE_UINT16};
static const size_t score_sizes[6] = {4, 8, 1, 2, 2, 2};
static const prc_dtype label_types[4] = {PRC_DTYPE_UINT8, PRC_DTYPE_BOOL,
                                         PRC_DTYPE_INT32, PRC_DTYPE_INT64};
static const size_t label_sizes[4] = {1, 1, 4, 8};

/* An array of dims[0..3] (images, rows, columns, classes) with the given
 * strides, inside its own buffer. */
struct array {
    unsigned char *buffer;
    size_t span;
    const unsigned char *origin; /* element [0][0][0][0] */
    int64_t stride[4];
};

/* Lays out an array: strides from the header byte (multiples of the
 * element size, or of 1 for unaligned, of either sign, or 0); fills it
 * from the input.  Returns 0 if the span would be too large to allocate. */
static int lay_out(struct array *a, const size_t dims[4], size_t element,
                   uint8_t how, const uint8_t *in, size_t in_size)
{
    int64_t low = 0, high = 0, dense = (int64_t)element;
    size_t span, i;
    int d;

    for (d = 3; d >= 0; d--) {
        int64_t step = (how >> d & 1) ? -dense : dense;

        if ((how >> 4) == (unsigned)d)
            step = 0;                  /* a broadcast axis */
        if ((how >> 6) == 3 && d == 2)
            step += step > 0 ? 1 : -1; /* unaligned */
        a->stride[d] = step;
        if (step > 0)
            high += step * (int64_t)(dims[d] - 1);
        else
            low += step * (int64_t)(dims[d] - 1);
        dense *= (int64_t)dims[d];
    }
    span = (size_t)(high - low) + element;
    if (span > ((size_t)1 << 20))
        return 0;
    a->buffer = malloc(span);
    a->span = span;
    check(a->buffer != NULL);
    for (i = 0; i < span; i++)
        a->buffer[i] = in_size ? in[i % in_size] : 0;
    a->origin = a->buffer - low;
    return 1;
}

static prc_accumulator *make(const uint8_t *h, size_t classes)
{
    prc_options *o = NULL;
    prc_accumulator *acc = NULL;

    check(prc_options_create(&o) == PRC_OK);
    check(prc_options_set(o, PRC_OPT_BINS, 1 + h[0] % 32) == PRC_OK);
    check(prc_options_set(o, PRC_OPT_RULE, h[1] & 1) == PRC_OK);
    check(prc_options_set(o, PRC_OPT_NAN_POLICY, h[1] >> 1 & 1) == PRC_OK);
    check(prc_options_set(o, PRC_OPT_RANGE_POLICY, (h[1] >> 2 & 3) % 3)
          == PRC_OK);
    check(prc_options_set(o, PRC_OPT_PER_IMAGE, h[1] >> 4 & 1) == PRC_OK);
    check(prc_options_set(o, PRC_OPT_CLASSES, (int64_t)classes) == PRC_OK);
    check(prc_options_set(o, PRC_OPT_MULTILABEL, h[1] >> 5 & 1) == PRC_OK);
    check(prc_options_set(o, PRC_OPT_THREADS, 1 + (h[1] >> 6)) == PRC_OK);
    check(prc_options_set(o, PRC_OPT_BOOTSTRAP, h[2] % 3) == PRC_OK);
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

/* Feeds images [first, first + n) of the arrays. */
static prc_status feed(prc_accumulator *acc, const uint8_t *h,
                       const size_t dims[4], const struct array *s,
                       const struct array *l, size_t first, size_t n,
                       int overflow)
{
    prc_batch *batch = NULL;
    prc_status status;
    int64_t ss[3], ls[3];

    memcpy(ss, s->stride, sizeof ss);
    memcpy(ls, l->stride, sizeof ls);
    if (overflow)
        ss[1] = INT64_MAX / 2 + 1; /* two row steps pass INT64_MAX */
    check(prc_batch_create(&batch) == PRC_OK);
    check(prc_batch_set_shape(batch, n, dims[1], dims[2]) == PRC_OK);
    /* Sometimes no scores at all: the setter refuses NULL, and the batch
     * stays incomplete. */
    if (h[13] == 0xFF) {
        check(prc_batch_set_scores(batch, score_types[h[5] % 6], NULL)
              == PRC_E_NULL);
        check(prc_batch_set_labels(batch, label_types[h[6] % 4], l->origin)
              == PRC_OK);
        status = prc_accumulator_feed(acc, batch);
        check(status == PRC_E_INCOMPLETE);
        prc_batch_free(batch);
        return status;
    }
    check(prc_batch_set_scores(batch, score_types[h[5] % 6],
                               s->origin + (int64_t)first * s->stride[0])
          == PRC_OK);
    check(prc_batch_set_labels(batch, label_types[h[6] % 4],
                               l->origin + (int64_t)first * l->stride[0])
          == PRC_OK);
    check(prc_batch_set_score_strides(batch, ss) == PRC_OK);
    check(prc_batch_set_label_strides(batch, ls) == PRC_OK);
    check(prc_batch_set_class_strides(batch, s->stride[3], l->stride[3])
          == PRC_OK);
    status = prc_accumulator_feed(acc, batch);
    prc_batch_free(batch);
    return status;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t dims[4], label_dims[4], classes, i;
    struct array s = {0}, l = {0};
    prc_accumulator *whole, *split, *before;
    int overflow;
    prc_status status;

    if (size < HEADER)
        return 0;
    classes = 1 + data[3] % 4;
    dims[0] = 1 + data[4] % 3;
    dims[1] = 1 + data[7] % 5;
    dims[2] = 1 + data[8] % 9;
    dims[3] = classes;
    memcpy(label_dims, dims, sizeof dims);
    if (!(data[1] >> 5 & 1))
        label_dims[3] = 1; /* class indices, not masks */
    overflow = data[9] == 0xFF && dims[1] > 2;
    if (!lay_out(&s, dims, score_sizes[data[5] % 6], data[10],
                 data + HEADER, size - HEADER)
        || !lay_out(&l, label_dims, label_sizes[data[6] % 4], data[11],
                    data + HEADER, size - HEADER)) {
        free(s.buffer);
        return 0;
    }
    /* Labels mostly small, so that some batches are accepted: low bytes
     * of elements (as if aligned) taken modulo C + 1, the rest zero. */
    if (data[12] & 1)
        for (i = 0; i < l.span; i++)
            l.buffer[i] = i % label_sizes[data[6] % 4]
                              ? 0
                              : (uint8_t)(l.buffer[i] % (classes + 1));

    whole = make(data, classes);
    split = make(data, classes);
    before = make(data, classes);
    status = feed(whole, data, dims, &s, &l, 0, dims[0], overflow);
    /* Overflowing strides are refused: as such, or for an earlier reason
     * (no scores, bool labels naming classes). */
    if (overflow)
        check(status == PRC_E_OVERFLOW || status == PRC_E_INCOMPLETE
              || status == PRC_E_DTYPE);
    if (status != PRC_OK) {
        check(same_state(whole, before));
    } else {
        for (i = 0; i < dims[0]; i++)
            check(feed(split, data, dims, &s, &l, i, 1, 0) == PRC_OK);
        check(same_state(whole, split));
    }

    prc_accumulator_free(whole);
    prc_accumulator_free(split);
    prc_accumulator_free(before);
    free(s.buffer);
    free(l.buffer);
    return 0;
}
