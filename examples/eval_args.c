/*
 * eval_args.c - the command line of prcurve-eval.
 */
#define _POSIX_C_SOURCE 200809L

#include "eval.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum kind { LIST, FLAG, VALUE, PAIR };

struct option_spec {
    const char *name;
    enum kind kind;
    int (*apply)(struct eval_config *config, const char *value);
};

const char *eval_program = "prcurve-eval";

/* 1 while a progress bar occupies the terminal's last line. */
static int progress_shown;

/* What eval_error and eval_warning print (see eval_show_messages). */
static int show_errors = 1, show_warnings = 1;

static void clear_progress(void)
{
    if (progress_shown)
        fputs("\r\033[K", stderr);
    progress_shown = 0;
}

void eval_show_messages(int errors, int warnings)
{
    show_errors = errors;
    show_warnings = warnings;
}

/* Prints "<program>: <kind><message>" as one line: a control character
 * in the message (a newline in a file name, say) is shown as \xNN. */
/* Appends text to line[*at..), control bytes escaped as \xNN; line has
 * room for four bytes per byte of text. */
static void append_escaped(char *line, size_t *at, const char *text)
{
    const unsigned char *p;

    for (p = (const unsigned char *)text; *p != '\0'; p++) {
        if (*p < ' ' || *p == 0x7f)
            *at += (size_t)sprintf(line + *at, "\\x%02x", (unsigned)*p);
        else
            line[(*at)++] = (char)*p;
    }
}

/* Writes "<program>: <kind><message>\n" in one write, so that lines from
 * several processes sharing stderr (MPI ranks) never interleave. */
static void print_line(const char *kind, const char *format, va_list args)
{
    char buffer[1024], *text = buffer, *line;
    size_t at = 0;
    va_list again;
    int n;

    va_copy(again, args);
    n = vsnprintf(buffer, sizeof buffer, format, args);
    if (n >= (int)sizeof buffer && (text = malloc((size_t)n + 1)) != NULL)
        vsnprintf(text, (size_t)n + 1, format, again);
    else if (text == NULL || n < 0)
        text = buffer; /* truncated, or nothing */
    va_end(again);
    if (n < 0)
        buffer[0] = '\0';

    clear_progress();
    line = malloc(4 * (strlen(eval_program) + strlen(kind) + strlen(text))
                  + 8);
    if (line != NULL) {
        append_escaped(line, &at, eval_program);
        append_escaped(line, &at, ": ");
        append_escaped(line, &at, kind);
        append_escaped(line, &at, text);
        line[at++] = '\n';
        fwrite(line, 1, at, stderr);
        fflush(stderr);
        free(line);
    }
    if (text != buffer)
        free(text);
}

void eval_error(const char *format, ...)
{
    va_list args;

    if (!show_errors)
        return;
    va_start(args, format);
    print_line("", format, args);
    va_end(args);
}

void eval_warning(const char *format, ...)
{
    va_list args;

    if (!show_warnings)
        return;
    va_start(args, format);
    print_line("warning: ", format, args);
    va_end(args);
}

void eval_progress(const struct eval_config *config, size_t done,
                   size_t total)
{
    static size_t last = SIZE_MAX;
    size_t permille, filled, i;
    char bar[41];

    if (config->quiet || total == 0 || !isatty(fileno(stderr)))
        return;
    permille = done >= total ? 1000 : (size_t)(1000.0 * done / total);
    if (done >= total) {
        clear_progress();
        last = SIZE_MAX;
        return;
    }
    if (permille == last && progress_shown)
        return;

    last = permille;
    filled = permille * 40 / 1000;
    for (i = 0; i < 40; i++)
        bar[i] = i < filled ? '#' : '.';
    bar[40] = '\0';
    fprintf(stderr, "\r%s: [%s] %zu/%zu files", eval_program, bar, done,
            total);
    fflush(stderr);
    progress_shown = 1;
}

