"""Cross-check of libprcurve's analytics against scikit-learn and NumPy.

Usage: test_analytics.py PATH_TO_SHARED_LIBRARY

Checks, each printed as it runs:
  * uint8 scores, B = 255, rules GE and GT: AUROC equals
    sklearn.metrics.roc_auc_score to 1e-12.
  * float32 scores (continuous, and rounded so that many tie, with exact
    0s and 1s): scikit-learn's exact average_precision_score lies within
    [PRC_AP_LOWER, PRC_AP_UPPER] at several bin counts, and the width
    shrinks as bins refine each other (10, 100, 1000, 10000); the widths
    are printed.
  * uint8 scores, B = 255: VOC 11-point and COCO 101-point AP, and the
    operating points, equal values computed from precision_recall_curve.
  * float32 scores, rule GT: the Davis-Goadrich interpolated AP equals a
    NumPy evaluation of the same formula on counts taken at Keras'
    thresholds straight from the raw scores.
  * calibration at B = 1000: group counts and positive rates exact, the
    ECE within 1 / (2 B) of the ECE of the raw scores.
Exits non-zero if any check fails.
"""
import ctypes
import sys

import numpy as np
from sklearn.metrics import (average_precision_score, precision_recall_curve,
                             roc_auc_score)

# Enum values from prcurve.h (part of the ABI, never renumbered).
PRC_OK = 0
OPT_BINS, OPT_RULE = 1, 2
RULE_GE, RULE_GT = 0, 1
DTYPE_FLOAT32, DTYPE_UINT8 = 1, 3
AVERAGE_PRECISION = 1
AUROC, AP_LOWER, AP_UPPER = 8, 13, 14
AP_VOC11, AP_COCO101, AP_INTERPOLATED, ECE = 15, 16, 17, 18
NOT_REACHED = 27

FAILURES = []


def check(condition, message):
    print(f"{'ok  ' if condition else 'FAIL'} {message}", flush=True)
    if not condition:
        FAILURES.append(message)


class Lib:
    """The entry points the checks use, with their C signatures."""

    def __init__(self, path):
        lib = ctypes.CDLL(path)
        vp, sz, i64 = ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int64
        pvp = ctypes.POINTER(ctypes.c_void_p)
        pd = ctypes.POINTER(ctypes.c_double)
        pu64 = ctypes.POINTER(ctypes.c_uint64)
        dbl, i = ctypes.c_double, ctypes.c_int
        sig = {
            "prc_options_create": ([pvp], i),
            "prc_options_free": ([vp], None),
            "prc_options_set": ([vp, i, i64], i),
            "prc_batch_create": ([pvp], i),
            "prc_batch_free": ([vp], None),
            "prc_batch_set_shape": ([vp, sz, sz, sz], i),
            "prc_batch_set_scores": ([vp, i, vp], i),
            "prc_batch_set_labels": ([vp, i, vp], i),
            "prc_accumulator_create": ([pvp, vp], i),
            "prc_accumulator_free": ([vp], None),
            "prc_accumulator_feed": ([vp, vp], i),
            "prc_accumulator_finalize": ([vp, pvp], i),
            "prc_result_free": ([vp], None),
            "prc_result_metric": ([vp, i, pd], i),
            "prc_result_precision_at_recall": ([vp, dbl, pd, pd], i),
            "prc_result_recall_at_precision": ([vp, dbl, pd, pd], i),
            "prc_result_calibration": ([vp, sz, pd, pd, pu64], i),
        }
        for name, (args, res) in sig.items():
            fn = getattr(lib, name)
            fn.argtypes = args
            fn.restype = res
        self.c = lib


class Result:
    """A finalized result of one batch of scores and labels."""

    def __init__(self, lib, scores, labels, bins, rule):
        c = lib.c
        self.c = c
        dtype = DTYPE_UINT8 if scores.dtype == np.uint8 else DTYPE_FLOAT32
        scores = np.ascontiguousarray(scores)
        labels = np.ascontiguousarray(labels, dtype=np.uint8)
        opt, acc, batch, res = (ctypes.c_void_p() for _ in range(4))
        ok = [c.prc_options_create(ctypes.byref(opt)),
              c.prc_options_set(opt, OPT_BINS, bins),
              c.prc_options_set(opt, OPT_RULE, rule),
              c.prc_accumulator_create(ctypes.byref(acc), opt),
              c.prc_batch_create(ctypes.byref(batch)),
              c.prc_batch_set_shape(batch, 1, 1, scores.size),
              c.prc_batch_set_scores(batch, dtype, scores.ctypes.data),
              c.prc_batch_set_labels(batch, DTYPE_UINT8, labels.ctypes.data),
              c.prc_accumulator_feed(acc, batch),
              c.prc_accumulator_finalize(acc, ctypes.byref(res))]
        c.prc_batch_free(batch)
        c.prc_accumulator_free(acc)
        c.prc_options_free(opt)
        if any(s != PRC_OK for s in ok):
            raise RuntimeError(f"building a result failed: {ok}")
        self.res = res

    def __del__(self):
        self.c.prc_result_free(self.res)

    def metric(self, m):
        v = ctypes.c_double()
        status = self.c.prc_result_metric(self.res, m, ctypes.byref(v))
        if status != PRC_OK:
            raise RuntimeError(f"metric {m}: status {status}")
        return v.value

    def operating(self, name, level):
        v, t = ctypes.c_double(), ctypes.c_double()
        fn = getattr(self.c, name)
        status = fn(self.res, level, ctypes.byref(v), ctypes.byref(t))
        return status, v.value, t.value

    def calibration(self, groups):
        mean = np.zeros(groups)
        rate = np.zeros(groups)
        pixels = np.zeros(groups, dtype=np.uint64)
        pd = ctypes.POINTER(ctypes.c_double)
        status = self.c.prc_result_calibration(
            self.res, groups, mean.ctypes.data_as(pd),
            rate.ctypes.data_as(pd),
            pixels.ctypes.data_as(ctypes.POINTER(ctypes.c_uint64)))
        if status != PRC_OK:
            raise RuntimeError(f"calibration: status {status}")
        return mean, rate, pixels


