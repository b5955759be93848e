/*
 * infile.c - opening input files without blocking, and keeping messages
 * that quote file content on one printable line.
 */
#define _POSIX_C_SOURCE 200809L

#include "infile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int fail(char *err, size_t err_size, const char *format, ...)
{
    va_list args;

    va_start(args, format);
    vsnprintf(err, err_size, format, args);
    va_end(args);
    return -1;
}

/* What a path that is not a regular file is instead. */
static int refuse_kind(mode_t mode, char *err, size_t err_size)
{
    if (S_ISDIR(mode))
        return fail(err, err_size, "is a directory, not a file");
    if (S_ISFIFO(mode))
        return fail(err, err_size, "not a regular file (a FIFO)");
    if (S_ISCHR(mode) || S_ISBLK(mode))
        return fail(err, err_size, "not a regular file (a device)");
    if (S_ISSOCK(mode))
        return fail(err, err_size, "not a regular file (a socket)");
    return fail(err, err_size, "not a regular file");
}

FILE *infile_open(const char *path, char *err, size_t err_size)
{
    struct stat st;
    FILE *f;
    int fd, flags;

    if (stat(path, &st) != 0) {
        fail(err, err_size, "cannot open: %s", strerror(errno));
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        refuse_kind(st.st_mode, err, err_size);
        return NULL;
    }

    /* The path may have been replaced since stat: O_NONBLOCK keeps a FIFO
     * from blocking the open, and fstat checks what was opened. */
    fd = open(path, O_RDONLY | O_NONBLOCK);
    if (fd < 0) {
        fail(err, err_size, "cannot open: %s", strerror(errno));
        return NULL;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        refuse_kind(st.st_mode, err, err_size);
        close(fd);
        return NULL;
    }

    flags = fcntl(fd, F_GETFL);
    if (flags != -1)
        fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    f = fdopen(fd, "rb");
    if (f == NULL) {
        fail(err, err_size, "cannot open: %s", strerror(errno));
        close(fd);
    }
    return f;
}

void infile_quote(const char *text, size_t size, char *out, size_t out_size)
{
    static const char hex[] = "0123456789abcdef";
    size_t used = 0, i;

    for (i = 0; i < size; i++) {
        unsigned char c = (unsigned char)text[i];
        int plain = c >= ' ' && c <= '~';

        if (used + (plain ? 1 : 4) >= out_size)
            break;
        if (plain) {
            out[used++] = (char)c;
            continue;
        }
        out[used++] = '\\';
        out[used++] = 'x';
        out[used++] = hex[c >> 4];
        out[used++] = hex[c & 15];
    }
    out[used] = '\0';
}

void infile_printable(char *s)
{
    for (; *s != '\0'; s++)
        if ((unsigned char)*s < ' ' || (unsigned char)*s > '~')
            *s = '?';
}
