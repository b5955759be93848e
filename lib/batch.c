/*
 * batch.c - batch descriptions: shapes and pointers to caller-owned arrays,
 * validated when set so that feeding never meets a size it cannot address.
 */
#include <stdint.h>

#include "internal.h"

/* The widest element any input may have, in bytes. */
#define MAX_ELEMENT_SIZE 8

prc_status prc_batch_create(prc_batch **out)
{
    prc__allocator a = prc__default_allocator();
    prc_batch *batch;

    if (out == NULL)
        return PRC_E_NULL;
    batch = prc__alloc(&a, 1, sizeof *batch, 1);
    if (batch == NULL)
        return PRC_E_NOMEM;

    batch->own = a;
    *out = batch;
    return PRC_OK;
}

void prc_batch_free(prc_batch *batch)
{
    if (batch != NULL)
        prc__free(&batch->own, batch);
}

prc_status prc_batch_set_shape(prc_batch *batch, size_t images,
                               size_t height, size_t width)
{
    size_t limit = SIZE_MAX / MAX_ELEMENT_SIZE;

    if (batch == NULL)
        return PRC_E_NULL;
    if (images == 0 || height == 0 || width == 0)
        return PRC_E_ZERO_SIZE;
    if (height > limit / width || images > limit / (height * width))
        return PRC_E_OVERFLOW;

    batch->images = images;
    batch->height = height;
    batch->width = width;
    batch->has_shape = 1;
    return PRC_OK;
}

prc_status prc_batch_set_scores(prc_batch *batch, prc_dtype dtype,
                                const void *scores)
{
    if (batch == NULL || scores == NULL)
        return PRC_E_NULL;
    if (dtype != PRC_DTYPE_FLOAT32 && dtype != PRC_DTYPE_FLOAT64
        && dtype != PRC_DTYPE_UINT8)
        return PRC_E_DTYPE;

    batch->score_dtype = dtype;
    batch->scores = scores;
    return PRC_OK;
}

prc_status prc_batch_set_labels(prc_batch *batch, prc_dtype dtype,
                                const void *labels)
{
    if (batch == NULL || labels == NULL)
        return PRC_E_NULL;
    if (dtype != PRC_DTYPE_UINT8 && dtype != PRC_DTYPE_BOOL)
        return PRC_E_DTYPE;

    batch->label_dtype = dtype;
    batch->labels = labels;
    return PRC_OK;
}
