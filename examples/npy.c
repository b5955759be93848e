/*
 * npy.c - a strict reader and a small writer for NumPy .npy files.
 *
 * The format: the magic "\x93NUMPY", a major and a minor version byte, the
 * header length (2 bytes little-endian in version 1.0, 4 bytes in 2.0 and
 * 3.0), then a Python dict literal with the keys 'descr', 'fortran_order'
 * and 'shape', padded with spaces and a newline, then the raw elements.
 */
#define _POSIX_C_SOURCE 200809L

#include "npy.h"
#include "infile.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define NPY_MAGIC "\x93NUMPY"
#define NPY_MAGIC_SIZE 6
#define NPY_MAX_DIMS 32
#define NPY_MAX_STRING 32

/* A cursor over the header text, with room for the first error. */
struct parser {
    const char *p;
    const char *end;
    char *err;
    size_t err_size;
};

/* What the header dict says, before it is checked. */
struct header {
    char descr[NPY_MAX_STRING];
    int fortran_order;
    size_t ndim;
    size_t shape[NPY_MAX_DIMS];
    int seen_descr, seen_order, seen_shape;
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

static int host_is_little_endian(void)
{
    const uint16_t one = 1;
    unsigned char first;

    memcpy(&first, &one, 1);
    return first == 1;
}

/* Every element type: its code after the byte-order character, NumPy's
 * name, and its size. */
static const struct type_entry {
    enum npy_type type;
    const char *code;
    const char *name;
    size_t size;
} types[] = {
    {NPY_FLOAT32, "f4", "float32", 4},
    {NPY_FLOAT64, "f8", "float64", 8},
    {NPY_UINT8, "u1", "uint8", 1},
    {NPY_BOOL, "b1", "bool", 1},
    {NPY_FLOAT16, "f2", "float16", 2},
    {NPY_UINT16, "u2", "uint16", 2},
    {NPY_INT32, "i4", "int32", 4},
    {NPY_INT64, "i8", "int64", 8},
};

#define N_TYPES (sizeof types / sizeof types[0])

static const struct type_entry *entry_of(enum npy_type type)
{
    size_t i;

    for (i = 0; i < N_TYPES; i++)
        if (types[i].type == type)
            return &types[i];
    return NULL;
}

const char *npy_type_name(enum npy_type type)
{
    const struct type_entry *e = entry_of(type);

    return e != NULL ? e->name : "unknown";
}

size_t npy_type_size(enum npy_type type)
{
    const struct type_entry *e = entry_of(type);

    return e != NULL ? e->size : 0;
}

/* ------------------------------------------------------------------------ */
/* Header dict parsing                                                      */
/* ------------------------------------------------------------------------ */

static void skip_space(struct parser *ps)
{
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t'
                               || *ps->p == '\n' || *ps->p == '\r'))
        ps->p++;
}

static int expect_char(struct parser *ps, char c, const char *where)
{
    skip_space(ps);
    if (ps->p >= ps->end || *ps->p != c)
        return fail(ps->err, ps->err_size,
                    "malformed .npy header: expected '%c' %s", c, where);
    ps->p++;
    return 0;
}

static int parse_string(struct parser *ps, char *out, size_t out_size)
{
    char quote;
    size_t n = 0;

    skip_space(ps);
    if (ps->p >= ps->end || (*ps->p != '\'' && *ps->p != '"'))
        return fail(ps->err, ps->err_size,
                    "malformed .npy header: expected a quoted string");
    quote = *ps->p++;

    while (ps->p < ps->end && *ps->p != quote) {
        if (*ps->p == '\\' || n + 1 >= out_size)
            return fail(ps->err, ps->err_size,
                        "malformed .npy header: unexpected string");
        out[n++] = *ps->p++;
    }
    if (ps->p >= ps->end)
        return fail(ps->err, ps->err_size,
                    "malformed .npy header: unterminated string");
    ps->p++;
    out[n] = '\0';
    return 0;
}

static int parse_bool(struct parser *ps, int *out)
{
    skip_space(ps);
    if (ps->end - ps->p >= 4 && memcmp(ps->p, "True", 4) == 0) {
        ps->p += 4;
        *out = 1;
        return 0;
    }
    if (ps->end - ps->p >= 5 && memcmp(ps->p, "False", 5) == 0) {
        ps->p += 5;
        *out = 0;
        return 0;
    }
    return fail(ps->err, ps->err_size,
                "malformed .npy header: 'fortran_order' is not True/False");
}