void eval_print_help(void)
{
    fputs(
"Usage: prcurve-eval --scores PATH... --labels PATH... [OPTION]...\n"
"       prcurve-eval --scores DIR --labels DIR [OPTION]...\n"
"Precision-recall curve of a segmentation model's probability maps against\n"
"ground-truth masks, counted in one pass over the pixels.\n"
"\n"
"Input:\n"
"  --scores PATH...     score maps: .npy (float16, float32, float64, uint8\n"
"                       read as v/255 or uint16 read as v/65535; H x W or\n"
"                       N x H x W, C order, values in [0, 1] or in\n"
"                       --range), or\n"
"                       grayscale PNG (8-bit: v/255, 16-bit: v/65535)\n"
"  --labels PATH...     label maps: .npy (uint8, bool, int32 or int64),\n"
"                       8-bit grayscale PNG, or palette PNG (the palette\n"
"                       index is the label, as VOC masks store it); 0\n"
"                       negative, 1 positive, the ignore label counts\n"
"                       nowhere.  Only regular files are read.\n"
"                       The i-th scores file pairs with the i-th labels\n"
"                       file.  With different numbers of files, the images\n"
"                       of each list are taken in order (e.g. one\n"
"                       N x H x W scores file against N PNG files).\n"
"  --scores DIR --labels DIR\n"
"                       pair the .npy and .png files of two directories by\n"
"                       name without extension (case_001.npy with\n"
"                       case_001.png); names without a partner are an\n"
"                       error (with --keep-going a warning)\n"
"  --weights PATH...    per-pixel weights (scikit-learn's sample_weight):\n"
"                       .npy float32 or float64, one file per labels file\n"
"                       and of its shape (with --classes, one weight per\n"
"                       pixel for all classes); each finite, 0..2^24,\n"
"                       kept to multiples of 2^-16.  Every count printed\n"
"                       (pixels, positives, TP, FP, ...) becomes a sum of\n"
"                       weights; JSON adds \"weighted\": true.  Not with\n"
"                       --scores DIR --labels DIR\n"
"  --keep-going         warn about unreadable or bad files (and names\n"
"                       without a partner), skip their pairs and count them\n"
"                       in the report, instead of stopping; needs files\n"
"                       that pair one to one; fails when every pair was\n"
"                       skipped\n"
"  --quiet, -q          no progress bar (it is shown on stderr only when\n"
"                       stderr is a terminal) and no warnings; errors are\n"
"                       still printed\n"
"\n",
        stdout);
    fputs(
"Counting:\n"
"  --bins N             thresholds k/N for k = 0..N (default 1000)\n"
"  --rule ge|gt         predicted positive: score >= t (default) or > t\n"
"  --ignore L|none      label value that counts nowhere (default 255)\n"
"  --zero-division 0|1|nan\n"
"                       precision or recall where its denominator is 0\n"
"                       (default 0)\n"
"  --per-image          also the mean curve over images and mean image AP\n"
"  --range LO HI        scores lie in [LO, HI] (logits, say) instead of\n"
"                       [0, 1]: thresholds LO + (HI - LO) k/N, reported\n"
"                       in these units; LO < HI, both finite.  uint8 and\n"
"                       uint16 scores still mean v/255 and v/65535\n"
"  --thresholds FILE    your own thresholds instead of k/N: a text file of\n"
"                       numbers (one per line or separated by spaces, #\n"
"                       starts a comment) or a 1-D float64 .npy; at least\n"
"                       2 and at most 16777217, finite, strictly\n"
"                       increasing, text only (no control bytes); one\n"
"                       curve row each.  Not with --bins.  With --range,\n"
"                       scores are valid in [LO, HI]\n"
"  With --range or --thresholds, calibration and ECE are undefined.\n"
"\n",
        stdout);
    fputs(
"Confidence intervals:\n"
"  --bootstrap K        K bootstrap replicates over images (0..1000, 0\n"
"                       for none): percentile intervals of AP, AUPRC,\n"
"                       best F1 and AUROC (JSON key \"ci\", per class too)\n"
"  --seed S             seed of the replicates' weights (0..2^63-1,\n"
"                       default 0); the same seed gives the same intervals\n"
"                       however the files are split or ordered\n"
"  --level L            interval level, 0 < L < 1 (default 0.95)\n"
"\n",
        stdout);
    fputs(
"Classes:\n"
"  --classes C          score maps hold C channels (softmax probabilities,\n"
"                       say): .npy N x C x H x W, or C x H x W for one\n"
"                       image (see --layout); labels are class indices\n"
"                       0..C-1 (.npy, 8-bit or palette PNG, as VOC\n"
"                       masks), the ignore label (255) counts nowhere.\n"
"                       Each class gets its one-vs-rest curve and AP; the\n"
"                       curve, AP and analytics reported at the top level\n"
"                       (and in --csv) are then those of the pooled\n"
"                       one-vs-rest curve, every (pixel, class) pair one\n"
"                       sample: micro averaging.  C is 1..254\n"
"  --layout nchw|nhwc   where the class axis lies: N x C x H x W (default)\n"
"                       or N x H x W x C (C x H x W or H x W x C for one\n"
"                       image); the arrays are read in place\n"
"  --multilabel         labels are C binary masks (0, 1 or the ignore\n"
"                       label), .npy laid out like the scores; class c is\n"
"                       positive wherever mask c is 1\n"
"\n",
        stdout);
    fputs(
"Output:\n"
"  --json               print one JSON object instead of the summary\n"
"                       (undefined numbers are null): AP, AUROC, AP\n"
"                       bounds, best F1/Dice/IoU, interpolated APs,\n"
"                       calibration and ECE, the curve; with --classes\n"
"                       also per-class APs and their macro, weighted and\n"
"                       micro means; with --bootstrap the intervals \"ci\"\n"
"  --csv FILE           write the curve table to FILE (undefined numbers\n"
"                       are nan): counts, precision, recall, F1, TPR,\n"
"                       FPR, Dice, IoU, specificity and accuracy\n"
"  --csv-classes FILE   with --classes, write one row per class to FILE:\n"
"                       its positives, AP, AUPRC, best F1 and AUROC\n"
"  --plot FILE          draw the precision-recall curve as an SVG picture:\n"
"                       AP, best F1, iso-F1 lines, the no-skill level, and\n"
"                       with --per-image the mean per-image curve; with\n"
"                       --classes one line per class, its AP in the\n"
"                       legend, and the pooled curve\n"
"  --plot-roc           with --plot, add a ROC panel (AUROC) below\n"
"  --help, -h           print this help and exit\n"
"  --version            print the library version and exit\n"
"\n"
"Exit status: 0 on success, 1 on bad data, 2 on bad usage.\n"
"\n",
        stdout);
    fputs(
"Examples:\n"
"  prcurve-eval --scores scores.npy --labels labels/slice_*.png\n"
"  prcurve-eval --scores a.npy b.npy --labels a_mask.npy b_mask.npy \\\n"
"      --bins 10000 --per-image --json --csv curve.csv\n"
"  prcurve-eval --scores probs.npy --labels masks.npy --bins 99 --rule gt\n"
"  prcurve-eval --scores preds/ --labels SegmentationObject/ --keep-going \\\n"
"      --plot pr.svg --plot-roc\n"
"  prcurve-eval --scores softmax.npy --labels SegmentationClass/*.png \\\n"
"      --classes 21 --layout nchw --json --csv-classes classes.csv\n"
"  prcurve-eval --scores logits.npy --labels masks.npy --range -10 10 \\\n"
"      --bootstrap 200 --seed 1 --level 0.9\n"
"  prcurve-eval --scores probs.npy --labels masks.npy \\\n"
"      --thresholds grid.txt --csv curve.csv\n"
"  prcurve-eval --scores a.npy b.npy --labels a.png b.png \\\n"
"      --weights a_w.npy b_w.npy --json\n",
        stdout);
}

