"""The streaming face: Accumulator and Result."""

import ctypes
import math

import numpy as np

from . import _native as n
from ._native import PrcurveError, check

_SCORE_DTYPES = {np.dtype(np.float32): n.DTYPE_FLOAT32,
                 np.dtype(np.float64): n.DTYPE_FLOAT64,
                 np.dtype(np.uint8): n.DTYPE_UINT8,
                 np.dtype(np.float16): n.DTYPE_FLOAT16,
                 np.dtype(np.uint16): n.DTYPE_UINT16}
_LABEL_DTYPES = {np.dtype(np.uint8): n.DTYPE_UINT8,
                 np.dtype(np.bool_): n.DTYPE_BOOL,
                 np.dtype(np.int32): n.DTYPE_INT32,
                 np.dtype(np.int64): n.DTYPE_INT64}
_WEIGHT_DTYPES = {np.dtype(np.float32): n.DTYPE_FLOAT32,
                  np.dtype(np.float64): n.DTYPE_FLOAT64}
_RULES = {"ge": 0, "gt": 1}
_KERNELS = {"auto": 0, "scalar": 1, "avx2": 2, "sse2": 3, "avx512": 4}
_LAYOUTS = {"nchw": n.LAYOUT_NCHW, "nhwc": n.LAYOUT_NHWC}
_POLICIES = {"reject": 0, "skip": 1, "clamp": 2}


def _native_dtype(array, table):
    """The library's dtype for an array whose dtype is in table."""
    dtype = array.dtype
    if dtype.byteorder not in "=|" and dtype.newbyteorder("=") in table:
        return None
    return table.get(dtype)


def check_array(array, what, table, min_ndim=2):
    """Validates an array that is to be passed to the library as it is:
    an ndarray of a supported dtype in native byte order, with 2 or 3
    dimensions (or 1 and more for min_ndim=1), none of them 0, laid out
    with any strides (views, crops, channel slices, negative steps).
    Nothing is ever converted or copied: a caller who wants a conversion
    makes it explicitly, which the error message spells out."""
    names = ", ".join(str(d) for d in table)
    if not isinstance(array, np.ndarray):
        raise TypeError("%s must be a numpy.ndarray (%s), not %s; use "
                        "np.asarray(%s, dtype=...)"
                        % (what, names, type(array).__name__, what))
    code = _native_dtype(array, table)
    if code is None:
        raise TypeError("%s has dtype %s; libprcurve reads %s in native byte "
                        "order: convert with %s.astype(np.%s) (which copies)"
                        % (what, array.dtype, names, what,
                           next(iter(table)).name))
    if min_ndim > 1 and array.ndim not in (2, 3):
        raise ValueError("%s has shape %s; expected (H, W) or (N, H, W)"
                         % (what, array.shape))
    if array.ndim < min_ndim:
        raise ValueError("%s must have at least %d dimension(s)"
                         % (what, min_ndim))
    if array.size == 0:
        raise ValueError("%s is empty (shape %s)" % (what, array.shape))
    return code


def as_images(array, what):
    """The array as the library sees it: (shape, strides), shape the
    (images, rows, columns) of a view of the array's own memory and
    strides their byte strides, or None where the array is C-contiguous
    (the library's default layout).  1-D and 2-D arrays are one image; the
    leading dimensions of a higher one become the images, when that needs
    no copy."""
    if array.ndim == 3:
        view = array
    elif array.ndim < 3:
        view = array[(np.newaxis,) * (3 - array.ndim)]  # always a view
    else:
        view = array.view()
        try:
            view.shape = (-1,) + array.shape[-2:]
        except AttributeError:
            raise ValueError("%s of shape %s and strides %s cannot be seen "
                             "as (N, H, W) without a copy: pass "
                             "np.ascontiguousarray(%s) (which copies)"
                             % (what, array.shape, array.strides,
                                what)) from None
    strides = None if array.flags.c_contiguous else view.strides
    return view.shape, strides


def _strides(values):
    """A C array of 3 int64 strides, or None (NULL) for the default."""
    return None if values is None else (ctypes.c_int64 * 3)(*values)


def _zero_division_code(value):
    if isinstance(value, str) and value.lower() == "nan":
        return 2
    if isinstance(value, float) and math.isnan(value):
        return 2
    if value in (0, 1) and not isinstance(value, bool):
        return int(value)
    raise ValueError("zero_division must be 0, 1 or 'nan', not %r" % (value,))


def _choice(table, value, what):
    if value not in table:
        raise ValueError("%s must be one of %s, not %r"
                         % (what, ", ".join(repr(k) for k in table), value))
    return table[value]


def _integer(value, what):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError("%s must be an integer, not %r" % (what, value))
    return int(value)


