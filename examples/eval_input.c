/*
 * eval_input.c - reading the score and label files of prcurve-eval and
 * feeding them to the accumulator.
 *
 * Every file is first probed (header only) so that a missing file, a bad
 * header or a shape mismatch is reported before anything is counted.  Then
 * the files are read one scores file and one labels file at a time, and the
 * arrays go to the library as they are, without conversion.
 *
 * Pairing: with as many labels files as scores files, the i-th of each pair
 * up and must have the same shape.  Otherwise both lists are taken as
 * sequences of images (a 2-D file is one image), and image j of one
 * sequence pairs with image j of the other.
 */
#define _POSIX_C_SOURCE 200809L

#include "eval.h"
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
    enum npy_type type;
    size_t ndim;
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

static int starts_like_png(const char *path)
{
    static const unsigned char signature[8] = {0x89, 'P', 'N', 'G',
                                               '\r', '\n', 0x1a, '\n'};
    unsigned char head[8];
    FILE *f = fopen(path, "rb");
    int png;

    if (f == NULL)
        return 0;
    png = fread(head, 1, 8, f) == 8 && memcmp(head, signature, 8) == 0;
    fclose(f);
    return png;
}

static void set_from_npy(struct source *src, const struct npy_info *info)
{
    src->type = info->type;
    src->ndim = info->ndim;
    src->images = info->shape[0];
    src->height = info->shape[1];
    src->width = info->shape[2];
}

static int probe_scores(const char *path, struct source *src)
{
    struct npy_info info;
    char err[NPY_ERROR_SIZE];

    src->path = path;
    if (npy_probe(path, &info, err, sizeof err) != 0) {
        eval_error("%s: %s", path, err);
        return EVAL_DATA_ERROR;
    }
    if (info.type == NPY_BOOL) {
        eval_error("%s: scores must be float32, float64 or uint8, not bool",
                   path);
        return EVAL_DATA_ERROR;
    }
    set_from_npy(src, &info);
    return EVAL_OK;
}

static int probe_labels(const char *path, struct source *src)
{
    struct npy_info info;
    char err[NPY_ERROR_SIZE];

    src->path = path;
    src->is_png = starts_like_png(path);
    if (src->is_png && png_gray_probe(path, &src->height, &src->width, err,
                                      sizeof err) == 0) {
        src->type = NPY_UINT8;
        src->ndim = 2;
        src->images = 1;
        return EVAL_OK;
    }
    if (!src->is_png && npy_probe(path, &info, err, sizeof err) == 0) {
        if (info.type == NPY_UINT8 || info.type == NPY_BOOL) {
            set_from_npy(src, &info);
            return EVAL_OK;
        }
        snprintf(err, sizeof err, "labels must be uint8 or bool, not %s",
                 npy_type_name(info.type));
    }
    eval_error("%s: %s", path, err);
    return EVAL_DATA_ERROR;
}

/* ------------------------------------------------------------------------ */
/* Pairing                                                                  */
/* ------------------------------------------------------------------------ */

static const char *shape_text(const struct source *src, char *buf,
                              size_t size)
{
    if (src->ndim == 3)
        snprintf(buf, size, "%zu x %zu x %zu", src->images, src->height,
                 src->width);
    else
        snprintf(buf, size, "%zu x %zu", src->height, src->width);
    return buf;
}

static int check_file_pairs(const struct source *s, const struct source *l,
                            size_t n)
{
    char a[96], b[96];
    size_t i;

    for (i = 0; i < n; i++)
        if (s[i].images != l[i].images || s[i].height != l[i].height
            || s[i].width != l[i].width) {
            eval_error("%s is %s but %s is %s", s[i].path,
                       shape_text(&s[i], a, sizeof a), l[i].path,
                       shape_text(&l[i], b, sizeof b));
            return EVAL_DATA_ERROR;
        }
    return EVAL_OK;
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
    unsigned char *pixels;

    if (!src->is_png)
        return npy_read(src->path, info, data, err, err_size);

    if (png_gray_read(src->path, &info->shape[1], &info->shape[2], &pixels,
                      err, err_size) != 0)
        return -1;
    info->type = NPY_UINT8;
    info->shape[0] = 1;
    *data = pixels;
    return 0;
}

