/*
 * eval_input.c - reading the score and label files of prcurve-eval and
 * feeding them to the accumulator.
 *
 * Every file is first probed (header only) so that a missing file, a bad
 * header or a shape mismatch is reported before anything is counted.  Then
 * the files are read one scores file and one labels file at a time, and the
 * arrays go to the library as they are, without conversion: the library
 * reads every supported element type (16-bit PNG samples as uint16)
 * itself.
 *
 * With --classes, score arrays (and multi-label masks) carry a class axis
 * as well, N x C x H x W or N x H x W x C (C x H x W or H x W x C for one
 * image); they are fed in place, the library told the layout, and the
 * images, height and width below are the spatial ones.
 *
 * Weights (--weights): one float32 or float64 .npy per labels file, of its
 * images, height and width (one weight per pixel, shared by the classes),
 * walked alongside the labels and fed in place like them.
 *
 * Pairing: with as many labels files as scores files, the i-th of each pair
 * up and must have the same shape; under --keep-going a pair with a bad
 * file is reported, counted and left out.  Otherwise both lists are taken
 * as sequences of images (a 2-D file is one image), image j of one sequence
 * pairs with image j of the other, and any problem stops the run.
 */
#define _POSIX_C_SOURCE 200809L

#include "eval.h"
#include "infile.h"
#include "npy.h"
#include "png_gray.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct source {
    const char *path;
    int is_png;
    int png_bits; /* 8 or 16 for a score PNG, 0 otherwise */
    int bad;      /* reported under --keep-going and left out */
    enum npy_type type;
    size_t ndim, dims[4]; /* as declared in the file */
    size_t channels;      /* length of the class axis, 1 without one */
    size_t images, height, width;
};

/* Position in the two image sequences. */
struct walk {
    size_t s, l;         /* current scores and labels file */
    size_t s_at, l_at;   /* first image of the next chunk in each */
};

/* A file's data in memory, or none (index SIZE_MAX). */
struct loaded {
    size_t index;
    void *data;
};

/* ------------------------------------------------------------------------ */
/* Probing                                                                  */
/* ------------------------------------------------------------------------ */

/* Whether the file starts with the `size` bytes of `magic`. */
static int starts_with(const char *path, const unsigned char *magic,
                       size_t size)
{
    unsigned char head[8];
    char err[NPY_ERROR_SIZE];
    FILE *f = infile_open(path, err, sizeof err);
    int match;

    if (f == NULL)
        return 0;
    match = fread(head, 1, size, f) == size
            && memcmp(head, magic, size) == 0;
    fclose(f);
    return match;
}

static int starts_like_png(const char *path)
{
    static const unsigned char signature[8] = {0x89, 'P', 'N', 'G',
                                               '\r', '\n', 0x1a, '\n'};

    return starts_with(path, signature, 8);
}

/* For a file that is neither a PNG nor a .npy by its first bytes, the
 * reason is told by its name: "not a PNG" for a .png file, else the .npy
 * reader's own.  Returns -1. */
static int neither_png_nor_npy(const char *path, char *err, size_t err_size)
{
    static const unsigned char npy_magic[6] = {0x93, 'N', 'U', 'M', 'P',
                                               'Y'};
    size_t length = strlen(path);
    const char *ext = length >= 4 ? path + length - 4 : "";

    if (!starts_with(path, npy_magic, 6) && ext[0] == '.'
        && (ext[1] == 'p' || ext[1] == 'P') && (ext[2] == 'n' || ext[2] == 'N')
        && (ext[3] == 'g' || ext[3] == 'G'))
        snprintf(err, err_size, "not a PNG file (bad signature), nor a "
                 ".npy array");
    return -1;
}

static void set_from_npy(struct source *src, const struct npy_info *info)
{
    src->type = info->type;
    src->ndim = info->ndim;
    memcpy(src->dims, info->dims, sizeof src->dims);
    src->channels = 1;
    src->images = info->shape[0];
    src->height = info->shape[1];
    src->width = info->shape[2];
}

