/*
 * options.c - the options object: one table gives every option's bounds and
 * default, so setting, reading and the bounds query cannot disagree.
 */
#include <string.h>

#include "internal.h"

struct option_spec {
    int64_t min;
    int64_t max;
    int64_t default_value;
};

/* Indexed by option number; a zero-width row (min > max) is no option. */
static const struct option_spec option_specs[PRC__OPTION_MAX + 1] = {
    [0] = {1, 0, 0},
    [PRC_OPT_BINS] = {1, 16777216, 1000},
    [PRC_OPT_RULE] = {PRC_RULE_GE, PRC_RULE_GT, PRC_RULE_GE},
    [PRC_OPT_ZERO_DIVISION] = {PRC_ZERO_DIVISION_ZERO, PRC_ZERO_DIVISION_NAN,
                               PRC_ZERO_DIVISION_ZERO},
    [PRC_OPT_IGNORE_LABEL] = {2, 255, 255},
    [PRC_OPT_NAN_POLICY] = {PRC_POLICY_REJECT, PRC_POLICY_SKIP,
                            PRC_POLICY_REJECT},
    [PRC_OPT_RANGE_POLICY] = {PRC_POLICY_REJECT, PRC_POLICY_CLAMP,
                              PRC_POLICY_REJECT},
    [PRC_OPT_PER_IMAGE] = {0, 1, 0},
    [PRC_OPT_KERNEL] = {PRC_KERNEL_AUTO, PRC_KERNEL_AVX512, PRC_KERNEL_AUTO},
    [PRC_OPT_THREADS] = {1, 256, 1},
    [PRC_OPT_CLASSES] = {1, 254, 1},
    [PRC_OPT_MULTILABEL] = {0, 1, 0},
    [PRC_OPT_BOOTSTRAP] = {0, 1000, 0},
    [PRC_OPT_SEED] = {0, INT64_MAX, 0},
    [PRC_OPT_WEIGHTED] = {0, 1, 0},
};

int prc__option_valid(prc_option option)
{
    return option >= 1 && option <= PRC__OPTION_MAX
           && option_specs[option].min <= option_specs[option].max;
}

static int value_allowed(prc_option option, int64_t value)
{
    const struct option_spec *spec = &option_specs[option];

    if (option == PRC_OPT_IGNORE_LABEL && value == PRC_NO_IGNORE_LABEL)
        return 1;
    return value >= spec->min && value <= spec->max;
}

prc_status prc_options_create(prc_options **out)
{
    prc__allocator a = prc__default_allocator();
    prc_options *options;
    int i;

    if (out == NULL)
        return PRC_E_NULL;
    options = prc__alloc(&a, 1, sizeof *options, 1);
    if (options == NULL)
        return PRC_E_NOMEM;

    for (i = 1; i <= PRC__OPTION_MAX; i++)
        options->value[i] = option_specs[i].default_value;
    options->own = a;
    options->range_lo = 0.0;
    options->range_hi = 1.0;
    *out = options;
    return PRC_OK;
}

void prc_options_free(prc_options *options)
{
    if (options == NULL)
        return;
    prc__free(&options->own, options->thresholds);
    prc__free(&options->own, options);
}

prc_status prc_options_set(prc_options *options, prc_option option,
                           int64_t value)
{
    if (options == NULL)
        return PRC_E_NULL;
    if (!prc__option_valid(option))
        return PRC_E_OPTION;
    if (!value_allowed(option, value))
        return PRC_E_OPTION_VALUE;
    /* The bin count follows a list of thresholds while there is one. */
    if (option == PRC_OPT_BINS && options->thresholds != NULL
        && value != options->value[PRC_OPT_BINS])
        return PRC_E_OPTION_VALUE;

    options->value[option] = value;
    return PRC_OK;
}

prc_status prc_options_get(const prc_options *options, prc_option option,
                           int64_t *value)
{
    if (options == NULL || value == NULL)
        return PRC_E_NULL;
    if (!prc__option_valid(option))
        return PRC_E_OPTION;

    *value = options->value[option];
    return PRC_OK;
}

prc_status prc_option_bounds(prc_option option, int64_t *min, int64_t *max,
                             int64_t *default_value)
{
    if (!prc__option_valid(option))
        return PRC_E_OPTION;

    if (min != NULL)
        *min = option_specs[option].min;
    if (max != NULL)
        *max = option_specs[option].max;
    if (default_value != NULL)
        *default_value = option_specs[option].default_value;
    return PRC_OK;
}

prc_status prc_options_set_range(prc_options *options, double lo, double hi)
{
    if (options == NULL)
        return PRC_E_NULL;
    /* Finite, ordered, and with room between them. */
    if (!(lo < hi) || lo - lo != 0.0 || hi - hi != 0.0
        || !(hi - lo < 1e308))
        return PRC_E_OPTION_VALUE;

    options->range_lo = lo;
    options->range_hi = hi;
    options->has_range = 1;
    return PRC_OK;
}

prc_status prc_options_set_thresholds(prc_options *options,
                                      const double *thresholds, size_t count)
{
    double *copy;
    size_t i;

    if (options == NULL || (thresholds == NULL && count != 0))
        return PRC_E_NULL;
    if (count == 0) {
        prc__free(&options->own, options->thresholds);
        options->thresholds = NULL;
        options->threshold_count = 0;
        options->value[PRC_OPT_BINS] = option_specs[PRC_OPT_BINS].default_value;
        return PRC_OK;
    }
    if (count < 2 || count - 1 > (size_t)option_specs[PRC_OPT_BINS].max)
        return PRC_E_OPTION_VALUE;
    for (i = 0; i < count; i++)
        if (thresholds[i] - thresholds[i] != 0.0
            || (i > 0 && !(thresholds[i - 1] < thresholds[i])))
            return PRC_E_OPTION_VALUE;

    copy = prc__alloc(&options->own, count, sizeof *copy, 0);
    if (copy == NULL)
        return PRC_E_NOMEM;
    memcpy(copy, thresholds, count * sizeof *copy);
    prc__free(&options->own, options->thresholds);
    options->thresholds = copy;
    options->threshold_count = count;
    options->value[PRC_OPT_BINS] = (int64_t)(count - 1);
    return PRC_OK;
}
