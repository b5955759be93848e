/*
 * replay.c - runs a fuzz target over files, without libFuzzer, so that the
 * seed corpus and every input that once crashed are regression tests in
 * every build (gcc, sanitizers, valgrind).
 * usage: replay FILE_OR_DIRECTORY...
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    unsigned char *data = NULL;
    long size;

    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0
        || fseek(f, 0, SEEK_SET) != 0) {
        fprintf(stderr, "replay: cannot read %s\n", path);
        if (f != NULL)
            fclose(f);
        return 1;
    }
    /* An exact-size copy, so reads past the end are caught. */
    data = malloc(size ? (size_t)size : 1);
    if (data == NULL || fread(data, 1, (size_t)size, f) != (size_t)size) {
        fprintf(stderr, "replay: cannot read %s\n", path);
        free(data);
        fclose(f);
        return 1;
    }
    fclose(f);
    LLVMFuzzerTestOneInput(data, (size_t)size);
    free(data);
    return 0;
}

static int run_path(const char *path, int *count)
{
    struct stat st;
    DIR *dir;
    struct dirent *entry;
    int failed = 0;

    if (stat(path, &st) != 0) {
        fprintf(stderr, "replay: no such file: %s\n", path);
        return 1;
    }
    if (!S_ISDIR(st.st_mode)) {
        ++*count;
        return run_file(path);
    }
    dir = opendir(path);
    if (dir == NULL)
        return 1;
    while ((entry = readdir(dir)) != NULL) {
        char child[4096];

        if (entry->d_name[0] == '.')
            continue;
        snprintf(child, sizeof child, "%s/%s", path, entry->d_name);
        failed |= run_path(child, count);
    }
    closedir(dir);
    return failed;
}

int main(int argc, char **argv)
{
    int i, failed = 0, count = 0;

    for (i = 1; i < argc; i++)
        failed |= run_path(argv[i], &count);
    printf("replay: %d inputs run\n", count);
    return failed || count == 0;
}
