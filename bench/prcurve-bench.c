/*
 * prcurve-bench - throughput and memory of prc_accumulator_feed.
 *
 * Generates segmentation-like maps deterministically (mostly low scores,
 * confident blobs, labels 0/1 with a few ignore pixels), measures this
 * machine's read bandwidth in the same process, then times one feed of the
 * whole data set per run, on data evicted from the caches beforehand, for
 * every configuration: float32 scores at 1000 and 65536 bins, uint8 scores
 * at 255 bins, per-image mode off and on, and 19-class float32 maps (N x C
 * x H x W, softmax-like) with class-index labels.  Prints the median of
 * the runs as pixels/s, bytes/s and the fraction of the measured
 * bandwidth, whether every kernel and thread count counted exactly the
 * same (AP and whole state), and the resident memory of an accumulator fed
 * once and ten times the data.
 *
 * Kernels, worker threads and classes are options the library may lack.
 * The bench probes for them (a header constant found at configure time, or
 * an option number given on the command line, confirmed at run time with
 * prc_option_bounds) and reports each requested value as measured or as
 * not available in this build.
 *
 * Usage: prcurve-bench [--quick] [--runs N] [--json] [--threads LIST]
 *                      [--paths LIST] [--threads-option N]
 *                      [--path-option N] [--write-data DIR]
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <prcurve.h>

/* Option numbers of the tunables, when the header names them. */
#ifdef PRC_BENCH_HAVE_OPT_THREADS
#define BENCH_OPT_THREADS ((int)PRC_OPT_THREADS)
#else
#define BENCH_OPT_THREADS 0
#endif
#ifdef PRC_BENCH_HAVE_OPT_KERNEL
#define BENCH_OPT_KERNEL ((int)PRC_OPT_KERNEL)
#else
#define BENCH_OPT_KERNEL 0
#endif

/* The multi-class data set: classes, and whether the library takes them
 * (PRC_OPT_CLASSES and prc_batch_set_layout). */
#define BENCH_CLASSES 19

/* A list value meaning "leave the option at the library's default". */
#define DEFAULT_VALUE (-1L)
#define MAX_LIST 16
#define MAX_ROWS 1024
#define MAX_BW_THREADS 64

/* ------------------------------------------------------------------------ */
/* Small helpers                                                            */
/* ------------------------------------------------------------------------ */

static double now_seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void *xmalloc(size_t size)
{
    void *p = malloc(size);

    if (!p) {
        fprintf(stderr, "prcurve-bench: out of memory (%zu bytes)\n", size);
        exit(1);
    }
    return p;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, compare_doubles);
    if (n % 2)
        return v[n / 2];
    return 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* Resident set size in KiB from /proc/self/status, or the peak from
 * getrusage where /proc is missing (then it can only grow). */
static long rss_kib(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kib = -1;
    struct rusage ru;

    if (f) {
        while (fgets(line, sizeof line, f))
            if (strncmp(line, "VmRSS:", 6) == 0)
                kib = strtol(line + 6, NULL, 10);
        fclose(f);
    }
    if (kib < 0 && getrusage(RUSAGE_SELF, &ru) == 0)
        kib = ru.ru_maxrss;
    return kib;
}

/* ------------------------------------------------------------------------ */
/* Deterministic data                                                       */
/* ------------------------------------------------------------------------ */

/* splitmix64: a 64-bit counter through a bijective mixer. */
struct rng {
    uint64_t state;
};

