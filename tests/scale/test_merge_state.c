/*
 * test_merge_state.c - accumulators fed parts of a data set, then merged
 * or reduced through their raw state, equal one accumulator fed all of it,
 * bit for bit; a rejected merge or state changes nothing.
 */
#include "scale_data.h"

#include <stdlib.h>
#include <string.h>

#define IMAGES 7

static const size_t bin_counts[] = {7, 1000};

static void merge_equals_single_pass(void **unused)
{
    scale_data d;
    size_t b, split;
    int rule, per_image;

    (void)unused;
    scale_data_make(&d, IMAGES, 33, 41, 11);
    for (b = 0; b < sizeof bin_counts / sizeof *bin_counts; b++)
        for (rule = PRC_RULE_GE; rule <= PRC_RULE_GT; rule++)
            for (per_image = 0; per_image <= 1; per_image++) {
                prc_options *o = scale_options(bin_counts[b], rule,
                                               per_image);
                prc_accumulator *whole = scale_fed(o, &d, 0, IMAGES);

                for (split = 0; split <= IMAGES; split++) {
                    prc_accumulator *a = scale_fed(o, &d, 0, split);
                    prc_accumulator *c = scale_fed(o, &d, split, IMAGES);

                    ASSERT_OK(prc_accumulator_merge(a, c));
                    scale_assert_same(a, whole);
                    prc_accumulator_free(a);
                    prc_accumulator_free(c);
                }
                prc_accumulator_free(whole);
                prc_options_free(o);
            }
    scale_data_free(&d);
}

/* (a + b) + c and a + (b + c) and c + b + a all equal the single pass. */
static void merge_order_does_not_matter(void **unused)
{
    scale_data d;
    prc_options *o;
    prc_accumulator *whole, *p[3], *q[3], *r[3];
    size_t cut[4] = {0, 2, 5, IMAGES};
    int i;

    (void)unused;
    scale_data_make(&d, IMAGES, 20, 30, 12);
    o = scale_options(100, PRC_RULE_GE, 1);
    whole = scale_fed(o, &d, 0, IMAGES);
    for (i = 0; i < 3; i++) {
        p[i] = scale_fed(o, &d, cut[i], cut[i + 1]);
        q[i] = scale_fed(o, &d, cut[i], cut[i + 1]);
        r[i] = scale_fed(o, &d, cut[i], cut[i + 1]);
    }

    ASSERT_OK(prc_accumulator_merge(p[0], p[1]));
    ASSERT_OK(prc_accumulator_merge(p[0], p[2]));
    ASSERT_OK(prc_accumulator_merge(q[1], q[2]));
    ASSERT_OK(prc_accumulator_merge(q[0], q[1]));
    ASSERT_OK(prc_accumulator_merge(r[2], r[1]));
    ASSERT_OK(prc_accumulator_merge(r[2], r[0]));
    scale_assert_same(p[0], whole);
    scale_assert_same(q[0], whole);
    scale_assert_same(r[2], whole);

    for (i = 0; i < 3; i++) {
        prc_accumulator_free(p[i]);
        prc_accumulator_free(q[i]);
        prc_accumulator_free(r[i]);
    }
    prc_accumulator_free(whole);
    prc_options_free(o);
    scale_data_free(&d);
}

/* The merged result is also right in absolute terms: equal to the
 * brute-force reference of the whole data set. */
static void merge_matches_reference(void **unused)
{
    scale_data d;
    ref_options ro;
    ref_curve ref;
    prc_options *o;
    prc_accumulator *a, *b;
    prc_result *res = NULL;

    (void)unused;
    scale_data_make(&d, IMAGES, 16, 16, 13);
    ref_options_default(&ro);
    ro.bins = 50;
    ro.per_image = 1;
    ref_init(&ref, &ro);
    ASSERT_OK(ref_feed(&ref, IMAGES, 16 * 16, PRC_DTYPE_FLOAT32, d.scores,
                       PRC_DTYPE_UINT8, d.labels));
    ref_finish(&ref);

    o = scale_options(50, PRC_RULE_GE, 1);
    a = scale_fed(o, &d, 0, 4);
    b = scale_fed(o, &d, 4, IMAGES);
    ASSERT_OK(prc_accumulator_merge(a, b));
    ASSERT_OK(prc_accumulator_finalize(a, &res));
    check_result_against_ref(res, &ref, 1e-12);

    prc_result_free(res);
    prc_accumulator_free(a);
    prc_accumulator_free(b);
    prc_options_free(o);
    ref_free(&ref);
    scale_data_free(&d);
}