static void set_plane(struct source *src, enum npy_type type, size_t height,
                      size_t width)
{
    src->type = type;
    src->ndim = 2;
    memset(src->dims, 0, sizeof src->dims);
    src->dims[0] = height;
    src->dims[1] = width;
    src->channels = 1;
    src->images = 1;
    src->height = height;
    src->width = width;
}

/* Whether a source carries a class axis: scores with --classes, and
 * labels with --multilabel. */
static int has_class_axis(const struct eval_config *config, int is_labels)
{
    return config->classes > 0 && (!is_labels || config->multilabel);
}

/* Reads the class axis out of an array's declared shape, by --layout. */
static int set_class_axis(const struct eval_config *config,
                          struct source *src, char *err, size_t err_size)
{
    const size_t *d = src->dims;
    int nhwc = config->layout == PRC_LAYOUT_NHWC;
    size_t first = src->ndim == 4 ? 1 : 0; /* after N */

    if (src->ndim < 3) {
        snprintf(err, err_size, "array has 2 dimensions; --classes needs "
                 "%s, or %s for one image", nhwc ? "N x H x W x C"
                 : "N x C x H x W", nhwc ? "H x W x C" : "C x H x W");
        return -1;
    }
    src->images = src->ndim == 4 ? d[0] : 1;
    src->channels = nhwc ? d[first + 2] : d[first];
    src->height = nhwc ? d[first] : d[first + 1];
    src->width = nhwc ? d[first + 1] : d[first + 2];
    if (src->channels != (size_t)config->classes) {
        snprintf(err, err_size, "the class axis (%s) has %zu entries but "
                 "--classes is %d", nhwc ? "last" : src->ndim == 4
                 ? "second" : "first", src->channels, config->classes);
        return -1;
    }
    return 0;
}

/* Score PNGs: 8-bit grayscale as uint8 (v/255), 16-bit grayscale as
 * uint16 (v/65535). */
static int probe_score_png(struct source *src, char *err, size_t err_size)
{
    struct png_gray_info info;

    if (png_gray_load(src->path, &info, NULL, err, err_size) != 0)
        return -1;
    if (info.palette) {
        snprintf(err, err_size, "a palette PNG cannot be a score map "
                 "(expected 8- or 16-bit grayscale)");
        return -1;
    }
    src->png_bits = info.bits;
    set_plane(src, info.bits == 16 ? NPY_UINT16 : NPY_UINT8, info.height,
              info.width);
    return 0;
}

static int is_score_type(enum npy_type type)
{
    return type == NPY_FLOAT16 || type == NPY_FLOAT32 || type == NPY_FLOAT64
           || type == NPY_UINT8 || type == NPY_UINT16;
}

static int is_label_type(enum npy_type type)
{
    return type == NPY_UINT8 || type == NPY_BOOL || type == NPY_INT32
           || type == NPY_INT64;
}

static int probe_weights(const char *path, struct source *src, char *err,
                         size_t err_size)
{
    struct npy_info info;

    src->path = path;
    if (starts_like_png(path)) {
        snprintf(err, err_size, "weights must be .npy arrays (float32 or "
                 "float64), not PNG");
        return -1;
    }
    if (npy_probe_nd(path, 3, &info, err, err_size) != 0)
        return -1;
    if (info.type != NPY_FLOAT32 && info.type != NPY_FLOAT64) {
        snprintf(err, err_size, "weights must be float32 or float64, not "
                 "%s", npy_type_name(info.type));
        return -1;
    }
    set_from_npy(src, &info);
    return 0;
}

static int probe_scores(const struct eval_config *config, const char *path,
                        struct source *src, char *err, size_t err_size)
{
    struct npy_info info;
    int axis = has_class_axis(config, 0);

