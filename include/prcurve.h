/*
 * prcurve.h - precision-recall curves of segmentation models in one pass.
 *
 * libprcurve counts, for every pixel fed to it, which of a fixed set of
 * thresholds its score passes, split by its ground-truth label.  Cumulative
 * sums of those counts give true positives (TP), false positives (FP), false
 * negatives (FN) and true negatives (TN) at every threshold at once, so a
 * whole precision-recall curve costs one read of the data, and memory grows
 * with the number of thresholds, never with the amount of data fed.
 *
 * Objects
 *   prc_options      settings for a new accumulator (bins, rule, ...).
 *   prc_batch        describes caller-owned arrays: N images of H x W scores
 *                    and labels.  Holds pointers only, never copies.
 *   prc_accumulator  the running counts.  Feed batches, finalize, reset.
 *   prc_result       an immutable snapshot: the curve and its summaries.
 *
 * Stability of the interface
 *   Every type is opaque: no structure layout is part of the ABI.  New
 *   settings arrive as new prc_option values, new inputs as new prc_batch
 *   setters or prc_dtype values, new outputs as new prc_column, prc_metric or
 *   prc_tally values.  Enum values are never renumbered or reused, existing
 *   function signatures never change, and the shared object keeps its SONAME
 *   until a release has to break one of these promises.  A program built
 *   against an older header keeps working with a newer library.
 *
 * Errors
 *   Every fallible function returns a prc_status: PRC_OK (0) on success,
 *   another value otherwise.  Results come back through out-parameters, which
 *   are left untouched on failure unless documented otherwise.  A call that
 *   fails changes no counts: a rejected batch leaves the accumulator exactly
 *   as it was.  The library never prints and never aborts on caller input.
 *
 * Threads
 *   Distinct objects may be used from different threads at the same time.
 *   Calls that only read an object (getters on a prc_result, finalize on an
 *   accumulator nobody is feeding) may run concurrently; a call that changes
 *   an object must not run concurrently with any other call on it.
 *
 * Version: everything here arrived in 0.1.0 unless marked otherwise.
 */
#ifndef PRCURVE_H
#define PRCURVE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32) && defined(PRC_BUILDING_LIBRARY)
#define PRC_API __declspec(dllexport)
#elif defined(_WIN32) && !defined(PRC_STATIC)
#define PRC_API __declspec(dllimport)
#elif defined(__GNUC__) && __GNUC__ >= 4
#define PRC_API __attribute__((visibility("default")))
#else
#define PRC_API
#endif

/* ------------------------------------------------------------------------ */
/* Version                                                                  */
/* ------------------------------------------------------------------------ */

#define PRC_VERSION_MAJOR 0
#define PRC_VERSION_MINOR 1
#define PRC_VERSION_PATCH 0
/* MAJOR * 10000 + MINOR * 100 + PATCH, e.g. 100 for 0.1.0. */
#define PRC_VERSION_NUMBER \
    (PRC_VERSION_MAJOR * 10000 + PRC_VERSION_MINOR * 100 + PRC_VERSION_PATCH)
#define PRC_VERSION_STRING "0.1.0"

/* The version of the library actually loaded, as PRC_VERSION_NUMBER.  A
 * program can compare it with the macro to check that header and library
 * agree. */
PRC_API unsigned prc_version_number(void);

/* The same as a static string, e.g. "0.1.0". */
PRC_API const char *prc_version_string(void);

/* ------------------------------------------------------------------------ */
/* Status codes                                                             */
/* ------------------------------------------------------------------------ */

/*
 * One list, X(name, number, message), from which the enum below and the
 * library's name and message tables are made.  Numbers are never reused.
 */
#define PRC_STATUS_LIST(X)                                                    \
    X(PRC_OK, 0, "success")                                                   \
    X(PRC_E_NULL, 1, "a required pointer argument is NULL")                   \
    X(PRC_E_NOMEM, 2, "out of memory")                                        \
    X(PRC_E_OPTION, 3, "unknown option")                                      \
    X(PRC_E_OPTION_VALUE, 4, "option value out of range")                     \
    X(PRC_E_DTYPE, 5, "data type not supported for this input")               \
    X(PRC_E_ZERO_SIZE, 6, "a batch dimension is zero")                        \
    X(PRC_E_OVERFLOW, 7, "batch size overflows the address space")            \
    X(PRC_E_INCOMPLETE, 8, "batch has no shape, scores or labels set")        \
    X(PRC_E_NAN, 9, "a score is NaN")                                         \
    X(PRC_E_RANGE, 10, "a score lies outside its range ([0, 1] by default)")  \
    X(PRC_E_LABEL, 11, "a label is neither 0, 1 nor the ignore label")        \
    X(PRC_E_INDEX, 12, "row index or count out of range")                     \
    X(PRC_E_COLUMN, 13, "unknown column, metric or tally")                    \
    X(PRC_E_NOT_ENABLED, 14, "not enabled by the options (per-image, bootstrap, weights)") \
    X(PRC_E_NO_POSITIVES, 15, "undefined: no positive pixel was fed")         \
    X(PRC_E_NO_IMAGES, 16, "undefined: no image was fed")                     \
    X(PRC_E_COUNT_LIMIT, 17, "a pixel or image count would exceed its cap") \
    X(PRC_E_MISMATCH, 18, "accumulators have different options")          \
    X(PRC_E_BUFFER, 19, "buffer too small")                                 \
    X(PRC_E_FORMAT, 20, "not a well-formed serialized accumulator")         \
    X(PRC_E_VERSION, 21, "serialized by a newer, unknown format version")   \
    X(PRC_E_CHECKSUM, 22, "serialized state fails its checksum")            \
    X(PRC_E_STATE, 23, "counts are inconsistent with each other")          \
    X(PRC_E_UNSUPPORTED, 24, "not supported by this machine or these options") \
    X(PRC_E_NO_NEGATIVES, 25, "undefined: no negative pixel was fed")       \
    X(PRC_E_ARGUMENT, 26, "an argument lies outside its accepted range")    \
    X(PRC_E_NOT_REACHED, 27, "no threshold reaches the required level")     \
    X(PRC_E_NO_PIXELS, 28, "undefined: no pixel was counted")                \
    X(PRC_E_WEIGHT, 29, "a weight is negative, not finite or above 2^24")

