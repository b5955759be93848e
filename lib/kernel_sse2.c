/*
 * kernel_sse2.c - classifiers with SSE2, which every x86-64 processor has.
 * Eight float pixels at a time (two or four registers of scores) take the
 * common path: a counted label with a score in [0, 1] clear of every
 * threshold, or the ignore label with any score.  A group with any other
 * pixel goes through the portable kernel, so the cells are the portable
 * kernel's by construction.  uint8 scores are tallied 16 at a time, into
 * the split histogram by score byte.
 *
 * SSE2 has no floor: scores in [0, 1] give x = s * B >= 0, whose
 * truncation is its floor, and lanes outside [0, 1] never use theirs.
 */
#include "kernel.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))

#include <emmintrin.h>

/* Hints the cache line 2 KiB past p: the hardware prefetcher alone falls
 * behind on two streams out of cache.  An address as an integer: a
 * prefetch past the end of the batch is harmless, a pointer past it is
 * not. */
static inline void ahead(const void *p)
{
    _mm_prefetch((const char *)((uintptr_t)p + 2048), _MM_HINT_T0);
}

/* The constants of a classifier, loaded once. */
struct consts {
    __m128i slots, ignored_cell, limit, positive, ignored, has_ignored;
};

static struct consts consts_of(const struct prc__kernel_ctx *k)
{
    struct consts c;

    c.slots = _mm_set1_epi32((int)k->slots);
    c.ignored_cell = _mm_set1_epi32((int)k->ignored_cell);
    c.limit = _mm_set1_epi32((int)k->counted_limit);
    c.positive = _mm_set1_epi32((int)k->positive_byte);
    c.ignored = _mm_set1_epi32((int)k->ignored_byte);
    c.has_ignored = _mm_set1_epi32(k->ignored_byte <= 255 ? -1 : 0);
    return c;
}

/* The cells of four lanes whose slots are known, or 0 when a lane is
 * neither clear (a counted label, score in range, not near a threshold:
 * `clear`) nor ignored. */
static inline int cells4(const struct consts *c, __m128i lab, __m128i clear,
                         __m128i slot, uint32_t *cell, __m128i *positive,
                         __m128i *negative)
{
    __m128i counted = _mm_cmplt_epi32(lab, c->limit);
    __m128i is_positive = _mm_cmpeq_epi32(lab, c->positive);
    __m128i ignored = _mm_and_si128(_mm_cmpeq_epi32(lab, c->ignored),
                                    c->has_ignored);
    __m128i good = _mm_and_si128(clear, counted);
    __m128i v;

    if (_mm_movemask_epi8(_mm_or_si128(good, ignored)) != 0xFFFF)
        return 0;
    v = _mm_add_epi32(slot, _mm_and_si128(is_positive, c->slots));
    v = _mm_or_si128(_mm_andnot_si128(ignored, v),
                     _mm_and_si128(ignored, c->ignored_cell));
    _mm_storeu_si128((__m128i *)cell, v);
    *positive = _mm_or_si128(*positive, _mm_and_si128(good, is_positive));
    *negative = _mm_or_si128(*negative, _mm_andnot_si128(is_positive, good));
    return 1;
}

/* Eight label bytes as two vectors of four 32-bit lanes. */
static inline void labels8(const uint8_t *labels, __m128i *low,
                           __m128i *high)
{
    __m128i zero = _mm_setzero_si128();
    __m128i words = _mm_unpacklo_epi8(
        _mm_loadl_epi64((const __m128i *)labels), zero);

    *low = _mm_unpacklo_epi16(words, zero);
    *high = _mm_unpackhi_epi16(words, zero);
}

/* Two doubles: whether each is in [0, 1] and clear of every threshold (a
 * 64-bit mask per lane), and their slots in the low two 32-bit lanes. */
static inline __m128d clear2_double(__m128d s, __m128d bins, __m128i *slot)
{
    __m128d x = _mm_mul_pd(s, bins);
    __m128i t = _mm_cvttpd_epi32(x);
    __m128d fraction = _mm_sub_pd(x, _mm_cvtepi32_pd(t));
    __m128d in = _mm_and_pd(_mm_cmpge_pd(s, _mm_setzero_pd()),
                            _mm_cmple_pd(s, _mm_set1_pd(1.0)));

    *slot = _mm_add_epi32(t, _mm_set1_epi32(1));
    return _mm_and_pd(in, _mm_and_pd(
                              _mm_cmpgt_pd(fraction, _mm_set1_pd(PRC__EDGE)),
                              _mm_cmplt_pd(fraction,
                                           _mm_set1_pd(1.0 - PRC__EDGE))));
}