def uint8_data(rng, n):
    labels = (rng.random(n) < 0.3).astype(np.uint8)
    raw = rng.normal(0.35 + 0.3 * labels, 0.2)
    return np.clip(np.round(raw * 255), 0, 255).astype(np.uint8), labels


def float_data(rng, n, ties):
    labels = (rng.random(n) < 0.25).astype(np.uint8)
    scores = np.where(labels == 1, rng.beta(4, 2, n), rng.beta(2, 4, n))
    if ties:
        scores = np.round(scores * 40) / 40  # 41 values, 0 and 1 included
    return scores.astype(np.float32), labels


def check_auroc(lib, rng):
    for rule, name in ((RULE_GE, "ge"), (RULE_GT, "gt")):
        scores, labels = uint8_data(rng, 200_000)
        got = Result(lib, scores, labels, 255, rule).metric(AUROC)
        want = roc_auc_score(labels, scores)
        check(abs(got - want) <= 1e-12,
              f"uint8, B=255, {name}: AUROC {got:.15f} vs sklearn "
              f"{want:.15f}")


def check_ap_bounds(lib, rng):
    for ties in (False, True):
        scores, labels = float_data(rng, 300_000, ties)
        exact = average_precision_score(labels, scores.astype(np.float64))
        for rule, name in ((RULE_GE, "ge"), (RULE_GT, "gt")):
            widths = []
            for bins in (10, 100, 1000, 10000, 65536):
                r = Result(lib, scores, labels, bins, rule)
                lo, hi = r.metric(AP_LOWER), r.metric(AP_UPPER)
                binned = r.metric(AVERAGE_PRECISION)
                check(lo - 1e-12 <= exact <= hi + 1e-12
                      and lo - 1e-12 <= binned <= hi + 1e-12,
                      f"float32 {'tied' if ties else 'continuous'}, {name}, "
                      f"B={bins}: exact AP {exact:.6f} in [{lo:.6f}, "
                      f"{hi:.6f}], width {hi - lo:.2e}")
                widths.append(hi - lo)
            nested = all(b <= a + 1e-12 for a, b in zip(widths, widths[1:4]))
            check(nested and (ties or widths[3] < widths[0] / 100),
                  f"width shrinks over B = 10, 100, 1000, 10000: "
                  f"{', '.join(f'{w:.1e}' for w in widths[:4])}")


def sklearn_points(scores, labels):
    precision, recall, thresholds = precision_recall_curve(labels, scores)
    # The last point (precision 1, recall 0) has no threshold.
    return precision[:-1], recall[:-1], thresholds


def interpolated_reference(precision, recall, steps):
    total = 0.0
    for j in range(steps + 1):
        reached = precision[recall >= j / steps]
        total += reached.max() if reached.size else 0.0
    return total / (steps + 1)


def check_interpolated(lib, rng):
    scores, labels = uint8_data(rng, 100_000)
    r = Result(lib, scores, labels, 255, RULE_GE)
    precision, recall, _ = sklearn_points(scores / 255.0, labels)
    for metric, steps, name in ((AP_VOC11, 10, "VOC 11-point"),
                                (AP_COCO101, 100, "COCO 101-point")):
        got = r.metric(metric)
        want = interpolated_reference(precision, recall, steps)
        check(abs(got - want) <= 1e-12,
              f"uint8, B=255: {name} AP {got:.15f} vs {want:.15f}")


def best_lexicographic(keys):
    """Index of the lexicographically largest tuple."""
    return max(range(len(keys)), key=lambda i: keys[i])


