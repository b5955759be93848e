/*
 * internal.h - structures shared by libprcurve's source files.  Nothing here
 * is part of the public interface; non-static names carry the prc__ prefix.
 */
#ifndef PRC_INTERNAL_H
#define PRC_INTERNAL_H

#include "prcurve.h"

/* An allocator and its user pointer; see prc_set_default_allocator. */
typedef struct prc__allocator {
    prc_malloc_fn malloc_fn;
    prc_realloc_fn realloc_fn;
    prc_free_fn free_fn;
    void *user;
} prc__allocator;

/* The allocator new objects take (alloc.c). */
prc__allocator prc__default_allocator(void);

/* Allocates n * size bytes, zeroed when `zero`; NULL on failure or if the
 * product overflows. */
void *prc__alloc(const prc__allocator *a, size_t n, size_t size, int zero);
void prc__free(const prc__allocator *a, void *pointer);

/* Options are stored by their number; slot 0 is unused.  Merging compares
 * the semantic ones; serialization stores them all and reads back only the
 * semantic ones. */
#define PRC__OPTION_MAX 14

/* Whether an option decides what is counted (else only how fast). */
#define PRC__SEMANTIC(option) \
    ((option) != PRC_OPT_KERNEL && (option) != PRC_OPT_THREADS)

struct prc_options {
    int64_t value[PRC__OPTION_MAX + 1];
    /* Valid scores [range_lo, range_hi], and thresholds of the caller's
     * own (NULL: uniform over the range).  An accumulator keeps its own
     * copy of the thresholds, and NULL here. */
    double range_lo, range_hi;
    int has_range;
    double *thresholds;
    size_t threshold_count;
    prc__allocator allocator;  /* for accumulators made from these, if */
    int has_allocator;         /* set by prc_options_set_allocator */
    prc__allocator own;        /* the one that made this object */
};

int prc__option_valid(prc_option option);

struct prc_batch {
    prc__allocator own;
    size_t images;
    size_t height;
    size_t width;
    int has_shape;
    prc_dtype score_dtype;
    const void *scores;
    prc_dtype label_dtype;
    const void *labels;
    int layout;              /* enum prc_layout */
    int class_strided;       /* class strides set */
    int64_t score_class_stride;
    int64_t label_class_stride;
    int score_strided;       /* strides set; else contiguous */
    int label_strided;
    int64_t score_stride[3]; /* bytes: image, row, column */
    int64_t label_stride[3];
    prc_dtype weight_dtype;
    const void *weights;     /* NULL: none */
    int weight_strided;
    int64_t weight_stride[3];
    const void *mask;        /* NULL: none; one byte a pixel, 0 ignored */
    int mask_strided;
    int64_t mask_stride[3];
};

/* Bytes per element of a data type, 0 for an unknown one. */
size_t prc__dtype_size(prc_dtype dtype);

/*
 * Everything an accumulator has counted lives in one array of uint64_t,
 * `state`, and every element of it is a sum over the pixels or images fed.
 * Merging two accumulators is therefore element-wise addition, and so is an
 * MPI or torch.distributed all-reduce of the raw array.  The state is one
 * block per class, each block laid out as:
 *
 *   header       PRC__STATE_HEADER tallies (indices below)
 *   counts       2 * slots + 2: the histogram (see below)
 *   per-image    6 * rows, only in per-image mode: precision and recall
 *                sums as two limbs each, then NaN counts (see fixed point)
 *   replicates   K * 2 * slots, with K bootstrap replicates: each a
 *                negatives and a positives histogram, every image added
 *                with its Poisson(1) weight
 *
 * The histogram holds negatives[slots], positives[slots], one cell for
 * ignored pixels and one for skipped ones.  A pixel's slot is the number of
 * thresholds at which it is predicted positive (0..B+1), so the pixel is
 * predicted positive at threshold k exactly when slot > k.
 *
 * Fixed point: a per-image value v in [0, 1] (precision, recall, AP) is
 * rounded down to q = floor(v * 2^62) and added as two limbs, q >> 31 and
 * q & (2^31 - 1), each to its own uint64_t sum.  With at most
 * PRC__MAX_IMAGES images neither limb sum can wrap, the total does not
 * depend on the order in which images arrive, and subtracting an image
 * undoes it exactly.
 */
enum {
    PRC__FED = 0,        /* every pixel fed, ignored and skipped included */
    PRC__IMAGES,         /* images with at least one counted pixel */
    PRC__IMAGES_WITHOUT_POSITIVES,
    PRC__AP_HI,          /* per-image mode: the images' APs, fixed point */
    PRC__AP_LO,
    PRC__STATE_HEADER
};

