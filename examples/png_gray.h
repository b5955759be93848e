/*
 * png_gray.h - single-channel PNG images: 8-bit grayscale or palette label
 * maps, and 8- or 16-bit grayscale score maps, for prcurve-eval.
 */
#ifndef PRC_EXAMPLES_PNG_GRAY_H
#define PRC_EXAMPLES_PNG_GRAY_H

#include <stddef.h>

/* What a readable PNG holds. */
struct png_gray_info {
    size_t height, width;
    int bits;    /* bits per decoded sample: 8 or 16 */
    int palette; /* 1 if the samples are palette indices (bits is 8) */
};

/*
 * Decodes a PNG held in memory: 8-bit grayscale, 16-bit grayscale, or
 * palette (1, 2, 4 or 8 bits a pixel; the indices themselves are the
 * samples, as VOC-style label maps use them, and the colours are ignored).
 * Every other kind is refused.  With pixels NULL only the header is read;
 * otherwise *pixels gets a new height x width buffer (free with free()) of
 * one byte a sample, or for 16-bit one unsigned short a sample in host
 * byte order.  Hostile input is safe: nothing is read outside the buffer.
 * Returns 0, or -1 with a one-line reason (without a file name, printable
 * ASCII only) in err.
 */
int png_gray_decode(const void *data, size_t size,
                    struct png_gray_info *info, void **pixels, char *err,
                    size_t err_size);

/* The same for the file at `path` (read whole, then decoded), which must
 * be a regular file: a FIFO, device or directory is refused. */
int png_gray_load(const char *path, struct png_gray_info *info,
                  void **pixels, char *err, size_t err_size);

/* Reads only the header of `path`: its size, and whether it is a label map
 * (8-bit grayscale or palette).  Returns 0, or -1 with a one-line reason
 * (without the file name) in err. */
int png_gray_probe(const char *path, size_t *height, size_t *width,
                   char *err, size_t err_size);

/* Reads a whole label map (8-bit grayscale, or palette indices) into a new
 * height x width buffer stored in *pixels (free with free()).  Returns 0, or
 * -1 with a reason in err. */
int png_gray_read(const char *path, size_t *height, size_t *width,
                  unsigned char **pixels, char *err, size_t err_size);

/* Writes height x width pixels as an 8-bit grayscale PNG.  Returns 0, or -1
 * with a reason in err. */
int png_gray_write(const char *path, size_t height, size_t width,
                   const unsigned char *pixels, char *err, size_t err_size);

#endif /* PRC_EXAMPLES_PNG_GRAY_H */