#define PRC__STATUS_ENUM(name, number, message) name = number,
typedef enum prc_status {
    PRC_STATUS_LIST(PRC__STATUS_ENUM)
    /* Not a status: ends the list without a trailing comma, which C89 and
     * C++98 reject.  Its value is fixed so that adding a status changes no
     * existing enumerator. */
    PRC__STATUS_LIST_END = 32767
} prc_status;
#undef PRC__STATUS_ENUM

/* A one-line English description of a status, e.g. "a score is NaN".  Never
 * NULL: an unknown value gives "unknown status". */
PRC_API const char *prc_status_message(int status);

/* The status's identifier as a string, e.g. "PRC_E_NAN"; "PRC_UNKNOWN" for an
 * unknown value.  Handy for logs and for bindings. */
PRC_API const char *prc_status_name(int status);

/* ------------------------------------------------------------------------ */
/* Memory                                                                   */
/* ------------------------------------------------------------------------ */

/* An allocator: like malloc, realloc and free, with the user pointer given
 * when it was installed passed back on every call.  prc_malloc_fn returns
 * NULL on failure; the library then returns PRC_E_NOMEM and leaks nothing.
 * This release never calls realloc; it is part of the signature so that a
 * later release may. */
typedef void *(*prc_malloc_fn)(size_t size, void *user);
typedef void *(*prc_realloc_fn)(void *pointer, size_t size, void *user);
typedef void (*prc_free_fn)(void *pointer, void *user);

/*
 * Sets the process-wide allocator used for every object created after the
 * call (each object frees with the allocator that made it).  Not thread-safe:
 * call it before any other thread uses the library.  All three functions
 * NULL restores the C library's malloc, realloc and free.  Returns PRC_OK,
 * or PRC_E_NULL if only some of them are NULL (realloc may always be
 * NULL).  Since 0.1.0.
 */
PRC_API prc_status prc_set_default_allocator(prc_malloc_fn malloc_fn,
                                             prc_realloc_fn realloc_fn,
                                             prc_free_fn free_fn,
                                             void *user);

/* ------------------------------------------------------------------------ */
/* Options                                                                  */
/* ------------------------------------------------------------------------ */

/* Threshold rule: which pixels count as predicted positive at threshold t. */
enum prc_rule {
    PRC_RULE_GE = 0, /* score >= t (scikit-learn's convention); default */
    PRC_RULE_GT = 1  /* score >  t (the usual NumPy tutorial's) */
};

/* What precision or recall is reported where its denominator is zero. */
enum prc_zero_division {
    PRC_ZERO_DIVISION_ZERO = 0, /* 0, as scikit-learn's precision_score */
    PRC_ZERO_DIVISION_ONE = 1,  /* 1 */
    PRC_ZERO_DIVISION_NAN = 2   /* NaN */
};

/* What a batch does with a NaN or out-of-range score on a counted pixel. */
enum prc_policy {
    PRC_POLICY_REJECT = 0, /* the whole batch fails; default */
    PRC_POLICY_SKIP = 1,   /* the pixel counts nowhere (tally PRC_SKIPPED) */
    PRC_POLICY_CLAMP = 2   /* out-of-range only: below 0 counts as 0, above 1
                              as 1.  Not valid for NaN. */
};

/* Ignore label value meaning "no ignore label". */
#define PRC_NO_IGNORE_LABEL (-1)

typedef enum prc_option {
    /* Number of bins B: thresholds are k / B for k = 0..B.  1..16777216,
     * default 1000: AP within about 1e-3 of the exact AP of float scores
     * (measured 4e-4 and 1.2e-3), falling as 1 / B; see README "Choosing
     * the number of bins". */
    PRC_OPT_BINS = 1,
    /* enum prc_rule, default PRC_RULE_GE. */
    PRC_OPT_RULE = 2,
    /* enum prc_zero_division, default PRC_ZERO_DIVISION_ZERO. */
    PRC_OPT_ZERO_DIVISION = 3,
    /* Label value whose pixels count nowhere: 2..255, or
     * PRC_NO_IGNORE_LABEL.  Default 255. */
    PRC_OPT_IGNORE_LABEL = 4,
    /* PRC_POLICY_REJECT (default) or PRC_POLICY_SKIP. */
    PRC_OPT_NAN_POLICY = 5,
    /* PRC_POLICY_REJECT (default), PRC_POLICY_SKIP or PRC_POLICY_CLAMP. */
    PRC_OPT_RANGE_POLICY = 6,
    /* 1 to also keep per-image (macro) curves, 0 (default) not to. */
    PRC_OPT_PER_IMAGE = 7,
    /* Execution settings: they change how fast a feed runs, never what it
     * counts, so merging and serialization ignore them. */
    /* enum prc_kernel: the code path that classifies pixels.  Default
     * PRC_KERNEL_AUTO, the fastest this processor supports; forcing one
     * the processor lacks makes prc_accumulator_create return
     * PRC_E_UNSUPPORTED.  Every kernel gives identical counts. */
    PRC_OPT_KERNEL = 8,
    /* Threads a feed may use, 1..256, default 1: with more, each batch is
     * split over worker threads started for that feed, each counting into
     * a state of its own (memory grows by one state per thread), added up
     * when all succeed.  If a thread cannot be started, the feed counts
     * serially instead.  Results are identical whatever the number. */
    PRC_OPT_THREADS = 9,
    /* Classes C, 1..254, default 1.  With 1, scores are one probability
     * map and labels 0 / 1.  With more, scores hold C channels (softmax
     * probabilities, say) and labels are class indices 0..C-1, every one
     * of them below the ignore label; every class gets its own
     * one-vs-rest curve, all in the same pass (see prc_result_class). */
    PRC_OPT_CLASSES = 10,
    /* 1 for multi-label maps: labels hold C binary masks (0, 1 or the
     * ignore label each), laid out like the scores; class c is positive
     * wherever mask c is 1.  0 (default): class indices. */
    PRC_OPT_MULTILABEL = 11,
    /* Bootstrap replicates K, 0 (default, none) .. 1000: every image is
     * also added to K replicate histograms, each time with its own
     * Poisson(1) weight (an online bootstrap over images), for confidence
     * intervals (prc_result_interval).  Memory grows by 16 * B bytes per
     * replicate and class, and each image costs O(K * B) more. */
    PRC_OPT_BOOTSTRAP = 12,
    /* Seed of the bootstrap weights, 0 .. 2^63 - 1, default 0.  An image's
     * weights depend only on the seed and on the image's own histogram,
     * so they do not depend on how the data is split into batches, in
     * which order it comes, or over how many accumulators it is spread
     * before merging (identical images get identical weights). */
    PRC_OPT_SEED = 13,
    /* 1 for per-pixel weights (prc_batch_set_weights), scikit-learn's
     * sample_weight: every count becomes a sum of weights.  Weights are
     * kept in fixed point, as whole multiples of 2^-16 (rounded to the
     * nearest), so sums are exact, and integer weights give exactly the
     * unweighted numbers scaled (but for PRC_AP_LOWER, which assumes the
     * finest split of a bin's weight); each count, read with
     * prc_result_counts or as a tally, is then in units of 2^-16
     * (PRC_WEIGHT_ONE per unit of weight), while prc_result_column gives
     * the weighted sums themselves.  Default 0. */
    PRC_OPT_WEIGHTED = 14
} prc_option;

