/*
 * kernel_avx512.c - float classifiers for x86-64 processors with AVX-512
 * (F, BW, VL and DQ), compiled for that instruction set whatever the
 * build's target and chosen at run time.  Sixteen float32 or eight float64
 * pixels at a time take the common path: a counted label with a score in
 * [0, 1] not near a threshold, or the ignore label with any score.  A
 * group with any other pixel goes through the portable kernel, so the
 * cells are the portable kernel's by construction.
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

/* Slots of eight doubles; *clear gets the lanes not near a threshold.
 * Lanes outside [0, 1] get meaningless slots and are excluded by the
 * caller. */
AVX512 static inline __m256i slots8_double(__m512d s, __m512d bins,
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
    return _mm256_add_epi32(_mm512_cvttpd_epi32(g), _mm256_set1_epi32(1));
}

AVX512 static unsigned classify_f32(const struct prc__kernel_ctx *k,
                                    const void *scores,
                                    const uint8_t *labels, size_t n,
                                    uint32_t *cell)
{
    const float *s = scores;
    const int single = k->bins <= PRC__SINGLE_MAX_BINS;
    const __m512 bins = _mm512_set1_ps((float)k->bins);
    const __m512d bins_double = _mm512_set1_pd(k->bins);
    const __m512 margin = _mm512_set1_ps(PRC__SINGLE_MARGIN);
    const __m512 zero = _mm512_setzero_ps(), one = _mm512_set1_ps(1.0f);
    const __m512i slots = _mm512_set1_epi32((int)k->slots);
    const __m512i ignored_cell = _mm512_set1_epi32((int)k->ignored_cell);
    const __m128i limit = _mm_set1_epi8((char)k->counted_limit);
    const __m128i positive = _mm_set1_epi8((char)k->positive_byte);
    __mmask16 has_ignored;
    const __m128i ignored = ignored_bytes(k, &has_ignored);
    /* Counted lanes of the fast groups, positive and negative. */
    __mmask16 any_positive = 0, any_negative = 0;
    unsigned seen = 0;
    size_t i;

    for (i = 0; i + 16 <= n; i += 16) {
        __m512 v = _mm512_loadu_ps(s + i);
        struct lanes l = label_lanes16(labels + i, limit, positive, ignored,
                                       has_ignored);
        __mmask16 ok = _mm512_mask_cmp_ps_mask(l.counted, v, zero, _CMP_GE_OQ);
        __m512i slot, c;

        ok = _mm512_mask_cmp_ps_mask(ok, v, one, _CMP_LE_OQ);
        if (single) {
            __m512 x = _mm512_mul_ps(v, bins);
            __m512 g = _mm512_roundscale_ps(x, _MM_FROUND_TO_NEG_INF
                                                   | _MM_FROUND_NO_EXC);
            __m512 fraction = _mm512_sub_ps(x, g);
            __m512 near = _mm512_mul_ps(x, margin);

            ok = _mm512_mask_cmp_ps_mask(ok, fraction, near, _CMP_GT_OQ);
            ok = _mm512_mask_cmp_ps_mask(ok, _mm512_add_ps(fraction, near),
                                         one, _CMP_LT_OQ);
            slot = _mm512_add_epi32(_mm512_cvttps_epi32(g),
                                    _mm512_set1_epi32(1));
        } else {
            __mmask8 low, high;
            __m256i g_low = slots8_double(
                _mm512_cvtps_pd(_mm512_castps512_ps256(v)), bins_double, &low);
            __m256i g_high = slots8_double(
                _mm512_cvtps_pd(_mm256_castpd_ps(
                    _mm512_extractf64x4_pd(_mm512_castps_pd(v), 1))),
                bins_double, &high);

            ok &= (__mmask16)(low | (unsigned)high << 8);
            slot = _mm512_inserti64x4(_mm512_castsi256_si512(g_low), g_high,
                                      1);
        }
        ahead(s + i);
        if ((i & 63) == 0)
            ahead(labels + i);
        if ((__mmask16)(ok | l.ignored) != 0xFFFF) {
            seen |= prc__classify_f32(k, s + i, labels + i, 16, cell + i);
            continue;
        }
        c = _mm512_mask_add_epi32(slot, l.positive, slot, slots);
        c = _mm512_mask_mov_epi32(c, l.ignored, ignored_cell);
        _mm512_storeu_si512(cell + i, c);
        any_positive |= ok & l.positive;
        any_negative |= ok & (__mmask16)~l.positive;
    }
    seen |= (any_positive ? PRC__SEEN_POSITIVE : 0u)
            | (any_negative ? PRC__SEEN_NEGATIVE : 0u);
    return seen | prc__classify_f32(k, s + i, labels + i, n - i, cell + i);
}

