"""Cross-check of libprcurve against scikit-learn, through ctypes.

Usage: test_sklearn.py PATH_TO_SHARED_LIBRARY

Checks, each printed as it runs:
  * uint8 scores, B = 255, rule GE: the thresholds k / 255 are exactly the
    scores' values, so AP must equal average_precision_score to 1e-12 and
    every operating point of precision_recall_curve must be a curve row.
  * the same under rule GT, where row k is scikit-learn's point at (k+1)/255.
  * float32 scores (beta-distributed, 10^6 pixels): AP within 2e-3 of the
    exact AP at B = 1000 and closer at B = 65536; the differences for
    B = 100, 1000, 10000, 65536 are printed.
  * auprc_trapezoid equals sklearn.metrics.auc(recall, precision) over the
    library's own rows.
  * bad input comes back as a status (NaN score -> PRC_E_NAN).
Exits non-zero on the first failed check.
"""
import ctypes
import sys

import numpy as np
from sklearn.metrics import auc, average_precision_score, precision_recall_curve

# Enum values from prcurve.h (part of the ABI, never renumbered).
PRC_OK = 0
PRC_E_NAN = 9
PRC_E_LABEL = 11
OPT_BINS, OPT_RULE, OPT_ZERO_DIVISION, OPT_IGNORE_LABEL = 1, 2, 3, 4
RULE_GE, RULE_GT = 0, 1
DTYPE_FLOAT32, DTYPE_FLOAT64, DTYPE_UINT8, DTYPE_BOOL = 1, 2, 3, 4
COL_THRESHOLD, COL_PRECISION, COL_RECALL = 1, 2, 3
COL_TP, COL_FP = 4, 5
AVERAGE_PRECISION, AUPRC_TRAPEZOID, BEST_F1 = 1, 2, 3
TALLY_PIXELS = 1

FAILURES = []


def check(condition, message):
    status = "ok  " if condition else "FAIL"
    print(f"{status} {message}", flush=True)
    if not condition:
        FAILURES.append(message)


class Lib:
    """The few entry points the checks need, with their C signatures."""

    def __init__(self, path):
        lib = ctypes.CDLL(path)
        vp, sz, i64 = ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int64
        pvp = ctypes.POINTER(ctypes.c_void_p)
        pd = ctypes.POINTER(ctypes.c_double)
        pu64 = ctypes.POINTER(ctypes.c_uint64)
        sig = {
            "prc_status_name": ([ctypes.c_int], ctypes.c_char_p),
            "prc_options_create": ([pvp], ctypes.c_int),
            "prc_options_free": ([vp], None),
            "prc_options_set": ([vp, ctypes.c_int, i64], ctypes.c_int),
            "prc_batch_create": ([pvp], ctypes.c_int),
            "prc_batch_free": ([vp], None),
            "prc_batch_set_shape": ([vp, sz, sz, sz], ctypes.c_int),
            "prc_batch_set_scores": ([vp, ctypes.c_int, vp], ctypes.c_int),
            "prc_batch_set_labels": ([vp, ctypes.c_int, vp], ctypes.c_int),
            "prc_accumulator_create": ([pvp, vp], ctypes.c_int),
            "prc_accumulator_free": ([vp], None),
            "prc_accumulator_feed": ([vp, vp], ctypes.c_int),
            "prc_accumulator_finalize": ([vp, pvp], ctypes.c_int),
            "prc_accumulator_last_error": ([vp], ctypes.c_char_p),
            "prc_result_free": ([vp], None),
            "prc_result_rows": ([vp], sz),
            "prc_result_column": ([vp, ctypes.c_int, sz, sz, pd],
                                  ctypes.c_int),
            "prc_result_counts": ([vp, ctypes.c_int, sz, sz, pu64],
                                  ctypes.c_int),
            "prc_result_metric": ([vp, ctypes.c_int, pd], ctypes.c_int),
            "prc_result_tally": ([vp, ctypes.c_int, pu64], ctypes.c_int),
        }
        for name, (args, res) in sig.items():
            fn = getattr(lib, name)
            fn.argtypes = args
            fn.restype = res
        self.c = lib

    def ok(self, status, what):
        if status != PRC_OK:
            name = self.c.prc_status_name(status).decode()
            raise RuntimeError(f"{what} returned {name}")