    src->path = path;
    src->is_png = starts_like_png(path);
    if (src->is_png && axis) {
        snprintf(err, err_size, "with --classes, scores must be .npy arrays "
                 "with a class axis, not PNG");
        return -1;
    }
    if (src->is_png)
        return probe_score_png(src, err, err_size);
    if (npy_probe_nd(path, axis ? 4 : 3, &info, err, err_size) != 0)
        return neither_png_nor_npy(path, err, err_size);
    if (!is_score_type(info.type)) {
        snprintf(err, err_size, "scores must be float16, float32, float64, "
                 "uint8 or uint16, not %s", npy_type_name(info.type));
        return -1;
    }
    set_from_npy(src, &info);
    return axis ? set_class_axis(config, src, err, err_size) : 0;
}

static int probe_labels(const struct eval_config *config, const char *path,
                        struct source *src, char *err, size_t err_size)
{
    struct npy_info info;
    size_t height = 0, width = 0;
    int axis = has_class_axis(config, 1);

    src->path = path;
    src->is_png = starts_like_png(path);
    if (src->is_png && axis) {
        snprintf(err, err_size, "with --multilabel, labels must be .npy "
                 "masks laid out like the scores, not PNG");
        return -1;
    }
    if (src->is_png && png_gray_probe(path, &height, &width, err,
                                      err_size) == 0) {
        set_plane(src, NPY_UINT8, height, width);
        return 0;
    }
    if (!src->is_png
        && npy_probe_nd(path, axis ? 4 : 3, &info, err, err_size) == 0) {
        if (is_label_type(info.type)) {
            set_from_npy(src, &info);
            return axis ? set_class_axis(config, src, err, err_size) : 0;
        }
        snprintf(err, err_size, "labels must be uint8, bool, int32 or "
                 "int64, not %s", npy_type_name(info.type));
        return -1;
    }
    return src->is_png ? -1 : neither_png_nor_npy(path, err, err_size);
}

/* ------------------------------------------------------------------------ */
/* Pairing                                                                  */
/* ------------------------------------------------------------------------ */

/* The declared shape, e.g. "8 x 21 x 64 x 64". */
static const char *shape_text(const struct source *src, char *buf,
                              size_t size)
{
    size_t i, at = 0;

    buf[0] = '\0';
    for (i = 0; i < src->ndim && at < size; i++)
        at += (size_t)snprintf(buf + at, size - at, "%s%zu",
                               i ? " x " : "", src->dims[i]);
    return buf;
}

/* One problem with a file: an error, or under --keep-going a warning; then
 * the file is marked bad and counted. */
static void report(const struct eval_config *config, struct source *src,
                   const char *what)
{
    if (!config->keep_going) {
        eval_error("%s", what);
        return;
    }
    eval_warning("%s; pair skipped", what);
    if (src != NULL && !src->bad)
        config->stats->skipped_files++;
    if (src != NULL)
        src->bad = 1;
}

static int check_file_pair(const struct eval_config *config,
                           struct source *s, struct source *l)
{
    char a[96], b[96], what[1024];

    if (s->images == l->images && s->height == l->height
        && s->width == l->width)
        return EVAL_OK;
    snprintf(what, sizeof what, "%s is %s but %s is %s", s->path,
             shape_text(s, a, sizeof a), l->path, shape_text(l, b, sizeof b));
    report(config, l, what);
    s->bad = 1;
    return config->keep_going ? EVAL_OK : EVAL_DATA_ERROR;
}

/* A weights file holds one weight per pixel of its labels file. */
static int check_weight_pair(const struct eval_config *config,
                             struct source *l, struct source *w)
{
    char a[96], b[96], what[1024];

    if (w->images == l->images && w->height == l->height
        && w->width == l->width)
        return EVAL_OK;
    snprintf(what, sizeof what, "%s is %s but its labels file %s is %s "
             "(one weight per pixel)", w->path, shape_text(w, a, sizeof a),
             l->path, shape_text(l, b, sizeof b));
    report(config, w, what);
    l->bad = 1;
    return config->keep_going ? EVAL_OK : EVAL_DATA_ERROR;
}

static size_t total_images(const struct source *src, size_t n)
{
    size_t total = 0, i;

    for (i = 0; i < n; i++)
        total += src[i].images;
    return total;
}

