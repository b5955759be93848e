/*
 * fuzz_deserialize.c - libFuzzer target: any byte string given to
 * prc_accumulator_deserialize is refused with a status or yields an
 * accumulator that serializes back to the same bytes, finalizes, and merges
 * with itself.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "prcurve.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
    if (!ok)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    prc_accumulator *acc = NULL, *twice = NULL;
    prc_result *result = NULL;
    unsigned char *again;
    size_t again_size = 0, rows;
    double value;
    int metric;

    if (prc_accumulator_deserialize(&acc, data, size) != PRC_OK)
        return 0;

    /* A state that was accepted serializes back, in the current format
     * version (5) to the same bytes, and in any case to bytes that read
     * back to the same state. */
    check(prc_accumulator_serialize(acc, NULL, 0, &again_size) == PRC_OK);
    again = malloc(again_size);
    check(again != NULL);
    check(prc_accumulator_serialize(acc, again, again_size, &again_size)
          == PRC_OK);
    check(data[8] != 5 || (again_size == size
                           && memcmp(again, data, size) == 0));
    check(prc_accumulator_deserialize(&twice, again, again_size) == PRC_OK);
    prc_accumulator_free(twice);
    twice = NULL;
    free(again);

    check(prc_accumulator_finalize(acc, &result) == PRC_OK);
    rows = prc_result_rows(result);
    for (metric = PRC_AVERAGE_PRECISION;
         metric <= PRC_MEAN_IMAGE_AVERAGE_PRECISION; metric++)
        prc_result_metric(result, (prc_metric)metric, &value);
    check(rows > 0
          && prc_result_column(result, PRC_COL_RECALL, rows - 1, 1, &value)
                 == PRC_OK);
    prc_result_free(result);

    check(prc_accumulator_deserialize(&twice, data, size) == PRC_OK);
    {
        prc_status status = prc_accumulator_merge(twice, acc);

        check(status == PRC_OK || status == PRC_E_COUNT_LIMIT);
    }
    prc_accumulator_free(twice);
    prc_accumulator_free(acc);
    return 0;
}
