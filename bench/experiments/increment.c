/*
 * increment.c - EXPERIMENT, not part of the library or its tests: how fast
 * can one core add one to scattered counters, the step every pixel of a
 * histogram feed ends in?  Toy loops written for this experiment count
 * precomputed cell indices (in L1, fed over and over) into counters:
 *
 *   copies    1, 2, 4 or 8 interleaved 32-bit histograms, pixel i into
 *             copy i % copies (the library uses 4 for small histograms);
 *   pairs     4 copies, the cells read two at a time with one 64-bit load;
 *   wide      one histogram of 64-bit counters (the library's state, used
 *             directly when a histogram has too many cells to split).
 *
 * Cells are uniform over `span` cells or skewed toward the low ones (u^3),
 * and a given percentage of them can go to one hot cell (as a background
 * of near-zero scores puts many pixels in the lowest bin).  The clock is
 * estimated from a chain of dependent multiplications (3 cycles each), as
 * this guest has no cycle counter.  Prints ns and cycles per increment.
 *
 * Usage: prcurve-increment [--span S] [--skewed] [--hot PERCENT] [--reps N]
 */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CELLS 4096        /* cells per pass, 16 KiB: stays in L1 */
#define MAX_COPIES 8

static double now(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Cycles per second, from a chain of dependent multiplications (3 cycles)
 * and ors (1 cycle). */
static double clock_hz(void)
{
    volatile uint64_t seed = 3;
    uint64_t x = seed, i, n = 200000000;
    double t0 = now(), dt;

    for (i = 0; i < n; i++)
        x *= x | 1;
    dt = now() - t0;
    seed = x;
    return 4.0 * (double)n / dt;
}

/* One histogram, or 2, 4 or 8 copies `stride` apart, in turn. */
static void count_copies(uint32_t *h, size_t stride, int copies,
                         const uint32_t *cell, size_t n)
{
    uint32_t *c[MAX_COPIES];
    size_t i;
    int j;

    for (j = 0; j < MAX_COPIES; j++)
        c[j] = h + (size_t)(j % copies) * stride;
    for (i = 0; i < n; i += MAX_COPIES) {
        c[0][cell[i]]++;
        c[1][cell[i + 1]]++;
        c[2][cell[i + 2]]++;
        c[3][cell[i + 3]]++;
        c[4][cell[i + 4]]++;
        c[5][cell[i + 5]]++;
        c[6][cell[i + 6]]++;
        c[7][cell[i + 7]]++;
    }
}

static void count_pairs(uint32_t *h, size_t stride, const uint32_t *cell,
                        size_t n)
{
    size_t i;

    for (i = 0; i < n; i += 4) {
        uint64_t p, q;

        memcpy(&p, cell + i, sizeof p);
        memcpy(&q, cell + i + 2, sizeof q);
        h[(uint32_t)p]++;
        h[stride + (p >> 32)]++;
        h[2 * stride + (uint32_t)q]++;
        h[3 * stride + (q >> 32)]++;
    }
}

static void count_wide(uint64_t *h, const uint32_t *cell, size_t n)
{
    size_t i;

    for (i = 0; i < n; i += 4) {
        h[cell[i]]++;
        h[cell[i + 1]]++;
        h[cell[i + 2]]++;
        h[cell[i + 3]]++;
    }
}

int main(int argc, char **argv)
{
    enum { PAIRS = 100, WIDE = 101 };
    static const int variants[] = {1, 2, 4, 8, PAIRS, WIDE};
    static const char *const names[] = {"1 copy", "2 copies", "4 copies",
                                        "8 copies", "pairs", "wide"};
    size_t span = 2006, stride, i;
    int skewed = 0, hot = 0, reps = 20000, v, r, a;
    uint32_t *cell, *h;
    uint64_t *wide, x = 1;
    double hz = clock_hz();

    for (a = 1; a < argc; a++) {
        if (strcmp(argv[a], "--span") == 0 && a + 1 < argc)
            span = (size_t)strtoul(argv[++a], NULL, 10);
        else if (strcmp(argv[a], "--skewed") == 0)
            skewed = 1;
        else if (strcmp(argv[a], "--hot") == 0 && a + 1 < argc)
            hot = atoi(argv[++a]);
        else if (strcmp(argv[a], "--reps") == 0 && a + 1 < argc)
            reps = atoi(argv[++a]);
        else {
            fprintf(stderr, "usage: %s [--span S] [--skewed] [--hot PERCENT] "
                    "[--reps N]\n", argv[0]);
            return 2;
        }
    }
    if (span == 0 || reps <= 0)
        return 2;
    stride = span + 16;
    cell = malloc(CELLS * sizeof *cell);
    h = calloc(MAX_COPIES * stride, sizeof *h);
    wide = calloc(span, sizeof *wide);
    if (cell == NULL || h == NULL || wide == NULL)
        return 1;
    for (i = 0; i < CELLS; i++) {
        double u;

        x = x * 6364136223846793005u + 1442695040888963407u;
        u = (double)(x >> 11) * 0x1p-53;
        cell[i] = (uint32_t)((skewed ? u * u * u : u) * (double)span);
        if ((x >> 3) % 100 < (uint64_t)hot)
            cell[i] = 1;
    }
    printf("clock about %.2f GHz; %zu cells, %s, %d %% in one cell\n",
           hz / 1e9, span, skewed ? "skewed (u^3)" : "uniform", hot);
    for (v = 0; v < (int)(sizeof variants / sizeof *variants); v++) {
        double best = 1e30;
        int pass;

        for (pass = 0; pass < 5; pass++) {
            double t0 = now(), dt;

            for (r = 0; r < reps; r++)
                if (variants[v] == PAIRS)
                    count_pairs(h, stride, cell, CELLS);
                else if (variants[v] == WIDE)
                    count_wide(wide, cell, CELLS);
                else
                    count_copies(h, stride, variants[v], cell, CELLS);
            dt = now() - t0;
            if (dt < best)
                best = dt;
        }
        best /= (double)reps * CELLS;
        printf("%-9s %6.3f ns  %5.2f cycles per increment\n",
               names[v], best * 1e9, best * hz);
    }
    free(cell);
    free(h);
    free(wide);
    return 0;
}
