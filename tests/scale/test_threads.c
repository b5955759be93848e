/*
 * test_threads.c - the thread-safety promise: threads feeding their own
 * accumulators while all of them finalize one shared, unchanging
 * accumulator, then a merge equal to a single pass.  Run under
 * ThreadSanitizer by the test driver.
 */
#include "scale_data.h"

#include <pthread.h>

#define THREADS 4
#define IMAGES 12

struct work {
    const prc_options *options;
    const scale_data *data;
    const prc_accumulator *shared;
    size_t first, last;
    prc_accumulator *acc;
    int failed;
};

static void *feed_share(void *arg)
{
    struct work *w = arg;
    size_t plane = w->data->height * w->data->width, i;

    if (prc_accumulator_create(&w->acc, w->options) != PRC_OK) {
        w->failed = 1;
        return NULL;
    }
    for (i = w->first; i < w->last; i++) {
        prc_result *res = NULL;

        /* One image per batch, and a finalize of the shared accumulator
         * between batches: reads of one object may overlap. */
        if (feed_arrays(w->acc, 1, w->data->height, w->data->width,
                        PRC_DTYPE_FLOAT32, w->data->scores + i * plane,
                        PRC_DTYPE_UINT8, w->data->labels + i * plane)
                != PRC_OK
            || prc_accumulator_finalize(w->shared, &res) != PRC_OK)
            w->failed = 1;
        prc_result_free(res);
    }
    return NULL;
}

static void threads_then_merge(void **unused)
{
    scale_data d;
    prc_options *o;
    prc_accumulator *whole, *merged = NULL;
    pthread_t thread[THREADS];
    struct work work[THREADS];
    int i;

    (void)unused;
    scale_data_make(&d, IMAGES, 40, 40, 31);
    o = scale_options(500, PRC_RULE_GE, 1);
    whole = scale_fed(o, &d, 0, IMAGES);

    for (i = 0; i < THREADS; i++) {
        work[i].options = o;
        work[i].data = &d;
        work[i].shared = whole;
        work[i].first = (size_t)i * IMAGES / THREADS;
        work[i].last = (size_t)(i + 1) * IMAGES / THREADS;
        work[i].acc = NULL;
        work[i].failed = 0;
        assert_int_equal(pthread_create(&thread[i], NULL, feed_share,
                                        &work[i]),
                         0);
    }
    for (i = 0; i < THREADS; i++)
        assert_int_equal(pthread_join(thread[i], NULL), 0);

    ASSERT_OK(prc_accumulator_create(&merged, o));
    for (i = 0; i < THREADS; i++) {
        assert_false(work[i].failed);
        ASSERT_OK(prc_accumulator_merge(merged, work[i].acc));
        prc_accumulator_free(work[i].acc);
    }
    scale_assert_same(merged, whole);

    prc_accumulator_free(merged);
    prc_accumulator_free(whole);
    prc_options_free(o);
    scale_data_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(threads_then_merge),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
