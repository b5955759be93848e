/*
 * test_options.c - option defaults, bounds, setting and getting, and that a
 * rejected value leaves everything as it was.
 */
#include "support.h"

#include <stdlib.h>

/* Bounds and defaults as the header documents them. */
struct option_spec {
    prc_option option;
    int64_t min, max, default_value;
};

static const struct option_spec specs[] = {
    {PRC_OPT_BINS, 1, 16777216, 1000},
    {PRC_OPT_RULE, 0, 1, PRC_RULE_GE},
    {PRC_OPT_ZERO_DIVISION, 0, 2, PRC_ZERO_DIVISION_ZERO},
    {PRC_OPT_IGNORE_LABEL, 2, 255, 255},
    {PRC_OPT_NAN_POLICY, 0, 1, PRC_POLICY_REJECT},
    {PRC_OPT_RANGE_POLICY, 0, 2, PRC_POLICY_REJECT},
    {PRC_OPT_PER_IMAGE, 0, 1, 0},
    {PRC_OPT_KERNEL, 0, 4, PRC_KERNEL_AUTO},
    {PRC_OPT_THREADS, 1, 256, 1},
    {PRC_OPT_CLASSES, 1, 254, 1},
    {PRC_OPT_MULTILABEL, 0, 1, 0},
    {PRC_OPT_BOOTSTRAP, 0, 1000, 0},
    {PRC_OPT_SEED, 0, INT64_MAX, 0},
    {PRC_OPT_WEIGHTED, 0, 1, 0},
};
#define SPEC_COUNT (sizeof specs / sizeof specs[0])

static const int unknown_options[] = {0, 15, 16, -1, 1000, 0x7fffffff};
#define UNKNOWN_COUNT (sizeof unknown_options / sizeof unknown_options[0])

static void test_enum_values(void **state)
{
    (void)state;
    assert_int_equal(PRC_OPT_BINS, 1);
    assert_int_equal(PRC_OPT_PER_IMAGE, 7);
    assert_int_equal(PRC_OPT_KERNEL, 8);
    assert_int_equal(PRC_OPT_THREADS, 9);
    assert_int_equal(PRC_KERNEL_AVX2, 2);
    assert_int_equal(PRC_KERNEL_SSE2, 3);
    assert_int_equal(PRC_KERNEL_AVX512, 4);
    assert_int_equal(PRC_RULE_GT, 1);
    assert_int_equal(PRC_ZERO_DIVISION_NAN, 2);
    assert_int_equal(PRC_POLICY_CLAMP, 2);
    assert_int_equal(PRC_NO_IGNORE_LABEL, -1);
}

static void test_bounds(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < SPEC_COUNT; i++) {
        int64_t lo = -7, hi = -7, def = -7;

        ASSERT_OK(prc_option_bounds(specs[i].option, &lo, &hi, &def));
        assert_int_equal(lo, specs[i].min);
        assert_int_equal(hi, specs[i].max);
        assert_int_equal(def, specs[i].default_value);
        /* Any of the three pointers may be NULL. */
        ASSERT_OK(prc_option_bounds(specs[i].option, NULL, NULL, NULL));
        hi = -7;
        ASSERT_OK(prc_option_bounds(specs[i].option, NULL, &hi, NULL));
        assert_int_equal(hi, specs[i].max);
    }
}

static void test_bounds_unknown_option(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < UNKNOWN_COUNT; i++) {
        int64_t lo = -7, hi = -7, def = -7;

        ASSERT_STATUS(prc_option_bounds((prc_option)unknown_options[i], &lo,
                                        &hi, &def),
                      PRC_E_OPTION);
    }
}

static void test_defaults(void **state)
{
    prc_options *o = NULL;
    prc_accumulator *acc = NULL;
    size_t i;

    (void)state;
    ASSERT_OK(prc_options_create(&o));
    assert_non_null(o);
    ASSERT_OK(prc_accumulator_create(&acc, NULL));
    for (i = 0; i < SPEC_COUNT; i++) {
        int64_t v = -7;

        ASSERT_OK(prc_options_get(o, specs[i].option, &v));
        assert_int_equal(v, specs[i].default_value);
        v = -7;
        ASSERT_OK(prc_accumulator_get_option(acc, specs[i].option, &v));
        assert_int_equal(v, specs[i].default_value);
    }
    prc_accumulator_free(acc);
    prc_options_free(o);
}