/* One unit of weight in the counts of a weighted accumulator. */
#define PRC_WEIGHT_ONE 65536

/* Values of PRC_OPT_KERNEL. */
enum prc_kernel {
    PRC_KERNEL_AUTO = 0,   /* the fastest available */
    PRC_KERNEL_SCALAR = 1, /* portable C, available everywhere */
    PRC_KERNEL_AVX2 = 2,   /* x86-64 with AVX2 */
    PRC_KERNEL_SSE2 = 3,   /* x86-64 (SSE2 is part of every x86-64) */
    PRC_KERNEL_AVX512 = 4  /* x86-64 with AVX-512 F, BW, VL and DQ */
};

typedef struct prc_options prc_options;

/* Creates an options object holding every default.  *out is set on
 * success.  Returns PRC_OK, PRC_E_NULL or PRC_E_NOMEM. */
PRC_API prc_status prc_options_create(prc_options **out);

/* Frees an options object; NULL is a no-op. */
PRC_API void prc_options_free(prc_options *options);

/* Sets one option.  Returns PRC_OK, PRC_E_NULL, PRC_E_OPTION for an unknown
 * option or PRC_E_OPTION_VALUE for a value outside its bounds; on failure the
 * options object is unchanged. */
PRC_API prc_status prc_options_set(prc_options *options, prc_option option,
                                   int64_t value);

/* Reads one option into *value.  Returns PRC_OK, PRC_E_NULL or
 * PRC_E_OPTION. */
PRC_API prc_status prc_options_get(const prc_options *options,
                                   prc_option option, int64_t *value);

/* Makes accumulators created from these options allocate, and their
 * results too, with the given functions instead of the process-wide
 * allocator (same rules as prc_set_default_allocator).  Merging, the state
 * view and serialization ignore the allocator.  Returns PRC_OK or
 * PRC_E_NULL. */
PRC_API prc_status prc_options_set_allocator(prc_options *options,
                                             prc_malloc_fn malloc_fn,
                                             prc_realloc_fn realloc_fn,
                                             prc_free_fn free_fn,
                                             void *user);

/*
 * Scores in another range than [0, 1], logits for instance: scores are
 * valid in [lo, hi] (NaN and the range policy apply outside it, and
 * PRC_POLICY_CLAMP counts them as lo or hi), and the B + 1 thresholds are
 * lo + (hi - lo) * k / B, with t_0 = lo and t_B = hi exactly, reported in
 * these units.  lo < hi, both finite; with B bins the thresholds must come
 * out strictly increasing in double precision, or prc_accumulator_create
 * returns PRC_E_OPTION_VALUE.  uint8 and uint16 scores still mean v / 255
 * and v / 65535.  Counts are exact at every threshold, as ever, but such
 * accumulators classify pixels by binary search instead of the fast
 * kernels.  Calibration and ECE assume probabilities and are undefined
 * here (PRC_E_UNSUPPORTED).  Returns PRC_OK, PRC_E_NULL or
 * PRC_E_OPTION_VALUE.  Since 0.1.0.
 */
PRC_API prc_status prc_options_set_range(prc_options *options, double lo,
                                         double hi);

/*
 * Thresholds of your own instead of k / B: `count` (2..16777217) finite
 * values in strictly increasing order, copied (torchmetrics' list of
 * thresholds, or a grid dense near 0.5).  The curve has one row per
 * threshold, PRC_OPT_BINS becomes count - 1 (and cannot be set to anything
 * else while the list stands), and every count is exact at
 * each of them, with the same rule.  Scores stay valid in [0, 1] unless a
 * range is set too.  thresholds NULL and count 0 return to uniform bins.
 * Calibration and ECE are undefined (PRC_E_UNSUPPORTED).  Returns PRC_OK,
 * PRC_E_NULL, PRC_E_OPTION_VALUE (order, count or a non-finite value) or
 * PRC_E_NOMEM; on failure the options are unchanged.  Since 0.1.0.
 */
PRC_API prc_status prc_options_set_thresholds(prc_options *options,
                                              const double *thresholds,
                                              size_t count);

/* The accepted range [*min, *max] and the default of an option; any of the
 * three pointers may be NULL.  For PRC_OPT_IGNORE_LABEL the range is 2..255
 * and PRC_NO_IGNORE_LABEL is accepted as well.  Returns PRC_OK or
 * PRC_E_OPTION. */
PRC_API prc_status prc_option_bounds(prc_option option, int64_t *min,
                                     int64_t *max, int64_t *default_value);

/* ------------------------------------------------------------------------ */
/* Batches                                                                  */
/* ------------------------------------------------------------------------ */