/* ------------------------------------------------------------------------ */
/* Values                                                                   */
/* ------------------------------------------------------------------------ */

/* A whole-string decimal integer, nothing else.  Returns 0, -1 if the
 * text is not an integer, or -2 if it is one beyond long long. */
static int parse_integer(const char *text, long long *out)
{
    char *end;
    long long value;

    if (!(text[0] >= '0' && text[0] <= '9') && text[0] != '-'
        && text[0] != '+')
        return -1;
    errno = 0;
    value = strtoll(text, &end, 10);
    if (end == text || *end != '\0')
        return -1;
    if (errno == ERANGE)
        return -2;
    if (errno != 0)
        return -1;
    *out = value;
    return 0;
}

static int out_of_range(prc_option option, const char *name,
                        const char *text, const char *extra)
{
    int64_t min = 0, max = 0;

    if (prc_option_bounds(option, &min, &max, NULL) == PRC_OK)
        eval_error("%s %s is out of range (%lld..%lld%s)", name, text,
                   (long long)min, (long long)max, extra);
    else
        eval_error("%s %s is out of range", name, text);
    return EVAL_USAGE_ERROR;
}

/* Sets a numeric option, reporting the library's bounds if it refuses.
 * Only values the command line documents are taken: a negative number is
 * out of range even where the library gives it a meaning (the ignore
 * label's -1 is spelt "none"). */