static int parse_size(struct parser *ps, size_t *out)
{
    size_t value = 0;
    const char *start = ps->p;

    while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9') {
        size_t digit = (size_t)(*ps->p - '0');

        if (value > (SIZE_MAX - digit) / 10)
            return fail(ps->err, ps->err_size,
                        "declared shape is too large for this machine");
        value = value * 10 + digit;
        ps->p++;
    }
    if (ps->p == start)
        return fail(ps->err, ps->err_size,
                    "malformed .npy header: 'shape' is not a tuple of "
                    "non-negative integers");
    *out = value;
    return 0;
}

/* A tuple of integers: "()", "(5,)", "(2, 3)" or "(2, 3,)". */
static int parse_shape(struct parser *ps, struct header *h)
{
    if (expect_char(ps, '(', "to start 'shape'") != 0)
        return -1;

    h->ndim = 0;
    for (;;) {
        skip_space(ps);
        if (ps->p < ps->end && *ps->p == ')')
            break;
        if (h->ndim == NPY_MAX_DIMS)
            return fail(ps->err, ps->err_size,
                        "declared shape has too many dimensions");
        if (parse_size(ps, &h->shape[h->ndim]) != 0)
            return -1;
        h->ndim++;
        skip_space(ps);
        if (ps->p < ps->end && *ps->p == ',')
            ps->p++;
        else if (ps->p >= ps->end || *ps->p != ')')
            return fail(ps->err, ps->err_size,
                        "malformed .npy header: bad 'shape' tuple");
    }
    ps->p++;
    return 0;
}

static int parse_entry(struct parser *ps, struct header *h)
{
    char key[NPY_MAX_STRING], shown[4 * NPY_MAX_STRING];

    if (parse_string(ps, key, sizeof key) != 0
        || expect_char(ps, ':', "after a key") != 0)
        return -1;

    if (strcmp(key, "descr") == 0 && !h->seen_descr) {
        h->seen_descr = 1;
        return parse_string(ps, h->descr, sizeof h->descr);
    }
    if (strcmp(key, "fortran_order") == 0 && !h->seen_order) {
        h->seen_order = 1;
        return parse_bool(ps, &h->fortran_order);
    }
    if (strcmp(key, "shape") == 0 && !h->seen_shape) {
        h->seen_shape = 1;
        return parse_shape(ps, h);
    }
    infile_quote(key, strlen(key), shown, sizeof shown);
    return fail(ps->err, ps->err_size,
                "malformed .npy header: unexpected or repeated key '%s'",
                shown);
}

