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
_RULES = {"ge": 0, "gt": 1}
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


def _options(bins, rule, zero_division, ignore_label, per_image, nan_policy,
             range_policy):
    """The option values for the library, checked for type here and for
    range by the library itself."""
    if isinstance(bins, bool) or not isinstance(bins, (int, np.integer)):
        raise TypeError("bins must be an integer, not %r" % (bins,))
    if ignore_label is None:
        ignore = n.NO_IGNORE_LABEL
    elif isinstance(ignore_label, (int, np.integer)) and \
            not isinstance(ignore_label, bool):
        ignore = int(ignore_label)
    else:
        raise TypeError("ignore_label must be an integer or None, not %r"
                        % (ignore_label,))
    if nan_policy == "clamp":
        raise ValueError("nan_policy must be 'reject' or 'skip' (a NaN "
                         "cannot be clamped)")
    return [(n.OPT_BINS, int(bins)),
            (n.OPT_RULE, _choice(_RULES, rule, "rule")),
            (n.OPT_ZERO_DIVISION, _zero_division_code(zero_division)),
            (n.OPT_IGNORE_LABEL, ignore),
            (n.OPT_PER_IMAGE, 1 if per_image else 0),
            (n.OPT_NAN_POLICY, _choice(_POLICIES, nan_policy,
                                       "nan_policy")),
            (n.OPT_RANGE_POLICY, _choice(_POLICIES, range_policy,
                                         "range_policy"))]


class Accumulator:
    """Counts pixels into a precision-recall curve, batch by batch.

    ``Accumulator(bins=1000, rule='ge', zero_division=0, ignore_label=255,
    per_image=False, nan_policy='reject', range_policy='reject')``

    * ``bins``: thresholds k / bins for k = 0..bins (1..16777216).
    * ``rule``: ``'ge'`` (score >= t, scikit-learn's) or ``'gt'``.
    * ``zero_division``: precision or recall where its denominator is 0:
      0, 1 or ``'nan'``.
    * ``ignore_label``: label value (2..255) whose pixels count nowhere, or
      None.
    * ``per_image``: also keep the mean per-image curve.
    * ``nan_policy``: ``'reject'`` (the whole batch fails) or ``'skip'``.
    * ``range_policy``: scores outside [0, 1]: ``'reject'``, ``'skip'`` or
      ``'clamp'``.

    A failed call raises PrcurveError and changes no count.  Not
    thread-safe: one accumulator must not be used by two threads at once.
    """

    def __init__(self, bins=1000, rule="ge", zero_division=0,
                 ignore_label=255, per_image=False, nan_policy="reject",
                 range_policy="reject"):
        self._acc = None
        self._batch = None
        values = _options(bins, rule, zero_division, ignore_label,
                          per_image, nan_policy, range_policy)
        options = ctypes.c_void_p()
        check(n.LIB.prc_options_create(ctypes.byref(options)))
        try:
            for option, value in values:
                check(n.LIB.prc_options_set(options, option, value))
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

    def option(self, name):
        """An option's value as the library holds it, by name ('bins',
        'rule', ...): the raw integer of prcurve.h."""
        codes = {"bins": n.OPT_BINS, "rule": n.OPT_RULE,
                 "zero_division": n.OPT_ZERO_DIVISION,
                 "ignore_label": n.OPT_IGNORE_LABEL,
                 "nan_policy": n.OPT_NAN_POLICY,
                 "range_policy": n.OPT_RANGE_POLICY,
                 "per_image": n.OPT_PER_IMAGE}
        value = ctypes.c_int64()
        check(n.LIB.prc_accumulator_get_option(
            self._acc, _choice(codes, name, "option"), ctypes.byref(value)))
        return value.value

    def update(self, scores, labels):
        """Counts the pixels of ``scores`` (float16, float32, float64,
        uint8 read as v/255 or uint16 read as v/65535) against ``labels``
        (uint8, bool, int32 or int64), of the same shape (H, W) or
        (N, H, W).  The arrays are read in place, never copied, whatever
        their strides: a crop, a channel ``t[:, 1]`` of an NCHW array or a
        flipped view is passed as it lies in memory.  Each of the N images
        is one image for per-image mode.  Returns self."""
        s_code = check_array(scores, "scores", _SCORE_DTYPES)
        l_code = check_array(labels, "labels", _LABEL_DTYPES)
        if scores.shape != labels.shape:
            raise ValueError("scores has shape %s but labels has shape %s"
                             % (scores.shape, labels.shape))
        shape, s_strides = as_images(scores, "scores")
        l_strides = as_images(labels, "labels")[1]
        self._feed(shape, (s_code, scores.ctypes.data, s_strides),
                   (l_code, labels.ctypes.data, l_strides))
        return self

    def _feed(self, shape, scores, labels):
        """Feeds one batch; scores and labels are (dtype code, pointer to
        element [0, 0, 0], byte strides or None)."""
        lib = n.LIB
        check(lib.prc_batch_set_shape(self._batch, *shape))
        check(lib.prc_batch_set_scores(self._batch, scores[0], scores[1]))
        check(lib.prc_batch_set_score_strides(self._batch,
                                              _strides(scores[2])))
        check(lib.prc_batch_set_labels(self._batch, labels[0], labels[1]))
        check(lib.prc_batch_set_label_strides(self._batch,
                                              _strides(labels[2])))
        check(lib.prc_accumulator_feed(self._acc, self._batch), self._acc)

    def compute(self):
        """The curve and summaries of everything fed so far (a Result).
        The accumulator is unchanged and may be updated further."""
        result = ctypes.c_void_p()
        check(n.LIB.prc_accumulator_finalize(self._acc,
                                             ctypes.byref(result)))
        try:
            return Result(result)
        finally:
            n.LIB.prc_result_free(result)

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
        return "Accumulator(bins=%d, per_image=%s)" % (
            self.option("bins"), bool(self.option("per_image")))


