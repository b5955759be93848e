"""Multi-class and multi-label accumulators against scikit-learn: on uint8
scores with 255 bins, every class's AP equals average_precision_score of
that class one-vs-rest, and the macro, weighted and micro means equal
scikit-learn's averages over the classes that have a positive pixel.

usage: test_classes.py LIBPRCURVE_SO
"""
import ctypes as C
import sys

import numpy as np
from sklearn.metrics import average_precision_score

lib = C.CDLL(sys.argv[1])
vp, sz = C.c_void_p, C.c_size_t
OPT_BINS, OPT_CLASSES, OPT_MULTILABEL = 1, 10, 11
DTYPE_UINT8 = 3
AP, MACRO, WEIGHTED, MICRO = 1, 19, 20, 21
failures = []


def check(ok, what):
    if not ok:
        failures.append(what)


def metric(result, which):
    value = C.c_double()
    status = lib.prc_result_metric(result, which, C.byref(value))
    return value.value if status == 0 else None


def evaluate(scores, labels, classes, multilabel, layout):
    options = vp()
    assert lib.prc_options_create(C.byref(options)) == 0
    for option, value in ((OPT_BINS, 255), (OPT_CLASSES, classes),
                          (OPT_MULTILABEL, multilabel)):
        assert lib.prc_options_set(options, option, C.c_int64(value)) == 0
    acc, batch, result = vp(), vp(), vp()
    assert lib.prc_accumulator_create(C.byref(acc), options) == 0
    assert lib.prc_batch_create(C.byref(batch)) == 0
    n = scores.shape[0]
    h, w = (scores.shape[2:] if layout == 0 else scores.shape[1:3])
    assert lib.prc_batch_set_shape(batch, sz(n), sz(h), sz(w)) == 0
    assert lib.prc_batch_set_layout(batch, layout) == 0
    lib.prc_batch_set_scores(batch, DTYPE_UINT8, scores.ctypes.data_as(vp))
    lib.prc_batch_set_labels(batch, DTYPE_UINT8, labels.ctypes.data_as(vp))
    status = lib.prc_accumulator_feed(acc, batch)
    assert status == 0, status
    assert lib.prc_accumulator_finalize(acc, C.byref(result)) == 0
    return result


def compare(result, y, s, name):
    """y, s: (pixels, classes) one-hot truth and scores of counted pixels."""
    have = y.sum(axis=0) > 0
    for c in range(y.shape[1]):
        one = vp()
        assert lib.prc_result_class(result, sz(c), C.byref(one)) == 0
        got = metric(one, AP)
        if have[c]:
            want = average_precision_score(y[:, c], s[:, c])
            check(got is not None and abs(got - want) < 1e-12,
                  "%s class %d: AP %r, scikit-learn %r" % (name, c, got, want))
        else:
            check(got is None, "%s class %d has no positive but AP %r"
                  % (name, c, got))
        lib.prc_result_free(one)
    for which, average in ((MACRO, "macro"), (WEIGHTED, "weighted")):
        want = average_precision_score(y[:, have], s[:, have],
                                       average=average)
        got = metric(result, which)
        check(abs(got - want) < 1e-12, "%s %s: %r, scikit-learn %r"
              % (name, average, got, want))
    want = average_precision_score(y, s, average="micro")
    for which in (MICRO, AP):
        got = metric(result, which)
        check(abs(got - want) < 1e-12, "%s micro: %r, scikit-learn %r"
              % (name, got, want))


def main():
    rng = np.random.default_rng(5)
    n, k, h, w = 3, 5, 17, 19
    labels = rng.integers(0, k - 1, size=(n, h, w)).astype(np.uint8)
    labels[rng.random((n, h, w)) < 0.05] = 255      # class 4 never occurs
    raw = rng.random((n, k, h, w)) + 1.5 * (
        labels[:, None] == np.arange(k)[None, :, None, None])
    scores = np.round(255 * raw / raw.max()).astype(np.uint8)  # (n,k,h,w)
    counted = labels != 255
    y = (labels[counted][:, None] == np.arange(k)[None, :]).astype(int)
    s = np.moveaxis(scores, 1, -1)[counted] / 255.0
    for layout, array in ((0, scores),
                          (1, np.ascontiguousarray(np.moveaxis(scores, 1, -1)))):
        result = evaluate(array, labels, k, 0, layout)
        compare(result, y, s, "multi-class layout %d" % layout)
        lib.prc_result_free(result)

    masks = (rng.random((n, k, h, w)) < 0.3).astype(np.uint8)
    result = evaluate(scores, masks, k, 1, 0)
    ym = np.moveaxis(masks, 1, -1).reshape(-1, k)
    sm = np.moveaxis(scores, 1, -1).reshape(-1, k) / 255.0
    compare(result, ym, sm, "multi-label")
    lib.prc_result_free(result)

    for failure in failures:
        print("FAIL:", failure)
    print("classes: %d failed" % len(failures))
    sys.exit(1 if failures else 0)


main()