/* Images in the next chunk: as many as both current files still have. */
static size_t chunk_images(const struct walk *w, const struct source *s,
                           const struct source *l)
{
    size_t left_s = s[w->s].images - w->s_at;
    size_t left_l = l[w->l].images - w->l_at;

    return left_s < left_l ? left_s : left_l;
}

static void advance(struct walk *w, const struct source *s,
                    const struct source *l, size_t images)
{
    w->s_at += images;
    w->l_at += images;
    if (w->s_at == s[w->s].images) {
        w->s++;
        w->s_at = 0;
    }
    if (w->l_at == l[w->l].images) {
        w->l++;
        w->l_at = 0;
    }
}

static int check_image_pairs(const struct source *s, size_t ns,
                             const struct source *l, size_t nl)
{
    struct walk w = {0, 0, 0, 0};
    size_t ts = total_images(s, ns), tl = total_images(l, nl);

    if (ts != tl) {
        eval_error("the scores files hold %zu image(s) but the labels files "
                   "hold %zu", ts, tl);
        return EVAL_DATA_ERROR;
    }
    while (w.s < ns) {
        if (s[w.s].height != l[w.l].height || s[w.s].width != l[w.l].width) {
            eval_error("image %zu of %s is %zu x %zu but image %zu of %s is "
                       "%zu x %zu", w.s_at, s[w.s].path, s[w.s].height,
                       s[w.s].width, w.l_at, l[w.l].path, l[w.l].height,
                       l[w.l].width);
            return EVAL_DATA_ERROR;
        }
        advance(&w, s, l, chunk_images(&w, s, l));
    }
    return EVAL_OK;
}

/* ------------------------------------------------------------------------ */
/* Loading and feeding                                                      */
/* ------------------------------------------------------------------------ */

/* Reads a whole file; for a PNG, info gets the type and shape only. */
static int read_source(const struct source *src, struct npy_info *info,
                       void **data, char *err, size_t err_size)
{
    struct png_gray_info png;

    if (!src->is_png)
        return npy_read_nd(src->path, src->ndim == 4 ? 4 : 3, info, data,
                           err, err_size);

    if (png_gray_load(src->path, &png, data, err, err_size) != 0)
        return -1;
    info->type = png.bits == 16 ? NPY_UINT16 : NPY_UINT8;
    info->ndim = 2;
    memset(info->dims, 0, sizeof info->dims);
    info->dims[0] = png.height;
    info->dims[1] = png.width;
    if (src->png_bits && png.palette) { /* a score map turned palette */
        free(*data);
        *data = NULL;
        snprintf(err, err_size, "file changed while being read");
        return -1;
    }
    return 0;
}

static int load(const struct eval_config *config, struct source *src,
                size_t index, struct loaded *out)
{
    struct npy_info info;
    char err[NPY_ERROR_SIZE], what[NPY_ERROR_SIZE + 512];

    free(out->data);
    out->data = NULL;
    out->index = index;

    if (read_source(src, &info, &out->data, err, sizeof err) != 0) {
        snprintf(what, sizeof what, "%s: %s", src->path, err);
        report(config, src, what);
        return EVAL_DATA_ERROR;
    }
    if (info.type != src->type || info.ndim != src->ndim
        || memcmp(info.dims, src->dims, sizeof info.dims) != 0) {
        snprintf(what, sizeof what, "%s: file changed while being read",
                 src->path);
        report(config, src, what);
        return EVAL_DATA_ERROR;
    }
    return EVAL_OK;
}

static prc_dtype dtype_of(enum npy_type type)
{
    switch (type) {
    case NPY_FLOAT32: return PRC_DTYPE_FLOAT32;
    case NPY_FLOAT64: return PRC_DTYPE_FLOAT64;
    case NPY_UINT8: return PRC_DTYPE_UINT8;
    case NPY_BOOL: return PRC_DTYPE_BOOL;
    case NPY_FLOAT16: return PRC_DTYPE_FLOAT16;
    case NPY_UINT16: return PRC_DTYPE_UINT16;
    case NPY_INT32: return PRC_DTYPE_INT32;
    case NPY_INT64: return PRC_DTYPE_INT64;
    }
    return PRC_DTYPE_UINT8;
}