class Result:
    """An immutable snapshot of an accumulator: the curve as numpy arrays,
    one entry per threshold k / bins in increasing order, and summaries.

    Curve: ``thresholds``, ``precision``, ``recall``, ``f1`` (float64) and
    ``tp``, ``fp``, ``fn``, ``tn`` (uint64).  Summaries: ``average_precision``,
    ``auprc_trapezoid``, ``best_f1``, ``best_f1_threshold``; None when
    undefined, and then ``undefined[name]`` says why (e.g. "PRC_E_NO_POSITIVES:
    undefined: no positive pixel was fed").  Tallies: ``pixels``,
    ``positives``, ``negatives``, ``ignored``, ``skipped``, ``images``,
    ``images_without_positives``.  Per-image mode adds ``image_precision``,
    ``image_recall``, ``image_average_precision``, ``image_auprc_trapezoid``
    and ``mean_image_average_precision`` (None without per-image mode)."""

    def __init__(self, handle):
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
            out = np.empty(rows, dtype=np.uint64)
            check(lib.prc_result_counts(handle, code, 0, rows,
                                        out.ctypes.data))
            out.flags.writeable = False
            setattr(self, name, out)
        if not self.per_image:
            self.image_precision = self.image_recall = None
        self._read_summaries(handle)

    def _defined(self, name, status, value, array=False):
        if status == n.PRC_OK:
            if array:
                value.flags.writeable = False
            return value
        if status == n.PRC_E_NOT_ENABLED:
            return None
        error = PrcurveError(status)
        self.undefined[name] = "%s: %s" % (error.name, error.message)
        return None

    def _read_summaries(self, handle):
        for name, code in n.METRICS.items():
            out = ctypes.c_double()
            status = n.LIB.prc_result_metric(handle, code, ctypes.byref(out))
            setattr(self, name, self._defined(name, status, out.value))
        for name, code in n.TALLIES.items():
            out = ctypes.c_uint64()
            check(n.LIB.prc_result_tally(handle, code, ctypes.byref(out)))
            setattr(self, name, out.value)

    def __repr__(self):
        ap = self.average_precision
        return "<prcurve.Result: %d rows, %d positive of %d pixels, AP %s>" \
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
