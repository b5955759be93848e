/*
 * kernel_avx2.c - classifiers for x86-64 processors with AVX2, compiled
 * for that instruction set whatever the build's target and chosen at run
 * time.  Eight float pixels at a time take the common path: a counted
 * label with a score in [0, 1] clear of every threshold.  A group with any
 * other pixel goes through the portable kernel, so the cells are the
 * portable kernel's by construction.  uint8 scores are tallied 32 at a
 * time, into the split histogram by score byte.
 */
#include "kernel.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))

#include <immintrin.h>

#define AVX2 __attribute__((target("avx2")))

/* Slot of four doubles already known in [0, 1]; *ok gets a 4-bit mask of
 * the lanes that are not near a threshold. */
AVX2 static inline __m128i slots4(__m256d s, __m256d bins, int *ok)
{
    __m256d x = _mm256_mul_pd(s, bins);
    __m256d g = _mm256_floor_pd(x);
    __m256d fraction = _mm256_sub_pd(x, g);
    __m256d inside = _mm256_and_pd(
        _mm256_cmp_pd(fraction, _mm256_set1_pd(PRC__EDGE), _CMP_GT_OQ),
        _mm256_cmp_pd(fraction, _mm256_set1_pd(1.0 - PRC__EDGE),
                      _CMP_LT_OQ));

    *ok = _mm256_movemask_pd(inside);
    return _mm_add_epi32(_mm256_cvttpd_epi32(g), _mm_set1_epi32(1));
}

/* Asks for the data 1 KiB ahead of the scores being read, and of the
 * labels once per 64: the hardware prefetcher alone falls behind on the
 * two streams (measured: 0.4 against 1.0 G pixels/s out of cache). */
AVX2 static inline void prefetch(const void *scores, const uint8_t *labels,
                                 size_t i)
{
    /* Addresses as integers: a prefetch past the end of the batch is
     * harmless, a pointer past it is not. */
    _mm_prefetch((const char *)((uintptr_t)scores + 1024), _MM_HINT_T0);
    if ((i & 63) == 0)
        _mm_prefetch((const char *)((uintptr_t)(labels + i) + 1024),
                     _MM_HINT_T0);
}

/* Cells of counted lanes: slots + slot where positive, else slot. */
AVX2 static inline __m256i cells8(__m256i positive, __m256i slot,
                                  __m256i slots)
{
    return _mm256_add_epi32(_mm256_and_si256(positive, slots), slot);
}

/* Seen bits of eight counted lanes. */
AVX2 static inline unsigned seen8(__m256i positive)
{
    int mask = _mm256_movemask_ps(_mm256_castsi256_ps(positive));

    return (mask ? PRC__SEEN_POSITIVE : 0u)
           | (mask != 0xFF ? PRC__SEEN_NEGATIVE : 0u);
}

/* Slots of eight floats in [0, 1] in double precision, for any B; *ok
 * gets the lanes clear of every threshold. */
AVX2 static inline __m256i slots8_double(__m256 s, __m256d bins, int *ok)
{
    int low, high;
    __m128i g_low = slots4(_mm256_cvtps_pd(_mm256_castps256_ps128(s)), bins,
                           &low);
    __m128i g_high = slots4(_mm256_cvtps_pd(_mm256_extractf128_ps(s, 1)),
                            bins, &high);

    *ok = low | high << 4;
    return _mm256_set_m128i(g_high, g_low);
}

/* Slots of eight floats in [0, 1] in single precision (see
 * PRC__SINGLE_MAX_BINS).  Returns the lanes whose x = s * B is not an
 * integer, as a vector mask, with their slots in *slot. */
AVX2 static inline __m256 clear8_single(__m256 s, __m256 bins, __m256i *slot)
{
    __m256 x = _mm256_mul_ps(s, bins);
    __m256 g = _mm256_floor_ps(x);

    *slot = _mm256_add_epi32(_mm256_cvttps_epi32(g), _mm256_set1_epi32(1));
    return _mm256_cmp_ps(x, g, _CMP_NEQ_OQ);
}