static void test_set_get_every_bound(void **state)
{
    prc_options *o = NULL;
    size_t i;

    (void)state;
    ASSERT_OK(prc_options_create(&o));
    for (i = 0; i < SPEC_COUNT; i++) {
        int64_t v = -7;

        ASSERT_OK(prc_options_set(o, specs[i].option, specs[i].min));
        ASSERT_OK(prc_options_get(o, specs[i].option, &v));
        assert_int_equal(v, specs[i].min);
        ASSERT_OK(prc_options_set(o, specs[i].option, specs[i].max));
        ASSERT_OK(prc_options_get(o, specs[i].option, &v));
        assert_int_equal(v, specs[i].max);
    }
    /* PRC_NO_IGNORE_LABEL lies outside 2..255 but is accepted. */
    {
        int64_t v = 0;

        ASSERT_OK(prc_options_set(o, PRC_OPT_IGNORE_LABEL,
                                  PRC_NO_IGNORE_LABEL));
        ASSERT_OK(prc_options_get(o, PRC_OPT_IGNORE_LABEL, &v));
        assert_int_equal(v, PRC_NO_IGNORE_LABEL);
    }
    prc_options_free(o);
}

/* Reads every option into vals[0..SPEC_COUNT). */
static void read_all(const prc_options *o, int64_t *vals)
{
    size_t i;

    for (i = 0; i < SPEC_COUNT; i++)
        ASSERT_OK(prc_options_get(o, specs[i].option, &vals[i]));
}

static void test_rejected_values_change_nothing(void **state)
{
    /* Values just outside each range, far outside, and the extremes. */
    static const int64_t outside[][6] = {
        {0, 16777217, -1, INT64_MIN, INT64_MAX, (int64_t)1 << 32},
        {-1, 2, 3, INT64_MIN, INT64_MAX, 256},
        {-1, 3, 4, INT64_MIN, INT64_MAX, 256},
        {0, 1, 256, -2, INT64_MIN, INT64_MAX},
        /* PRC_POLICY_CLAMP is not valid for NaN. */
        {-1, PRC_POLICY_CLAMP, 3, INT64_MIN, INT64_MAX, 256},
        {-1, 3, 4, INT64_MIN, INT64_MAX, 256},
        {-1, 2, 3, INT64_MIN, INT64_MAX, 256},
        {-1, 5, 6, INT64_MIN, INT64_MAX, 256},
        {0, 257, -1, INT64_MIN, INT64_MAX, 1000},
        {0, 255, -1, INT64_MIN, INT64_MAX, 1000},
        {-1, 2, 3, INT64_MIN, INT64_MAX, 256},
        {-1, 1001, INT64_MIN, INT64_MAX, -5, 5000},
        {-1, -2, INT64_MIN, -1000, -3, -4},
        {-1, 2, 3, INT64_MIN, INT64_MAX, 256},
    };
    prc_options *o = NULL;
    int64_t before[SPEC_COUNT], after[SPEC_COUNT];
    size_t i, j;

    (void)state;
    ASSERT_OK(prc_options_create(&o));
    /* Move every option off its default so "unchanged" is visible. */
    ASSERT_OK(prc_options_set(o, PRC_OPT_BINS, 17));
    ASSERT_OK(prc_options_set(o, PRC_OPT_RULE, PRC_RULE_GT));
    ASSERT_OK(prc_options_set(o, PRC_OPT_ZERO_DIVISION, 2));
    ASSERT_OK(prc_options_set(o, PRC_OPT_IGNORE_LABEL, 7));
    ASSERT_OK(prc_options_set(o, PRC_OPT_NAN_POLICY, PRC_POLICY_SKIP));
    ASSERT_OK(prc_options_set(o, PRC_OPT_RANGE_POLICY, PRC_POLICY_CLAMP));
    ASSERT_OK(prc_options_set(o, PRC_OPT_PER_IMAGE, 1));
    read_all(o, before);
    assert_int_equal(before[0], 17);
    assert_int_equal(before[3], 7);
    for (i = 0; i < SPEC_COUNT; i++) {
        for (j = 0; j < 6; j++) {
            ASSERT_STATUS(prc_options_set(o, specs[i].option, outside[i][j]),
                          PRC_E_OPTION_VALUE);
            read_all(o, after);
            assert_memory_equal(before, after, sizeof before);
        }
    }
    for (i = 0; i < UNKNOWN_COUNT; i++) {
        int64_t v = 99;

        ASSERT_STATUS(prc_options_set(o, (prc_option)unknown_options[i], 1),
                      PRC_E_OPTION);
        ASSERT_STATUS(prc_options_get(o, (prc_option)unknown_options[i], &v),
                      PRC_E_OPTION);
        assert_int_equal(v, 99);
        read_all(o, after);
        assert_memory_equal(before, after, sizeof before);
    }
    prc_options_free(o);
}