static uint64_t rng_next(struct rng *r)
{
    uint64_t z = (r->state += 0x9e3779b97f4a7c15u);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* Uniform in [0, 1) with 53 random bits. */
static double rng_uniform(struct rng *r)
{
    return (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

/* What a result row remembers of its data set. */
struct shape {
    const char *name;
    size_t images, height, width, pixels;
};

struct dataset {
    const char *name;
    size_t images, height, width, pixels;
    int classes;     /* 1: binary maps; more: N x C x H x W scores */
    float *f32;      /* scores in [0, 1]; C channels per image */
    uint8_t *u8;     /* the same scores rounded to v / 255 (binary only) */
    uint8_t *labels; /* 0, 1 or 255; class indices or 255 with classes */
};

/* A blob: an ellipse the model found, missed, or imagined. */
enum { BLOB_FOUND, BLOB_MISSED, BLOB_FALSE };

struct blob {
    double cy, cx, ry, rx, confidence, band;
    int kind;
};

static struct blob random_blob(struct rng *r, size_t h, size_t w)
{
    double side = (double)(h < w ? h : w), u = rng_uniform(r);
    struct blob b;

    b.kind = u < 0.7 ? BLOB_FOUND : u < 0.85 ? BLOB_MISSED : BLOB_FALSE;
    b.cy = rng_uniform(r) * (double)h;
    b.cx = rng_uniform(r) * (double)w;
    b.ry = side * (0.03 + 0.12 * rng_uniform(r));
    b.rx = side * (0.03 + 0.12 * rng_uniform(r));
    b.confidence = b.kind == BLOB_FOUND    ? 0.65 + 0.33 * rng_uniform(r)
                   : b.kind == BLOB_MISSED ? 0.10 + 0.30 * rng_uniform(r)
                                           : 0.45 + 0.45 * rng_uniform(r);
    /* Half of the true blobs get an ignored rim about two pixels wide. */
    b.band = b.kind != BLOB_FALSE && rng_uniform(r) < 0.5
                 ? 2.0 / (b.ry < b.rx ? b.ry : b.rx)
                 : 0.0;
    return b;
}

static size_t clamp_index(double v, size_t n)
{
    if (v < 0.0)
        return 0;
    return v >= (double)n ? n : (size_t)v;
}

/* Paints one blob: a soft score edge, its label inside, its rim. */
static void paint_blob(const struct blob *b, struct rng *r, float *s,
                       uint8_t *l, size_t h, size_t w)
{
    size_t y0 = clamp_index(b->cy - 1.5 * b->ry, h);
    size_t y1 = clamp_index(b->cy + 1.5 * b->ry + 1.0, h);
    size_t x0 = clamp_index(b->cx - 1.5 * b->rx, w);
    size_t x1 = clamp_index(b->cx + 1.5 * b->rx + 1.0, w);
    size_t y, x;

    for (y = y0; y < y1; y++) {
        double dy = ((double)y - b->cy) / b->ry;
        for (x = x0; x < x1; x++) {
            double dx = ((double)x - b->cx) / b->rx;
            double d = sqrt(dx * dx + dy * dy);
            double v = b->confidence / (1.0 + exp(8.0 * (d - 1.0)));
            size_t i = y * w + x;

            v += 0.06 * (rng_uniform(r) - 0.5);
            if (v > s[i])
                s[i] = (float)(v < 0.0 ? 0.0 : v > 1.0 ? 1.0 : v);
            if (b->kind != BLOB_FALSE && d < 1.0)
                l[i] = 1;
            if (b->band > 0.0 && fabs(d - 1.0) < b->band)
                l[i] = 255;
        }
    }
}

/* One image from its own seed, so images can be made in any order. */
static void make_image(uint64_t seed, float *s, uint8_t *l, size_t h, size_t w)
{
    struct rng r;
    size_t i, n = h * w;
    int k, blobs;

    r.state = seed;
    for (i = 0; i < n; i++) {
        double u = rng_uniform(&r);
        s[i] = (float)(0.3 * u * u * u);
        l[i] = 0;
    }
    blobs = 3 + (int)(rng_next(&r) % 6);
    for (k = 0; k < blobs; k++) {
        struct blob b = random_blob(&r, h, w);
        paint_blob(&b, &r, s, l, h, w);
    }
}

/*
 * One multi-class image: background (class 0) with three to eight elliptic
 * objects of classes 1..C-1, found, missed or imagined as in the binary
 * maps.  Each pixel gets logits of noise plus a boost for the class the
 * model believes in, through a softmax, so that the C scores of a pixel
 * sum to 1 (to float rounding).  Objects' rims are ignored as above.
 * `pred` and `boost` are scratch planes of h * w.
 */
static void make_class_image(uint64_t seed, int classes, float *s,
                             uint8_t *l, uint8_t *pred, float *boost,
                             size_t h, size_t w)
{
    struct rng r;
    size_t i, n = h * w, y, x;
    int k, c, blobs;

    r.state = seed;
    memset(l, 0, n);
    memset(pred, 0, n);
    for (i = 0; i < n; i++)
        boost[i] = 3.0f;
    blobs = 3 + (int)(rng_next(&r) % 6);
    for (k = 0; k < blobs; k++) {
        struct blob b = random_blob(&r, h, w);
        uint8_t cls = (uint8_t)(1 + rng_next(&r) % (uint64_t)(classes - 1));
        size_t y0 = clamp_index(b.cy - 1.5 * b.ry, h);
        size_t y1 = clamp_index(b.cy + 1.5 * b.ry + 1.0, h);
        size_t x0 = clamp_index(b.cx - 1.5 * b.rx, w);
        size_t x1 = clamp_index(b.cx + 1.5 * b.rx + 1.0, w);

        for (y = y0; y < y1; y++)
            for (x = x0; x < x1; x++) {
                double dy = ((double)y - b.cy) / b.ry;
                double dx = ((double)x - b.cx) / b.rx;
                double d = sqrt(dx * dx + dy * dy);
                float v = (float)(8.0 * b.confidence
                                  / (1.0 + exp(8.0 * (d - 1.0))));

                i = y * w + x;
                if (b.kind != BLOB_MISSED && v > boost[i]) {
                    boost[i] = v;
                    pred[i] = cls;
                }
                if (b.kind != BLOB_FALSE && d < 1.0)
                    l[i] = cls;
                if (b.band > 0.0 && fabs(d - 1.0) < b.band)
                    l[i] = 255;
            }
    }
    for (i = 0; i < n; i++) {
        float z[256], sum = 0.0f;

        for (c = 0; c < classes; c++) {
            z[c] = (float)exp(1.5 * rng_uniform(&r)
                              + (c == pred[i] ? boost[i] : 0.0f));
            sum += z[c];
        }
        for (c = 0; c < classes; c++)
            s[(size_t)c * n + i] = z[c] / sum;
    }
}

struct maker {
    struct dataset *d;
    size_t first, step;
};

static void *make_images(void *arg)
{
    const struct maker *m = arg;
    struct dataset *d = m->d;
    size_t n = d->height * d->width, i, p;

    if (d->classes > 1) {
        uint8_t *pred = xmalloc(n);
        float *boost = xmalloc(n * sizeof *boost);

        for (i = m->first; i < d->images; i += m->step)
            make_class_image(0xc1a55000u + i * 0x10001u + d->height,
                             d->classes, d->f32 + i * n * (size_t)d->classes,
                             d->labels + i * n, pred, boost, d->height,
                             d->width);
        free(pred);
        free(boost);
        return NULL;
    }
    for (i = m->first; i < d->images; i += m->step) {
        make_image(0x5eed0000u + i * 0x10001u + d->height, d->f32 + i * n,
                   d->labels + i * n, d->height, d->width);
        for (p = i * n; p < (i + 1) * n; p++)
            d->u8[p] = (uint8_t)(d->f32[p] * 255.0f + 0.5f);
    }
    return NULL;
}

/* Fills a data set, images spread over the machine's cores. */
static void dataset_make(struct dataset *d, const char *name, size_t images,
                         size_t height, size_t width, int classes, int cpus)
{
    pthread_t tid[MAX_BW_THREADS];
    struct maker m[MAX_BW_THREADS];
    int started[MAX_BW_THREADS], t;
    int n = cpus < MAX_BW_THREADS ? cpus : MAX_BW_THREADS;

    d->name = name;
    d->images = images;
    d->height = height;
    d->width = width;
    d->pixels = images * height * width;
    d->classes = classes;
    d->f32 = xmalloc(d->pixels * (size_t)classes * sizeof *d->f32);
    d->u8 = classes > 1 ? NULL : xmalloc(d->pixels);
    d->labels = xmalloc(d->pixels);
    for (t = 0; t < n; t++) {
        m[t].d = d;
        m[t].first = (size_t)t;
        m[t].step = (size_t)n;
        started[t] = pthread_create(&tid[t], NULL, make_images, &m[t]) == 0;
    }
    for (t = 0; t < n; t++) {
        if (started[t])
            pthread_join(tid[t], NULL);
        else
            make_images(&m[t]);
    }
}

static struct shape shape_of(const struct dataset *d)
{
    struct shape s;

    s.name = d->name;
    s.images = d->images;
    s.height = d->height;
    s.width = d->width;
    s.pixels = d->pixels;
    return s;
}

static void dataset_free(struct dataset *d)
{
    free(d->f32);
    free(d->u8);
    free(d->labels);
}

/* ------------------------------------------------------------------------ */
/* .npy output, for the Python peers                                        */
/* ------------------------------------------------------------------------ */

static int write_npy(const char *path, const char *descr, const void *data,
                     size_t item, const struct dataset *d)
{
    char header[128];
    int len;
    FILE *f = fopen(path, "wb");
    size_t n;

    if (!f)
        return -1;
    len = snprintf(header, sizeof header,
                   "{'descr': '%s', 'fortran_order': False, "
                   "'shape': (%zu, %zu, %zu), }",
                   descr, d->images, d->height, d->width);
    /* Magic, version 1.0, header length, header padded to 64 bytes. */
    while ((10 + len + 1) % 64)
        header[len++] = ' ';
    header[len++] = '\n';
    fwrite("\x93NUMPY\x01\x00", 1, 8, f);
    fputc(len & 0xff, f);
    fputc(len >> 8, f);
    fwrite(header, 1, (size_t)len, f);
    n = fwrite(data, item, d->pixels, f);
    if (fclose(f) != 0 || n != d->pixels)
        return -1;
    return 0;
}

static int write_dataset(const char *dir, const struct dataset *d)
{
    char path[4096];
    int rc = 0;

    /* The directory itself, if it is not there yet (not its parents). */
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "prcurve-bench: %s: cannot create it: %s\n", dir,
                strerror(errno));
        return -1;
    }
    snprintf(path, sizeof path, "%s/%s_scores_f32.npy", dir, d->name);
    rc |= write_npy(path, "<f4", d->f32, 4, d);
    snprintf(path, sizeof path, "%s/%s_scores_u8.npy", dir, d->name);
    rc |= write_npy(path, "|u1", d->u8, 1, d);
    snprintf(path, sizeof path, "%s/%s_labels.npy", dir, d->name);
    rc |= write_npy(path, "|u1", d->labels, 1, d);
    if (rc)
        fprintf(stderr, "prcurve-bench: %s: cannot write the %s data: %s\n",
                dir, d->name, strerror(errno));
    return rc;
}

/* ------------------------------------------------------------------------ */
/* Read bandwidth                                                           */
/* ------------------------------------------------------------------------ */

struct reader {
    const uint64_t *words;
    size_t count;
    uint64_t sum;
};

/* Sums words with four independent chains, enough to outrun memory. */
static void *read_words(void *arg)
{
    struct reader *r = arg;
    uint64_t a = 0, b = 0, c = 0, d = 0;
    size_t i;

    for (i = 0; i + 4 <= r->count; i += 4) {
        a += r->words[i];
        b += r->words[i + 1];
        c += r->words[i + 2];
        d += r->words[i + 3];
    }
    for (; i < r->count; i++)
        a += r->words[i];
    r->sum = a + b + c + d;
    return NULL;
}

/* Keeps the compiler from dropping a sum nobody reads. */
static volatile uint64_t sink;

/* Seconds to read all `count` words once, split over `threads` threads. */
static double read_once(const uint64_t *words, size_t count, int threads)
{
    pthread_t tid[MAX_BW_THREADS];
    struct reader r[MAX_BW_THREADS];
    size_t share = count / (size_t)threads;
    int started[MAX_BW_THREADS] = {0}, t;
    double t0 = now_seconds(), t1;

    for (t = 0; t < threads; t++) {
        r[t].words = words + (size_t)t * share;
        r[t].count = t == threads - 1 ? count - (size_t)t * share : share;
    }
    for (t = 1; t < threads; t++)
        started[t] = pthread_create(&tid[t], NULL, read_words, &r[t]) == 0;
    read_words(&r[0]);
    for (t = 1; t < threads; t++) {
        if (started[t])
            pthread_join(tid[t], NULL);
        else
            read_words(&r[t]);
    }
    t1 = now_seconds();
    for (t = 0; t < threads; t++)
        sink += r[t].sum;
    return t1 - t0;
}

/* Best of `runs` reads of the buffer, in bytes per second. */
static double read_bandwidth(const uint64_t *words, size_t count, int threads,
                             int runs)
{
    double best = 1e300;
    int i;

    for (i = 0; i < runs; i++) {
        double s = read_once(words, count, threads);
        if (s < best)
            best = s;
    }
    return (double)(count * sizeof *words) / best;
}

/* ------------------------------------------------------------------------ */
/* Tunables the library may or may not have                                 */
/* ------------------------------------------------------------------------ */

struct tunable {
    const char *name;   /* "threads" or "path" */
    const char *header; /* the header constant that names it */
    int option;         /* its number, 0 if unknown */
    int available;
    int64_t min, max, def;
    char why[160]; /* why not available */
    long list[MAX_LIST];
    int count;
};

static void tunable_probe(struct tunable *t)
{
    int64_t lo = 0, hi = 0, def = 0;
    prc_status st;

    t->available = 0;
    if (t->option <= 0) {
        snprintf(t->why, sizeof t->why,
                 "the header has no %s (or pass --%s-option N)", t->header,
                 t->name);
        return;
    }
    st = prc_option_bounds((prc_option)t->option, &lo, &hi, &def);
    if (st != PRC_OK) {
        snprintf(t->why, sizeof t->why, "option %d: %s", t->option,
                 prc_status_name(st));
        return;
    }
    t->available = 1;
    t->min = lo;
    t->max = hi;
    t->def = def;
    t->why[0] = '\0';
}

/* Parses "1,2,4" or "default,2" into t->list. */
static int tunable_parse(struct tunable *t, const char *text)
{
    const char *p = text;
    char *end;

    t->count = 0;
    while (*p && t->count < MAX_LIST) {
        if (strncmp(p, "default", 7) == 0) {
            t->list[t->count++] = DEFAULT_VALUE;
            end = (char *)p + 7;
        } else {
            long v = strtol(p, &end, 10);
            if (end == p || v < 0)
                return -1;
            t->list[t->count++] = v;
        }
        if (*end != ',' && *end != '\0')
            return -1;
        p = *end ? end + 1 : end;
    }
    return *p ? -1 : 0;
}

/* Fills in the default list, and makes sure the library's own default is
 * measured once when the option is missing. */
static void tunable_finish(struct tunable *t, int cpus, int is_threads)
{
    int i, has_default = 0;
    int64_t v;

    if (t->count == 0 && t->available) {
        if (is_threads) {
            t->list[t->count++] = 1;
            if (cpus > 1)
                t->list[t->count++] = cpus;
        } else {
            /* Every named kernel; 0, automatic, only picks one of them. */
            for (v = t->min > 0 || t->max < 1 ? t->min : 1;
                 v <= t->max && t->count < MAX_LIST; v++)
                t->list[t->count++] = (long)v;
        }
    }
    for (i = 0; i < t->count; i++)
        has_default |= t->list[i] == DEFAULT_VALUE;
    if (!t->available && !has_default && t->count < MAX_LIST) {
        memmove(t->list + 1, t->list, (size_t)t->count * sizeof *t->list);
        t->list[0] = DEFAULT_VALUE;
        t->count++;
    }
    if (t->count == 0)
        t->list[t->count++] = DEFAULT_VALUE;
}

/* ------------------------------------------------------------------------ */
/* Measuring a configuration                                                */
/* ------------------------------------------------------------------------ */

struct config {
    prc_dtype scores;
    int64_t bins;
    int per_image;
    int classes; /* 1: binary maps */
};

static const struct config configs[] = {
    {PRC_DTYPE_FLOAT32, 1000, 0, 1},  {PRC_DTYPE_FLOAT32, 1000, 1, 1},
    {PRC_DTYPE_FLOAT32, 65536, 0, 1}, {PRC_DTYPE_FLOAT32, 65536, 1, 1},
    {PRC_DTYPE_UINT8, 255, 0, 1},     {PRC_DTYPE_UINT8, 255, 1, 1},
    {PRC_DTYPE_FLOAT32, 1000, 0, BENCH_CLASSES},
};

struct row {
    struct shape data;
    const struct dataset *source; /* only while it is measured */
    struct config cfg;
    long path, threads;
    const char *failure; /* NULL if measured */
    char failure_text[200];
    double median_s, best_s, pixels_per_s, bytes_per_s, bw_fraction, ap;
    uint64_t state_hash; /* of the whole state after the last run */
};

/* Memory at four points: before creating, created, fed 1x, fed 10x. */
struct memory_row {
    struct shape data;
    struct config cfg;
    long threads;
    long rss_kib[4];  /* the whole process, from the kernel */
    size_t heap[4];   /* bytes the accumulator holds, from its allocator */
    size_t heap_peak; /* the most it held at any moment, feeds included */
};

struct bench {
    int quick, runs, json, cpus;
    const char *write_dir;
    struct tunable threads, path;
    int classes_ok;         /* the library takes BENCH_CLASSES classes */
    char classes_why[160];  /* why not */
    double load[2];         /* 1-minute load average at start and end */
    uint64_t *evict; /* larger than the last-level cache */
    size_t evict_words;
    double bandwidth[3]; /* 1 thread, 2 threads, all cpus */
    int bw_threads[3];
    struct row rows[MAX_ROWS];
    int nrows;
    struct memory_row mem[3 * MAX_LIST];
    int nmem;
};

static const char *dtype_name(prc_dtype d)
{
    return d == PRC_DTYPE_FLOAT32 ? "float32" : "uint8";
}

/* Bytes read per pixel: every class's score and one label byte. */
static size_t bytes_per_pixel(const struct config *c)
{
    return (size_t)c->classes * (c->scores == PRC_DTYPE_FLOAT32 ? 4 : 1) + 1;
}

/* The bandwidth measured with `threads` threads, or the closest below. */
static double bandwidth_for(const struct bench *b, long threads)
{
    double bw = b->bandwidth[0];
    int i;

    for (i = 0; i < 3; i++)
        if (b->bw_threads[i] > 0 && b->bw_threads[i] <= threads)
            bw = b->bandwidth[i];
    return bw;
}

static int set_option(prc_options *o, const struct tunable *t, long value,
                      struct row *row)
{
    prc_status st;

    if (value == DEFAULT_VALUE)
        return 0;
    if (!t->available) {
        snprintf(row->failure_text, sizeof row->failure_text,
                 "not available in this build: %s %ld (%s)", t->name, value,
                 t->why);
        return -1;
    }
    st = prc_options_set(o, (prc_option)t->option, value);
    if (st != PRC_OK) {
        snprintf(row->failure_text, sizeof row->failure_text,
                 "not available: %s %ld: %s (bounds %lld..%lld)", t->name,
                 value, prc_status_name(st), (long long)t->min,
                 (long long)t->max);
        return -1;
    }
    return 0;
}

/* Options for a row; NULL with row->failure set if a value is refused. */
static prc_options *row_options(const struct bench *b, struct row *row)
{
    prc_options *o = NULL;

    if (prc_options_create(&o) != PRC_OK) {
        fprintf(stderr, "prcurve-bench: cannot create options\n");
        exit(1);
    }
    prc_options_set(o, PRC_OPT_BINS, row->cfg.bins);
    prc_options_set(o, PRC_OPT_PER_IMAGE, row->cfg.per_image);
#ifdef PRC_BENCH_HAVE_OPT_CLASSES
    if (row->cfg.classes > 1)
        prc_options_set(o, PRC_OPT_CLASSES, row->cfg.classes);
#endif
    if (set_option(o, &b->threads, row->threads, row) != 0
        || set_option(o, &b->path, row->path, row) != 0) {
        row->failure = row->failure_text;
        prc_options_free(o);
        return NULL;
    }
    return o;
}

static prc_batch *whole_batch(const struct dataset *d, prc_dtype scores)
{
    prc_batch *batch = NULL;
    const void *s = scores == PRC_DTYPE_FLOAT32 ? (const void *)d->f32
                                                : (const void *)d->u8;

    if (prc_batch_create(&batch) != PRC_OK
        || prc_batch_set_shape(batch, d->images, d->height, d->width)
        || prc_batch_set_scores(batch, scores, s)
        || prc_batch_set_labels(batch, PRC_DTYPE_UINT8, d->labels)) {
        fprintf(stderr, "prcurve-bench: cannot describe the batch\n");
        exit(1);
    }
#ifdef PRC_BENCH_HAVE_OPT_CLASSES
    if (d->classes > 1 && prc_batch_set_layout(batch, PRC_LAYOUT_NCHW)) {
        fprintf(stderr, "prcurve-bench: cannot set the NCHW layout\n");
        exit(1);
    }
#endif
    return batch;
}

/* FNV-1a over the accumulator's whole state, its length included: equal
 * hashes mean (short of a collision) equal counts. */
static uint64_t state_hash(const prc_accumulator *acc)
{
    const uint64_t *state = NULL;
    size_t length = 0, i;
    uint64_t h = 0xcbf29ce484222325u;
    int k;

    if (prc_accumulator_state(acc, &state, &length) != PRC_OK)
        return 0;
    for (i = 0; i <= length; i++) {
        uint64_t v = i < length ? state[i] : (uint64_t)length;
        for (k = 0; k < 8; k++)
            h = (h ^ (v >> (8 * k) & 0xff)) * 0x100000001b3u;
    }
    return h;
}

static double average_precision(const prc_accumulator *acc)
{
    prc_result *res = NULL;
    double ap = NAN;

    if (prc_accumulator_finalize(acc, &res) == PRC_OK)
        prc_result_metric(res, PRC_AVERAGE_PRECISION, &ap);
    prc_result_free(res);
    return ap;
}

/* Reads the eviction buffer so that the data is not in any cache. */
static void evict_caches(const struct bench *b)
{
    read_once(b->evict, b->evict_words, 1);
}

/* Times `runs` feeds of the whole data set into one accumulator. */
static void time_feeds(const struct bench *b, prc_accumulator *acc,
                       const prc_batch *batch, struct row *row)
{
    double t[64];
    int i, n = b->runs < 64 ? b->runs : 64;
    prc_status st;

    for (i = 0; i < n; i++) {
        double t0;
        prc_accumulator_reset(acc);
        evict_caches(b);
        t0 = now_seconds();
        st = prc_accumulator_feed(acc, batch);
        t[i] = now_seconds() - t0;
        if (st != PRC_OK) {
            snprintf(row->failure_text, sizeof row->failure_text,
                     "feed failed: %s: %s", prc_status_name(st),
                     prc_accumulator_last_error(acc));
            row->failure = row->failure_text;
            return;
        }
    }
    row->ap = average_precision(acc);
    row->state_hash = state_hash(acc);
    row->median_s = median(t, n); /* sorts t */
    row->best_s = t[0];
}

static void measure_row(const struct bench *b, struct row *row)
{
    const struct dataset *d = row->source;
    prc_options *o = row_options(b, row);
    prc_accumulator *acc = NULL;
    prc_batch *batch;
    prc_status st;

    if (!o)
        return;
    if (row->cfg.classes > 1 && !b->classes_ok) {
        snprintf(row->failure_text, sizeof row->failure_text,
                 "not available in this build: %s", b->classes_why);
        row->failure = row->failure_text;
        prc_options_free(o);
        return;
    }
    st = prc_accumulator_create(&acc, o);
    prc_options_free(o);
    if (st != PRC_OK) {
        snprintf(row->failure_text, sizeof row->failure_text,
                 "not available: accumulator_create: %s", prc_status_name(st));
        row->failure = row->failure_text;
        return;
    }
    batch = whole_batch(d, row->cfg.scores);
    time_feeds(b, acc, batch, row);
    prc_batch_free(batch);
    prc_accumulator_free(acc);
    if (row->failure)
        return;

    row->pixels_per_s = (double)d->pixels / row->median_s;
    row->bytes_per_s =
        row->pixels_per_s * (double)bytes_per_pixel(&row->cfg);
    row->bw_fraction =
        row->bytes_per_s
        / bandwidth_for(b, row->threads == DEFAULT_VALUE ? 1 : row->threads);
}

/* An allocator that counts the bytes the library holds. */
struct heap_count {
    pthread_mutex_t lock;
    size_t live, peak;
};

/* Room in front of every block for its size, keeping max_align_t. */
#define HEADER 16

static void heap_add(struct heap_count *h, size_t add, size_t remove)
{
    pthread_mutex_lock(&h->lock);
    h->live = h->live + add - remove;
    if (h->live > h->peak)
        h->peak = h->live;
    pthread_mutex_unlock(&h->lock);
}

static void *count_malloc(size_t size, void *user)
{
    unsigned char *p = size <= SIZE_MAX - HEADER ? malloc(size + HEADER) : NULL;

    if (!p)
        return NULL;
    memcpy(p, &size, sizeof size);
    heap_add(user, size, 0);
    return p + HEADER;
}

static void *count_realloc(void *pointer, size_t size, void *user)
{
    unsigned char *p = pointer ? (unsigned char *)pointer - HEADER : NULL;
    size_t old = 0;

    if (p)
        memcpy(&old, p, sizeof old);
    if (size > SIZE_MAX - HEADER || !(p = realloc(p, size + HEADER)))
        return NULL;
    memcpy(p, &size, sizeof size);
    heap_add(user, size, old);
    return p + HEADER;
}

static void count_free(void *pointer, void *user)
{
    unsigned char *p;
    size_t old;

    if (!pointer)
        return;
    p = (unsigned char *)pointer - HEADER;
    memcpy(&old, p, sizeof old);
    heap_add(user, 0, old);
    free(p);
}

/* Memory around an accumulator fed 1x and 10x the data; 0 if made. */
static int measure_memory(const struct bench *b, const struct dataset *d,
                          struct row *cfg, struct memory_row *m)
{
    struct heap_count heap;
    prc_options *o = row_options(b, cfg);
    prc_accumulator *acc = NULL;
    prc_batch *batch;
    int i;

    if (!o)
        return -1;
    pthread_mutex_init(&heap.lock, NULL);
    heap.live = heap.peak = 0;
    prc_options_set_allocator(o, count_malloc, count_realloc, count_free,
                              &heap);
    m->data = shape_of(d);
    m->cfg = cfg->cfg;
    m->threads = cfg->threads;
    m->rss_kib[0] = rss_kib();
    m->heap[0] = heap.live;
    if (prc_accumulator_create(&acc, o) != PRC_OK) {
        prc_options_free(o);
        return -1;
    }
    prc_options_free(o);
    batch = whole_batch(d, cfg->cfg.scores);
    for (i = 0; i < 10; i++) {
        if (i < 2) {
            m->rss_kib[1 + i] = rss_kib();
            m->heap[1 + i] = heap.live;
        }
        prc_accumulator_feed(acc, batch);
    }
    m->rss_kib[3] = rss_kib();
    m->heap[3] = heap.live;
    m->heap_peak = heap.peak;
    prc_accumulator_free(acc);
    prc_batch_free(batch);
    pthread_mutex_destroy(&heap.lock);
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Output                                                                   */
/* ------------------------------------------------------------------------ */

static const char *value_text(long v, char *buf, size_t size)
{
    if (v == DEFAULT_VALUE)
        return "default";
    snprintf(buf, size, "%ld", v);
    return buf;
}

/* A kernel by its name in the header, else by its number. */
static const char *path_text(long v, char *buf, size_t size)
{
#ifdef PRC_BENCH_HAVE_OPT_KERNEL
    if (v == PRC_KERNEL_AUTO)
        return "auto";
    if (v == PRC_KERNEL_SCALAR)
        return "scalar";
    if (v == PRC_KERNEL_AVX2)
        return "avx2";
    if (v == PRC_KERNEL_SSE2)
        return "sse2";
    if (v == PRC_KERNEL_AVX512)
        return "avx512";
#endif
    return value_text(v, buf, size);
}

/* "float32", "uint8", or "f32x19" for 19 float32 class channels. */
static const char *scores_text(const struct config *c, char *buf, size_t size)
{
    if (c->classes <= 1)
        return dtype_name(c->scores);
    snprintf(buf, size, "f32x%d", c->classes);
    return buf;
}

static void print_row_text(const struct row *r)
{
    char p[24], t[24], sc[24];

    printf("%-6s %9zu %-7s %6lld %-4s %-8s %-8s", r->data.name, r->data.pixels,
           scores_text(&r->cfg, sc, sizeof sc), (long long)r->cfg.bins,
           r->cfg.per_image ? "on" : "off", path_text(r->path, p, sizeof p),
           value_text(r->threads, t, sizeof t));
    if (r->failure) {
        printf(" %s\n", r->failure);
        return;
    }
    printf(" %8.1f %7.3f %6.2f %5.1f%% %.6f\n", r->median_s * 1e3,
           r->pixels_per_s * 1e-9, r->bytes_per_s * 1e-9,
           100.0 * r->bw_fraction, r->ap);
}

static void print_header_text(const struct bench *b)
{
    int i;

    printf("prcurve-bench: libprcurve %s, %d cpu(s)%s, median of %d runs\n",
           prc_version_string(), b->cpus, b->quick ? ", quick sizes" : "",
           b->runs);
    printf("load average (1 min) at start: %.2f\n", b->load[0]);
    for (i = 0; i < 3; i++)
        if (b->bw_threads[i] > 0)
            printf("read bandwidth, %d thread(s): %.1f GB/s\n",
                   b->bw_threads[i], b->bandwidth[i] * 1e-9);
    printf("eviction buffer: %.0f MiB\n",
           (double)(b->evict_words * 8) / (1 << 20));
    if (!b->threads.available)
        printf("threads option: not available in this build (%s)\n",
               b->threads.why);
    if (!b->path.available)
        printf("code path option: not available in this build (%s)\n",
               b->path.why);
    if (!b->classes_ok)
        printf("classes: not available in this build (%s)\n",
               b->classes_why);
    printf("bytes per pixel: 5 float32, 2 uint8, %d for %d float32 classes "
           "+ label\n", BENCH_CLASSES * 4 + 1, BENCH_CLASSES);
    printf("\n%-6s %9s %-7s %6s %-4s %-8s %-8s %8s %7s %6s %6s %s\n", "data",
           "pixels", "scores", "bins", "img", "path", "threads", "ms", "G px/s",
           "GB/s", "of bw", "AP");
}

static void print_memory_text(const struct bench *b)
{
    int i;

    printf("\nmemory around one accumulator: heap bytes it holds (through "
           "its allocator),\nprocess resident set in KiB (VmRSS); "
           "growth = fed 10x - fed 1x\n");
    printf("%-6s %-7s %6s %-4s %-7s %9s %9s %9s %9s %9s %9s %9s %6s\n", "data",
           "scores", "bins", "img", "threads", "heap new", "heap 1x",
           "heap 10x", "heap peak", "rss new", "rss 1x", "rss 10x", "growth");
    for (i = 0; i < b->nmem; i++) {
        const struct memory_row *m = &b->mem[i];
        char t[24];
        printf("%-6s %-7s %6lld %-4s %-7s %9zu %9zu %9zu %9zu %9ld %9ld "
               "%9ld %6ld\n",
               m->data.name, dtype_name(m->cfg.scores), (long long)m->cfg.bins,
               m->cfg.per_image ? "on" : "off",
               value_text(m->threads, t, sizeof t), m->heap[1], m->heap[2],
               m->heap[3], m->heap_peak, m->rss_kib[1], m->rss_kib[2],
               m->rss_kib[3], m->rss_kib[3] - m->rss_kib[2]);
    }
}

static int same_config(const struct row *a, const struct row *b)
{
    return strcmp(a->data.name, b->data.name) == 0
           && a->cfg.scores == b->cfg.scores && a->cfg.bins == b->cfg.bins
           && a->cfg.per_image == b->cfg.per_image
           && a->cfg.classes == b->cfg.classes;
}

/* For the group of rows of one configuration starting at rows[first]:
 * how many were measured, and the first measured row whose AP (bit for
 * bit) or state differs from the group's first measured one (NULL if
 * none).  Returns the group's end. */
static int identity_group(const struct bench *b, int first, int *measured,
                          const struct row **ref, const struct row **odd)
{
    int i;

    *measured = 0;
    *ref = *odd = NULL;
    for (i = first; i < b->nrows && same_config(&b->rows[first], &b->rows[i]);
         i++) {
        const struct row *r = &b->rows[i];
        if (r->failure)
            continue;
        ++*measured;
        if (!*ref)
            *ref = r;
        else if (!*odd && (memcmp(&r->ap, &(*ref)->ap, sizeof r->ap) != 0
                           || r->state_hash != (*ref)->state_hash))
            *odd = r;
    }
    return i;
}

static void print_identity_text(const struct bench *b)
{
    int i = 0, n;
    const struct row *ref, *odd;
    char p[24], t[24], sc[24];

    printf("\nsame counts whatever the kernel and thread count (AP bit for "
           "bit, and a hash\nof the whole accumulator state):\n");
    while (i < b->nrows) {
        const struct row *g = &b->rows[i];
        i = identity_group(b, i, &n, &ref, &odd);
        printf("%-6s %-7s %6lld %-4s %2d run(s): ", g->data.name,
               scores_text(&g->cfg, sc, sizeof sc), (long long)g->cfg.bins,
               g->cfg.per_image ? "on" : "off", n);
        if (n < 2)
            printf("nothing to compare\n");
        else if (!odd)
            printf("identical, AP %.17g\n", ref->ap);
        else
            printf("DIFFERENT: %s/%s AP %.17g against %.17g\n",
                   path_text(odd->path, p, sizeof p),
                   value_text(odd->threads, t, sizeof t), odd->ap, ref->ap);
    }
    printf("\nload average (1 min) at the end: %.2f\n", b->load[1]);
}

static void print_json_number(const char *key, double v, int last)
{
    if (isfinite(v))
        printf("\"%s\": %.6g%s", key, v, last ? "" : ", ");
    else
        printf("\"%s\": null%s", key, last ? "" : ", ");
}

static void print_json_value(const char *key, long v)
{
    if (v == DEFAULT_VALUE)
        printf("\"%s\": \"default\", ", key);
    else
        printf("\"%s\": %ld, ", key, v);
}

static void print_json_row(const struct row *r, int last)
{
    printf("    {\"data\": \"%s\", \"images\": %zu, \"height\": %zu, "
           "\"width\": %zu, \"pixels\": %zu,\n     \"scores\": \"%s\", "
           "\"classes\": %d, \"bytes_per_pixel\": %zu, "
           "\"bins\": %lld, \"per_image\": %s, ",
           r->data.name, r->data.images, r->data.height, r->data.width,
           r->data.pixels, dtype_name(r->cfg.scores), r->cfg.classes,
           bytes_per_pixel(&r->cfg), (long long)r->cfg.bins,
           r->cfg.per_image ? "true" : "false");
    print_json_value("path", r->path);
    print_json_value("threads", r->threads);
    if (r->failure) {
        printf("\"available\": false,\n     \"reason\": \"%s\"}%s\n",
               r->failure, last ? "" : ",");
        return;
    }
    printf("\"available\": true,\n     ");
    print_json_number("median_seconds", r->median_s, 0);
    print_json_number("best_seconds", r->best_s, 0);
    print_json_number("pixels_per_second", r->pixels_per_s, 0);
    print_json_number("bytes_per_second", r->bytes_per_s, 0);
    printf("\n     ");
    print_json_number("bandwidth_fraction", r->bw_fraction, 0);
    printf("\"average_precision\": %.17g, \"state_hash\": \"%016llx\"}%s\n",
           r->ap, (unsigned long long)r->state_hash, last ? "" : ",");
}

static void print_json_tunable(const struct tunable *t, int last)
{
    printf("    \"%s\": {\"available\": %s", t->name,
           t->available ? "true" : "false");
    if (t->available)
        printf(", \"option\": %d, \"min\": %lld, \"max\": %lld, "
               "\"default\": %lld",
               t->option, (long long)t->min, (long long)t->max,
               (long long)t->def);
    else
        printf(", \"reason\": \"%s\"", t->why);
    printf("}%s\n", last ? "" : ",");
}

static void print_json_memory(const struct memory_row *m, int last)
{
    printf("    {\"data\": \"%s\", \"scores\": \"%s\", \"bins\": %lld, "
           "\"per_image\": %s, ",
           m->data.name, dtype_name(m->cfg.scores), (long long)m->cfg.bins,
           m->cfg.per_image ? "true" : "false");
    print_json_value("threads", m->threads);
    printf("\n     \"heap_bytes\": {\"created\": %zu, \"fed_once\": %zu, "
           "\"fed_ten_times\": %zu, \"peak\": %zu},\n     \"rss_kib\": "
           "{\"before\": %ld, \"created\": %ld, \"fed_once\": %ld, "
           "\"fed_ten_times\": %ld}}%s\n",
           m->heap[1], m->heap[2], m->heap[3], m->heap_peak, m->rss_kib[0],
           m->rss_kib[1], m->rss_kib[2], m->rss_kib[3], last ? "" : ",");
}

static void print_json(const struct bench *b)
{
    int i;

    printf("{\n  \"library_version\": \"%s\", \"cpus\": %d, "
           "\"quick\": %s, \"runs\": %d,\n  \"eviction_bytes\": %zu,\n",
           prc_version_string(), b->cpus, b->quick ? "true" : "false", b->runs,
           b->evict_words * 8);
    printf("  \"load_average\": {\"start\": %.2f, \"end\": %.2f},\n",
           b->load[0], b->load[1]);
    printf("  \"bandwidth\": [");
    for (i = 0; i < 3; i++)
        if (b->bw_threads[i] > 0)
            printf("%s{\"threads\": %d, \"bytes_per_second\": %.6g}",
                   i ? ", " : "", b->bw_threads[i], b->bandwidth[i]);
    printf("],\n  \"tunables\": {\n");
    print_json_tunable(&b->threads, 0);
    print_json_tunable(&b->path, 1);
    printf("  },\n  \"results\": [\n");
    for (i = 0; i < b->nrows; i++)
        print_json_row(&b->rows[i], i == b->nrows - 1);
    printf("  ],\n  \"memory\": [\n");
    for (i = 0; i < b->nmem; i++)
        print_json_memory(&b->mem[i], i == b->nmem - 1);
    printf("  ],\n  \"identity\": [\n");
    for (i = 0; i < b->nrows;) {
        const struct row *g = &b->rows[i], *ref, *odd;
        int n;
        i = identity_group(b, i, &n, &ref, &odd);
        printf("    {\"data\": \"%s\", \"scores\": \"%s\", \"classes\": %d, "
               "\"bins\": %lld, \"per_image\": %s, \"measured\": %d, "
               "\"identical\": %s}%s\n",
               g->data.name, dtype_name(g->cfg.scores), g->cfg.classes,
               (long long)g->cfg.bins, g->cfg.per_image ? "true" : "false", n,
               odd ? "false" : "true", i < b->nrows ? "," : "");
    }
    printf("  ]\n}\n");
}

/* ------------------------------------------------------------------------ */
/* Driver                                                                   */
/* ------------------------------------------------------------------------ */

/* The 1-minute load average from /proc/loadavg, or -1. */
static double load_average(void)
{
    FILE *f = fopen("/proc/loadavg", "r");
    double load = -1.0;

    if (f) {
        if (fscanf(f, "%lf", &load) != 1)
            load = -1.0;
        fclose(f);
    }
    return load;
}

/* Whether the library takes BENCH_CLASSES classes. */
static void probe_classes(struct bench *b)
{
#ifdef PRC_BENCH_HAVE_OPT_CLASSES
    int64_t lo = 0, hi = 0;
    prc_status st = prc_option_bounds(PRC_OPT_CLASSES, &lo, &hi, NULL);

    if (st != PRC_OK)
        snprintf(b->classes_why, sizeof b->classes_why,
                 "PRC_OPT_CLASSES: %s", prc_status_name(st));
    else if (hi < BENCH_CLASSES)
        snprintf(b->classes_why, sizeof b->classes_why,
                 "PRC_OPT_CLASSES goes up to %lld only", (long long)hi);
    else
        b->classes_ok = 1;
#else
    snprintf(b->classes_why, sizeof b->classes_why,
             "the header has no PRC_OPT_CLASSES");
#endif
}

static void usage(FILE *f)
{
    fprintf(f, "usage: prcurve-bench [--quick] [--runs N] [--json]\n"
               "                     [--threads LIST] [--paths LIST]\n"
               "                     [--threads-option N] [--path-option N]\n"
               "                     [--write-data DIR]\n"
               "LIST is comma-separated numbers or 'default'.\n");
}

static int parse_count(const char *s, int lo, int hi)
{
    char *end;
    long v = strtol(s, &end, 10);

    return end == s || *end || v < lo || v > hi ? -1 : (int)v;
}

/* One option taking a value; 0 if understood, -1 if not. */
static int parse_valued(struct bench *b, const char *a, const char *v)
{
    if (strcmp(a, "--runs") == 0)
        return (b->runs = parse_count(v, 1, 64)) < 0 ? -1 : 0;
    if (strcmp(a, "--threads") == 0)
        return tunable_parse(&b->threads, v);
    if (strcmp(a, "--paths") == 0)
        return tunable_parse(&b->path, v);
    if (strcmp(a, "--threads-option") == 0)
        return (b->threads.option = parse_count(v, 1, 32767)) < 0 ? -1 : 0;
    if (strcmp(a, "--path-option") == 0)
        return (b->path.option = parse_count(v, 1, 32767)) < 0 ? -1 : 0;
    if (strcmp(a, "--write-data") == 0)
        return (b->write_dir = v), 0;
    return -1;
}

static int parse_args(struct bench *b, int argc, char **argv)
{
    int i;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0) {
            b->quick = 1;
        } else if (strcmp(argv[i], "--json") == 0) {
            b->json = 1;
        } else if (strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            exit(0);
        } else if (i + 1 < argc && parse_valued(b, argv[i], argv[i + 1]) == 0) {
            i++;
        } else {
            fprintf(stderr, "prcurve-bench: bad argument '%s'\n", argv[i]);
            return -1;
        }
    }
    return 0;
}

