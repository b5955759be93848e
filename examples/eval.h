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

/* What happened while reading the files, for the report. */
struct eval_stats {
    size_t skipped_files;   /* unreadable or bad files (--keep-going) */
    size_t unmatched_files; /* names with no partner (--keep-going) */
};

struct eval_config {
    const char **scores; /* paths, pointing into argv or into `listed` */
    size_t n_scores;
    const char **labels;
    size_t n_labels;
    const char **weights; /* --weights paths, one per labels file */
    size_t n_weights;
    int weights_given; /* --weights was given */
    prc_options *options; /* bins, rule, ignore label, ... as given */
    int per_image;
    int classes;      /* --classes C, or 0 without a class axis */
    int layout;       /* PRC_LAYOUT_NCHW or _NHWC, for the class axis */
    int multilabel;   /* labels are C binary masks laid out like scores */
    int layout_given; /* --layout was given (it needs --classes) */
    int json;
    const char *csv; /* NULL for no CSV file */
    const char *csv_classes; /* NULL for no per-class CSV file */
    const char *plot; /* NULL for no SVG plot */
    int plot_roc;     /* add the ROC panel to the plot */
    int keep_going;   /* warn about and skip bad or unmatched files */
    int bins_given;   /* --bins was given */
    int range_given;  /* --range LO HI was given */
    double range_lo, range_hi;
    const char *range_text[2]; /* LO and HI as given */
    const char *thresholds; /* --thresholds FILE, or NULL */
    int bootstrap_given;    /* --bootstrap K was given */
    int seed_given, level_given;
    double level;     /* --level L of the intervals, 0.95 by default */
    int quiet;        /* no progress bar, no warnings */
    int help;
    int version;
    char **listed;    /* paths listed from --scores DIR --labels DIR */
    size_t n_listed;
    struct eval_stats *stats; /* filled while reading, printed after */
};

/* The name error messages start with; "prcurve-eval" unless changed. */
extern const char *eval_program;

/* Prints "<eval_program>: <message>" and a newline on stderr, as one
 * line: control characters in the message are shown as \xNN. */
void eval_error(const char *format, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* Prints "<eval_program>: warning: <message>" and a newline on stderr. */
void eval_warning(const char *format, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* Turns the printing of eval_error and eval_warning on (1) or off (0);
 * both are on at start, and --quiet turns warnings off.  mpi_eval turns
 * them off on every rank but rank 0 while it handles what every rank
 * shares (the command line, the directory listings), so that a problem
 * there is told once. */
void eval_show_messages(int errors, int warnings);

/* Shows "done of total" files as a bar on stderr when stderr is a terminal
 * and --quiet was not given; done == total ends the bar.  Messages printed
 * through eval_error and eval_warning clear the bar first. */
void eval_progress(const struct eval_config *config, size_t done,
                   size_t total);

/* Parses the command line into *config (which eval_config_free releases).
 * Returns EVAL_OK, or EVAL_USAGE_ERROR / EVAL_DATA_ERROR after printing the
 * one line that says why. */
int eval_parse_args(int argc, char **argv, struct eval_config *config);

void eval_config_free(struct eval_config *config);

/* With --scores DIR --labels DIR, lists both directories and pairs their
 * .npy and .png files by name without the extension, replacing the two
 * directories in config by the paired paths.  Names without a partner are
 * an error, or with --keep-going a warning.  Returns EVAL_OK (also when no
 * directory was given) or an exit status after printing why. */
int eval_expand_dirs(struct eval_config *config);

/* A whole-string decimal number as strtod reads it, nothing else around
 * it.  Returns 0, -1 if the text is not a number, or -2 for one that is
 * not finite (infinity, NaN, or beyond double). */
int eval_parse_double(const char *text, double *out);

/* Reads the thresholds of --thresholds FILE: text (numbers separated by
 * white space, '#' starting a comment) or a 1-D float64 .npy array; at
 * least 2, finite and strictly increasing.  Stores a new array (free with
 * free()) in *values and its length in *count.  Returns EVAL_OK, or
 * EVAL_USAGE_ERROR after printing the one line that says why (the line
 * or element at fault). */
int eval_read_thresholds(const char *path, double **values, size_t *count);

/* Creates the accumulator of config's options.  Returns EVAL_OK, or an
 * exit status after printing why (options that do not go together, such
 * as a --range too narrow for its bins, are a usage error). */
int eval_create_accumulator(const struct eval_config *config,
                            prc_accumulator **acc);

/* Prints the --help text on stdout. */
void eval_print_help(void);

/* Checks that the score and label files exist, are readable and pair up,
 * then feeds them to acc one pair at a time.  Returns EVAL_OK, or an exit
 * status after printing the one line that says why. */
int eval_feed_files(const struct eval_config *config, prc_accumulator *acc);

/* Rows [first, first + count) of a column, as prc_result_column, except
 * that the per-image columns of a result without any image (every pixel
 * ignored) read as NaN, undefined, instead of failing. */
prc_status eval_result_column(const prc_result *res, prc_column column,
                              size_t first, size_t count, double *out);

/* Reads every column the outputs need, before any output is written, so
 * that a failure leaves stdout and the output files untouched.  Returns
 * EVAL_OK, or EVAL_DATA_ERROR after printing why. */
int eval_check_result(const struct eval_config *config,
                      const prc_result *res);

/* Writes config->csv and config->csv_classes, if asked for.  Returns EVAL_OK, or EVAL_DATA_ERROR
 * after printing why. */
int eval_write_csv(const struct eval_config *config, const prc_result *res);

/* Writes config->plot, if asked for: the precision-recall curve as SVG,
 * with the ROC curve below it under --plot-roc.  Returns EVAL_OK, or
 * EVAL_DATA_ERROR after printing why. */
int eval_write_plot(const struct eval_config *config, const prc_result *res);

/* Whether a result counts weights (PRC_OPT_WEIGHTED). */
int eval_weighted(const prc_result *res);

/* Room for the text of one count, see eval_count_text. */
#define EVAL_COUNT_SIZE 32

/* A count read from the result (a column of prc_result_counts, a tally of
 * pixels, a calibration group's pixels) as text in buf, EVAL_COUNT_SIZE
 * bytes: the integer itself, or with weights the weighted sum it stands
 * for, count / PRC_WEIGHT_ONE, as "%.17g" (which reads back as the same
 * double).  Returns buf. */
const char *eval_count_text(const prc_result *res, uint64_t count,
                            char *buf);

/* Prints the summary (or with --json the JSON object) on stdout.  Returns
 * EVAL_OK, or EVAL_DATA_ERROR after printing why. */
int eval_print_report(const struct eval_config *config,
                      const prc_result *res);

/* Everything after counting: finalizes acc, then checks the result and
 * writes the CSV, the plot and the report that config asks for.  Returns
 * EVAL_OK, or an exit status after printing the one line that says why. */
int eval_report(const struct eval_config *config,
                const prc_accumulator *acc);

#endif /* PRC_EXAMPLES_EVAL_H */
