/*
 * kernel.h - the per-pixel classifiers.  A kernel turns a run of scores and
 * labels into histogram cells, and says which kinds of pixel it saw.  Every
 * kernel must give exactly the cells of the portable one; the tests force
 * each kernel the machine has.
 */
#ifndef PRC_KERNEL_H
#define PRC_KERNEL_H

#include "internal.h"

#include <stddef.h>
#include <stdint.h>

/* Label classes. */
enum { PRC__NEGATIVE = 0, PRC__POSITIVE = 1, PRC__IGNORED = 2,
       PRC__INVALID = 3 };

/* Bits of what a kernel saw in its run. */
#define PRC__SEEN_NEGATIVE 1u /* a counted negative pixel */
#define PRC__SEEN_POSITIVE 2u /* a counted positive pixel */
#define PRC__SEEN_BAD 4u      /* a pixel that rejects the batch */

/* The cell of a pixel that rejects the batch. */
#define PRC__BAD_CELL UINT32_MAX

/*
 * A score x = s * B whose fractional part lies within this of 0 or 1 may
 * sit on a threshold; elsewhere floor(x) + 1 is its slot under either
 * rule.  s * B and k / B are each within B * 2^-53 <= 2^-29 of exact
 * (B <= 2^24), far inside this margin.
 */
#define PRC__EDGE 0x1p-20

/*
 * Float32 scores find their slot in single precision when B <=
 * PRC__SINGLE_MAX_BINS or B is a power of two, and exactly: with s a
 * float32 and B <= 2^24 both integers and float32, x = s * B rounds to a
 * float that cannot cross an integer, so when x is not an integer its floor
 * is that of the exact product; and no float32 score lies strictly between
 * k / B and threshold k (its double, within k / B * 2^-53), as a float32
 * differs from k / B by at least 2^-24 / B relative, unless it equals it.
 * So a score whose x is not an integer passes thresholds 0..floor(x) and
 * no other, under either rule; one whose x is an integer takes the slow
 * way.  Single precision is thus exact for any B; the limit is about speed:
 * with more bins the fractional part of x is coarse and more scores hit an
 * integer x, except that with a power of two x is exact and integral only
 * for scores exactly on a threshold.
 */
#define PRC__SINGLE_MAX_BINS 4096

/* What a kernel reads of the accumulator and the batch, kept in one place
 * so that stores to the cell buffer cannot force reloads. */
struct prc__kernel_ctx {
    const double *thresholds; /* thresholds[B + 1] is +infinity */
    double bins;
    size_t last;              /* B */
    uint32_t slots;           /* B + 2 */
    int ge;                   /* rule >= (else >) */
    int nan_policy;
    int range_policy;
    uint32_t ignored_cell;
    uint32_t skipped_cell;
    const uint8_t *classes;   /* label byte -> class */
    /* The same for the common labels, as arithmetic: bytes below
     * counted_limit are counted, positive exactly when equal to
     * positive_byte (2 and 1 for binary labels, C and c for class c of a
     * multi-class map).  Bytes from counted_limit on go through the
     * table. */
    uint32_t counted_limit;
    uint32_t positive_byte;
    /* The one label byte that is ignored, or 256 when none is or several
     * are (those then go through the table). */
    uint32_t ignored_byte;
    /* Valid scores [lo, hi]; custom: thresholds other than k / B on
     * [0, 1], found by binary search. */
    double lo, hi;
    int custom;
    /* Float32 slots in single precision (see PRC__SINGLE_MAX_BINS). */
    int single;
    const uint32_t *u8_slot;  /* uint8 score -> slot */
};

/* Fills cell[0..n) for n pixels; returns PRC__SEEN_* bits. */
typedef unsigned (*prc__classify_fn)(const struct prc__kernel_ctx *k,
                                     const void *scores,
                                     const uint8_t *labels, size_t n,
                                     uint32_t *cell);

/* The most pixels a kernel is given at once. */
#define PRC__KERNEL_MAX 1024

/*
 * Counts n <= PRC__KERNEL_MAX pixels of uint8 scores into the split histogram
 * (PRC__SPLIT copies, `stride` apart): cell v for a negative pixel of
 * score byte v, 256 + v for a positive one, 512 + v for an ignored one.
 * Returns PRC__SEEN_* bits; with PRC__SEEN_BAD, nothing was counted.
 */
typedef unsigned (*prc__tally_fn)(const struct prc__kernel_ctx *k,
                                  const void *scores, const uint8_t *labels,
                                  size_t n, uint32_t *split, size_t stride);

