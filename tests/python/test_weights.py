"""Weighted accumulators against scikit-learn's sample_weight: on uint8
scores with 255 bins and weights in whole units of 1/1024 (exact in the
library's fixed point), AP and AUROC equal average_precision_score and
roc_auc_score with the same weights, and integer weights equal repeating
the pixels.

usage: test_weights.py LIBPRCURVE_SO
"""
import ctypes as C
import sys

import numpy as np
from sklearn.metrics import average_precision_score, roc_auc_score

lib = C.CDLL(sys.argv[1])
vp, sz = C.c_void_p, C.c_size_t
OPT_BINS, OPT_WEIGHTED = 1, 14
AP, AUROC = 1, 8
failures = []


def check(ok, what):
    if not ok:
        failures.append(what)


def evaluate(scores, labels, weights):
    options, acc, batch, result = vp(), vp(), vp(), vp()
    assert lib.prc_options_create(C.byref(options)) == 0
    assert lib.prc_options_set(options, OPT_BINS, C.c_int64(255)) == 0
    assert lib.prc_options_set(options, OPT_WEIGHTED,
                               C.c_int64(weights is not None)) == 0
    assert lib.prc_accumulator_create(C.byref(acc), options) == 0
    assert lib.prc_batch_create(C.byref(batch)) == 0
    assert lib.prc_batch_set_shape(batch, sz(1), sz(1), sz(scores.size)) == 0
    lib.prc_batch_set_scores(batch, 3, scores.ctypes.data_as(vp))
    lib.prc_batch_set_labels(batch, 3, labels.ctypes.data_as(vp))
    if weights is not None:
        assert lib.prc_batch_set_weights(batch, 2,
                                         weights.ctypes.data_as(vp)) == 0
    status = lib.prc_accumulator_feed(acc, batch)
    assert status == 0, status
    assert lib.prc_accumulator_finalize(acc, C.byref(result)) == 0
    values = []
    for which in (AP, AUROC):
        value = C.c_double()
        assert lib.prc_result_metric(result, which, C.byref(value)) == 0
        values.append(value.value)
    return values


def main():
    rng = np.random.default_rng(17)
    n = 5000
    labels = (rng.random(n) < 0.3).astype(np.uint8)
    scores = np.clip(rng.normal(100 + 60 * labels, 45), 0, 255).astype(
        np.uint8)
    weights = rng.integers(0, 4097, n) / 1024.0          # 0 .. 4, by 1/1024
    ap, auroc = evaluate(scores, labels, weights)
    want_ap = average_precision_score(labels, scores / 255.0,
                                      sample_weight=weights)
    want_auroc = roc_auc_score(labels, scores / 255.0, sample_weight=weights)
    check(abs(ap - want_ap) < 1e-12, "AP %r, scikit-learn %r" % (ap, want_ap))
    check(abs(auroc - want_auroc) < 1e-12,
          "AUROC %r, scikit-learn %r" % (auroc, want_auroc))

    counts = rng.integers(0, 4, n)
    ap_w, auroc_w = evaluate(scores, labels, counts.astype(np.float64))
    ap_r, auroc_r = evaluate(np.repeat(scores, counts),
                             np.repeat(labels, counts), None)
    check(ap_w == ap_r and auroc_w == auroc_r,
          "integer weights %r %r, repeated pixels %r %r"
          % (ap_w, auroc_w, ap_r, auroc_r))

    for failure in failures:
        print("FAIL:", failure)
    print("weights: %d failed" % len(failures))
    sys.exit(1 if failures else 0)


main()