def check_operating_points(lib, rng):
    scores, labels = uint8_data(rng, 50_000)
    r = Result(lib, scores, labels, 255, RULE_GE)
    precision, recall, thresholds = sklearn_points(scores / 255.0, labels)
    for level in (0.3, 0.5, 0.7, 0.9, 0.99):
        ok = np.flatnonzero(precision >= level)
        status, v, t = r.operating("prc_result_recall_at_precision", level)
        if ok.size == 0:
            check(status == NOT_REACHED, f"recall at precision {level}: "
                  f"not reached")
            continue
        i = ok[best_lexicographic([(recall[j], precision[j], thresholds[j])
                                   for j in ok])]
        check(status == PRC_OK and abs(v - recall[i]) <= 1e-15
              and abs(t - thresholds[i]) <= 1e-15,
              f"recall at precision {level}: {v:.6f} at {t:.6f} vs "
              f"{recall[i]:.6f} at {thresholds[i]:.6f}")
    for level in (0.1, 0.5, 0.8, 0.95, 1.0):
        ok = np.flatnonzero(recall >= level)
        i = ok[best_lexicographic([(precision[j], recall[j], thresholds[j])
                                   for j in ok])]
        status, v, t = r.operating("prc_result_precision_at_recall", level)
        check(status == PRC_OK and abs(v - precision[i]) <= 1e-15
              and abs(t - thresholds[i]) <= 1e-15,
              f"precision at recall {level}: {v:.6f} at {t:.6f} vs "
              f"{precision[i]:.6f} at {thresholds[i]:.6f}")


def keras_style_interpolated_ap(scores, labels, num_thresholds):
    """The Davis-Goadrich formula on counts at Keras' thresholds: -eps,
    i / (n - 1) for i = 1..n-2, 1 + eps, a pixel positive when its score is
    above the threshold."""
    s = scores.astype(np.float64)
    inner = [i / (num_thresholds - 1) for i in range(1, num_thresholds - 1)]
    t = np.array([-1e-7] + inner + [1 + 1e-7])
    order = np.sort(s)
    pos = np.sort(s[labels == 1])
    above = s.size - np.searchsorted(order, t, side="right")
    tp = (pos.size - np.searchsorted(pos, t, side="right")).astype(float)
    pp = above.astype(float)
    total = 0.0
    for i in range(num_thresholds - 1):
        dtp, dpp = tp[i] - tp[i + 1], pp[i] - pp[i + 1]
        if dtp == 0:
            continue
        slope = dtp / dpp
        if pp[i + 1] == 0:
            total += slope * dtp
        else:
            intercept = tp[i + 1] - slope * pp[i + 1]
            total += slope * (dtp + intercept * np.log(pp[i] / pp[i + 1]))
    return total / pos.size


def check_davis_goadrich(lib, rng):
    scores, labels = float_data(rng, 200_000, False)
    scores = np.clip(scores, np.float32(1e-6), np.float32(1 - 1e-6))
    for bins in (10, 199, 1000):
        got = Result(lib, scores, labels, bins, RULE_GT).metric(
            AP_INTERPOLATED)
        want = keras_style_interpolated_ap(scores, labels, bins + 1)
        check(abs(got - want) <= 1e-12,
              f"float32, GT, B={bins}: interpolated AP {got:.15f} vs "
              f"{want:.15f}")


def check_calibration(lib, rng):
    scores, labels = float_data(rng, 200_000, False)
    bins, groups = 1000, 10
    r = Result(lib, scores, labels, bins, RULE_GE)
    mean, rate, pixels = r.calibration(groups)
    s = scores.astype(np.float64)
    group = sum((s >= g / groups).astype(int) for g in range(1, groups))
    want_pixels = np.bincount(group, minlength=groups)
    want_pos = np.bincount(group, weights=labels, minlength=groups)
    exact_ece = 0.0
    for g in range(groups):
        if want_pixels[g]:
            exact_ece += (want_pixels[g] / s.size
                          * abs(want_pos[g] / want_pixels[g]
                                - s[group == g].mean()))
    check(np.array_equal(pixels.astype(np.int64), want_pixels),
          "calibration, B=1000: pixel count of every group exact")
    nonempty = want_pixels > 0
    check(np.allclose(rate[nonempty],
                      want_pos[nonempty] / want_pixels[nonempty],
                      rtol=0, atol=1e-15),
          "calibration, B=1000: positive rate of every group exact")
    ece = r.metric(ECE)
    check(abs(ece - exact_ece) <= 1 / (2 * bins),
          f"ECE {ece:.6f} within 1/(2B) of the raw scores' {exact_ece:.6f}")


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    lib = Lib(sys.argv[1])
    rng = np.random.default_rng(20240611)
    check_auroc(lib, rng)
    check_ap_bounds(lib, rng)
    check_interpolated(lib, rng)
    check_operating_points(lib, rng)
    check_davis_goadrich(lib, rng)
    check_calibration(lib, rng)
    if FAILURES:
        print(f"{len(FAILURES)} check(s) failed")
        sys.exit(1)
    print("all checks passed")


if __name__ == "__main__":
    main()