static int set_number(struct eval_config *config, prc_option option,
                      const char *name, const char *text, const char *extra)
{
    long long value = 0;
    int parsed = parse_integer(text, &value);
    prc_status status;

    if (parsed == -1) {
        eval_error("%s: '%s' is not an integer", name, text);
        return EVAL_USAGE_ERROR;
    }
    if (parsed == -2 || value < 0)
        return out_of_range(option, name, text, extra);

    status = prc_options_set(config->options, option, (int64_t)value);
    if (status == PRC_E_OPTION_VALUE)
        return out_of_range(option, name, text, extra);
    if (status != PRC_OK) {
        eval_error("%s %s: %s", name, text, prc_status_message(status));
        return EVAL_USAGE_ERROR;
    }
    return EVAL_OK;
}

static int set_choice(struct eval_config *config, prc_option option,
                      int64_t value)
{
    prc_status status = prc_options_set(config->options, option, value);

    if (status != PRC_OK) {
        eval_error("%s", prc_status_message(status));
        return EVAL_USAGE_ERROR;
    }
    return EVAL_OK;
}

static int bins_and_thresholds(void)
{
    eval_error("--bins cannot go with --thresholds, whose file sets the "
               "thresholds");
    return EVAL_USAGE_ERROR;
}

static int apply_bins(struct eval_config *config, const char *value)
{
    if (config->thresholds != NULL)
        return bins_and_thresholds();
    config->bins_given = 1;
    return set_number(config, PRC_OPT_BINS, "--bins", value, "");
}

/* One end of --range.  Returns 0, or -1 after printing why. */
static int range_end(const char *text, double *out)
{
    int parsed = eval_parse_double(text, out);

    if (parsed == -1)
        eval_error("--range: '%s' is not a number", text);
    else if (parsed == -2)
        eval_error("--range: %s is not a finite number", text);
    return parsed == 0 ? 0 : -1;
}

static int apply_range(struct eval_config *config, const char *lo_text,
                       const char *hi_text)
{
    double lo = 0, hi = 0;
    prc_status status;

    if (range_end(lo_text, &lo) != 0 || range_end(hi_text, &hi) != 0)
        return EVAL_USAGE_ERROR;
    if (!(lo < hi)) {
        eval_error("--range %s %s: LO must be below HI", lo_text, hi_text);
        return EVAL_USAGE_ERROR;
    }

    if (!isfinite(hi - lo)) {
        eval_error("--range %s %s is too wide: HI - LO must be a finite "
                   "number", lo_text, hi_text);
        return EVAL_USAGE_ERROR;
    }
    status = prc_options_set_range(config->options, lo, hi);
    if (status != PRC_OK) {
        eval_error("--range %s %s: %s", lo_text, hi_text,
                   prc_status_message(status));
        return EVAL_USAGE_ERROR;
    }
    config->range_given = 1;
    config->range_lo = lo;
    config->range_hi = hi;
    config->range_text[0] = lo_text;
    config->range_text[1] = hi_text;
    return EVAL_OK;
}