AVX2 static unsigned classify_f32(const struct prc__kernel_ctx *k,
                                  const void *scores, const uint8_t *labels,
                                  size_t n, uint32_t *cell)
{
    const float *s = scores;
    const __m256d bins = _mm256_set1_pd(k->bins);
    const __m256 bins_single = _mm256_set1_ps((float)k->bins);
    const __m256 zero = _mm256_setzero_ps(), one = _mm256_set1_ps(1.0f);
    const __m256i slots = _mm256_set1_epi32((int)k->slots);
    const __m256i limit = _mm256_set1_epi32((int)k->counted_limit);
    const __m256i positive_byte = _mm256_set1_epi32((int)k->positive_byte);
    const int single = k->single;
    /* What the fast lanes saw, folded in once at the end. */
    __m256i any_positive = _mm256_setzero_si256();
    __m256i all_positive = _mm256_set1_epi32(-1);
    unsigned seen = 0;
    int fast = 0;
    size_t i;

    for (i = 0; i + 8 <= n; i += 8) {
        __m256 v = _mm256_loadu_ps(s + i);
        __m256i lab = _mm256_cvtepu8_epi32(
            _mm_loadl_epi64((const __m128i *)(labels + i)));
        __m256i positive = _mm256_cmpeq_epi32(lab, positive_byte);
        __m256 ok = _mm256_and_ps(
            _mm256_and_ps(_mm256_cmp_ps(v, zero, _CMP_GE_OQ),
                          _mm256_cmp_ps(v, one, _CMP_LE_OQ)),
            _mm256_castsi256_ps(_mm256_cmpgt_epi32(limit, lab)));
        __m256i slot;
        int inside = 0xFF;

        if (single) {
            ok = _mm256_and_ps(ok, clear8_single(v, bins_single, &slot));
        } else {
            slot = slots8_double(v, bins, &inside);
        }

        prefetch(s + i, labels, i);
        if ((_mm256_movemask_ps(ok) & inside) != 0xFF) {
            seen |= prc__classify_f32(k, s + i, labels + i, 8, cell + i);
            continue;
        }
        _mm256_storeu_si256((__m256i *)(cell + i),
                            cells8(positive, slot, slots));
        any_positive = _mm256_or_si256(any_positive, positive);
        all_positive = _mm256_and_si256(all_positive, positive);
        fast = 1;
    }
    if (fast) {
        if (_mm256_movemask_ps(_mm256_castsi256_ps(any_positive)))
            seen |= PRC__SEEN_POSITIVE;
        if (_mm256_movemask_ps(_mm256_castsi256_ps(all_positive)) != 0xFF)
            seen |= PRC__SEEN_NEGATIVE;
    }
    return seen | prc__classify_f32(k, s + i, labels + i, n - i, cell + i);
}

AVX2 static unsigned classify_f64(const struct prc__kernel_ctx *k,
                                  const void *scores, const uint8_t *labels,
                                  size_t n, uint32_t *cell)
{
    const double *s = scores;
    const __m256d bins = _mm256_set1_pd(k->bins);
    const __m256i slots = _mm256_set1_epi32((int)k->slots);
    const __m256i limit = _mm256_set1_epi32((int)k->counted_limit);
    const __m256i positive_byte = _mm256_set1_epi32((int)k->positive_byte);
    unsigned seen = 0;
    size_t i;

    for (i = 0; i + 8 <= n; i += 8) {
        __m256d v0 = _mm256_loadu_pd(s + i), v1 = _mm256_loadu_pd(s + i + 4);
        __m256i lab = _mm256_cvtepu8_epi32(
            _mm_loadl_epi64((const __m128i *)(labels + i)));
        __m256d zero = _mm256_setzero_pd(), one = _mm256_set1_pd(1.0);
        int in_range =
            _mm256_movemask_pd(_mm256_and_pd(
                _mm256_cmp_pd(v0, zero, _CMP_GE_OQ),
                _mm256_cmp_pd(v0, one, _CMP_LE_OQ)))
            | _mm256_movemask_pd(_mm256_and_pd(
                  _mm256_cmp_pd(v1, zero, _CMP_GE_OQ),
                  _mm256_cmp_pd(v1, one, _CMP_LE_OQ))) << 4;
        int counted = _mm256_movemask_ps(_mm256_castsi256_ps(
            _mm256_cmpgt_epi32(limit, lab)));
        __m256i positive = _mm256_cmpeq_epi32(lab, positive_byte);
        int low, high;
        __m128i g_low = slots4(v0, bins, &low);
        __m128i g_high = slots4(v1, bins, &high);

        prefetch(s + i, labels, i);
        if ((in_range & counted & (low | high << 4)) != 0xFF) {
            seen |= prc__classify_f64(k, s + i, labels + i, 8, cell + i);
            continue;
        }
        _mm256_storeu_si256((__m256i *)(cell + i),
                            cells8(positive, _mm256_set_m128i(g_high, g_low),
                                   slots));
        seen |= seen8(positive);
    }
    return seen | prc__classify_f64(k, s + i, labels + i, n - i, cell + i);
}

/* Cells of 32 score bytes and their class bytes (0 negative, 1 positive,
 * 2 ignored): class << 8 | score, in an order of their own. */
