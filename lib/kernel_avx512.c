/*
 * kernel_avx512.c - classifiers for x86-64 processors with AVX-512 (F, BW,
 * VL and DQ), compiled for that instruction set whatever the build's
 * target and chosen at run time.  Sixteen float pixels at a time take the
 * common path: a counted label with a score in [0, 1) clear of every
 * threshold, or the ignore label with any score.  A group with any other
 * pixel goes through the portable kernel, so the cells are the portable
 * kernel's by construction.  uint8 scores are tallied 64 at a time, into
 * the split histogram by score byte.
 */
#include "kernel.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))

#include <immintrin.h>

#define AVX512 \
    __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq")))

/* The label masks of a group: lanes counted (label below the limit),
 * positive, and ignored. */
struct lanes {
    __mmask16 counted, positive, ignored;
};

AVX512 static inline struct lanes label_lanes16(const uint8_t *labels,
                                                __m128i limit,
                                                __m128i positive,
                                                __m128i ignored,
                                                __mmask16 has_ignored)
{
    __m128i lab = _mm_loadu_si128((const __m128i *)labels);
    struct lanes l;

    l.counted = _mm_cmplt_epu8_mask(lab, limit);
    l.positive = _mm_cmpeq_epi8_mask(lab, positive);
    l.ignored = _mm_mask_cmpeq_epi8_mask(has_ignored, lab, ignored);
    return l;
}

/* The byte that marks an ignored pixel, as a vector, and the lanes that
 * may match it: none when no single byte does. */
AVX512 static inline __m128i ignored_bytes(const struct prc__kernel_ctx *k,
                                           __mmask16 *has_ignored)
{
    *has_ignored = k->ignored_byte <= 255 ? 0xFFFF : 0;
    return _mm_set1_epi8((char)k->ignored_byte);
}

/* Hints the cache line 2 KiB ahead of p; one call per 64 bytes read.  An
 * address as an integer: a prefetch past the end of the batch is
 * harmless, a pointer past it is not. */
#define PREFETCH_AHEAD 2048
AVX512 static inline void ahead(const void *p)
{
    _mm_prefetch((const char *)((uintptr_t)p + PREFETCH_AHEAD), _MM_HINT_T0);
}

/* Floor of eight doubles, as integers; *clear gets the lanes whose
 * fractional part is not near 0 or 1. */
AVX512 static inline __m256i floor8_double(__m512d s, __m512d bins,
                                           __mmask8 *clear)
{
    __m512d x = _mm512_mul_pd(s, bins);
    __m512d g = _mm512_roundscale_pd(x, _MM_FROUND_TO_NEG_INF
                                            | _MM_FROUND_NO_EXC);
    __m512d fraction = _mm512_sub_pd(x, g);

    *clear = _mm512_cmp_pd_mask(fraction, _mm512_set1_pd(PRC__EDGE),
                                _CMP_GT_OQ)
             & _mm512_cmp_pd_mask(fraction, _mm512_set1_pd(1.0 - PRC__EDGE),
                                  _CMP_LT_OQ);
    return _mm512_cvttpd_epi32(g);
}

/* What the float loops keep in registers. */
struct consts {
    __m512 bins;
    __m512d bins_double;
    __m512i last, slots, ignored_cell;
    __m128i limit, positive, ignored;
    __mmask16 has_ignored;
};

AVX512 static inline void consts_of(const struct prc__kernel_ctx *k,
                                    struct consts *c)
{
    c->bins = _mm512_set1_ps((float)k->bins);
    c->bins_double = _mm512_set1_pd(k->bins);
    c->last = _mm512_set1_epi32((int)k->last);
    c->slots = _mm512_set1_epi32((int)k->slots);
    c->ignored_cell = _mm512_set1_epi32((int)k->ignored_cell);
    c->limit = _mm_set1_epi8((char)k->counted_limit);
    c->positive = _mm_set1_epi8((char)k->positive_byte);
    c->ignored = ignored_bytes(k, &c->has_ignored);
}

/* The cells of a fast group with floors g (slot g + 1, in the positive
 * half for positive pixels, the ignored cell for ignored ones), and the
 * lanes seen. */
AVX512 static inline void store16(const struct consts *c, __m512i g,
                                  const struct lanes *l, __mmask16 ok,
                                  uint32_t *cell, __mmask16 *positive,
                                  __mmask16 *negative)
{
    __m512i cells;

    g = _mm512_add_epi32(g, _mm512_set1_epi32(1));
    cells = _mm512_mask_add_epi32(g, l->positive, g, c->slots);
    cells = _mm512_mask_mov_epi32(cells, l->ignored, c->ignored_cell);
    _mm512_storeu_si512(cell, cells);
    *positive |= l->positive;
    *negative |= ok & (__mmask16)~l->positive;
}

