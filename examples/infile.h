/*
 * infile.h - opening input files for prcurve-eval's readers without
 * blocking: only regular files are read.
 */
#ifndef PRC_EXAMPLES_INFILE_H
#define PRC_EXAMPLES_INFILE_H

#include <stddef.h>
#include <stdio.h>

/* Opens `path` for reading in binary mode if it is a regular file.  A
 * directory, FIFO, device or socket is refused up front, so that a FIFO
 * with no writer cannot make the reader wait forever.  Returns the stream,
 * or NULL with a one-line reason (without the file name) in err. */
FILE *infile_open(const char *path, char *err, size_t err_size);

/* Copies the `size` bytes at `text` into out as printable ASCII: a byte
 * outside ' '..'~' becomes \xNN.  Truncates to fit out_size (which must be
 * at least 1) and always terminates out.  For messages that quote bytes
 * read from a file. */
void infile_quote(const char *text, size_t size, char *out,
                  size_t out_size);

/* Replaces every byte of the string s outside ' '..'~' by '?', so that a
 * reader's message stays one printable line whatever it quoted. */
void infile_printable(char *s);

#endif /* PRC_EXAMPLES_INFILE_H */
