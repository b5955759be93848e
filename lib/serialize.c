/*
 * serialize.c - the portable byte format of an accumulator.
 *
 * Format version 3, every integer little endian:
 *
 *   offset      size  field
 *   0           8     magic "PRCURVE" followed by a zero byte
 *   8           4     format version, 3
 *   12          4     option count n (13 in version 3)
 *   16          8n    option values, int64, options 1..n in number order
 *   16+8n       8     state length L, in values
 *   24+8n       8L    state values, uint64 (see prc_accumulator_state)
 *   24+8n+8L    8     checksum: 64-bit FNV-1a of every byte before it
 *
 * Versions 1 and 2 are the same with 7 options (no classes) and 11 (no
 * bootstrap); this reader reads them all.  The execution
 * options (kernel, threads) are written but not read back: the reader's
 * own defaults apply.  A reader accepts every version up to its own and
 * rejects newer ones.
 */
#include <string.h>

#include "internal.h"

#define FORMAT_VERSION 3

/* Options stored by each format version. */
static const size_t options_of_version[FORMAT_VERSION + 1] = {0, 7, 11, 13};
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

/* Bytes of a serialized state with `options` options and `length` values,
 * or 0 if that does not fit in size_t. */
static size_t serialized_size(size_t options, size_t length)
{
    size_t fixed = HEADER_SIZE + 8 * options + 16;

    if (length > (SIZE_MAX - fixed) / 8)
        return 0;
    return fixed + 8 * length;
}

prc_status prc_accumulator_serialize(const prc_accumulator *acc,
                                     void *buffer, size_t capacity,
                                     size_t *size)
{
    size_t needed, i;
    unsigned char *p = buffer;

    if (acc == NULL || size == NULL)
        return PRC_E_NULL;
    needed = serialized_size(PRC__OPTION_MAX, acc->state_length);
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
        put_le(p, (uint64_t)acc->options.value[i], 8);
    put_le(p, acc->state_length, 8);
    p += 8;
    for (i = 0; i < acc->state_length; i++, p += 8)
        put_le(p, acc->state[i], 8);
    put_le(p, fnv1a(buffer, needed - 8), 8);
    return PRC_OK;
}

/* Reads and checks the header and the `count` options of a state. */
static prc_status read_options(const unsigned char *p, size_t size,
                               size_t count, prc_options *options,
                               uint64_t *length)
{
    size_t i;

    if (get_le(p + 12, 4) != count || size < serialized_size(count, 0))
        return PRC_E_FORMAT;
    for (i = 1; i <= count; i++) {
        int64_t value = (int64_t)get_le(p + HEADER_SIZE + 8 * (i - 1), 8);

        if (PRC__SEMANTIC(i)
            && prc_options_set(options, (prc_option)i, value) != PRC_OK)
            return PRC_E_FORMAT;
    }
    *length = get_le(p + HEADER_SIZE + 8 * count, 8);
    return PRC_OK;
}

prc_status prc_accumulator_deserialize(prc_accumulator **out,
                                       const void *buffer, size_t size)
{
    const unsigned char *p = buffer;
    prc_options options;
    prc_accumulator *acc;
    uint64_t version, length;
    prc_status status;
    size_t i, count;

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
    options.allocator = prc__default_allocator();
    count = options_of_version[version];
    status = read_options(p, size, count, &options, &length);
    if (status != PRC_OK)
        return status;
    /* The declared length must be the one these options give, and the
     * buffer exactly that long, before anything is allocated. */
    if (length != prc__state_length(&options)
        || serialized_size(count, length) != size)
        return PRC_E_FORMAT;
    if (get_le(p + size - 8, 8) != fnv1a(p, size - 8))
        return PRC_E_CHECKSUM;

    status = prc_accumulator_create(&acc, &options);
    if (status == PRC_E_OPTION_VALUE)
        return PRC_E_FORMAT; /* options that do not go together */
    if (status != PRC_OK)
        return status;
    p += serialized_size(count, 0) - 8;
    for (i = 0; i < length; i++)
        acc->state[i] = get_le(p + 8 * i, 8);
    status = prc__check_state(acc, acc->state);
    if (status != PRC_OK) {
        prc_accumulator_free(acc);
        return status;
    }

    *out = acc;
    return PRC_OK;
}