static void test_null_arguments(void **state)
{
    prc_options *o = NULL;
    int64_t v = 5;

    (void)state;
    ASSERT_STATUS(prc_options_create(NULL), PRC_E_NULL);
    ASSERT_STATUS(prc_options_set(NULL, PRC_OPT_BINS, 10), PRC_E_NULL);
    ASSERT_STATUS(prc_options_get(NULL, PRC_OPT_BINS, &v), PRC_E_NULL);
    assert_int_equal(v, 5);
    ASSERT_OK(prc_options_create(&o));
    ASSERT_STATUS(prc_options_get(o, PRC_OPT_BINS, NULL), PRC_E_NULL);
    ASSERT_STATUS(prc_accumulator_create(NULL, o), PRC_E_NULL);
    ASSERT_STATUS(prc_accumulator_get_option(NULL, PRC_OPT_BINS, &v),
                  PRC_E_NULL);
    ASSERT_STATUS(prc_result_get_option(NULL, PRC_OPT_BINS, &v), PRC_E_NULL);
    prc_options_free(o);
    prc_options_free(NULL); /* a no-op */
}

/* The accumulator copies its options: later changes do not reach it, and
 * its results report the options they were computed with. */
static void test_accumulator_copies_options(void **state)
{
    prc_options *o = NULL;
    prc_accumulator *acc = NULL;
    prc_result *res = NULL;
    int64_t v = 0;

    (void)state;
    ASSERT_OK(prc_options_create(&o));
    ASSERT_OK(prc_options_set(o, PRC_OPT_BINS, 42));
    ASSERT_OK(prc_options_set(o, PRC_OPT_RULE, PRC_RULE_GT));
    ASSERT_OK(prc_options_set(o, PRC_OPT_IGNORE_LABEL, PRC_NO_IGNORE_LABEL));
    ASSERT_OK(prc_options_set(o, PRC_OPT_PER_IMAGE, 1));
    ASSERT_OK(prc_accumulator_create(&acc, o));
    ASSERT_OK(prc_options_set(o, PRC_OPT_BINS, 7));
    ASSERT_OK(prc_options_set(o, PRC_OPT_RULE, PRC_RULE_GE));
    prc_options_free(o);

    ASSERT_OK(prc_accumulator_get_option(acc, PRC_OPT_BINS, &v));
    assert_int_equal(v, 42);
    ASSERT_OK(prc_accumulator_get_option(acc, PRC_OPT_RULE, &v));
    assert_int_equal(v, PRC_RULE_GT);
    ASSERT_OK(prc_accumulator_get_option(acc, PRC_OPT_IGNORE_LABEL, &v));
    assert_int_equal(v, PRC_NO_IGNORE_LABEL);
    ASSERT_STATUS(prc_accumulator_get_option(acc, (prc_option)0, &v),
                  PRC_E_OPTION);

    ASSERT_OK(prc_accumulator_finalize(acc, &res));
    assert_int_equal(prc_result_rows(res), 43);
    ASSERT_OK(prc_result_get_option(res, PRC_OPT_BINS, &v));
    assert_int_equal(v, 42);
    ASSERT_OK(prc_result_get_option(res, PRC_OPT_PER_IMAGE, &v));
    assert_int_equal(v, 1);
    ASSERT_OK(prc_result_get_option(res, PRC_OPT_ZERO_DIVISION, &v));
    assert_int_equal(v, PRC_ZERO_DIVISION_ZERO);
    ASSERT_STATUS(prc_result_get_option(res, (prc_option)15, &v),
                  PRC_E_OPTION);
    prc_result_free(res);
    prc_accumulator_free(acc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_enum_values),
        cmocka_unit_test(test_bounds),
        cmocka_unit_test(test_bounds_unknown_option),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_set_get_every_bound),
        cmocka_unit_test(test_rejected_values_change_nothing),
        cmocka_unit_test(test_null_arguments),
        cmocka_unit_test(test_accumulator_copies_options),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
