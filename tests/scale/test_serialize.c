/*
 * test_serialize.c - serialized accumulators come back identical, and any
 * damaged or hostile byte string is refused with a status, never read out
 * of bounds (the sanitizer and valgrind runs watch that).
 */
#include "scale_data.h"

#include <stdlib.h>
#include <string.h>

/* 64-bit FNV-1a, as README's format description specifies the checksum. */
static uint64_t fnv1a(const unsigned char *p, size_t n)
{
    uint64_t h = UINT64_C(14695981039346656037);
    size_t i;

    for (i = 0; i < n; i++) {
        h ^= p[i];
        h *= UINT64_C(1099511628211);
    }
    return h;
}

static void put_le64(unsigned char *p, uint64_t v)
{
    int i;

    for (i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static void reseal(unsigned char *p, size_t size)
{
    put_le64(p + size - 8, fnv1a(p, size - 8));
}

static prc_accumulator *sample(int per_image)
{
    scale_data d;
    prc_options *o = scale_options(30, PRC_RULE_GE, per_image);
    prc_accumulator *acc;

    scale_data_make(&d, 5, 14, 9, 21);
    acc = scale_fed(o, &d, 0, 5);
    prc_options_free(o);
    scale_data_free(&d);
    return acc;
}

static void round_trip_is_identical(void **unused)
{
    int per_image;

    (void)unused;
    for (per_image = 0; per_image <= 1; per_image++) {
        prc_accumulator *acc = sample(per_image), *back = NULL;
        unsigned char *bytes, *again;
        size_t size, size_again;

        bytes = scale_serialize(acc, &size);
        ASSERT_OK(prc_accumulator_deserialize(&back, bytes, size));
        scale_assert_same(back, acc);
        again = scale_serialize(back, &size_again);
        assert_int_equal(size_again, size);
        assert_memory_equal(again, bytes, size);

        /* The magic and the version stand where the format says. */
        assert_memory_equal(bytes, "PRCURVE", 8);
        assert_int_equal(bytes[8], 5);
        assert_int_equal(bytes[12], 14);
        free(again);
        free(bytes);
        prc_accumulator_free(back);
        prc_accumulator_free(acc);
    }
}

static void small_buffer_writes_nothing(void **unused)
{
    prc_accumulator *acc = sample(0);
    unsigned char *buffer;
    size_t size = 0, reported = 0, i;

    (void)unused;
    ASSERT_OK(prc_accumulator_serialize(acc, NULL, 0, &size));
    buffer = malloc(size);
    assert_non_null(buffer);
    memset(buffer, 0xAA, size);
    ASSERT_STATUS(prc_accumulator_serialize(acc, buffer, size - 1, &reported),
                  PRC_E_BUFFER);
    assert_int_equal(reported, size);
    for (i = 0; i < size; i++)
        assert_int_equal(buffer[i], 0xAA);
    ASSERT_STATUS(prc_accumulator_serialize(NULL, buffer, size, &reported),
                  PRC_E_NULL);
    ASSERT_STATUS(prc_accumulator_serialize(acc, buffer, size, NULL),
                  PRC_E_NULL);
    free(buffer);
    prc_accumulator_free(acc);
}

/* Every proper prefix is refused, and *out stays untouched. */
static void truncations_are_refused(void **unused)
{
    prc_accumulator *acc = sample(1);
    prc_accumulator *out = (prc_accumulator *)&out;
    unsigned char *bytes, *copy;
    size_t size, n;

    (void)unused;
    bytes = scale_serialize(acc, &size);
    for (n = 0; n < size; n++) {
        prc_status status;

        /* A copy of exactly n bytes, so reading past it is caught. */
        copy = malloc(n ? n : 1);
        assert_non_null(copy);
        memcpy(copy, bytes, n);
        status = prc_accumulator_deserialize(&out, copy, n);
        if (status != PRC_E_FORMAT && status != PRC_E_CHECKSUM)
            TEST_FAIL("prefix of %zu bytes gave %s", n,
                      prc_status_name(status));
        assert_ptr_equal(out, (prc_accumulator *)&out);
        free(copy);
    }
    free(bytes);
    prc_accumulator_free(acc);
}

/* FNV-1a maps a one-byte change to a different checksum, so every single
 * bit flip is refused. */
static void bit_flips_are_refused(void **unused)
{
    prc_accumulator *acc = sample(0), *out = NULL;
    unsigned char *bytes;
    size_t size, bit;

    (void)unused;
    bytes = scale_serialize(acc, &size);
    for (bit = 0; bit < 8 * size; bit++) {
        prc_status status;

        bytes[bit / 8] ^= (unsigned char)(1u << bit % 8);
        status = prc_accumulator_deserialize(&out, bytes, size);
        if (status != PRC_E_FORMAT && status != PRC_E_VERSION
            && status != PRC_E_CHECKSUM)
            TEST_FAIL("flipping bit %zu gave %s", bit,
                      prc_status_name(status));
        bytes[bit / 8] ^= (unsigned char)(1u << bit % 8);
    }
    free(bytes);
    prc_accumulator_free(acc);
}

/* Well-sealed but hostile headers: each refused for what it is. */
static void hostile_headers_are_refused(void **unused)
{
    prc_accumulator *acc = sample(0), *out = NULL;
    unsigned char *bytes, *copy, *bigger;
    size_t size;

    (void)unused;
    bytes = scale_serialize(acc, &size);
    copy = malloc(size);
    assert_non_null(copy);

#define REFUSED(edit, expected)                                               \
    do {                                                                      \
        memcpy(copy, bytes, size);                                            \
        edit;                                                                 \
        reseal(copy, size);                                                   \
        ASSERT_STATUS(prc_accumulator_deserialize(&out, copy, size),          \
                      expected);                                              \
    } while (0)

    REFUSED(copy[8] = 6, PRC_E_VERSION);        /* a newer format */
    REFUSED(copy[8] = 4, PRC_E_FORMAT);         /* 4 has 13 options */
    REFUSED(copy[8] = 1, PRC_E_FORMAT);         /* 1 has 7 options */
    REFUSED(copy[8] = 2, PRC_E_FORMAT);         /* 2 has 11 */
    REFUSED(copy[8] = 3, PRC_E_FORMAT);         /* 3 has no flags */
    /* Flags at 16 + 8 * 14: an unknown bit; a range with lo > hi. */
    REFUSED(copy[128] = 4, PRC_E_FORMAT);
    REFUSED((copy[128] = 1, put_le64(copy + 136, 0x3FF0000000000000u)),
            PRC_E_FORMAT);
    /* Thresholds announced but not there: the state no longer fits. */
    REFUSED(copy[128] = 2, PRC_E_FORMAT);
    REFUSED(copy[11] = 0x80, PRC_E_VERSION);
    REFUSED(copy[8] = 0, PRC_E_FORMAT);         /* version 0 */
    REFUSED(copy[12] = 8, PRC_E_FORMAT);        /* option count */
    /* Option 10, classes: 3 would need a longer state. */
    REFUSED(put_le64(copy + 16 + 8 * 9, 3), PRC_E_FORMAT);
    REFUSED(copy[0] = 'p', PRC_E_FORMAT);       /* magic */
    /* Options start at byte 16, bins first: 0, and 2^24 + 1. */
    REFUSED(put_le64(copy + 16, 0), PRC_E_FORMAT);
    REFUSED(put_le64(copy + 16, (UINT64_C(1) << 24) + 1), PRC_E_FORMAT);
    /* 2^24 bins declared in a small buffer: refused before allocating. */
    REFUSED(put_le64(copy + 16, UINT64_C(1) << 24), PRC_E_FORMAT);
    REFUSED(put_le64(copy + 16, UINT64_MAX), PRC_E_FORMAT);
    /* Rule 2, ignore label 1, per-image 2. */
    REFUSED(put_le64(copy + 24, 2), PRC_E_FORMAT);
    REFUSED(put_le64(copy + 40, 1), PRC_E_FORMAT);
    REFUSED(put_le64(copy + 64, 2), PRC_E_FORMAT);
    /* The state length, at 16 + 8 * 14 + 24, off by one either way. */
    REFUSED(copy[152] ^= 1, PRC_E_FORMAT);
    REFUSED(put_le64(copy + 152, UINT64_MAX), PRC_E_FORMAT);
#undef REFUSED

    /* Trailing bytes after a valid state. */
    bigger = malloc(size + 8);
    assert_non_null(bigger);
    memcpy(bigger, bytes, size);
    memset(bigger + size, 0, 8);
    ASSERT_STATUS(prc_accumulator_deserialize(&out, bigger, size + 8),
                  PRC_E_FORMAT);
    ASSERT_STATUS(prc_accumulator_deserialize(NULL, bytes, size),
                  PRC_E_NULL);
    ASSERT_STATUS(prc_accumulator_deserialize(&out, NULL, size), PRC_E_NULL);

    free(bigger);
    free(copy);
    free(bytes);
    prc_accumulator_free(acc);
}

/* Every count re-sealed with a valid checksum but raised by one is either
 * refused as inconsistent or still describes valid data. */
static void resealed_counts_are_checked(void **unused)
{
    prc_accumulator *acc = sample(1), *out = NULL;
    unsigned char *bytes, *copy;
    size_t size, at, rejected = 0;

    (void)unused;
    bytes = scale_serialize(acc, &size);
    copy = malloc(size);
    assert_non_null(copy);
    /* State values run from byte 160 to the checksum. */
    for (at = 160; at + 8 < size; at += 8) {
        prc_status status;

        memcpy(copy, bytes, size);
        copy[at] ^= 1;
        reseal(copy, size);
        status = prc_accumulator_deserialize(&out, copy, size);
        if (status == PRC_OK) {
            prc_accumulator_free(out);
            out = NULL;
            continue;
        }
        ASSERT_STATUS(status, PRC_E_STATE);
        rejected++;
    }
    /* Each of the 2 * 32 + 2 histogram cells breaks the pixel total. */
    assert_true(rejected >= 66);
    free(copy);
    free(bytes);
    prc_accumulator_free(acc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(round_trip_is_identical),
        cmocka_unit_test(small_buffer_writes_nothing),
        cmocka_unit_test(truncations_are_refused),
        cmocka_unit_test(bit_flips_are_refused),
        cmocka_unit_test(hostile_headers_are_refused),
        cmocka_unit_test(resealed_counts_are_checked),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
