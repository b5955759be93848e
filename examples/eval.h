/*
 * eval.h - the parts of prcurve-eval: arguments, input, output.
 */
#ifndef PRC_EXAMPLES_EVAL_H
#define PRC_EXAMPLES_EVAL_H

#include <prcurve.h>
#include <stddef.h>

/* Exit statuses. */
#define EVAL_OK 0
#define EVAL_DATA_ERROR 1
#define EVAL_USAGE_ERROR 2

struct eval_config {
    const char **scores; /* paths, pointing into argv */
    size_t n_scores;
    const char **labels;
    size_t n_labels;
    prc_options *options; /* bins, rule, ignore label, ... as given */
    int per_image;
    int json;
    const char *csv; /* NULL for no CSV file */
    int help;
    int version;
};

/* The name error messages start with; "prcurve-eval" unless changed. */
extern const char *eval_program;

/* Prints "<eval_program>: <message>" and a newline on stderr. */
void eval_error(const char *format, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* Parses the command line into *config (which eval_config_free releases).
 * Returns EVAL_OK, or EVAL_USAGE_ERROR / EVAL_DATA_ERROR after printing the
 * one line that says why. */
int eval_parse_args(int argc, char **argv, struct eval_config *config);

void eval_config_free(struct eval_config *config);

/* Prints the --help text on stdout. */
void eval_print_help(void);

/* Checks that the score and label files exist, are readable and pair up,
 * then feeds them to acc one pair at a time.  Returns EVAL_OK, or an exit
 * status after printing the one line that says why. */
int eval_feed_files(const struct eval_config *config, prc_accumulator *acc);

/* Writes config->csv, if asked for.  Returns EVAL_OK, or EVAL_DATA_ERROR
 * after printing why. */
int eval_write_csv(const struct eval_config *config, const prc_result *res);

/* Prints the summary (or with --json the JSON object) on stdout.  Returns
 * EVAL_OK, or EVAL_DATA_ERROR after printing why. */
int eval_print_report(const struct eval_config *config,
                      const prc_result *res);

#endif /* PRC_EXAMPLES_EVAL_H */