class Accumulator:
    def __init__(self, lib, bins, rule=RULE_GE, zero_division=0):
        self.lib, c = lib, lib.c
        opts = ctypes.c_void_p()
        lib.ok(c.prc_options_create(ctypes.byref(opts)), "options_create")
        for opt, value in ((OPT_BINS, bins), (OPT_RULE, rule),
                           (OPT_ZERO_DIVISION, zero_division)):
            lib.ok(c.prc_options_set(opts, opt, value), "options_set")
        self.acc = ctypes.c_void_p()
        status = c.prc_accumulator_create(ctypes.byref(self.acc), opts)
        c.prc_options_free(opts)
        lib.ok(status, "accumulator_create")

    def feed(self, scores, labels, label_dtype=DTYPE_UINT8):
        """Feeds one image of len(scores) pixels; returns the status."""
        c = self.lib.c
        dtype = {np.dtype(np.float32): DTYPE_FLOAT32,
                 np.dtype(np.float64): DTYPE_FLOAT64,
                 np.dtype(np.uint8): DTYPE_UINT8}[scores.dtype]
        scores = np.ascontiguousarray(scores)
        labels = np.ascontiguousarray(labels, dtype=np.uint8)
        batch = ctypes.c_void_p()
        self.lib.ok(c.prc_batch_create(ctypes.byref(batch)), "batch_create")
        try:
            self.lib.ok(c.prc_batch_set_shape(batch, 1, 1, scores.size),
                        "set_shape")
            self.lib.ok(c.prc_batch_set_scores(
                batch, dtype, scores.ctypes.data_as(ctypes.c_void_p)),
                "set_scores")
            self.lib.ok(c.prc_batch_set_labels(
                batch, label_dtype, labels.ctypes.data_as(ctypes.c_void_p)),
                "set_labels")
            return c.prc_accumulator_feed(self.acc, batch)
        finally:
            c.prc_batch_free(batch)

    def result(self):
        res = ctypes.c_void_p()
        self.lib.ok(self.lib.c.prc_accumulator_finalize(
            self.acc, ctypes.byref(res)), "finalize")
        return Result(self.lib, res)

    def free(self):
        self.lib.c.prc_accumulator_free(self.acc)


class Result:
    def __init__(self, lib, handle):
        self.lib, self.res = lib, handle
        self.rows = lib.c.prc_result_rows(handle)

    def column(self, col):
        out = np.empty(self.rows, dtype=np.float64)
        self.lib.ok(self.lib.c.prc_result_column(
            self.res, col, 0, self.rows,
            out.ctypes.data_as(ctypes.POINTER(ctypes.c_double))), "column")
        return out

    def counts(self, col):
        out = np.empty(self.rows, dtype=np.uint64)
        self.lib.ok(self.lib.c.prc_result_counts(
            self.res, col, 0, self.rows,
            out.ctypes.data_as(ctypes.POINTER(ctypes.c_uint64))), "counts")
        return out

    def metric(self, m):
        value = ctypes.c_double()
        status = self.lib.c.prc_result_metric(self.res, m,
                                              ctypes.byref(value))
        return status, value.value

    def tally(self, t):
        value = ctypes.c_uint64()
        self.lib.ok(self.lib.c.prc_result_tally(self.res, t,
                                                ctypes.byref(value)), "tally")
        return value.value

    def free(self):
        self.lib.c.prc_result_free(self.res)


def curve(lib, scores, labels, bins, rule=RULE_GE):
    acc = Accumulator(lib, bins, rule)
    lib.ok(acc.feed(scores, labels), "feed")
    res = acc.result()
    acc.free()
    return res


def close(a, b, tol=1e-12):
    return abs(a - b) <= tol * max(1.0, abs(b))


def check_trapezoid(res, what):
    precision = res.column(COL_PRECISION)
    recall = res.column(COL_RECALL)
    status, area = res.metric(AUPRC_TRAPEZOID)
    expected = auc(recall, precision)
    check(status == PRC_OK and close(area, expected),
          f"{what}: trapezoid {area!r} vs sklearn auc {expected!r}")


def check_points(res, sk_precision, sk_recall, sk_thresholds, row_of, what):
    """Every scikit-learn operating point must be the row row_of(t)."""
    precision = res.column(COL_PRECISION)
    recall = res.column(COL_RECALL)
    missing = 0
    for p, r, t in zip(sk_precision, sk_recall, sk_thresholds):
        k = row_of(t)
        if k is None:
            continue
        if not (close(precision[k], p) and close(recall[k], r)):
            if missing < 5:
                print(f"     threshold {t!r} (row {k}): library "
                      f"({precision[k]!r}, {recall[k]!r}), sklearn "
                      f"({p!r}, {r!r})")
            missing += 1
    check(missing == 0, f"{what}: all {len(sk_thresholds)} sklearn "
                        f"operating points are curve rows ({missing} not)")


