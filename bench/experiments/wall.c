/*
 * wall.c - EXPERIMENT, not part of the library or its tests: where does
 * the time of a feed go?  Times the two halves of the work a histogram
 * feed does, apart and together, with toy loops written for this
 * experiment, next to libprcurve's own feed through its public API:
 *
 *   read      sum the scores and labels: the memory stream alone;
 *   classify  score and label to a cell index, into a 1024-cell buffer
 *             (scalar, and AVX2 where the processor has it), no histogram;
 *   increment count precomputed cells into a histogram of 64-bit counts,
 *             with one histogram or four interleaved ones;
 *   both      classify a chunk, then increment it (the toy feed);
 *   library   prc_accumulator_feed of the same pixels, per kernel.
 *
 * Each runs on data that fits in L2 (fed over and over) and on data far
 * larger than the caches, on 1 and 2 threads (each thread its own data and
 * histogram).  Scores follow the bench's distribution (most pixels low,
 * so a few bins take most increments) or, with --uniform, a uniform one.
 * Prints ns per pixel per thread and the total pixel rate.
 *
 * Usage: prcurve-wall [--bins B] [--uniform] [--reps N] [--side S]
 * (S: the library is fed images of S x S pixels, default 256.)
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <prcurve.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define HAVE_AVX2_CODE 1
#endif

#define CHUNK 1024
#define MAX_BINS 65536
#define IN_CACHE ((size_t)1 << 16)  /* 64 Ki pixels: 320 KiB */
#define OUT_CACHE ((size_t)1 << 26) /* 64 Mi pixels: 320 MiB */

enum variant { READ, CLASSIFY, CLASSIFY_AVX2, INCREMENT, INCREMENT4, BOTH,
               BOTH_AVX2, LIB_SCALAR, LIB_AVX2, VARIANTS };

static const char *variant_name[VARIANTS] = {
    "read", "classify", "classify avx2", "increment", "increment x4",
    "both", "both avx2", "library scalar", "library avx2"};

struct job {
    enum variant v;
    const float *scores;
    const uint8_t *labels;
    uint32_t *cells; /* all cells, for the increment variants */
    size_t n;        /* pixels */
    int repeat;      /* passes over them */
    int bins, side;
    uint64_t *hist;  /* 4 x 2 x (bins + 2) counts */
    uint64_t sink;
    double seconds;
};

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Toy classification: label 0 or 1 (255 goes to a spare cell), slot
 * floor(s * B) + 1.  Ignores thresholds' rounding: a timing toy only. */
static void classify(const float *s, const uint8_t *l, size_t n, int bins,
                     uint32_t *cell)
{
    uint32_t slots = (uint32_t)bins + 2;
    float b = (float)bins;
    size_t i;

    for (i = 0; i < n; i++) {
        uint32_t lab = l[i] > 1 ? 2 : l[i];
        cell[i] = lab * slots + (uint32_t)(s[i] * b) + 1;
    }
}

#ifdef HAVE_AVX2_CODE
__attribute__((target("avx2"))) static void
classify_avx2_code(const float *s, const uint8_t *l, size_t n, int bins,
              uint32_t *cell)
{
    __m256 b = _mm256_set1_ps((float)bins);
    __m256i slots = _mm256_set1_epi32(bins + 2), one = _mm256_set1_epi32(1);
    __m256i two = _mm256_set1_epi32(2);
    size_t i;

    for (i = 0; i + 8 <= n; i += 8) {
        __m256i lab = _mm256_cvtepu8_epi32(
            _mm_loadl_epi64((const __m128i *)(l + i)));
        __m256i g = _mm256_cvttps_epi32(
            _mm256_mul_ps(_mm256_loadu_ps(s + i), b));
        lab = _mm256_min_epu32(lab, two);
        _mm256_storeu_si256((__m256i *)(cell + i),
                            _mm256_add_epi32(_mm256_mullo_epi32(lab, slots),
                                             _mm256_add_epi32(g, one)));
    }
    classify(s + i, l + i, n - i, bins, cell + i);
}

static void classify_avx2(const float *s, const uint8_t *l, size_t n,
                          int bins, uint32_t *cell)
{
    static int have = -1;

    if (have < 0)
        have = __builtin_cpu_supports("avx2") ? 1 : 0;
    (have ? classify_avx2_code : classify)(s, l, n, bins, cell);
}
#else
static void classify_avx2(const float *s, const uint8_t *l, size_t n,
                          int bins, uint32_t *cell)
{
    classify(s, l, n, bins, cell);
}
#endif

static void increment(uint64_t *h, const uint32_t *cell, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        h[cell[i]]++;
}