static int apply_thresholds(struct eval_config *config, const char *value)
{
    double *values = NULL;
    size_t count = 0;
    prc_status status;
    int rc;

    if (value[0] == '\0') {
        eval_error("--thresholds needs a file name");
        return EVAL_USAGE_ERROR;
    }
    if (config->bins_given)
        return bins_and_thresholds();
    rc = eval_read_thresholds(value, &values, &count);
    if (rc != EVAL_OK)
        return rc;

    status = prc_options_set_thresholds(config->options, values, count);
    free(values);
    if (status != PRC_OK) {
        eval_error("--thresholds %s: %s", value, prc_status_message(status));
        return status == PRC_E_NOMEM ? EVAL_DATA_ERROR : EVAL_USAGE_ERROR;
    }
    config->thresholds = value;
    return EVAL_OK;
}

static int apply_bootstrap(struct eval_config *config, const char *value)
{
    config->bootstrap_given = 1;
    return set_number(config, PRC_OPT_BOOTSTRAP, "--bootstrap", value, "");
}

static int apply_seed(struct eval_config *config, const char *value)
{
    config->seed_given = 1;
    return set_number(config, PRC_OPT_SEED, "--seed", value, "");
}

static int apply_level(struct eval_config *config, const char *value)
{
    double level = 0;
    int parsed = eval_parse_double(value, &level);

    if (parsed == -1) {
        eval_error("--level: '%s' is not a number", value);
        return EVAL_USAGE_ERROR;
    }
    if (parsed == -2 || !(level > 0 && level < 1)) {
        eval_error("--level %s is out of range (0 < L < 1, e.g. 0.95)",
                   value);
        return EVAL_USAGE_ERROR;
    }
    config->level = level;
    config->level_given = 1;
    return EVAL_OK;
}

static int apply_ignore(struct eval_config *config, const char *value)
{
    if (strcmp(value, "none") == 0)
        return set_choice(config, PRC_OPT_IGNORE_LABEL, PRC_NO_IGNORE_LABEL);
    return set_number(config, PRC_OPT_IGNORE_LABEL, "--ignore", value,
                      ", or none");
}

static int apply_rule(struct eval_config *config, const char *value)
{
    if (strcmp(value, "ge") == 0)
        return set_choice(config, PRC_OPT_RULE, PRC_RULE_GE);
    if (strcmp(value, "gt") == 0)
        return set_choice(config, PRC_OPT_RULE, PRC_RULE_GT);
    eval_error("--rule must be ge or gt, not '%s'", value);
    return EVAL_USAGE_ERROR;
}

static int apply_zero_division(struct eval_config *config, const char *value)
{
    static const char *const names[3] = {"0", "1", "nan"};
    static const int values[3] = {PRC_ZERO_DIVISION_ZERO,
                                  PRC_ZERO_DIVISION_ONE,
                                  PRC_ZERO_DIVISION_NAN};
    int i;

    for (i = 0; i < 3; i++)
        if (strcmp(value, names[i]) == 0)
            return set_choice(config, PRC_OPT_ZERO_DIVISION, values[i]);
    eval_error("--zero-division must be 0, 1 or nan, not '%s'", value);
    return EVAL_USAGE_ERROR;
}

static int apply_csv(struct eval_config *config, const char *value)
{
    if (value[0] == '\0') {
        eval_error("--csv needs a file name");
        return EVAL_USAGE_ERROR;
    }
    config->csv = value;
    return EVAL_OK;
}

static int apply_csv_classes(struct eval_config *config, const char *value)
{
    if (value[0] == '\0') {
        eval_error("--csv-classes needs a file name");
        return EVAL_USAGE_ERROR;
    }
    config->csv_classes = value;
    return EVAL_OK;
}

static int apply_classes(struct eval_config *config, const char *value)
{
    int64_t classes = 0;
    int rc = set_number(config, PRC_OPT_CLASSES, "--classes", value, "");

    if (rc == EVAL_OK)
        prc_options_get(config->options, PRC_OPT_CLASSES, &classes);
    config->classes = (int)classes;
    return rc;
}

