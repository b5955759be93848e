/*
 * png_gray.c - grayscale and palette PNG reading, 8-bit grayscale writing,
 * through libpng.
 *
 * Reading decodes from memory (a file is read whole first, then decoded),
 * so that a fuzz target can feed bytes straight to png_gray_decode.
 *
 * libpng reports errors by calling an error function that must not return;
 * ours copies the message and jumps back to the setjmp in the one function
 * that drives libpng, so everything it touches lives in a context struct
 * owned by its caller.
 */
#include "png_gray.h"
#include "infile.h"

#include <errno.h>
#include <png.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct png_ctx {
    FILE *file;                  /* written to */
    const unsigned char *input;  /* read from: input[0..input_size) */
    size_t input_size, input_at;
    png_structp png;
    png_infop info;
    int want_pixels;
    struct png_gray_info meta;
    unsigned char *pixels; /* read into */
    const unsigned char *source; /* written from */
    png_bytep *rows;
    char *err;
    size_t err_size;
};

static int fail(char *err, size_t err_size, const char *format, ...)
{
    va_list args;

    va_start(args, format);
    vsnprintf(err, err_size, format, args);
    va_end(args);
    if (err_size > 0)
        infile_printable(err);
    return -1;
}

static void on_error(png_structp png, png_const_charp message)
{
    struct png_ctx *c = png_get_error_ptr(png);

    fail(c->err, c->err_size, "PNG error: %s", message);
    png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp message)
{
    (void)png;
    (void)message;
}

static const char *color_name(int color_type)
{
    switch (color_type) {
    case PNG_COLOR_TYPE_GRAY: return "grayscale";
    case PNG_COLOR_TYPE_GRAY_ALPHA: return "grayscale with alpha";
    case PNG_COLOR_TYPE_PALETTE: return "palette";
    case PNG_COLOR_TYPE_RGB: return "RGB";
    case PNG_COLOR_TYPE_RGB_ALPHA: return "RGB with alpha";
    }
    return "unknown";
}

static int host_is_little_endian(void)
{
    const unsigned short one = 1;
    unsigned char first;

    memcpy(&first, &one, 1);
    return first == 1;
}

/* ------------------------------------------------------------------------ */
/* Reading                                                                  */
/* ------------------------------------------------------------------------ */

/* libpng's source of bytes: the caller's buffer. */
static void read_input(png_structp png, png_bytep out, png_size_t length)
{
    struct png_ctx *c = png_get_io_ptr(png);

    if (length > c->input_size - c->input_at)
        png_error(png, "file is truncated");
    memcpy(out, c->input + c->input_at, length);
    c->input_at += length;
}

static int check_kind(struct png_ctx *c)
{
    int depth = png_get_bit_depth(c->png, c->info);
    int color = png_get_color_type(c->png, c->info);
    size_t sample;

    if (!(color == PNG_COLOR_TYPE_PALETTE
          || (color == PNG_COLOR_TYPE_GRAY && (depth == 8 || depth == 16))))
        return fail(c->err, c->err_size, "PNG is %s, %d-bit; only 8-bit "
                    "grayscale, 16-bit grayscale and palette PNGs are read",
                    color_name(color), depth);

    c->meta.palette = color == PNG_COLOR_TYPE_PALETTE;
    c->meta.bits = depth == 16 ? 16 : 8;
    c->meta.height = png_get_image_height(c->png, c->info);
    c->meta.width = png_get_image_width(c->png, c->info);
    sample = (size_t)c->meta.bits / 8;
    if (c->meta.height > (size_t)-1 / c->meta.width / sample
        || c->meta.height > (size_t)-1 / sizeof *c->rows)
        return fail(c->err, c->err_size, "PNG is too large");
    return 0;
}

static int read_pixels(struct png_ctx *c)
{
    size_t row_bytes = c->meta.width * (size_t)(c->meta.bits / 8), y;

    if (c->meta.palette)
        png_set_packing(c->png); /* indices of 1, 2 or 4 bits to bytes */
    if (c->meta.bits == 16 && host_is_little_endian())
        png_set_swap(c->png);
    png_set_interlace_handling(c->png);
    png_read_update_info(c->png, c->info);
    if (png_get_rowbytes(c->png, c->info) != row_bytes)
        return fail(c->err, c->err_size, "PNG has an unexpected row size");

    c->pixels = malloc(c->meta.height * row_bytes);
    c->rows = malloc(c->meta.height * sizeof *c->rows);
    if (c->pixels == NULL || c->rows == NULL)
        return fail(c->err, c->err_size, "out of memory");
    for (y = 0; y < c->meta.height; y++)
        c->rows[y] = c->pixels + y * row_bytes;

    png_read_image(c->png, c->rows);
    png_read_end(c->png, NULL);
    return 0;
}

/* The only function that calls setjmp; it changes no local of its own. */
static int drive_reader(struct png_ctx *c)
{
    if (setjmp(png_jmpbuf(c->png)))
        return -1;

    png_set_read_fn(c->png, c, read_input);
    png_set_sig_bytes(c->png, 8);
    c->input_at = 8;
    png_read_info(c->png, c->info);
    if (check_kind(c) != 0)
        return -1;
    return c->want_pixels ? read_pixels(c) : 0;
}