/* " (from image 3)" when a chunk does not start a file, else "". */
static const char *from_text(size_t at, char *buf, size_t size)
{
    if (at == 0)
        return "";
    snprintf(buf, size, " (from image %zu)", at);
    return buf;
}

/* One stretch of images of a scores file and a labels file, and of the
 * labels file's weights (w NULL without). */
struct chunk {
    struct source *s, *l, *w;
    const void *s_data, *l_data, *w_data;
    size_t s_at, l_at, images;
};

/* Points the batch at the chunk's weights, or at none. */
static prc_status set_weights(prc_batch *batch, const struct chunk *c)
{
    size_t plane = c->l->height * c->l->width;

    if (c->w == NULL)
        return prc_batch_set_weights(batch, PRC_DTYPE_FLOAT64, NULL);
    return prc_batch_set_weights(batch, dtype_of(c->w->type),
                                 (const char *)c->w_data + c->l_at * plane
                                 * npy_type_size(c->w->type));
}

/* The line for a weight the library refused: the weights file and the
 * pixel. */
static void report_weight(const struct eval_config *config,
                          prc_accumulator *acc, const struct chunk *c)
{
    char at[48], what[1024];

    snprintf(what, sizeof what, "%s%s: %s", c->w->path,
             from_text(c->l_at, at, sizeof at),
             prc_accumulator_last_error(acc));
    report(config, c->w, what);
    c->l->bad = 1;
}


/* Class-index labels (--classes without --multilabel) given as bool. */
static int bool_classes(const struct eval_config *config,
                        const struct chunk *c)
{
    return config->classes > 0 && !config->multilabel
           && c->l->type == NPY_BOOL;
}

static int feed_chunk(const struct eval_config *config, prc_accumulator *acc,
                      prc_batch *batch, const struct chunk *c)
{
    size_t plane = c->s->height * c->s->width;
    const char *scores = (const char *)c->s_data + c->s_at * plane
                         * c->s->channels * npy_type_size(c->s->type);
    const char *labels = (const char *)c->l_data + c->l_at * plane
                         * c->l->channels * npy_type_size(c->l->type);
    char a[48], b[48], what[1024];
    prc_status status;

    status = prc_batch_set_shape(batch, c->images, c->s->height,
                                 c->s->width);
    if (status == PRC_OK)
        status = prc_batch_set_scores(batch, dtype_of(c->s->type), scores);
    if (status == PRC_OK)
        status = prc_batch_set_labels(batch, dtype_of(c->l->type), labels);
    if (status == PRC_OK)
        status = set_weights(batch, c);
    if (status == PRC_OK)
        status = prc_accumulator_feed(acc, batch);
    if (status == PRC_OK)
        return EVAL_OK;
    if (status == PRC_E_WEIGHT && c->w != NULL) {
        report_weight(config, acc, c);
        return EVAL_DATA_ERROR;
    }

    snprintf(what, sizeof what, "%s%s, %s%s: %s", c->s->path,
             from_text(c->s_at, a, sizeof a), c->l->path,
             from_text(c->l_at, b, sizeof b),
             status == PRC_E_DTYPE && bool_classes(config, c)
             ? "bool labels cannot hold class indices (use --multilabel "
               "or integer labels)"
             : status == PRC_E_NOMEM || status == PRC_E_DTYPE
             ? prc_status_message(status) : prc_accumulator_last_error(acc));
    if (status == PRC_E_DTYPE && bool_classes(config, c))
        status = PRC_E_LABEL;
    /* A bad label is the labels file's fault, anything else the scores'. */
    report(config, status == PRC_E_LABEL ? c->l : c->s, what);
    return EVAL_DATA_ERROR;
}

/* Files that pair one to one: each pair read, fed and freed in turn; under
 * --keep-going a bad pair is skipped. */
