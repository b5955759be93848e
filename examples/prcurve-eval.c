/*
 * prcurve-eval - precision-recall curve of a segmentation model's score
 * maps against ground-truth label maps, from .npy and PNG files.
 *
 *     prcurve-eval --scores scores.npy --labels labels/slice_*.png
 *
 * See --help for every option.  Exit status: 0 on success, 1 when the data
 * cannot be read or counted, 2 when the command line is wrong; on failure
 * exactly one line on stderr says why, and nothing goes to stdout.
 */
#include "eval.h"

#include <stdio.h>

static int evaluate(const struct eval_config *config)
{
    prc_accumulator *acc = NULL;
    int rc;

    rc = eval_create_accumulator(config, &acc);
    if (rc != EVAL_OK)
        return rc;

    rc = eval_feed_files(config, acc);
    if (rc == EVAL_OK)
        rc = eval_report(config, acc);
    prc_accumulator_free(acc);
    return rc;
}

int main(int argc, char **argv)
{
    struct eval_config config;
    int rc = eval_parse_args(argc, argv, &config);

    if (rc == EVAL_OK && config.help)
        eval_print_help();
    else if (rc == EVAL_OK && config.version)
        printf("prcurve-eval (libprcurve %s)\n", prc_version_string());
    else if (rc == EVAL_OK)
        rc = evaluate(&config);

    eval_config_free(&config);
    return rc;
}