/* Four doubles (two pairs) as four 32-bit lanes: the clear mask and the
 * slots. */
static inline __m128i clear4_double(__m128d a, __m128d b, __m128d bins,
                                    __m128i *slot)
{
    __m128i slot_a, slot_b;
    __m128d clear_a = clear2_double(a, bins, &slot_a);
    __m128d clear_b = clear2_double(b, bins, &slot_b);

    *slot = _mm_unpacklo_epi64(slot_a, slot_b);
    /* The low 32 bits of each 64-bit mask, in order. */
    return _mm_castps_si128(_mm_shuffle_ps(_mm_castpd_ps(clear_a),
                                           _mm_castpd_ps(clear_b),
                                           _MM_SHUFFLE(2, 0, 2, 0)));
}

/* Four floats in single precision (see PRC__SINGLE_MAX_BINS): in [0, 1]
 * with an x = s * B that is not an integer. */
static inline __m128i clear4_single(__m128 s, __m128 bins, __m128i *slot)
{
    __m128 x = _mm_mul_ps(s, bins);
    __m128i t = _mm_cvttps_epi32(x);
    __m128 in = _mm_and_ps(_mm_cmpge_ps(s, _mm_setzero_ps()),
                           _mm_cmple_ps(s, _mm_set1_ps(1.0f)));

    *slot = _mm_add_epi32(t, _mm_set1_epi32(1));
    return _mm_castps_si128(
        _mm_and_ps(in, _mm_cmpneq_ps(x, _mm_cvtepi32_ps(t))));
}

/* Seen bits of the fast groups. */
static unsigned fast_seen(__m128i positive, __m128i negative)
{
    return (_mm_movemask_epi8(positive) ? PRC__SEEN_POSITIVE : 0u)
           | (_mm_movemask_epi8(negative) ? PRC__SEEN_NEGATIVE : 0u);
}

static unsigned classify_f32(const struct prc__kernel_ctx *k,
                             const void *scores, const uint8_t *labels,
                             size_t n, uint32_t *cell)
{
    const float *s = scores;
    const struct consts c = consts_of(k);
    const int single = k->single;
    const __m128 bins = _mm_set1_ps((float)k->bins);
    const __m128d bins_double = _mm_set1_pd(k->bins);
    __m128i positive = _mm_setzero_si128(), negative = positive;
    unsigned seen = 0;
    size_t i;

    for (i = 0; i + 8 <= n; i += 8) {
        __m128i lab[2], clear[2], slot[2];
        int h;

        if ((i & 15) == 0)
            ahead(s + i);
        if ((i & 63) == 0)
            ahead(labels + i);
        labels8(labels + i, &lab[0], &lab[1]);
        for (h = 0; h < 2; h++) {
            __m128 v = _mm_loadu_ps(s + i + 4 * h);

            if (single)
                clear[h] = clear4_single(v, bins, &slot[h]);
            else
                clear[h] = clear4_double(_mm_cvtps_pd(v),
                                         _mm_cvtps_pd(_mm_movehl_ps(v, v)),
                                         bins_double, &slot[h]);
        }
        if (!cells4(&c, lab[0], clear[0], slot[0], cell + i, &positive,
                    &negative)
            || !cells4(&c, lab[1], clear[1], slot[1], cell + i + 4,
                       &positive, &negative))
            seen |= prc__classify_f32(k, s + i, labels + i, 8, cell + i);
    }
    seen |= fast_seen(positive, negative);
    return seen | prc__classify_f32(k, s + i, labels + i, n - i, cell + i);
}