static void merge_mismatch_changes_nothing(void **unused)
{
    static const struct {
        prc_option option;
        int64_t value;
    } differences[] = {
        {PRC_OPT_BINS, 11},
        {PRC_OPT_RULE, PRC_RULE_GT},
        {PRC_OPT_ZERO_DIVISION, PRC_ZERO_DIVISION_NAN},
        {PRC_OPT_IGNORE_LABEL, 254},
        {PRC_OPT_NAN_POLICY, PRC_POLICY_SKIP},
        {PRC_OPT_RANGE_POLICY, PRC_POLICY_CLAMP},
        {PRC_OPT_PER_IMAGE, 0},
    };
    scale_data d;
    prc_options *o;
    prc_accumulator *dst;
    unsigned char *before, *after;
    size_t size_before, size_after, i;

    (void)unused;
    scale_data_make(&d, 3, 10, 10, 14);
    o = scale_options(10, PRC_RULE_GE, 1);
    dst = scale_fed(o, &d, 0, 3);
    before = scale_serialize(dst, &size_before);

    for (i = 0; i < sizeof differences / sizeof *differences; i++) {
        prc_options *other = scale_options(10, PRC_RULE_GE, 1);
        prc_accumulator *src;

        ASSERT_OK(prc_options_set(other, differences[i].option,
                                  differences[i].value));
        /* Empty: the data holds label 255, which one variant rejects. */
        src = scale_fed(other, &d, 0, 0);
        ASSERT_STATUS(prc_accumulator_merge(dst, src), PRC_E_MISMATCH);
        after = scale_serialize(dst, &size_after);
        assert_int_equal(size_after, size_before);
        assert_memory_equal(after, before, size_before);
        free(after);
        prc_accumulator_free(src);
        prc_options_free(other);
    }

    ASSERT_STATUS(prc_accumulator_merge(NULL, dst), PRC_E_NULL);
    ASSERT_STATUS(prc_accumulator_merge(dst, NULL), PRC_E_NULL);
    free(before);
    prc_accumulator_free(dst);
    prc_options_free(o);
    scale_data_free(&d);
}

/* What an MPI_Allreduce(MPI_SUM) of the states does: element-wise sums,
 * added into a fresh accumulator. */
static void reduced_state_equals_single_pass(void **unused)
{
    scale_data d;
    size_t cut[4] = {0, 3, 4, IMAGES}, length = 0, n, i;
    int per_image, part;

    (void)unused;
    scale_data_make(&d, IMAGES, 25, 19, 15);
    for (per_image = 0; per_image <= 1; per_image++) {
        prc_options *o = scale_options(64, PRC_RULE_GT, per_image);
        prc_accumulator *whole = scale_fed(o, &d, 0, IMAGES);
        prc_accumulator *reduced = NULL;
        uint64_t *sum = NULL;

        for (part = 0; part < 3; part++) {
            prc_accumulator *acc = scale_fed(o, &d, cut[part],
                                             cut[part + 1]);
            const uint64_t *state;

            ASSERT_OK(prc_accumulator_state(acc, &state, &n));
            if (sum == NULL) {
                length = n;
                sum = calloc(length, sizeof *sum);
                assert_non_null(sum);
            }
            assert_int_equal(n, length);
            for (i = 0; i < n; i++)
                sum[i] += state[i];
            prc_accumulator_free(acc);
        }
        ASSERT_OK(prc_accumulator_create(&reduced, o));
        ASSERT_OK(prc_accumulator_add_state(reduced, sum, length));
        scale_assert_same(reduced, whole);

        ASSERT_STATUS(prc_accumulator_add_state(reduced, sum, length - 1),
                      PRC_E_MISMATCH);
        ASSERT_STATUS(prc_accumulator_add_state(reduced, NULL, length),
                      PRC_E_NULL);
        scale_assert_same(reduced, whole);
        free(sum);
        prc_accumulator_free(reduced);
        prc_accumulator_free(whole);
        prc_options_free(o);
    }
    scale_data_free(&d);
}

/*
 * A state altered in one element either still describes some valid data
 * (the element was one the checks cannot tie to others) or is rejected
 * with PRC_E_STATE; a rejected one leaves the accumulator as it was.
 * Adding 1 to any histogram cell breaks the pixel total, so most
 * alterations must be rejected.
 */
static void altered_state_is_rejected_cleanly(void **unused)
{
    scale_data d;
    prc_options *o;
    prc_accumulator *src, *dst;
    const uint64_t *state;
    uint64_t *copy;
    unsigned char *before, *after;
    size_t length, size, size_after, i, rejected = 0;

    (void)unused;
    scale_data_make(&d, 4, 12, 12, 16);
    o = scale_options(20, PRC_RULE_GE, 1);
    src = scale_fed(o, &d, 0, 4);
    dst = scale_fed(o, &d, 0, 2);
    ASSERT_OK(prc_accumulator_state(src, &state, &length));
    copy = malloc(length * sizeof *copy);
    assert_non_null(copy);
    before = scale_serialize(dst, &size);

    for (i = 0; i < length; i++) {
        prc_status status;

        memcpy(copy, state, length * sizeof *copy);
        copy[i] += 1;
        status = prc_accumulator_add_state(dst, copy, length);
        if (status == PRC_OK) {
            prc_accumulator_free(dst);
            dst = scale_fed(o, &d, 0, 2);
            continue;
        }
        ASSERT_STATUS(status, PRC_E_STATE);
        rejected++;
        after = scale_serialize(dst, &size_after);
        assert_memory_equal(after, before, size);
        free(after);
    }
    /* 2 * (20 + 2) + 2 histogram cells at least. */
    assert_true(rejected >= 46);

    free(before);
    free(copy);
    prc_accumulator_free(src);
    prc_accumulator_free(dst);
    prc_options_free(o);
    scale_data_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(merge_equals_single_pass),
        cmocka_unit_test(merge_order_does_not_matter),
        cmocka_unit_test(merge_matches_reference),
        cmocka_unit_test(merge_mismatch_changes_nothing),
        cmocka_unit_test(reduced_state_equals_single_pass),
        cmocka_unit_test(altered_state_is_rejected_cleanly),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