typedef enum prc_dtype {
    /* Scores: IEEE binary32, used as is (compared in double precision). */
    PRC_DTYPE_FLOAT32 = 1,
    /* Scores: IEEE binary64, used as is. */
    PRC_DTYPE_FLOAT64 = 2,
    /* Scores: value v means v / 255.0.  Labels: 0, 1 or the ignore label. */
    PRC_DTYPE_UINT8 = 3,
    /* Labels: one byte, 0 (negative) or 1 (positive), as NumPy's bool.  Any
     * other byte is PRC_E_LABEL; there is no ignore value.  With several
     * classes only as multi-label masks (class indices: PRC_E_DTYPE). */
    PRC_DTYPE_BOOL = 4,
    /* Scores: IEEE binary16 ("half"), converted exactly. */
    PRC_DTYPE_FLOAT16 = 5,
    /* Scores: bfloat16, the upper 16 bits of a binary32, converted
     * exactly. */
    PRC_DTYPE_BFLOAT16 = 6,
    /* Scores: value v means v / 65535.0. */
    PRC_DTYPE_UINT16 = 7,
    /* Labels: 0, 1 or the ignore label; any other value is PRC_E_LABEL. */
    PRC_DTYPE_INT32 = 8,
    PRC_DTYPE_INT64 = 9
} prc_dtype;

typedef struct prc_batch prc_batch;

/* Creates an empty batch description.  One batch may be reused for many
 * feeds: re-point it with the setters.  Returns PRC_OK, PRC_E_NULL or
 * PRC_E_NOMEM. */
PRC_API prc_status prc_batch_create(prc_batch **out);

/* Frees a batch description (not the arrays it points to); NULL is a
 * no-op. */
PRC_API void prc_batch_free(prc_batch *batch);

/* Sets the shape: `images` images of `height` x `width` pixels, stored
 * contiguously in C order (image, row, column).  Returns PRC_OK, PRC_E_NULL,
 * PRC_E_ZERO_SIZE if a dimension is zero, or PRC_E_OVERFLOW if the element
 * count or byte size of either array would not fit in size_t. */
PRC_API prc_status prc_batch_set_shape(prc_batch *batch, size_t images,
                                       size_t height, size_t width);

/* Points the batch at the score array (images x height x width elements of
 * `dtype`: PRC_DTYPE_FLOAT32, _FLOAT64, _UINT8, _FLOAT16, _BFLOAT16 or
 * _UINT16), contiguous unless strides are set.  The array is read during
 * prc_accumulator_feed only and must not change during it.  Returns PRC_OK,
 * PRC_E_NULL or PRC_E_DTYPE. */
PRC_API prc_status prc_batch_set_scores(prc_batch *batch, prc_dtype dtype,
                                        const void *scores);

/* Points the batch at the label array (PRC_DTYPE_UINT8, _BOOL, _INT32 or
 * _INT64), same shape as the scores.  Returns PRC_OK, PRC_E_NULL or
 * PRC_E_DTYPE. */
PRC_API prc_status prc_batch_set_labels(prc_batch *batch, prc_dtype dtype,
                                        const void *labels);

/*
 * Describes the score array as a strided view: strides[0], [1] and [2] are
 * the distances in bytes between consecutive images, rows and columns, any
 * sign (the array pointer is element [0][0][0]), any alignment.  So a
 * crop, a channel of an NCHW or NHWC tensor, or a transposed view is fed in
 * place, converted element by element as it is read.  NULL returns to the
 * contiguous layout.  The strides are copied.  Whether they fit the shape
 * is checked at feed time: offsets that overflow int64_t give
 * PRC_E_OVERFLOW.  Returns PRC_OK or PRC_E_NULL (batch NULL).  Since 0.1.0.
 */
PRC_API prc_status prc_batch_set_score_strides(prc_batch *batch,
                                               const int64_t strides[3]);

/* The same for the label array. */
PRC_API prc_status prc_batch_set_label_strides(prc_batch *batch,
                                               const int64_t strides[3]);

/* Where the class axis lies in contiguous multi-class score arrays (and in
 * multi-label label arrays): N x C x H x W or N x H x W x C. */
enum prc_layout {
    PRC_LAYOUT_NCHW = 0, /* default */
    PRC_LAYOUT_NHWC = 1
};

/* Sets the layout of contiguous arrays with classes.  Returns PRC_OK,
 * PRC_E_NULL or PRC_E_OPTION_VALUE for an unknown layout.  Since 0.1.0. */
PRC_API prc_status prc_batch_set_layout(prc_batch *batch, int layout);

/* For strided arrays with classes: the distance in bytes between
 * consecutive classes of the scores, and of the labels (multi-label maps
 * only; 0 otherwise).  The other strides come from the strides setters;
 * the array pointers are class 0's.  Without this, a strided score array
 * cannot be fed with more than one class (PRC_E_INCOMPLETE).  Returns
 * PRC_OK or PRC_E_NULL.  Since 0.1.0. */
PRC_API prc_status prc_batch_set_class_strides(prc_batch *batch,
                                               int64_t score_stride,
                                               int64_t label_stride);

/*
 * Per-pixel weights (PRC_DTYPE_FLOAT32 or _FLOAT64), laid out like the
 * labels (images x height x width, contiguous unless strides are set with
 * prc_batch_set_weight_strides), for an accumulator made with
 * PRC_OPT_WEIGHTED; weights is NULL to go back to none, which such an
 * accumulator takes as weight 1 everywhere.  Each weight must be finite
 * and in [0, 2^24], else the feed fails with PRC_E_WEIGHT, naming the
 * pixel, before anything is counted.  Feeding weights to an accumulator
 * without PRC_OPT_WEIGHTED is PRC_E_NOT_ENABLED.  Returns PRC_OK,
 * PRC_E_NULL (batch) or PRC_E_DTYPE.  Since 0.1.0.
 */
PRC_API prc_status prc_batch_set_weights(prc_batch *batch, prc_dtype dtype,
                                         const void *weights);