static int apply_layout(struct eval_config *config, const char *value)
{
    config->layout_given = 1;
    if (strcmp(value, "nchw") == 0)
        config->layout = PRC_LAYOUT_NCHW;
    else if (strcmp(value, "nhwc") == 0)
        config->layout = PRC_LAYOUT_NHWC;
    else {
        config->layout_given = 0;
        eval_error("--layout must be nchw or nhwc, not '%s'", value);
        return EVAL_USAGE_ERROR;
    }
    return EVAL_OK;
}

static int apply_plot(struct eval_config *config, const char *value)
{
    if (value[0] == '\0') {
        eval_error("--plot needs a file name");
        return EVAL_USAGE_ERROR;
    }
    config->plot = value;
    return EVAL_OK;
}

static int apply_flag(struct eval_config *config, const char *name)
{
    if (strcmp(name, "--per-image") == 0) {
        config->per_image = 1;
        return set_choice(config, PRC_OPT_PER_IMAGE, 1);
    }
    if (strcmp(name, "--multilabel") == 0) {
        config->multilabel = 1;
        return set_choice(config, PRC_OPT_MULTILABEL, 1);
    }
    if (strcmp(name, "--json") == 0)
        config->json = 1;
    else if (strcmp(name, "--plot-roc") == 0)
        config->plot_roc = 1;
    else if (strcmp(name, "--keep-going") == 0)
        config->keep_going = 1;
    else if (strcmp(name, "--quiet") == 0 || strcmp(name, "-q") == 0) {
        config->quiet = 1;
        show_warnings = 0;
    }
    else if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0)
        config->help = 1;
    else
        config->version = 1;
    return EVAL_OK;
}

/* ------------------------------------------------------------------------ */
/* The command line                                                         */
/* ------------------------------------------------------------------------ */

static const struct option_spec specs[] = {
    {"--scores", LIST, NULL},
    {"--labels", LIST, NULL},
    {"--weights", LIST, NULL},
    {"--bins", VALUE, apply_bins},
    {"--range", PAIR, NULL},
    {"--thresholds", VALUE, apply_thresholds},
    {"--bootstrap", VALUE, apply_bootstrap},
    {"--seed", VALUE, apply_seed},
    {"--level", VALUE, apply_level},
    {"--rule", VALUE, apply_rule},
    {"--ignore", VALUE, apply_ignore},
    {"--zero-division", VALUE, apply_zero_division},
    {"--classes", VALUE, apply_classes},
    {"--layout", VALUE, apply_layout},
    {"--multilabel", FLAG, NULL},
    {"--csv", VALUE, apply_csv},
    {"--csv-classes", VALUE, apply_csv_classes},
    {"--plot", VALUE, apply_plot},
    {"--plot-roc", FLAG, NULL},
    {"--keep-going", FLAG, NULL},
    {"--quiet", FLAG, NULL},
    {"-q", FLAG, NULL},
    {"--per-image", FLAG, NULL},
    {"--json", FLAG, NULL},
    {"--help", FLAG, NULL},
    {"-h", FLAG, NULL},
    {"--version", FLAG, NULL},
};

/* The spec whose name is the part of arg before any '='. */
static const struct option_spec *find_spec(const char *arg)
{
    size_t n = strcspn(arg, "=");
    size_t i;

    for (i = 0; i < sizeof specs / sizeof specs[0]; i++)
        if (strlen(specs[i].name) == n && strncmp(arg, specs[i].name, n) == 0)
            return &specs[i];
    return NULL;
}

static int is_option(const char *arg)
{
    return arg[0] == '-' && arg[1] != '\0';
}

/* Whether the argument after an option that takes a value is that value:
 * anything but an option, and a negative number too ("--bins -5",
 * "--level -.5"), so that it is reported as out of range rather than
 * missing. */
static int is_value(const char *arg)
{
    return !is_option(arg) || (arg[1] >= '0' && arg[1] <= '9')
           || arg[1] == '.';
}

static void append(struct eval_config *config, const char **list,
                   const char *path)
{
    if (list == config->scores)
        config->scores[config->n_scores++] = path;
    else if (list == config->labels)
        config->labels[config->n_labels++] = path;
    else
        config->weights[config->n_weights++] = path;
}