/* Four histograms side by side: consecutive pixels never wait for each
 * other's store even when they fall in the same bin. */
static void increment4(uint64_t *h, const uint32_t *cell, size_t n,
                       size_t stride)
{
    size_t i;

    for (i = 0; i + 4 <= n; i += 4) {
        h[cell[i]]++;
        h[stride + cell[i + 1]]++;
        h[2 * stride + cell[i + 2]]++;
        h[3 * stride + cell[i + 3]]++;
    }
    for (; i < n; i++)
        h[cell[i]]++;
}

/* Sums the 64-bit words of a block with four chains: reading alone. */
static uint64_t read_words(const void *p, size_t bytes)
{
    const unsigned char *c = p;
    uint64_t a = 0, b = 0, d = 0, e = 0, w[4];
    size_t i;

    for (i = 0; i + 32 <= bytes; i += 32) {
        memcpy(w, c + i, 32);
        a += w[0];
        b += w[1];
        d += w[2];
        e += w[3];
    }
    return a + b + d + e;
}

static void toy_pass(struct job *j)
{
    size_t stride = 3 * ((size_t)j->bins + 2), at;
    uint32_t buf[CHUNK];
    uint64_t sum = 0;

    for (at = 0; at < j->n; at += CHUNK) {
        size_t m = j->n - at < CHUNK ? j->n - at : CHUNK;
        const float *s = j->scores + at;
        const uint8_t *l = j->labels + at;

        switch (j->v) {
        case READ:
            sum += read_words(s, m * sizeof *s) + read_words(l, m);
            break;
        case CLASSIFY:
        case CLASSIFY_AVX2:
            (j->v == CLASSIFY ? classify : classify_avx2)(s, l, m, j->bins,
                                                          buf);
            sum += buf[m - 1];
            break;
        case INCREMENT:
            increment(j->hist, j->cells + at, m);
            break;
        case INCREMENT4:
            increment4(j->hist, j->cells + at, m, stride);
            break;
        default: /* BOTH, BOTH_AVX2 */
            (j->v == BOTH ? classify : classify_avx2)(s, l, m, j->bins, buf);
            increment(j->hist, buf, m);
            break;
        }
    }
    j->sink += sum;
}

static void library_pass(struct job *j, prc_accumulator *acc,
                         prc_batch *batch)
{
    if (prc_accumulator_feed(acc, batch) != PRC_OK) {
        fprintf(stderr, "prcurve-wall: feed failed: %s\n",
                prc_accumulator_last_error(acc));
        exit(1);
    }
    (void)j;
}

static void *run_job(void *arg)
{
    struct job *j = arg;
    prc_options *o = NULL;
    prc_accumulator *acc = NULL;
    prc_batch *batch = NULL;
    int lib = j->v == LIB_SCALAR || j->v == LIB_AVX2, r;
    double t0;

    if (lib) {
        prc_options_create(&o);
        prc_options_set(o, PRC_OPT_BINS, j->bins);
        prc_options_set(o, PRC_OPT_KERNEL, j->v == LIB_SCALAR
                                               ? PRC_KERNEL_SCALAR
                                               : PRC_KERNEL_AVX2);
        prc_batch_create(&batch);
        prc_batch_set_shape(batch, j->n / ((size_t)j->side * j->side),
                            (size_t)j->side, (size_t)j->side);
        prc_batch_set_scores(batch, PRC_DTYPE_FLOAT32, j->scores);
        prc_batch_set_labels(batch, PRC_DTYPE_UINT8, j->labels);
        if (prc_accumulator_create(&acc, o) != PRC_OK) {
            j->seconds = -1.0;
            goto done;
        }
    }
    t0 = now();
    for (r = 0; r < j->repeat; r++) {
        if (lib)
            library_pass(j, acc, batch);
        else
            toy_pass(j);
    }
    j->seconds = now() - t0;
done:
    prc_accumulator_free(acc);
    prc_batch_free(batch);
    prc_options_free(o);
    return NULL;
}

struct data {
    float *scores;
    uint8_t *labels;
    uint32_t *cells;
    uint64_t *hist;
};