/*
 * A validity mask (PRC_DTYPE_UINT8 or _BOOL, laid out like the labels,
 * strides through prc_batch_set_mask_strides): pixels where it is 0 count
 * nowhere, for any class, whatever their label and scores, as if they bore
 * the ignore label.  NULL removes it.  Returns PRC_OK, PRC_E_NULL (batch)
 * or PRC_E_DTYPE.  Since 0.1.0.
 */
PRC_API prc_status prc_batch_set_mask(prc_batch *batch, prc_dtype dtype,
                                      const void *mask);

/* Strides of the mask in bytes (image, row, column); NULL returns to
 * contiguous.  Returns PRC_OK or PRC_E_NULL.  Since 0.1.0. */
PRC_API prc_status prc_batch_set_mask_strides(prc_batch *batch,
                                              const int64_t strides[3]);

/* Strides of the weights in bytes (image, row, column), as for scores;
 * NULL returns to contiguous.  Returns PRC_OK or PRC_E_NULL.  Since
 * 0.1.0. */
PRC_API prc_status prc_batch_set_weight_strides(prc_batch *batch,
                                                const int64_t strides[3]);

/* ------------------------------------------------------------------------ */
/* Accumulators                                                             */
/* ------------------------------------------------------------------------ */

typedef struct prc_accumulator prc_accumulator;
typedef struct prc_result prc_result;

/* Creates an accumulator with the given options (copied; NULL means every
 * default).  Memory, whatever is fed later: per class about 24 * B bytes,
 * 88 * B with per-image mode, plus 16 * B per bootstrap replicate; per
 * thread about 32 * B for the histograms it counts through (8 * B when B
 * is above 2045), and for each thread beyond the first one class's state
 * and a scratch histogram; with several classes about 1 KB per class.
 * Returns PRC_OK, PRC_E_NULL, PRC_E_NOMEM, PRC_E_UNSUPPORTED if
 * PRC_OPT_KERNEL names a kernel this processor lacks, or
 * PRC_E_OPTION_VALUE for options that do not go together: class indices
 * not all below the ignore label, or a score range too narrow for its
 * bins. */
PRC_API prc_status prc_accumulator_create(prc_accumulator **out,
                                          const prc_options *options);

/* Frees an accumulator; NULL is a no-op. */
PRC_API void prc_accumulator_free(prc_accumulator *acc);

/* Counts every pixel of a batch.  Pixels whose label is the ignore label
 * count nowhere, whatever their score.  Each image of the batch is one image
 * for per-image mode.  Allocates nothing (with PRC_OPT_THREADS above 1 it
 * starts and joins that many threads less one, whose stacks come from the
 * system).
 *
 * Returns PRC_OK; PRC_E_NULL; PRC_E_INCOMPLETE if shape, scores or labels
 * were never set; PRC_E_NAN, PRC_E_RANGE (under PRC_POLICY_REJECT) or
 * PRC_E_LABEL for the first bad pixel (with classes: in class order, the
 * first class holding one first); PRC_E_DTYPE for bool labels naming
 * classes; PRC_E_OVERFLOW for arrays whose byte offsets would not fit in
 * int64_t; PRC_E_COUNT_LIMIT if the pixels fed in all would pass
 * (2^64 - 1) / C or the images (2^33 - 1) / C, C the number of classes.
 * On any failure no count changes, and prc_accumulator_last_error() tells
 * which pixel was at fault. */
PRC_API prc_status prc_accumulator_feed(prc_accumulator *acc,
                                        const prc_batch *batch);

/* Computes the curve and summaries of everything fed so far into a new
 * result object, which the caller frees with prc_result_free.  The
 * accumulator is unchanged and may be fed further and finalized again.
 * Returns PRC_OK, PRC_E_NULL or PRC_E_NOMEM. */
PRC_API prc_status prc_accumulator_finalize(const prc_accumulator *acc,
                                            prc_result **out);

/* Forgets everything fed, keeping the options. */
PRC_API void prc_accumulator_reset(prc_accumulator *acc);

/* Reads the accumulator's options (see prc_options_get); PRC_OPT_KERNEL
 * reads back as it was set, PRC_KERNEL_AUTO included. */
PRC_API prc_status prc_accumulator_get_option(const prc_accumulator *acc,
                                              prc_option option,
                                              int64_t *value);

/* The kernel the accumulator's feeds run (enum prc_kernel): the one
 * PRC_OPT_KERNEL forced, or the one PRC_KERNEL_AUTO chose on this
 * processor; -1 for NULL. */
PRC_API int prc_accumulator_kernel(const prc_accumulator *acc);

/* A one-line description of the most recent failed call on this accumulator,
 * with the position of the offending pixel where there is one, e.g.
 * "image 2, row 17, column 40: score is NaN".  "" if no call has failed.
 * The text stays valid until the next call on the accumulator.  This text is
 * the only thing a failed call changes. */
PRC_API const char *prc_accumulator_last_error(const prc_accumulator *acc);

/* ------------------------------------------------------------------------ */
/* Merging, raw state and serialization (distributed evaluation)            */
/* ------------------------------------------------------------------------ */

/*
 * Adds everything fed to `src` into `dst`, as if it had been fed to `dst`:
 * a later result equals that of a single accumulator fed all of it, bit for
 * bit.  Both must have been created with equal options.  Returns PRC_OK,
 * PRC_E_NULL, PRC_E_MISMATCH or PRC_E_COUNT_LIMIT; on failure `dst` is
 * unchanged.  `src` is only read.
 */
PRC_API prc_status prc_accumulator_merge(prc_accumulator *dst,
                                         const prc_accumulator *src);

/*
 * Read-only view of the accumulator's whole state: *length uint64_t values
 * at *state, valid until the accumulator is changed or freed.  Every value
 * is a sum over the data fed, so the states of accumulators with equal
 * options (which have equal lengths) combine by element-wise addition: an
 * all-reduce with MPI_SUM on MPI_UINT64_T, or torch.distributed.all_reduce
 * on an int64 tensor (two's complement addition gives the same bits).  The
 * meaning of each element is private and may change between releases; only
 * the length, the element type and additivity are promised.  Returns
 * PRC_OK or PRC_E_NULL.
 */
PRC_API prc_status prc_accumulator_state(const prc_accumulator *acc,
                                         const uint64_t **state,
                                         size_t *length);