static unsigned classify_f64(const struct prc__kernel_ctx *k,
                             const void *scores, const uint8_t *labels,
                             size_t n, uint32_t *cell)
{
    const double *s = scores;
    const struct consts c = consts_of(k);
    const __m128d bins = _mm_set1_pd(k->bins);
    __m128i positive = _mm_setzero_si128(), negative = positive;
    unsigned seen = 0;
    size_t i;

    for (i = 0; i + 8 <= n; i += 8) {
        __m128i lab[2], clear[2], slot[2];
        int h;

        ahead(s + i);
        if ((i & 63) == 0)
            ahead(labels + i);
        labels8(labels + i, &lab[0], &lab[1]);
        for (h = 0; h < 2; h++)
            clear[h] = clear4_double(_mm_loadu_pd(s + i + 4 * h),
                                     _mm_loadu_pd(s + i + 4 * h + 2), bins,
                                     &slot[h]);
        if (!cells4(&c, lab[0], clear[0], slot[0], cell + i, &positive,
                    &negative)
            || !cells4(&c, lab[1], clear[1], slot[1], cell + i + 4,
                       &positive, &negative))
            seen |= prc__classify_f64(k, s + i, labels + i, 8, cell + i);
    }
    seen |= fast_seen(positive, negative);
    return seen | prc__classify_f64(k, s + i, labels + i, n - i, cell + i);
}

/* Cells of 16 score bytes and their class bytes (0 negative, 1 positive,
 * 2 ignored): class << 8 | score, in order. */
static inline void store_u8_cells(__m128i v, __m128i cls, uint32_t *cell)
{
    __m128i zero = _mm_setzero_si128();
    __m128i low = _mm_unpacklo_epi8(v, cls), high = _mm_unpackhi_epi8(v, cls);

    _mm_storeu_si128((__m128i *)cell, _mm_unpacklo_epi16(low, zero));
    _mm_storeu_si128((__m128i *)(cell + 4), _mm_unpackhi_epi16(low, zero));
    _mm_storeu_si128((__m128i *)(cell + 8), _mm_unpacklo_epi16(high, zero));
    _mm_storeu_si128((__m128i *)(cell + 12),
                     _mm_unpackhi_epi16(high, zero));
}

unsigned prc__sse2_tally_u8(const struct prc__kernel_ctx *k,
                            const void *scores, const uint8_t *labels,
                            size_t n, uint32_t *split, size_t stride)
{
    const uint8_t *s = scores;
    /* Bytes below the limit are those equal to their minimum with
     * limit - 1 (SSE2 compares bytes as signed only). */
    const __m128i below = _mm_set1_epi8((char)(k->counted_limit - 1));
    const __m128i positive = _mm_set1_epi8((char)k->positive_byte);
    const __m128i ignored = _mm_set1_epi8((char)k->ignored_byte);
    const __m128i has_ignored = _mm_set1_epi8(
        (char)(k->ignored_byte <= 255 ? -1 : 0));
    const __m128i one = _mm_set1_epi8(1), two = _mm_set1_epi8(2);
    uint32_t cell[PRC__KERNEL_MAX];
    __m128i good = _mm_set1_epi8(-1), any_positive = _mm_setzero_si128();
    __m128i any_negative = any_positive;
    size_t i;

    for (i = 0; i + 16 <= n; i += 16) {
        __m128i lab = _mm_loadu_si128((const __m128i *)(labels + i));
        __m128i counted = _mm_cmpeq_epi8(_mm_min_epu8(lab, below), lab);
        __m128i pos = _mm_cmpeq_epi8(lab, positive);
        __m128i ign = _mm_and_si128(_mm_cmpeq_epi8(lab, ignored),
                                    has_ignored);

        if ((i & 63) == 0) {
            ahead(s + i);
            ahead(labels + i);
        }
        good = _mm_and_si128(good, _mm_or_si128(counted, ign));
        any_positive = _mm_or_si128(any_positive, pos);
        any_negative = _mm_or_si128(any_negative,
                                    _mm_andnot_si128(pos, counted));
        store_u8_cells(_mm_loadu_si128((const __m128i *)(s + i)),
                       _mm_or_si128(_mm_and_si128(pos, one),
                                    _mm_and_si128(ign, two)),
                       cell + i);
    }
    return prc__tally_finish(k, s, labels, i, n, cell,
                             _mm_movemask_epi8(good) != 0xFFFF,
                             fast_seen(any_positive, any_negative), split,
                             stride);
}

const prc__classify_fn prc__sse2_f32 = classify_f32;
const prc__classify_fn prc__sse2_f64 = classify_f64;

#else

const prc__classify_fn prc__sse2_f32 = 0;
const prc__classify_fn prc__sse2_f64 = 0;

unsigned prc__sse2_tally_u8(const struct prc__kernel_ctx *k,
                            const void *scores, const uint8_t *labels,
                            size_t n, uint32_t *split, size_t stride)
{
    return prc__tally_u8(k, scores, labels, n, split, stride);
}

#endif