static int feed_pairs(const struct eval_config *config, struct source *s,
                      struct source *l, struct source *w, size_t n,
                      prc_accumulator *acc, prc_batch *batch)
{
    struct loaded ls = {SIZE_MAX, NULL}, ll = {SIZE_MAX, NULL};
    struct loaded lw = {SIZE_MAX, NULL};
    struct chunk c;
    size_t i;
    int rc = EVAL_OK;

    for (i = 0; i < n && (rc == EVAL_OK || config->keep_going); i++) {
        eval_progress(config, i, n);
        if (s[i].bad || l[i].bad || (w != NULL && w[i].bad))
            continue;
        rc = load(config, &s[i], i, &ls);
        if (rc == EVAL_OK)
            rc = load(config, &l[i], i, &ll);
        if (rc == EVAL_OK && w != NULL)
            rc = load(config, &w[i], i, &lw);
        if (rc != EVAL_OK)
            continue;

        memset(&c, 0, sizeof c);
        c.s = &s[i];
        c.l = &l[i];
        c.w = w != NULL ? &w[i] : NULL;
        c.s_data = ls.data;
        c.l_data = ll.data;
        c.w_data = lw.data;
        c.images = s[i].images;
        rc = feed_chunk(config, acc, batch, &c);
    }
    eval_progress(config, n, n);

    free(ls.data);
    free(ll.data);
    free(lw.data);
    return config->keep_going ? EVAL_OK : rc;
}

/* Sequences of images: read and fed chunk by chunk, holding one scores
 * file and one labels file in memory at a time. */
static int feed_sequences(const struct eval_config *config, struct source *s,
                          size_t ns, struct source *l, struct source *wt,
                          prc_accumulator *acc, prc_batch *batch)
{
    struct walk w = {0, 0, 0, 0};
    struct loaded ls = {SIZE_MAX, NULL}, ll = {SIZE_MAX, NULL};
    struct loaded lw = {SIZE_MAX, NULL};
    struct chunk c;
    int rc = EVAL_OK;

    while (w.s < ns && rc == EVAL_OK) {
        eval_progress(config, w.s, ns);
        if (ls.index != w.s)
            rc = load(config, &s[w.s], w.s, &ls);
        if (rc == EVAL_OK && ll.index != w.l)
            rc = load(config, &l[w.l], w.l, &ll);
        if (rc == EVAL_OK && wt != NULL && lw.index != w.l)
            rc = load(config, &wt[w.l], w.l, &lw);

        c.s = &s[w.s];
        c.l = &l[w.l];
        c.w = wt != NULL ? &wt[w.l] : NULL;
        c.s_data = ls.data;
        c.l_data = ll.data;
        c.w_data = lw.data;
        c.s_at = w.s_at;
        c.l_at = w.l_at;
        c.images = chunk_images(&w, s, l);
        if (rc == EVAL_OK)
            rc = feed_chunk(config, acc, batch, &c);
        advance(&w, s, l, c.images);
    }
    eval_progress(config, ns, ns);

    free(ls.data);
    free(ll.data);
    free(lw.data);
    return rc;
}

/* Probes source i of all the files: scores, then labels, then weights. */
static int probe_one(const struct eval_config *config, size_t i,
                     struct source *s, struct source *l, struct source *w,
                     char *err, size_t err_size, struct source **src,
                     const char **path)
{
    size_t n = config->n_scores, nl = config->n_labels;

    if (i < n) {
        *src = &s[i];
        *path = config->scores[i];
        return probe_scores(config, *path, *src, err, err_size);
    }
    if (i < n + nl) {
        *src = &l[i - n];
        *path = config->labels[i - n];
        return probe_labels(config, *path, *src, err, err_size);
    }
    *src = &w[i - n - nl];
    *path = config->weights[i - n - nl];
    return probe_weights(*path, *src, err, err_size);
}

static int probe_all(const struct eval_config *config, struct source *s,
                     struct source *l, struct source *w)
{
    size_t n = config->n_scores, total, i;
    int pairs = n == config->n_labels, rc = EVAL_OK;
    char err[NPY_ERROR_SIZE], what[NPY_ERROR_SIZE + 512];
    const struct eval_config *strict = config;
    struct eval_config sequence_config;

