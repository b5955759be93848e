/*
 * eval_dirs.c - prcurve-eval --scores DIR --labels DIR: list both
 * directories and pair their files by name without the extension.
 *
 * Only regular files ending in .npy or .png (in any case) are considered;
 * hidden files, subdirectories and other files are left alone.  Both lists
 * are sorted by name, so the evaluation order, and with it every printed
 * number, does not depend on the order the file system lists entries in.
 */
#define _POSIX_C_SOURCE 200809L

#include "eval.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

/* How many unmatched names a message lists before "...". */
#define SHOWN 3

struct entry {
    char *path; /* directory + '/' + name */
    char *name; /* points into path */
    size_t stem_length;
};

struct listing {
    const char *dir;
    struct entry *entries;
    size_t count, capacity;
    int adopted; /* the paths belong to the config now */
};

static int is_directory(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int is_regular(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Length of the name without its extension (".npy" or ".png"), or 0 if the
 * name does not end in one. */
static size_t stem_length(const char *name)
{
    size_t n = strlen(name);

    if (n <= 4 || name[0] == '.')
        return 0;
    if (strcasecmp(name + n - 4, ".npy") != 0
        && strcasecmp(name + n - 4, ".png") != 0)
        return 0;
    return n - 4;
}

static int add_entry(struct listing *list, const char *name, size_t stem)
{
    size_t dir_length = strlen(list->dir);
    struct entry *bigger, *e;

    if (list->count == list->capacity) {
        list->capacity = list->capacity ? 2 * list->capacity : 64;
        bigger = realloc(list->entries, list->capacity * sizeof *bigger);
        if (bigger == NULL)
            return -1;
        list->entries = bigger;
    }
    e = &list->entries[list->count];
    e->path = malloc(dir_length + strlen(name) + 2);
    if (e->path == NULL)
        return -1;

    if (dir_length > 0 && list->dir[dir_length - 1] == '/')
        dir_length--;
    memcpy(e->path, list->dir, dir_length);
    e->path[dir_length] = '/';
    strcpy(e->path + dir_length + 1, name);
    e->name = e->path + dir_length + 1;
    e->stem_length = stem;
    if (!is_regular(e->path)) {
        free(e->path);
        return 0;
    }
    list->count++;
    return 0;
}

/* Compares two entries by stem, then by whole name. */
static int compare_entries(const void *a, const void *b)
{
    const struct entry *x = a, *y = b;
    size_t n = x->stem_length < y->stem_length ? x->stem_length
                                                : y->stem_length;
    int c = memcmp(x->name, y->name, n);

    if (c != 0)
        return c;
    if (x->stem_length != y->stem_length)
        return x->stem_length < y->stem_length ? -1 : 1;
    return strcmp(x->name, y->name);
}

static int same_stem(const struct entry *x, const struct entry *y)
{
    return x->stem_length == y->stem_length
           && memcmp(x->name, y->name, x->stem_length) == 0;
}

static int list_directory(struct listing *list)
{
    DIR *d = opendir(list->dir);
    struct dirent *de;
    size_t i;

    if (d == NULL) {
        eval_error("%s: cannot open directory: %s", list->dir,
                   strerror(errno));
        return EVAL_DATA_ERROR;
    }
    while ((de = readdir(d)) != NULL) {
        size_t stem = stem_length(de->d_name);

        if (stem > 0 && add_entry(list, de->d_name, stem) != 0) {
            closedir(d);
            eval_error("out of memory");
            return EVAL_DATA_ERROR;
        }
    }
    closedir(d);

    qsort(list->entries, list->count, sizeof *list->entries,
          compare_entries);
    for (i = 1; i < list->count; i++)
        if (same_stem(&list->entries[i - 1], &list->entries[i])) {
            eval_error("%s: %s and %s have the same name; keep one",
                       list->dir, list->entries[i - 1].name,
                       list->entries[i].name);
            return EVAL_DATA_ERROR;
        }
    return EVAL_OK;
}

/* Appends ", name" for the first SHOWN names, then ", ...". */
static void note_name(char *text, size_t size, size_t index,
                      const char *name)
{
    size_t used = strlen(text);

    if (index < SHOWN)
        snprintf(text + used, size - used, "%s%s", index ? ", " : "",
                 name);
    else if (index == SHOWN)
        snprintf(text + used, size - used, ", ...");
}

/* Merges the two sorted listings into config's lists, noting names
 * without a partner. */
static void pair_entries(struct listing *s, struct listing *l,
                         struct eval_config *config, size_t unmatched[2],
                         char text[2][512])
{
    size_t i = 0, j = 0;

    while (i < s->count || j < l->count) {
        int c = i == s->count ? 1 : j == l->count ? -1
                : compare_entries(&s->entries[i], &l->entries[j]);

        if (i < s->count && j < l->count && same_stem(&s->entries[i],
                                                      &l->entries[j])) {
            config->scores[config->n_scores++] = s->entries[i++].path;
            config->labels[config->n_labels++] = l->entries[j++].path;
        } else if (c < 0) {
            note_name(text[0], 512, unmatched[0]++, s->entries[i++].name);
        } else {
            note_name(text[1], 512, unmatched[1]++, l->entries[j++].name);
        }
    }
}

static int report_unmatched(struct eval_config *config,
                            const size_t unmatched[2], char text[2][512])
{
    char line[1200] = "";

    if (unmatched[0] + unmatched[1] == 0)
        return EVAL_OK;
    if (unmatched[0] > 0)
        snprintf(line, sizeof line, "%zu scores file(s) without a labels "
                 "file (%s)", unmatched[0], text[0]);
    if (unmatched[1] > 0)
        snprintf(line + strlen(line), sizeof line - strlen(line),
                 "%s%zu labels file(s) without a scores file (%s)",
                 unmatched[0] ? ", " : "", unmatched[1], text[1]);
    if (!config->keep_going) {
        eval_error("%s", line);
        return EVAL_DATA_ERROR;
    }
    eval_warning("%s; skipped", line);
    config->stats->unmatched_files = unmatched[0] + unmatched[1];
    return EVAL_OK;
}

/* Keeps every listed path in config->listed (owned by the config) and
 * empties the listings. */
static int adopt(struct eval_config *config, struct listing *s,
                 struct listing *l)
{
    size_t i, n = s->count + l->count;

    config->listed = malloc((n ? n : 1) * sizeof *config->listed);
    config->scores = malloc((s->count ? s->count : 1)
                            * sizeof *config->scores);
    config->labels = malloc((l->count ? l->count : 1)
                            * sizeof *config->labels);
    if (config->listed == NULL || config->scores == NULL
        || config->labels == NULL)
        return -1;

    for (i = 0; i < s->count; i++)
        config->listed[config->n_listed++] = s->entries[i].path;
    for (i = 0; i < l->count; i++)
        config->listed[config->n_listed++] = l->entries[i].path;
    return 0;
}

static int expand(struct eval_config *config, struct listing *s,
                  struct listing *l)
{
    size_t unmatched[2] = {0, 0};
    char text[2][512] = {"", ""};
    int rc = list_directory(s);

    if (rc == EVAL_OK)
        rc = list_directory(l);
    if (rc != EVAL_OK)
        return rc;

    free(config->scores);
    free(config->labels);
    config->scores = config->labels = NULL;
    config->n_scores = config->n_labels = 0;
    if (adopt(config, s, l) != 0) {
        eval_error("out of memory");
        return EVAL_DATA_ERROR;
    }
    s->adopted = l->adopted = 1;

    pair_entries(s, l, config, unmatched, text);
    rc = report_unmatched(config, unmatched, text);
    if (rc == EVAL_OK && config->n_scores == 0) {
        eval_error("%s and %s have no .npy or .png files with matching "
                   "names", s->dir, l->dir);
        rc = EVAL_DATA_ERROR;
    }
    return rc;
}

static void free_listing(struct listing *list)
{
    size_t i;

    for (i = 0; i < list->count && !list->adopted; i++)
        free(list->entries[i].path);
    free(list->entries);
}

/* Directories must come as exactly one --scores DIR and one --labels DIR. */
static int check_placement(const struct eval_config *config, int *dirs)
{
    size_t i;
    int s_dir = is_directory(config->scores[0]);
    int l_dir = is_directory(config->labels[0]);

    *dirs = config->n_scores == 1 && config->n_labels == 1 && s_dir
            && l_dir;
    if (*dirs)
        return EVAL_OK;
    for (i = 0; i < config->n_scores + config->n_labels; i++) {
        const char *path = i < config->n_scores
                           ? config->scores[i]
                           : config->labels[i - config->n_scores];

        if (is_directory(path)) {
            eval_error("%s is a directory: give one directory to --scores "
                       "and one to --labels, or files to both", path);
            return EVAL_USAGE_ERROR;
        }
    }
    return EVAL_OK;
}

int eval_expand_dirs(struct eval_config *config)
{
    struct listing s, l;
    int dirs = 0, rc = check_placement(config, &dirs);

    if (rc != EVAL_OK || !dirs)
        return rc;

    memset(&s, 0, sizeof s);
    memset(&l, 0, sizeof l);
    s.dir = config->scores[0];
    l.dir = config->labels[0];
    rc = expand(config, &s, &l);
    free_listing(&s);
    free_listing(&l);
    return rc;
}