/* split[cell[i]] += 1 for i < m, pixel i into copy i % PRC__SPLIT. */
static inline void prc__increment_split(uint32_t *split, size_t stride,
                                        const uint32_t *cell, size_t m)
{
    uint32_t *a = split, *b = split + stride, *c = split + 2 * stride;
    uint32_t *d = split + 3 * stride;
    size_t i;

    for (i = 0; i + 4 <= m; i += 4) {
        a[cell[i]]++;
        b[cell[i + 1]]++;
        c[cell[i + 2]]++;
        d[cell[i + 3]]++;
    }
    for (; i < m; i++)
        a[cell[i]]++;
}

/* The end of every tally: pixels [i, n) through the label table, then
 * the n cells counted unless a pixel is bad (`bad`: one was found among
 * pixels [0, i)).  `seen` holds the PRC__SEEN_* bits of pixels [0, i). */
static inline unsigned prc__tally_finish(const struct prc__kernel_ctx *k,
                                         const uint8_t *scores,
                                         const uint8_t *labels, size_t i,
                                         size_t n, uint32_t *cell, int bad,
                                         unsigned seen, uint32_t *split,
                                         size_t stride)
{
    unsigned classes = 0; /* 1 << class */

    for (; i < n; i++) {
        uint32_t c = k->classes[labels[i]];

        classes |= 1u << c;
        cell[i] = c << 8 | scores[i];
    }
    if (bad || (classes & 1u << PRC__INVALID))
        return PRC__SEEN_BAD;
    prc__increment_split(split, stride, cell, n);
    return seen | (classes & (PRC__SEEN_NEGATIVE | PRC__SEEN_POSITIVE));
}

/* The exact slot of a score in [0, 1], by comparing it with thresholds. */
uint32_t prc__exact_slot(const struct prc__kernel_ctx *k, double s);

/* The cell of any float score with any label class, the slow way; adds
 * what it saw to *seen. */
uint32_t prc__float_cell(const struct prc__kernel_ctx *k, double s,
                         uint32_t cls, unsigned *seen);

/* The portable kernels (kernel_scalar.c). */
unsigned prc__classify_f32(const struct prc__kernel_ctx *k,
                           const void *scores, const uint8_t *labels,
                           size_t n, uint32_t *cell);
unsigned prc__classify_f64(const struct prc__kernel_ctx *k,
                           const void *scores, const uint8_t *labels,
                           size_t n, uint32_t *cell);
unsigned prc__classify_u8(const struct prc__kernel_ctx *k,
                          const void *scores, const uint8_t *labels,
                          size_t n, uint32_t *cell);

/* The portable tally of uint8 scores, through the label table. */
unsigned prc__tally_u8(const struct prc__kernel_ctx *k, const void *scores,
                       const uint8_t *labels, size_t n, uint32_t *split,
                       size_t stride);

/* Doubles against any thresholds, through prc__float_cell alone. */
unsigned prc__classify_general(const struct prc__kernel_ctx *k,
                               const void *scores, const uint8_t *labels,
                               size_t n, uint32_t *cell);

/* The AVX2 kernels (kernel_avx2.c); NULL where the build has none. */
extern const prc__classify_fn prc__avx2_f32;
extern const prc__classify_fn prc__avx2_f64;
unsigned prc__avx2_tally_u8(const struct prc__kernel_ctx *k,
                            const void *scores, const uint8_t *labels,
                            size_t n, uint32_t *split, size_t stride);

/* The SSE2 kernels (kernel_sse2.c); NULL off x86-64. */
extern const prc__classify_fn prc__sse2_f32;
extern const prc__classify_fn prc__sse2_f64;
unsigned prc__sse2_tally_u8(const struct prc__kernel_ctx *k,
                            const void *scores, const uint8_t *labels,
                            size_t n, uint32_t *split, size_t stride);

/* The AVX-512 kernels (kernel_avx512.c); NULL where the build has none. */
extern const prc__classify_fn prc__avx512_f32;
extern const prc__classify_fn prc__avx512_f64;
unsigned prc__avx512_tally_u8(const struct prc__kernel_ctx *k,
                              const void *scores, const uint8_t *labels,
                              size_t n, uint32_t *split, size_t stride);
int prc__has_avx512(void);

/* Whether this processor runs the given kernel. */
int prc__kernel_supported(int kernel);

#endif /* PRC_KERNEL_H */
