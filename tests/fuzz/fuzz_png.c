/*
 * fuzz_png.c - libFuzzer target for prcurve-eval's PNG reader: any bytes
 * are refused with a reason, or decode to exactly height x width samples.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "png_gray.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct png_gray_info info;
    void *pixels = NULL;
    char err[256];
    const unsigned char *p;
    size_t bytes, i;
    unsigned sum = 0;

    /* Keep libFuzzer's memory limit for real leaks and overruns: a large
     * declared image is legitimate, so decode only the header then. */
    if (png_gray_decode(data, size, &info, NULL, err, sizeof err) != 0)
        return err[0] == '\0' ? (abort(), 0) : 0;
    if (info.height > 4096 || info.width > 4096
        || info.height * info.width > (size_t)1 << 22)
        return 0;

    if (png_gray_decode(data, size, &info, &pixels, err, sizeof err) != 0) {
        if (err[0] == '\0')
            abort();
        return 0;
    }
    bytes = info.height * info.width * (info.bits == 16 ? 2 : 1);
    p = pixels;
    for (i = 0; i < bytes; i++)
        sum += p[i];
    free(pixels);
    return (int)(sum & 0);
}