/*
 * Sixteen float32 pixels a group from i on, while every pixel of a group
 * is ignored or counted with a score clear of every threshold: stores
 * their cells, adds the lanes seen to *positive and *negative, and returns
 * the start of the first group it could not take (or of the incomplete
 * last one).  A floor outside 0..B - 1 (scores outside [0, 1), NaN, or
 * 1 itself, on the last threshold) fails the unsigned comparison; -0.0
 * and any score with an integral x (see PRC__SINGLE_MAX_BINS) fail the
 * comparison of x with its floor.  `single` is a
 * constant where this is inlined, so each precision gets a loop of its
 * own, and no call in the loop forces constants out of registers.
 */
AVX512 static inline size_t fast_f32(const struct consts *c, int single,
                                     const float *s, const uint8_t *labels,
                                     size_t i, size_t n, uint32_t *cell,
                                     __mmask16 *positive, __mmask16 *negative)
{
    for (; i + 16 <= n; i += 16) {
        __m512 v = _mm512_loadu_ps(s + i);
        struct lanes l = label_lanes16(labels + i, c->limit, c->positive,
                                       c->ignored, c->has_ignored);
        __mmask16 ok = l.counted;
        __m512i g;

        if (single) {
            __m512 x = _mm512_mul_ps(v, c->bins);
            __m512 floor = _mm512_roundscale_ps(x, _MM_FROUND_TO_NEG_INF
                                                       | _MM_FROUND_NO_EXC);

            ok = _mm512_mask_cmp_ps_mask(ok, x, floor, _CMP_NEQ_OQ);
            g = _mm512_cvttps_epi32(floor);
        } else {
            __mmask8 low, high;
            __m256i g_low = floor8_double(
                _mm512_cvtps_pd(_mm512_castps512_ps256(v)), c->bins_double,
                &low);
            __m256i g_high = floor8_double(
                _mm512_cvtps_pd(_mm256_castpd_ps(
                    _mm512_extractf64x4_pd(_mm512_castps_pd(v), 1))),
                c->bins_double, &high);

            ok &= (__mmask16)(low | (unsigned)high << 8);
            g = _mm512_inserti64x4(_mm512_castsi256_si512(g_low), g_high, 1);
        }
        ok = _mm512_mask_cmplt_epu32_mask(ok, g, c->last);
        ahead(s + i);
        if ((i & 63) == 0)
            ahead(labels + i);
        if ((__mmask16)(ok | l.ignored) != 0xFFFF)
            break;
        store16(c, g, &l, ok, cell + i, positive, negative);
    }
    return i;
}

AVX512 static unsigned classify_f32(const struct prc__kernel_ctx *k,
                                    const void *scores,
                                    const uint8_t *labels, size_t n,
                                    uint32_t *cell)
{
    const float *s = scores;
    struct consts c;
    __mmask16 positive = 0, negative = 0;
    unsigned seen = 0;
    size_t i = 0;

    consts_of(k, &c);
    for (;;) {
        i = k->single ? fast_f32(&c, 1, s, labels, i, n, cell, &positive,
                                 &negative)
                      : fast_f32(&c, 0, s, labels, i, n, cell, &positive,
                                 &negative);
        if (i + 16 > n)
            break;
        seen |= prc__classify_f32(k, s + i, labels + i, 16, cell + i);
        i += 16;
    }
    seen |= (positive ? PRC__SEEN_POSITIVE : 0u)
            | (negative ? PRC__SEEN_NEGATIVE : 0u);
    return seen | prc__classify_f32(k, s + i, labels + i, n - i, cell + i);
}

/* As fast_f32, for float64 scores (in double precision always). */
AVX512 static inline size_t fast_f64(const struct consts *c,
                                     const double *s, const uint8_t *labels,
                                     size_t i, size_t n, uint32_t *cell,
                                     __mmask16 *positive, __mmask16 *negative)
{
    for (; i + 16 <= n; i += 16) {
        struct lanes l = label_lanes16(labels + i, c->limit, c->positive,
                                       c->ignored, c->has_ignored);
        __mmask8 low, high;
        __m256i g_low = floor8_double(_mm512_loadu_pd(s + i), c->bins_double,
                                      &low);
        __m256i g_high = floor8_double(_mm512_loadu_pd(s + i + 8),
                                       c->bins_double, &high);
        __m512i g = _mm512_inserti64x4(_mm512_castsi256_si512(g_low), g_high,
                                       1);
        __mmask16 ok = _mm512_mask_cmplt_epu32_mask(
            l.counted & (__mmask16)(low | (unsigned)high << 8), g, c->last);

        ahead(s + i);
        ahead(s + i + 8);
        if ((i & 63) == 0)
            ahead(labels + i);
        if ((__mmask16)(ok | l.ignored) != 0xFFFF)
            break;
        store16(c, g, &l, ok, cell + i, positive, negative);
    }
    return i;
}