    if (!pairs) { /* --keep-going needs files that pair one to one */
        sequence_config = *config;
        sequence_config.keep_going = 0;
        strict = &sequence_config;
    }
    total = n + config->n_labels + config->n_weights;
    for (i = 0; i < total && rc == EVAL_OK; i++) {
        struct source *src = NULL;
        const char *path = NULL;
        int bad = probe_one(config, i, s, l, w, err, sizeof err, &src,
                            &path);

        if (bad) {
            snprintf(what, sizeof what, "%s: %s", path, err);
            report(strict, src, what);
            rc = strict->keep_going ? EVAL_OK : EVAL_DATA_ERROR;
        }
    }
    for (i = 0; i < config->n_weights && rc == EVAL_OK; i++)
        if (!l[i].bad && !w[i].bad)
            rc = check_weight_pair(strict, &l[i], &w[i]);
    for (i = 0; pairs && i < n && rc == EVAL_OK; i++)
        if (!s[i].bad && !l[i].bad)
            rc = check_file_pair(config, &s[i], &l[i]);
    if (rc != EVAL_OK || pairs)
        return rc;
    return check_image_pairs(s, n, l, config->n_labels);
}

int eval_feed_files(const struct eval_config *config, prc_accumulator *acc)
{
    struct source *s = calloc(config->n_scores, sizeof *s);
    struct source *l = calloc(config->n_labels, sizeof *l);
    struct source *w = calloc(config->n_weights + 1, sizeof *w);
    struct source *wt = config->n_weights > 0 ? w : NULL;
    prc_batch *batch = NULL;
    int rc = EVAL_DATA_ERROR;

    if (s == NULL || l == NULL || w == NULL
        || prc_batch_create(&batch) != PRC_OK)
        eval_error("out of memory");
    else if (prc_batch_set_layout(batch, config->layout) != PRC_OK)
        eval_error("unknown layout");
    else
        rc = probe_all(config, s, l, w);

    if (rc == EVAL_OK && config->n_scores == config->n_labels)
        rc = feed_pairs(config, s, l, wt, config->n_scores, acc, batch);
    else if (rc == EVAL_OK)
        rc = feed_sequences(config, s, config->n_scores, l, wt, acc, batch);

    prc_batch_free(batch);
    free(s);
    free(l);
    free(w);
    return rc;
}

int eval_create_accumulator(const struct eval_config *config,
                            prc_accumulator **acc)
{
    prc_status status = prc_accumulator_create(acc, config->options);
    int64_t bins = 0, ignore = 0;

    if (status == PRC_OK)
        return EVAL_OK;
    if (status == PRC_E_NOMEM) {
        eval_error("out of memory");
        return EVAL_DATA_ERROR;
    }
    prc_options_get(config->options, PRC_OPT_BINS, &bins);
    prc_options_get(config->options, PRC_OPT_IGNORE_LABEL, &ignore);
    if (status == PRC_E_OPTION_VALUE && config->classes > 0
        && ignore != PRC_NO_IGNORE_LABEL && ignore < config->classes) {
        eval_error("--classes %d --ignore %lld: the class indices 0..%d "
                   "must all lie below the ignore label (use --ignore %d "
                   "or above, or --ignore none)", config->classes,
                   (long long)ignore, config->classes - 1, config->classes);
        return EVAL_USAGE_ERROR;
    }
    if (status == PRC_E_OPTION_VALUE && config->range_given
        && config->thresholds == NULL) {
        eval_error("--range %s %s is too narrow for %lld bins: the "
                   "thresholds would not all differ", config->range_text[0],
                   config->range_text[1], (long long)bins);
        return EVAL_USAGE_ERROR;
    }
    eval_error("these options do not go together: %s",
               prc_status_message(status));
    return status == PRC_E_UNSUPPORTED ? EVAL_DATA_ERROR : EVAL_USAGE_ERROR;
}