static uint64_t mix(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15u);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* Scores 0.3 u^3 (as the bench's background) with 10 % confident
 * positives, or uniform; 1 % of labels ignored. */
static void make_data(struct data *d, size_t n, int bins, int uniform,
                      uint64_t seed)
{
    size_t i;

    d->scores = malloc(n * sizeof *d->scores);
    d->labels = malloc(n);
    d->cells = malloc(n * sizeof *d->cells);
    d->hist = calloc(4 * 3 * ((size_t)bins + 2), sizeof *d->hist);
    if (!d->scores || !d->labels || !d->cells || !d->hist) {
        fprintf(stderr, "prcurve-wall: out of memory\n");
        exit(1);
    }
    for (i = 0; i < n; i++) {
        double u = (double)(mix(&seed) >> 11) * 0x1p-53;
        int r = (int)(mix(&seed) % 100);

        if (uniform)
            d->scores[i] = (float)u;
        else
            d->scores[i] = r < 10 ? (float)(0.65 + 0.3 * u)
                                  : (float)(0.3 * u * u * u);
        d->labels[i] = r == 99 ? 255 : r < 10 ? 1 : 0;
    }
    classify(d->scores, d->labels, n, bins, d->cells);
}

static void free_data(struct data *d)
{
    free(d->scores);
    free(d->labels);
    free(d->cells);
    free(d->hist);
}

static int compare(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

/* Median and best seconds of `reps` runs of variant v on `threads`
 * threads, each on its own data. */
static void measure(enum variant v, struct data *d, size_t n, int repeat,
                    int bins, int side, int threads, int reps, double *med,
                    double *best)
{
    double t[32];
    int k, i;

    for (k = 0; k < reps; k++) {
        struct job j[2];
        pthread_t tid;
        double slowest = 0.0;

        for (i = 0; i < threads; i++) {
            memset(&j[i], 0, sizeof j[i]);
            j[i].v = v;
            j[i].scores = d[i].scores;
            j[i].labels = d[i].labels;
            j[i].cells = d[i].cells;
            j[i].hist = d[i].hist;
            j[i].n = n;
            j[i].repeat = repeat;
            j[i].bins = bins;
            j[i].side = side;
        }
        if (threads > 1 && pthread_create(&tid, NULL, run_job, &j[1]) != 0)
            threads = 1;
        run_job(&j[0]);
        if (threads > 1)
            pthread_join(tid, NULL);
        for (i = 0; i < threads; i++)
            if (j[i].seconds > slowest || j[i].seconds < 0.0)
                slowest = j[i].seconds;
        t[k] = slowest;
    }
    qsort(t, (size_t)reps, sizeof *t, compare);
    *med = t[reps / 2];
    *best = t[0];
}

int main(int argc, char **argv)
{
    int bins = 1000, uniform = 0, reps = 5, side = 256, i, c, th, v;
    struct data d[2];

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--bins") == 0 && i + 1 < argc)
            bins = atoi(argv[++i]);
        else if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc)
            reps = atoi(argv[++i]);
        else if (strcmp(argv[i], "--side") == 0 && i + 1 < argc)
            side = atoi(argv[++i]);
        else if (strcmp(argv[i], "--uniform") == 0)
            uniform = 1;
        else {
            fprintf(stderr, "usage: prcurve-wall [--bins B] [--uniform] "
                            "[--reps N] [--side S]\n");
            return 2;
        }
    }
    if (bins < 1 || bins > MAX_BINS || reps < 1 || reps > 31
        || (side != 64 && side != 128 && side != 256)) {
        fprintf(stderr, "prcurve-wall: bins 1..%d, reps 1..31, side 64, "
                        "128 or 256\n", MAX_BINS);
        return 2;
    }
    printf("prcurve-wall (experiment): %d bins, %s scores, library fed "
           "%d x %d images, median (best) of %d\n",
           bins, uniform ? "uniform" : "bench-like", side, side, reps);
    printf("%-14s %-5s %3s %9s %9s %11s\n", "variant", "data", "thr",
           "ns/px", "best", "G px/s all");
    for (c = 0; c < 2; c++) {
        size_t n = c == 0 ? IN_CACHE : OUT_CACHE;
        int repeat = c == 0 ? (int)(OUT_CACHE / IN_CACHE) : 1;

        for (i = 0; i < 2; i++)
            make_data(&d[i], n, bins, uniform, 12345u + (uint64_t)i);
        for (v = 0; v < VARIANTS; v++)
            for (th = 1; th <= 2; th++) {
                double med, best, px = (double)n * repeat;
                measure((enum variant)v, d, n, repeat, bins, side, th, reps,
                        &med, &best);
                if (med < 0.0) {
                    printf("%-14s %-5s %3d not available here\n",
                           variant_name[v], c ? "mem" : "L2", th);
                    continue;
                }
                printf("%-14s %-5s %3d %9.3f %9.3f %11.2f\n",
                       variant_name[v], c ? "mem" : "L2", th,
                       1e9 * med / px, 1e9 * best / px,
                       th * px / med * 1e-9);
                fflush(stdout);
            }
        for (i = 0; i < 2; i++)
            free_data(&d[i]);
    }
    return 0;
}
