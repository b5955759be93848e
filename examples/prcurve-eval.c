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
    prc_result *res = NULL;
    int rc;

    rc = eval_create_accumulator(config, &acc);
    if (rc != EVAL_OK)
        return rc;

    rc = eval_feed_files(config, acc);
    if (rc == EVAL_OK && prc_accumulator_finalize(acc, &res) != PRC_OK) {
        eval_error("out of memory");
        rc = EVAL_DATA_ERROR;
    }

    if (rc == EVAL_OK)
        rc = eval_check_result(config, res);
    if (rc == EVAL_OK)
        rc = eval_write_csv(config, res);
    if (rc == EVAL_OK)
        rc = eval_write_plot(config, res);
    if (rc == EVAL_OK)
        rc = eval_print_report(config, res);

    prc_result_free(res);
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
