"""Per-pixel weights through the Python binding: Accumulator(weighted=True)
and update(..., weights=) against scikit-learn's sample_weight and NumPy
weighted sums; strided weights read in place equal contiguous copies;
counts and pixel tallies are float weighted sums; the scikit-learn-shaped
functions with sample_weight; and the refusals."""

import sys

import numpy as np
from sklearn.metrics import (average_precision_score, precision_recall_curve,
                             roc_auc_score)

import prcurve

FAILURES = []


def check(condition, message):
    print("%s %s" % ("ok  " if condition else "FAIL", message), flush=True)
    if not condition:
        FAILURES.append(message)


def raises(kind, function, *words):
    try:
        function()
    except kind as e:
        missing = [w for w in words if w not in str(e)]
        if missing:
            print("     message %r lacks %r" % (str(e), missing))
        return not missing
    except Exception as e:
        print("     raised %s: %s" % (type(e).__name__, e))
        return False
    return False


def data(rng, shape=(3, 17, 19)):
    s = rng.integers(0, 256, shape, dtype=np.uint8)
    y = (rng.random(shape) < 0.2 + 0.5 * s / 255.0).astype(np.uint8)
    y[rng.random(shape) < 0.05] = 255
    w = rng.integers(0, 4096, shape) / 1024.0
    return s, y, w


def test_against_sklearn(rng):
    s, y, w = data(rng)
    kept = y != 255
    for dtype in (np.float64, np.float32):
        wt = w.astype(dtype)
        res = prcurve.Accumulator(bins=255, weighted=True).update(
            s, y, wt).compute()
        want = average_precision_score(y[kept], s[kept],
                                       sample_weight=w[kept])
        check(abs(res.average_precision - want) <= 1e-12,
              "%s: AP %r vs scikit-learn %r" % (np.dtype(dtype).name,
                                                res.average_precision, want))
        want = roc_auc_score(y[kept], s[kept], sample_weight=w[kept])
        check(abs(res.auroc - want) <= 1e-12, "%s: AUROC %r vs %r"
              % (np.dtype(dtype).name, res.auroc, want))
    check(res.weighted and res.tp.dtype == np.float64,
          "weighted result has float64 counts")
    k = np.arange(256)[:, None]
    above = s[kept].ravel()[None, :] >= k
    pos, neg, wk = y[kept] == 1, y[kept] == 0, w[kept]
    check(np.array_equal(res.tp, (above * (pos * wk)).sum(axis=1)) and
          np.array_equal(res.fp, (above * (neg * wk)).sum(axis=1)),
          "TP and FP at every row equal NumPy weighted sums")
    check(res.pixels == wk.sum() and res.positives == w[y == 1].sum()
          and res.negatives == w[y == 0].sum()
          and res.ignored == w[y == 255].sum() and res.images == 3
          and isinstance(res.images, int),
          "pixel tallies are weighted sums, images a count")
    mean, rate, pixels = res.calibration(10)
    check(pixels.dtype == np.float64 and pixels.sum() == wk.sum(),
          "calibration pixels are weighted sums")


def test_strided(rng):
    """Weights read in place whatever their strides."""
    s, y, w = data(rng)
    big = np.zeros((3, 40, 19, 2), dtype=np.float64)
    big[:, 3:3 + 2 * 17:2, :, 1] = w[:, :, ::-1]
    view = big[:, 3:3 + 2 * 17:2, ::-1, 1]  # a strided, flipped view
    check(np.array_equal(view, w) and not view.flags.c_contiguous,
          "the strided view holds the weights")
    a = prcurve.Accumulator(bins=255, weighted=True).update(s, y, view)
    b = prcurve.Accumulator(bins=255, weighted=True).update(
        s, y, np.ascontiguousarray(w))
    check(np.array_equal(a.state(), b.state()),
          "strided weights equal a contiguous copy")
    # One image at a time, 2-D weights, and the transposed layout.
    c = prcurve.Accumulator(bins=255, weighted=True)
    for i in range(3):
        c.update(s[i].T.copy().T, y[i], np.asfortranarray(w[i]))
    check(np.array_equal(c.state(), b.state()),
          "2-D Fortran-ordered weights per image equal the stack")


def test_integer_weights(rng):
    s, y, w = data(rng, (2, 9, 11))
    times = np.floor(w * 1.5)
    a = prcurve.Accumulator(bins=255, weighted=True).update(s, y, times)
    ra = a.compute()
    flat = np.repeat(s.ravel(), times.ravel().astype(int))
    labels = np.repeat(y.ravel(), times.ravel().astype(int))
    rb = prcurve.Accumulator(bins=255).update(flat[None], labels[None]) \
        .compute()
    check(np.array_equal(ra.tp, rb.tp.astype(np.float64)) and
          np.array_equal(ra.fp, rb.fp.astype(np.float64)) and
          ra.average_precision == rb.average_precision and
          ra.auroc == rb.auroc, "integer weights equal repeated pixels")