AVX2 static inline void store_u8_cells(__m256i v, __m256i cls,
                                       uint32_t *cell)
{
    __m256i low = _mm256_unpacklo_epi8(v, cls);
    __m256i high = _mm256_unpackhi_epi8(v, cls);

    _mm256_storeu_si256((__m256i *)cell,
                        _mm256_cvtepu16_epi32(_mm256_castsi256_si128(low)));
    _mm256_storeu_si256((__m256i *)(cell + 8), _mm256_cvtepu16_epi32(
                                                   _mm256_extracti128_si256(
                                                       low, 1)));
    _mm256_storeu_si256((__m256i *)(cell + 16),
                        _mm256_cvtepu16_epi32(_mm256_castsi256_si128(high)));
    _mm256_storeu_si256((__m256i *)(cell + 24), _mm256_cvtepu16_epi32(
                                                    _mm256_extracti128_si256(
                                                        high, 1)));
}

AVX2 unsigned prc__avx2_tally_u8(const struct prc__kernel_ctx *k,
                                 const void *scores, const uint8_t *labels,
                                 size_t n, uint32_t *split, size_t stride)
{
    const uint8_t *s = scores;
    /* Bytes below the limit are those equal to their minimum with
     * limit - 1 (AVX2 compares bytes as signed only). */
    const __m256i below = _mm256_set1_epi8((char)(k->counted_limit - 1));
    const __m256i positive = _mm256_set1_epi8((char)k->positive_byte);
    const __m256i ignored = _mm256_set1_epi8((char)k->ignored_byte);
    const __m256i has_ignored = _mm256_set1_epi8(
        (char)(k->ignored_byte <= 255 ? -1 : 0));
    const __m256i one = _mm256_set1_epi8(1), two = _mm256_set1_epi8(2);
    uint32_t cell[PRC__KERNEL_MAX];
    __m256i good = _mm256_set1_epi8(-1), any_positive = _mm256_setzero_si256();
    __m256i any_negative = any_positive;
    size_t i;

    for (i = 0; i + 32 <= n; i += 32) {
        __m256i lab = _mm256_loadu_si256((const __m256i *)(labels + i));
        __m256i counted = _mm256_cmpeq_epi8(_mm256_min_epu8(lab, below), lab);
        __m256i pos = _mm256_cmpeq_epi8(lab, positive);
        __m256i ign = _mm256_and_si256(_mm256_cmpeq_epi8(lab, ignored),
                                       has_ignored);

        if ((i & 63) == 0)
            prefetch(s + i, labels, i);
        good = _mm256_and_si256(good, _mm256_or_si256(counted, ign));
        any_positive = _mm256_or_si256(any_positive, pos);
        any_negative = _mm256_or_si256(any_negative,
                                       _mm256_andnot_si256(pos, counted));
        store_u8_cells(_mm256_loadu_si256((const __m256i *)(s + i)),
                       _mm256_or_si256(_mm256_and_si256(pos, one),
                                       _mm256_and_si256(ign, two)),
                       cell + i);
    }
    return prc__tally_finish(
        k, s, labels, i, n, cell, _mm256_movemask_epi8(good) != -1,
        (_mm256_movemask_epi8(any_positive) ? PRC__SEEN_POSITIVE : 0u)
            | (_mm256_movemask_epi8(any_negative) ? PRC__SEEN_NEGATIVE : 0u),
        split, stride);
}

const prc__classify_fn prc__avx2_f32 = classify_f32;
const prc__classify_fn prc__avx2_f64 = classify_f64;

static int has_avx2(void)
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2");
}

#else

const prc__classify_fn prc__avx2_f32 = 0;
const prc__classify_fn prc__avx2_f64 = 0;

unsigned prc__avx2_tally_u8(const struct prc__kernel_ctx *k,
                            const void *scores, const uint8_t *labels,
                            size_t n, uint32_t *split, size_t stride)
{
    return prc__tally_u8(k, scores, labels, n, split, stride);
}

static int has_avx2(void)
{
    return 0;
}

#endif

int prc__kernel_supported(int kernel)
{
    switch (kernel) {
    case PRC_KERNEL_AUTO:
    case PRC_KERNEL_SCALAR:
        return 1;
    case PRC_KERNEL_AVX2:
        return prc__avx2_f32 != 0 && has_avx2();
    case PRC_KERNEL_SSE2:
        return prc__sse2_f32 != 0;
    case PRC_KERNEL_AVX512:
        return prc__avx512_f32 != 0 && prc__has_avx512();
    default:
        return 0;
    }
}