def _bounded(value, what, option, extra=None):
    """value as a Python int, checked against the library's accepted range
    for option (and the one extra value allowed besides it) before any
    conversion to a C integer, which would wrap silently."""
    value = _integer(value, what)
    lo, hi = ctypes.c_int64(), ctypes.c_int64()
    check(n.LIB.prc_option_bounds(option, ctypes.byref(lo), ctypes.byref(hi),
                                  None))
    if (value < lo.value or value > hi.value) and value != extra:
        raise ValueError("%s must be in %d..%d, not %d"
                         % (what, lo.value, hi.value, value))
    return value


def _options(bins, rule, zero_division, ignore_label, per_image, nan_policy,
             range_policy, classes=1, multilabel=False, bootstrap=0, seed=0,
             weighted=False):
    """The option values for the library, checked here for type and
    range (a Python int is never wrapped into a C one) and for the
    combinations prcurve-eval refuses too."""
    if ignore_label is None:
        ignore = n.NO_IGNORE_LABEL
    elif isinstance(ignore_label, (int, np.integer)) and \
            not isinstance(ignore_label, bool):
        ignore = _bounded(ignore_label, "ignore_label", n.OPT_IGNORE_LABEL,
                          n.NO_IGNORE_LABEL)
    else:
        raise TypeError("ignore_label must be an integer or None, not %r"
                        % (ignore_label,))
    values = [(n.OPT_BINS, _bounded(bins, "bins", n.OPT_BINS)),
              (n.OPT_CLASSES, _bounded(classes, "classes", n.OPT_CLASSES)),
              (n.OPT_BOOTSTRAP, _bounded(bootstrap, "bootstrap",
                                         n.OPT_BOOTSTRAP)),
              (n.OPT_SEED, _bounded(seed, "seed", n.OPT_SEED))]
    if nan_policy == "clamp":
        raise ValueError("nan_policy must be 'reject' or 'skip' (a NaN "
                         "cannot be clamped)")
    if seed != 0 and bootstrap == 0:
        raise ValueError("seed needs bootstrap=K (K > 0): without "
                         "replicates there is nothing to seed")
    if multilabel and classes == 1:
        raise ValueError("multilabel needs classes=C (C > 1)")
    return values + [
        (n.OPT_RULE, _choice(_RULES, rule, "rule")),
        (n.OPT_ZERO_DIVISION, _zero_division_code(zero_division)),
        (n.OPT_IGNORE_LABEL, ignore),
        (n.OPT_PER_IMAGE, 1 if per_image else 0),
        (n.OPT_NAN_POLICY, _choice(_POLICIES, nan_policy, "nan_policy")),
        (n.OPT_RANGE_POLICY, _choice(_POLICIES, range_policy,
                                     "range_policy")),
        (n.OPT_MULTILABEL, 1 if multilabel else 0),
        (n.OPT_WEIGHTED, 1 if weighted else 0)]


def _score_range(value):
    """(lo, hi) as two floats, checked for shape here and for order and
    finiteness by the library."""
    try:
        lo, hi = value
        return float(lo), float(hi)
    except (TypeError, ValueError):
        raise TypeError("range must be a pair (lo, hi) of numbers, not %r"
                        % (value,)) from None


def _set_thresholds(options, thresholds):
    """Hands the caller's thresholds (array_like, 1-D) to the library,
    which copies them."""
    values = np.ascontiguousarray(thresholds, dtype=np.float64)
    if values.ndim != 1:
        raise ValueError("thresholds must be 1-D, not of shape %s"
                         % (values.shape,))
    status = n.LIB.prc_options_set_thresholds(options, values.ctypes.data,
                                              values.size)
    if status == n.PRC_E_OPTION_VALUE:
        raise PrcurveError(status, "thresholds must be 2..16777217 finite "
                           "values in strictly increasing order")
    check(status)


def weight_view(weights, shape, like=None):
    """(dtype code, pointer, strides) of a weight array (float32 or
    float64, any strides) holding one weight per pixel of a batch of
    `shape` (images, rows, columns): of the shape of `like` (the labels),
    or (N, H, W), or (H, W) for one image.  Read in place."""
    code = check_array(weights, "weights", _WEIGHT_DTYPES, min_ndim=1)
    if like is not None and weights.shape == like.shape:
        view_shape, strides = as_images(weights, "weights")
    else:
        view = weights if weights.ndim != 2 else weights[np.newaxis]
        view_shape = view.shape
        strides = None if view.flags.c_contiguous else view.strides
    if tuple(view_shape) != tuple(shape):
        raise ValueError("weights has shape %s; expected one weight per "
                         "pixel, (N, H, W) = %s" % (weights.shape,
                                                    tuple(shape)))
    return code, weights.ctypes.data, strides


