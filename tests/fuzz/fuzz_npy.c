/*
 * fuzz_npy.c - libFuzzer target for prcurve-eval's .npy reader: any bytes
 * are refused with a reason, or describe an array that lies exactly within
 * them.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "npy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct npy_info info;
    const void *elements = NULL;
    char err[NPY_ERROR_SIZE];
    const unsigned char *p;
    unsigned sum = 0;
    size_t i;

    if (npy_parse(data, size, &info, &elements, err, sizeof err) != 0) {
        if (err[0] == '\0' || memchr(err, '\n', strlen(err)) != NULL)
            abort(); /* a refusal always says why, in one line */
        return 0;
    }
    if (info.ndim < 2 || info.ndim > 3
        || info.count != info.shape[0] * info.shape[1] * info.shape[2]
        || info.data_offset + info.count * info.item_size != size
        || (const unsigned char *)elements != data + info.data_offset)
        abort();

    /* Every element is readable (the sanitizers watch). */
    p = elements;
    for (i = 0; i < info.count * info.item_size; i++)
        sum += p[i];
    return (int)(sum & 0);
}