/*
 * Adds an external state array, such as the all-reduced sum of several
 * accumulators' states, into `acc`: after prc_accumulator_reset(acc) this
 * makes acc hold exactly the reduced result.  Returns PRC_OK, PRC_E_NULL,
 * PRC_E_MISMATCH if `length` is not this accumulator's state length,
 * PRC_E_COUNT_LIMIT if a total would pass its cap, or PRC_E_STATE if the
 * values contradict each other (e.g. not a sum of valid states); on failure
 * `acc` is unchanged.
 */
PRC_API prc_status prc_accumulator_add_state(prc_accumulator *acc,
                                             const uint64_t *state,
                                             size_t length);

/*
 * Serializes the options and state into a portable byte string (little
 * endian, versioned, with a checksum; layout in README "Serialized
 * format").  With buffer NULL, only stores the size needed in *size.
 * Otherwise writes at most `capacity` bytes and stores the size written in
 * *size.  Returns PRC_OK, PRC_E_NULL or PRC_E_BUFFER (capacity too small;
 * *size tells the size needed, nothing is written).
 */
PRC_API prc_status prc_accumulator_serialize(const prc_accumulator *acc,
                                             void *buffer, size_t capacity,
                                             size_t *size);

/*
 * Creates an accumulator from `size` bytes made by
 * prc_accumulator_serialize (this or an older format version).  Hostile
 * input is safe: nothing is read outside the buffer, and nothing is
 * allocated before the declared options and the byte count agree, so memory
 * stays within what the options allow (at most about 1.4 GiB, at 2^24 bins
 * with per-image mode).  Returns PRC_OK; PRC_E_NULL; PRC_E_FORMAT for
 * anything malformed (bad magic, truncated, trailing bytes, unknown or
 * out-of-range option, options that do not go together; the execution
 * options PRC_OPT_KERNEL and PRC_OPT_THREADS are not read back, the
 * defaults apply); PRC_E_VERSION for a newer format; PRC_E_CHECKSUM;
 * PRC_E_STATE for counts that contradict each other; PRC_E_NOMEM.
 */
PRC_API prc_status prc_accumulator_deserialize(prc_accumulator **out,
                                               const void *buffer,
                                               size_t size);

/* ------------------------------------------------------------------------ */
/* Results                                                                  */
/* ------------------------------------------------------------------------ */

/* Frees a result; NULL is a no-op. */
PRC_API void prc_result_free(prc_result *result);

/* Number of curve rows: B + 1, one per threshold k / B, k = 0..B, in
 * increasing threshold order.  0 for NULL. */
PRC_API size_t prc_result_rows(const prc_result *result);

typedef enum prc_column {
    /* k / B as a double. */
    PRC_COL_THRESHOLD = 1,
    /* TP / (TP + FP), or the zero-division value if TP + FP = 0. */
    PRC_COL_PRECISION = 2,
    /* TP / (TP + FN), or the zero-division value if TP + FN = 0. */
    PRC_COL_RECALL = 3,
    /* Counts (also readable as doubles). */
    PRC_COL_TP = 4,
    PRC_COL_FP = 5,
    PRC_COL_FN = 6,
    PRC_COL_TN = 7,
    /* 2 TP / (2 TP + FP + FN); the zero-division value if that is 0 / 0. */
    PRC_COL_F1 = 8,
    /* Per-image mode: mean over images of each image's precision and
     * recall (zero-division value applied per image). */
    PRC_COL_IMAGE_PRECISION = 9,
    PRC_COL_IMAGE_RECALL = 10,
    /* Since 0.1.0, for ROC curves and segmentation reports (README
     * "Analytics").  The zero-division value stands wherever a denominator
     * is 0. */
    /* True positive rate, TP / (TP + FN): the same numbers as
     * PRC_COL_RECALL, under the name ROC curves use. */
    PRC_COL_TPR = 11,
    /* False positive rate, FP / (FP + TN), the ROC curve's x axis. */
    PRC_COL_FPR = 12,
    /* Dice coefficient, 2 TP / (2 TP + FP + FN): for binary pixels the
     * same numbers as PRC_COL_F1. */
    PRC_COL_DICE = 13,
    /* Intersection over union (Jaccard index), TP / (TP + FP + FN). */
    PRC_COL_IOU = 14,
    /* Specificity (true negative rate), TN / (TN + FP). */
    PRC_COL_SPECIFICITY = 15,
    /* Accuracy, (TP + TN) / (TP + FP + FN + TN). */
    PRC_COL_ACCURACY = 16
} prc_column;

/* Copies rows [first, first + count) of a column into out[0..count).
 * Returns PRC_OK; PRC_E_NULL; PRC_E_COLUMN for an unknown column;
 * PRC_E_INDEX if first + count > rows; PRC_E_NOT_ENABLED for a per-image
 * column without per-image mode; PRC_E_NO_IMAGES for a per-image column when
 * no image was fed. */
PRC_API prc_status prc_result_column(const prc_result *result,
                                     prc_column column, size_t first,
                                     size_t count, double *out);

/* The same for the count columns PRC_COL_TP, _FP, _FN and _TN, exactly. */
PRC_API prc_status prc_result_counts(const prc_result *result,
                                     prc_column column, size_t first,
                                     size_t count, uint64_t *out);

