/*
 * test_alloc.c - every allocation the library makes, made to fail in turn:
 * each failure gives PRC_E_NOMEM, leaks nothing, and leaves the objects
 * that already existed usable.  Also checks that the installed allocators
 * are the ones used.
 */
#include "scale_data.h"

#include <stdlib.h>
#include <string.h>

/* A malloc that counts, tracks what is live, and fails on request. */
struct arena {
    long calls;     /* allocations attempted */
    long fail_at;   /* the call number that fails; 0: none */
    long live;      /* allocations not yet freed */
    long frees;
};

static void *arena_malloc(size_t size, void *user)
{
    struct arena *a = user;

    a->calls++;
    if (a->calls == a->fail_at)
        return NULL;
    a->live++;
    return malloc(size);
}

static void arena_free(void *pointer, void *user)
{
    struct arena *a = user;

    a->live--;
    a->frees++;
    free(pointer);
}

static void arm(struct arena *a, long fail_at)
{
    a->calls = 0;
    a->fail_at = fail_at;
}

static void install(struct arena *a)
{
    ASSERT_OK(prc_set_default_allocator(arena_malloc, NULL, arena_free, a));
}

static int teardown(void **unused)
{
    (void)unused;
    return prc_set_default_allocator(NULL, NULL, NULL, NULL);
}

static void allocator_arguments(void **unused)
{
    prc_options *o = NULL;

    (void)unused;
    ASSERT_STATUS(prc_set_default_allocator(arena_malloc, NULL, NULL, NULL),
                  PRC_E_NULL);
    ASSERT_STATUS(prc_set_default_allocator(NULL, NULL, arena_free, NULL),
                  PRC_E_NULL);
    ASSERT_OK(prc_options_create(&o));
    ASSERT_STATUS(prc_options_set_allocator(NULL, arena_malloc, NULL,
                                            arena_free, NULL),
                  PRC_E_NULL);
    ASSERT_STATUS(prc_options_set_allocator(o, NULL, NULL, arena_free, NULL),
                  PRC_E_NULL);
    prc_options_free(o);
}

/* Options, batches and bare accumulators come from the default allocator;
 * each allocation they make fails once. */
static void creation_fails_cleanly(void **unused)
{
    struct arena a = {0, 0, 0, 0};
    long k;
    int per_image;

    (void)unused;
    install(&a);
    for (k = 1;; k++) {
        prc_options *o = (prc_options *)&o;

        arm(&a, k);
        if (prc_options_create(&o) == PRC_OK) {
            prc_options_free(o);
            break;
        }
        assert_ptr_equal(o, (prc_options *)&o);
        assert_int_equal(a.live, 0);
    }
    for (k = 1;; k++) {
        prc_batch *b = NULL;

        arm(&a, k);
        if (prc_batch_create(&b) == PRC_OK) {
            prc_batch_free(b);
            break;
        }
        assert_null(b);
        assert_int_equal(a.live, 0);
    }
    for (per_image = 0; per_image <= 1; per_image++) {
        prc_options *o;
        long failures = 0;

        arm(&a, 0);
        o = scale_options(100, PRC_RULE_GE, per_image);
        for (k = 1;; k++) {
            prc_accumulator *acc = NULL;
            prc_status status;

            arm(&a, k);
            status = prc_accumulator_create(&acc, o);
            if (status == PRC_OK) {
                prc_accumulator_free(acc);
                break;
            }
            ASSERT_STATUS(status, PRC_E_NOMEM);
            assert_null(acc);
            assert_int_equal(a.live, 1); /* only the options */
            failures++;
        }
        /* The object, thresholds, state and split histogram; per-image
         * also a scratch. */
        assert_int_equal(failures, 4 + per_image);
        prc_options_free(o);
    }
    arm(&a, 0);
    assert_int_equal(a.live, 0);
}

/* An accumulator with its own allocator: finalize fails at each of its
 * allocations, and the accumulator then gives the same result as ever. */
static void finalize_fails_cleanly(void **unused)
{
    struct arena own = {0, 0, 0, 0};
    scale_data d;
    prc_options *o;
    prc_accumulator *acc, *reference;
    prc_result *expected = NULL;
    long k, before;

    (void)unused;
    scale_data_make(&d, 3, 10, 12, 41);
    o = scale_options(64, PRC_RULE_GT, 1);
    reference = scale_fed(o, &d, 0, 3);
    ASSERT_OK(prc_options_set_allocator(o, arena_malloc, NULL, arena_free,
                                        &own));
    acc = scale_fed(o, &d, 0, 3);
    ASSERT_OK(prc_accumulator_finalize(reference, &expected));
    before = own.live;
    assert_true(before >= 4);

    for (k = 1;; k++) {
        prc_result *res = NULL;
        prc_status status;

        arm(&own, k);
        status = prc_accumulator_finalize(acc, &res);
        if (status == PRC_OK) {
            check_results_identical(res, expected);
            prc_result_free(res);
            break;
        }
        ASSERT_STATUS(status, PRC_E_NOMEM);
        assert_null(res);
        assert_int_equal(own.live, before);
        /* Still usable: the same state as an accumulator never failed. */
        scale_assert_same(acc, reference);
    }
    /* The object, counts, values and the copy of the state: the fifth
     * try passes. */
    assert_int_equal(k, 5);

    arm(&own, 0);
    prc_accumulator_free(acc);
    assert_int_equal(own.live, 0);
    prc_result_free(expected);
    prc_accumulator_free(reference);
    prc_options_free(o);
    scale_data_free(&d);
}