def class_view(array, what, layout, classes):
    """(shape, strides, class stride) of a score array (or multi-label
    mask) with a class axis: (N, C, H, W) or (N, H, W, C) by layout, or
    one image (C, H, W) or (H, W, C), read in place whatever its
    strides."""
    if array.ndim not in (3, 4):
        raise ValueError("%s has shape %s; with classes expected %s or %s "
                         "for one image" % (what, array.shape,
                                            "(N, H, W, C)" if layout
                                            else "(N, C, H, W)",
                                            "(H, W, C)" if layout
                                            else "(C, H, W)"))
    view = array if array.ndim == 4 else array[np.newaxis]
    axis = 3 if layout == n.LAYOUT_NHWC else 1
    if view.shape[axis] != classes:
        raise ValueError("%s has %d entries on its class axis, not %d "
                         "(classes)" % (what, view.shape[axis], classes))
    rest = [d for d in range(4) if d != axis]
    shape = tuple(view.shape[d] for d in rest)
    strides = tuple(view.strides[d] for d in rest)
    return shape, strides, view.strides[axis]


class Accumulator:
    """Counts pixels into a precision-recall curve, batch by batch.

    ``Accumulator(bins=1000, rule='ge', zero_division=0, ignore_label=255,
    per_image=False, nan_policy='reject', range_policy='reject',
    classes=1, multilabel=False, layout='nchw', range=None,
    thresholds=None, bootstrap=0, seed=0, weighted=False, threads=1,
    kernel='auto')``

    * ``bins``: thresholds k / bins for k = 0..bins (1..16777216).  Not
      with ``thresholds``, which sets them.
    * ``rule``: ``'ge'`` (score >= t, scikit-learn's) or ``'gt'``.
    * ``zero_division``: precision or recall where its denominator is 0:
      0, 1 or ``'nan'``.
    * ``ignore_label``: label value (2..255) whose pixels count nowhere, or
      None.
    * ``per_image``: also keep the mean per-image curve.
    * ``nan_policy``: ``'reject'`` (the whole batch fails) or ``'skip'``.
    * ``range_policy``: scores outside [0, 1]: ``'reject'``, ``'skip'`` or
      ``'clamp'``.
    * ``classes``: C, 1..254.  With more than 1, scores carry a class axis
      and labels are class indices 0..C-1; each class gets its own
      one-vs-rest curve (``Result.classes``) and the result itself is the
      pooled (micro) curve.
    * ``multilabel``: labels are C binary masks laid out like the scores.
    * ``layout``: where the class axis lies, ``'nchw'`` (N, C, H, W) or
      ``'nhwc'`` (N, H, W, C).
    * ``range``: ``(lo, hi)``, scores valid in [lo, hi] instead of [0, 1]
      (logits, say); thresholds lo + (hi - lo) k / bins, reported in
      these units.  uint8 and uint16 scores still mean v / 255 and
      v / 65535.
    * ``thresholds``: array_like of your own thresholds, 2..16777217,
      finite and strictly increasing; one curve row each.  With a range
      too, scores are valid in that range.  With ``range`` or
      ``thresholds``, calibration and ECE are undefined.
    * ``bootstrap``: K bootstrap replicates over images (0..1000) for
      ``Result.interval``; ``seed`` (0..2^63 - 1) fixes their weights,
      which do not depend on batching, order or merging.
    * ``weighted``: per-pixel weights (``update(..., weights=w)``),
      scikit-learn's sample_weight: every count becomes a sum of weights,
      and the Result's counts and pixel tallies are floats.  Weights are
      kept as whole multiples of 2^-16, so sums are exact; updates
      without weights count 1 per pixel.
    * ``threads``: threads one update may use (1..256); the counts are the
      same whatever the number.
    * ``kernel``: the code path, ``'auto'`` (the widest this processor
      has), ``'scalar'``, ``'sse2'``, ``'avx2'`` or ``'avx512'``; one the
      processor lacks raises PrcurveError.  ``Accumulator.kernel`` names
      the one in use.

    A failed call raises PrcurveError and changes no count.  Not
    thread-safe: one accumulator must not be used by two threads at once.
    """

    def __init__(self, bins=None, rule="ge", zero_division=0,
                 ignore_label=255, per_image=False, nan_policy="reject",
                 range_policy="reject", classes=1, multilabel=False,
                 layout="nchw", range=None, thresholds=None, bootstrap=0,
                 seed=0, weighted=False, threads=1, kernel="auto"):
        self._acc = None
        self._batch = None
        self._layout = _choice(_LAYOUTS, layout, "layout")
        if thresholds is not None and bins is not None:
            raise ValueError("bins cannot go with thresholds, which set the "
                             "curve's rows")
        values = _options(1000 if bins is None else bins, rule,
                          zero_division, ignore_label, per_image,
                          nan_policy, range_policy, classes, multilabel,
                          bootstrap, seed, weighted)
        values += [(n.OPT_THREADS, _bounded(threads, "threads",
                                            n.OPT_THREADS)),
                   (n.OPT_KERNEL, _choice(_KERNELS, kernel, "kernel"))]
        score_range = None if range is None else _score_range(range)
        options = ctypes.c_void_p()
        check(n.LIB.prc_options_create(ctypes.byref(options)))
        try:
            for option, value in values:
                check(n.LIB.prc_options_set(options, option, value))
            if score_range is not None:
                check(n.LIB.prc_options_set_range(options, *score_range))
            if thresholds is not None:
                _set_thresholds(options, thresholds)
            self._create(options)
        finally:
            n.LIB.prc_options_free(options)

    def _create(self, options):
        acc, batch = ctypes.c_void_p(), ctypes.c_void_p()
        check(n.LIB.prc_accumulator_create(ctypes.byref(acc), options))
        self._acc = acc
        check(n.LIB.prc_batch_create(ctypes.byref(batch)))
        self._batch = batch

    @classmethod
    def _adopt(cls, acc):
        self = cls.__new__(cls)
        self._acc, self._batch = acc, None
        self._layout = n.LAYOUT_NCHW
        batch = ctypes.c_void_p()
        check(n.LIB.prc_batch_create(ctypes.byref(batch)))
        self._batch = batch
        return self

    def __del__(self):
        if getattr(self, "_batch", None) is not None:
            n.LIB.prc_batch_free(self._batch)
            self._batch = None
        if getattr(self, "_acc", None) is not None:
            n.LIB.prc_accumulator_free(self._acc)
            self._acc = None

    @property
    def kernel(self):
        """The code path this accumulator's updates run: 'scalar',
        'sse2', 'avx2' or 'avx512'."""
        code = n.LIB.prc_accumulator_kernel(self._acc)
        return next(name for name, value in _KERNELS.items()
                    if value == code)

    def option(self, name):
        """An option's value as the library holds it, by name ('bins',
        'rule', ...): the raw integer of prcurve.h."""
        codes = {"bins": n.OPT_BINS, "rule": n.OPT_RULE,
                 "zero_division": n.OPT_ZERO_DIVISION,
                 "ignore_label": n.OPT_IGNORE_LABEL,
                 "nan_policy": n.OPT_NAN_POLICY,
                 "range_policy": n.OPT_RANGE_POLICY,
                 "per_image": n.OPT_PER_IMAGE, "classes": n.OPT_CLASSES,
                 "multilabel": n.OPT_MULTILABEL,
                 "bootstrap": n.OPT_BOOTSTRAP, "seed": n.OPT_SEED,
                 "weighted": n.OPT_WEIGHTED}
        value = ctypes.c_int64()
        check(n.LIB.prc_accumulator_get_option(
            self._acc, _choice(codes, name, "option"), ctypes.byref(value)))
        return value.value

    def update(self, scores, labels, weights=None):
        """Counts the pixels of ``scores`` (float16, float32, float64,
        uint8 read as v/255 or uint16 read as v/65535) against ``labels``
        (uint8, bool, int32 or int64), of the same shape (H, W) or
        (N, H, W).  The arrays are read in place, never copied, whatever
        their strides: a crop, a channel ``t[:, 1]`` of an NCHW array or a
        flipped view is passed as it lies in memory.  Each of the N images
        is one image for per-image mode.

        With classes (C > 1): scores (N, C, H, W) or, with layout 'nhwc',
        (N, H, W, C), or one image without N; labels (N, H, W) class
        indices, or for multilabel C masks shaped like the scores.  Read
        in place too, any strides.

        ``weights`` (Accumulator(weighted=True) only): float32 or float64,
        one weight per pixel, (N, H, W) or (H, W) for one image, shared by
        all classes; finite and in [0, 2^24], else PrcurveError
        (PRC_E_WEIGHT, naming the pixel) and nothing is counted.  Read in
        place, any strides.  Returns self."""
        if weights is not None and not self.option("weighted"):
            raise PrcurveError(n.PRC_E_NOT_ENABLED, "weights need "
                               "Accumulator(weighted=True)")
        classes = self.option("classes")
        if classes > 1:
            return self._update_classes(scores, labels, classes, weights)
        s_code = check_array(scores, "scores", _SCORE_DTYPES)
        l_code = check_array(labels, "labels", _LABEL_DTYPES)
        if scores.shape != labels.shape:
            raise ValueError("scores has shape %s but labels has shape %s"
                             % (scores.shape, labels.shape))
        shape, s_strides = as_images(scores, "scores")
        l_strides = as_images(labels, "labels")[1]
        w = None if weights is None else weight_view(weights, shape, labels)
        self._feed(shape, (s_code, scores.ctypes.data, s_strides),
                   (l_code, labels.ctypes.data, l_strides), weights=w)
        return self

    def _update_classes(self, scores, labels, classes, weights=None):
        s_code = check_array(scores, "scores", _SCORE_DTYPES, min_ndim=1)
        l_code = check_array(labels, "labels", _LABEL_DTYPES, min_ndim=1)
        shape, s_strides, s_class = class_view(scores, "scores",
                                               self._layout, classes)
        if self.option("multilabel"):
            l_shape, l_strides, l_class = class_view(labels, "labels",
                                                     self._layout, classes)
        else:
            view = labels if labels.ndim != scores.ndim - 1 or \
                scores.ndim == 4 else labels[np.newaxis]
            l_shape, l_strides, l_class = view.shape, view.strides, 0
        if l_shape != shape:
            raise ValueError("scores has shape %s but labels has shape %s: "
                             "their images differ" % (scores.shape,
                                                      labels.shape))
        w = None if weights is None else weight_view(weights, shape)
        self._feed(shape, (s_code, scores.ctypes.data, s_strides),
                   (l_code, labels.ctypes.data, l_strides),
                   (s_class, l_class), w)
        return self

    def _feed(self, shape, scores, labels, class_strides=None, weights=None):
        """Feeds one batch; scores, labels and weights (None for none) are
        (dtype code, pointer to element [0, 0, 0], byte strides or
        None)."""
        lib = n.LIB
        check(lib.prc_batch_set_shape(self._batch, *shape))
        check(lib.prc_batch_set_scores(self._batch, scores[0], scores[1]))
        check(lib.prc_batch_set_score_strides(self._batch,
                                              _strides(scores[2])))
        check(lib.prc_batch_set_labels(self._batch, labels[0], labels[1]))
        check(lib.prc_batch_set_label_strides(self._batch,
                                              _strides(labels[2])))
        if class_strides is not None:
            check(lib.prc_batch_set_class_strides(self._batch,
                                                  *class_strides))
        if weights is None:
            check(lib.prc_batch_set_weights(self._batch, n.DTYPE_FLOAT64,
                                            None))
        else:
            check(lib.prc_batch_set_weights(self._batch, weights[0],
                                            weights[1]))
            check(lib.prc_batch_set_weight_strides(self._batch,
                                                   _strides(weights[2])))
        check(lib.prc_accumulator_feed(self._acc, self._batch), self._acc)

    def compute(self):
        """The curve and summaries of everything fed so far (a Result).
        The accumulator is unchanged and may be updated further."""
        result = ctypes.c_void_p()
        check(n.LIB.prc_accumulator_finalize(self._acc,
                                             ctypes.byref(result)))
        return Result(result)

    def reset(self):
        """Forgets everything fed, keeping the options."""
        n.LIB.prc_accumulator_reset(self._acc)

    def merge(self, other):
        """Adds everything fed to ``other`` (an Accumulator with equal
        options) into this one.  Returns self."""
        if not isinstance(other, Accumulator):
            raise TypeError("merge takes an Accumulator, not %s"
                            % type(other).__name__)
        check(n.LIB.prc_accumulator_merge(self._acc, other._acc), self._acc)
        return self

    def to_bytes(self):
        """The options and counts as portable bytes (README "Serialized
        format"); Accumulator.from_bytes reads them back."""
        size = ctypes.c_size_t()
        check(n.LIB.prc_accumulator_serialize(self._acc, None, 0,
                                              ctypes.byref(size)))
        buffer = ctypes.create_string_buffer(size.value)
        check(n.LIB.prc_accumulator_serialize(self._acc, buffer, size.value,
                                              ctypes.byref(size)))
        return buffer.raw[:size.value]

    @classmethod
    def from_bytes(cls, data):
        """A new Accumulator from bytes made by to_bytes.  Malformed or
        hostile bytes raise PrcurveError (PRC_E_FORMAT, PRC_E_CHECKSUM,
        ...)."""
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError("from_bytes takes bytes, not %s"
                            % type(data).__name__)
        data = bytes(data)
        acc = ctypes.c_void_p()
        check(n.LIB.prc_accumulator_deserialize(ctypes.byref(acc), data,
                                                len(data)))
        return cls._adopt(acc)

    def state(self):
        """The raw state as a read-only numpy uint64 array viewing the
        library's memory (no copy).  It follows later updates and stays
        valid while this accumulator lives; np.array(acc.state()) keeps a
        snapshot.  States of accumulators with equal options add up element
        by element (e.g. an all-reduce); add_state takes the sum back."""
        pointer = ctypes.POINTER(ctypes.c_uint64)()
        length = ctypes.c_size_t()
        check(n.LIB.prc_accumulator_state(self._acc, ctypes.byref(pointer),
                                          ctypes.byref(length)))
        buffer = (ctypes.c_uint64 * length.value).from_address(
            ctypes.addressof(pointer.contents))
        buffer._prcurve_owner = self  # keeps the memory alive
        view = np.ctypeslib.as_array(buffer)
        view.flags.writeable = False
        return view

    def add_state(self, state):
        """Adds a state array (uint64, or int64 as torch all-reduces it;
        1-D, C-contiguous, this accumulator's state length) into this
        accumulator.  Returns self."""
        if not isinstance(state, np.ndarray) or \
                state.dtype not in (np.dtype(np.uint64), np.dtype(np.int64)):
            raise TypeError("add_state takes a numpy uint64 (or int64) array;"
                            " convert with np.asarray(x, dtype=np.uint64)")
        if state.ndim != 1 or not state.flags.c_contiguous:
            raise ValueError("add_state takes a 1-D C-contiguous array; use "
                             "np.ascontiguousarray(state).ravel()")
        check(n.LIB.prc_accumulator_add_state(self._acc, state.ctypes.data,
                                              state.size), self._acc)
        return self

    def __repr__(self):
        text = "Accumulator(bins=%d, per_image=%s" % (
            self.option("bins"), bool(self.option("per_image")))
        if self.option("weighted"):
            text += ", weighted=True"
        if self.option("bootstrap"):
            text += ", bootstrap=%d, seed=%d" % (self.option("bootstrap"),
                                                 self.option("seed"))
        return text + ")"