/* Sizes the eviction buffer past the last-level cache and measures the
 * read bandwidth with 1 thread, 2 threads and every cpu. */
static void measure_bandwidth(struct bench *b)
{
    long l3 = sysconf(_SC_LEVEL3_CACHE_SIZE);
    long l2 = sysconf(_SC_LEVEL2_CACHE_SIZE);
    size_t cache = (size_t)(l3 > l2 ? l3 : l2 > 0 ? l2 : 0), bytes, i;
    int want[3], k, n = 0;

    bytes = b->quick ? (size_t)16 << 20 : 2 * cache;
    if (!b->quick && bytes < (size_t)512 << 20)
        bytes = (size_t)512 << 20;
    b->evict_words = bytes / 8;
    b->evict = xmalloc(b->evict_words * 8);
    for (i = 0; i < b->evict_words; i++)
        b->evict[i] = i;

    want[0] = 1;
    want[1] = 2;
    want[2] = b->cpus < MAX_BW_THREADS ? b->cpus : MAX_BW_THREADS;
    for (k = 0; k < 3; k++) {
        if (k > 0 && (want[k] <= want[n - 1] || want[k] > b->cpus))
            continue;
        b->bw_threads[n] = want[k];
        b->bandwidth[n] =
            read_bandwidth(b->evict, b->evict_words, want[k], b->quick ? 2 : 5);
        n++;
    }
}