typedef enum prc_metric {
    /* Step-wise AP as scikit-learn's average_precision_score: the sum over
     * rows k of (R[k] - R[k+1]) * P[k], with R[B+1] = 0; rows with no
     * predicted positive add nothing. */
    PRC_AVERAGE_PRECISION = 1,
    /* Trapezoidal area under precision over recall through the rows exactly
     * as listed (sklearn.metrics.auc(recall, precision)). */
    PRC_AUPRC_TRAPEZOID = 2,
    /* Highest PRC_COL_F1 over the rows and its threshold (the lowest
     * threshold among ties). */
    PRC_BEST_F1 = 3,
    PRC_BEST_F1_THRESHOLD = 4,
    /* Per-image mode: the step-wise AP and the trapezoidal area of the mean
     * curve (PRC_COL_IMAGE_PRECISION over PRC_COL_IMAGE_RECALL), defined as
     * above with R[B+1] = 0 and steps of zero width adding nothing. */
    PRC_IMAGE_AVERAGE_PRECISION = 5,
    PRC_IMAGE_AUPRC_TRAPEZOID = 6,
    /* Per-image mode: the mean of the images' own APs, over the images that
     * have at least one positive pixel (tally
     * PRC_IMAGES_WITHOUT_POSITIVES counts the others). */
    PRC_MEAN_IMAGE_AVERAGE_PRECISION = 7,
    /* Since 0.1.0: the metrics below are defined in README "Analytics" and
     * in the Analytics section at the end of this header.
     *
     * Area under the ROC curve: the trapezoids through (0, 0), the rows'
     * points (PRC_COL_FPR, PRC_COL_TPR) from the highest threshold down,
     * and (1, 1).  Equals the probability that a random positive pixel
     * scores in a higher bin than a random negative one, counting pixels
     * in the same bin as half.  Undefined without positive pixels
     * (PRC_E_NO_POSITIVES) or without negative ones (PRC_E_NO_NEGATIVES). */
    PRC_AUROC = 8,
    /* Highest PRC_COL_DICE and PRC_COL_IOU over the rows and their
     * thresholds (the lowest threshold among ties). */
    PRC_BEST_DICE = 9,
    PRC_BEST_DICE_THRESHOLD = 10,
    PRC_BEST_IOU = 11,
    PRC_BEST_IOU_THRESHOLD = 12,
    /* Certified bounds on the exact AP of the raw scores, which the counts
     * alone cannot pin down: the step-wise AP that scikit-learn's
     * average_precision_score gives on the unbinned scores lies in
     * [PRC_AP_LOWER, PRC_AP_UPPER] whatever the scores inside each bin. */
    PRC_AP_LOWER = 13,
    PRC_AP_UPPER = 14,
    /* Interpolated AP: the mean over r in {0, 0.1, ..., 1} (11 points,
     * Pascal VOC 2007) or {0, 0.01, ..., 1} (101 points, COCO) of the
     * highest precision among rows with recall >= r. */
    PRC_AP_VOC11 = 15,
    PRC_AP_COCO101 = 16,
    /* Area under the curve with TP and FP interpolated linearly between
     * rows (Davis and Goadrich), as Keras' AUC(curve="PR",
     * summation_method="interpolation"). */
    PRC_AP_INTERPOLATED = 17,
    /* Expected calibration error over the 10 groups of equal score width
     * of prc_result_calibration.  Undefined without any counted pixel
     * (PRC_E_NO_PIXELS). */
    PRC_ECE = 18,
    /* With classes (PRC_OPT_CLASSES > 1), since 0.1.0: the mean of the
     * classes' APs over the classes with a positive pixel (classes without
     * one are left out and counted in PRC_CLASSES_WITHOUT_POSITIVES), as
     * scikit-learn's average="macro" over those classes; the same weighted
     * by each class's positives (average="weighted"); and the AP of the
     * pooled one-vs-rest curve (average="micro"), which is also
     * PRC_AVERAGE_PRECISION of a multi-class result.  With one class all
     * three are its AP. */
    PRC_MEAN_AP_MACRO = 19,
    PRC_MEAN_AP_WEIGHTED = 20,
    PRC_MEAN_AP_MICRO = 21
} prc_metric;

/* Stores a summary number in *out.  When the number is undefined, *out is
 * set to NaN and the status says why: PRC_E_NO_POSITIVES (no positive pixel,
 * or no image with one), PRC_E_NO_NEGATIVES, PRC_E_NO_PIXELS,
 * PRC_E_NO_IMAGES, or PRC_E_NOT_ENABLED.  Other
 * statuses: PRC_OK, PRC_E_NULL, PRC_E_COLUMN (unknown metric, *out
 * untouched). */
PRC_API prc_status prc_result_metric(const prc_result *result,
                                     prc_metric metric, double *out);

typedef enum prc_tally {
    PRC_PIXELS = 1,    /* pixels counted: positives + negatives */
    PRC_POSITIVES = 2, /* counted pixels labelled 1 */
    PRC_NEGATIVES = 3, /* counted pixels labelled 0 */
    PRC_IGNORED = 4,   /* pixels with the ignore label */
    PRC_SKIPPED = 5,   /* pixels dropped by PRC_POLICY_SKIP */
    PRC_IMAGES = 6,    /* images fed */
    PRC_IMAGES_WITHOUT_POSITIVES = 7, /* images with no positive pixel */
    PRC_CLASSES_WITHOUT_POSITIVES = 8 /* classes with no positive pixel */
} prc_tally;

/* Stores a tally in *out.  Returns PRC_OK, PRC_E_NULL or PRC_E_COLUMN. */
PRC_API prc_status prc_result_tally(const prc_result *result, prc_tally tally,
                                    uint64_t *out);

/* Reads an option the result was computed with (see prc_options_get). */
PRC_API prc_status prc_result_get_option(const prc_result *result,
                                         prc_option option, int64_t *value);

/*
 * Classes: the number of classes of a result (PRC_OPT_CLASSES); 0 for
 * NULL.  A result with several classes reads, through every getter above,
 * the pooled one-vs-rest problem (micro averaging): each (pixel, class)
 * pair is one sample, positive when the pixel belongs to the class, so its
 * tallies count pairs, and its per-image numbers are means over (image,
 * class) pairs.  Since 0.1.0.
 */
PRC_API size_t prc_result_classes(const prc_result *result);

/* Makes a new result holding class `class_index` alone, as if it had been
 * a one-class accumulator fed that class's channel with labels 1 where the
 * pixel is of the class and 0 elsewhere (ignored pixels ignored).  Every
 * getter works on it; free it with prc_result_free.  Returns PRC_OK,
 * PRC_E_NULL, PRC_E_INDEX or PRC_E_NOMEM.  Since 0.1.0. */
PRC_API prc_status prc_result_class(const prc_result *result,
                                    size_t class_index, prc_result **out);