/* Options made before prc_set_default_allocator do not pin the allocator
 * of the day: an accumulator made after the call uses the new one, unless
 * the options name one of their own. */
static void default_allocator_is_read_at_creation(void **unused)
{
    struct arena a = {0, 0, 0, 0};
    prc_options *early = NULL;
    prc_accumulator *acc = NULL;
    prc_result *res = NULL;

    (void)unused;
    ASSERT_OK(prc_options_create(&early));
    install(&a);
    ASSERT_OK(prc_accumulator_create(&acc, early));
    /* object, thresholds, state, split histogram */
    assert_int_equal(a.live, 4);
    ASSERT_OK(prc_accumulator_finalize(acc, &res));
    assert_int_equal(a.live, 8);
    prc_result_free(res);
    prc_accumulator_free(acc);
    assert_int_equal(a.live, 0);
    ASSERT_OK(prc_set_default_allocator(NULL, NULL, NULL, NULL));
    prc_options_free(early);
}

/* Classes and replicates: finalize and prc_result_class allocate more;
 * each of those allocations fails once, cleanly. */
static void class_results_fail_cleanly(void **unused)
{
    struct arena own = {0, 0, 0, 0};
    float scores[2 * 3 * 16];
    uint8_t labels[2 * 16];
    prc_options *o = scale_options(20, PRC_RULE_GE, 1);
    prc_accumulator *acc = NULL;
    prc_result *res = NULL;
    long k, before, failures = 0;
    size_t i;

    (void)unused;
    for (i = 0; i < sizeof scores / sizeof *scores; i++)
        scores[i] = (float)(i % 7) / 7.0f;
    for (i = 0; i < sizeof labels; i++)
        labels[i] = (uint8_t)(i % 3);
    ASSERT_OK(prc_options_set(o, PRC_OPT_CLASSES, 3));
    ASSERT_OK(prc_options_set(o, PRC_OPT_BOOTSTRAP, 5));
    ASSERT_OK(prc_options_set_allocator(o, arena_malloc, NULL, arena_free,
                                        &own));
    ASSERT_OK(prc_accumulator_create(&acc, o));
    ASSERT_OK(feed_arrays(acc, 2, 4, 4, PRC_DTYPE_FLOAT32, scores,
                          PRC_DTYPE_UINT8, labels));
    before = own.live;

    for (k = 1;; k++) {
        arm(&own, k);
        if (prc_accumulator_finalize(acc, &res) == PRC_OK)
            break;
        assert_null(res);
        assert_int_equal(own.live, before);
        failures++;
    }
    assert_true(failures >= 5); /* result, columns, pooled sum, copy, ... */
    before = own.live;
    for (k = 1;; k++) {
        prc_result *one = NULL;
        prc_status status;

        arm(&own, k);
        status = prc_result_class(res, 2, &one);
        if (status == PRC_OK) {
            prc_result_free(one);
            break;
        }
        ASSERT_STATUS(status, PRC_E_NOMEM);
        assert_null(one);
        assert_int_equal(own.live, before);
    }
    arm(&own, 0);
    prc_result_free(res);
    prc_accumulator_free(acc);
    assert_int_equal(own.live, 0);
    prc_options_free(o);
}

static void deserialize_fails_cleanly(void **unused)
{
    struct arena a = {0, 0, 0, 0};
    scale_data d;
    prc_options *o;
    prc_accumulator *acc;
    unsigned char *bytes;
    size_t size;
    long k;

    (void)unused;
    scale_data_make(&d, 2, 9, 9, 42);
    o = scale_options(30, PRC_RULE_GE, 1);
    acc = scale_fed(o, &d, 0, 2);
    bytes = scale_serialize(acc, &size);
    install(&a);

    for (k = 1;; k++) {
        prc_accumulator *back = NULL;
        prc_status status;

        arm(&a, k);
        status = prc_accumulator_deserialize(&back, bytes, size);
        if (status == PRC_OK) {
            arm(&a, 0);
            scale_assert_same(back, acc);
            prc_accumulator_free(back);
            break;
        }
        ASSERT_STATUS(status, PRC_E_NOMEM);
        assert_null(back);
        assert_int_equal(a.live, 0);
    }
    assert_true(k > 1);
    assert_int_equal(a.live, 0);

    ASSERT_OK(prc_set_default_allocator(NULL, NULL, NULL, NULL));
    free(bytes);
    prc_accumulator_free(acc);
    prc_options_free(o);
    scale_data_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(allocator_arguments, teardown),
        cmocka_unit_test_teardown(creation_fails_cleanly, teardown),
        cmocka_unit_test_teardown(finalize_fails_cleanly, teardown),
        cmocka_unit_test_teardown(deserialize_fails_cleanly, teardown),
        cmocka_unit_test_teardown(class_results_fail_cleanly, teardown),
        cmocka_unit_test_teardown(default_allocator_is_read_at_creation,
                                  teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
