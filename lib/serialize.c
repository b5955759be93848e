/*
 * serialize.c - the portable byte format of an accumulator.
 *
 * Format version 5, every integer little endian, doubles as their IEEE
 * binary64 bits:
 *
 *   offset        size  field
 *   0             8     magic "PRCURVE" followed by a zero byte
 *   8             4     format version, 5
 *   12            4     option count n (14 in version 5)
 *   16            8n    option values, int64, options 1..n in number order
 *   16+8n         8     flags: 1 a score range was set, 2 thresholds were
 *   24+8n         16    the score range lo, hi
 *   40+8n         8T    the thresholds, T = bins + 1, with flag 2 only
 *   40+8n+8T      8     state length L, in values
 *   48+8n+8T      8L    state values, uint64 (see prc_accumulator_state)
 *   48+8n+8T+8L   8     checksum: 64-bit FNV-1a of every byte before it
 *
 * Versions 1, 2 and 3 have 7, 11 and 13 options and no flags, range or
 * thresholds; version 4 has 13 options; this reader reads them all.  The execution options (kernel,
 * threads) are written but not read back: the reader's own defaults
 * apply.  A reader accepts every version up to its own and rejects newer
 * ones.
 */
#include <string.h>

#include "internal.h"

#define FORMAT_VERSION 5

/* Options stored by each format version. */
static const size_t options_of_version[FORMAT_VERSION + 1] = {0, 7, 11, 13,
                                                              13, 14};

#define FLAG_RANGE 1u
#define FLAG_THRESHOLDS 2u
#define HEADER_SIZE 16
static const unsigned char magic[8] = {'P', 'R', 'C', 'U', 'R', 'V', 'E', 0};