/*
 * A percentile bootstrap confidence interval of a summary: the summary is
 * computed on each of the K replicate histograms (PRC_OPT_BOOTSTRAP), and
 * [*lo, *hi] are their (1 - level) / 2 and (1 + level) / 2 quantiles,
 * linearly interpolated between order statistics (NumPy's default
 * percentile).  Replicates where the summary is undefined (no positive)
 * are left out.  metric: PRC_AVERAGE_PRECISION, PRC_AUPRC_TRAPEZOID,
 * PRC_BEST_F1 or PRC_AUROC.  level in (0, 1).  Returns PRC_OK; PRC_E_NULL;
 * PRC_E_COLUMN for another metric; PRC_E_ARGUMENT for a level outside
 * (0, 1); PRC_E_NOT_ENABLED without replicates; PRC_E_NO_POSITIVES when
 * no replicate defines it (*lo and *hi NaN then).  Since 0.1.0.
 */
PRC_API prc_status prc_result_interval(const prc_result *result,
                                       prc_metric metric, double level,
                                       double *lo, double *hi);

/* ------------------------------------------------------------------------ */
/* Analytics                                                                */
/* ------------------------------------------------------------------------ */

/*
 * Further readings of a result, all computed from the counts it holds: no
 * second pass over the pixels.  Every function here only reads the result,
 * so any number of them may run concurrently on one result.  Definitions
 * and their relation to scikit-learn, torchmetrics and Keras are in README
 * "Analytics".
 *
 * The per-bin counts behind them are the differences of consecutive rows:
 * positives in bin k + 1 are TP[k] - TP[k + 1] (TP[B] for the top bin,
 * which holds the scores counted above every threshold but the last), and
 * P - TP[0] positives pass no threshold; likewise FP for negatives.
 */

/*
 * F-beta at rows [first, first + count):
 * (1 + beta^2) TP / ((1 + beta^2) TP + beta^2 FN + FP), or the
 * zero-division value where that is 0 / 0 (never with a positive pixel).
 * beta = 1 gives PRC_COL_F1; beta > 1 weighs recall more, beta < 1
 * precision.  Returns PRC_OK; PRC_E_NULL; PRC_E_ARGUMENT unless
 * 0 < beta <= 1e150; PRC_E_INDEX if first + count > rows.  Since 0.1.0.
 */
PRC_API prc_status prc_result_fbeta(const prc_result *result, double beta,
                                    size_t first, size_t count, double *out);

/*
 * The highest F-beta over the rows into *value and its threshold into
 * *threshold (the lowest threshold among ties, as PRC_BEST_F1).  Returns
 * PRC_OK; PRC_E_NULL; PRC_E_ARGUMENT for beta as in prc_result_fbeta,
 * outputs untouched; PRC_E_NO_POSITIVES with both outputs NaN.
 * Since 0.1.0.
 */
PRC_API prc_status prc_result_best_fbeta(const prc_result *result,
                                         double beta, double *value,
                                         double *threshold);

/*
 * Operating point for a required recall: the highest precision among rows
 * whose recall is >= min_recall, into *precision, and that row's threshold
 * into *threshold.  Ties go to the higher recall, then to the higher
 * threshold, the order of torchmetrics' PrecisionAtFixedRecall.  Rows
 * whose precision is NaN (zero-division value NaN) never qualify.
 *
 * Where no row qualifies, both outputs are NaN and the status is
 * PRC_E_NOT_REACHED; torchmetrics returns precision 0 and threshold 1e6
 * there, and Keras' PrecisionAtRecall returns 0.  Where the best precision
 * is 0, torchmetrics also reports threshold 1e6; here it is the row's own.
 *
 * Returns PRC_OK; PRC_E_NULL; PRC_E_ARGUMENT if min_recall is not in
 * [0, 1] (outputs untouched); PRC_E_NO_POSITIVES or PRC_E_NOT_REACHED
 * (outputs NaN).  Since 0.1.0.
 */
PRC_API prc_status prc_result_precision_at_recall(const prc_result *result,
                                                  double min_recall,
                                                  double *precision,
                                                  double *threshold);

/*
 * Operating point for a required precision: the highest recall among rows
 * whose precision is >= min_precision, into *recall, and that row's
 * threshold into *threshold.  Ties go to the higher precision, then to the
 * higher threshold, as torchmetrics' RecallAtFixedPrecision.  Same
 * statuses and the same differences from torchmetrics (0 and threshold
 * 1e6, or NaN in recent releases, where this returns PRC_E_NOT_REACHED)
 * as prc_result_precision_at_recall.  Since 0.1.0.
 */
PRC_API prc_status prc_result_recall_at_precision(const prc_result *result,
                                                  double min_precision,
                                                  double *recall,
                                                  double *threshold);

/*
 * Reliability diagram: the score range [0, 1] cut into `groups` groups of
 * equal width, group g holding the bins whose centre c satisfies
 * g <= c * groups < g + 1 (the top bin, scores of exactly 1 under
 * PRC_RULE_GE, goes to the last group; the bottom one, scores of exactly 0
 * under PRC_RULE_GT, to the first).  For each group it stores
 *   mean_score[g]     the mean score of its pixels, each pixel taken at its
 *                     bin's centre ((k + 0.5) / B for the bin between
 *                     thresholds k and k + 1): exact sums of the scores are
 *                     not kept, so this is off by at most 1 / (2 B);
 *   positive_rate[g]  the fraction of its pixels labelled 1 (exact);
 *   pixels[g]         its pixel count (exact).
 * An empty group gets NaN, NaN and 0.  When B is a multiple of `groups`,
 * group edges fall on thresholds and the groups are exactly the score
 * ranges [g / groups, (g + 1) / groups).  Each array holds `groups`
 * elements.
 *
 * Returns PRC_OK; PRC_E_NULL; PRC_E_ARGUMENT if groups is 0 or above
 * 16777216.  Since 0.1.0.
 */
PRC_API prc_status prc_result_calibration(const prc_result *result,
                                          size_t groups, double *mean_score,
                                          double *positive_rate,
                                          uint64_t *pixels);

#ifdef __cplusplus
}
#endif

#endif /* PRCURVE_H */