/* The list that paths after a LIST option go to; --weights also makes the
 * accumulator count weights. */
static const char **list_of(struct eval_config *config, const char *name)
{
    if (strcmp(name, "--scores") == 0)
        return config->scores;
    if (strcmp(name, "--labels") == 0)
        return config->labels;
    config->weights_given = 1;
    return config->weights;
}

/* Handles argv[*i], an option; may consume the next argument as its value.
 * Sets *list to the list that following paths go to, or NULL. */
static int parse_option(int argc, char **argv, int *i,
                        struct eval_config *config, const char ***list)
{
    const char *arg = argv[*i];
    const struct option_spec *spec = find_spec(arg);
    const char *value = strchr(arg, '=');

    *list = NULL;
    if (spec == NULL) {
        eval_error("unknown option '%s' (see --help)", arg);
        return EVAL_USAGE_ERROR;
    }
    if (value != NULL)
        value++;

    if (spec->kind == LIST) {
        *list = list_of(config, spec->name);
        if (value != NULL)
            append(config, *list, value);
        if (*list == config->weights)
            return set_choice(config, PRC_OPT_WEIGHTED, 1);
        return EVAL_OK;
    }
    if (spec->kind == FLAG && value != NULL) {
        eval_error("%s takes no value", spec->name);
        return EVAL_USAGE_ERROR;
    }
    if (spec->kind == FLAG)
        return apply_flag(config, spec->name);
    if (spec->kind == PAIR) {
        /* Both values are taken as they come ("-inf" too, to be told
         * that it is not finite), unless one is a long option. */
        if (value != NULL || *i + 2 >= argc
            || strncmp(argv[*i + 1], "--", 2) == 0
            || strncmp(argv[*i + 2], "--", 2) == 0) {
            eval_error("%s needs two values, as %s LO HI (see --help)",
                       spec->name, spec->name);
            return EVAL_USAGE_ERROR;
        }
        *i += 2;
        return apply_range(config, argv[*i - 1], argv[*i]);
    }

    if (value == NULL && (*i + 1 >= argc || !is_value(argv[*i + 1]))) {
        eval_error("%s needs a value (see --help)", spec->name);
        return EVAL_USAGE_ERROR;
    }
    if (value == NULL)
        value = argv[++*i];
    return spec->apply(config, value);
}

/* Whether two output paths name the same file: the same text, or an
 * existing file reached both ways. */
static int same_file(const char *a, const char *b)
{
    struct stat sa, sb;

    if (strcmp(a, b) == 0)
        return 1;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev
           && sa.st_ino == sb.st_ino;
}

/* --csv, --csv-classes and --plot each need a file of their own. */
static int check_outputs(const struct eval_config *config)
{
    const char *names[3] = {"--csv", "--csv-classes", "--plot"};
    const char *paths[3];
    int i, j;

    paths[0] = config->csv;
    paths[1] = config->csv_classes;
    paths[2] = config->plot;
    for (i = 0; i < 3; i++) {
        for (j = i + 1; j < 3; j++) {
            if (paths[i] == NULL || paths[j] == NULL
                || !same_file(paths[i], paths[j]))
                continue;
            eval_error("%s and %s both write to '%s': give each output a "
                       "file of its own", names[i], names[j], paths[j]);
            return EVAL_USAGE_ERROR;
        }
    }
    return EVAL_OK;
}