AVX512 static unsigned classify_f64(const struct prc__kernel_ctx *k,
                                    const void *scores,
                                    const uint8_t *labels, size_t n,
                                    uint32_t *cell)
{
    const double *s = scores;
    const __m512d bins = _mm512_set1_pd(k->bins);
    const __m512d zero = _mm512_setzero_pd(), one = _mm512_set1_pd(1.0);
    const __m512i slots = _mm512_set1_epi32((int)k->slots);
    const __m512i ignored_cell = _mm512_set1_epi32((int)k->ignored_cell);
    const __m128i limit = _mm_set1_epi8((char)k->counted_limit);
    const __m128i positive = _mm_set1_epi8((char)k->positive_byte);
    __mmask16 has_ignored;
    const __m128i ignored = ignored_bytes(k, &has_ignored);
    __mmask16 any_positive = 0, any_negative = 0;
    unsigned seen = 0;
    size_t i;

    for (i = 0; i + 16 <= n; i += 16) {
        __m512d v0 = _mm512_loadu_pd(s + i), v1 = _mm512_loadu_pd(s + i + 8);
        struct lanes l = label_lanes16(labels + i, limit, positive, ignored,
                                       has_ignored);
        __mmask8 in0 = _mm512_cmp_pd_mask(v0, zero, _CMP_GE_OQ)
                       & _mm512_cmp_pd_mask(v0, one, _CMP_LE_OQ);
        __mmask8 in1 = _mm512_cmp_pd_mask(v1, zero, _CMP_GE_OQ)
                       & _mm512_cmp_pd_mask(v1, one, _CMP_LE_OQ);
        __mmask8 clear0, clear1;
        __m256i g0 = slots8_double(v0, bins, &clear0);
        __m256i g1 = slots8_double(v1, bins, &clear1);
        __mmask16 ok = l.counted
                       & (__mmask16)((in0 & clear0)
                                     | (unsigned)(in1 & clear1) << 8);
        __m512i slot = _mm512_inserti64x4(_mm512_castsi256_si512(g0), g1, 1);
        __m512i c;

        ahead(s + i);
        ahead(s + i + 8);
        if ((i & 63) == 0)
            ahead(labels + i);
        if ((__mmask16)(ok | l.ignored) != 0xFFFF) {
            seen |= prc__classify_f64(k, s + i, labels + i, 16, cell + i);
            continue;
        }
        c = _mm512_mask_add_epi32(slot, l.positive, slot, slots);
        c = _mm512_mask_mov_epi32(c, l.ignored, ignored_cell);
        _mm512_storeu_si512(cell + i, c);
        any_positive |= ok & l.positive;
        any_negative |= ok & (__mmask16)~l.positive;
    }
    seen |= (any_positive ? PRC__SEEN_POSITIVE : 0u)
            | (any_negative ? PRC__SEEN_NEGATIVE : 0u);
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
    unsigned seen = 0;
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
    for (; i < n; i++) {
        uint32_t c = k->classes[labels[i]];

        seen |= 1u << c;
        cell[i] = c << 8 | s[i];
    }
    if (~good || (seen & 1u << PRC__INVALID))
        return PRC__SEEN_BAD;
    prc__increment_split(split, stride, cell, n);
    return (seen & (PRC__SEEN_NEGATIVE | PRC__SEEN_POSITIVE))
           | (any_positive ? PRC__SEEN_POSITIVE : 0u)
           | (any_negative ? PRC__SEEN_NEGATIVE : 0u);
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