def test_missing_weights(rng):
    s, y, _ = data(rng)
    a = prcurve.Accumulator(bins=255, weighted=True).update(s, y).compute()
    b = prcurve.Accumulator(bins=255).update(s, y).compute()
    check(np.array_equal(a.tp, b.tp.astype(np.float64)) and
          a.pixels == b.pixels and a.average_precision ==
          b.average_precision, "updates without weights count 1 per pixel")


def test_classes(rng):
    classes = 3
    scores = rng.integers(1, 256, (2, classes, 8, 9)).astype(np.uint8)
    labels = rng.integers(0, classes, (2, 8, 9)).astype(np.uint8)
    w = rng.integers(0, 2048, (2, 8, 9)) / 1024.0
    res = prcurve.Accumulator(bins=255, classes=classes, weighted=True) \
        .update(scores, labels, w).compute()
    for c in range(classes):
        want = average_precision_score((labels == c).ravel(),
                                       scores[:, c].ravel(),
                                       sample_weight=w.ravel())
        check(abs(res.classes[c].average_precision - want) <= 1e-12,
              "class %d: AP with shared weights equals scikit-learn" % c)
    # The scikit-learn-shaped form: one weight per sample.
    y = labels.ravel()
    m = np.ascontiguousarray(np.moveaxis(scores, 1, -1).reshape(-1, classes))
    onehot = np.eye(classes, dtype=np.uint8)[y]
    got = prcurve.average_precision_score(onehot, m, average=None, bins=255,
                                          sample_weight=w.ravel())
    want = average_precision_score(onehot, m, average=None,
                                   sample_weight=w.ravel())
    check(np.allclose(got, want, rtol=0, atol=1e-12),
          "average_precision_score(average=None, sample_weight)")


def test_sklearn_functions(rng):
    y = (rng.random(600) < 0.3).astype(np.uint8)
    s = rng.integers(0, 256, 600).astype(np.uint8)
    w = rng.integers(1, 3000, 600) / 1024.0
    got = prcurve.average_precision_score(y, s, bins=255, sample_weight=w)
    want = average_precision_score(y, s, sample_weight=w)
    check(abs(got - want) <= 1e-12, "average_precision_score(sample_weight)")
    p, r, t = prcurve.precision_recall_curve(y, s, bins=255,
                                             sample_weight=w[::-1][::-1])
    P, R, T = precision_recall_curve(y, s, sample_weight=w)
    check(len(p) == len(P) and np.allclose(p, P, rtol=0, atol=1e-12) and
          np.allclose(r, R, rtol=0, atol=1e-12) and
          np.array_equal(np.round(t * 255), T),
          "precision_recall_curve(sample_weight) equals scikit-learn's")


def test_refusals(rng):
    s, y, w = data(rng)
    acc = prcurve.Accumulator(bins=255, weighted=True)
    bad = w.copy()
    bad[2, 5, 6] = -1.0
    check(raises(prcurve.PrcurveError, lambda: acc.update(s, y, bad),
                 "PRC_E_WEIGHT", "image 2, row 5, column 6"),
          "a negative weight names its pixel")
    for value in (np.nan, 2.0 ** 24 + 1):
        bad[2, 5, 6] = value
        check(raises(prcurve.PrcurveError, lambda: acc.update(s, y, bad),
                     "PRC_E_WEIGHT"), "weight %r refused" % value)
    check(acc.compute().pixels == 0, "refused batches counted nothing")
    check(raises(ValueError, lambda: acc.update(s, y, w[:, :-1]),
                 "weights has shape"), "shape mismatch")
    check(raises(TypeError, lambda: acc.update(s, y, w.astype(np.int32)),
                 "float32"), "int32 weights refused, naming float32")
    check(raises(TypeError, lambda: acc.update(s, y, w.tolist())),
          "a list is refused")
    check(raises(prcurve.PrcurveError,
                 lambda: prcurve.Accumulator(bins=255).update(s, y, w),
                 "PRC_E_NOT_ENABLED", "weighted=True"),
          "weights without weighted=True")
    check(raises(ValueError, lambda: prcurve.average_precision_score(
        y[0, 0], s[0, 0], sample_weight=w[0, 1:3].ravel()),
        "sample_weight has shape"), "sample_weight of the wrong shape")


def main():
    rng = np.random.default_rng(4)
    test_against_sklearn(rng)
    test_strided(rng)
    test_integer_weights(rng)
    test_missing_weights(rng)
    test_classes(rng)
    test_sklearn_functions(rng)
    test_refusals(rng)
    if FAILURES:
        sys.exit("%d check(s) failed" % len(FAILURES))
    print("all checks passed")


if __name__ == "__main__":
    main()
