/*
 * eval_thresholds.c - the file of --thresholds: the caller's own
 * thresholds, as text (numbers separated by white space or newlines, '#'
 * starting a comment to the end of its line) or as a 1-D float64 .npy
 * array.  Every value must be finite and above the one before it.
 */
#define _POSIX_C_SOURCE 200809L

#include "eval.h"
#include "infile.h"
#include "npy.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The library's limits on the number of thresholds. */
#define MIN_THRESHOLDS 2
#define MAX_THRESHOLDS 16777217u

/* A growing array of thresholds. */
struct list {
    double *values;
    size_t count, capacity;
};

static int push(struct list *l, double value)
{
    double *grown;

    if (l->count == l->capacity) {
        l->capacity = l->capacity ? 2 * l->capacity : 64;
        grown = realloc(l->values, l->capacity * sizeof *grown);
        if (grown == NULL)
            return -1;
        l->values = grown;
    }
    l->values[l->count++] = value;
    return 0;
}

int eval_parse_double(const char *text, double *out)
{
    char *end;
    double value;

    if (text[0] == '\0' || strchr(" \t\n\v\f\r", text[0]) != NULL)
        return -1;
    errno = 0;
    value = strtod(text, &end);
    if (end == text || *end != '\0')
        return -1;
    if (!isfinite(value))
        return -2;
    *out = value;
    return 0;
}

/* The shortest of %.15g, %.16g and %.17g that reads back as v. */
static void shortest(double v, char *out, size_t size)
{
    int digits;

    for (digits = 15; digits <= 17; digits++) {
        snprintf(out, size, "%.*g", digits, v);
        if (strtod(out, NULL) == v)
            return;
    }
}

/* Checks the next value, written `shown`, against the list so far;
 * where is "line 7" or "element 7".  Returns 0, or -1 after printing
 * why. */
static int check_value(const char *path, const char *where,
                       const struct list *l, double value, const char *shown)
{
    char before[32];

    if (!isfinite(value)) {
        eval_error("--thresholds %s, %s: %s is not a finite number", path,
                   where, shown);
        return -1;
    }
    if (l->count > 0 && !(value > l->values[l->count - 1])) {
        shortest(l->values[l->count - 1], before, sizeof before);
        eval_error("--thresholds %s, %s: %s is not above the threshold "
                   "before it, %s (thresholds must strictly increase)",
                   path, where, shown, before);
        return -1;
    }
    if (l->count == MAX_THRESHOLDS) {
        eval_error("--thresholds %s: more than %u thresholds; at most %u "
                   "allowed", path, MAX_THRESHOLDS, MAX_THRESHOLDS);
        return -1;
    }
    return 0;
}

static int read_npy(const char *path, struct list *l)
{
    char err[NPY_ERROR_SIZE], where[64], shown[32];
    struct npy_info info;
    void *data = NULL;
    size_t i;
    int rc = 0;

    /* The header's count is checked before any data is read. */
    if (npy_probe_nd(path, 1, &info, err, sizeof err) == 0
        && info.count > MAX_THRESHOLDS) {
        eval_error("--thresholds %s: %zu thresholds; at most %u allowed",
                   path, info.count, MAX_THRESHOLDS);
        return -1;
    }
    if (npy_read_nd(path, 1, &info, &data, err, sizeof err) != 0) {
        eval_error("--thresholds %s: %s", path, err);
        return -1;
    }
    if (info.type != NPY_FLOAT64) {
        eval_error("--thresholds %s: a thresholds array must be float64, "
                   "not %s", path, npy_type_name(info.type));
        free(data);
        return -1;
    }
    for (i = 0; i < info.count && rc == 0; i++) {
        double value = ((const double *)data)[i];

        snprintf(where, sizeof where, "element %zu", i);
        shortest(value, shown, sizeof shown);
        rc = check_value(path, where, l, value, shown);
        if (rc == 0 && push(l, value) != 0) {
            eval_error("--thresholds %s: out of memory", path);
            rc = -1;
        }
    }
    free(data);
    return rc;
}

/* One word of a text file, at line `line`. */
static int take_word(const char *path, size_t line, const char *word,
                     struct list *l)
{
    char where[64], shown[80];
    double value = 0;
    int parsed = eval_parse_double(word, &value);

    snprintf(where, sizeof where, "line %zu", line);
    if (parsed == -1) {
        infile_quote(word, strlen(word), shown, sizeof shown);
        eval_error("--thresholds %s, %s: '%s' is not a number", path, where,
                   shown);
        return -1;
    }
    if (parsed == -2)
        value = strtod(word, NULL); /* inf or nan, reported as such */
    infile_quote(word, strlen(word), shown, sizeof shown);
    if (check_value(path, where, l, value, shown) != 0)
        return -1;
    if (push(l, value) != 0) {
        eval_error("--thresholds %s: out of memory", path);
        return -1;
    }
    return 0;
}

static int read_text(const char *path, FILE *f, struct list *l)
{
    char word[128];
    size_t line = 1, length = 0;
    int c, comment = 0, rc = 0;

    while (rc == 0 && (c = fgetc(f)) != EOF) {
        int space = c == ' ' || c == '\t' || c == '\n' || c == '\r'
                    || c == '\v' || c == '\f';

        if ((c < 0x20 && !space) || c == 0x7f) {
            eval_error("--thresholds %s, line %zu: byte 0x%02x is not text",
                       path, line, (unsigned)c);
            rc = -1;
            break;
        }
        if (c == '#')
            comment = 1;
        if ((space || comment) && length > 0) {
            word[length] = '\0';
            rc = take_word(path, line, word, l);
            length = 0;
        }
        if (c == '\n') {
            line++;
            comment = 0;
        } else if (!space && !comment && length + 1 < sizeof word) {
            word[length++] = (char)c;
        } else if (!space && !comment) {
            eval_error("--thresholds %s, line %zu: a word of more than %zu "
                       "characters is not a number", path, line,
                       sizeof word - 2);
            rc = -1;
        }
    }
    if (rc == 0 && ferror(f)) {
        eval_error("--thresholds %s: read failed", path);
        rc = -1;
    }
    word[length] = '\0';
    return rc == 0 && length > 0 ? take_word(path, line, word, l) : rc;
}

static int is_npy(FILE *f)
{
    static const char magic[6] = {'\x93', 'N', 'U', 'M', 'P', 'Y'};
    char head[6];
    int npy = fread(head, 1, 6, f) == 6 && memcmp(head, magic, 6) == 0;

    rewind(f);
    return npy;
}

int eval_read_thresholds(const char *path, double **values, size_t *count)
{
    char err[NPY_ERROR_SIZE];
    struct list l = {NULL, 0, 0};
    FILE *f = infile_open(path, err, sizeof err);
    int rc;

    if (f == NULL) {
        eval_error("--thresholds %s: %s", path, err);
        return EVAL_USAGE_ERROR;
    }
    if (is_npy(f)) {
        fclose(f);
        rc = read_npy(path, &l);
    } else {
        rc = read_text(path, f, &l);
        fclose(f);
    }

    if (rc == 0 && l.count < MIN_THRESHOLDS) {
        eval_error("--thresholds %s: %zu threshold(s); at least %d needed",
                   path, l.count, MIN_THRESHOLDS);
        rc = -1;
    }
    if (rc != 0) {
        free(l.values);
        return EVAL_USAGE_ERROR;
    }
    *values = l.values;
    *count = l.count;
    return EVAL_OK;
}
