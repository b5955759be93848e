/*
 * make-sample-data.c - writes the sample data set of examples/data.
 *
 *     make-sample-data OUTDIR
 *
 * Eight 128 x 128 slices that look like the output of a lung-nodule
 * segmentation model on CT: small round nodules as the ground truth, and a
 * blurred, noisy probability map that is low almost everywhere, confident
 * near most nodules, weak on some small ones (misses), with a few confident
 * blobs where there is no nodule (false positives).  A 3-pixel band along
 * the border carries the ignore label 255.  Slice 3 has no nodule.
 *
 * Files written:
 *     OUTDIR/scores.npy          float32, 8 x 128 x 128
 *     OUTDIR/labels/slice_NN.png 8-bit grayscale, 128 x 128, one per slice
 *     OUTDIR/scores_u8.npy       uint8 (round(255 * score)), 8 x 128 x 128
 *     OUTDIR/labels_u8.npy       uint8, 8 x 128 x 128, the same labels
 *
 * The output is the same on every run and every machine: the random numbers
 * come from our own generator, and only +, -, *, / and sqrt are used, which
 * IEEE 754 rounds exactly (the build turns off fused multiply-add).
 */
#define _POSIX_C_SOURCE 200809L

#include "npy.h"
#include "png_gray.h"

#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define SLICES 8
#define SIZE 128
#define PIXELS (SIZE * SIZE)
#define BORDER 3
#define IGNORE 255
#define MAX_BLOBS 8

struct blob {
    double y, x;      /* centre */
    double radius;    /* of the bump in the score map */
    double amplitude; /* added to the logit at the centre */
};

struct slice {
    unsigned char labels[PIXELS];
    double logit[PIXELS];
    float scores[PIXELS];
    unsigned char scores_u8[PIXELS];
};

/* ------------------------------------------------------------------------ */
/* Random numbers: splitmix64                                               */
/* ------------------------------------------------------------------------ */