static void put_le(unsigned char *p, uint64_t v, int bytes)
{
    int i;

    for (i = 0; i < bytes; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get_le(const unsigned char *p, int bytes)
{
    uint64_t v = 0;
    int i;

    for (i = 0; i < bytes; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static uint64_t fnv1a(const unsigned char *p, size_t n)
{
    uint64_t h = 14695981039346656037u;
    size_t i;

    for (i = 0; i < n; i++) {
        h ^= p[i];
        h *= 1099511628211u;
    }
    return h;
}

/* Bytes before the state length: the header, the options and (from
 * version 4 on) the flags, the range and `thresholds` thresholds. */
static size_t prefix_size(uint64_t version, size_t options,
                          size_t thresholds)
{
    return HEADER_SIZE + 8 * options
           + (version >= 4 ? 24 + 8 * thresholds : 0);
}

/* Bytes of a whole serialized state with `length` values after `prefix`,
 * or 0 if that does not fit in size_t. */
static size_t serialized_size(size_t prefix, size_t length)
{
    size_t fixed = prefix + 16;

    if (length > (SIZE_MAX - fixed) / 8)
        return 0;
    return fixed + 8 * length;
}

static uint64_t double_bits(double d)
{
    uint64_t bits;

    memcpy(&bits, &d, sizeof bits);
    return bits;
}

static double bits_double(uint64_t bits)
{
    double d;

    memcpy(&d, &bits, sizeof d);
    return d;
}

prc_status prc_accumulator_serialize(const prc_accumulator *acc,
                                     void *buffer, size_t capacity,
                                     size_t *size)
{
    const prc_options *o;
    unsigned flags;
    size_t thresholds, needed, i;
    unsigned char *p = buffer;

    if (acc == NULL || size == NULL)
        return PRC_E_NULL;
    o = &acc->options;
    flags = (o->has_range ? FLAG_RANGE : 0u)
            | (o->threshold_count ? FLAG_THRESHOLDS : 0u);
    thresholds = o->threshold_count ? acc->rows : 0;
    needed = serialized_size(
        prefix_size(FORMAT_VERSION, PRC__OPTION_MAX, thresholds),
        acc->state_length);
    *size = needed;
    if (buffer == NULL)
        return PRC_OK;
    if (capacity < needed)
        return PRC_E_BUFFER;

    memcpy(p, magic, sizeof magic);
    put_le(p + 8, FORMAT_VERSION, 4);
    put_le(p + 12, PRC__OPTION_MAX, 4);
    p += HEADER_SIZE;
    for (i = 1; i <= PRC__OPTION_MAX; i++, p += 8)
        put_le(p, (uint64_t)o->value[i], 8);
    put_le(p, flags, 8);
    put_le(p + 8, double_bits(o->range_lo), 8);
    put_le(p + 16, double_bits(o->range_hi), 8);
    p += 24;
    for (i = 0; i < thresholds; i++, p += 8)
        put_le(p, double_bits(acc->thresholds[i]), 8);
    put_le(p, acc->state_length, 8);
    p += 8;
    for (i = 0; i < acc->state_length; i++, p += 8)
        put_le(p, acc->state[i], 8);
    put_le(p, fnv1a(buffer, needed - 8), 8);
    return PRC_OK;
}

/* Reads and checks the header and the `count` options of a state. */
static prc_status read_options(const unsigned char *p, size_t size,
                               size_t count, prc_options *options)
{
    size_t i;

    if (get_le(p + 12, 4) != count || size < prefix_size(1, count, 0) + 8)
        return PRC_E_FORMAT;
    for (i = 1; i <= count; i++) {
        int64_t value = (int64_t)get_le(p + HEADER_SIZE + 8 * (i - 1), 8);

        if (PRC__SEMANTIC(i)
            && prc_options_set(options, (prc_option)i, value) != PRC_OK)
            return PRC_E_FORMAT;
    }
    return PRC_OK;
}

/* Reads the flags, range and thresholds of a version 4 state into
 * options; *thresholds gets how many were stored. */
static prc_status read_extras(const unsigned char *p, size_t size,
                              size_t count, prc_options *options,
                              size_t *thresholds)
{
    const unsigned char *q = p + HEADER_SIZE + 8 * count;
    uint64_t flags;
    double *values;
    size_t n, i;
    prc_status status = PRC_OK;

    if (size < prefix_size(4, count, 0) + 8)
        return PRC_E_FORMAT;
    flags = get_le(q, 8);
    if (flags & ~(uint64_t)(FLAG_RANGE | FLAG_THRESHOLDS))
        return PRC_E_FORMAT;
    if ((flags & FLAG_RANGE)
        && prc_options_set_range(options, bits_double(get_le(q + 8, 8)),
                                 bits_double(get_le(q + 16, 8)))
               != PRC_OK)
        return PRC_E_FORMAT;
    n = flags & FLAG_THRESHOLDS ? (size_t)options->value[PRC_OPT_BINS] + 1
                                : 0;
    *thresholds = n;
    if (n == 0)
        return PRC_OK;
    /* The bins option bounds n; the buffer must hold them all before any
     * is copied. */
    if (size < prefix_size(4, count, n) + 8)
        return PRC_E_FORMAT;

    values = prc__alloc(&options->own, n, sizeof *values, 0);
    if (values == NULL)
        return PRC_E_NOMEM;
    for (i = 0; i < n; i++)
        values[i] = bits_double(get_le(q + 24 + 8 * i, 8));
    if (prc_options_set_thresholds(options, values, n) != PRC_OK)
        status = PRC_E_FORMAT;
    prc__free(&options->own, values);
    return status;
}

prc_status prc_accumulator_deserialize(prc_accumulator **out,
                                       const void *buffer, size_t size)
{
    const unsigned char *p = buffer;
    prc_options options;
    prc_accumulator *acc = NULL;
    uint64_t version, length;
    prc_status status;
    size_t i, count, thresholds = 0, prefix;

    if (out == NULL || buffer == NULL)
        return PRC_E_NULL;
    if (size < HEADER_SIZE || memcmp(p, magic, sizeof magic) != 0)
        return PRC_E_FORMAT;
    version = get_le(p + 8, 4);
    if (version == 0)
        return PRC_E_FORMAT;
    if (version > FORMAT_VERSION)
        return PRC_E_VERSION;

    memset(&options, 0, sizeof options);
    for (i = 1; i <= PRC__OPTION_MAX; i++)
        prc_option_bounds((prc_option)i, NULL, NULL, &options.value[i]);
    options.range_hi = 1.0;
    options.own = prc__default_allocator();
    options.allocator = options.own;
    count = options_of_version[version];
    status = read_options(p, size, count, &options);
    if (status == PRC_OK && version >= 4)
        status = read_extras(p, size, count, &options, &thresholds);
    if (status != PRC_OK)
        goto done;

    /* The declared length must be the one these options give, and the
     * buffer exactly that long, before the state is allocated. */
    prefix = prefix_size(version, count, thresholds);
    length = get_le(p + prefix, 8);
    status = PRC_E_FORMAT;
    if (length != prc__state_length(&options)
        || serialized_size(prefix, length) != size)
        goto done;
    status = PRC_E_CHECKSUM;
    if (get_le(p + size - 8, 8) != fnv1a(p, size - 8))
        goto done;

    status = prc_accumulator_create(&acc, &options);
    if (status == PRC_E_OPTION_VALUE)
        status = PRC_E_FORMAT; /* options that do not go together */
    if (status != PRC_OK)
        goto done;
    p += prefix + 8;
    for (i = 0; i < length; i++)
        acc->state[i] = get_le(p + 8 * i, 8);
    status = prc__check_state(acc, acc->state);
    if (status != PRC_OK) {
        prc_accumulator_free(acc);
        acc = NULL;
    }

done:
    prc__free(&options.own, options.thresholds);
    if (status == PRC_OK)
        *out = acc;
    return status;
}