AVX512 static unsigned classify_f64(const struct prc__kernel_ctx *k,
                                    const void *scores,
                                    const uint8_t *labels, size_t n,
                                    uint32_t *cell)
{
    const double *s = scores;
    struct consts c;
    __mmask16 positive = 0, negative = 0;
    unsigned seen = 0;
    size_t i = 0;

    consts_of(k, &c);
    for (;;) {
        i = fast_f64(&c, s, labels, i, n, cell, &positive, &negative);
        if (i + 16 > n)
            break;
        seen |= prc__classify_f64(k, s + i, labels + i, 16, cell + i);
        i += 16;
    }
    seen |= (positive ? PRC__SEEN_POSITIVE : 0u)
            | (negative ? PRC__SEEN_NEGATIVE : 0u);
    return seen | prc__classify_f64(k, s + i, labels + i, n - i, cell + i);
}

/* Four vectors of sixteen 32-bit cells from 64 score bytes and their
 * class bytes (0 negative, 1 positive, 2 ignored): cell = class << 8 |
 * score.  Their order is not the pixels', which a histogram does not
 * need. */
AVX512 static inline void store_u8_cells(__m512i v, __m512i cls,
                                         uint32_t *cell)
{
    __m512i low = _mm512_unpacklo_epi8(v, cls);
    __m512i high = _mm512_unpackhi_epi8(v, cls);

    _mm512_storeu_si512(cell, _mm512_cvtepu16_epi32(
                                  _mm512_castsi512_si256(low)));
    _mm512_storeu_si512(cell + 16, _mm512_cvtepu16_epi32(
                                       _mm512_extracti64x4_epi64(low, 1)));
    _mm512_storeu_si512(cell + 32, _mm512_cvtepu16_epi32(
                                       _mm512_castsi512_si256(high)));
    _mm512_storeu_si512(cell + 48, _mm512_cvtepu16_epi32(
                                       _mm512_extracti64x4_epi64(high, 1)));
}

AVX512 unsigned prc__avx512_tally_u8(const struct prc__kernel_ctx *k,
                                     const void *scores,
                                     const uint8_t *labels, size_t n,
                                     uint32_t *split, size_t stride)
{
    const uint8_t *s = scores;
    const __m512i limit = _mm512_set1_epi8((char)k->counted_limit);
    const __m512i positive = _mm512_set1_epi8((char)k->positive_byte);
    const __m512i ignored = _mm512_set1_epi8((char)k->ignored_byte);
    const __mmask64 has_ignored = k->ignored_byte <= 255 ? ~(__mmask64)0 : 0;
    const __m512i one = _mm512_set1_epi8(1), two = _mm512_set1_epi8(2);
    uint32_t cell[PRC__KERNEL_MAX];
    __mmask64 good = ~(__mmask64)0, any_positive = 0, any_negative = 0;
    size_t i;

    for (i = 0; i + 64 <= n; i += 64) {
        __m512i lab = _mm512_loadu_si512(labels + i);
        __mmask64 counted = _mm512_cmplt_epu8_mask(lab, limit);
        __mmask64 pos = _mm512_cmpeq_epi8_mask(lab, positive);
        __mmask64 ign = _mm512_mask_cmpeq_epi8_mask(has_ignored, lab,
                                                    ignored);
        __m512i cls = _mm512_mask_mov_epi8(_mm512_maskz_mov_epi8(pos, one),
                                           ign, two);

        ahead(s + i);
        ahead(labels + i);
        good &= counted | ign;
        any_positive |= pos;
        any_negative |= counted & ~pos;
        store_u8_cells(_mm512_loadu_si512(s + i), cls, cell + i);
    }
    return prc__tally_finish(k, s, labels, i, n, cell, ~good != 0,
                             (any_positive ? PRC__SEEN_POSITIVE : 0u)
                                 | (any_negative ? PRC__SEEN_NEGATIVE : 0u),
                             split, stride);
}

const prc__classify_fn prc__avx512_f32 = classify_f32;
const prc__classify_fn prc__avx512_f64 = classify_f64;

int prc__has_avx512(void)
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f")
           && __builtin_cpu_supports("avx512bw")
           && __builtin_cpu_supports("avx512vl")
           && __builtin_cpu_supports("avx512dq");
}

#else

const prc__classify_fn prc__avx512_f32 = 0;
const prc__classify_fn prc__avx512_f64 = 0;

unsigned prc__avx512_tally_u8(const struct prc__kernel_ctx *k,
                              const void *scores, const uint8_t *labels,
                              size_t n, uint32_t *split, size_t stride)
{
    return prc__tally_u8(k, scores, labels, n, split, stride);
}

int prc__has_avx512(void)
{
    return 0;
}

#endif