static int load(const struct source *src, size_t index, struct loaded *out)
{
    struct npy_info info;
    char err[NPY_ERROR_SIZE];

    free(out->data);
    out->data = NULL;
    out->index = index;

    if (read_source(src, &info, &out->data, err, sizeof err) != 0) {
        eval_error("%s: %s", src->path, err);
        return EVAL_DATA_ERROR;
    }
    if (info.type != src->type || info.shape[0] != src->images
        || info.shape[1] != src->height || info.shape[2] != src->width) {
        eval_error("%s: file changed while being read", src->path);
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
    }
    return PRC_DTYPE_UINT8;
}

static size_t item_size(enum npy_type type)
{
    return type == NPY_FLOAT32 ? 4 : type == NPY_FLOAT64 ? 8 : 1;
}

/* " (from image 3)" when a chunk does not start a file, else "". */
static const char *from_text(size_t at, char *buf, size_t size)
{
    if (at == 0)
        return "";
    snprintf(buf, size, " (from image %zu)", at);
    return buf;
}

static int feed_chunk(prc_accumulator *acc, prc_batch *batch,
                      const struct source *s, const void *s_data,
                      size_t s_at, const struct source *l,
                      const void *l_data, size_t l_at, size_t images)
{
    size_t plane = s->height * s->width;
    const char *scores = (const char *)s_data + s_at * plane
                         * item_size(s->type);
    const char *labels = (const char *)l_data + l_at * plane;
    char a[48], b[48];
    prc_status status;

    status = prc_batch_set_shape(batch, images, s->height, s->width);
    if (status == PRC_OK)
        status = prc_batch_set_scores(batch, dtype_of(s->type), scores);
    if (status == PRC_OK)
        status = prc_batch_set_labels(batch, dtype_of(l->type), labels);
    if (status != PRC_OK) {
        eval_error("%s, %s: %s", s->path, l->path,
                   prc_status_message(status));
        return EVAL_DATA_ERROR;
    }

    if (prc_accumulator_feed(acc, batch) == PRC_OK)
        return EVAL_OK;
    eval_error("%s%s, %s%s: %s", s->path, from_text(s_at, a, sizeof a),
               l->path, from_text(l_at, b, sizeof b),
               prc_accumulator_last_error(acc));
    return EVAL_DATA_ERROR;
}

/* Reads and feeds the files chunk by chunk, holding one scores file and
 * one labels file in memory at a time. */
static int feed_all(const struct source *s, size_t ns,
                    const struct source *l, prc_accumulator *acc,
                    prc_batch *batch)
{
    struct walk w = {0, 0, 0, 0};
    struct loaded ls = {SIZE_MAX, NULL}, ll = {SIZE_MAX, NULL};
    int rc = EVAL_OK;

    while (w.s < ns && rc == EVAL_OK) {
        size_t images = chunk_images(&w, s, l);

        if (ls.index != w.s)
            rc = load(&s[w.s], w.s, &ls);
        if (rc == EVAL_OK && ll.index != w.l)
            rc = load(&l[w.l], w.l, &ll);
        if (rc == EVAL_OK)
            rc = feed_chunk(acc, batch, &s[w.s], ls.data, w.s_at, &l[w.l],
                            ll.data, w.l_at, images);
        advance(&w, s, l, images);
    }

    free(ls.data);
    free(ll.data);
    return rc;
}

static int probe_all(const struct eval_config *config, struct source *s,
                     struct source *l)
{
    size_t i;
    int rc = EVAL_OK;

    for (i = 0; i < config->n_scores && rc == EVAL_OK; i++)
        rc = probe_scores(config->scores[i], &s[i]);
    for (i = 0; i < config->n_labels && rc == EVAL_OK; i++)
        rc = probe_labels(config->labels[i], &l[i]);
    if (rc != EVAL_OK)
        return rc;

    if (config->n_scores == config->n_labels)
        return check_file_pairs(s, l, config->n_scores);
    return check_image_pairs(s, config->n_scores, l, config->n_labels);
}

int eval_feed_files(const struct eval_config *config, prc_accumulator *acc)
{
    struct source *s = calloc(config->n_scores, sizeof *s);
    struct source *l = calloc(config->n_labels, sizeof *l);
    prc_batch *batch = NULL;
    int rc = EVAL_DATA_ERROR;

    if (s == NULL || l == NULL || prc_batch_create(&batch) != PRC_OK)
        eval_error("out of memory");
    else
        rc = probe_all(config, s, l);

    if (rc == EVAL_OK)
        rc = feed_all(s, config->n_scores, l, acc, batch);

    prc_batch_free(batch);
    free(s);
    free(l);
    return rc;
}
