/*
 * npy.h - reading and writing NumPy .npy arrays of 2 or 3 dimensions.
 *
 * Only what prcurve-eval needs: little-endian or one-byte element types,
 * C order, shape H x W or N x H x W (or, through the _nd readers, four
 * dimensions, as N x C x H x W score arrays).  Anything else is refused with a
 * one-line reason of printable ASCII (bytes it quotes from the file are
 * shown as \xNN).  Only regular files are read.  Nothing in the header is trusted: every size is checked
 * for overflow and the file must hold exactly the declared data.
 */
#ifndef PRC_EXAMPLES_NPY_H
#define PRC_EXAMPLES_NPY_H

#include <stddef.h>

enum npy_type {
    NPY_FLOAT32 = 1, /* '<f4' */
    NPY_FLOAT64 = 2, /* '<f8' */
    NPY_UINT8 = 3,   /* '|u1' */
    NPY_BOOL = 4,    /* '|b1' */
    NPY_FLOAT16 = 5, /* '<f2' */
    NPY_UINT16 = 6,  /* '<u2' */
    NPY_INT32 = 7,   /* '<i4' */
    NPY_INT64 = 8    /* '<i8' */
};

/* Size of the one-line reason left in an error buffer. */
#define NPY_ERROR_SIZE 256

struct npy_info {
    enum npy_type type;
    size_t item_size;   /* bytes per element */
    size_t ndim;        /* 2 or 3; 4 from the _nd readers */
    size_t dims[4];     /* the declared shape, ndim entries, then 0 */
    size_t shape[3];    /* images, height, width (images = 1 for 2-D; the
                           product of the first two dimensions for 4-D) */
    size_t count;       /* images * height * width */
    size_t data_offset; /* bytes before the data */
};

/* Parses the header at the start of `size` bytes in memory into *info
 * (info->data_offset tells where the elements start).  The bytes after the
 * header are not looked at, so a buffer holding only the header will do.
 * Returns 0, or -1 with a one-line reason in err. */
int npy_parse_header(const void *buffer, size_t size, struct npy_info *info,
                     char *err, size_t err_size);

/* Parses a whole .npy file held in memory: the header into *info, and
 * *data pointed at the elements inside `buffer` (nothing is copied; the
 * pointer is only as aligned as buffer + data_offset).  The buffer must
 * hold exactly the declared data after the header.  Returns 0, or -1 with
 * a reason in err. */
int npy_parse(const void *buffer, size_t size, struct npy_info *info,
              const void **data, char *err, size_t err_size);

/* Reads only the header of `path` into *info.  Returns 0, or -1 with a
 * reason (without the file name) in err. */
int npy_probe(const char *path, struct npy_info *info, char *err,
              size_t err_size);

/* Reads the whole file: header into *info, data into a new buffer stored in
 * *data (free with free()).  Returns 0, or -1 with a reason in err. */
int npy_read(const char *path, struct npy_info *info, void **data,
             char *err, size_t err_size);

/* npy_probe and npy_read accepting 2 to max_ndim (3 or 4) dimensions, or
 * with max_ndim 1 exactly one (shape[] then reads 1, 1, n). */
int npy_probe_nd(const char *path, size_t max_ndim, struct npy_info *info,
                 char *err, size_t err_size);
int npy_read_nd(const char *path, size_t max_ndim, struct npy_info *info,
                void **data, char *err, size_t err_size);

/* Writes a little-endian C-order array of `ndim` (2 or 3) dimensions in
 * format version 1.0.  `data` holds the elements in host order; they are
 * written little-endian whatever the host.  Returns 0, or -1 with a reason
 * in err. */
int npy_write(const char *path, enum npy_type type, size_t ndim,
              const size_t *shape, const void *data, char *err,
              size_t err_size);

/* A short name of a type, e.g. "float32". */
const char *npy_type_name(enum npy_type type);

/* Bytes per element of a type, e.g. 4 for NPY_FLOAT32. */
size_t npy_type_size(enum npy_type type);

#endif /* PRC_EXAMPLES_NPY_H */