def test_uint8(lib, rng):
    n = 200_000
    v = rng.integers(0, 256, size=n, dtype=np.uint8)
    # Labels lean towards high scores; 3 % carry the ignore label 255.
    labels = (rng.random(n) < 0.1 + 0.7 * (v / 255.0)).astype(np.uint8)
    labels[rng.random(n) < 0.03] = 255
    counted = labels != 255
    y = labels[counted]
    s = v[counted] / 255.0

    # Rule GE: row k is scikit-learn's point at threshold k/255.
    res = curve(lib, v, labels, 255, RULE_GE)
    check(res.rows == 256, "uint8 GE: 256 rows")
    status, ap = res.metric(AVERAGE_PRECISION)
    expected = average_precision_score(y, s)
    check(status == PRC_OK and close(ap, expected),
          f"uint8 B=255 GE: AP {ap!r} vs sklearn {expected!r}")
    sp, sr, st = precision_recall_curve(y, s)
    check_points(res, sp, sr, st, lambda t: int(round(t * 255)),
                 "uint8 B=255 GE")
    # Best F1: F1 = 2PR / (P + R) at scikit-learn's points.
    with np.errstate(invalid="ignore", divide="ignore"):
        f1 = np.where(sp + sr > 0, 2 * sp * sr / (sp + sr), 0.0)
    status, best = res.metric(BEST_F1)
    check(status == PRC_OK and close(best, float(np.max(f1))),
          f"uint8 B=255 GE: best F1 {best!r} vs sklearn {np.max(f1)!r}")
    tp = res.counts(COL_TP)
    fp = res.counts(COL_FP)
    t = v[counted]
    exact = all(tp[k] == np.sum(y[t >= k]) and fp[k] == np.sum(1 - y[t >= k])
                for k in (0, 1, 17, 128, 254, 255))
    check(exact, "uint8 B=255 GE: TP/FP at sample rows equal NumPy counts")
    check_trapezoid(res, "uint8 B=255 GE")
    res.free()

    # Rule GT: score > k/255 means v >= k+1, scikit-learn's point at
    # (k+1)/255.  Without zero scores row 0 holds every pixel, as
    # scikit-learn's lowest threshold does, so the APs agree too.
    res = curve(lib, v, labels, 255, RULE_GT)
    check_points(res, sp, sr, st,
                 lambda t: int(round(t * 255)) - 1 if t > 0 else None,
                 "uint8 B=255 GT")
    check_trapezoid(res, "uint8 B=255 GT")
    res.free()
    v1 = np.maximum(v, 1).astype(np.uint8)
    res = curve(lib, v1, labels, 255, RULE_GT)
    status, ap = res.metric(AVERAGE_PRECISION)
    expected = average_precision_score(y, v1[counted] / 255.0)
    check(status == PRC_OK and close(ap, expected),
          f"uint8 1..255 B=255 GT: AP {ap!r} vs sklearn {expected!r}")
    res.free()


def test_float32(lib, rng):
    n = 1_000_000
    y = (rng.random(n) < 0.3).astype(np.uint8)
    s = np.where(y == 1, rng.beta(4.0, 2.0, n),
                 rng.beta(2.0, 4.0, n)).astype(np.float32)
    exact = average_precision_score(y, s)
    print(f"     sklearn exact AP on 10^6 float32 pixels: {exact!r}")
    diffs = {}
    for bins in (100, 1000, 10000, 65536):
        res = curve(lib, s, y, bins, RULE_GE)
        status, ap = res.metric(AVERAGE_PRECISION)
        check(status == PRC_OK, f"float32 B={bins}: AP status")
        diffs[bins] = abs(ap - exact)
        print(f"     B={bins:>6}: AP {ap!r}, |AP - sklearn| = "
              f"{diffs[bins]:.3e}")
        check_trapezoid(res, f"float32 B={bins}")
        res.free()
    check(diffs[1000] < 2e-3, f"float32: AP difference at B=1000 "
                              f"{diffs[1000]:.3e} < 2e-3")
    check(diffs[65536] < diffs[1000],
          f"float32: difference shrinks from B=1000 ({diffs[1000]:.3e}) "
          f"to B=65536 ({diffs[65536]:.3e})")

    # Rule GT at B = 65536 is as close.
    res = curve(lib, s, y, 65536, RULE_GT)
    status, ap = res.metric(AVERAGE_PRECISION)
    check(status == PRC_OK and abs(ap - exact) < 2e-3,
          f"float32 B=65536 GT: |AP - sklearn| = {abs(ap - exact):.3e}")
    res.free()


def test_errors(lib):
    acc = Accumulator(lib, 10)
    good = np.array([0.25, 0.75], dtype=np.float32)
    labels = np.array([0, 1], dtype=np.uint8)
    lib.ok(acc.feed(good, labels), "feed")
    bad = np.array([0.5, np.nan, 0.25], dtype=np.float32)
    status = acc.feed(bad, np.array([1, 0, 1], dtype=np.uint8))
    name = lib.c.prc_status_name(status).decode()
    check(status == PRC_E_NAN and name == "PRC_E_NAN",
          f"NaN score: status {name}")
    message = lib.c.prc_accumulator_last_error(acc.acc).decode()
    check(len(message) > 0, f"NaN score: last error {message!r}")
    status = acc.feed(good.astype(np.float64),
                      np.array([0, 7], dtype=np.uint8))
    check(status == PRC_E_LABEL,
          f"label 7: status {lib.c.prc_status_name(status).decode()}")
    res = acc.result()
    check(res.tally(TALLY_PIXELS) == 2,
          "failed feeds counted nothing (2 pixels in all)")
    res.free()
    acc.free()


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: test_sklearn.py PATH_TO_LIBPRCURVE")
    lib = Lib(sys.argv[1])
    rng = np.random.default_rng(20240607)
    test_uint8(lib, rng)
    test_float32(lib, rng)
    test_errors(lib)
    if FAILURES:
        print(f"{len(FAILURES)} check(s) failed:")
        for f in FAILURES:
            print(f"  {f}")
        sys.exit(1)
    print("all checks passed")


if __name__ == "__main__":
    main()