int png_gray_decode(const void *data, size_t size,
                    struct png_gray_info *info, void **pixels, char *err,
                    size_t err_size)
{
    struct png_ctx c;
    int rc = -1;

    memset(&c, 0, sizeof c);
    c.input = data;
    c.input_size = size;
    c.want_pixels = pixels != NULL;
    c.err = err;
    c.err_size = err_size;
    if (data == NULL || size < 8 || png_sig_cmp(c.input, 0, 8) != 0)
        return fail(err, err_size, "not a PNG file (bad signature)");

    c.png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &c, on_error,
                                   on_warning);
    if (c.png != NULL)
        c.info = png_create_info_struct(c.png);
    if (c.info == NULL)
        fail(err, err_size, "out of memory");
    else
        rc = drive_reader(&c);

    if (c.png != NULL)
        png_destroy_read_struct(&c.png, c.info ? &c.info : NULL, NULL);
    free(c.rows);
    if (rc != 0) {
        free(c.pixels);
        return -1;
    }
    *info = c.meta;
    if (pixels != NULL)
        *pixels = c.pixels;
    return 0;
}

/* Reads a whole regular file into a new buffer. */
static int slurp(const char *path, unsigned char **out, size_t *size,
                 char *err, size_t err_size)
{
    FILE *f = infile_open(path, err, err_size);
    unsigned char *buffer = NULL, *bigger;
    size_t used = 0, capacity = 0, got;

    if (f == NULL)
        return -1;
    do {
        if (used == capacity) {
            capacity = capacity == 0 ? 65536 : capacity * 2;
            bigger = capacity > used ? realloc(buffer, capacity) : NULL;
            if (bigger == NULL) {
                free(buffer);
                fclose(f);
                return fail(err, err_size, "out of memory");
            }
            buffer = bigger;
        }
        got = fread(buffer + used, 1, capacity - used, f);
        used += got;
    } while (got > 0);

    if (ferror(f)) {
        free(buffer);
        fclose(f);
        return fail(err, err_size, "cannot read: %s", strerror(errno));
    }
    fclose(f);
    *out = buffer;
    *size = used;
    return 0;
}

int png_gray_load(const char *path, struct png_gray_info *info,
                  void **pixels, char *err, size_t err_size)
{
    unsigned char *buffer = NULL;
    size_t size = 0;
    int rc;

    if (slurp(path, &buffer, &size, err, err_size) != 0)
        return -1;
    rc = png_gray_decode(buffer, size, info, pixels, err, err_size);
    free(buffer);
    return rc;
}

/* Label maps: one byte a pixel, grayscale values or palette indices. */
static int check_labels(const struct png_gray_info *info, char *err,
                        size_t err_size)
{
    if (info->bits == 8)
        return 0;
    return fail(err, err_size, "PNG is grayscale, %d-bit; label PNGs must "
                "be 8-bit grayscale or palette", info->bits);
}

int png_gray_probe(const char *path, size_t *height, size_t *width,
                   char *err, size_t err_size)
{
    struct png_gray_info info;

    if (png_gray_load(path, &info, NULL, err, err_size) != 0
        || check_labels(&info, err, err_size) != 0)
        return -1;
    *height = info.height;
    *width = info.width;
    return 0;
}

int png_gray_read(const char *path, size_t *height, size_t *width,
                  unsigned char **pixels, char *err, size_t err_size)
{
    struct png_gray_info info;
    void *data = NULL;

    if (png_gray_load(path, &info, &data, err, err_size) != 0)
        return -1;
    if (check_labels(&info, err, err_size) != 0) {
        free(data);
        return -1;
    }
    *height = info.height;
    *width = info.width;
    *pixels = data;
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Writing                                                                  */
/* ------------------------------------------------------------------------ */

static int drive_writer(struct png_ctx *c)
{
    size_t y;

    if (setjmp(png_jmpbuf(c->png)))
        return -1;

    png_init_io(c->png, c->file);
    png_set_IHDR(c->png, c->info, (png_uint_32)c->meta.width,
                 (png_uint_32)c->meta.height, 8, PNG_COLOR_TYPE_GRAY,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                 PNG_FILTER_TYPE_DEFAULT);
    png_set_compression_level(c->png, 9);
    png_write_info(c->png, c->info);

    for (y = 0; y < c->meta.height; y++)
        png_write_row(c->png, c->source + y * c->meta.width);
    png_write_end(c->png, NULL);
    return 0;
}

int png_gray_write(const char *path, size_t height, size_t width,
                   const unsigned char *pixels, char *err, size_t err_size)
{
    struct png_ctx c;
    int rc = -1;

    memset(&c, 0, sizeof c);
    c.meta.height = height;
    c.meta.width = width;
    c.source = pixels;
    c.err = err;
    c.err_size = err_size;

    c.file = fopen(path, "wb");
    if (c.file == NULL)
        return fail(err, err_size, "cannot create: %s", strerror(errno));
    c.png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &c, on_error,
                                    on_warning);
    if (c.png != NULL)
        c.info = png_create_info_struct(c.png);
    if (c.info != NULL)
        rc = drive_writer(&c);
    else
        fail(err, err_size, "out of memory");

    if (c.png != NULL)
        png_destroy_write_struct(&c.png, c.info ? &c.info : NULL);
    if (fclose(c.file) != 0 && rc == 0)
        rc = fail(err, err_size, "write failed: %s", strerror(errno));
    return rc;
}
