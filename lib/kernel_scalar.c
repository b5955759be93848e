/*
 * kernel_scalar.c - the portable classifiers, the reference every other
 * kernel must match cell for cell.
 */
#include "kernel.h"

/* How many thresholds a score passes, by binary search. */
static uint32_t searched_slot(const struct prc__kernel_ctx *k, double s)
{
    const double *t = k->thresholds;
    size_t low = 0, high = k->last + 1; /* answer in [low, high] */

    while (low < high) {
        size_t mid = low + (high - low) / 2;

        if (k->ge ? t[mid] <= s : t[mid] < s)
            low = mid + 1;
        else
            high = mid;
    }
    return (uint32_t)low;
}

uint32_t prc__exact_slot(const struct prc__kernel_ctx *k, double s)
{
    const double *t = k->thresholds;
    size_t g;

    if (k->custom)
        return searched_slot(k, s);
    g = (size_t)(s * k->bins);

    /* g is within one of the number of thresholds below s, so only
     * thresholds g and g + 1 need comparing. */
    if (g > k->last)
        g = k->last;
    if (k->ge)
        return (uint32_t)(g + (t[g] <= s) + (t[g + 1] <= s));
    return (uint32_t)(g + (t[g] < s) + (t[g + 1] < s));
}

uint32_t prc__float_cell(const struct prc__kernel_ctx *k, double s,
                         uint32_t cls, unsigned *seen)
{
    if (cls == PRC__IGNORED)
        return k->ignored_cell;
    if (cls == PRC__INVALID) {
        *seen |= PRC__SEEN_BAD;
        return PRC__BAD_CELL;
    }

    if (s != s || s < k->lo || s > k->hi) {
        int policy = s != s ? k->nan_policy : k->range_policy;

        if (policy == PRC_POLICY_SKIP)
            return k->skipped_cell;
        if (policy == PRC_POLICY_REJECT) {
            *seen |= PRC__SEEN_BAD;
            return PRC__BAD_CELL;
        }
        s = s < k->lo ? k->lo : k->hi;
    }
    *seen |= cls == PRC__POSITIVE ? PRC__SEEN_POSITIVE : PRC__SEEN_NEGATIVE;
    return cls * k->slots + prc__exact_slot(k, s);
}

/* The cell of one float score: the common case inline, the rest through
 * prc__float_cell. */
static inline uint32_t score_cell(const struct prc__kernel_ctx *k, double s,
                                  uint32_t cls, unsigned *seen)
{
    if (cls <= PRC__POSITIVE && s >= 0.0 && s <= 1.0) {
        double x = s * k->bins;
        size_t g = (size_t)x;
        double fraction = x - (double)g;

        *seen |= 1u << cls;
        if (fraction > PRC__EDGE && fraction < 1.0 - PRC__EDGE)
            return cls * k->slots + (uint32_t)g + 1;
        return cls * k->slots + prc__exact_slot(k, s);
    }
    return prc__float_cell(k, s, cls, seen);
}

unsigned prc__classify_f32(const struct prc__kernel_ctx *k,
                           const void *scores, const uint8_t *labels,
                           size_t n, uint32_t *cell)
{
    /* A local copy: stores to cell[] cannot alias it. */
    const struct prc__kernel_ctx local = *k;
    const float *s = scores;
    unsigned seen = 0;
    size_t i;

    for (i = 0; i < n; i++)
        cell[i] = score_cell(&local, s[i], local.classes[labels[i]], &seen);
    return seen;
}

unsigned prc__classify_f64(const struct prc__kernel_ctx *k,
                           const void *scores, const uint8_t *labels,
                           size_t n, uint32_t *cell)
{
    /* A local copy: stores to cell[] cannot alias it. */
    const struct prc__kernel_ctx local = *k;
    const double *s = scores;
    unsigned seen = 0;
    size_t i;

    for (i = 0; i < n; i++)
        cell[i] = score_cell(&local, s[i], local.classes[labels[i]], &seen);
    return seen;
}

unsigned prc__classify_u8(const struct prc__kernel_ctx *k,
                          const void *scores, const uint8_t *labels,
                          size_t n, uint32_t *cell)
{
    /* Locals: stores to cell[] could otherwise alias k's fields and force
     * a reload per pixel. */
    const uint8_t *s = scores, *classes = k->classes;
    const uint32_t *slot = k->u8_slot;
    const uint32_t slots = k->slots, ignored = k->ignored_cell;
    unsigned seen = 0;
    size_t i;

    /* Every uint8 score is in range; only the label can be bad.  Class
     * bits: 1 negative, 2 positive, 4 ignored (harmless), 8 invalid. */
    for (i = 0; i < n; i++) {
        uint32_t cls = classes[labels[i]];

#if defined(__GNUC__) || defined(__clang__)
        /* Addresses as integers: a prefetch past the end of the batch is
         * harmless, a pointer past it is not. */
        if ((i & 63) == 0) {
            __builtin_prefetch((const void *)((uintptr_t)(s + i) + 1024));
            __builtin_prefetch((const void *)((uintptr_t)(labels + i) + 1024));
        }
#endif
        cell[i] = cls <= PRC__POSITIVE ? cls * slots + slot[s[i]] : ignored;
        seen |= 1u << cls;
    }
    return (seen & (PRC__SEEN_NEGATIVE | PRC__SEEN_POSITIVE))
           | (seen & 8u ? PRC__SEEN_BAD : 0);
}

unsigned prc__tally_u8(const struct prc__kernel_ctx *k, const void *scores,
                       const uint8_t *labels, size_t n, uint32_t *split,
                       size_t stride)
{
    uint32_t cell[PRC__KERNEL_MAX];

    return prc__tally_finish(k, scores, labels, 0, n, cell, 0, 0, split,
                             stride);
}

unsigned prc__classify_general(const struct prc__kernel_ctx *k,
                               const void *scores, const uint8_t *labels,
                               size_t n, uint32_t *cell)
{
    const double *s = scores;
    unsigned seen = 0;
    size_t i;

    for (i = 0; i < n; i++)
        cell[i] = prc__float_cell(k, s[i], k->classes[labels[i]], &seen);
    return seen;
}