static void run_dataset(struct bench *b, const struct dataset *d)
{
    size_t c;
    int p, t;

    for (c = 0; c < sizeof configs / sizeof configs[0]; c++) {
        if ((configs[c].classes > 1) != (d->classes > 1))
            continue;
        for (p = 0; p < b->path.count; p++)
            for (t = 0; t < b->threads.count && b->nrows < MAX_ROWS; t++) {
                struct row *r = &b->rows[b->nrows++];
                memset(r, 0, sizeof *r);
                r->data = shape_of(d);
                r->source = d;
                r->cfg = configs[c];
                r->path = b->path.list[p];
                r->threads = b->threads.list[t];
                r->ap = NAN;
                measure_row(b, r);
                if (!b->json)
                    print_row_text(r);
                fflush(stdout);
            }
    }
}

/* Memory rows on the first data set: per-image mode, every thread count
 * the library accepts. */
static void run_memory(struct bench *b, const struct dataset *d)
{
    static const struct config memory_configs[] = {
        {PRC_DTYPE_FLOAT32, 1000, 1, 1},
        {PRC_DTYPE_FLOAT32, 65536, 1, 1},
        {PRC_DTYPE_UINT8, 255, 1, 1},
    };
    size_t k;
    int t;

    for (k = 0; k < 3; k++)
        for (t = 0; t < b->threads.count; t++) {
            struct row r;
            memset(&r, 0, sizeof r);
            r.cfg = memory_configs[k];
            r.threads = b->threads.list[t];
            r.path = DEFAULT_VALUE;
            if (measure_memory(b, d, &r, &b->mem[b->nmem]) == 0)
                b->nmem++;
        }
}

