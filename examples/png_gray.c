/*
 * png_gray.c - 8-bit grayscale PNG reading and writing through libpng.
 *
 * libpng reports errors by calling an error function that must not return;
 * ours copies the message and jumps back to the setjmp in the one function
 * that drives libpng, so everything it touches lives in a context struct
 * owned by its caller.
 */
#include "png_gray.h"

#include <errno.h>
#include <png.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct png_ctx {
    FILE *file;
    png_structp png;
    png_infop info;
    int want_pixels;
    size_t height, width;
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

/* ------------------------------------------------------------------------ */
/* Reading                                                                  */
/* ------------------------------------------------------------------------ */

static int check_kind(struct png_ctx *c)
{
    int depth = png_get_bit_depth(c->png, c->info);
    int color = png_get_color_type(c->png, c->info);

    if (depth != 8 || color != PNG_COLOR_TYPE_GRAY)
        return fail(c->err, c->err_size, "PNG is %s, %d-bit; only 8-bit "
                    "grayscale PNG labels are supported", color_name(color),
                    depth);

    c->height = png_get_image_height(c->png, c->info);
    c->width = png_get_image_width(c->png, c->info);
    if (c->height > (size_t)-1 / c->width
        || c->height > (size_t)-1 / sizeof *c->rows)
        return fail(c->err, c->err_size, "PNG is too large");
    return 0;
}

static int read_pixels(struct png_ctx *c)
{
    size_t y;

    png_set_interlace_handling(c->png);
    png_read_update_info(c->png, c->info);

    c->pixels = malloc(c->height * c->width);
    c->rows = malloc(c->height * sizeof *c->rows);
    if (c->pixels == NULL || c->rows == NULL)
        return fail(c->err, c->err_size, "out of memory");
    for (y = 0; y < c->height; y++)
        c->rows[y] = c->pixels + y * c->width;

    png_read_image(c->png, c->rows);
    png_read_end(c->png, NULL);
    return 0;
}

/* The only function that calls setjmp; it changes no local of its own. */
static int drive_reader(struct png_ctx *c)
{
    if (setjmp(png_jmpbuf(c->png)))
        return -1;

    png_init_io(c->png, c->file);
    png_set_sig_bytes(c->png, 8);
    png_read_info(c->png, c->info);
    if (check_kind(c) != 0)
        return -1;
    return c->want_pixels ? read_pixels(c) : 0;
}

static int open_png(struct png_ctx *c, const char *path)
{
    unsigned char signature[8];

    c->file = fopen(path, "rb");
    if (c->file == NULL)
        return fail(c->err, c->err_size, "cannot open: %s", strerror(errno));
    if (fread(signature, 1, 8, c->file) != 8
        || png_sig_cmp(signature, 0, 8) != 0)
        return fail(c->err, c->err_size, "not a PNG file (bad signature)");

    c->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, c, on_error,
                                    on_warning);
    if (c->png != NULL)
        c->info = png_create_info_struct(c->png);
    if (c->info == NULL)
        return fail(c->err, c->err_size, "out of memory");
    return 0;
}

static int read_png(const char *path, struct png_ctx *c)
{
    int rc = open_png(c, path);

    if (rc == 0)
        rc = drive_reader(c);

    if (c->png != NULL)
        png_destroy_read_struct(&c->png, c->info ? &c->info : NULL, NULL);
    if (c->file != NULL)
        fclose(c->file);
    free(c->rows);
    if (rc != 0) {
        free(c->pixels);
        c->pixels = NULL;
    }
    return rc;
}

int png_gray_probe(const char *path, size_t *height, size_t *width,
                   char *err, size_t err_size)
{
    struct png_ctx c;

    memset(&c, 0, sizeof c);
    c.err = err;
    c.err_size = err_size;
    if (read_png(path, &c) != 0)
        return -1;

    *height = c.height;
    *width = c.width;
    return 0;
}

int png_gray_read(const char *path, size_t *height, size_t *width,
                  unsigned char **pixels, char *err, size_t err_size)
{
    struct png_ctx c;

    memset(&c, 0, sizeof c);
    c.want_pixels = 1;
    c.err = err;
    c.err_size = err_size;
    if (read_png(path, &c) != 0)
        return -1;

    *height = c.height;
    *width = c.width;
    *pixels = c.pixels;
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
    png_set_IHDR(c->png, c->info, (png_uint_32)c->width,
                 (png_uint_32)c->height, 8, PNG_COLOR_TYPE_GRAY,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                 PNG_FILTER_TYPE_DEFAULT);
    png_set_compression_level(c->png, 9);
    png_write_info(c->png, c->info);

    for (y = 0; y < c->height; y++)
        png_write_row(c->png, c->source + y * c->width);
    png_write_end(c->png, NULL);
    return 0;
}

int png_gray_write(const char *path, size_t height, size_t width,
                   const unsigned char *pixels, char *err, size_t err_size)
{
    struct png_ctx c;
    int rc = -1;

    memset(&c, 0, sizeof c);
    c.height = height;
    c.width = width;
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