static int check_complete(const struct eval_config *config)
{
    if (config->help || config->version)
        return EVAL_OK;
    if (config->n_scores == 0) {
        eval_error("no --scores files given (see --help)");
        return EVAL_USAGE_ERROR;
    }
    if (config->n_labels == 0) {
        eval_error("no --labels files given (see --help)");
        return EVAL_USAGE_ERROR;
    }
    if (config->weights_given && config->n_weights == 0) {
        eval_error("no --weights files given (see --help)");
        return EVAL_USAGE_ERROR;
    }
    if (config->classes == 0 && (config->multilabel || config->layout_given
                                 || config->csv_classes != NULL)) {
        eval_error("%s needs --classes C", config->multilabel
                   ? "--multilabel" : config->layout_given ? "--layout"
                   : "--csv-classes");
        return EVAL_USAGE_ERROR;
    }
    if (config->plot_roc && config->plot == NULL) {
        eval_error("--plot-roc needs --plot FILE");
        return EVAL_USAGE_ERROR;
    }
    if ((config->seed_given || config->level_given)
        && !config->bootstrap_given) {
        eval_error("%s needs --bootstrap K", config->seed_given ? "--seed"
                   : "--level");
        return EVAL_USAGE_ERROR;
    }
    return check_outputs(config);
}

/* One weights file per labels file, once directories are listed. */
static int check_weights(const struct eval_config *config)
{
    if (config->n_weights == 0)
        return EVAL_OK;
    /* TODO: pair weight files by name in directory mode too; until then
     * weights need the file lists. */
    if (config->n_listed > 0) {
        eval_error("--weights takes files, one per labels file, not "
                   "--scores DIR --labels DIR");
        return EVAL_USAGE_ERROR;
    }
    if (config->n_weights != config->n_labels) {
        eval_error("--weights pairs with the labels files one to one: %zu "
                   "weights file(s) but %zu labels file(s)",
                   config->n_weights, config->n_labels);
        return EVAL_USAGE_ERROR;
    }
    return EVAL_OK;
}

static size_t path_count(const struct eval_config *config)
{
    return config->n_scores + config->n_labels + config->n_weights;
}

/* A list option (--scores, --labels, --weights) must be followed by at
 * least one path before the next option or the end: `paths` is the count
 * before the option was read. */
static int check_list_filled(const struct eval_config *config,
                             const char **list, const char *name,
                             size_t paths)
{
    size_t length = strcspn(name == NULL ? "" : name, "=");

    if (list == NULL || path_count(config) > paths)
        return EVAL_OK;
    eval_error("%.*s needs at least one file (see --help)", (int)length,
               name);
    return EVAL_USAGE_ERROR;
}

int eval_parse_args(int argc, char **argv, struct eval_config *config)
{
    const char **list = NULL;
    const char *list_name = NULL;
    size_t paths = 0;
    int i, rc;

    memset(config, 0, sizeof *config);
    config->level = 0.95;
    config->scores = malloc((size_t)argc * sizeof *config->scores);
    config->labels = malloc((size_t)argc * sizeof *config->labels);
    config->weights = malloc((size_t)argc * sizeof *config->weights);
    config->stats = calloc(1, sizeof *config->stats);
    if (config->scores == NULL || config->labels == NULL
        || config->weights == NULL || config->stats == NULL
        || prc_options_create(&config->options) != PRC_OK) {
        eval_error("out of memory");
        return EVAL_DATA_ERROR;
    }

    for (i = 1; i < argc; i++) {
        if (is_option(argv[i])) {
            rc = check_list_filled(config, list, list_name, paths);
            if (rc != EVAL_OK)
                return rc;
            list_name = argv[i];
            paths = path_count(config);
            rc = parse_option(argc, argv, &i, config, &list);
            if (rc != EVAL_OK)
                return rc;
            continue;
        }
        if (list == NULL) {
            eval_error("unexpected argument '%s' (see --help)", argv[i]);
            return EVAL_USAGE_ERROR;
        }
        append(config, list, argv[i]);
    }
    rc = check_list_filled(config, list, list_name, paths);
    if (rc == EVAL_OK)
        rc = check_complete(config);
    if (rc == EVAL_OK && !config->help && !config->version)
        rc = eval_expand_dirs(config);
    if (rc == EVAL_OK && !config->help && !config->version)
        rc = check_weights(config);
    return rc;
}

void eval_config_free(struct eval_config *config)
{
    size_t i;

    for (i = 0; i < config->n_listed; i++)
        free(config->listed[i]);
    free(config->listed);
    free(config->stats);
    free(config->scores);
    free(config->labels);
    free(config->weights);
    prc_options_free(config->options);
    memset(config, 0, sizeof *config);
}
