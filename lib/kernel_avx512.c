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

/* Above this many bins, float32 slots are found in double precision; at
 * or below it, x = s * B in single precision is within B * 2^-24 of
 * exact, and a fractional part farther than B * 2^-22 from 0 and 1 means
 * floor(x) + 1 is the slot (the thresholds are within B * 2^-53 of
 * k / B). */
#define SINGLE_MAX_BINS 4096

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
    const int single = k->bins <= SINGLE_MAX_BINS;
    const __m512 bins = _mm512_set1_ps((float)k->bins);
    const __m512d bins_double = _mm512_set1_pd(k->bins);
    const __m512 margin = _mm512_set1_ps((float)k->bins * 0x1p-22f);
    const __m512 one_less = _mm512_set1_ps(1.0f - (float)k->bins * 0x1p-22f);
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

            ok = _mm512_mask_cmp_ps_mask(ok, fraction, margin, _CMP_GT_OQ);
            ok = _mm512_mask_cmp_ps_mask(ok, fraction, one_less, _CMP_LT_OQ);
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

int prc__has_avx512(void)
{
    return 0;
}

#endif
