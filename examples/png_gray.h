/*
 * png_gray.h - 8-bit grayscale PNG images, the label maps of prcurve-eval.
 */
#ifndef PRC_EXAMPLES_PNG_GRAY_H
#define PRC_EXAMPLES_PNG_GRAY_H

#include <stddef.h>

/* Reads only the header of `path`: its size, and whether it is 8-bit
 * grayscale.  Returns 0, or -1 with a one-line reason (without the file
 * name) in err. */
int png_gray_probe(const char *path, size_t *height, size_t *width,
                   char *err, size_t err_size);

/* Reads a whole 8-bit grayscale PNG into a new height x width buffer stored
 * in *pixels (free with free()).  Returns 0, or -1 with a reason in err. */
int png_gray_read(const char *path, size_t *height, size_t *width,
                  unsigned char **pixels, char *err, size_t err_size);

/* Writes height x width pixels as an 8-bit grayscale PNG.  Returns 0, or -1
 * with a reason in err. */
int png_gray_write(const char *path, size_t height, size_t width,
                   const unsigned char *pixels, char *err, size_t err_size);

#endif /* PRC_EXAMPLES_PNG_GRAY_H */