class Result:
    """An immutable snapshot of an accumulator: the curve as numpy arrays,
    one entry per threshold in increasing order (k / bins, or those of the
    accumulator's range or thresholds, in the caller's units), and
    summaries.

    Curve: ``thresholds``, ``precision``, ``recall``, ``f1`` (float64) and
    ``tp``, ``fp``, ``fn``, ``tn`` (uint64; float64 weighted sums when
    ``weighted``).  Summaries: ``average_precision``,
    ``auprc_trapezoid``, ``best_f1``, ``best_f1_threshold``; None when
    undefined, and then ``undefined[name]`` says why (e.g. "PRC_E_NO_POSITIVES:
    undefined: no positive pixel was fed").  Tallies: ``pixels``,
    ``positives``, ``negatives``, ``ignored``, ``skipped``, ``images``,
    ``images_without_positives``; with weights (``weighted`` True) the
    pixel tallies (pixels, positives, negatives, ignored, skipped) are
    weighted sums as floats.  Per-image mode adds ``image_precision``,
    ``image_recall``, ``image_average_precision``, ``image_auprc_trapezoid``
    and ``mean_image_average_precision`` (None without per-image mode).

    Analytics (README "Analytics"): columns ``tpr``, ``fpr``, ``dice``,
    ``iou``, ``specificity``, ``accuracy``; summaries ``auroc``,
    ``ap_bounds`` (lo, hi), ``best_dice``, ``best_dice_threshold``,
    ``best_iou``, ``best_iou_threshold``, ``ap_voc11``, ``ap_coco101``,
    ``ap_interpolated``, ``ece``; methods ``calibration``, ``fbeta(beta)``
    (an array, one F-beta per row of the curve), ``best_fbeta(beta)``
    (value, threshold), ``precision_at_recall(min_recall)`` and
    ``recall_at_precision(min_precision)``, each a pair (value,
    threshold), or (None, None) where no row qualifies.

    Bootstrap (Accumulator(bootstrap=K)): ``interval(metric, level)``
    gives a percentile confidence interval; ``bootstrap`` and ``seed``
    hold K and the seed.

    Classes: ``classes`` lists one Result per class (its one-vs-rest
    curve; the Result itself is then the pooled, micro, curve), and
    ``mean_average_precision`` holds the 'macro', 'weighted' and 'micro'
    mean APs."""

    def __init__(self, handle):
        """Takes ownership of a prc_result handle, freed with the
        Result."""
        self._handle = handle
        self._classes = None
        lib, rows = n.LIB, n.LIB.prc_result_rows(handle)
        self.rows = rows
        self.undefined = {}
        value = ctypes.c_int64()
        check(lib.prc_result_get_option(handle, n.OPT_PER_IMAGE,
                                        ctypes.byref(value)))
        self.per_image = bool(value.value)
        check(lib.prc_result_get_option(handle, n.OPT_BINS,
                                        ctypes.byref(value)))
        self.bins = value.value
        check(lib.prc_result_get_option(handle, n.OPT_BOOTSTRAP,
                                        ctypes.byref(value)))
        self.bootstrap = value.value
        check(lib.prc_result_get_option(handle, n.OPT_SEED,
                                        ctypes.byref(value)))
        self.seed = value.value
        check(lib.prc_result_get_option(handle, n.OPT_WEIGHTED,
                                        ctypes.byref(value)))
        self.weighted = bool(value.value)

        columns = [("thresholds", n.COL_THRESHOLD), ("precision",
                   n.COL_PRECISION), ("recall", n.COL_RECALL),
                   ("f1", n.COL_F1)]
        if self.per_image:
            columns += [("image_precision", n.COL_IMAGE_PRECISION),
                        ("image_recall", n.COL_IMAGE_RECALL)]
        for name, code in columns:
            out = np.empty(rows, dtype=np.float64)
            status = lib.prc_result_column(handle, code, 0, rows,
                                           out.ctypes.data)
            out = self._defined(name, status, out, array=True)
            setattr(self, name, out)
        for name, code in [("tp", n.COL_TP), ("fp", n.COL_FP),
                           ("fn", n.COL_FN), ("tn", n.COL_TN)]:
            if self.weighted:  # the weighted sums themselves
                out = np.empty(rows, dtype=np.float64)
                check(lib.prc_result_column(handle, code, 0, rows,
                                            out.ctypes.data))
            else:
                out = np.empty(rows, dtype=np.uint64)
                check(lib.prc_result_counts(handle, code, 0, rows,
                                            out.ctypes.data))
            out.flags.writeable = False
            setattr(self, name, out)
        for name, code in n.ANALYTIC_COLUMNS.items():
            out = np.empty(rows, dtype=np.float64)
            check(lib.prc_result_column(handle, code, 0, rows,
                                        out.ctypes.data))
            out.flags.writeable = False
            setattr(self, name, out)
        if not self.per_image:
            self.image_precision = self.image_recall = None
        self._read_summaries(handle)
        self.ap_bounds = None if self.ap_lower is None else \
            (self.ap_lower, self.ap_upper)
        self.mean_average_precision = {}
        for name, code in n.MEAN_AP.items():
            out = ctypes.c_double()
            status = lib.prc_result_metric(handle, code, ctypes.byref(out))
            self.mean_average_precision[name] = self._defined(
                "mean_average_precision_" + name, status, out.value)

    def __del__(self):
        if getattr(self, "_handle", None) is not None:
            n.LIB.prc_result_free(self._handle)
            self._handle = None

    @property
    def classes(self):
        """One Result per class (prc_result_class): class c's one-vs-rest
        curve as if fed alone.  A one-class result lists itself alone."""
        if self._classes is None:
            count = n.LIB.prc_result_classes(self._handle)
            if count <= 1:
                self._classes = [self]
                return list(self._classes)
            classes = []
            for c in range(count):
                one = ctypes.c_void_p()
                check(n.LIB.prc_result_class(self._handle, c,
                                             ctypes.byref(one)))
                classes.append(Result(one))
            self._classes = classes
        return list(self._classes)

    def fbeta(self, beta):
        """F-beta at every row, (1 + b^2) TP / ((1 + b^2) TP + b^2 FN + FP):
        a float64 array of ``rows`` values, one per row of the curve (not
        a single number; see best_fbeta for that); 0 < beta <= 1e150."""
        out = np.empty(self.rows, dtype=np.float64)
        check(n.LIB.prc_result_fbeta(self._handle, float(beta), 0, self.rows,
                                     out.ctypes.data))
        return out

    def interval(self, metric="average_precision", level=0.95):
        """Percentile bootstrap confidence interval (lo, hi) of a summary
        over the K replicates: 'average_precision', 'auprc_trapezoid',
        'best_f1' or 'auroc'; level in (0, 1).  Replicates where the
        summary is undefined are left out; (None, None) when none
        defines it.  Needs Accumulator(bootstrap=K) with K > 0."""
        if metric not in n.INTERVAL_METRICS:
            raise ValueError("interval metric must be one of %s, not %r"
                             % (", ".join(repr(m) for m in
                                          n.INTERVAL_METRICS), metric))
        if self.bootstrap == 0:
            raise PrcurveError(n.PRC_E_NOT_ENABLED, "interval needs "
                               "Accumulator(bootstrap=K) with K > 0")
        lo, hi = ctypes.c_double(), ctypes.c_double()
        status = n.LIB.prc_result_interval(self._handle, n.METRICS[metric],
                                           float(level), ctypes.byref(lo),
                                           ctypes.byref(hi))
        if status == n.PRC_E_NO_POSITIVES:
            return None, None
        check(status)
        return lo.value, hi.value

    def _pair(self, function, argument):
        a, b = ctypes.c_double(), ctypes.c_double()
        status = function(self._handle, float(argument), ctypes.byref(a),
                          ctypes.byref(b))
        if status == n.PRC_OK:
            return a.value, b.value
        if status in (n.PRC_E_NO_POSITIVES, n.PRC_E_NOT_REACHED):
            return None, None
        raise PrcurveError(status)

    def best_fbeta(self, beta):
        """(highest F-beta, its threshold), or (None, None) without a
        positive pixel."""
        return self._pair(n.LIB.prc_result_best_fbeta, beta)

    def precision_at_recall(self, min_recall):
        """(highest precision among rows with recall >= min_recall, its
        threshold), or (None, None) where no row reaches it."""
        return self._pair(n.LIB.prc_result_precision_at_recall, min_recall)

    def recall_at_precision(self, min_precision):
        """(highest recall among rows with precision >= min_precision, its
        threshold), or (None, None) where no row reaches it."""
        return self._pair(n.LIB.prc_result_recall_at_precision,
                          min_precision)

    def calibration(self, groups=10):
        """Reliability diagram over `groups` groups of equal score width:
        (mean_score, positive_rate, pixels) arrays, NaN, NaN and 0 for an
        empty group; mean scores taken at bin centres.  With weights,
        pixels holds each group's weight as float64."""
        mean = np.empty(groups, dtype=np.float64)
        rate = np.empty(groups, dtype=np.float64)
        pixels = np.empty(groups, dtype=np.uint64)
        check(n.LIB.prc_result_calibration(self._handle, int(groups),
                                           mean.ctypes.data,
                                           rate.ctypes.data,
                                           pixels.ctypes.data))
        if self.weighted:
            return mean, rate, pixels / float(n.WEIGHT_ONE)
        return mean, rate, pixels

    def _defined(self, name, status, value, array=False):
        if status == n.PRC_OK:
            if array:
                value.flags.writeable = False
            return value
        if status == n.PRC_E_NOT_ENABLED:
            return None
        error = PrcurveError(status)
        why = error.message
        if status == n.PRC_E_UNSUPPORTED:
            why = "undefined: needs probability bins k / bins, not a range " \
                  "or thresholds of your own"
        self.undefined[name] = "%s: %s" % (error.name, why)
        return None

    def _read_summaries(self, handle):
        for name, code in n.METRICS.items():
            out = ctypes.c_double()
            status = n.LIB.prc_result_metric(handle, code, ctypes.byref(out))
            setattr(self, name, self._defined(name, status, out.value))
        for name, code in n.TALLIES.items():
            out = ctypes.c_uint64()
            check(n.LIB.prc_result_tally(handle, code, ctypes.byref(out)))
            if self.weighted and name in n.PIXEL_TALLIES:
                setattr(self, name, out.value / float(n.WEIGHT_ONE))
            else:
                setattr(self, name, out.value)

    def __repr__(self):
        ap = self.average_precision
        return "<prcurve.Result: %d rows, %s positive of %s pixels, AP %s>" \
            % (self.rows, self.positives, self.pixels,
               "undefined" if ap is None else "%.6f" % ap)

    def plot(self, ax=None):
        """Draws the precision-recall curve (rows that predict some pixel
        positive) on a matplotlib Axes (a new figure's when ax is None),
        with the AP in the legend, the mean per-image curve in per-image
        mode, and the no-skill level.  Returns the Axes.  Needs matplotlib;
        without it, prcurve-eval --plot FILE.svg draws the same without
        any Python dependency."""
        try:
            import matplotlib.pyplot as plt
        except ImportError:
            raise ImportError(
                "Result.plot needs matplotlib, which is not installed "
                "(pip install matplotlib, or apt-get install "
                "python3-matplotlib); prcurve-eval --plot FILE.svg draws "
                "the curve without it") from None
        if ax is None:
            ax = plt.figure().add_subplot()
        drawn = (self.tp + self.fp) > 0
        label = "all pixels (AP %s)" % (
            "undefined" if self.average_precision is None
            else "%.4f" % self.average_precision)
        ax.plot(self.recall[drawn], self.precision[drawn], label=label)
        if self.per_image and self.image_recall is not None:
            ax.plot(self.image_recall[drawn], self.image_precision[drawn],
                    label="mean per-image curve")
        if self.pixels:
            ax.axhline(self.positives / self.pixels, linestyle="--",
                       color="gray", label="no skill")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1.02)
        ax.set_xlabel("Recall")
        ax.set_ylabel("Precision")
        ax.legend(loc="lower left")
        return ax