static int parse_dict(struct parser *ps, struct header *h)
{
    if (expect_char(ps, '{', "at the start") != 0)
        return -1;

    for (;;) {
        skip_space(ps);
        if (ps->p < ps->end && *ps->p == '}')
            break;
        if (parse_entry(ps, h) != 0)
            return -1;
        skip_space(ps);
        if (ps->p < ps->end && *ps->p == ',')
            ps->p++;
        else if (ps->p >= ps->end || *ps->p != '}')
            return fail(ps->err, ps->err_size,
                        "malformed .npy header: expected ',' or '}'");
    }
    ps->p++;

    skip_space(ps);
    if (ps->p != ps->end)
        return fail(ps->err, ps->err_size,
                    "malformed .npy header: text after the dict");
    if (!h->seen_descr || !h->seen_order || !h->seen_shape)
        return fail(ps->err, ps->err_size,
                    "malformed .npy header: 'descr', 'fortran_order' or "
                    "'shape' missing");
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Header checks                                                            */
/* ------------------------------------------------------------------------ */

static int check_descr(const char *descr, struct npy_info *info, char *err,
                       size_t err_size)
{
    char order = descr[0], shown[4 * NPY_MAX_STRING];
    const struct type_entry *e = NULL;
    size_t i;

    infile_quote(descr, strlen(descr), shown, sizeof shown);
    for (i = 0; order != '\0' && i < N_TYPES; i++)
        if (strcmp(descr + 1, types[i].code) == 0)
            e = &types[i];
    if (e == NULL || strchr("<>|=", order) == NULL
        || (order == '|' && e->size > 1))
        return fail(err, err_size, "unsupported dtype '%s' (expected <f2, "
                    "<f4, <f8, |u1, <u2, |b1, <i4 or <i8)", shown);
    if (order == '>' && e->size > 1)
        return fail(err, err_size, "big-endian dtype '%s' is not supported "
                    "(save as little-endian)", shown);
    if (e->size > 1 && !host_is_little_endian())
        return fail(err, err_size, "dtype '%s' needs a little-endian host",
                    shown);
    info->type = e->type;
    info->item_size = e->size;
    return 0;
}

/* 2 to max_ndim (3 or 4) dimensions; the leading ones of a 4-D array
 * fold into shape[0].  max_ndim 1 asks for a vector of n elements, seen
 * as shape 1 x 1 x n. */
static int check_shape(const struct header *h, size_t max_ndim,
                       struct npy_info *info, char *err, size_t err_size)
{
    size_t i;

    if (max_ndim == 1 && h->ndim != 1)
        return fail(err, err_size, "array has %zu dimension(s); expected "
                    "one", h->ndim);
    if (max_ndim != 1 && (h->ndim < 2 || h->ndim > max_ndim))
        return fail(err, err_size, "array has %zu dimension(s); expected "
                    "%s", h->ndim, max_ndim == 3 ? "H x W or N x H x W"
                    : "2, 3 or 4");

    info->ndim = h->ndim;
    memset(info->dims, 0, sizeof info->dims);
    for (i = 0; i < h->ndim; i++)
        info->dims[i] = h->shape[i];
    info->shape[0] = h->ndim == 3 ? h->shape[0] : 1;
    if (h->ndim == 1) {
        info->shape[1] = 1;
        info->shape[2] = h->shape[0];
    } else if (h->ndim == 4
        && (h->shape[1] == 0 || h->shape[0] <= SIZE_MAX / h->shape[1]))
        info->shape[0] = h->shape[0] * h->shape[1];
    else if (h->ndim == 4)
        return fail(err, err_size,
                    "declared shape is too large for this machine");
    if (h->ndim > 1) {
        info->shape[1] = h->shape[h->ndim - 2];
        info->shape[2] = h->shape[h->ndim - 1];
    }

    info->count = 1;
    for (i = 0; i < 3; i++) {
        if (info->shape[i] == 0)
            return fail(err, err_size, "array has a zero dimension");
        if (info->count > SIZE_MAX / info->shape[i])
            return fail(err, err_size,
                        "declared shape is too large for this machine");
        info->count *= info->shape[i];
    }
    if (info->count > SIZE_MAX / info->item_size)
        return fail(err, err_size,
                    "declared shape is too large for this machine");
    return 0;
}

static int check_header(const char *text, size_t size, size_t max_ndim,
                        struct npy_info *info, char *err, size_t err_size)
{
    struct header h;
    struct parser ps;

    memset(&h, 0, sizeof h);
    ps.p = text;
    ps.end = text + size;
    ps.err = err;
    ps.err_size = err_size;

    if (memchr(text, '\0', size) != NULL)
        return fail(err, err_size, "malformed .npy header: NUL byte");
    if (parse_dict(&ps, &h) != 0)
        return -1;
    if (h.fortran_order)
        return fail(err, err_size, "Fortran-order arrays are not supported "
                    "(save a C-order array)");
    if (check_descr(h.descr, info, err, err_size) != 0)
        return -1;
    return check_shape(&h, max_ndim, info, err, err_size);
}

/* ------------------------------------------------------------------------ */
/* Reading from memory                                                      */
/* ------------------------------------------------------------------------ */

/* The magic, the version and the header length: sets *header_size and
 * *data_offset, which may lie beyond `size`. */
static int parse_preamble(const unsigned char *b, size_t size,
                          size_t *header_size, size_t *data_offset,
                          char *err, size_t err_size)
{
    if (size < 8 || memcmp(b, NPY_MAGIC, NPY_MAGIC_SIZE) != 0)
        return fail(err, err_size, "not a .npy file (bad magic)");
    if ((b[6] != 1 && b[6] != 2 && b[6] != 3) || b[7] != 0)
        return fail(err, err_size, "unsupported .npy format version %u.%u",
                    (unsigned)b[6], (unsigned)b[7]);

    if (b[6] == 1) {
        if (size < 10)
            return fail(err, err_size, "file is truncated in its header");
        *header_size = (size_t)b[8] | (size_t)b[9] << 8;
        *data_offset = 10 + *header_size;
        return 0;
    }
    if (size < 12)
        return fail(err, err_size, "file is truncated in its header");
    if (b[11] != 0 || b[10] != 0)
        return fail(err, err_size, "malformed .npy header: too long");
    *header_size = (size_t)b[8] | (size_t)b[9] << 8;
    *data_offset = 12 + *header_size;
    return 0;
}

static int parse_header(const void *buffer, size_t size, size_t max_ndim,
                        struct npy_info *info, char *err, size_t err_size)
{
    const unsigned char *b = buffer;
    size_t header_size = 0, data_offset = 0;

    if (buffer == NULL && size > 0)
        return fail(err, err_size, "no buffer");
    if (parse_preamble(b, size, &header_size, &data_offset, err,
                       err_size) != 0)
        return -1;
    if (size < data_offset)
        return fail(err, err_size, "file is truncated in its header");

    info->data_offset = data_offset;
    return check_header((const char *)b + data_offset - header_size,
                        header_size, max_ndim, info, err, err_size);
}

int npy_parse_header(const void *buffer, size_t size, struct npy_info *info,
                     char *err, size_t err_size)
{
    return parse_header(buffer, size, 3, info, err, err_size);
}

/* The bytes after the header must be exactly the declared data. */
static int check_data_size(const struct npy_info *info, uintmax_t size,
                           char *err, size_t err_size)
{
    size_t data_bytes = info->count * info->item_size;

    if (size < info->data_offset || size - info->data_offset < data_bytes)
        return fail(err, err_size, "file is truncated: the header declares "
                    "%zu bytes of data but the file holds %ju",
                    data_bytes, size - info->data_offset);
    if (size - info->data_offset > data_bytes)
        return fail(err, err_size, "file holds %ju bytes after the %zu "
                    "declared bytes of data",
                    size - info->data_offset - data_bytes, data_bytes);
    return 0;
}

static int parse_whole(const void *buffer, size_t size, size_t max_ndim,
                       struct npy_info *info, const void **data, char *err,
                       size_t err_size)
{
    if (parse_header(buffer, size, max_ndim, info, err, err_size) != 0
        || check_data_size(info, size, err, err_size) != 0)
        return -1;
    *data = (const unsigned char *)buffer + info->data_offset;
    return 0;
}

int npy_parse(const void *buffer, size_t size, struct npy_info *info,
              const void **data, char *err, size_t err_size)
{
    return parse_whole(buffer, size, 3, info, data, err, err_size);
}

/* ------------------------------------------------------------------------ */
/* Reading files                                                            */
/* ------------------------------------------------------------------------ */

/* Reading opens regular files only (see infile_open). */
static FILE *open_file(const char *path, const char *mode, char *err,
                       size_t err_size)
{
    FILE *f;

    if (strcmp(mode, "rb") == 0) {
        f = infile_open(path, err, err_size);
        if (f == NULL)
            infile_printable(err);
        return f;
    }
    f = fopen(path, mode);
    if (f == NULL)
        fail(err, err_size, "cannot create: %s", strerror(errno));
    return f;
}

/* The size of an open regular file. */
static int regular_size(FILE *f, uintmax_t *size, char *err,
                        size_t err_size)
{
    struct stat st;

    if (fstat(fileno(f), &st) != 0)
        return fail(err, err_size, "cannot stat: %s", strerror(errno));
    if (!S_ISREG(st.st_mode))
        return fail(err, err_size, "not a regular file");
    *size = (uintmax_t)st.st_size;
    return 0;
}

/* Reads the preamble and the header text, then parses them in memory. */
static int read_info(FILE *f, size_t max_ndim, struct npy_info *info,
                     char *err, size_t err_size)
{
    unsigned char pre[12];
    unsigned char *head;
    size_t got = fread(pre, 1, sizeof pre, f), header_size = 0, offset = 0;
    uintmax_t size;
    int rc;

    if (parse_preamble(pre, got, &header_size, &offset, err, err_size) != 0)
        return -1;
    head = malloc(offset);
    if (head == NULL)
        return fail(err, err_size, "out of memory");
    memcpy(head, pre, got < offset ? got : offset);
    if (offset > got && fread(head + got, 1, offset - got, f)
                            != offset - got)
        rc = fail(err, err_size, "file is truncated in its header");
    else
        rc = parse_header(head, offset, max_ndim, info, err, err_size);
    free(head);

    if (rc == 0)
        rc = regular_size(f, &size, err, err_size);
    return rc == 0 ? check_data_size(info, size, err, err_size) : -1;
}

int npy_probe_nd(const char *path, size_t max_ndim, struct npy_info *info,
                 char *err, size_t err_size)
{
    FILE *f = open_file(path, "rb", err, err_size);
    int rc;

    if (f == NULL)
        return -1;
    rc = read_info(f, max_ndim, info, err, err_size);
    fclose(f);
    return rc;
}

int npy_probe(const char *path, struct npy_info *info, char *err,
              size_t err_size)
{
    return npy_probe_nd(path, 3, info, err, err_size);
}

/* Reads a whole regular file into a new buffer. */
static int slurp(FILE *f, unsigned char **out, size_t *size, char *err,
                 size_t err_size)
{
    uintmax_t file_size;
    unsigned char *buffer;

    if (regular_size(f, &file_size, err, err_size) != 0)
        return -1;
    if (file_size > SIZE_MAX - 1)
        return fail(err, err_size, "file is too large for this machine");
    buffer = malloc((size_t)file_size + 1);
    if (buffer == NULL)
        return fail(err, err_size, "out of memory for %ju bytes", file_size);
    if (fread(buffer, 1, (size_t)file_size, f) != (size_t)file_size
        || fgetc(f) != EOF) {
        free(buffer);
        return fail(err, err_size, "file changed while being read");
    }
    *out = buffer;
    *size = (size_t)file_size;
    return 0;
}

int npy_read_nd(const char *path, size_t max_ndim, struct npy_info *info,
                void **data, char *err, size_t err_size)
{
    FILE *f = open_file(path, "rb", err, err_size);
    unsigned char *buffer = NULL;
    const void *elements;
    size_t size = 0;
    int rc;

    if (f == NULL)
        return -1;
    rc = slurp(f, &buffer, &size, err, err_size);
    fclose(f);
    if (rc == 0)
        rc = parse_whole(buffer, size, max_ndim, info, &elements, err,
                         err_size);
    if (rc != 0) {
        free(buffer);
        return -1;
    }

    /* The elements move to the start of the block, which malloc aligned
     * for any type. */
    memmove(buffer, elements, info->count * info->item_size);
    *data = buffer;
    return 0;
}

int npy_read(const char *path, struct npy_info *info, void **data,
             char *err, size_t err_size)
{
    return npy_read_nd(path, 3, info, data, err, err_size);
}

/* ------------------------------------------------------------------------ */
/* Writing                                                                  */
/* ------------------------------------------------------------------------ */

/* The descr written for a type, e.g. "<f4" or "|u1". */
static int type_descr(enum npy_type type, char out[4])
{
    const struct type_entry *e = entry_of(type);

    if (e == NULL)
        return -1;
    out[0] = e->size == 1 ? '|' : '<';
    memcpy(out + 1, e->code, 3);
    return 0;
}

/* Version 1.0 header, padded as NumPy pads it: the data starts at a
 * multiple of 64 bytes. */
static int write_header(FILE *f, enum npy_type type, size_t ndim,
                        const size_t *shape)
{
    char text[256], descr[4];
    int n;
    size_t len;

    if (type_descr(type, descr) != 0)
        return -1;
    if (ndim == 2)
        n = snprintf(text, sizeof text, "{'descr': '%s', 'fortran_order': "
                     "False, 'shape': (%zu, %zu), }", descr,
                     shape[0], shape[1]);
    else
        n = snprintf(text, sizeof text, "{'descr': '%s', 'fortran_order': "
                     "False, 'shape': (%zu, %zu, %zu), }", descr,
                     shape[0], shape[1], shape[2]);
    if (n < 0 || (size_t)n + 64 >= sizeof text)
        return -1;

    len = (size_t)n;
    while ((10 + len + 1) % 64 != 0)
        text[len++] = ' ';
    text[len++] = '\n';

    fwrite(NPY_MAGIC, 1, NPY_MAGIC_SIZE, f);
    fputc(1, f);
    fputc(0, f);
    fputc((int)(len & 0xff), f);
    fputc((int)(len >> 8), f);
    return fwrite(text, 1, len, f) == len ? 0 : -1;
}

/* Writes each element's bytes least significant first. */
static int write_data(FILE *f, enum npy_type type, size_t count,
                      const void *data)
{
    size_t size = npy_type_size(type);
    const unsigned char *bytes = data;
    size_t i, j;

    if (size == 1 || host_is_little_endian())
        return fwrite(data, size, count, f) == count ? 0 : -1;

    for (i = 0; i < count; i++)
        for (j = 0; j < size; j++)
            if (fputc(bytes[i * size + size - 1 - j], f) == EOF)
                return -1;
    return 0;
}

int npy_write(const char *path, enum npy_type type, size_t ndim,
              const size_t *shape, const void *data, char *err,
              size_t err_size)
{
    FILE *f;
    size_t count = 1, i;
    int rc;

    if ((ndim != 2 && ndim != 3) || entry_of(type) == NULL)
        return fail(err, err_size, "cannot write this array as .npy");
    for (i = 0; i < ndim; i++)
        count *= shape[i];

    f = open_file(path, "wb", err, err_size);
    if (f == NULL)
        return -1;
    rc = write_header(f, type, ndim, shape);
    if (rc == 0)
        rc = write_data(f, type, count, data);
    if (fclose(f) != 0 || rc != 0)
        return fail(err, err_size, "write failed: %s", strerror(errno));
    return 0;
}
