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

size_t prc__dtype_size(prc_dtype dtype)
{
    switch (dtype) {
    case PRC_DTYPE_UINT8:
    case PRC_DTYPE_BOOL:
        return 1;
    case PRC_DTYPE_FLOAT16:
    case PRC_DTYPE_BFLOAT16:
    case PRC_DTYPE_UINT16:
        return 2;
    case PRC_DTYPE_FLOAT32:
    case PRC_DTYPE_INT32:
        return 4;
    case PRC_DTYPE_FLOAT64:
    case PRC_DTYPE_INT64:
        return 8;
    default:
        return 0;
    }
}

static int score_type(prc_dtype dtype)
{
    return dtype == PRC_DTYPE_FLOAT32 || dtype == PRC_DTYPE_FLOAT64
           || dtype == PRC_DTYPE_UINT8 || dtype == PRC_DTYPE_FLOAT16
           || dtype == PRC_DTYPE_BFLOAT16 || dtype == PRC_DTYPE_UINT16;
}

static int label_type(prc_dtype dtype)
{
    return dtype == PRC_DTYPE_UINT8 || dtype == PRC_DTYPE_BOOL
           || dtype == PRC_DTYPE_INT32 || dtype == PRC_DTYPE_INT64;
}

prc_status prc_batch_set_scores(prc_batch *batch, prc_dtype dtype,
                                const void *scores)
{
    if (batch == NULL || scores == NULL)
        return PRC_E_NULL;
    if (!score_type(dtype))
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
    if (!label_type(dtype))
        return PRC_E_DTYPE;

    batch->label_dtype = dtype;
    batch->labels = labels;
    return PRC_OK;
}

/* Stores strides (or, for NULL, goes back to contiguous). */
static void set_strides(int *strided, int64_t stride[3],
                        const int64_t given[3])
{
    *strided = given != NULL;
    if (given != NULL) {
        stride[0] = given[0];
        stride[1] = given[1];
        stride[2] = given[2];
    }
}

prc_status prc_batch_set_layout(prc_batch *batch, int layout)
{
    if (batch == NULL)
        return PRC_E_NULL;
    if (layout != PRC_LAYOUT_NCHW && layout != PRC_LAYOUT_NHWC)
        return PRC_E_OPTION_VALUE;
    batch->layout = layout;
    return PRC_OK;
}

prc_status prc_batch_set_class_strides(prc_batch *batch,
                                       int64_t score_stride,
                                       int64_t label_stride)
{
    if (batch == NULL)
        return PRC_E_NULL;
    batch->class_strided = 1;
    batch->score_class_stride = score_stride;
    batch->label_class_stride = label_stride;
    return PRC_OK;
}

prc_status prc_batch_set_score_strides(prc_batch *batch,
                                       const int64_t strides[3])
{
    if (batch == NULL)
        return PRC_E_NULL;
    set_strides(&batch->score_strided, batch->score_stride, strides);
    return PRC_OK;
}

prc_status prc_batch_set_label_strides(prc_batch *batch,
                                       const int64_t strides[3])
{
    if (batch == NULL)
        return PRC_E_NULL;
    set_strides(&batch->label_strided, batch->label_stride, strides);
    return PRC_OK;
}

prc_status prc_batch_set_weights(prc_batch *batch, prc_dtype dtype,
                                 const void *weights)
{
    if (batch == NULL)
        return PRC_E_NULL;
    if (weights != NULL && dtype != PRC_DTYPE_FLOAT32
        && dtype != PRC_DTYPE_FLOAT64)
        return PRC_E_DTYPE;

    batch->weight_dtype = dtype;
    batch->weights = weights;
    return PRC_OK;
}

prc_status prc_batch_set_weight_strides(prc_batch *batch,
                                        const int64_t strides[3])
{
    if (batch == NULL)
        return PRC_E_NULL;
    set_strides(&batch->weight_strided, batch->weight_stride, strides);
    return PRC_OK;
}

prc_status prc_batch_set_mask(prc_batch *batch, prc_dtype dtype,
                              const void *mask)
{
    if (batch == NULL)
        return PRC_E_NULL;
    if (mask != NULL && dtype != PRC_DTYPE_UINT8 && dtype != PRC_DTYPE_BOOL)
        return PRC_E_DTYPE;

    batch->mask = mask;
    return PRC_OK;
}

prc_status prc_batch_set_mask_strides(prc_batch *batch,
                                      const int64_t strides[3])
{
    if (batch == NULL)
        return PRC_E_NULL;
    set_strides(&batch->mask_strided, batch->mask_stride, strides);
    return PRC_OK;
}