/* The data sets: binary small and large, then the multi-class one. */
static int run(struct bench *b)
{
    static const char *names[3] = {"small", "large", "class"};
    struct dataset d;
    int i;

    for (i = 0; i < 3; i++) {
        size_t side = i == 1 ? 2048 : 512, images = i == 0 ? 100 : 16;
        if (b->quick)
            side /= 16, images = i == 0 ? 4 : 2;
        dataset_make(&d, names[i], images, side, side,
                     i == 2 ? BENCH_CLASSES : 1, b->cpus);
        if (b->write_dir && i < 2 && write_dataset(b->write_dir, &d) != 0) {
            dataset_free(&d);
            return 1;
        }
        if (i == 0)
            run_memory(b, &d);
        run_dataset(b, &d);
        dataset_free(&d);
    }
    b->load[1] = load_average();
    if (b->json) {
        print_json(b);
    } else {
        print_memory_text(b);
        print_identity_text(b);
    }
    return 0;
}

int main(int argc, char **argv)
{
    static struct bench b;
    int rc;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);

    b.runs = 5;
    b.cpus = cpus > 0 ? (int)cpus : 1;
    b.threads.name = "threads";
    b.threads.header = "PRC_OPT_THREADS";
    b.threads.option = BENCH_OPT_THREADS;
    b.path.name = "path";
    b.path.header = "PRC_OPT_KERNEL";
    b.path.option = BENCH_OPT_KERNEL;
    if (parse_args(&b, argc, argv) != 0) {
        usage(stderr);
        return 2;
    }
    if (b.quick && b.runs == 5)
        b.runs = 3;
    tunable_probe(&b.threads);
    tunable_probe(&b.path);
    probe_classes(&b);
    b.load[0] = load_average();
    tunable_finish(&b.threads, b.cpus, 1);
    tunable_finish(&b.path, b.cpus, 0);

    measure_bandwidth(&b);
    if (!b.json)
        print_header_text(&b);
    rc = run(&b);
    free(b.evict);
    return rc;
}