#define PRC__MAX_IMAGES (((uint64_t)1 << 33) - 1)
#define PRC__FIXED_LIMB_BITS 31

struct prc_accumulator {
    prc__allocator allocator;
    prc_options options;
    size_t classes;
    int multilabel;
    size_t block_length; /* state values per class */
    size_t replicates;   /* PRC_OPT_BOOTSTRAP */
    int weighted;        /* PRC_OPT_WEIGHTED */
    uint64_t seed;
    size_t bins;
    size_t rows;         /* bins + 1 */
    size_t slots;        /* bins + 2 */
    size_t cells;        /* 2 * slots + 2 */
    int rule;
    int per_image;
    double zero_division;
    int custom;          /* a range or thresholds of the caller's own */
    double range_lo, range_hi;
    double *thresholds;  /* rows thresholds, then +infinity */
    uint32_t u8_slot[256];
    uint8_t label_class[256]; /* for PRC_DTYPE_UINT8 labels */
    uint8_t bool_class[256];  /* for PRC_DTYPE_BOOL labels */

    uint64_t *state;
    size_t state_length;
    int whole_images;        /* per-image mode or replicates: every image
                                goes through the scratch histogram */

    uint64_t *image_counts;  /* one image's scratch histogram, not state */
    int kernel;              /* enum prc_kernel, resolved */
    int threads;
    uint64_t *workers;       /* threads > 1: per thread a state, then a
                                scratch histogram */
    /* Per thread split_size values: PRC__SPLIT interleaved copies of a
     * 32-bit histogram, each split_stride long, so that consecutive pixels
     * count into different copies and a run of pixels in one cell is not
     * one chain of dependent increments.  The copies hold the cells (when
     * there are at most PRC__SPLIT_MAX_CELLS) or, for uint8 scores, 256
     * score bytes per label class.  With more cells, one copy of the cells
     * instead: half the size of the 64-bit state, for the caches.  Feeds
     * add them into the state (feed.c) and leave them zero. */
    uint32_t *split;
    size_t split_stride;
    size_t split_size;
    void *feeds;             /* several classes: each class's feed setup
                                (feed.c), prc__feed_size() bytes each */
    char last_error[320];
};

/* The value of a two-limb fixed-point sum. */
double prc__fixed_value(uint64_t hi, uint64_t lo);

/* Index of the ignored and skipped cells in counts[]. */
#define PRC__IGNORED_CELL(acc) (2 * (acc)->slots)
#define PRC__SKIPPED_CELL(acc) (2 * (acc)->slots + 1)

/* Fills thresholds[], u8_slot[] and the label class tables (feed.c):
 * PRC_OK, or PRC_E_OPTION_VALUE if a range gives thresholds that are not
 * strictly increasing. */
prc_status prc__build_tables(prc_accumulator *acc);

/* The kernel PRC_OPT_KERNEL's value selects on this processor, or -1 if
 * it is not available (feed.c). */
int prc__resolve_kernel(int requested);

#define PRC__MAX_THREADS 256

/* Bytes of one class's feed setup (feed.c). */
size_t prc__feed_size(void);

/* Copies of the split histogram, and the most cells it holds. */
#define PRC__SPLIT 4
#define PRC__SPLIT_MAX_CELLS 4096
/* Cells of uint8 scores in the split histogram: 256 score bytes each for
 * negative, positive and ignored pixels. */
#define PRC__U8_CELLS 768

/* The caps of one class's block: pixels fed and images, divided among the
 * classes so that their sums, the pooled problem, fit as well. */
uint64_t prc__max_fed(const prc_accumulator *acc);
uint64_t prc__max_images(const prc_accumulator *acc);

/* Number of uint64_t values in one class's block, and in the whole state,
 * of an accumulator with these (valid) options. */
size_t prc__block_length(const prc_options *options);
size_t prc__state_length(const prc_options *options);

/* Checks that `state` (acc->state_length values) could be the state of an
 * accumulator with acc's options: PRC_OK or PRC_E_STATE. */
prc_status prc__check_block(const prc_accumulator *acc,
                            const uint64_t *block);
prc_status prc__check_state(const prc_accumulator *acc,
                            const uint64_t *state);

/*
 * Step-wise average precision of one histogram (negatives, positives, each
 * `slots` long) with `positives` positive pixels in all: the sum over rows k
 * of (R[k] - R[k+1]) * P[k].  Needs positives > 0.
 */
double prc__average_precision(const uint64_t *negatives,
                              const uint64_t *positives, size_t slots,
                              uint64_t total_positives);

#endif /* PRC_INTERNAL_H */