static uint64_t next_u64(uint64_t *state)
{
    uint64_t z;

    *state += UINT64_C(0x9e3779b97f4a7c15);
    z = *state;
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* Uniform in [0, 1), 53 random bits. */
static double uniform(uint64_t *state)
{
    return (double)(next_u64(state) >> 11) * (1.0 / 9007199254740992.0);
}

/* Roughly normal with mean 0 and variance 1: a centred, scaled sum of four
 * uniforms, which needs no transcendental function. */
static double normal(uint64_t *state)
{
    double sum = 0.0;
    int i;

    for (i = 0; i < 4; i++)
        sum += uniform(state);
    return (sum - 2.0) * 1.7320508075688772;
}

/* ------------------------------------------------------------------------ */
/* Drawing                                                                  */
/* ------------------------------------------------------------------------ */

/* Inside one of the two lung-shaped ellipses? */
static int in_lung(double y, double x)
{
    double dy = (y - 64.0) / 42.0;
    double left = (x - 38.0) / 24.0;
    double right = (x - 90.0) / 24.0;

    return dy * dy + left * left < 1.0 || dy * dy + right * right < 1.0;
}

/* A random point inside the lungs, at least `margin` from their edge. */
static void lung_point(uint64_t *rng, double margin, double *y, double *x)
{
    do {
        *y = 16.0 + 96.0 * uniform(rng);
        *x = 10.0 + 108.0 * uniform(rng);
    } while (!in_lung(*y - margin, *x) || !in_lung(*y + margin, *x)
             || !in_lung(*y, *x - margin) || !in_lung(*y, *x + margin));
}

static void draw_disc(unsigned char *labels, double cy, double cx, double r)
{
    int y, x;

    for (y = 0; y < SIZE; y++)
        for (x = 0; x < SIZE; x++) {
            double dy = y - cy, dx = x - cx;

            if (dy * dy + dx * dx <= r * r)
                labels[y * SIZE + x] = 1;
        }
}

/* Adds a smooth bump, (1 - d^2 / r^2)^2 inside radius r, to the logits. */
static void add_blob(double *logit, const struct blob *b)
{
    int y, x;

    for (y = 0; y < SIZE; y++)
        for (x = 0; x < SIZE; x++) {
            double dy = y - b->y, dx = x - b->x;
            double t = 1.0 - (dy * dy + dx * dx) / (b->radius * b->radius);

            if (t > 0.0)
                logit[y * SIZE + x] += b->amplitude * t * t;
        }
}

/* One pass of the binomial filter [1 4 6 4 1] / 16 along rows and then
 * columns, with the edge pixel repeated beyond the border. */
static void blur(double *v)
{
    static const double w[5] = {1.0, 4.0, 6.0, 4.0, 1.0};
    static double tmp[PIXELS];
    int y, x, k, pass;

    for (pass = 0; pass < 2; pass++) {
        for (y = 0; y < SIZE; y++)
            for (x = 0; x < SIZE; x++) {
                double sum = 0.0;

                for (k = -2; k <= 2; k++) {
                    int i = pass == 0 ? x + k : y + k;
                    int j = i < 0 ? 0 : i >= SIZE ? SIZE - 1 : i;

                    sum += w[k + 2] * (pass == 0 ? v[y * SIZE + j]
                                                 : v[j * SIZE + x]);
                }
                tmp[y * SIZE + x] = sum / 16.0;
            }
        memcpy(v, tmp, sizeof tmp);
    }
}

/* ------------------------------------------------------------------------ */
/* One slice                                                                */
/* ------------------------------------------------------------------------ */

/* Nodules: labelled discs; most get a confident bump near them, some small
 * ones only a weak one.  Returns the number of blobs written. */
static int add_nodules(uint64_t *rng, int index, struct slice *s,
                       struct blob *blobs)
{
    int count = index == 3 ? 0 : 1 + (int)(next_u64(rng) % 3);
    int i;

    for (i = 0; i < count; i++) {
        double r = 2.0 + 5.0 * uniform(rng);
        double y, x;
        int missed = r < 3.5 && uniform(rng) < 0.6;

        lung_point(rng, r + 2.0, &y, &x);
        draw_disc(s->labels, y, x, r);

        blobs[i].y = y + 3.0 * (uniform(rng) - 0.5);
        blobs[i].x = x + 3.0 * (uniform(rng) - 0.5);
        blobs[i].radius = 1.3 * r + 2.0;
        blobs[i].amplitude = missed ? 1.5 : 5.5 + 2.5 * uniform(rng);
    }
    return count;
}

/* False positives: bumps where there is no nodule. */
static int add_false_blobs(uint64_t *rng, struct blob *blobs)
{
    int count = (int)(next_u64(rng) % 3);
    int i;

    for (i = 0; i < count; i++) {
        lung_point(rng, 4.0, &blobs[i].y, &blobs[i].x);
        blobs[i].radius = 3.0 + 4.0 * uniform(rng);
        blobs[i].amplitude = 3.0 + 3.5 * uniform(rng);
    }
    return count;
}

/* Low logits everywhere (lower outside the lungs), smooth noise, the blobs,
 * a blur like a network's receptive field, and a little pixel noise. */
static void make_scores(uint64_t *rng, struct slice *s,
                        const struct blob *blobs, int n_blobs)
{
    int i;

    for (i = 0; i < PIXELS; i++) {
        double base = in_lung(i / SIZE, i % SIZE) ? -3.2 : -4.5;

        s->logit[i] = base + 1.2 * normal(rng);
    }
    for (i = 0; i < n_blobs; i++)
        add_blob(s->logit, &blobs[i]);
    blur(s->logit);
    blur(s->logit);

    for (i = 0; i < PIXELS; i++) {
        double z = s->logit[i] + 0.25 * normal(rng);
        double p = 0.5 + 0.5 * z / sqrt(1.0 + z * z);

        s->scores[i] = (float)p;
        s->scores_u8[i] = (unsigned char)floor(255.0 * p + 0.5);
    }
}

static void mark_border(unsigned char *labels)
{
    int y, x;

    for (y = 0; y < SIZE; y++)
        for (x = 0; x < SIZE; x++)
            if (y < BORDER || x < BORDER || y >= SIZE - BORDER
                || x >= SIZE - BORDER)
                labels[y * SIZE + x] = IGNORE;
}

static void make_slice(int index, struct slice *s)
{
    uint64_t rng = UINT64_C(0x51ce5eed00000000) + (uint64_t)index;
    struct blob blobs[MAX_BLOBS];
    int n;

    memset(s->labels, 0, sizeof s->labels);
    n = add_nodules(&rng, index, s, blobs);
    n += add_false_blobs(&rng, blobs + n);
    make_scores(&rng, s, blobs, n);
    mark_border(s->labels);
}

/* ------------------------------------------------------------------------ */
/* Output                                                                   */
/* ------------------------------------------------------------------------ */

static int write_pngs(const char *dir, struct slice *slices)
{
    char path[4096], err[NPY_ERROR_SIZE];
    int i;

    snprintf(path, sizeof path, "%s/labels", dir);
    if (mkdir(path, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "make-sample-data: cannot create %s: %s\n", path,
                strerror(errno));
        return -1;
    }
    for (i = 0; i < SLICES; i++) {
        snprintf(path, sizeof path, "%s/labels/slice_%02d.png", dir, i);
        if (png_gray_write(path, SIZE, SIZE, slices[i].labels, err,
                           sizeof err) != 0) {
            fprintf(stderr, "make-sample-data: %s: %s\n", path, err);
            return -1;
        }
    }
    return 0;
}

/* Gathers one field of every slice into a stack and writes it. */
static int write_stack(const char *dir, const char *name,
                       enum npy_type type, struct slice *slices,
                       size_t field_offset, size_t item_size)
{
    static const size_t shape[3] = {SLICES, SIZE, SIZE};
    char path[4096], err[NPY_ERROR_SIZE];
    unsigned char *stack = malloc((size_t)SLICES * PIXELS * item_size);
    int i, rc;

    if (stack == NULL) {
        fprintf(stderr, "make-sample-data: out of memory\n");
        return -1;
    }
    for (i = 0; i < SLICES; i++)
        memcpy(stack + (size_t)i * PIXELS * item_size,
               (unsigned char *)&slices[i] + field_offset,
               PIXELS * item_size);

    snprintf(path, sizeof path, "%s/%s", dir, name);
    rc = npy_write(path, type, 3, shape, stack, err, sizeof err);
    if (rc != 0)
        fprintf(stderr, "make-sample-data: %s: %s\n", path, err);
    free(stack);
    return rc;
}

int main(int argc, char **argv)
{
    struct slice *slices;
    int i, rc;

    if (argc != 2) {
        fprintf(stderr, "usage: make-sample-data OUTDIR\n");
        return 2;
    }
    slices = malloc(SLICES * sizeof *slices);
    if (slices == NULL) {
        fprintf(stderr, "make-sample-data: out of memory\n");
        return 1;
    }

    for (i = 0; i < SLICES; i++)
        make_slice(i, &slices[i]);

    rc = write_stack(argv[1], "scores.npy", NPY_FLOAT32, slices,
                     offsetof(struct slice, scores), sizeof(float));
    if (rc == 0)
        rc = write_stack(argv[1], "scores_u8.npy", NPY_UINT8, slices,
                         offsetof(struct slice, scores_u8), 1);
    if (rc == 0)
        rc = write_stack(argv[1], "labels_u8.npy", NPY_UINT8, slices,
                         offsetof(struct slice, labels), 1);
    if (rc == 0)
        rc = write_pngs(argv[1], slices);

    free(slices);
    return rc == 0 ? 0 : 1;
}
